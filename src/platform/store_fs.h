// File-system operations of the signature store (src/update/store.h): one
// writer at a time (a lock file), fresh private folders and files that are
// never opened through a planted name, symbolic links swapped with rename(2),
// and the ownership check of a whole tree before its content is trusted.
// Kept apart from fs.h because only the store needs them.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier::platform {

// True when the effective user is root (uid 0).
bool RunningAsRoot();

// The per-user data folder of Harrier: $XDG_DATA_HOME/harrier, else
// ~/.local/share/harrier. It may not exist yet.
std::string UserDataDir();

// Creates one folder with mode 0700; its parent must exist. Fails (with the
// errno's Status) when anything exists at `path`, so a planted folder or
// link is never taken over.
Status MakeNewDir(const std::string& path);

// Writes `bytes` to a new regular file (O_CREAT | O_EXCL | O_NOFOLLOW, mode
// 0600): fails when anything exists at `path` (never follows or truncates).
// Not fsynced: SyncFileSystem does that once for a whole tree.
Status WriteNewFile(const std::string& path, std::string_view bytes);

// A symbolic link at `path` holding `target`; fails when `path` exists.
Status MakeSymlink(const std::string& target, const std::string& path);
// The target of the symbolic link `path` (InvalidArgument when `path` is not
// a link).
Result<std::string> ReadSymlink(const std::string& path);

// rename(2): atomically replaces `to` (a file, a link, or an empty folder).
Status RenamePath(const std::string& from, const std::string& to);

// Removes `path` and everything below it, never following a link. Removing
// what does not exist is OK.
Status RemoveTree(const std::string& path);

// Flushes the file system holding `path` to stable storage (syncfs), then
// fsyncs `path` itself (a folder: its entries).
Status SyncFileSystem(const std::string& path);

// The names in `dir` (every type, sorted; "." and ".." omitted).
Result<std::vector<std::string>> ListNames(const std::string& dir);

// An exclusive advisory lock on a file (flock), held until destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};
// Creates `path` (0600, not following a link) and takes the lock without
// waiting: ResourceExhausted when another process holds it.
Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path);

// Checks that `dir` and everything below it is a folder or regular file
// owned by the effective user with no group or world write permission (the
// trust rule of platform::CheckPrivateDir, applied to a whole tree). A
// symbolic link, device, FIFO or socket anywhere is refused. More than
// `max_entries` entries is ResourceExhausted. PermissionDenied names the
// first offending path and why.
Status CheckPrivateTree(const std::string& dir, uint64_t max_entries);

}  // namespace harrier::platform
