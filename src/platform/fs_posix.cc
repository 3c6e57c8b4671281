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
#include <sys/sysmacros.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <mutex>
#include <string>
#include <vector>
#include <unordered_map>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/memory_tree.h"

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

// devtmpfs has tmpfs's statfs magic: it is told apart by its mount, read
// once from /proc/self/mountinfo (major:minor of each devtmpfs mount).
bool OnDevtmpfs(dev_t dev) {
  static const std::vector<dev_t>* devs = [] {
    auto* v = new std::vector<dev_t>();
    std::FILE* f = std::fopen("/proc/self/mountinfo", "re");
    if (f == nullptr) return v;
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
      const char* sep = std::strstr(line, " - devtmpfs ");
      unsigned maj = 0, min = 0;
      if (sep && std::sscanf(line, "%*s %*s %u:%u", &maj, &min) == 2)
        v->push_back(makedev(maj, min));
    }
    std::fclose(f);
    return v;
  }();
  return std::find(devs->begin(), devs->end(), dev) != devs->end();
}

// The class of the file system holding `fd` (stat `st`). Reached through a
// followed symlink (`via_link`), devtmpfs counts as pseudo too: a link
// never leads into /dev; walked directly, /dev is a tree like any other
// (files hidden there are scanned; its devices are never opened).
FsInfo ClassifyFd(int fd, const struct stat& st, bool via_link) {
  FsInfo fs;
  struct statfs sf;
  if (fstatfs(fd, &sf) == 0) fs = Classify(sf);
  if (via_link && fs.cls == FsClass::kNormal && OnDevtmpfs(st.st_dev))
    return {FsClass::kPseudo, "devtmpfs"};
  return fs;
}

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
  Result<Extent> NextData(uint64_t from) override {
    const uint64_t size = st_.size;
    if (from >= size) return Extent{size, size};
    off_t data = lseek(fd_, static_cast<off_t>(from), SEEK_DATA);
    if (data < 0) {
      if (errno == ENXIO) return Extent{size, size};  // only a hole follows
      return Extent{from, size};  // EINVAL: holes unknown here, all data
    }
    off_t hole = lseek(fd_, data, SEEK_HOLE);
    uint64_t start = std::min<uint64_t>(static_cast<uint64_t>(data), size);
    uint64_t end = hole < 0 ? size : std::min<uint64_t>(static_cast<uint64_t>(hole), size);
    if (end <= start) end = size;  // the file changed under us: read the rest as data
    return Extent{start, end};
  }

 private:
  int fd_;
  StatInfo st_;
  std::string path_;
};

bool SameObject(const struct stat& st, const FileId& id) {
  return st.st_dev == id.dev && st.st_ino == id.inode;
}

// Opens `name` relative to `dirfd` (AT_FDCWD: a path) for reading, exactly
// the regular file it names. First an O_PATH handle, which names the object
// without opening it (no FIFO blocks, no device driver's open runs: no
// tape rewinds, no /dev/kmsg reader, no /proc/self/mem), is checked: a
// regular file, `expect` when given, and not on a pseudo file system when
// `refuse_pseudo`. Only then is it opened for reading, through
// /proc/self/fd/N, which reaches exactly the inode of the handle (no name
// is resolved again). Without /proc the name is opened once more with
// O_NOFOLLOW|O_NONBLOCK and checked to be the same object.
Result<std::unique_ptr<ReadableFile>> OpenRegularAt(int dirfd, const std::string& name,
                                                    const std::string& display, bool follow,
                                                    const FileId* expect, bool refuse_pseudo) {
  int pfd = openat(dirfd, name.c_str(), O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  if (pfd < 0) return ErrnoStatus(errno, display, "open");
  struct stat pst;
  if (fstat(pfd, &pst) != 0) {
    int e = errno;
    close(pfd);
    return ErrnoStatus(e, display, "fstat");
  }
  if (!S_ISREG(pst.st_mode)) {
    close(pfd);
    return Status::Changed(fmt::format("open: {}: not a regular file (anymore)", display));
  }
  if (expect != nullptr && !SameObject(pst, *expect)) {
    close(pfd);
    return Status::Changed(fmt::format("open: {}: replaced since it was listed", display));
  }
  if (refuse_pseudo) {
    FsInfo fs = ClassifyFd(pfd, pst, /*via_link=*/follow && dirfd != AT_FDCWD);
    if (fs.cls == FsClass::kPseudo) {
      close(pfd);
      return Status::Unsupported(
          fmt::format("open: {}: on a pseudo file system ({})", display, fs.type_name));
    }
  }
  const int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY;
  char self[64];
  std::snprintf(self, sizeof self, "/proc/self/fd/%d", pfd);
  // O_NOATIME keeps the evidence's atime intact; only allowed for the owner
  // or root, so fall back without it.
  int fd = open(self, flags | O_NOATIME);
  if (fd < 0 && errno == EPERM) fd = open(self, flags);
  if (fd < 0 && errno == ENOENT) {  // no /proc: by name, never following, never blocking
    const int by_name = flags | O_NOFOLLOW | O_NONBLOCK;
    fd = openat(dirfd, name.c_str(), by_name | O_NOATIME);
    if (fd < 0 && errno == EPERM) fd = openat(dirfd, name.c_str(), by_name);
  }
  if (fd < 0) {
    int e = errno;
    close(pfd);
    return ErrnoStatus(e, display, "open");
  }
  close(pfd);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return ErrnoStatus(e, display, "fstat");
  }
  if (!S_ISREG(st.st_mode) || st.st_dev != pst.st_dev || st.st_ino != pst.st_ino) {
    close(fd);
    return Status::Changed(fmt::format("open: {}: no longer a regular file", display));
  }
  // Blocking reads for the regular file (the fallback opened non-blocking).
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0 && (fl & O_NONBLOCK)) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<ReadableFile>(new PosixFile(fd, FromStat(st), display));
}

