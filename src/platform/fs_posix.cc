// POSIX (Linux) implementation of the platform layer.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <pwd.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier::platform {
namespace {

StatInfo FromStat(const struct stat& st) {
  StatInfo s;
  switch (st.st_mode & S_IFMT) {
    case S_IFREG: s.type = FileType::kRegular; break;
    case S_IFDIR: s.type = FileType::kDirectory; break;
    case S_IFLNK: s.type = FileType::kSymlink; break;
    case S_IFIFO: s.type = FileType::kFifo; break;
    case S_IFSOCK: s.type = FileType::kSocket; break;
    case S_IFBLK: s.type = FileType::kBlock; break;
    case S_IFCHR: s.type = FileType::kChar; break;
    default: s.type = FileType::kOther;
  }
  s.size = static_cast<uint64_t>(st.st_size);
  s.mtime = st.st_mtime;
  s.ctime = st.st_ctime;
  s.mode = st.st_mode & 07777;
  s.uid = st.st_uid;
  s.dev = st.st_dev;
  s.inode = st.st_ino;
  s.blocks_bytes = static_cast<uint64_t>(st.st_blocks) * 512;
  return s;
}

// statfs magic numbers of file systems that hold no real files (pseudo) or
// whose reads go over the network. Values from linux/magic.h and statfs(2).
FsInfo Classify(const struct statfs& sf) {
  const auto t = static_cast<unsigned long>(sf.f_type);
  struct Known {
    unsigned long magic;
    FsClass cls;
    const char* name;
  };
  static const Known kKnown[] = {
      {PROC_SUPER_MAGIC, FsClass::kPseudo, "proc"},
      {SYSFS_MAGIC, FsClass::kPseudo, "sysfs"},
      {0x1cd1, FsClass::kPseudo, "devpts"},
      {TMPFS_MAGIC, FsClass::kNormal, "tmpfs"},
      {0x27e0eb, FsClass::kPseudo, "cgroup"},
      {0x63677270, FsClass::kPseudo, "cgroup2"},
      {0x74726163, FsClass::kPseudo, "tracefs"},
      {0x64626720, FsClass::kPseudo, "debugfs"},
      {0x73636673, FsClass::kPseudo, "securityfs"},
      {0xcafe4a11, FsClass::kPseudo, "bpf"},
      {0x6165676c, FsClass::kPseudo, "pstorefs"},
      {0xde5e81e4, FsClass::kPseudo, "efivarfs"},
      {0x42494e4d, FsClass::kPseudo, "binfmt_misc"},
      {0x19800202, FsClass::kPseudo, "mqueue"},
      {0x958458f6, FsClass::kPseudo, "hugetlbfs"},
      {0x62656570, FsClass::kPseudo, "configfs"},
      {0x6e736673, FsClass::kPseudo, "nsfs"},
      {0x50495045, FsClass::kPseudo, "pipefs"},
      {0x534f434b, FsClass::kPseudo, "sockfs"},
      {0x9fa0, FsClass::kPseudo, "proc"},
      {0x1373, FsClass::kPseudo, "devfs"},
      {0x6969, FsClass::kNetwork, "nfs"},
      {0xff534d42, FsClass::kNetwork, "cifs"},
      {0xfe534d42, FsClass::kNetwork, "smb2"},
      {0x517b, FsClass::kNetwork, "smb"},
      {0x65735546, FsClass::kNetwork, "fuse"},
      {0x01021997, FsClass::kNetwork, "9p"},
      {0x6b414653, FsClass::kNetwork, "afs"},
      {0x00c36400, FsClass::kNetwork, "ceph"},
  };
  for (const auto& k : kKnown) {
    if (k.magic == t) return {k.cls, k.name};
  }
  return {FsClass::kNormal, ""};
}

class PosixDirectory final : public Directory {
 public:
  PosixDirectory(DIR* d, StatInfo self, FsInfo fs, std::string path)
      : dir_(d), self_(self), fs_(std::move(fs)), path_(std::move(path)) {}
  ~PosixDirectory() override { closedir(dir_); }

  bool Next(DirEntry* out) override {
    for (;;) {
      errno = 0;
      struct dirent* de = readdir(dir_);
      if (de == nullptr) {
        if (errno != 0) status_ = ErrnoStatus(errno, path_, "readdir");
        return false;
      }
      const char* n = de->d_name;
      if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
      out->name = n;
      struct stat st;
      if (fstatat(dirfd(dir_), n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
        out->stat = ErrnoStatus(errno, JoinPath(path_, n), "lstat");
      } else {
        out->stat = FromStat(st);
      }
      return true;
    }
  }
  const Status& status() const override { return status_; }
  FsInfo fs_info() const override { return fs_; }
  const StatInfo& self() const override { return self_; }

 private:
  DIR* dir_;
  StatInfo self_;
  FsInfo fs_;
  std::string path_;
  Status status_;
};

class PosixFile final : public ReadableFile {
 public:
  PosixFile(int fd, StatInfo st, std::string path) : fd_(fd), st_(st), path_(std::move(path)) {}
  ~PosixFile() override { close(fd_); }
  const StatInfo& stat() const override { return st_; }
  Result<size_t> Read(std::span<uint8_t> buf) override {
    for (;;) {
      ssize_t n = ::read(fd_, buf.data(), buf.size());
      if (n >= 0) return static_cast<size_t>(n);
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, path_, "read");
    }
  }
  Status Seek(uint64_t offset) override {
    if (lseek(fd_, static_cast<off_t>(offset), SEEK_SET) < 0)
      return ErrnoStatus(errno, path_, "seek");
    return Status::Ok();
  }

