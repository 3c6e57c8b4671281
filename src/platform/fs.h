// The platform layer: every OS call Harrier makes goes through here, so a
// Windows (mingw-w64) port replaces fs_posix.cc only, and OS errors are
// converted to Status in exactly one place, with the path.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <atomic>
#include <algorithm>
#include <cstdint>
#include <ctime>
#include <functional>
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

// A file opened for reading, never blocking on FIFOs and never opening a
// device: FileSystem::OpenFile and Directory::OpenFile first take a handle
// that names the object without opening it (O_PATH), check it is a regular
// file (and, where asked, the one that was listed), and only then open it
// for reading, so a name swapped for a FIFO or device between walk and open
// is refused, never opened.
class ReadableFile {
 public:
  static Result<std::unique_ptr<ReadableFile>> Open(const std::string& path, bool follow);
  virtual ~ReadableFile() = default;
  virtual const StatInfo& stat() const = 0;
  // Reads up to buf.size() bytes; 0 at end of file.
  virtual Result<size_t> Read(std::span<uint8_t> buf) = 0;
  // Moves the read position to `offset` bytes from the start.
  virtual Status Seek(uint64_t offset) = 0;
  // The first data extent at or after `from`: [start, end) holds data, the
  // bytes between `from` and `start` are a hole (zeros). start == end ==
  // stat().size when only a hole follows. A file system that does not know
  // holes (and the default) reports everything as data: {from, size}. The
  // read position is unspecified afterwards (Seek before reading).
  struct Extent {
    uint64_t start = 0, end = 0;
  };
  virtual Result<Extent> NextData(uint64_t from) {
    uint64_t size = stat().size;
    return Extent{std::min(from, size), size};
  }
};

// Opens a file that was listed, exactly that one: made by the walker for
// each file it emits (relative to the directory handle it listed, see
// Directory::OpenFile), called by the worker that reads it. May be called
// more than once (the archive source reopens a large container).
using FileOpener = std::function<Result<std::unique_ptr<ReadableFile>>()>;

// Lists a directory without following symlinks for entries. Entries "." and
// ".." are omitted. Each entry carries its own lstat result or error.
struct DirEntry {
  std::string name;
  Result<StatInfo> stat = Status::IoError("not set");
};
// An open directory: a listing and a handle (a directory file descriptor on
// POSIX) that entries are opened relative to, by name, so no path is
// resolved again: a directory swapped for a symlink between listing and
// open cannot lead elsewhere, and depth has no path-length limit. The path
// is kept for messages only and never used to open anything.
// Thread-safety: Next/status belong to one thread (the lister); the const
// methods may be called concurrently, also during and after the listing.
class Directory {
 public:
  // Opens `path` as a directory; fails with NotFound/PermissionDenied/...
  // `follow` = false refuses a symlink at `path` itself.
  static Result<std::unique_ptr<Directory>> Open(const std::string& path, bool follow);
  virtual ~Directory() = default;
  // Next entry; returns false at the end. Read errors end the listing and
  // are returned via status(). The listing's buffer is released at the end;
  // the handle stays open until the Directory is destroyed.
  virtual bool Next(DirEntry* out) = 0;
  virtual const Status& status() const = 0;
  // File system class of this directory (statfs type).
  virtual FsInfo fs_info() const = 0;
  virtual const StatInfo& self() const = 0;
  // The path this directory was reached by (for messages only).
  virtual const std::string& path() const = 0;
  // stat() of entry `name`, following a symlink (fstatat relative to this
  // directory).
  virtual Result<StatInfo> StatEntry(const std::string& name) const = 0;
  // Opens entry `name` as a directory relative to this one (O_DIRECTORY, and
  // O_NOFOLLOW unless `follow`: a symlink is refused, a device or FIFO is
  // never opened). Fails with Changed unless the object opened is `expect`
  // (dev, inode: what the listing saw). `follow` means the entry is a
  // symlink being followed: then a directory on devtmpfs reports itself
  // pseudo too (fs_info), so a link never leads into /dev.
  virtual Result<std::unique_ptr<Directory>> OpenSubdirectory(const std::string& name,
                                                              bool follow,
                                                              const FileId& expect) const = 0;
  // Opens entry `name` for reading (see ReadableFile). Fails with Changed
  // unless it is a regular file and `expect`; with Unsupported when it lies
  // on a pseudo file system (proc, sysfs, ...: /proc/self/mem is "regular";
  // through a followed symlink also devtmpfs).
  virtual Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& name, bool follow,
                                                         const FileId& expect) const = 0;
};

// A file being written (a report, a cache file). Every call returns what
// went wrong, and the first error sticks: every later Write, Flush and Close
// returns it, so nothing is lost silently. Close() flushes, fsyncs a regular
// file and publishes it (see Publish); the destructor of a file not closed
// successfully closes without reporting and removes an unpublished
// temporary file (call Close() to know).
class OutputFile {
 public:
  virtual ~OutputFile() = default;
  virtual Status Write(std::string_view bytes) = 0;
  virtual Status Flush() = 0;  // to the OS (survives the process, not power loss)
  virtual Status Close() = 0;
  // Device and inode of the file being written ({} when unknown).
  virtual FileId id() const { return {}; }
};

