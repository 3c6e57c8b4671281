#include "app/cli.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <iostream>
#include <thread>

#include <fmt/format.h>

#include "app/cli_help.h"
#include "app/pipeline.h"
#include "app/report_outputs.h"
#include "app/update_commands.h"
#include "core/units.h"
#include "platform/fs.h"
#include "platform/proc.h"
#include "report/jsonl_reporter.h"
#include "report/text_reporter.h"
#include "app/root_mapping.h"
#include "app/version_info.h"
#include "checks/check_data.h"
#include "signatures/loader.h"
#include "signatures/rules_cache.h"

namespace harrier {
namespace {

struct CommonSigOptions {
  std::vector<std::string> signatures;
  bool no_builtin = false;
  std::string store;                 // --store DIR ("" = DefaultStoreDir())
  bool no_updated = false;           // --no-updated-signatures
};

// Resolves the signature folders (built-in first unless --no-builtin).
Result<std::vector<std::string>> SignatureFolders(const CommonSigOptions& o) {
  std::vector<std::string> folders;
  if (!o.no_builtin) {
    auto b = FindBuiltinRules();
    if (!b.ok()) return b.status();
    folders.push_back(*b);
  }
  for (const auto& s : o.signatures) folders.push_back(s);
  return folders;
}

struct ScanCli {
  std::vector<std::string> paths;
  std::vector<std::string> args;  // the whole command line, for the reports
  CommonSigOptions sig;
  std::string jsonl;
  bool jsonl_diagnostics = false;
  std::string log_dir;  // --log-dir: where the default log goes
  bool no_log = false;  // --no-log
  std::string max_file_size = "32MiB";
  std::string block_threshold = "64MiB";
  std::string max_package_db_size = "256MiB";  // --max-package-db-size
  uint64_t max_packages = PackageDbLimits{}.max_packages;  // --max-packages
  std::string rpm_max_header_size = "16MiB";    // --rpm-max-header-size
  uint64_t rpm_max_steps = PackageDbLimits{}.max_sqlite_steps;  // --rpm-max-steps
  size_t max_open_dirs = 256;
  size_t queue_size = 4096;  // --queue-size: files between the walk and the workers
  bool all_files = false;
  bool builtin_selection_only = false;  // --no-rule-selection
  std::vector<std::string> fp_filters;  // --fp-filter FILE
  bool no_intel_context = false;
  bool no_package_integrity = false;
  size_t intel_min_indicators = 4;
  size_t threads = 0;
  size_t walk_threads = 2;
  std::vector<std::string> excludes;
  std::vector<std::string> exclude_files;
  bool follow_symlinks = false;
  bool one_file_system = false;
  int yara_timeout = 60;
  double notice = 40, warning = 60, alert = 80;
  bool no_progress = false;
  bool no_color = false;
  bool verbose = false;
  bool quiet = false;
  std::string format = "text";  // --format text|line (report/text_reporter.h)
  bool nice = false;
  double cpu_limit = 0;
  std::string cache;           // --cache [FILE]; "" = off
  bool no_rules_cache = false;
  bool yara_reference = false;
  bool yara_no_externals = false;
  std::string yara_prefilter_max = "100KiB";
  size_t yara_lean_gate_min = 16;
  std::string yara_matches;
  std::vector<std::string> root_as;  // --root-as (app/root_mapping.h)
  int root_detect_depth = 2;
  bool no_archives = false;
  int archive_max_depth = 5;
  uint64_t archive_max_members = 100000;
  std::string archive_max_total = "2GiB";
  std::string archive_max_size = "1GiB";
  double archive_max_ratio = 200;
  ReportOutputOptions outputs;  // --html, --csv, --syslog (app/report_outputs.h)
  std::vector<std::string> images;  // --image
  unsigned partition = 0;
  bool deleted = false;
  // Live checks (app/live_scan.h).
  bool live = false;
  bool no_processes = false;
  bool no_memory = false;
  bool no_network = false;
  std::vector<int64_t> pids;
  int process_timeout = 30;
  bool memory_all_regions = false;
  std::string hosts_file = platform::SystemHostsFile();
  bool resolve = false;
  int resolve_timeout = 10;
};

// A live host: this process can read its own process entry (not so in a
// chroot without /proc, or when scanning from a rescue system's image; on
// Windows always).
bool IsLiveHost() {
  const auto& t = platform::LocalProcessTable();
  return t.ReadFile(t.SelfPid(), "stat", 4096).ok();
}

int RunScan(const ScanCli& cli, std::atomic<bool>& cancel) {
  Console console;
  if (cli.no_color) console.set_color(false);
  auto die = [&](const std::string& msg) {
    console.Err(fmt::format("harrier: {}\n", msg));
    return kExitUsage;
  };
  auto max_size = ParseSize(cli.max_file_size);
  if (!max_size.ok()) return die(fmt::format("--max-file-size: {}", max_size.status().message()));
  if (cli.nice) platform::LowerPriority();

  auto block_threshold = ParseSize(cli.block_threshold);
  if (!block_threshold.ok())
    return die(fmt::format("--block-threshold: {}", block_threshold.status().message()));
  if (*block_threshold < (1ULL << 20)) return die("--block-threshold: at least 1 MiB");
  // What is held in memory whole (archive members, disk-image entries) stays
  // at most the block threshold; larger walked files are read as blocks.
  const uint64_t in_memory_max = std::min(*max_size, *block_threshold);

  auto package_db_size = ParseSize(cli.max_package_db_size);
  if (!package_db_size.ok())
    return die(fmt::format("--max-package-db-size: {}", package_db_size.status().message()));
  auto rpm_header_size = ParseSize(cli.rpm_max_header_size);
  if (!rpm_header_size.ok())
    return die(fmt::format("--rpm-max-header-size: {}", rpm_header_size.status().message()));
  PackageDbLimits package_limits;
  package_limits.max_packages = cli.max_packages;
  package_limits.max_rpm_header_bytes = *rpm_header_size;
  package_limits.max_sqlite_steps = cli.rpm_max_steps;

  PipelineOptions po;
  po.scan.max_file_size = *max_size;
  po.scan.max_package_db_size = *package_db_size;
  po.scan.block_threshold = *block_threshold;
  po.scan.all_files = cli.all_files;
  po.scan.rule_selection = !cli.builtin_selection_only;
  po.scan.context.enabled = !cli.no_intel_context;
  po.scan.context.min_indicators = cli.intel_min_indicators;
  po.scan.follow_symlinks = cli.follow_symlinks;
  po.scan.yara.timeout_s = cli.yara_timeout;
  po.scan.score.notice = cli.notice;
  po.scan.score.warning = cli.warning;
  po.scan.score.alert = cli.alert;
  po.threads = cli.threads ? cli.threads : std::max(1u, std::thread::hardware_concurrency());
  po.progress = !cli.no_progress;
  po.cpu_limit_pct = cli.cpu_limit;
  po.scan.yara_reference = cli.yara_reference;
  po.scan.yara_no_externals = cli.yara_no_externals;
  auto pre_max = ParseSize(cli.yara_prefilter_max);
  if (!pre_max.ok())
    return die(fmt::format("--yara-prefilter-max-size: {}", pre_max.status().message()));
  po.scan.yara_prefilter_max = *pre_max;
  po.archives = !cli.no_archives && cli.archive_max_depth > 0;
  po.archive_limits.max_depth = cli.archive_max_depth;
  po.archive_limits.max_members = cli.archive_max_members;
  auto arch_total = ParseSize(cli.archive_max_total);
  if (!arch_total.ok())
    return die(fmt::format("--archive-max-total: {}", arch_total.status().message()));
  po.archive_limits.max_total_bytes = *arch_total;
  po.archive_limits.max_ratio = cli.archive_max_ratio;
  po.archive_limits.max_member_bytes = in_memory_max;
  auto arch_size = ParseSize(cli.archive_max_size);
  if (!arch_size.ok())
    return die(fmt::format("--archive-max-size: {}", arch_size.status().message()));
  po.archive_max_size = *arch_size;
  std::ofstream yara_matches;
  if (!cli.yara_matches.empty()) {
    yara_matches.open(cli.yara_matches);
    if (!yara_matches) return die(fmt::format("--yara-matches: cannot write {}", cli.yara_matches));
    po.yara_matches = &yara_matches;
  }

  ExcludeMatcher excludes;
  for (const auto& e : cli.excludes) {
    if (Status s = excludes.Add(e); !s.ok()) return die(s.message());
  }
  for (const auto& f : cli.exclude_files) {
    if (Status s = excludes.AddFile(f); !s.ok()) return die(s.ToString());
  }
  if (Status s = excludes.Compile(); !s.ok()) return die(s.ToString());

  // No path (and no --image) on a live host, or --live: the live checks too.
  if (cli.live || (cli.paths.empty() && cli.images.empty() && IsLiveHost())) {
    po.live.processes = !cli.no_processes;
    po.live.memory = !cli.no_memory;
    po.live.network = !cli.no_network;
    po.live.pids = cli.pids;
    po.live.process_timeout_s = cli.process_timeout;
    po.live.memory_scan.all_regions = cli.memory_all_regions;
    po.live.hosts_file = cli.hosts_file;
    po.live.resolve = cli.resolve;
    po.live.resolve_timeout_s = cli.resolve_timeout;
  }
  // A path given on the command line that does not exist is a typo, not an
  // incomplete scan.
  for (const auto& p : cli.paths) {
    auto st = platform::Lstat(p);
    if (!st.ok() && st.status().code() == Status::Code::kNotFound)
      return die(fmt::format("path not found: {}", TerminalSafe(p)));
  }
  // With --image and no path, only the images are scanned.
  if (!cli.paths.empty()) po.walk.roots = cli.paths;
  else if (cli.images.empty()) po.walk.roots = platform::DefaultScanRoots();
  for (const auto& img : cli.images) {
    auto st = platform::LocalFileSystem().Stat(img);
    if (!st.ok()) return die(fmt::format("--image: {}", st.status().message()));
    po.images.push_back(img);
  }
  po.image.partition = cli.partition;
  po.image.deleted = cli.deleted;
  po.image.max_entry_bytes = in_memory_max;
  po.images_in_archives = po.archives;
  auto root_maps = BuildRootMappings(po.walk.roots, cli.root_as, cli.root_detect_depth);
  if (!root_maps.ok()) return die(root_maps.status().message());
  po.scan.roots = std::move(*root_maps);
  if (!cli.no_package_integrity && !po.walk.roots.empty()) {
    Diagnostics pkg_diag;
    po.scan.packages = dpkg::PackageIndex::Load(
        dpkg::PackageIndex::FindRoots(po.walk.roots, cli.root_detect_depth), po.walk.roots,
        pkg_diag);
  }
  po.walk.follow_symlinks = cli.follow_symlinks;
  po.walk.one_file_system = cli.one_file_system;
  po.walk.threads = cli.walk_threads;
  po.walk.max_open_dirs = std::max<size_t>(1, cli.max_open_dirs);
  po.queue_capacity = std::max<size_t>(1, cli.queue_size);
  po.walk.excludes = &excludes;

  // The JSONL log: --jsonl, else the default log (THOR/LOKI style), so a
  // forgotten --jsonl never means a rerun. HARRIER_LOG_DIR / HARRIER_NO_LOG
  // are the environment forms of --log-dir / --no-log.
  std::string jsonl = cli.jsonl;
  const char* env_no_log = std::getenv("HARRIER_NO_LOG");
  if (jsonl.empty() && !cli.no_log && !(env_no_log && *env_no_log && std::string_view(env_no_log) != "0")) {
    const char* env_dir = std::getenv("HARRIER_LOG_DIR");
    std::string dir = !cli.log_dir.empty() ? cli.log_dir : (env_dir ? env_dir : "");
    jsonl = DefaultLogPath(dir, platform::HostName(), platform::LocalFileTimeStamp(std::time(nullptr)));
  }

  // Reporters first: their files must exist so the walker can skip them.
  MultiReporter reporter;
  TextOptions text_opts{cli.verbose, cli.quiet || jsonl == "-", jsonl == "-"};
  text_opts.verbose = cli.verbose;
  text_opts.format = cli.format == "line" ? TextFormat::kLine : TextFormat::kBlock;
  reporter.Add(std::make_unique<TextReporter>(console, text_opts));
  if (!jsonl.empty()) {
    auto j = JsonlReporter::Open(jsonl, console, cli.jsonl_diagnostics);
    if (!j.ok())
      return die(cli.jsonl.empty() ? fmt::format("{} (the default log; choose a folder with "
                                                 "--log-dir or turn it off with --no-log)",
                                                 j.status().message())
                                   : j.status().message());
    reporter.Add(std::move(*j));
  }

  // Standard output and error redirected to a file (`harrier scan / > scan.log`):
  // that file is this scan's own report too, never scanned.
  for (int fd : {1, 2}) {
    if (auto id = platform::RegularFileIdOfFd(fd); id.ok()) po.walk.exclude_ids.push_back(*id);
  }
  if (Status o = AddReportOutputs(cli.outputs, console, reporter); !o.ok())
    return die(o.message());
  // The report files (the JSONL, and HTML and CSV still under their
  // temporary names) are never scanned.
  for (const auto& id : reporter.output_ids())
    if (id.inode != 0) po.walk.exclude_ids.push_back(id);

  auto folders = SignatureFolders(cli.sig);
  if (!folders.ok()) return die(folders.status().message());
  // The active set of `harrier update` (update/store.h) loads after the
  // built-in signatures and before --signatures folders. A store that exists
  // but fails the trust check is refused: its false-positive filters could
  // hide findings.
  if (!cli.sig.no_updated) {
    auto updated = ActiveUpdatedSet(cli.sig.store);
    if (updated.ok()) {
      folders->insert(folders->begin() + (cli.sig.no_builtin ? 0 : 1), updated->tree);
      if (!cli.quiet)
        console.Err(fmt::format("Updated signatures: set {} from {} (fetched {})\n", updated->id,
                                TerminalSafe(updated->manifest.source),
                                platform::UtcIsoTime(updated->manifest.fetched_at)));
    } else if (updated.status().code() != Status::Code::kNotFound) {
      return die(fmt::format(
          "updated signatures refused: {}\n  (make the store private to this user, run `harrier "
          "update` again, or scan with --no-updated-signatures)",
          TerminalSafe(updated.status().message())));
    }
  }
  if (console.stderr_tty() && !cli.no_progress) console.Progress("loading signatures...");
  Diagnostics diag;
  diag.SetListener([&](const Diagnostic& d) {
    if (d.severity == Diagnostic::Severity::kError)
      console.Err(fmt::format("signature error: {}: {}\n", TerminalSafe(d.where), TerminalSafe(d.message)));
  });
  LoadOptions lo;
  lo.folders = *folders;
  if (!cli.no_rules_cache) lo.rules_cache_dir = DefaultCacheDir();
  lo.partition_yara = !cli.yara_reference;
  lo.lean_gate_min = cli.yara_lean_gate_min;
  lo.fp_filter_files = cli.fp_filters;
  auto sigs = LoadSignatures(lo, diag);
  console.ClearProgress();
  diag.SetListener(nullptr);
  if (!sigs.ok()) return die(sigs.status().ToString());
  if (const RuleStats& rs = (*sigs)->stats;
      rs.yara_rules + rs.hash_iocs + rs.filename_iocs + rs.c2_iocs == 0)
    return die(cli.sig.no_builtin
                   ? "no signatures loaded (--no-builtin, and the --signatures folders hold no "
                     "rule or IOC that loaded): a scan would look for nothing"
                   : "no signatures loaded: a scan would look for nothing");
  po.scan.yara.long_running = (*sigs)->yara_long_running;  // the retry after a YARA timeout
  for (const auto& f : (*sigs)->folders) {
    po.walk.exclude_paths.push_back(f);
    if (auto id = FileIdOf(f); id.ok()) po.walk.exclude_ids.push_back(*id);
  }

  ScanInfo info;
  info.version = HARRIER_VERSION;
  info.host = platform::LocalHostFacts();
  // For tests only (a fleet of hosts from one machine); not a user option.
  if (const char* h = std::getenv("HARRIER_TEST_HOSTNAME"); h && *h) info.host.hostname = h;
  info.hostname = info.host.hostname;
  info.scan_id = platform::NewScanId();
  info.args = cli.args;
  info.paths = po.walk.roots;
  info.paths.insert(info.paths.end(), po.images.begin(), po.images.end());
  info.start_time = std::time(nullptr);
  info.rules = (*sigs)->stats;

  // Signature-load problems are reported above; the scan's own error count
  // starts from here.
  Diagnostics scan_diag;
  // Native-check data comes with the incident packs (PACK/checks/, built-in
  // and --signatures alike); a scan without any has the native checks off.
  std::shared_ptr<const CheckData> check_data;
  if (!(*sigs)->check_dirs.empty()) {
    Diagnostics cd_diag;
    CheckData cd = LoadCheckData((*sigs)->check_dirs, cd_diag);
    for (const auto& d : cd_diag.Snapshot())
      console.Err(fmt::format("check data: {}: {}\n", TerminalSafe(d.where), TerminalSafe(d.message)));
    check_data = std::make_shared<const CheckData>(std::move(cd));
  }
  CheckRegistry checks = DefaultChecks(check_data, package_limits);
  std::unique_ptr<ScanCache> cache;
  if (!cli.cache.empty()) {
    std::string path = cli.cache == "default" ? ScanCache::DefaultPath() : cli.cache;
    // Options that change what the checks see are part of the key, so a
    // file found clean under them is not skipped under others.
    std::string key = (*sigs)->stats.digest;
    if (cli.yara_no_externals) key += "+no-externals";
    for (const auto& r : cli.root_as) key += "+root-as:" + r;
    // What was inside a file's archives depends on the archive limits, and
    // on the file selection: a member skipped "type" does not keep its
    // container from being remembered clean.
    if (po.archives)
      key += fmt::format("+archives:{}:{}:{}:{}:{}:{}{}", po.archive_limits.max_depth,
                         po.archive_limits.max_members, po.archive_limits.max_total_bytes,
                         po.archive_limits.max_ratio, po.archive_limits.max_member_bytes,
                         po.archive_max_size, po.scan.all_files ? ":all-files" : "");
    if (!po.scan.rule_selection) key += "+builtin-selection";
    // The package-database bounds decide what the inventory checks see.
    const PackageDbLimits default_limits;
    if (po.scan.max_package_db_size != ScanConfig{}.max_package_db_size ||
        package_limits.max_packages != default_limits.max_packages ||
        package_limits.max_rpm_header_bytes != default_limits.max_rpm_header_bytes ||
        package_limits.max_sqlite_steps != default_limits.max_sqlite_steps)
      key += fmt::format("+package-db:{}:{}:{}:{}", po.scan.max_package_db_size,
                         package_limits.max_packages, package_limits.max_rpm_header_bytes,
                         package_limits.max_sqlite_steps);
    auto c = ScanCache::Open(path, key);
    if (!c.ok()) return die(fmt::format("--cache: {}", c.status().message()));
    cache = std::move(*c);
    po.cache = cache.get();
  }
  ScanSummary s = RunPipeline(po, *sigs, checks, reporter, info, console, scan_diag, cancel);
  // A report that could not be written: the user must know, and scripts
  // must not take the exit code for a result.
  std::vector<Status> lost = reporter.OutputFailures();
  for (const Status& st : lost)
    console.Err(fmt::format("harrier: error: report not written completely: {}\n",
                            TerminalSafe(st.message())));
  // Where the reports are (files only; not stdout or a device).
  for (const std::string& out : {jsonl, cli.outputs.html, cli.outputs.csv}) {
    if (out.empty() || out == "-" || out.rfind("/dev/", 0) == 0 || out.rfind("/proc/", 0) == 0) continue;
    auto real = platform::RealPath(out);
    console.Err(fmt::format("Report: {}\n", TerminalSafe(real.ok() ? *real : out)));
  }
  return lost.empty() ? ExitCodeFor(s) : kExitOutputError;
}

struct RulesCheckCli {
  std::vector<std::string> dirs;
  bool no_builtin = false;
  bool verbose = false;
  std::string dump_partition;
  std::string precompile;
};

int RunRulesCheck(const RulesCheckCli& cli) {
  CommonSigOptions o;
  o.no_builtin = cli.no_builtin;
  o.signatures = cli.dirs;
  auto folders = SignatureFolders(o);
  if (!folders.ok()) {
    std::cerr << "harrier: " << folders.status().message() << "\n";
    return kExitUsage;
  }
  Diagnostics diag;
  LoadOptions lo;
  lo.folders = *folders;
  lo.partition_dump_dir = cli.dump_partition;
  lo.rules_cache_dir = cli.precompile;
  LoadReport report;
  auto sigs = LoadSignatures(lo, diag, &report);
  if (!sigs.ok()) {
    std::cerr << "harrier: " << sigs.status().ToString() << "\n";
    return kExitUsage;
  }
  for (const auto& f : report.files) {
    if (f.errors == 0 && !cli.verbose) continue;
    std::cout << fmt::format("{:<8} {:<6} {}{}\n", f.errors ? "FAILED" : "ok", f.kind,
                             TerminalSafe(f.path),
                             f.kind == "yara" ? "" : fmt::format(" ({} entries)", f.entries));
  }
  for (const auto& d : diag.Snapshot()) {
    if (d.severity == Diagnostic::Severity::kInfo && !cli.verbose) continue;
    std::cout << fmt::format("{}: {}: {}\n", SeverityName(d.severity), TerminalSafe(d.where),
                             TerminalSafe(d.message));
  }
  const RuleStats& st = (*sigs)->stats;
  std::cout << fmt::format(
      "Loaded from {} folder(s): {} YARA files ({} failed), {} YARA rules, {} hash IOCs, "
      "{} false-positive hashes, {} filename IOCs, {} C2 IOCs; {} IOC lines failed\n"
      "Signature digest: {}\n",
      st.sources.size(), st.yara_files, st.yara_files_failed, st.yara_rules, st.hash_iocs,
      st.fp_hashes, st.filename_iocs, st.c2_iocs, st.ioc_lines_failed, st.digest);
  for (const auto& p : (*sigs)->packs)
    std::cout << fmt::format("Incident pack {}: {} ({})\n", TerminalSafe(p.id), TerminalSafe(p.title),
                             TerminalSafe(p.folder));
  if (const auto& part = (*sigs)->yara_partition; part && cli.verbose) {
    for (size_t i = 0; i < part->set_count(); ++i) part->Set(i);  // compile/load every set
    const PartitionStats ps = part->stats();
    std::cout << fmt::format(
        "Partitioned YARA sets: {} classes, {} distinct sets ({} fell back), {} of {} files split; "
        "gate leaves: {} magic, {} size, {} pe-only ({} probed), {} rule references\n",
        part->plan().classes(), ps.sets, ps.sets_failed, ps.files - ps.files_unsplit, ps.files,
        ps.leaves_magic, ps.leaves_size, ps.leaves_pe, ps.probe_leaves, ps.leaves_ref);
    for (size_t c = 0; c < part->plan().classes(); ++c)
      std::cout << fmt::format("  class {:<28} set {:>2}: {:>5} rules{}\n",
                               TerminalSafe(part->plan().Label(c)), part->set_of_class()[c],
                               c < ps.rules_per_class.size() ? ps.rules_per_class[c] : 0,
                               c < ps.pe_per_class.size() && ps.pe_per_class[c] ? ", imports pe" : "");
    const std::vector<PrefilterRule>& pre = part->PrefilterRules();
    size_t literals = 0;
    for (const auto& r : pre) literals += r.literals.size();
    std::cout << fmt::format(
        "Literal prefilter: {} of {} rules (YARA rules and generated C2 rules) can only match "
        "where one of their {} literals occurs\n",
        pre.size(), (*sigs)->yara.rule_count(), literals);
  }
  // --precompile: every set a scan could need, written to the cache folder
  // (how `make dist` builds the compiled rules it embeds).
  if (const auto& part = (*sigs)->yara_partition; part && !cli.precompile.empty()) {
    for (size_t i = 0; i < part->set_count(); ++i) {
      if (!part->Set(i) || !part->PrivateLeanCopy(i))
        diag.Error(cli.precompile, fmt::format("partitioned rule set {} did not compile", i));
    }
  }
  bool failed = diag.error_count() > 0;
  std::cout << (failed ? "Result: FAILED (see errors above)\n" : "Result: OK\n");
  return failed ? 1 : 0;
}

struct HelpCli {
  std::vector<std::string> command;
  bool all = false;
  bool man = false;
};

int RunHelp(const CLI::App& app, const HelpCli& cli) {
  if (cli.man) {
    std::cout << RenderManPage(app, HARRIER_VERSION);
    return 0;
  }
  const CLI::App* target = &app;
  for (const auto& name : cli.command) {
    auto subs = target->get_subcommands([&](const CLI::App* s) { return s->get_name() == name; });
    if (subs.empty()) {
      std::cerr << fmt::format("harrier help: no command '{}'\n", TerminalSafe(name));
      return kExitUsage;
    }
    target = subs[0];
  }
  std::cout << RenderHelp(*target, cli.all);
  return 0;
}

}  // namespace

int RunCli(int argc, char** argv, std::atomic<bool>& cancel) {
  CLI::App app{"Harrier: compromise-assessment scanner (hash, filename, C2 and YARA IOCs)",
               "harrier"};
  // --version prints more than CLI11's flag can: handled after parsing.
  bool version = false;
  app.add_flag("-V,--version", version,
               "Print the version, build commit, libyara version and the built-in signature "
               "set's date and digest");
  app.set_help_all_flag("--help-all", "Also list the developer and benchmark options");
  app.require_subcommand(0, 1);

  ScanCli scan;
  // What a scan without paths covers (platform::DefaultScanRoots).
#ifdef _WIN32
  const std::string default_roots = "(default: every fixed drive)";
#else
  const std::string default_roots = "(default: /)";
#endif
  auto* sc = app.add_subcommand("scan", "Scan files and directories " + default_roots);
  sc->add_option("paths,-p,--path", scan.paths, "Files or directories to scan " + default_roots)
      ->group(kGroupInput)->type_name("PATH");
  sc->add_option("--signatures", scan.sig.signatures,
                 "Extra signature folder (signature-base/THOR layout: yara/, iocs/); repeatable")
      ->allow_extra_args(false)->group(kGroupSignatures)->type_name("DIR");
  sc->add_flag("--no-builtin", scan.sig.no_builtin, "Do not load the built-in signatures")
      ->group(kGroupSignatures);
  sc->add_flag("--no-updated-signatures", scan.sig.no_updated,
               "Do not load the signature set installed by `harrier update`")
      ->group(kGroupSignatures);
  sc->add_option("--store", scan.sig.store,
                 "Signature store of `harrier update` (default: /var/lib/harrier/signatures as "
                 "root, else ~/.local/share/harrier/signatures; env HARRIER_SIGNATURE_STORE)")
      ->group(kGroupSignatures)->type_name("DIR");
  auto* jsonl_opt = sc->add_option(
      "--jsonl", scan.jsonl,
      "Write JSON Lines findings + summary to FILE ('-' = stdout) instead of the default log")
      ->group(kGroupOutput)->type_name("FILE");
  auto* log_dir_opt = sc->add_option(
      "--log-dir,--logfolder", scan.log_dir,
      "Write the default log HOST_harrier_YYYYMMDD-HHMMSS.jsonl into DIR (default: the current "
      "directory; env HARRIER_LOG_DIR)")->group(kGroupOutput)->type_name("DIR");
  auto* no_log_opt = sc->add_flag("--no-log,--nolog", scan.no_log,
                                   "Write no default log (env HARRIER_NO_LOG=1); --jsonl still works")
      ->group(kGroupOutput);
  log_dir_opt->excludes(jsonl_opt);
  log_dir_opt->excludes(no_log_opt);
  sc->add_flag("--jsonl-diagnostics", scan.jsonl_diagnostics,
               "Also write error/warning diagnostics to the JSONL output")->group(kGroupOutput);
  sc->add_option("--max-file-size,--max_file_size", scan.max_file_size,
                 "Skip files larger than SIZE (reason 'size'); e.g. 32M, 1G")
      ->default_str("32MiB")->group(kGroupSelection)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--max-package-db-size", scan.max_package_db_size,
                 "Package databases (dpkg status, rpmdb.sqlite) are read whole up to SIZE, "
                 "above --max-file-size")
      ->default_str("256MiB")->group(kGroupSelection)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--max-packages", scan.max_packages,
                 "Packages read from one dpkg status file or rpm database; the rest not checked "
                 "(a warning)")
      ->default_val(PackageDbLimits{}.max_packages)->check(CLI::PositiveNumber)
      ->group(kGroupDeveloper)->type_name("N");
  sc->add_option("--rpm-max-header-size", scan.rpm_max_header_size,
                 "An rpm package header larger than SIZE is counted as unreadable")
      ->default_str("16MiB")->group(kGroupDeveloper)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--rpm-max-steps", scan.rpm_max_steps,
                 "SQLite steps allowed for reading one rpm database; over it, an error")
      ->default_val(PackageDbLimits{}.max_sqlite_steps)->check(CLI::PositiveNumber)
      ->group(kGroupDeveloper)
      ->type_name("N");
  sc->add_option("--block-threshold", scan.block_threshold,
                 "Files larger than SIZE are read and scanned in blocks (bounded memory)")
      ->default_str("64MiB")
      ->group(kGroupPerformance)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--max-open-dirs", scan.max_open_dirs,
                 "Directory handles the walk keeps open at most (deeper ones are reopened)")
      ->default_val(256)->group(kGroupPerformance);
  sc->add_option("--queue-size", scan.queue_size,
                 "Files the walk may list ahead of the scan workers (memory: about 1 KiB each)")
      ->default_val(4096)->group(kGroupDeveloper)->type_name("N");
  sc->add_flag("--all-files", scan.all_files,
               "Scan every regular file, not only the default selection (see docs/scanning.md)")
      ->group(kGroupSelection);
  sc->add_flag("--no-rule-selection", scan.builtin_selection_only,
               "Default selection from the built-in type list only, not also from the names and "
               "extensions the loaded rules and IOCs look for")->group(kGroupSelection);
  sc->add_option("--fp-filter", scan.fp_filters,
                 "False-positive filter / hash allow-list FILE (one regex, 'rule:NAME REGEX' or "
                 "hash per line); repeatable")
      ->allow_extra_args(false)->group(kGroupSignatures)->type_name("FILE");
  sc->add_flag("--no-package-integrity", scan.no_package_integrity,
               "Do not compare ELF files of Debian packages with the MD5 sums dpkg recorded")
      ->group(kGroupSelection);
  sc->add_flag("--no-intel-context", scan.no_intel_context,
               "Score indicators in IOC lists, rule files, reports and blocking rules like any "
               "other file (see docs/detections.md)")->group(kGroupScoring);
  sc->add_option("--intel-min-indicators", scan.intel_min_indicators,
                 "Distinct loaded indicators that make a document an indicator collection")
      ->default_val(4)->check(CLI::Range(1, 1000000))->group(kGroupScoring);
  sc->add_flag("--no-archives", scan.no_archives,
               "Do not look inside archives, installers and compressed files")
      ->group(kGroupArchives);
  sc->add_option("--archive-max-depth", scan.archive_max_depth,
                 "Containers inside containers opened below a file (0 = none)")
      ->default_val(5)->check(CLI::Range(0, 64))->group(kGroupArchives);
  sc->add_option("--archive-max-members", scan.archive_max_members,
                 "Members read per archive; the rest counted as skipped 'limit'")
      ->default_val(100000)->group(kGroupArchives);
  sc->add_option("--archive-max-total", scan.archive_max_total,
                 "Uncompressed bytes read inside one file, all levels (e.g. 2G)")
      ->default_str("2GiB")->group(kGroupArchives)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--archive-max-size", scan.archive_max_size,
                 "Archives over --max-file-size are still opened up to SIZE (streamed)")
      ->default_str("1GiB")->group(kGroupArchives)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--archive-max-ratio", scan.archive_max_ratio,
                 "An archive may expand to N times its size (at least 64 MiB)")
      ->default_val(200)->check(CLI::PositiveNumber)->group(kGroupArchives);
  sc->add_option("--threads", scan.threads, "Scan worker threads (default: number of CPUs)")
      ->group(kGroupPerformance);
  sc->add_option("--walk-threads", scan.walk_threads, "Directory walking threads")->default_val(2)
      ->group(kGroupPerformance);
  sc->add_option("--exclude", scan.excludes,
                 "Exclude paths: GLOB (no '/' = name only) or re:REGEX; repeatable")
      ->allow_extra_args(false)->group(kGroupSelection)->type_name("GLOB");
  sc->add_option("--exclude-file", scan.exclude_files, "File with one exclude pattern per line")
      ->allow_extra_args(false)->group(kGroupSelection)->type_name("FILE");
  sc->add_flag("--follow-symlinks", scan.follow_symlinks,
               "Follow symbolic links (each directory entered once, so loops end)")
      ->group(kGroupSelection);
  sc->add_flag("--one-file-system", scan.one_file_system,
               "Do not cross into other file systems below each path")->group(kGroupSelection);
  sc->add_option("--yara-timeout", scan.yara_timeout, "YARA timeout per file in seconds (0 = none)")
      ->default_val(60)->group(kGroupSelection)->type_name("SEC");
  sc->add_option("--notice", scan.notice, "Score threshold for Notice")->default_val(40)
      ->group(kGroupScoring);
  sc->add_option("--warning", scan.warning, "Score threshold for Warning")->default_val(60)
      ->group(kGroupScoring);
  sc->add_option("--alert", scan.alert, "Score threshold for Alert")->default_val(80)
      ->group(kGroupScoring);
  sc->add_flag("--no-progress,--noindicator", scan.no_progress, "No progress line on stderr")
      ->group(kGroupOutput);
  sc->add_flag("--no-color", scan.no_color, "No colours (also: NO_COLOR=1)")
      ->group(kGroupOutput);
  sc->add_flag("-v,--verbose", scan.verbose,
               "Full detail per finding (every reason, raw patterns, sources, references, "
               "matched strings) and warnings (unreadable files, ...)")
      ->group(kGroupOutput);
  sc->add_flag("-q,--quiet", scan.quiet, "Print only the summary")->group(kGroupOutput);
  sc->add_option("--format", scan.format,
                 "Text report layout: text (a compact block per finding) or line (one "
                 "TAB-separated line per finding, summary as a final '#' line)")
      ->check(CLI::IsMember({"text", "line"}))
      ->default_val("text")->group(kGroupOutput)->type_name("{text,line}");
  sc->add_flag("--nice", scan.nice, "Lower CPU and I/O priority")->group(kGroupPerformance);
  sc->add_option("--cpu-limit,--cpulimit", scan.cpu_limit,
                 "Use at most PCT percent of one core for all scan workers together "
                 "(duty cycle per worker; 0 = no limit)")
      ->check(CLI::Range(0.0, 10000.0))->group(kGroupPerformance)->type_name("PCT");
  sc->add_option("--cache", scan.cache,
                 "Remember clean files in an SQLite database and skip them when unchanged "
                 "(FILE default: $XDG_CACHE_HOME/harrier/scan-cache.sqlite or "
                 "~/.cache/harrier/scan-cache.sqlite)")
      ->expected(0, 1)
      ->default_str("default")->group(kGroupPerformance)->type_name("FILE");
  sc->add_flag("--no-rules-cache", scan.no_rules_cache,
               "Compile the YARA rules instead of loading them from the compiled-rules cache "
               "($XDG_CACHE_HOME/harrier or ~/.cache/harrier)")->group(kGroupPerformance);
  sc->add_flag("--yara-reference", scan.yara_reference,
               "Evaluate every YARA rule on every file with one rule set (slow reference mode)")
      ->group(kGroupDeveloper);
  sc->add_flag("--yara-no-externals", scan.yara_no_externals,
               "Define all YARA externals empty (to compare with the yara CLI; benchmarks only)")
      ->group(kGroupDeveloper);
  sc->add_option("--yara-prefilter-max-size", scan.yara_prefilter_max,
                 "Files up to SIZE get the literal prefilter of the fast path, which switches off "
                 "the rules none of whose literals occur in the file (0 = off)")
      ->default_val("100KiB")
      ->group(kGroupDeveloper)->type_name("SIZE")->check(SizeValidator());
  sc->add_option("--yara-lean-gate-min", scan.yara_lean_gate_min,
                 "The lean rule sets of the prefilter leave out the rules gated by literals of at "
                 "least N bytes only (0 = only the rules with unbounded regexes)")
      ->default_val(16)->group(kGroupDeveloper);
  sc->add_option("--yara-matches", scan.yara_matches,
                 "Write one 'namespace:rule path' line per YARA match to FILE (differential checks)")
      ->group(kGroupDeveloper)->type_name("FILE");
  sc->add_option("--root-as", scan.root_as,
                 "Treat the scan path(s) as a system volume root: C: (all paths), PATH=C:, PATH=/ "
                 "(macOS), or none (no auto-detection); repeatable")
      ->allow_extra_args(false)->group(kGroupInput)->type_name("MAPPING");
  sc->add_option("--root-detect-depth", scan.root_detect_depth,
                 "Directory levels below each path searched for Windows/macOS volume roots")
      ->default_val(2)->group(kGroupInput);
  sc->add_option("--image", scan.images,
                 "Disk image to scan without mounting (raw/dd, split raw, E01, VMDK, VHD); "
                 "repeatable; with no paths, only the images are scanned")
      ->allow_extra_args(false)->group(kGroupInput)->type_name("FILE");
  sc->add_option("--partition", scan.partition,
                 "Only this volume of each --image (numbered from 1 as the summary lists them)")
      ->check(CLI::PositiveNumber)->group(kGroupArchives);
  sc->add_flag("--deleted", scan.deleted,
               "Also scan deleted files in --image file systems where their content remains")
      ->group(kGroupArchives);
  sc->add_flag("--live", scan.live,
               "Also check this running host: processes, their memory and network connections "
               "(the default when no path is given)")->group(kGroupLive);
  sc->add_flag("--no-processes,--noprocscan", scan.no_processes,
               "Live checks without processes (executables, anomalies, memory)")
      ->group(kGroupLive);
  sc->add_flag("--no-memory", scan.no_memory, "Live checks without process memory")
      ->group(kGroupLive);
  sc->add_flag("--no-network", scan.no_network,
               "Live checks without network connections and the hosts file")->group(kGroupLive);
  sc->add_option("--pid", scan.pids, "Live checks of this process only; repeatable")
      ->allow_extra_args(false)->group(kGroupLive)->type_name("PID");
  sc->add_option("--process-timeout", scan.process_timeout,
                 "Seconds for one process's memory scan (0 = none); then skipped 'timeout'")
      ->default_val(30)->check(CLI::Range(0, 86400))->group(kGroupLive)->type_name("SEC");
  sc->add_flag("--memory-all-regions", scan.memory_all_regions,
               "Also scan memory that maps unchanged files on disk (libraries, executables)")
      ->group(kGroupLive);
  sc->add_option("--hosts-file", scan.hosts_file,
                 "Hosts file checked against C2 indicators in live checks")
      ->default_str(platform::SystemHostsFile())->group(kGroupLive)->type_name("FILE");
  sc->add_flag("--resolve", scan.resolve,
               "Resolve the C2 host names (sends DNS queries) and match connections to their "
               "addresses too")->group(kGroupLive);
  sc->add_option("--resolve-timeout", scan.resolve_timeout,
                 "Seconds for resolving all C2 host names (--resolve)")
      ->default_val(10)->check(CLI::Range(1, 3600))->group(kGroupLive)->type_name("SEC");
  AddReportOutputFlags(sc, &scan.outputs);

  ReportCommandOptions report_cmd;
  auto* report = AddReportCommand(app, &report_cmd);

  auto* rules = app.add_subcommand("rules", "Signature management");
  rules->require_subcommand(1);
  RulesCheckCli rc;
  auto* check = rules->add_subcommand("check", "Load signature folders and report what failed");
  check->add_option("dirs", rc.dirs, "Signature folders to check (plus the built-in ones)")
      ->group(kGroupSignatures)->type_name("DIR");
  check->add_flag("--no-builtin", rc.no_builtin, "Do not load the built-in signatures")
      ->group(kGroupSignatures);
  check->add_flag("-v,--verbose", rc.verbose, "List every file and the partitioned rule sets")
      ->group(kGroupOutput);
  check->add_option("--dump-partition", rc.dump_partition,
                    "Write the source of each partitioned rule set to DIR (for inspection)")
      ->type_name("DIR")->group(kGroupDeveloper);
  check->add_option("--precompile", rc.precompile,
                    "Compile every rule set a scan can use into the compiled-rules cache DIR "
                    "(how the self-contained build embeds them)")
      ->type_name("DIR")->group(kGroupDeveloper);

  UpdateCommandOptions update_cmd;
  auto* update = AddUpdateCommand(app, &update_cmd);
  BundleCommandOptions bundle_cmd;
  auto* bundle = AddBundleCommand(app, &bundle_cmd);
  SignaturesCommandOptions signatures_cmd;
  auto* signatures = AddSignaturesCommand(app, &signatures_cmd);

  std::string config_file;
  sc->add_option("--config", config_file,
                 "Read scan options from FILE (TOML/INI: key = value, keys are the long option "
                 "names without dashes); command-line options win")
      ->group(kGroupInput)->type_name("FILE")->configurable(false);

  HelpCli help_cli;
  auto* help = app.add_subcommand("help", "Show the help of harrier or of a command");
  help->add_option("command", help_cli.command, "The command, e.g. scan or rules check");
  help->add_flag("--all", help_cli.all, "Also list the developer and benchmark options");
  help->add_flag("--man", help_cli.man, "Print the man page (roff) instead");
  std::string shell;
  auto* completion = app.add_subcommand(
      "completion", "Print a shell completion script (bash: source it; zsh: put it in fpath as "
                    "_harrier)");
  completion->add_option("shell", shell, "The shell")
      ->required()->check(CLI::IsMember({"bash", "zsh"}));
  InstallHelpFormatter(app);

  try {
    app.parse(argc, argv);
    if (*sc && !config_file.empty()) {
      if (Status s = ApplyConfigFile(*sc, config_file); !s.ok()) {
        std::cerr << "harrier: " << TerminalSafe(s.message()) << "\n";
        return kExitUsage;
      }
    }
  } catch (const CLI::ParseError& e) {
    int rc_exit = app.exit(e);
    return rc_exit == 0 ? 0 : kExitUsage;
  }
  if (version) {
    std::cout << VersionText();
    return 0;
  }
  if (app.get_subcommands().empty()) {
    std::cerr << RenderHelp(app, false);
    return kExitUsage;
  }
  if (*help) return RunHelp(app, help_cli);
  if (*completion) {
    std::cout << (shell == "zsh" ? ZshCompletion(app) : BashCompletion(app));
    return 0;
  }
  // `--cache` takes an optional FILE, so `--cache /dir` would swallow a scan
  // path: a directory can never be the cache database, so it is a path.
  if (!scan.cache.empty() && scan.cache != "default") {
    auto st = platform::Stat(scan.cache);
    if (st.ok() && st->type == platform::FileType::kDirectory) {
      scan.paths.insert(scan.paths.begin(), scan.cache);
      scan.cache = "default";
    }
  }
  if (*sc) {
    scan.args.assign(argv, argv + argc);
    return RunScan(scan, cancel);
  }
  if (*check) return RunRulesCheck(rc);
  if (*report) return RunReportCommand(report_cmd);
  if (*update) return RunUpdateCommand(update_cmd, cancel);
  if (*bundle) return RunBundleCommand(bundle_cmd);
  if (*signatures) return RunSignaturesCommand(signatures_cmd);
  return kExitUsage;
}

}  // namespace harrier
