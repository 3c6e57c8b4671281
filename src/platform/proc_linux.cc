// Linux implementation of the process table (platform/proc.h) over /proc.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

#include "platform/proc.h"

namespace harrier::platform {
namespace {

std::string ProcPath(int64_t pid, std::string_view name) {
  if (pid == 0) return fmt::format("/proc/{}", name);
  return fmt::format("/proc/{}/{}", pid, name);
}

// ESRCH (a process that died while we read its files) means gone, as ENOENT.
Status ProcErrno(int err, const std::string& path, const char* op) {
  if (err == ESRCH) err = ENOENT;
  return ErrnoStatus(err, path, op);
}

class ProcMemory final : public ProcessMemory {
 public:
  ProcMemory(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~ProcMemory() override { close(fd_); }
  Result<size_t> Read(uint64_t address, std::span<uint8_t> out) override {
    size_t got = 0;
    while (got < out.size()) {
      ssize_t n = pread(fd_, out.data() + got, out.size() - got,
                        static_cast<off_t>(address + got));
      if (n > 0) {
        got += static_cast<size_t>(n);
        continue;
      }
      if (n == 0) {
        // The kernel returns 0 only when the address space is gone (the
        // process exited); a hole fails with EIO.
        if (got == 0) return Status::NotFound(fmt::format("read: {}: process exited", path_));
        break;
      }
      if (errno == EINTR) continue;
      if (got > 0) break;  // the rest fails: the part read is returned
      return ProcErrno(errno, path_, "read");
    }
    return got;
  }

 private:
  int fd_;
  std::string path_;
};

class LinuxProcessTable final : public ProcessTable {
 public:
  Result<std::vector<int64_t>> ListPids() const override {
    DIR* d = opendir("/proc");
    if (!d) return ErrnoStatus(errno, "/proc", "opendir");
    std::vector<int64_t> out;
    while (struct dirent* de = readdir(d)) {
      const char* n = de->d_name;
      if (*n < '1' || *n > '9') continue;
      int64_t v = 0;
      bool digits = true;
      for (const char* p = n; *p; ++p) {
        if (*p < '0' || *p > '9' || v > (INT64_MAX - 9) / 10) {
          digits = false;
          break;
        }
        v = v * 10 + (*p - '0');
      }
      if (digits) out.push_back(v);
    }
    closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

  Result<std::string> ReadFile(int64_t pid, std::string_view name,
                               size_t max_bytes) const override {
    std::string path = ProcPath(pid, name);
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ProcErrno(errno, path, "open");
    std::string out;
    char buf[16384];
    while (out.size() < max_bytes) {
      ssize_t n = read(fd, buf, std::min(sizeof buf, max_bytes - out.size()));
      if (n > 0) {
        out.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) break;
      if (errno == EINTR) continue;
      int e = errno;
      close(fd);
      return ProcErrno(e, path, "read");
    }
    close(fd);
    return out;
  }

  Result<std::string> ReadLink(int64_t pid, std::string_view name) const override {
    std::string path = ProcPath(pid, name);
    char buf[PATH_MAX + 32];
    ssize_t n = readlink(path.c_str(), buf, sizeof buf);
    if (n < 0) return ProcErrno(errno, path, "readlink");
    return std::string(buf, static_cast<size_t>(n));
  }

  Result<std::vector<std::string>> ListFdTargets(int64_t pid) const override {
    std::string dir = ProcPath(pid, "fd");
    DIR* d = opendir(dir.c_str());
    if (!d) return ProcErrno(errno, dir, "opendir");
    std::vector<std::string> out;
    char buf[PATH_MAX + 32];
    while (struct dirent* de = readdir(d)) {
      if (de->d_name[0] == '.') continue;
      ssize_t n = readlinkat(dirfd(d), de->d_name, buf, sizeof buf);
      if (n > 0) out.emplace_back(buf, static_cast<size_t>(n));
    }
    closedir(d);
    return out;
  }

  Result<std::unique_ptr<ReadableFile>> OpenExecutable(int64_t pid) const override {
    auto f = ReadableFile::Open(ProcPath(pid, "exe"), /*follow=*/true);
    if (!f.ok() && f.status().code() == Status::Code::kNotFound) {
      // A kernel thread or a zombie has no executable; the caller tells
      // these apart from an exited process by its stat.
      return Status::NotFound(f.status().message());
    }
    return f;
  }

  Result<std::unique_ptr<ProcessMemory>> OpenMemory(int64_t pid) const override {
    // Opening /proc/PID/mem is the kernel's ptrace access check: it fails
    // with EACCES for a process this user may not read.
    std::string path = ProcPath(pid, "mem");
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return ProcErrno(errno, path, "open");
    return std::unique_ptr<ProcessMemory>(new ProcMemory(fd, path));
  }

  int64_t SelfPid() const override { return getpid(); }
  int64_t ClockTicks() const override {
    long t = sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
  }
};

}  // namespace

const ProcessTable& LocalProcessTable() {
  static const LinuxProcessTable table;
  return table;
}

std::vector<std::string> TemporaryFolders() { return {"/tmp", "/var/tmp", "/dev/shm"}; }

std::string SystemHostsFile() { return "/etc/hosts"; }

std::string SystemPreloadFile() { return "/etc/ld.so.preload"; }

}  // namespace harrier::platform