// When a file made by CreateOutputFile appears under its name.
enum class Publish {
  // Renamed onto the path at once: readers see it grow as it is written
  // (the JSONL stream: a killed scan leaves every line flushed so far).
  kOnCreate,
  // Renamed onto the path by a successful Close(); until then a file already
  // at the path stays as it was (HTML, CSV, caches: never half a report).
  kOnClose,
};

// Creates `path` safely for a program that may run as root in folders other
// users can write: the file is created 0600 under a fresh temporary name
// in the same folder (".NAME.tmp-XXXXXX", O_CREAT|O_EXCL, so a planted
// symlink or file is never followed or truncated) and renamed onto `path`
// (rename replaces a symlink at `path`, never its target). A character
// device or FIFO at `path`, directly or through a symlink (/dev/stdout,
// /dev/null, a named pipe), is opened and written in place. A directory,
// block device or socket at `path` is refused. The temporary name is
// registered so that a forced exit (second Ctrl-C) removes it.
Result<std::unique_ptr<OutputFile>> CreateOutputFile(const std::string& path, Publish when);

// Reads a whole file that only the running user may have written: opened
// without following a symlink, and refused (PermissionDenied) unless it is a
// regular file owned by the effective user with no group or world write
// permission, in a folder that passes CheckPrivateDir. For caches whose
// content steers the scan. NotFound when it does not exist; bounded by
// `max_bytes` (Corrupt beyond).
Result<std::string> ReadPrivateFile(const std::string& path, uint64_t max_bytes);

// The same in two steps: the checks and the open now (a later rename or
// delete of the path cannot take the file away), the read when needed.
class PrivateFile {
 public:
  virtual ~PrivateFile() = default;
  // The whole file (from the start); Corrupt beyond `max_bytes`.
  virtual Result<std::string> ReadAll(uint64_t max_bytes) = 0;
};
Result<std::unique_ptr<PrivateFile>> OpenPrivateFile(const std::string& path);

// Creates `dir` (and missing parents) with mode 0700 and checks that it is a
// directory owned by the effective user with no group or world write
// permission (PermissionDenied otherwise, naming the reason).
Status MakePrivateDir(const std::string& dir);
Status CheckPrivateDir(const std::string& dir);

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
  // See ReadableFile::Open: never blocks on a FIFO, never opens a device,
  // refuses non-regular files (Changed) and files on pseudo file systems
  // (Unsupported).
  virtual Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& path,
                                                         bool follow) const = 0;
  // CreateOutputFile(path, Publish::kOnClose) on the local file system.
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

// The command line as UTF-8 strings, argv[0] first: argv itself on POSIX;
// on Windows the UTF-16 command line (GetCommandLineW), converted, since the
// argv a narrow main() gets is in the ANSI code page and loses characters.
std::vector<std::string> CommandLineUtf8(int argc, char** argv);

// What a scan given no paths covers: "/" on POSIX; on Windows the root of
// every fixed drive ("C:\", "D:\"). Removable, network, optical and RAM
// drives are left out: a scan covers them when they are given as paths.
std::vector<std::string> DefaultScanRoots();

// Directory holding the running executable ("" if unknown).
std::string ExecutableDir();

// Canonical absolute path, or the error.
Result<std::string> RealPath(const std::string& path);

std::string HostName();

// Separator-aware join: Join("/a", "b") == "/a/b"; Join("/", "b") == "/b".
std::string JoinPath(const std::string& dir, const std::string& name);

// Reads a whole (small, trusted-size) text file such as a rule file.
Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes);

// "YYYYMMDD-HHMMSS" of `epoch_seconds` in the local time zone (file names).
std::string LocalFileTimeStamp(int64_t epoch_seconds);

// Lists regular files below `dir` recursively (sorted, symlinks not followed).
Result<std::vector<std::string>> ListFilesRecursive(const std::string& dir);

// The names of the directories directly in `dir` (sorted; symlinks not
// followed, so a link to a folder is not listed).
Result<std::vector<std::string>> ListSubdirectories(const std::string& dir);

// Lowers CPU and I/O priority of the calling process (best effort).
Status LowerPriority();

// "YYYY-MM-DDTHH:MM:SSZ" (UTC) for seconds since the epoch.
std::string UtcIsoTime(int64_t epoch_seconds);

// Seconds since the epoch of `tm` read as UTC (timegm; out-of-range fields
// are normalised as mktime does).
int64_t UtcTimeFromTm(std::tm tm);

int ProcessId();

// Ctrl-C / termination: the first SIGINT, SIGTERM or SIGHUP (a dropped SSH
// session) sets *flag (the pipeline then stops and reports); a second one
// removes the unpublished temporary report files and exits at once with
// status 130 (the JSONL keeps every finding flushed so far).
// REQUIRES: `flag` outlives the process (a static).
void InstallInterruptHandler(std::atomic<bool>* flag);

}  // namespace harrier::platform
