#include "app/update_commands.h"

#include <iostream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli_help.h"
#include "core/units.h"
#include "platform/fs.h"
#include "report/text_reporter.h"
#include "signatures/loader.h"
#include "signatures/rules_cache.h"
#include "update/updater.h"

namespace harrier {
namespace {

std::string StoreOf(const std::string& store) {
  return store.empty() ? DefaultStoreDir() : store;
}

std::string ActiveText(const std::string& store) {
  auto a = FindActiveSet(store);
  if (a.ok()) return fmt::format("the active signature set is unchanged: {}", a->id);
  if (a.status().code() == Status::Code::kNotFound)
    return "no updated signature set was installed (the built-in signatures stay in use)";
  return fmt::format("the store holds no usable active set: {}", a.status().message());
}

void StoreOption(CLI::App* c, std::string* store) {
  c->add_option("--store", *store,
                "Signature store folder (default: /var/lib/harrier/signatures as root, else "
                "$XDG_DATA_HOME/harrier/signatures or ~/.local/share/harrier/signatures; env "
                "HARRIER_SIGNATURE_STORE)")
      ->group(kGroupSignatures)->type_name("DIR");
}

}  // namespace

Result<InstalledSet> ActiveUpdatedSet(const std::string& store) {
  return FindActiveSet(StoreOf(store));
}

CLI::App* AddUpdateCommand(CLI::App& app, UpdateCommandOptions* o) {
  auto* c = app.add_subcommand(
      "update",
      "Fetch signatures (signature-base by default) over HTTPS or import an offline bundle, "
      "verify and test-load them, and make them the active updated set");
  auto* url = c->add_option("--url", o->url,
                            fmt::format("HTTPS URL of a zip or tar.gz signature archive (a mirror; "
                                        "default: {})",
                                        kDefaultSignatureUrl))
                  ->group(kGroupInput)->type_name("URL");
  auto* from = c->add_option("--from", o->from,
                             "Import this bundle (zip or tar.gz, e.g. from `harrier bundle`) "
                             "instead of fetching; FILE.sha256 and FILE.sig beside it are used")
                   ->group(kGroupInput)->type_name("FILE");
  from->excludes(url);
  auto* rollback = c->add_flag("--rollback", o->rollback,
                               "Make the previous set active again (the set it replaced)")
                       ->group(kGroupInput);
  rollback->excludes(url);
  rollback->excludes(from);
  StoreOption(c, &o->store);
  c->add_option("--sha256", o->sha256, "Require this SHA-256 of the archive (64 hex digits)")
      ->group(kGroupSignatures)->type_name("HEX");
  c->add_option("--public-key", o->public_key,
                "Require a detached signature (URL.sig or FILE.sig) that verifies with this PEM "
                "public key")
      ->group(kGroupSignatures)->type_name("FILE");
  c->add_option("--ca-file", o->ca_file,
                "Trust the CA certificates in this PEM file instead of the system's (a private "
                "mirror)")
      ->group(kGroupSignatures)->type_name("FILE");
  c->add_option("--max-rule-errors", o->max_rule_errors,
                "Refuse the set when more than N rule files or IOC lines fail to load")
      ->default_val(0)->group(kGroupSignatures)->type_name("N");
  c->add_option("--max-download-bytes", o->max_download,
                "Refuse an archive (download or bundle) larger than SIZE")
      ->default_str("256MiB")->group(kGroupSelection)->type_name("SIZE")->check(SizeValidator());
  c->add_option("--max-unpacked-bytes", o->max_unpacked,
                "Refuse an archive that unpacks to more than SIZE")
      ->default_str("1GiB")->group(kGroupSelection)->type_name("SIZE")->check(SizeValidator());
  c->add_option("--max-members", o->max_members, "Refuse an archive with more than N members")
      ->default_val(100000)->group(kGroupSelection)->type_name("N");
  c->add_option("--max-member-bytes", o->max_member,
                "Refuse an archive with a member larger than SIZE")
      ->default_str("64MiB")->group(kGroupSelection)->type_name("SIZE")->check(SizeValidator());
  c->add_option("--timeout", o->timeout_s, "Seconds for the whole download (0 = no limit)")
      ->default_val(600)->check(CLI::Range(0, 86400))->group(kGroupSelection)->type_name("SEC");
  c->add_option("--connect-timeout", o->connect_timeout_s, "Seconds to connect to the server")
      ->default_val(30)->check(CLI::Range(1, 3600))->group(kGroupSelection)->type_name("SEC");
  return c;
}

int RunUpdateCommand(const UpdateCommandOptions& o, const std::atomic<bool>& cancel) {
#if !HARRIER_HAVE_UPDATE
  // A build without an HTTPS client (the Windows build) has no update at
  // all: its signature store is not ported either.
  (void)cancel;
  std::cerr << "harrier update: not available in this build (no HTTPS client and no signature "
               "store); give newer signatures to `harrier scan --signatures DIR` instead\n";
  return 1;
#endif
  const std::string store = StoreOf(o.store);
  if (o.rollback) {
    auto w = StoreWriter::Open(store);
    if (!w.ok()) {
      std::cerr << "harrier update: " << TerminalSafe(w.status().message()) << "\n";
      return 1;
    }
    auto set = (*w)->Rollback();
    if (!set.ok()) {
      std::cerr << "harrier update: rollback failed: " << TerminalSafe(set.status().message())
                << "\n";
      return 1;
    }
    std::cout << fmt::format("Rolled back: the active signature set is {} (from {})\n",
                             set->id, TerminalSafe(set->manifest.source));
    return 0;
  }
  UpdateOptions uo;
  uo.store = store;
  if (!o.url.empty()) uo.url = o.url;
  uo.from_file = o.from;
  uo.sha256 = o.sha256;
  uo.public_key_file = o.public_key;
  uo.ca_file = o.ca_file;
  // The validators checked these while parsing.
  uo.max_download_bytes = *ParseSize(o.max_download);
  uo.limits.max_total_bytes = *ParseSize(o.max_unpacked);
  uo.limits.max_members = o.max_members;
  uo.limits.max_member_bytes = *ParseSize(o.max_member);
  uo.max_rule_errors = o.max_rule_errors;
  uo.timeout_s = o.timeout_s;
  uo.connect_timeout_s = o.connect_timeout_s;
  uo.cancel = &cancel;
  if (!o.sha256.empty() && !IsSha256Hex([&] {
        std::string s = o.sha256;
        for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return s;
      }())) {
    std::cerr << "harrier update: --sha256: not 64 hex digits\n";
    return kExitUsage;
  }
  auto r = RunUpdate(uo, [](std::string_view line) {
    std::cout << TerminalSafe(line) << "\n" << std::flush;
  });
  if (!r.ok()) {
    // One terminal-safe line each: the test-load errors come as a list.
    const std::string& msg = r.status().message();
    for (size_t pos = 0; pos <= msg.size();) {
      size_t end = msg.find('\n', pos);
      if (end == std::string::npos) end = msg.size();
      std::cerr << (pos == 0 ? "harrier update: " : "") << TerminalSafe(msg.substr(pos, end - pos))
                << "\n";
      pos = end + 1;
    }
    std::cerr << "harrier update: " << ActiveText(store) << "\n";
    return 1;
  }
  const SetManifest& m = r->manifest;
  if (r->up_to_date) {
    std::cout << fmt::format("Already up to date: the active set {} has SHA-256 {}\n", m.id,
                             m.sha256);
    return 0;
  }
  std::cout << fmt::format(
      "Installed signature set {} in {}: {} YARA rules, {} hash, {} filename, {} C2 IOCs, {} "
      "false-positive entries{}\n",
      m.id, TerminalSafe(store), m.yara_rules, m.hash_iocs, m.filename_iocs, m.c2_iocs,
      m.fp_entries,
      r->previous_id.empty() ? std::string()
                             : fmt::format("; previous set {} kept for --rollback", r->previous_id));
  return 0;
}

CLI::App* AddBundleCommand(CLI::App& app, BundleCommandOptions* o) {
  auto* c = app.add_subcommand(
      "bundle",
      "Write the active updated signature set (or a folder) as a tar.gz bundle plus OUT.sha256, "
      "for `harrier update --from` on hosts without network access");
  c->add_option("out", o->out, "The bundle file to write (e.g. signatures.tar.gz)")
      ->required()->type_name("OUT");
  c->add_option("--from-dir", o->from_dir,
                "Bundle this signature folder instead of the active set")
      ->group(kGroupInput)->type_name("DIR");
  StoreOption(c, &o->store);
  return c;
}

int RunBundleCommand(const BundleCommandOptions& o) {
  std::string folder = o.from_dir;
  if (folder.empty()) {
    const std::string store = StoreOf(o.store);
    auto set = FindActiveSet(store);
    if (!set.ok()) {
      std::cerr << fmt::format(
          "harrier bundle: no active signature set to bundle in {}: {} (use --from-dir DIR)\n",
          TerminalSafe(store), TerminalSafe(set.status().message()));
      return kExitUsage;
    }
    folder = set->tree;
  }
  auto sha = WriteBundle(folder, o.out);
  if (!sha.ok()) {
    std::cerr << "harrier bundle: " << TerminalSafe(sha.status().message()) << "\n";
    return 1;
  }
  std::cout << fmt::format("Wrote {} (SHA-256 {}) and {}.sha256\n", TerminalSafe(o.out), *sha,
                           TerminalSafe(o.out));
  return 0;
}

CLI::App* AddSignaturesCommand(CLI::App& app, SignaturesCommandOptions* o) {
  auto* c = app.add_subcommand(
      "signatures",
      "List the signature sets a scan loads (built-in, updated, --signatures) with their "
      "version, counts per type and load failures");
  c->add_option("--signatures", o->signatures, "Also list this signature folder; repeatable")
      ->allow_extra_args(false)->group(kGroupSignatures)->type_name("DIR");
  c->add_flag("--no-builtin", o->no_builtin, "Leave out the built-in signatures")
      ->group(kGroupSignatures);
  c->add_flag("--no-updated-signatures", o->no_updated, "Leave out the updated set of the store")
      ->group(kGroupSignatures);
  StoreOption(c, &o->store);
  c->add_flag("--json", o->json, "Print JSON instead of text")->group(kGroupOutput);
  c->add_flag("--no-rules-cache", o->no_rules_cache,
              "Compile the YARA rules instead of loading them from the compiled-rules cache")
      ->group(kGroupPerformance);
  return c;
}

int RunSignaturesCommand(const SignaturesCommandOptions& o) {
  struct Group {
    std::string kind;    // "built-in", "updated", "folder"
    std::string folder;
    std::optional<InstalledSet> set;
  };
  std::vector<Group> groups;
  bool problems = false;
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  std::string text;
  if (!o.no_builtin) {
    auto b = FindBuiltinRules();
    if (!b.ok()) {
      std::cerr << "harrier signatures: " << b.status().message() << "\n";
      return kExitUsage;
    }
    groups.push_back({"built-in", *b, std::nullopt});
  }
  const std::string store = StoreOf(o.store);
  if (!o.no_updated) {
    auto set = FindActiveSet(store);
    if (set.ok()) {
      groups.push_back({"updated", set->tree, *set});
    } else if (set.status().code() == Status::Code::kNotFound) {
      text += fmt::format("Updated signatures: none installed in {} (harrier update)\n\n",
                          TerminalSafe(store));
      out.push_back({{"kind", "updated"}, {"store", store}, {"installed", false}});
    } else {
      problems = true;
      text += fmt::format("Updated signatures in {}: NOT USED: {}\n\n", TerminalSafe(store),
                          TerminalSafe(set.status().message()));
      out.push_back({{"kind", "updated"}, {"store", store}, {"installed", true},
                     {"error", set.status().message()}});
    }
  }
  for (const auto& f : o.signatures) groups.push_back({"folder", f, std::nullopt});

  for (const Group& g : groups) {
    Diagnostics diag;
    diag.set_max_stored(1000);
    LoadOptions lo;
    lo.folders = {g.folder};
    lo.partition_yara = false;
    if (!o.no_rules_cache) lo.rules_cache_dir = DefaultCacheDir();
    LoadReport report;
    auto sigs = LoadSignatures(lo, diag, &report);
    nlohmann::ordered_json j;
    j["kind"] = g.kind;
    j["folder"] = g.folder;
    std::string title = g.kind == "built-in" ? "Built-in signatures"
                        : g.kind == "updated" ? "Updated signatures"
                                              : "Signature folder";
    text += fmt::format("{}: {}\n", title, TerminalSafe(g.folder));
    if (g.set) {
      const SetManifest& m = g.set->manifest;
      j["set"] = m.id;
      j["source"] = m.source;
      j["sha256"] = m.sha256;
      j["fetched"] = platform::UtcIsoTime(m.fetched_at);
      j["verified"] = m.verified;
      text += fmt::format("  set {} from {}\n  fetched {}, SHA-256 {}, verified: {}\n", m.id,
                          TerminalSafe(m.source), platform::UtcIsoTime(m.fetched_at), m.sha256,
                          m.verified.empty() ? "content only (nothing published)" : m.verified);
      if (auto prev = FindInstalledSet(store, "previous"); prev.ok()) {
        j["previous"] = prev->id;
        text += fmt::format("  previous set {} kept for `harrier update --rollback`\n", prev->id);
      }
    }
    if (!sigs.ok()) {
      problems = true;
      j["error"] = sigs.status().message();
      text += fmt::format("  NOT LOADED: {}\n\n", TerminalSafe(sigs.status().message()));
      out.push_back(std::move(j));
      continue;
    }
    const RuleStats& st = (*sigs)->stats;
    for (const auto& p : (*sigs)->packs) {
      j["packs"].push_back({{"id", p.id}, {"title", p.title}, {"published", p.published}});
      text += fmt::format("  pack {}: {} (published {})\n", TerminalSafe(p.id),
                          TerminalSafe(p.title), TerminalSafe(p.published));
    }
    j["yara_rules"] = st.yara_rules;
    j["yara_files"] = st.yara_files;
    j["yara_files_failed"] = st.yara_files_failed;
    j["hash_iocs"] = st.hash_iocs;
    j["filename_iocs"] = st.filename_iocs;
    j["c2_iocs"] = st.c2_iocs;
    j["fp_hashes"] = st.fp_hashes;
    j["fp_filters"] = st.fp_filters;
    j["ioc_lines_failed"] = st.ioc_lines_failed;
    j["digest"] = st.digest;
    text += fmt::format(
        "  {} YARA rules ({} files, {} failed), {} hash IOCs, {} filename IOCs, {} C2 IOCs, "
        "{} false-positive hashes, {} false-positive filters; {} IOC lines failed\n",
        st.yara_rules, st.yara_files, st.yara_files_failed, st.hash_iocs, st.filename_iocs,
        st.c2_iocs, st.fp_hashes, st.fp_filters, st.ioc_lines_failed);
    nlohmann::ordered_json failures = nlohmann::ordered_json::array();
    for (const auto& d : diag.Snapshot()) {
      if (d.severity != Diagnostic::Severity::kError) continue;
      problems = true;
      failures.push_back({{"where", d.where}, {"message", d.message}});
      text += fmt::format("  FAILED {}: {}\n", TerminalSafe(d.where), TerminalSafe(d.message));
    }
    j["failures"] = std::move(failures);
    text += "\n";
    out.push_back(std::move(j));
  }
  if (o.json)
    std::cout << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  else
    std::cout << text;
  return problems ? 1 : 0;
}

}  // namespace harrier
