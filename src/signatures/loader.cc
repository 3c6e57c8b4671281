#include "signatures/loader.h"

#include <algorithm>
#include <cstdlib>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <yara.h>

#include "platform/fs.h"
#include "platform/memory_tree.h"
#include "signatures/embedded.h"
#include "signatures/incident_pack.h"
#include "signatures/rules_cache.h"
#include "signatures/yara_partition.h"

namespace harrier {
namespace {

bool EndsWithCI(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[s.size() - suffix.size() + i])) != suffix[i])
      return false;
  }
  return true;
}

bool IsYaraFile(std::string_view path) {
  return EndsWithCI(path, ".yar") || EndsWithCI(path, ".yara");
}

std::string BaseName(const std::string& p) {
  return std::string(platform::LocalFileSystem().BaseName(p));
}


// The fast path's rule sets (yara_partition.h), built from the sources that
// compiled (the partition keeps them to compile its sets on first use).
// Without sources or rules `yara_partition` stays null: every file then gets
// the whole rule set.
void BuildPartition(SignatureSet& set, std::vector<YaraSource> sources,
                    const LoadOptions& opts, Diagnostics& diag) {
  if (sources.empty() || !set.yara) return;
  YaraPartition::Options po;
  po.cache_dir = opts.rules_cache_dir;
  po.digest = set.stats.digest;
  po.lean_gate_min = opts.lean_gate_min;
  set.yara_partition = YaraPartition::Create(std::move(sources), set.yara, po);
  if (!opts.partition_dump_dir.empty()) {
    const PartitionSources& parts = set.yara_partition->Sources();
    std::error_code ec;
    std::filesystem::create_directories(opts.partition_dump_dir, ec);
    for (size_t c = 0; c < parts.per_class.size(); ++c) {
      std::ofstream out(fmt::format("{}/set-{:02}.yar", opts.partition_dump_dir, c));
      out << "// class " << parts.plan.Label(c) << "\n";
      for (const auto& s : parts.per_class[c]) out << "// namespace " << s.name << "\n" << s.text << "\n";
      if (!out) diag.Warning(opts.partition_dump_dir, "cannot write the partition dump");
    }
  }
}

bool IsDir(const std::string& p) {
  auto st = platform::Stat(p);
  return st.ok() && st->type == platform::FileType::kDirectory;
}

// The folders of the signature folder `top` that load as units: each pack
// below TOP/packs/ (sorted by name), then TOP itself unless it only holds
// packs. Manifests are read here (incident_pack.h) and keyed into the digest;
// a missing or bad manifest is an error diagnostic and its folder still loads
// (its findings then carry no pack). A second pack with an id already loaded
// is an error and does not load again (its indicators would count twice).
std::vector<std::string> LoadUnits(const std::string& top, SignatureSet& set, CacheDigest& digest,
                                   Diagnostics& diag, LoadReport& rep) {
  std::vector<std::string> units;
  auto add_pack = [&](const std::string& dir) {
    std::string manifest = platform::JoinPath(dir, std::string(kPackManifest));
    LoadReport::FileResult fr;
    fr.path = manifest;
    fr.kind = "pack";
    auto text = platform::ReadTextFile(manifest, kMaxPackManifestBytes);
    if (!text.ok()) {
      diag.Error(manifest, text.status().ToString());
      fr.errors = 1;
    } else {
      digest.Add(manifest.substr(top.size()));
      digest.Add(*text);
      auto pack = ParsePackManifest(*text, manifest);
      if (!pack.ok()) {
        diag.Error(manifest, pack.status().message());
        fr.errors = 1;
      } else if (auto same = std::find_if(set.packs.begin(), set.packs.end(),
                                          [&](const IncidentPack& p) { return p.id == pack->id; });
                 same != set.packs.end()) {
        diag.Error(manifest, fmt::format("incident pack '{}' is already loaded from {}: not loaded again",
                                         pack->id, same->folder));
        fr.errors = 1;
        rep.files.push_back(std::move(fr));
        return;
      } else {
        pack->folder = dir;
        set.stats.packs.push_back(pack->id);
        set.packs.push_back(std::move(*pack));
        fr.entries = 1;
      }
    }
    rep.files.push_back(std::move(fr));
    units.push_back(dir);
  };
  std::string packs_dir = platform::JoinPath(top, "packs");
  bool own_manifest = platform::Stat(platform::JoinPath(top, std::string(kPackManifest))).ok();
  if (IsDir(packs_dir)) {
    auto subs = platform::ListSubdirectories(packs_dir);
    if (!subs.ok()) diag.Error(packs_dir, subs.status().ToString());
    else
      for (const auto& name : *subs) add_pack(platform::JoinPath(packs_dir, name));
    bool own = own_manifest || IsDir(platform::JoinPath(top, "yara")) ||
               IsDir(platform::JoinPath(top, "iocs")) || IsDir(platform::JoinPath(top, "checks"));
    if (!own) return units;
  }
  if (own_manifest) add_pack(top);
  else units.push_back(top);
  return units;
}

