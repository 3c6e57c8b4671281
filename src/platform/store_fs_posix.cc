#include "platform/store_fs.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>

#include <dirent.h>
#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier::platform {
namespace {

class FdCloser {
 public:
  explicit FdCloser(int fd) : fd_(fd) {}
  ~FdCloser() {
    if (fd_ >= 0) close(fd_);
  }
  FdCloser(const FdCloser&) = delete;
  FdCloser& operator=(const FdCloser&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { close(fd_); }  // releases the lock

 private:
  int fd_;
};

Status CheckOwned(const struct stat& st, const std::string& path) {
  if (st.st_uid != geteuid())
    return Status::PermissionDenied(fmt::format(
        "{}: owned by uid {}, not by the running user ({})", path, st.st_uid, geteuid()));
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return Status::PermissionDenied(fmt::format("{}: writable by group or others (mode {:04o})",
                                                path, st.st_mode & 07777));
  return Status::Ok();
}

}  // namespace

bool RunningAsRoot() { return geteuid() == 0; }

std::string UserDataDir() {
  const char* xdg = std::getenv("XDG_DATA_HOME");
  if (xdg && *xdg) return fmt::format("{}/harrier", xdg);
  const char* home = std::getenv("HOME");
  return fmt::format("{}/.local/share/harrier", home && *home ? home : ".");
}

Status MakeNewDir(const std::string& path) {
  if (mkdir(path.c_str(), 0700) != 0) return ErrnoStatus(errno, path, "mkdir");
  return Status::Ok();
}

Status WriteNewFile(const std::string& path, std::string_view bytes) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, path, "create");
  FdCloser closer(fd);
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, path, "write");
    }
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

Status MakeSymlink(const std::string& target, const std::string& path) {
  if (symlink(target.c_str(), path.c_str()) != 0) return ErrnoStatus(errno, path, "symlink");
  return Status::Ok();
}

Result<std::string> ReadSymlink(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) {
    if (errno == EINVAL) return Status::InvalidArgument(path + ": not a symbolic link");
    return ErrnoStatus(errno, path, "readlink");
  }
  if (static_cast<size_t>(n) == sizeof buf) return Status::Corrupt(path + ": link target too long");
  return std::string(buf, static_cast<size_t>(n));
}

Status RenamePath(const std::string& from, const std::string& to) {
  if (rename(from.c_str(), to.c_str()) != 0)
    return ErrnoStatus(errno, fmt::format("{} -> {}", from, to), "rename");
  return Status::Ok();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);  // does not follow links
  if (ec) return Status::IoError(fmt::format("{}: remove: {}", path, ec.message()));
  return Status::Ok();
}

Status SyncFileSystem(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return ErrnoStatus(errno, path, "open");
  FdCloser closer(fd);
  if (syncfs(fd) != 0) return ErrnoStatus(errno, path, "syncfs");
  if (fsync(fd) != 0) return ErrnoStatus(errno, path, "fsync");
  return Status::Ok();
}

Result<std::vector<std::string>> ListNames(const std::string& dir) {
  DIR* d = opendir(dir.c_str());
  if (!d) return ErrnoStatus(errno, dir, "opendir");
  std::vector<std::string> out;
  errno = 0;
  while (struct dirent* e = readdir(d)) {
    std::string_view n = e->d_name;
    if (n != "." && n != "..") out.emplace_back(n);
  }
  int err = errno;
  closedir(d);
  if (err != 0) return ErrnoStatus(err, dir, "readdir");
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, path, "open");
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    int err = errno;
    close(fd);
    if (err == EWOULDBLOCK)
      return Status::ResourceExhausted(path + ": held by another process");
    return ErrnoStatus(err, path, "flock");
  }
  return std::unique_ptr<FileLock>(new PosixFileLock(fd));
}

Status CheckPrivateTree(const std::string& dir, uint64_t max_entries) {
  uint64_t seen = 0;
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string p = std::move(stack.back());
    stack.pop_back();
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) return ErrnoStatus(errno, p, "lstat");
    if (++seen > max_entries)
      return Status::ResourceExhausted(
          fmt::format("{}: more than {} entries", dir, max_entries));
    if (S_ISLNK(st.st_mode)) return Status::PermissionDenied(p + ": a symbolic link");
    if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
      return Status::PermissionDenied(p + ": not a regular file or folder");
    if (Status s = CheckOwned(st, p); !s.ok()) return s;
    if (S_ISDIR(st.st_mode)) {
      auto names = ListNames(p);
      if (!names.ok()) return names.status();
      for (auto& n : *names) stack.push_back(JoinPath(p, n));
    }
  }
  return Status::Ok();
}

}  // namespace harrier::platform
