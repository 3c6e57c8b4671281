#include "sources/process_source.h"

#include <algorithm>

#include <fmt/format.h>

namespace harrier {
namespace {

constexpr size_t kSmallFile = 64 << 10;     // stat, status
constexpr size_t kCmdlineBytes = 64 << 10;  // command lines are capped in reports anyway
constexpr size_t kEnvironBytes = 1 << 20;
constexpr std::string_view kDeleted = " (deleted)";

// A Windows path (drive letter and separator, or a UNC path): the
// executables and mapped files of the Windows process table. Both the
// backslash and '/' separate its names, which compare without regard to
// case.
bool WindowsPath(std::string_view p) {
  if (p.size() >= 3 && ((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z')) &&
      p[1] == ':' && (p[2] == '\\' || p[2] == '/'))
    return true;
  return p.size() >= 3 && p[0] == '\\' && p[1] == '\\';
}

const char* Separators(std::string_view p) { return WindowsPath(p) ? "\\/" : "/"; }

std::string BaseName(std::string_view p) {
  size_t slash = p.find_last_of(Separators(p));
  return std::string(slash == std::string_view::npos ? p : p.substr(slash + 1));
}

std::string DirName(std::string_view p) {
  size_t slash = p.find_last_of(Separators(p));
  if (slash == std::string_view::npos) return "";
  if (slash == 0) return "/";
  if (WindowsPath(p) && slash == 2) return std::string(p.substr(0, 3));  // the drive's root
  return std::string(p.substr(0, slash));
}

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameText(std::string_view a, std::string_view b, bool fold_case) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i] != b[i] && !(fold_case && AsciiLower(a[i]) == AsciiLower(b[i]))) return false;
  return true;
}

std::vector<std::string_view> Components(std::string_view p) {
  std::vector<std::string_view> out;
  const char* seps = Separators(p);
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find_first_of(seps, i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// `dir` is the folder `pattern` names or lies below it; a "*" component of
// the pattern matches any one name. Windows paths compare without case.
bool InFolder(std::string_view dir, std::string_view pattern) {
  if (WindowsPath(dir) != WindowsPath(pattern)) return false;
  const bool fold = WindowsPath(dir);
  auto d = Components(dir), p = Components(pattern);
  if (p.empty() || d.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (p[i] != "*" && !SameText(d[i], p[i], fold)) return false;
  return true;
}

Reason Anomaly(std::string name, int score, std::string description, std::string remediation) {
  Reason r;
  r.kind = ReasonKind::kCheck;
  r.name = std::move(name);
  r.score = score;
  r.description = std::move(description);
  r.source = "harrier:process";
  r.remediation = std::move(remediation);
  return r;
}

bool IsMemfd(const std::string& link) { return link.rfind("/memfd:", 0) == 0; }

// The kernel truncates comm to 15 bytes. Windows names compare without case.
bool SameName(std::string_view comm, std::string_view base, bool fold_case) {
  if (comm.empty() || base.empty()) return false;
  return SameText(base.substr(0, 15), comm.substr(0, 15), fold_case);
}

}  // namespace

std::string ExecutablePath(const std::string& exe_link) {
  if (exe_link.size() >= kDeleted.size() &&
      exe_link.compare(exe_link.size() - kDeleted.size(), kDeleted.size(), kDeleted) == 0)
    return exe_link.substr(0, exe_link.size() - kDeleted.size());
  return exe_link;
}

int64_t BootTime(const platform::ProcessTable& table) {
  auto text = table.ReadFile(0, "stat", 1 << 20);
  if (!text.ok()) return 0;
  return ParseBootTime(*text).value_or(0);
}

Result<ProcessInfo> ReadProcess(const platform::ProcessTable& table, const platform::FileSystem& fs,
                                int64_t pid, int64_t boot_time) {
  auto stat_text = table.ReadFile(pid, "stat", kSmallFile);
  if (!stat_text.ok()) return stat_text.status();
  auto st = ParseProcStat(*stat_text);
  if (!st || st->pid != pid)
    return Status::Corrupt(fmt::format("/proc/{}/stat: cannot be parsed", pid));
  ProcessInfo info;
  info.stat = *st;
  ProcessAttrs& a = info.attrs;
  a.pid = pid;
  a.ppid = st->ppid;
  a.name = st->comm;
  const int64_t ticks = std::max<int64_t>(1, table.ClockTicks());
  a.start_time = boot_time + static_cast<int64_t>(st->start_ticks) / ticks;
  if (auto status = table.ReadFile(pid, "status", kSmallFile); status.ok()) {
    if (auto uid = ParseStatusUid(*status)) {
      a.uid = *uid;
      a.user = fs.OwnerName(*uid);
    }
  }
  if (auto cmd = table.ReadFile(pid, "cmdline", kCmdlineBytes); cmd.ok()) {
    info.cmdline_raw = std::move(*cmd);
    a.cmdline = JoinCmdline(info.cmdline_raw);
  }
  if (!st->kernel_thread()) {
    if (auto exe = table.ReadLink(pid, "exe"); exe.ok()) info.exe_link = std::move(*exe);
    else info.exe_denied = exe.status().code() == Status::Code::kPermissionDenied;
    if (auto env = table.ReadFile(pid, "environ", kEnvironBytes); env.ok()) {
      info.environ_readable = true;
      info.ld_preload = FindEnv(*env, "LD_PRELOAD");
    }
  }
  a.executable = info.exe_link;
  return info;
}

bool SameProcess(const platform::ProcessTable& table, const ProcessInfo& info) {
  auto text = table.ReadFile(info.attrs.pid, "stat", kSmallFile);
  if (!text.ok()) return false;
  auto st = ParseProcStat(*text);
  return st && st->pid == info.attrs.pid && st->start_ticks == info.stat.start_ticks;
}

ExecutableFacts ExamineExecutable(const platform::FileSystem& fs, const ProcessInfo& info,
                                  const platform::ReadableFile* running) {
  ExecutableFacts f;
  if (running) {
    f.opened = true;
    f.running = running->stat();
  }
  if (info.exe_link.empty() || IsMemfd(info.exe_link)) return f;
  std::string path = ExecutablePath(info.exe_link);
  if (auto st = fs.Stat(path); st.ok()) f.on_disk = *st;
  if (auto st = fs.Stat(DirName(path)); st.ok()) f.directory = *st;
  return f;
}

std::vector<Reason> AnomalyReasons(const ProcessInfo& info, const ExecutableFacts& facts,
                                   const AnomalyOptions& o) {
  std::vector<Reason> out;
  const std::string& link = info.exe_link;
  if (link.empty()) return out;  // kernel thread or zombie
  const std::string path = ExecutablePath(link);
  const bool memfd = IsMemfd(link);
  const bool deleted = path.size() != link.size();
  if (memfd) {
    out.push_back(Anomaly("process_memfd_executable", o.memfd_score,
                          "runs from an anonymous memory file (memfd): the program exists on no disk",
                          "Capture the process's memory and executable (/proc/PID/exe) before "
                          "stopping it; find what started it (parent, service, cron)."));
  } else if (deleted) {
    out.push_back(Anomaly("process_deleted_executable", o.deleted_score,
                          "its executable was deleted from disk after it started (a package "
                          "upgrade does this too; malware often deletes itself)",
                          "Compare with recent package upgrades; if none explains it, copy "
                          "/proc/PID/exe before the process ends."));
  } else if (facts.opened && facts.on_disk &&
             (facts.on_disk->dev != facts.running.dev ||
              facts.on_disk->inode != facts.running.inode)) {
    out.push_back(Anomaly("process_replaced_executable", o.replaced_score,
                          "the path of its executable now holds another file than the one running",
                          "Compare the running binary (/proc/PID/exe) with the file on disk."));
  }
  if (!memfd) {
    std::string dir = DirName(path);
    bool temp = false;
    for (const std::string& t : o.temp_dirs) temp = temp || InFolder(dir, t);
    bool world_writable = facts.directory && (facts.directory->mode & 0002) != 0;
    if (temp || world_writable)
      out.push_back(Anomaly(
          "process_temp_directory", o.temp_dir_score,
          fmt::format("runs from a {} directory: {}", temp ? "temporary" : "world-writable", dir),
          "Programs are installed in system or application folders; find out who put this "
          "binary there."));
  }
  // The name the kernel shows (comm) is the executable's name, or for a
  // script the script's name; anything else was set by the process itself.
  if (!info.attrs.name.empty() && !memfd) {
    std::vector<std::string> args = CmdlineArgs(info.cmdline_raw, 3);
    const bool fold = WindowsPath(path);
    bool matches = SameName(info.attrs.name, BaseName(path), fold);
    for (const auto& arg : args)
      matches = matches || SameName(info.attrs.name, BaseName(arg), fold || WindowsPath(arg));
    if (!matches && !args.empty())
      out.push_back(Anomaly("process_name_mismatch", o.name_score,
                            fmt::format("process name \"{}\" is unlike its executable \"{}\"",
                                        info.attrs.name, BaseName(path)),
                            "Malware renames itself to look like a system process; check the "
                            "executable and its parent."));
  }
  if (info.ld_preload && !info.ld_preload->empty())
    out.push_back(Anomaly("process_ld_preload", o.preload_score,
                          fmt::format("started with LD_PRELOAD={}", *info.ld_preload),
                          "A preloaded library runs inside the process; check that library."));
  return out;
}

Subject ProcessSubject(const ProcessInfo& info, SubjectKind kind) {
  Subject s;
  s.kind = kind;
  s.path = info.exe_link.empty() ? "[" + info.attrs.name + "]" : info.exe_link;
  s.display_root = s.path;
  s.name = BaseName(ExecutablePath(s.path));
  s.process = info.attrs;
  return s;
}

bool RegionSelected(const MapsRegion& r, bool all_regions) {
  if (!r.read || r.size() == 0) return false;
  if (r.path == "[vvar]" || r.path == "[vsyscall]" || r.path == "[vvar_vclock]") return false;
  // Devices: reading them may have side effects or block; /dev/shm and
  // /dev/zero mappings are memory.
  if (r.path.rfind("/dev/", 0) == 0 && r.path.rfind("/dev/shm/", 0) != 0 &&
      r.path.rfind("/dev/zero", 0) != 0)
    return false;
  if (all_regions) return true;
  const bool file = !r.path.empty() && (r.path[0] == '/' || WindowsPath(r.path));
  const bool memfd = r.path.rfind("/memfd:", 0) == 0 || r.path.rfind("/dev/shm/", 0) == 0;
  // An unchanged image of a file on disk: read-only or executable, private,
  // and the file still exists.
  if (file && !memfd && !r.deleted() && !r.write && !r.shared) return false;
  return true;
}

ProcessMemoryBlocks::ProcessMemoryBlocks(platform::ProcessMemory& mem,
                                         std::vector<MapsRegion> regions,
                                         const MemoryScanOptions& opts)
    : mem_(mem), regions_(std::move(regions)), opts_(opts) {
  if (opts_.block_bytes < 4096) opts_.block_bytes = 4096;
  if (opts_.overlap_bytes >= opts_.block_bytes / 2) opts_.overlap_bytes = opts_.block_bytes / 2;
  std::sort(regions_.begin(), regions_.end(),
            [](const MapsRegion& a, const MapsRegion& b) { return a.start < b.start; });
}

uint64_t ProcessMemoryBlocks::size() const {
  return regions_.empty() ? 0 : regions_.back().end;
}

bool ProcessMemoryBlocks::Rewind() {
  region_ = 0;
  next_ = 0;
  first_pass_ = false;
  timed_out_ = timed_out_ || std::chrono::steady_clock::now() >= opts_.deadline;
  return !timed_out_;
}

const MapsRegion* ProcessMemoryBlocks::RegionAt(uint64_t address) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), address,
                             [](uint64_t a, const MapsRegion& r) { return a < r.start; });
  if (it == regions_.begin()) return nullptr;
  --it;
  return address < it->end ? &*it : nullptr;
}