// A directory handle (owned fd) with a listing made on demand from a
// duplicate of it and released when the listing ends (a DIR holds a 32 KiB
// buffer; the walker keeps handles of many directories).
class PosixDirectory final : public Directory {
 public:
  PosixDirectory(int fd, StatInfo self, FsInfo fs, std::string path)
      : fd_(fd), self_(self), fs_(std::move(fs)), path_(std::move(path)) {}
  ~PosixDirectory() override {
    if (dir_) closedir(dir_);
    close(fd_);
  }

  bool Next(DirEntry* out) override {
    if (done_) return false;
    if (!dir_) {
      int dup_fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
      if (dup_fd < 0 || (dir_ = fdopendir(dup_fd)) == nullptr) {
        status_ = ErrnoStatus(errno, path_, "opendir");
        if (dup_fd >= 0) close(dup_fd);
        done_ = true;
        return false;
      }
    }
    for (;;) {
      errno = 0;
      struct dirent* de = readdir(dir_);
      if (de == nullptr) {
        if (errno != 0) status_ = ErrnoStatus(errno, path_, "readdir");
        closedir(dir_);
        dir_ = nullptr;
        done_ = true;
        return false;
      }
      const char* n = de->d_name;
      if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
      out->name = n;
      struct stat st;
      if (fstatat(fd_, n, &st, AT_SYMLINK_NOFOLLOW) != 0) {
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
  const std::string& path() const override { return path_; }

  Result<StatInfo> StatEntry(const std::string& name) const override {
    struct stat st;
    if (fstatat(fd_, name.c_str(), &st, 0) != 0)
      return ErrnoStatus(errno, JoinPath(path_, name), "stat");
    return FromStat(st);
  }
  Result<std::unique_ptr<Directory>> OpenSubdirectory(const std::string& name, bool follow,
                                                      const FileId& expect) const override;
  Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& name, bool follow,
                                                 const FileId& expect) const override {
    return OpenRegularAt(fd_, name, JoinPath(path_, name), follow, &expect,
                         /*refuse_pseudo=*/true);
  }

 private:
  int fd_;
  DIR* dir_ = nullptr;
  bool done_ = false;
  StatInfo self_;
  FsInfo fs_;
  std::string path_;
  Status status_;
};

// Opens `name` relative to `dirfd` as a directory: O_DIRECTORY means the
// object opened is a directory (a device, FIFO or file is refused before any
// driver runs), O_NOFOLLOW unless `follow`.
Result<std::unique_ptr<Directory>> OpenDirectoryAt(int dirfd, const std::string& name,
                                                   std::string display, bool follow,
                                                   const FileId* expect) {
  int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NONBLOCK;
  if (!follow) flags |= O_NOFOLLOW;
  int fd = openat(dirfd, name.c_str(), flags);
  if (fd < 0) {
    // O_NOFOLLOW on a symlink: ELOOP (Linux) or ENOTDIR (O_DIRECTORY first).
    int e = errno;
    if (!follow && (e == ELOOP || e == ENOTDIR))
      return Status::Changed(fmt::format("opendir: {}: not a directory (anymore)", display));
    return ErrnoStatus(e, display, "opendir");
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int e = errno;
    close(fd);
    return ErrnoStatus(e, display, "fstat");
  }
  if (expect != nullptr && !SameObject(st, *expect)) {
    close(fd);
    return Status::Changed(fmt::format("opendir: {}: replaced since it was listed", display));
  }
  // `follow` below a directory means the entry was a symlink.
  FsInfo fs = ClassifyFd(fd, st, /*via_link=*/follow && dirfd != AT_FDCWD);
  return std::unique_ptr<Directory>(new PosixDirectory(fd, FromStat(st), fs, std::move(display)));
}

Result<std::unique_ptr<Directory>> PosixDirectory::OpenSubdirectory(const std::string& name,
                                                                    bool follow,
                                                                    const FileId& expect) const {
  return OpenDirectoryAt(fd_, name, JoinPath(path_, name), follow, &expect);
}

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
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Stat(path);
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path, "lstat");
  return FromStat(st);
}