// Adds a false-positive filter / allow-list file (fp_filter.h); returns the
// entries loaded.
uint64_t AddFpFile(SignatureSet& set, std::string_view text, const std::string& path,
                   Diagnostics& diag) {
  FpFileContent c = ParseFpFile(text, path, diag);
  uint64_t n = c.hashes.size();
  set.stats.fp_hashes += c.hashes.size();
  for (auto& h : c.hashes) set.fp_hashes.emplace(h.hex, h.source);
  size_t before = set.fp_filters.size();
  set.fp_filters.Add(std::move(c.filters), diag);
  n += set.fp_filters.size() - before;
  set.stats.fp_filters = set.fp_filters.size();
  return n;
}

// The generated C2 rules (namespace kC2Namespace) in a compiled set; they are
// not counted as YARA rules in the stats.
uint64_t CountC2Rules(const YaraRules& rules) {
  uint64_t n = 0;
  const YR_RULE* rule;
  yr_rules_foreach(rules.get(), rule) {
    if (rule->ns && rule->ns->name && kC2Namespace == rule->ns->name) ++n;
  }
  return n;
}

}  // namespace


Result<std::string> FindBuiltinRules() {
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("HARRIER_RULES"); env && *env) candidates.emplace_back(env);
  // The rules a self-contained binary carries (embedded.h), when mounted.
  if (platform::MountedMemoryTree())
    candidates.push_back(std::string(platform::kMemoryTreePrefix) + "/rules");
  std::string exe = platform::ExecutableDir();
  if (!exe.empty()) {
    candidates.push_back(exe + "/../" HARRIER_INSTALL_RULES_REL);
    candidates.push_back(exe + "/../rules");
#ifdef _WIN32
    // A Windows install is a folder: harrier.exe with rules\ beside it.
    candidates.push_back(exe + "\\rules");
#endif
  }
  candidates.emplace_back(HARRIER_SOURCE_RULES_DIR);
  for (const auto& c : candidates) {
    auto st = platform::Stat(c);
    if (st.ok() && st->type == platform::FileType::kDirectory) {
      auto real = platform::RealPath(c);
      if (real.ok()) return *real;
    }
  }
  return Status::NotFound("built-in rules folder not found (set HARRIER_RULES)");
}