bool ProcessMemoryBlocks::Next(ContentBlock* out) {
  constexpr uint64_t kPage = 4096;
  while (region_ < regions_.size()) {
    if (timed_out_ || std::chrono::steady_clock::now() >= opts_.deadline) {
      timed_out_ = true;
      return false;
    }
    const MapsRegion& r = regions_[region_];
    uint64_t at = next_ == 0 ? r.start : next_;
    if (at >= r.end) {
      ++region_;
      next_ = 0;
      continue;
    }
    if (at == r.start && first_pass_) ++regions_read_;
    size_t want = static_cast<size_t>(std::min<uint64_t>(opts_.block_bytes, r.end - at));
    buf_.resize(want);
    auto got = mem_.Read(at, {buf_.data(), want});
    if (!got.ok() || *got == 0) {
      if (got.status().code() == Status::Code::kNotFound) {  // the process is gone
        status_ = got.status();
        return false;
      }
      // A hole (pages that cannot be read): skip a page and try again.
      next_ = (at & ~(kPage - 1)) + kPage;
      continue;
    }
    out->offset = at;
    out->data = {buf_.data(), *got};
    if (first_pass_) bytes_read_ += *got;
    // The next block starts overlap_bytes before this one's end, unless
    // this one ended the region (or was cut short).
    uint64_t end = at + *got;
    next_ = (end >= r.end || *got < want) ? end : end - opts_.overlap_bytes;
    if (*got < want && end < r.end) next_ = (end & ~(kPage - 1)) + kPage;  // skip the hole
    return true;
  }
  return false;
}

}  // namespace harrier