Result<StatInfo> Stat(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Stat(path);
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, path, "stat");
  return FromStat(st);
}

Result<std::unique_ptr<Directory>> Directory::Open(const std::string& path, bool follow) {
  auto d = OpenDirectoryAt(AT_FDCWD, path, path, follow, nullptr);
  if (!d.ok() && d.status().code() == Status::Code::kChanged)
    return Status::InvalidArgument(fmt::format("opendir: {}: a symlink", path));
  return d;
}

Result<std::unique_ptr<ReadableFile>> ReadableFile::Open(const std::string& path, bool follow) {
  return OpenRegularAt(AT_FDCWD, path, path, follow, nullptr, /*refuse_pseudo=*/false);
}

namespace {

// Temporary report files not yet published, for the forced-exit path of the
// signal handler (unlink is async-signal-safe). A fixed table: registering
// and clearing a slot are lock-free.
constexpr int kTempSlots = 32;
struct TempSlot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 registered
  char path[PATH_MAX];
};
TempSlot g_temp_slots[kTempSlots];

int RegisterTemp(const std::string& path) {
  if (path.size() >= PATH_MAX) return -1;
  for (int i = 0; i < kTempSlots; ++i) {
    int expected = 0;
    if (g_temp_slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(g_temp_slots[i].path, path.c_str(), path.size() + 1);
      g_temp_slots[i].state.store(2);
      return i;
    }
  }
  return -1;  // table full: the file is still removed by its destructor
}

void UnregisterTemp(int slot) {
  if (slot >= 0) g_temp_slots[slot].state.store(0);
}

void RemoveRegisteredTemps() {  // from the signal handler
  for (auto& slot : g_temp_slots)
    if (slot.state.load() == 2) unlink(slot.path);
}

// Writes through its own buffer straight to the fd (no stdio), so every
// error is seen where it happens and sticks.
class PosixOutput final : public OutputFile {
 public:
  PosixOutput(int fd, std::string path, std::string tmp, bool regular)
      : fd_(fd), path_(std::move(path)), tmp_(std::move(tmp)), regular_(regular),
        slot_(tmp_.empty() ? -1 : RegisterTemp(tmp_)) {
    struct stat st;
    if (fstat(fd_, &st) == 0) id_ = FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
  }
  FileId id() const override { return id_; }
  ~PosixOutput() override {
    if (fd_ >= 0) ::close(fd_);
    Discard();
  }
  // Renames the temporary file onto the path (Publish::kOnCreate).
  Status Publish() {
    if (tmp_.empty()) return Status::Ok();
    if (rename(tmp_.c_str(), path_.c_str()) != 0) return Fail(errno, "rename");
    tmp_.clear();
    UnregisterTemp(slot_);
    slot_ = -1;
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    if (!error_.ok()) return error_;
    if (fd_ < 0) return Status::IoError(fmt::format("write: {}: closed", path_));
    buf_.append(bytes);
    if (buf_.size() >= kBufferBytes) return Drain();
    return Status::Ok();
  }
  Status Flush() override {
    if (!error_.ok()) return error_;
    if (fd_ < 0) return Status::IoError(fmt::format("flush: {}: closed", path_));
    return Drain();
  }
  Status Close() override {
    if (fd_ < 0) return error_;
    if (error_.ok()) Drain();
    if (error_.ok() && regular_ && fsync(fd_) != 0) Fail(errno, "fsync");
    if (::close(fd_) != 0 && error_.ok()) Fail(errno, "close");
    fd_ = -1;
    if (error_.ok()) Publish();
    Discard();
    return error_;
  }

