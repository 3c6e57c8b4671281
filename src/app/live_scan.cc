#include "app/live_scan.h"

#include "scan/reader.h"

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "platform/net.h"
#include "sources/network_source.h"

namespace harrier {
namespace {

constexpr size_t kMapsBytes = 64 << 20;
constexpr size_t kHostsBytes = 16 << 20;

struct LiveCounters {
  std::atomic<uint64_t> seen{0}, scanned{0}, exited{0}, executables{0};
  std::atomic<uint64_t> regions{0}, regions_skipped{0}, memory_bytes{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped{};
  std::mutex exe_mu;
  std::set<std::pair<uint64_t, uint64_t>> executables_checked;  // (dev, inode), all workers
};

// A whole small file through the FileSystem; nullopt when it cannot be read.
std::optional<std::string> ReadSmallFile(const platform::FileSystem& fs, const std::string& path,
                                         size_t max) {
  auto f = fs.OpenFile(path, /*follow=*/true);
  if (!f.ok()) return std::nullopt;
  std::string out;
  uint8_t buf[16384];
  while (out.size() < max) {
    auto n = (*f)->Read({buf, std::min(sizeof buf, max - out.size())});
    if (!n.ok()) return std::nullopt;
    if (*n == 0) break;
    out.append(reinterpret_cast<const char*>(buf), *n);
  }
  return out;
}

// Reads the running executable into `buf`, up to `max` bytes; false when it
// is larger or cannot be read.
bool ReadExecutable(platform::ReadableFile& f, uint64_t max, std::vector<uint8_t>* buf) {
  uint64_t size = f.stat().size;
  if (size > max) return false;
  buf->resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < buf->size()) {
    auto n = f.Read({buf->data() + got, buf->size() - got});
    if (!n.ok() || *n == 0) break;
    got += *n;
  }
  buf->resize(got);
  return got == size;
}

// The regions holding the YARA hits of `f`, as a detail of each reason.
void NameRegions(Finding& f, const ProcessMemoryBlocks& blocks) {
  for (Reason& r : f.reasons) {
    std::set<std::string> regions;
    for (const StringHit& h : r.strings)
      if (const MapsRegion* m = blocks.RegionAt(h.offset)) regions.insert(DescribeRegion(*m));
    if (regions.empty()) continue;
    std::string text;
    for (const auto& x : regions) text += (text.empty() ? "" : "; ") + x;
    r.details.emplace_back("region", text);
  }
}

class ProcessChecks {
 public:
  ProcessChecks(const LiveOptions& opts, const platform::ProcessTable& table,
                const platform::FileSystem& fs, const ScanConfig& config, const LiveReport& report,
                LiveCounters& c, Diagnostics& diag)
      : opts_(opts), table_(table), fs_(fs), config_(config), report_(report), c_(c),
        diag_(diag) {
    self_ = table.SelfPid();
    boot_time_ = BootTime(table);
    if (auto exe = table.OpenExecutable(self_); exe.ok())
      self_exe_ = platform::FileId{(*exe)->stat().dev, (*exe)->stat().inode};
  }

  // Checks one process with this worker's scanner.
  void Run(int64_t pid, SubjectScanner& scanner, std::vector<uint8_t>& buf) {
    ++c_.seen;
    if (pid == self_) {
      ++c_.skipped[static_cast<size_t>(SkipReason::kExcluded)];
      return;
    }
    auto info = ReadProcess(table_, fs_, pid, boot_time_);
    if (!info.ok()) {
      switch (info.status().code()) {
        case Status::Code::kNotFound: ++c_.exited; return;
        case Status::Code::kPermissionDenied: Skip(SkipReason::kPermission); return;
        default:
          diag_.Warning(fmt::format("process {}", pid), info.status().ToString());
          Skip(SkipReason::kError);
          return;
      }
    }
    std::optional<SkipReason> skip;
    bool gone = false;
    std::optional<Finding> process_finding = CheckExecutable(*info, scanner, buf, &skip, &gone);
    std::optional<Finding> memory_finding;
    if (!gone && opts_.memory && !info->stat.kernel_thread() && !info->exe_link.empty() &&
        !same_as_self_)
      memory_finding = CheckMemory(*info, scanner, &skip, &gone);
    // Confirmed just before reporting: a PID now held by another process (or
    // none) is never blamed for what its former owner did.
    if (gone || !SameProcess(table_, *info)) {
      ++c_.exited;
      if (inserted_exe_) {  // its file checks were not reported: another process may do them
        std::lock_guard lock(c_.exe_mu);
        c_.executables_checked.erase(*inserted_exe_);
        --c_.executables;
      }
      return;
    }
    if (process_finding) report_(std::move(*process_finding));
    if (memory_finding) report_(std::move(*memory_finding));
    if (skip) Skip(*skip);
    else ++c_.scanned;
  }