 private:
  int fd_;
  StatInfo st_;
  std::string path_;
};

}  // namespace

Status ErrnoStatus(int err, const std::string& path, const char* op) {
  std::string msg = fmt::format("{}: {}: {}", op, path, std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(std::move(msg));
    case EACCES:
    case EPERM: return Status::PermissionDenied(std::move(msg));
    case ELOOP: return Status::InvalidArgument(std::move(msg));
    case ENOMEM:
    case EMFILE:
    case ENFILE: return Status::ResourceExhausted(std::move(msg));
    default: return Status::IoError(std::move(msg));
  }
}

Result<StatInfo> Lstat(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path, "lstat");
  return FromStat(st);
}

Result<StatInfo> Stat(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path, "stat");
  return FromStat(st);
}

Result<std::unique_ptr<Directory>> Directory::Open(const std::string& path, bool follow) {
  int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
  if (!follow) flags |= O_NOFOLLOW;
  int fd = open(path.c_str(), flags);
  if (fd < 0) return ErrnoStatus(errno, path, "opendir");
  struct stat st;
  struct statfs sf;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return ErrnoStatus(e, path, "fstat");
  }
  FsInfo fs;
  if (fstatfs(fd, &sf) == 0) fs = Classify(sf);
  DIR* d = fdopendir(fd);
  if (d == nullptr) {
    int e = errno;
    close(fd);
    return ErrnoStatus(e, path, "fdopendir");
  }
  return std::unique_ptr<Directory>(new PosixDirectory(d, FromStat(st), fs, path));
}

Result<std::unique_ptr<ReadableFile>> ReadableFile::Open(const std::string& path, bool follow) {
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (!follow) flags |= O_NOFOLLOW;
  // O_NOATIME keeps the evidence's atime intact; only allowed for the owner
  // or root, so fall back without it.
  int fd = open(path.c_str(), flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = open(path.c_str(), flags);
  if (fd < 0) return ErrnoStatus(errno, path, "open");
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return ErrnoStatus(e, path, "fstat");
  }
  if (!S_ISREG(st.st_mode)) {
    close(fd);
    return Status::Changed(fmt::format("open: {}: no longer a regular file", path));
  }
  // Back to blocking reads for the regular file.
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ReadableFile>(new PosixFile(fd, FromStat(st), path));
}

namespace {

class PosixOutput final : public OutputFile {
 public:
  PosixOutput(std::FILE* f, std::string path) : f_(f), path_(std::move(path)) {}
  ~PosixOutput() override {
    if (f_) std::fclose(f_);
  }
  Status Write(std::string_view bytes) override {
    if (!f_) return Status::IoError(fmt::format("write: {}: closed", path_));
    if (bytes.empty()) return Status::Ok();
    if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size())
      return ErrnoStatus(errno ? errno : EIO, path_, "write");
    return Status::Ok();
  }
  Status Flush() override {
    if (!f_) return Status::IoError(fmt::format("flush: {}: closed", path_));
    if (std::fflush(f_) != 0) return ErrnoStatus(errno ? errno : EIO, path_, "write");
    return Status::Ok();
  }
  Status Close() override {
    if (!f_) return Status::Ok();
    // An earlier failed write leaves the stream's error flag set even when
    // the final flush has nothing left to write.
    bool flushed = std::fflush(f_) == 0 && !std::ferror(f_);
    int e = errno;
    bool closed = std::fclose(f_) == 0;
    if (!closed) e = errno;
    f_ = nullptr;
    if (!flushed || !closed) return ErrnoStatus(e ? e : EIO, path_, "close");
    return Status::Ok();
  }

