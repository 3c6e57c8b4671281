// The platform layer: every OS call Harrier makes goes through here, so a
// Windows (mingw-w64) port replaces fs_posix.cc only, and OS errors are
// converted to Status in exactly one place, with the path.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier::platform {

enum class FileType { kRegular, kDirectory, kSymlink, kFifo, kSocket, kBlock, kChar, kOther };

struct StatInfo {
  FileType type = FileType::kOther;
  uint64_t size = 0;
  int64_t mtime = 0;
  int64_t ctime = 0;
  uint32_t mode = 0;   // permission bits (07777)
  uint32_t uid = 0;
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t blocks_bytes = 0;  // allocated bytes (sparse files have less than size)
};

// Identity of a file system object: equal for every path that reaches it
// (hard links, bind mounts, symlinks).
struct FileId {
  uint64_t dev = 0;
  uint64_t inode = 0;
  friend bool operator==(const FileId&, const FileId&) = default;
};

// The identity of the regular file open as descriptor `fd` (e.g. standard
// output redirected to a file); NotFound when fd is not open or is not a
// regular file (a terminal, a pipe).
Result<FileId> RegularFileIdOfFd(int fd);

// Classification of the file system a directory lives on.
enum class FsClass { kNormal, kPseudo, kNetwork };
struct FsInfo {
  FsClass cls = FsClass::kNormal;
  std::string type_name;  // "proc", "nfs", ... ("" when normal and unknown)
};

// Converts errno into a Status naming `path`.
Status ErrnoStatus(int err, const std::string& path, const char* op);

// lstat(): does not follow a final symlink.
Result<StatInfo> Lstat(const std::string& path);
// stat(): follows symlinks.
Result<StatInfo> Stat(const std::string& path);

// Lists a directory without following symlinks for entries. Entries "." and
// ".." are omitted. Each entry carries its own lstat result or error.
struct DirEntry {
  std::string name;
  Result<StatInfo> stat = Status::IoError("not set");
};
class Directory {
 public:
  // Opens `path` as a directory; fails with NotFound/PermissionDenied/...
  // `follow` = false refuses a symlink at `path` itself.
  static Result<std::unique_ptr<Directory>> Open(const std::string& path, bool follow);
  virtual ~Directory() = default;
  // Next entry; returns false at the end. Read errors end the listing and
  // are returned via status().
  virtual bool Next(DirEntry* out) = 0;
  virtual const Status& status() const = 0;
  // File system class of this directory (statfs type).
  virtual FsInfo fs_info() const = 0;
  virtual const StatInfo& self() const = 0;
};

// A file opened for reading, never blocking on FIFOs (opened non-blocking and
// checked to be a regular file after open, so a file swapped for a FIFO or
// device between walk and open is refused, not read).
class ReadableFile {
 public:
  static Result<std::unique_ptr<ReadableFile>> Open(const std::string& path, bool follow);
  virtual ~ReadableFile() = default;
  virtual const StatInfo& stat() const = 0;
  // Reads up to buf.size() bytes; 0 at end of file.
  virtual Result<size_t> Read(std::span<uint8_t> buf) = 0;
  // Moves the read position to `offset` bytes from the start.
  virtual Status Seek(uint64_t offset) = 0;
};

// A file being written (a report, a cache file). Every call returns what
// went wrong; nothing is lost silently. Close() flushes and closes; the
// destructor closes without reporting (call Close() to know).
class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Flush() = 0;  // to the OS (not fsync)
  virtual Status Close() = 0;
};

// The file system as sources and readers see it: the tree walker, the
// reader and the caches go through one of these, never through the free
// functions below, so a Windows implementation, an in-memory one or a
// fault-injecting one (tests) can stand in. Paths are the platform's own
// (raw bytes on POSIX).
// Thread-safety: every method may be called concurrently.
class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Does not follow a final symlink.
  virtual Result<StatInfo> Lstat(const std::string& path) const = 0;
  // Follows symlinks.
  virtual Result<StatInfo> Stat(const std::string& path) const = 0;
  // See Directory::Open.
  virtual Result<std::unique_ptr<Directory>> OpenDirectory(const std::string& path,
                                                           bool follow) const = 0;
  // See ReadableFile::Open: never blocks on a FIFO, refuses non-regular files.
  virtual Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& path,
                                                         bool follow) const = 0;
  // Creates or truncates `path` for writing.
  virtual Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& path) const = 0;
  // User name of a uid; the number as text when unknown.
  virtual std::string OwnerName(uint32_t uid) const = 0;
  // The per-user cache folder: $XDG_CACHE_HOME/harrier, else
  // ~/.cache/harrier (POSIX); it may not exist yet.
  virtual std::string UserCacheDir() const = 0;
  // Separator-aware join and split of this file system's paths.
  virtual std::string JoinPath(const std::string& dir, const std::string& name) const = 0;
  virtual std::string_view BaseName(std::string_view path) const = 0;
  // True when `path` is `dir` itself or lies below it (component-wise).
  virtual bool IsWithin(std::string_view path, std::string_view dir) const = 0;
};

// The machine's own file system (POSIX now; Windows later). Lives forever.
const FileSystem& LocalFileSystem();

// User name for a uid (cached); the number as text when unknown.
std::string OwnerName(uint32_t uid);

bool IsTerminal(int fd);  // fd 1 = stdout, 2 = stderr
int TerminalWidth(int fd);  // columns, 80 when unknown

// Directory holding the running executable ("" if unknown).
std::string ExecutableDir();

// Canonical absolute path, or the error.
Result<std::string> RealPath(const std::string& path);

std::string HostName();

// Separator-aware join: Join("/a", "b") == "/a/b"; Join("/", "b") == "/b".
std::string JoinPath(const std::string& dir, const std::string& name);

// Reads a whole (small, trusted-size) text file such as a rule file.
Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes);

// Lists regular files below `dir` recursively (sorted, symlinks not followed).
Result<std::vector<std::string>> ListFilesRecursive(const std::string& dir);

// Lowers CPU and I/O priority of the calling process (best effort).
Status LowerPriority();

// "YYYY-MM-DDTHH:MM:SSZ" (UTC) for seconds since the epoch.
std::string UtcIsoTime(int64_t epoch_seconds);

int ProcessId();

// Ctrl-C / termination: the first SIGINT or SIGTERM sets *flag (the pipeline
// then stops and reports); a second one exits at once with status 130.
// REQUIRES: `flag` outlives the process (a static).
void InstallInterruptHandler(std::atomic<bool>* flag);

}  // namespace harrier::platform