 private:
  void Skip(SkipReason why) { ++c_.skipped[static_cast<size_t>(why)]; }

  // The executable (file checks, once per distinct file) and the anomalies.
  std::optional<Finding> CheckExecutable(const ProcessInfo& info, SubjectScanner& scanner,
                                         std::vector<uint8_t>& buf, std::optional<SkipReason>* skip,
                                         bool* gone) {
    same_as_self_ = false;
    inserted_exe_.reset();
    if (info.exe_denied) {
      *skip = SkipReason::kPermission;
      return std::nullopt;
    }
    if (info.stat.kernel_thread() || info.exe_link.empty()) return std::nullopt;
    std::unique_ptr<platform::ReadableFile> exe;
    if (auto f = table_.OpenExecutable(info.attrs.pid); f.ok()) {
      exe = std::move(*f);
    } else if (f.status().code() == Status::Code::kPermissionDenied) {
      *skip = SkipReason::kPermission;
    } else if (f.status().code() == Status::Code::kNotFound) {
      if (!SameProcess(table_, info)) *gone = true;
      return std::nullopt;  // a zombie: nothing runs any more
    } else {
      diag_.Warning(fmt::format("process {}", info.attrs.pid), f.status().ToString());
      *skip = SkipReason::kError;
    }
    ExecutableFacts facts = ExamineExecutable(fs_, info, exe.get());
    std::vector<Reason> reasons = AnomalyReasons(info, facts, opts_.anomalies);
    Subject subject = ProcessSubject(info, SubjectKind::kProcess);
    for (Reason& r : scanner.PathReasons(subject)) reasons.push_back(std::move(r));
    subject.display_root = subject.path;
    if (exe) {
      platform::FileId id{exe->stat().dev, exe->stat().inode};
      same_as_self_ = self_exe_ && id == *self_exe_;
      subject.file.size = exe->stat().size;
      subject.file.mtime = exe->stat().mtime;
      subject.file.mode = exe->stat().mode;
      bool first;
      {
        std::lock_guard lock(c_.exe_mu);
        first = c_.executables_checked.insert({id.dev, id.inode}).second;
      }
      if (first) {
        ++c_.executables;
        inserted_exe_ = std::pair<uint64_t, uint64_t>{id.dev, id.inode};
        const uint64_t size = exe->stat().size;
        if (size > config_.block_threshold && size <= config_.max_file_size) {
          // A huge executable: as blocks, like a walked file (memory does
          // not grow with its size; scan/reader.h).
          std::vector<uint8_t> block_buf, first_buf;
          FileBlocks blocks(std::move(exe), subject.path, &block_buf, &first_buf);
          ScanOutcome o = scanner.Check(std::move(subject), std::move(reasons),
                                        Content::Blocks(&blocks), diag_);
          if (o.skipped) *skip = *o.skipped;
          return std::move(o.finding);
        }
        if (ReadExecutable(*exe, config_.max_file_size, &buf)) {
          ScanOutcome o = scanner.Check(std::move(subject), std::move(reasons),
                                        Content::Buffer(buf), diag_);
          if (o.skipped) *skip = *o.skipped;
          buf.clear();
          if (buf.capacity() > config_.keep_buffer_bytes) buf.shrink_to_fit();
          return std::move(o.finding);
        }
      }
    }
    ScanOutcome o = scanner.Skipped(std::move(subject), std::move(reasons), SkipReason::kExcluded);
    return std::move(o.finding);
  }