 private:
  std::FILE* f_;
  std::string path_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<StatInfo> Lstat(const std::string& path) const override { return platform::Lstat(path); }
  Result<StatInfo> Stat(const std::string& path) const override { return platform::Stat(path); }
  Result<std::unique_ptr<Directory>> OpenDirectory(const std::string& path,
                                                   bool follow) const override {
    return Directory::Open(path, follow);
  }
  Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& path,
                                                 bool follow) const override {
    return ReadableFile::Open(path, follow);
  }
  Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& path) const override {
    errno = 0;
    std::FILE* f = std::fopen(path.c_str(), "we");
    if (!f) return ErrnoStatus(errno ? errno : EIO, path, "create");
    return std::unique_ptr<OutputFile>(new PosixOutput(f, path));
  }
  std::string OwnerName(uint32_t uid) const override { return platform::OwnerName(uid); }
  std::string UserCacheDir() const override {
    const char* xdg = std::getenv("XDG_CACHE_HOME");
    if (xdg && *xdg) return fmt::format("{}/harrier", xdg);
    const char* home = std::getenv("HOME");
    return fmt::format("{}/.cache/harrier", home && *home ? home : ".");
  }
  std::string JoinPath(const std::string& dir, const std::string& name) const override {
    return platform::JoinPath(dir, name);
  }
  std::string_view BaseName(std::string_view path) const override {
    while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
    auto s = path.rfind('/');
    return s == std::string_view::npos || path.size() == 1 ? path : path.substr(s + 1);
  }
  bool IsWithin(std::string_view path, std::string_view dir) const override {
    if (dir == "/") return !path.empty() && path[0] == '/';
    while (dir.size() > 1 && dir.back() == '/') dir.remove_suffix(1);
    return path.size() >= dir.size() && path.compare(0, dir.size(), dir) == 0 &&
           (path.size() == dir.size() || path[dir.size()] == '/');
  }
};

}  // namespace

const FileSystem& LocalFileSystem() {
  static const PosixFileSystem* fs = new PosixFileSystem();
  return *fs;
}

std::string OwnerName(uint32_t uid) {
  static std::mutex mu;
  static std::unordered_map<uint32_t, std::string> cache;
  std::lock_guard lock(mu);
  auto it = cache.find(uid);
  if (it != cache.end()) return it->second;
  std::string name = std::to_string(uid);
  struct passwd pw;
  struct passwd* res = nullptr;
  char buf[4096];
  if (getpwuid_r(uid, &pw, buf, sizeof buf, &res) == 0 && res != nullptr) name = pw.pw_name;
  cache.emplace(uid, name);
  return name;
}

bool IsTerminal(int fd) { return isatty(fd) == 1; }

int TerminalWidth(int fd) {
  struct winsize ws;
  if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
  return 80;
}

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string p(buf, static_cast<size_t>(n));
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "" : p.substr(0, slash == 0 ? 1 : slash);
}

Result<std::string> RealPath(const std::string& path) {
  char* r = realpath(path.c_str(), nullptr);
  if (r == nullptr) return ErrnoStatus(errno, path, "realpath");
  std::string s(r);
  free(r);
  return s;
}

std::string HostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "unknown";
  return buf;
}

std::string JoinPath(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes) {
  auto f = ReadableFile::Open(path, /*follow=*/true);
  if (!f.ok()) return f.status();
  if ((*f)->stat().size > max_bytes)
    return Status::ResourceExhausted(fmt::format("{}: larger than {} bytes", path, max_bytes));
  std::string out;
  out.resize((*f)->stat().size);
  size_t got = 0;
  while (got < out.size()) {
    auto n = (*f)->Read({reinterpret_cast<uint8_t*>(out.data()) + got, out.size() - got});
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  out.resize(got);
  return out;
}

Result<std::vector<std::string>> ListFilesRecursive(const std::string& dir) {
  std::vector<std::string> out;
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string d = std::move(stack.back());
    stack.pop_back();
    auto opened = Directory::Open(d, /*follow=*/d == dir);
    if (!opened.ok()) {
      if (d == dir) return opened.status();
      continue;
    }
    DirEntry e;
    while ((*opened)->Next(&e)) {
      if (!e.stat.ok()) continue;
      std::string p = JoinPath(d, e.name);
      if (e.stat->type == FileType::kDirectory) stack.push_back(p);
      else if (e.stat->type == FileType::kRegular) out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Status LowerPriority() {
  if (setpriority(PRIO_PROCESS, 0, 19) != 0) return ErrnoStatus(errno, "self", "setpriority");
  // ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0))
  constexpr int kIoprioWhoProcess = 1;
  constexpr int kIoprioClassIdle = 3;
  constexpr int kIoprioClassShift = 13;
  syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift);
  return Status::Ok();
}

std::string UtcIsoTime(int64_t epoch_seconds) {
  std::time_t tt = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int ProcessId() { return static_cast<int>(getpid()); }

namespace {
std::atomic<bool>* g_interrupt_flag = nullptr;  // set once, before the handler is installed

void OnInterrupt(int) {
  if (g_interrupt_flag->exchange(true)) _exit(130);
  static const char kMsg[] =
      "\nharrier: interrupted, finishing the report (Ctrl-C again to abort)\n";
  (void)!write(2, kMsg, sizeof kMsg - 1);
}
}  // namespace

void InstallInterruptHandler(std::atomic<bool>* flag) {
  g_interrupt_flag = flag;
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

Result<FileId> RegularFileIdOfFd(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status::NotFound(fmt::format("descriptor {} is not open", fd));
  if (!S_ISREG(st.st_mode)) return Status::NotFound(fmt::format("descriptor {} is not a file", fd));
  return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace harrier::platform
