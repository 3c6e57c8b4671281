// The running system's processes as the live checks see them: the Linux
// /proc file system behind one interface, so the process and network
// sources never make an OS call themselves, tests inject a fake table
// (exited processes, reused PIDs, permission errors) and a Windows port adds
// its own implementation.
//
// Errors (Status codes) every implementation must keep apart:
//  * NotFound: the process is gone (exited between listing and reading);
//  * PermissionDenied: not allowed for this user (another user's process
//    without root, a ptrace restriction);
//  * anything else: a real error.
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "platform/fs.h"

namespace harrier::platform {

// The memory of one process, read at virtual addresses. Reads never go
// through the files behind mappings: only pages the process has mapped are
// copied (Linux: /proc/PID/mem).
class ProcessMemory {
 public:
  virtual ~ProcessMemory() = default;
  // Copies up to out.size() bytes at `address`; returns how many (less at
  // the end of a mapping). IoError for an address that cannot be read (a
  // hole, a mapping of a device), NotFound when the process is gone.
  virtual Result<size_t> Read(uint64_t address, std::span<uint8_t> out) = 0;
};

class ProcessTable {
 public:
  virtual ~ProcessTable() = default;
  // Every process id, ascending (threads are not listed).
  virtual Result<std::vector<int64_t>> ListPids() const = 0;
  // The text of the process's file `name` ("stat", "status", "cmdline",
  // "environ", "maps", "net/tcp6", ...), at most `max_bytes` (the rest is
  // cut). pid 0 reads the system-wide file instead ("stat": /proc/stat).
  virtual Result<std::string> ReadFile(int64_t pid, std::string_view name,
                                       size_t max_bytes) const = 0;
  // The target of the process's link `name` ("exe", "ns/net"), as the
  // kernel prints it ("/usr/bin/x (deleted)", "/memfd:x (deleted)",
  // "net:[4026531840]").
  virtual Result<std::string> ReadLink(int64_t pid, std::string_view name) const = 0;
  // The link targets of the process's open file descriptors ("socket:[123]",
  // "/var/log/x"); descriptors closed while listing are left out.
  virtual Result<std::vector<std::string>> ListFdTargets(int64_t pid) const = 0;
  // The executable the process runs, opened through the process (a deleted
  // or replaced binary is still the one that runs).
  virtual Result<std::unique_ptr<ReadableFile>> OpenExecutable(int64_t pid) const = 0;
  // The process's memory; PermissionDenied when this user may not read it.
  virtual Result<std::unique_ptr<ProcessMemory>> OpenMemory(int64_t pid) const = 0;
  // This process's own id.
  virtual int64_t SelfPid() const = 0;
  // Clock ticks per second of the start times in "stat" (sysconf _SC_CLK_TCK).
  virtual int64_t ClockTicks() const = 0;
};

// The machine's processes: /proc on Linux; on Windows the Win32 answers
// rendered as /proc text (proc_win.cc, proc_render.h). Lives forever.
const ProcessTable& LocalProcessTable();

// The folders whose executables the live checks call temporary (the
// temp-directory anomaly): /tmp, /var/tmp, /dev/shm; on Windows this user's
// %TEMP%, %SystemRoot%\Temp and %SystemDrive%\Users\*\AppData\Local\Temp
// ("*": any one folder name).
std::vector<std::string> TemporaryFolders();

// The hosts file the name resolver reads: /etc/hosts; on Windows
// %SystemRoot%\System32\drivers\etc\hosts.
std::string SystemHostsFile();

// The file naming libraries every process loads: /etc/ld.so.preload; ""
// on Windows (no such file: the check is not made).
std::string SystemPreloadFile();

}  // namespace harrier::platform