Result<std::shared_ptr<const SignatureSet>> LoadSignatures(const LoadOptions& opts,
                                                           Diagnostics& diag,
                                                           LoadReport* report) {
  auto set = std::make_shared<SignatureSet>();
  LoadReport local_report;
  LoadReport& rep = report ? *report : local_report;
  std::vector<YaraSource> yara_sources;
  std::vector<FilenameIoc> filename_iocs;
  CacheDigest digest;  // over every loaded file
  digest.Add(HARRIER_VERSION);
  digest.Add(fmt::format("libyara {}", YR_VERSION));
  digest.Add(fmt::format("partition {}", kPartitionFormat));

  for (const auto& folder : opts.folders) {
    auto top = platform::RealPath(folder);
    if (!top.ok()) return Status::NotFound(fmt::format("signature folder: {}", top.status().message()));
    auto st = platform::Stat(*top);
    if (!st.ok() || st->type != platform::FileType::kDirectory)
      return Status::InvalidArgument(fmt::format("signature folder is not a directory: {}", folder));
    set->folders.push_back(*top);
    set->stats.sources.push_back(*top);
    for (const std::string& unit : LoadUnits(*top, *set, digest, diag, rep)) {
    const std::string* real = &unit;
    // The folder's location is part of the key: compiled rules carry each
    // file's absolute path as its namespace (the reason's source), so the same
    // content elsewhere must not reuse a cached rule set.
    digest.Add(*real);

    std::vector<std::pair<std::string, bool>> files;  // path, under yara/ (true) or iocs/
    bool layered = false;
    // A pack folder is layered even when it has only checks/.
    for (const char* sub : {"yara", "iocs", "checks"}) {
      std::string p = platform::JoinPath(*real, sub);
      auto sst = platform::Stat(p);
      if (!sst.ok() || sst->type != platform::FileType::kDirectory) continue;
      layered = true;
      if (std::string_view(sub) == "checks") continue;  // read below
      auto list = platform::ListFilesRecursive(p);
      if (!list.ok()) {
        diag.Error(p, list.status().ToString());
        continue;
      }
      for (auto& f : *list) files.emplace_back(std::move(f), std::string_view(sub) == "yara");
    }
    // Native-check data (DIR/checks/, read by src/checks) is not parsed here,
    // but it changes results, so it is part of the digest that keys the
    // compiled-rules and scan caches.
    if (auto checks = platform::ListFilesRecursive(platform::JoinPath(*real, "checks"));
        layered && checks.ok()) {
      set->check_dirs.push_back(platform::JoinPath(*real, "checks"));
      for (const auto& f : *checks) {
        auto text = platform::ReadTextFile(f, opts.max_rule_file_bytes);
        digest.Add(f.substr(real->size()));
        digest.Add(text.ok() ? *text : text.status().ToString());
      }
    }
    // LOKI layout: DIR/config/ holds false-positive filter files.
    if (auto cfg = platform::ListFilesRecursive(platform::JoinPath(*real, "config"));
        layered && cfg.ok()) {
      for (auto& f : *cfg)
        if (IocKindForFileName(BaseName(f)) == IocKind::kFalsePositiveHash)
          files.emplace_back(std::move(f), false);
    }
    if (!layered) {
      auto list = platform::ListFilesRecursive(*real);
      if (!list.ok()) return list.status();
      for (auto& f : *list) files.emplace_back(f, IsYaraFile(f));
    }

    for (const auto& [path, in_yara] : files) {
      LoadReport::FileResult fr;
      fr.path = path;
      std::string name = BaseName(path);
      bool yara = IsYaraFile(path);
      IocKind kind = in_yara || yara ? IocKind::kNone : IocKindForFileName(name);
      if (in_yara && !yara) continue;  // READMEs etc. beside rules
      if (!yara && kind == IocKind::kNone) {
        fr.kind = "ignored";
        rep.files.push_back(std::move(fr));
        continue;
      }
      auto text = platform::ReadTextFile(path, opts.max_rule_file_bytes);
      if (!text.ok()) {
        diag.Error(path, text.status().ToString());
        fr.kind = yara ? "yara" : "ioc";
        fr.errors = 1;
        if (yara) ++set->stats.yara_files_failed;
        rep.files.push_back(std::move(fr));
        continue;
      }
      digest.Add(path.substr(real->size()));
      digest.Add(*text);
      uint64_t errors_before = diag.error_count();
      if (yara && text->find('\0') != std::string::npos) {
        // libyara reads rule text as a C string: everything after a NUL
        // would vanish without an error (yarac refuses such a file).
        size_t at = text->find('\0');
        size_t line = 1 + static_cast<size_t>(std::count(text->begin(), text->begin() + at, '\n'));
        diag.Error(fmt::format("{}:{}", path, line),
                   "NUL byte in a YARA rule file: not a text file, not loaded");
        fr.kind = "yara";
        fr.errors = 1;
        ++set->stats.yara_files_failed;
        rep.files.push_back(std::move(fr));
        continue;
      }
      if (yara) {
        fr.kind = "yara";
        set->selection.Collect(*text, path, diag);
        yara_sources.push_back({path, std::move(*text)});
      } else if (kind == IocKind::kFalsePositiveHash) {
        fr.kind = "fp-filter";
        fr.entries = AddFpFile(*set, *text, path, diag);
      } else if (kind == IocKind::kHash) {
        auto iocs = ParseHashIocs(*text, path, diag);
        fr.entries = iocs.size();
        fr.kind = "hash";
        set->stats.hash_iocs += iocs.size();
        for (auto& h : iocs) set->hashes[h.hex].push_back(std::move(h));
      } else if (kind == IocKind::kFilename) {
        fr.kind = "filename";
        auto iocs = ParseFilenameIocs(*text, path, diag);
        fr.entries = iocs.size();
        for (auto& f : iocs) filename_iocs.push_back(std::move(f));
      } else if (kind == IocKind::kC2) {
        fr.kind = "c2";
        auto iocs = ParseC2Iocs(*text, path, diag);
        fr.entries = iocs.size();
        set->stats.c2_iocs += iocs.size();
        for (auto& c : iocs) set->c2.push_back(std::move(c));
      }
      fr.errors = diag.error_count() - errors_before;
      if (!yara) set->stats.ioc_lines_failed += fr.errors;
      rep.files.push_back(std::move(fr));
    }
    }  // units
  }

  for (const auto& path : opts.fp_filter_files) {
    auto text = platform::ReadTextFile(path, opts.max_rule_file_bytes);
    if (!text.ok()) return Status::NotFound(fmt::format("--fp-filter: {}", text.status().ToString()));
    digest.Add("fp-filter");
    digest.Add(*text);
    LoadReport::FileResult fr;
    fr.path = path;
    fr.kind = "fp-filter";
    uint64_t errors_before = diag.error_count();
    fr.entries = AddFpFile(*set, *text, path, diag);
    fr.errors = diag.error_count() - errors_before;
    set->stats.ioc_lines_failed += fr.errors;
    rep.files.push_back(std::move(fr));
  }

  {
    uint64_t before = diag.error_count();
    set->filenames.Add(std::move(filename_iocs), diag);
    set->stats.ioc_lines_failed += diag.error_count() - before;
    Status s = set->filenames.Compile();
    if (!s.ok()) return s;
    set->stats.filename_iocs = set->filenames.size();
  }

  // The generated C2 rules are part of the key: a cached rule set must have
  // been generated from the same indicators in the same layout, since the
  // scanner maps its strings back to set->c2 by index.
  if (!set->c2.empty()) {
    C2Rules gen = C2RulesSource(set->c2);
    digest.Add(gen.source);
    yara_sources.push_back({std::string(kC2Namespace), std::move(gen.source)});
  }
  set->stats.digest = digest.Hex();
  // A self-contained binary carries the compiled sets of its built-in rules
  // (embedded.h): used, read-only, when this load is exactly that set. Any
  // other set (more folders, filters) has another digest and uses the
  // ordinary cache.
  LoadOptions with_embedded;
  const LoadOptions& o = [&]() -> const LoadOptions& {
    std::string dir = EmbeddedRulesCacheDir();
    if (dir.empty() ||
        !platform::Stat(platform::JoinPath(dir, fmt::format("rules-{}.meta", set->stats.digest))).ok())
      return opts;
    with_embedded = opts;
    with_embedded.rules_cache_dir = dir;
    return with_embedded;
  }();
  if (o.digest_only) return std::shared_ptr<const SignatureSet>(std::move(set));
  if (!yara_sources.empty()) {
    set->yara_long_running = std::make_shared<const LongRunningRules>(yara_sources);
    set->yara_memory = std::make_shared<const MemoryRules>(yara_sources);
  }
  // Compiled-rules cache (rules_cache.h): a hit skips compilation.
  if (!yara_sources.empty() && !o.rules_cache_dir.empty()) {
    auto cached = LoadCachedRules(o.rules_cache_dir, set->stats.digest);
    // Without the fast path every file needs the whole set: load it now, so
    // that a corrupt entry is a warning and a recompile, not a scan error.
    if (cached.ok() && !o.partition_yara && !cached->rules.rules())
      cached = Status::Corrupt("the compiled rules do not load");
    if (cached.ok()) {
      set->yara = std::move(cached->rules);
      set->stats.yara_files = cached->yara_files;
      set->stats.yara_rules = set->yara.rule_count() - cached->c2_rules;
      set->stats.rules_from_cache = true;
      for (const auto& e : set->yara.extra_externals())
        diag.Info("yara", fmt::format("undefined external '{}' defined as empty string", e));
      if (o.partition_yara) BuildPartition(*set, std::move(yara_sources), o, diag);
      return std::shared_ptr<const SignatureSet>(std::move(set));
    }
    // A seal that does not match or an entry others could write is how a
    // tampered cache looks: an error the user sees (the rules are compiled
    // from the sources instead, so the scan itself is whole).
    const Status::Code code = cached.status().code();
    if (code == Status::Code::kCorrupt || code == Status::Code::kPermissionDenied)
      diag.Error(o.rules_cache_dir,
                 fmt::format("compiled-rules cache entry ignored, compiled from the sources: {}",
                             cached.status().ToString()));
    else if (code != Status::Code::kNotFound)
      diag.Warning(o.rules_cache_dir, fmt::format("compiled-rules cache entry ignored: {}",
                                                     cached.status().ToString()));
  }
  if (!yara_sources.empty()) {
    YaraCompileStats ys;
    uint64_t c2_sources = set->c2.empty() ? 0 : 1;
    auto rules = CompileYara(yara_sources, diag, &ys);
    if (!rules.ok()) return rules.status();
    const uint64_t c2_rules = CountC2Rules(**rules);
    set->stats.yara_files = ys.files - c2_sources;
    set->stats.yara_files_failed += ys.files_failed;
    set->stats.yara_rules = (*rules)->rule_count() - c2_rules;
    if (!o.rules_cache_dir.empty() && set->stats.yara_files_failed == 0) {
      Status s = SaveCachedRules(o.rules_cache_dir, set->stats.digest, **rules,
                                 set->stats.yara_files, c2_rules);
      if (!s.ok()) diag.Warning(o.rules_cache_dir, fmt::format("compiled-rules cache not written: {}", s.ToString()));
    }
    set->yara = std::move(*rules);
    if (o.partition_yara) {
      std::vector<YaraSource> good;
      for (size_t i = 0; i < yara_sources.size(); ++i)
        if (i >= ys.source_ok.size() || ys.source_ok[i]) good.push_back(yara_sources[i]);
      BuildPartition(*set, std::move(good), o, diag);
    }
    // Per-file entry counts are not tracked by libyara; mark failures.
    std::vector<Diagnostic> snapshot = diag.Snapshot();
    for (auto& fr : rep.files) {
      if (fr.kind != "yara") continue;
      for (const auto& d : snapshot) {
        if (d.severity == Diagnostic::Severity::kError &&
            d.where.compare(0, fr.path.size(), fr.path) == 0 &&
            (d.where.size() == fr.path.size() || d.where[fr.path.size()] == ':'))
          ++fr.errors;
      }
    }
  }
  return std::shared_ptr<const SignatureSet>(std::move(set));
}

}  // namespace harrier