 private:
  static constexpr size_t kBufferBytes = 64 * 1024;
  Status Fail(int err, const char* op) {
    if (error_.ok()) error_ = ErrnoStatus(err ? err : EIO, path_, op);
    return error_;
  }
  // Writes the buffer. On failure (a full disk) a regular file is cut back
  // to the end of the last complete Drain, so it never ends in half a line
  // of what was flushed as one piece (a JSONL finding).
  Status Drain() {
    size_t done = 0;
    while (done < buf_.size()) {
      ssize_t n = ::write(fd_, buf_.data() + done, buf_.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        int err = n < 0 ? errno : EIO;
        buf_.clear();
        if (regular_) (void)!ftruncate(fd_, static_cast<off_t>(committed_));
        return Fail(err, "write");
      }
      done += static_cast<size_t>(n);
    }
    committed_ += buf_.size();
    buf_.clear();
    return Status::Ok();
  }
  void Discard() {  // an unpublished temporary file never outlives us
    if (!tmp_.empty()) unlink(tmp_.c_str());
    tmp_.clear();
    UnregisterTemp(slot_);
    slot_ = -1;
  }
  int fd_;
  std::string path_;
  std::string tmp_;  // unpublished temporary name ("" once published / in place)
  bool regular_;
  int slot_;
  FileId id_;
  uint64_t committed_ = 0;  // bytes written by complete Drains
  std::string buf_;
  Status error_ = Status::Ok();
};

std::pair<std::string, std::string> SplitDirBase(const std::string& path) {
  auto s = path.rfind('/');
  if (s == std::string::npos) return {".", path};
  return {s == 0 ? "/" : path.substr(0, s), path.substr(s + 1)};
}

Status CheckPrivate(const struct stat& st, const std::string& path, const char* what) {
  if (st.st_uid != geteuid())
    return Status::PermissionDenied(
        fmt::format("{}: {} owned by uid {}, not by the running user ({})", path, what,
                    st.st_uid, geteuid()));
  if (st.st_mode & (S_IWGRP | S_IWOTH))
    return Status::PermissionDenied(
        fmt::format("{}: {} writable by group or others (mode {:04o})", path, what,
                    st.st_mode & 07777));
  return Status::Ok();
}

}  // namespace

namespace {
// Opens an existing output target in place (no temporary, no rename) and
// checks what was opened: a character device or FIFO, or, for the
// system's own names (/dev/..., /proc/...: /dev/stdout is a link to the
// redirected file), also a regular file. O_NONBLOCK: a FIFO nobody reads
// is an error (ENXIO), not a hang.
Result<std::unique_ptr<OutputFile>> OpenInPlace(const std::string& path, bool system_name) {
  int fd = open(path.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | O_APPEND | O_NONBLOCK);
  if (fd < 0) return ErrnoStatus(errno, path, "open");
  struct stat st;
  if (fstat(fd, &st) != 0 ||
      !(S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || (system_name && S_ISREG(st.st_mode)))) {
    close(fd);
    return Status::InvalidArgument(
        fmt::format("{}: not a regular file, character device or FIFO: not written", path));
  }
  int fl = fcntl(fd, F_GETFL);
  if (fl >= 0) fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
  return std::unique_ptr<OutputFile>(new PosixOutput(fd, path, "", false));
}
}  // namespace

Result<std::unique_ptr<OutputFile>> CreateOutputFile(const std::string& path, Publish when) {
  if (path.empty()) return Status::InvalidArgument("output: empty file name");
  if (MemoryTreeFor(path))
    return Status::PermissionDenied(fmt::format("{}: built-in and read-only", path));
  // The system's names are never replaced: written in place (they exist).
  if (path.rfind("/dev/", 0) == 0 || path.rfind("/proc/", 0) == 0) return OpenInPlace(path, true);
  struct stat st;
  bool exists = lstat(path.c_str(), &st) == 0;
  if (!exists && errno != ENOENT) return ErrnoStatus(errno, path, "lstat");
  if (exists && S_ISLNK(st.st_mode) && stat(path.c_str(), &st) != 0)
    exists = false;  // a dangling link: replaced by the rename
  if (exists && (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))) return OpenInPlace(path, false);
  if (exists && !S_ISREG(st.st_mode))
    return Status::InvalidArgument(
        fmt::format("{}: not a regular file, character device or FIFO: not written", path));
  auto [dir, base] = SplitDirBase(path);
  std::string tmpl = fmt::format("{}/.{}.tmp-XXXXXX", dir, base);
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = mkostemp(buf.data(), O_CLOEXEC);  // O_CREAT|O_EXCL, mode 0600
  if (fd < 0) return ErrnoStatus(errno, path, "create");
  auto out = std::make_unique<PosixOutput>(fd, path, std::string(buf.data()), true);
  if (when == Publish::kOnCreate) {
    if (Status s = out->Publish(); !s.ok()) return s;
  }
  return std::unique_ptr<OutputFile>(std::move(out));
}