  std::optional<Finding> CheckMemory(const ProcessInfo& info, SubjectScanner& scanner,
                                     std::optional<SkipReason>* skip, bool* gone) {
    if (!scanner.HasMemoryRules()) return std::nullopt;
    const int64_t pid = info.attrs.pid;
    auto maps = table_.ReadFile(pid, "maps", kMapsBytes);
    auto mem = maps.ok() ? table_.OpenMemory(pid)
                         : Result<std::unique_ptr<platform::ProcessMemory>>(maps.status());
    if (!mem.ok()) {
      switch (mem.status().code()) {
        case Status::Code::kNotFound: *gone = true; break;
        case Status::Code::kPermissionDenied: *skip = SkipReason::kPermission; break;
        default:
          diag_.Warning(fmt::format("process {}", pid), mem.status().ToString());
          *skip = SkipReason::kError;
      }
      return std::nullopt;
    }
    std::vector<MapsRegion> selected;
    for (MapsRegion& r : ParseMaps(*maps)) {
      if (RegionSelected(r, opts_.memory_scan.all_regions)) selected.push_back(std::move(r));
      else ++c_.regions_skipped;
    }
    MemoryScanOptions mo = opts_.memory_scan;
    if (opts_.process_timeout_s > 0)
      mo.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts_.process_timeout_s);
    ProcessMemoryBlocks blocks(**mem, std::move(selected), mo);
    ScanOutcome o =
        scanner.CheckMemory(ProcessSubject(info, SubjectKind::kMemoryRegion), {}, blocks, diag_);
    c_.regions += blocks.regions_read();
    c_.memory_bytes += blocks.bytes_read();
    if (blocks.status().code() == Status::Code::kNotFound) *gone = true;
    if (blocks.timed_out() || o.skipped == SkipReason::kTimeout) {
      *skip = SkipReason::kTimeout;
      diag_.Warning(ChainDisplay(ProcessSubject(info, SubjectKind::kMemoryRegion)),
                    fmt::format("memory scan stopped after {} s (--process-timeout)",
                                opts_.process_timeout_s));
    } else if (o.skipped && !*skip) {
      *skip = *o.skipped;
    }
    if (o.finding) NameRegions(*o.finding, blocks);
    return std::move(o.finding);
  }

  const LiveOptions& opts_;
  const platform::ProcessTable& table_;
  const platform::FileSystem& fs_;
  const ScanConfig& config_;
  const LiveReport& report_;
  LiveCounters& c_;
  Diagnostics& diag_;
  int64_t self_ = 0;
  int64_t boot_time_ = 0;
  std::optional<platform::FileId> self_exe_;
  // Per Run (one ProcessChecks per worker): the process runs Harrier's own
  // executable.
  bool same_as_self_ = false;
  std::optional<std::pair<uint64_t, uint64_t>> inserted_exe_;  // this Run checked it first
};

// /etc/ld.so.preload: every process on the host loads what it names (Linux;
// Windows has no such file).
void CheckLdSoPreload(const LiveOptions& opts, const platform::FileSystem& fs,
                      SubjectScanner& scanner, const LiveReport& report) {
  if (opts.ld_so_preload.empty()) return;  // none on this platform
  auto text = ReadSmallFile(fs, opts.ld_so_preload, 1 << 20);
  if (!text) return;
  std::string libs;
  size_t i = 0;
  while (i < text->size()) {
    size_t j = text->find_first_of("\n \t", i);
    if (j == std::string::npos) j = text->size();
    std::string word = text->substr(i, j - i);
    if (!word.empty() && word[0] == '#') {
      j = text->find('\n', i);
      if (j == std::string::npos) j = text->size();
    } else if (!word.empty()) {
      libs += (libs.empty() ? "" : " ") + word;
    }
    i = j + 1;
  }
  if (libs.empty()) return;
  Subject s;
  s.path = s.display_root = opts.ld_so_preload;
  s.name = "ld.so.preload";
  Reason r;
  r.kind = ReasonKind::kCheck;
  r.name = "ld_so_preload";
  r.score = opts.anomalies.preload_score;
  r.description = fmt::format("every process loads {}", libs);
  r.source = "harrier:process";
  r.remediation = "A system-wide preload is rare and a common rootkit technique; check the "
                  "library and who installed it.";
  ScanOutcome o = scanner.Skipped(std::move(s), {std::move(r)}, SkipReason::kExcluded);
  if (o.finding) report(std::move(*o.finding));
}

void CheckNetwork(const LiveOptions& opts, const platform::ProcessTable& table,
                  const platform::FileSystem& fs, const SignatureSet& sigs,
                  SubjectScanner& scanner, const std::vector<int64_t>& pids,
                  const LiveReport& report, Diagnostics& diag, LiveSummary& out) {
  C2Matcher c2(sigs.c2);
  if (opts.resolve) {
    std::vector<std::string> names = c2.HostNames();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(opts.resolve_timeout_s);
    auto addrs = platform::ResolveNames(names, deadline);
    size_t answered = 0;
    for (size_t i = 0; i < names.size(); ++i) {
      answered += !addrs[i].empty();
      for (const auto& a : addrs[i])
        if (auto ip = ParseIp(a)) c2.AddResolved(*ip, names[i]);
    }
    diag.Info("--resolve", fmt::format("{} of {} C2 host names resolved", answered, names.size()));
  }
  SocketTables tables = ReadSockets(table, pids);
  out.namespaces = tables.namespaces;
  out.namespaces_skipped = tables.namespaces_skipped;
  const int64_t boot = BootTime(table);
  for (const SocketRecord& s : tables.sockets) {
    // --pid: only the sockets of those processes.
    if (!opts.pids.empty() && s.owners.empty()) continue;
    ++out.connections;
    std::optional<ProcessInfo> owner;
    for (const SocketOwner& o : s.owners) {
      auto info = ReadProcess(table, fs, o.pid, boot);
      if (info.ok() && info->stat.start_ticks == o.start_ticks) {
        owner = std::move(*info);
        break;
      }
    }
    if (!owner) ++out.connections_unmapped;
    auto reason = ConnectionReason(s, c2);
    if (!reason) continue;
    Subject subject;
    subject.kind = SubjectKind::kConnection;
    subject.connection = ConnectionOf(s);
    if (owner) {
      subject = ProcessSubject(*owner, SubjectKind::kConnection);
      subject.connection = ConnectionOf(s);
    }
    subject.display_root = subject.path;
    ScanOutcome o = scanner.Skipped(std::move(subject), {std::move(*reason)}, SkipReason::kExcluded);
    // The owner is confirmed once more: its PID may have been reused since.
    if (owner && !SameProcess(table, *owner)) continue;
    if (o.finding) report(std::move(*o.finding));
  }
  auto hosts = ReadSmallFile(fs, opts.hosts_file, kHostsBytes);
  if (!hosts) return;
  std::vector<HostsEntry> entries = ParseHosts(*hosts);
  for (const auto& e : entries) out.hosts_entries += e.names.size();
  std::vector<Reason> reasons = HostsReasons(entries, c2);
  if (reasons.empty()) return;
  Subject s;
  s.path = s.display_root = opts.hosts_file;
  s.name = "hosts";
  ScanOutcome o = scanner.Skipped(std::move(s), std::move(reasons), SkipReason::kExcluded);
  if (o.finding) report(std::move(*o.finding));
}

}  // namespace

