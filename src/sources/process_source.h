// The process source: running processes as subjects, read through a
// platform::ProcessTable (never an OS call of its own). For each process it
// reads what the live checks need (stat, status, command line, executable
// link, environment), finds anomalies in how it runs (AnomalyReasons), and
// gives its memory as block content (ProcessMemoryBlocks) for YARA.
//
// PID reuse: a process is identified by (pid, start time in ticks). Every
// finding is confirmed with SameProcess() just before it is reported; a
// PID that now belongs to another process (or to none) is never blamed.
// Thread-safety: the free functions are safe to call concurrently;
// ProcessMemoryBlocks is used by one thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/subject.h"
#include "platform/fs.h"
#include "platform/proc.h"
#include "core/content.h"
#include "sources/proc_parse.h"

namespace harrier {

// What the live checks know of one process.
struct ProcessInfo {
  ProcStat stat;
  ProcessAttrs attrs;         // pid, ppid, user, name, command line, executable, start time
  std::string cmdline_raw;    // NUL-separated arguments
  std::string exe_link;       // "" for kernel threads and zombies
  bool exe_denied = false;    // the exe link may not be read by this user
  // LD_PRELOAD of the process's environment; nullopt when unset, or when
  // the environment could not be read (environ_readable false).
  std::optional<std::string> ld_preload;
  bool environ_readable = false;
};

// Reads the process `pid`. NotFound when it is gone (or turned into a
// zombie without an executable is still returned, with exe_link empty);
// PermissionDenied only when even its stat cannot be read. `boot_time` is
// the system boot time (seconds since epoch) for the start time.
Result<ProcessInfo> ReadProcess(const platform::ProcessTable& table, const platform::FileSystem& fs,
                                int64_t pid, int64_t boot_time);

// The boot time (btime of /proc/stat), 0 when unknown.
int64_t BootTime(const platform::ProcessTable& table);

// Whether `pid` is still the process `info` described (same start time).
bool SameProcess(const platform::ProcessTable& table, const ProcessInfo& info);

// The executable's path as the link names it, without " (deleted)".
std::string ExecutablePath(const std::string& exe_link);

// Scores and switches of the process anomalies (docs/scanning.md, "Live
// host"). These are behaviours, not indicators of one attack: each is a
// native check with a fixed sub-score.
struct AnomalyOptions {
  int deleted_score = 50;      // executable deleted on disk (also after a package upgrade)
  int replaced_score = 40;     // the path now holds another file
  int memfd_score = 75;        // running from a memfd (fileless)
  int temp_dir_score = 60;     // running from a temporary or world-writable folder
  // The temporary folders (platform::TemporaryFolders: /tmp, /var/tmp,
  // /dev/shm; on Windows %TEMP%, C:\Windows\Temp, C:\Users\*\AppData\Local\Temp):
  // an executable in one of them or below it is an anomaly. A "*" name
  // matches any one folder name; Windows paths compare without case.
  std::vector<std::string> temp_dirs = platform::TemporaryFolders();
  int name_score = 40;         // process name unlike its executable and arguments
  int preload_score = 60;      // LD_PRELOAD set in its environment
};

// What was found out about the executable on disk, for AnomalyReasons.
struct ExecutableFacts {
  bool opened = false;          // /proc/PID/exe could be read
  platform::StatInfo running;   // fstat of the running executable (when opened)
  // stat of the path the link names, now; nullopt when it does not exist.
  std::optional<platform::StatInfo> on_disk;
  // stat of the directory holding it; nullopt when unknown.
  std::optional<platform::StatInfo> directory;
};
ExecutableFacts ExamineExecutable(const platform::FileSystem& fs, const ProcessInfo& info,
                                  const platform::ReadableFile* running);

// The anomalies of a process as reasons of kind "check" (names
// "process_deleted_executable", "process_memfd", ...).
std::vector<Reason> AnomalyReasons(const ProcessInfo& info, const ExecutableFacts& facts,
                                   const AnomalyOptions& opts);

// A subject of `kind` for the process (path: the executable's link, name:
// its base name).
Subject ProcessSubject(const ProcessInfo& info, SubjectKind kind);

// Which memory regions are read (docs/scanning.md): readable regions, but
// not no-access reservations, not mappings of devices or the kernel's
// [vvar]/[vsyscall] pages, and not unchanged images of files that exist on
// disk (read-only or executable private mappings of a file not deleted:
// the file scan reads those files) unless `all_regions`.
bool RegionSelected(const MapsRegion& r, bool all_regions);

// Limits of a process's memory scan.
struct MemoryScanOptions {
  size_t block_bytes = 1 << 20;   // bytes per block handed to YARA
  size_t overlap_bytes = 4096;    // each block repeats the last bytes of the one before
  bool all_regions = false;       // --memory-all-regions
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
};

// The selected regions of a process as blocks at their virtual addresses
// (libyara block scanning). Each region is read in blocks of block_bytes
// that overlap by overlap_bytes, so a match across a block edge is found;
// a match cannot span two regions. An unreadable part of a region is a gap,
// not an error. At the deadline the iteration ends and timed_out() is set.
// Rewind starts again at the first block (the memory is read again).
class ProcessMemoryBlocks final : public BlockReader {
 public:
  ProcessMemoryBlocks(platform::ProcessMemory& mem, std::vector<MapsRegion> regions,
                      const MemoryScanOptions& opts);
  bool Next(ContentBlock* out) override;
  const Status& status() const override { return status_; }
  bool Rewind() override;
  uint64_t size() const override;
  bool timed_out() const { return timed_out_; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t regions_read() const { return regions_read_; }
  // The region holding `address`, or null.
  const MapsRegion* RegionAt(uint64_t address) const;

 private:
  platform::ProcessMemory& mem_;
  std::vector<MapsRegion> regions_;
  MemoryScanOptions opts_;
  std::vector<uint8_t> buf_;
  size_t region_ = 0;     // current region
  uint64_t next_ = 0;     // next address to read in it (0 = region start)
  bool first_pass_ = true;
  bool timed_out_ = false;
  uint64_t bytes_read_ = 0, regions_read_ = 0;
  Status status_;
};

}  // namespace harrier