namespace {
class PosixPrivateFile final : public PrivateFile {
 public:
  PosixPrivateFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixPrivateFile() override { close(fd_); }
  Result<std::string> ReadAll(uint64_t max_bytes) override {
    struct stat st;
    if (fstat(fd_, &st) != 0) return ErrnoStatus(errno, path_, "fstat");
    if (static_cast<uint64_t>(st.st_size) > max_bytes)
      return Status::Corrupt(fmt::format("{}: {} bytes, more than the limit of {}", path_,
                                         st.st_size, max_bytes));
    std::string out(static_cast<size_t>(st.st_size), '\0');
    size_t done = 0;
    while (done < out.size()) {
      ssize_t n = pread(fd_, out.data() + done, out.size() - done, static_cast<off_t>(done));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus(errno, path_, "read");
      if (n == 0) return Status::Changed(path_ + ": shrank while read");
      done += static_cast<size_t>(n);
    }
    return out;
  }

 private:
  int fd_;
  std::string path_;
};
}  // namespace

namespace {
// A file of the memory tree (memory_tree.h): trusted like the binary itself.
class MemoryPrivateFile final : public PrivateFile {
 public:
  MemoryPrivateFile(std::string_view content, std::string path) : content_(content), path_(std::move(path)) {}
  Result<std::string> ReadAll(uint64_t max_bytes) override {
    if (content_.size() > max_bytes)
      return Status::Corrupt(fmt::format("{}: {} bytes, more than the limit of {}", path_,
                                         content_.size(), max_bytes));
    return std::string(content_);
  }

 private:
  std::string_view content_;
  std::string path_;
};
}  // namespace

Result<std::unique_ptr<PrivateFile>> OpenPrivateFile(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) {
    auto content = t->Read(path);
    if (!content.ok()) return content.status();
    return std::unique_ptr<PrivateFile>(new MemoryPrivateFile(*content, path));
  }
  auto [dir, base] = SplitDirBase(path);
  if (Status d = CheckPrivateDir(dir); !d.ok()) return d;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return ErrnoStatus(errno, path, "open");
  struct stat st;
  Status bad = Status::Ok();
  if (fstat(fd, &st) != 0) bad = ErrnoStatus(errno, path, "fstat");
  else if (!S_ISREG(st.st_mode)) bad = Status::PermissionDenied(path + ": not a regular file");
  else bad = CheckPrivate(st, path, "file");
  if (!bad.ok()) {
    close(fd);
    return bad;
  }
  return std::unique_ptr<PrivateFile>(new PosixPrivateFile(fd, path));
}

Result<std::string> ReadPrivateFile(const std::string& path, uint64_t max_bytes) {
  auto f = OpenPrivateFile(path);
  if (!f.ok()) return f.status();
  return (*f)->ReadAll(max_bytes);
}

Status CheckPrivateDir(const std::string& dir) {
  if (const MemoryTree* t = MemoryTreeFor(dir)) {
    auto st = t->Stat(dir);
    if (!st.ok()) return st.status();
    return st->type == FileType::kDirectory ? Status::Ok()
                                            : Status::PermissionDenied(dir + ": not a directory");
  }
  struct stat st;
  if (lstat(dir.c_str(), &st) != 0) return ErrnoStatus(errno, dir, "lstat");
  if (!S_ISDIR(st.st_mode)) return Status::PermissionDenied(dir + ": not a directory");
  return CheckPrivate(st, dir, "folder");
}