LiveSummary RunLiveChecks(const LiveOptions& opts, const ScanConfig& config,
                          std::shared_ptr<const SignatureSet> sigs, const CheckRegistry& checks,
                          const platform::FileSystem& fs, size_t threads, const LiveReport& report,
                          Diagnostics& diag, const std::atomic<bool>& cancel) {
  auto t0 = std::chrono::steady_clock::now();
  LiveSummary out;
  const platform::ProcessTable& table = opts.table ? *opts.table : platform::LocalProcessTable();
  // Executables get the file checks as files do (same limits); a memory
  // scan ends at the per-process deadline of its block reader.
  const ScanConfig& cfg = config;

  std::vector<int64_t> pids;
  if (auto all = table.ListPids(); all.ok()) {
    pids = std::move(*all);
  } else {
    diag.Error("process list", all.status().ToString());
    return out;
  }
  if (!opts.pids.empty()) {
    std::vector<int64_t> wanted;
    for (int64_t p : pids)
      if (std::find(opts.pids.begin(), opts.pids.end(), p) != opts.pids.end()) wanted.push_back(p);
    pids = std::move(wanted);
  }

  LiveCounters c;
  auto main_scanner = SubjectScanner::Create(sigs, &checks, cfg);
  if (!main_scanner.ok()) {
    diag.Error("live checks", main_scanner.status().ToString());
    return out;
  }
  if (opts.processes) {
    out.processes = true;
    out.memory = opts.memory && (*main_scanner)->HasMemoryRules();
    std::atomic<size_t> next{0};
    std::vector<std::thread> workers;
    const size_t n = std::max<size_t>(1, std::min(threads, pids.size()));
    for (size_t w = 0; w < n; ++w) {
      workers.emplace_back([&] {
        auto scanner = SubjectScanner::Create(sigs, &checks, cfg);
        if (!scanner.ok()) {
          diag.Error("live checks", scanner.status().ToString());
          return;
        }
        ProcessChecks pc(opts, table, fs, cfg, report, c, diag);
        std::vector<uint8_t> buf;
        for (size_t i = next++; i < pids.size() && !cancel.load(); i = next++)
          pc.Run(pids[i], **scanner, buf);
      });
    }
    for (auto& t : workers) t.join();
    CheckLdSoPreload(opts, fs, **main_scanner, report);
  }
  if (opts.network && !cancel.load()) {
    out.network = true;
    CheckNetwork(opts, table, fs, *sigs, **main_scanner, pids, report, diag, out);
  }
  out.processes_seen = c.seen;
  out.processes_scanned = c.scanned;
  out.exited = c.exited;
  out.executables = c.executables;
  out.regions = c.regions;
  out.regions_skipped = c.regions_skipped;
  out.memory_bytes = c.memory_bytes;
  for (size_t i = 0; i < kSkipReasonCount; ++i) out.skipped[i] = c.skipped[i];
  out.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace harrier