Status MakePrivateDir(const std::string& dir) {
  if (MemoryTreeFor(dir))
    return Status::PermissionDenied(fmt::format("{}: built-in and read-only", dir));
  int rc = mkdir(dir.c_str(), 0700);
  if (rc != 0 && errno == ENOENT) {
    // Parents are ordinary folders (e.g. ~/.cache); only `dir` is private.
    auto [parent, base] = SplitDirBase(dir);
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) return Status::IoError(fmt::format("{}: mkdir: {}", parent, ec.message()));
    rc = mkdir(dir.c_str(), 0700);
  }
  if (rc != 0 && errno != EEXIST) return ErrnoStatus(errno, dir, "mkdir");
  // A folder of our own made group-writable by an older version (umask
  // 002) is made private again rather than refused forever.
  struct stat st;
  if (lstat(dir.c_str(), &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
      (st.st_mode & (S_IWGRP | S_IWOTH)))
    (void)chmod(dir.c_str(), st.st_mode & 0755);
  return CheckPrivateDir(dir);
}

namespace {

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
    return OpenRegularAt(AT_FDCWD, path, path, follow, nullptr, /*refuse_pseudo=*/true);
  }
  Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& path) const override {
    return CreateOutputFile(path, Publish::kOnClose);
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

std::vector<std::string> CommandLineUtf8(int argc, char** argv) {
  return std::vector<std::string>(argv, argv + argc);
}

std::vector<std::string> DefaultScanRoots() { return {"/"}; }

std::string ExecutableDir() {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "";
  std::string p(buf, static_cast<size_t>(n));
  auto slash = p.rfind('/');
  return slash == std::string::npos ? "" : p.substr(0, slash == 0 ? 1 : slash);
}

Result<std::string> RealPath(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Normalize(path);
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

Status LowerPriority() {
  if (setpriority(PRIO_PROCESS, 0, 19) != 0) return ErrnoStatus(errno, "self", "setpriority");
  // ioprio_set(IOPRIO_WHO_PROCESS, 0, IOPRIO_PRIO_VALUE(IOPRIO_CLASS_IDLE, 0))
  constexpr int kIoprioWhoProcess = 1;
  constexpr int kIoprioClassIdle = 3;
  constexpr int kIoprioClassShift = 13;
  syscall(SYS_ioprio_set, kIoprioWhoProcess, 0, kIoprioClassIdle << kIoprioClassShift);
  return Status::Ok();
}

namespace {

// `epoch_seconds` formatted by strftime `format`, in local time or UTC.
std::string FormatTime(int64_t epoch_seconds, const char* format, bool local) {
  std::time_t tt = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  if (local) localtime_r(&tt, &tm);
  else gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}

}  // namespace

std::string LocalFileTimeStamp(int64_t epoch_seconds) {
  return FormatTime(epoch_seconds, "%Y%m%d-%H%M%S", /*local=*/true);
}

std::string UtcIsoTime(int64_t epoch_seconds) {
  return FormatTime(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ", /*local=*/false);
}

int64_t UtcTimeFromTm(std::tm tm) { return static_cast<int64_t>(timegm(&tm)); }

int ProcessId() { return static_cast<int>(getpid()); }

namespace {
std::atomic<bool>* g_interrupt_flag = nullptr;  // set once, before the handler is installed

void OnInterrupt(int) {
  const int saved_errno = errno;
  if (g_interrupt_flag->exchange(true)) {
    RemoveRegisteredTemps();
    static const char kAbort[] = "\nharrier: aborted: reports not finished (the JSONL keeps the findings so far)\n";
    (void)!write(2, kAbort, sizeof kAbort - 1);
    _exit(130);
  }
  static const char kMsg[] =
      "\nharrier: interrupted, finishing the report (Ctrl-C again to abort)\n";
  (void)!write(2, kMsg, sizeof kMsg - 1);
  errno = saved_errno;
}
}  // namespace

void InstallInterruptHandler(std::atomic<bool>* flag) {
  g_interrupt_flag = flag;
  struct sigaction sa {};
  sa.sa_handler = OnInterrupt;
  sa.sa_flags = SA_RESTART;  // a report write in progress is not failed with EINTR
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
  // A file-size limit (ulimit -f) makes a report write fail with EFBIG,
  // which is reported, instead of killing the scan.
  signal(SIGXFSZ, SIG_IGN);
}

Result<FileId> RegularFileIdOfFd(int fd) {
  struct stat st;
  if (fstat(fd, &st) != 0) return Status::NotFound(fmt::format("descriptor {} is not open", fd));
  if (!S_ISREG(st.st_mode)) return Status::NotFound(fmt::format("descriptor {} is not a file", fd));
  return FileId{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino)};
}

}  // namespace harrier::platform
