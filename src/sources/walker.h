// Walker (the tree source): parallel directory traversal over a
// platform::FileSystem that decides from metadata alone
// (nothing is opened but directories). It emits regular files to a sink and
// reports every other entry as a skip with its reason.
//
// Contracts:
//  * symlinks are not followed unless follow_symlinks; when followed, each
//    directory (dev, inode) is entered once, which breaks loops;
//  * FIFOs, sockets and devices are never opened: SkipReason::kSpecialFile;
//  * directories on pseudo file systems (proc, sysfs, cgroup, ...) and
//    network file systems are not entered: kPseudoFs / kNetworkFs, one count
//    per mount point; with one_file_system, other devices: kOtherFs;
//  * excluded paths (patterns and exclude_paths) are pruned: kExcluded;
//  * below the roots nothing is opened by path: each directory is opened
//    relative to its parent's handle (O_DIRECTORY|O_NOFOLLOW) and checked to
//    be the (dev, inode) the listing saw, and each file is opened relative to
//    its directory's handle by the FileOpener handed to OnFile (regular, the
//    listed object, not on a pseudo file system). A directory swapped for a
//    symlink during the scan cannot lead elsewhere, and depth has no
//    path-length limit (paths are kept for display only);
//  * bounded descriptors: a directory's handle is held by its direct
//    children only (subdirectory tasks waiting, files queued) and closed when
//    the last is done, so a deep chain holds a few at a time; at most
//    max_open_dirs are open (roots always); beyond that, a directory's
//    children reopen it when needed by walking down by name from the nearest
//    ancestor whose handle is open, each step checked by identity. Besides
//    them each thread holds a few transient descriptors.
// Thread-safety: the sink is called concurrently from `threads` threads.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "platform/fs.h"
#include "sources/exclude.h"

namespace harrier {

struct WalkOptions {
  // The file system walked (not owned; outlives the walk).
  const platform::FileSystem* fs = &platform::LocalFileSystem();
  std::vector<std::string> roots;
  bool follow_symlinks = false;
  bool one_file_system = false;
  size_t threads = 2;                      // directory-listing threads
  const ExcludeMatcher* excludes = nullptr;  // may be null
  // Canonical paths never scanned: signature folders (and everything below)
  // and report files.
  std::vector<std::string> exclude_paths;
  // The same objects by identity (st_dev, st_ino), so they are skipped
  // however they are reached: bind mounts, symlinks, non-canonical roots
  // ("a/../a/sigs"). Matched on the followed stat of every entry; an
  // excluded directory is not entered. Fill with FileIdOf().
  std::vector<platform::FileId> exclude_ids;
  // Directory handles kept open at most (see above); --max-open-dirs.
  size_t max_open_dirs = 256;
};

// The (dev, inode) of `path` (following symlinks), for exclude_ids.
Result<platform::FileId> FileIdOf(
    const std::string& path, const platform::FileSystem& fs = platform::LocalFileSystem());

class WalkSink {
 public:
  virtual ~WalkSink() = default;
  // A regular file to scan (`path` for display). `open` opens exactly the
  // file listed, relative to its directory's handle; it may be called on
  // any thread, after Walk has returned too. May block (bounded queue).
  virtual void OnFile(std::string path, const platform::StatInfo& st,
                      platform::FileOpener open) = 0;
  // An entry not scanned. `is_file` is false for directories/mount points.
  virtual void OnSkip(const std::string& path, SkipReason reason, bool is_file) = 0;
  virtual void OnDirectory(const std::string& path) = 0;
};

// Walks all roots; returns when done or when `cancel` becomes true. A root
// that does not exist is an error diagnostic (and counted as an error skip).
void Walk(const WalkOptions& opts, WalkSink& sink, Diagnostics& diag,
          const std::atomic<bool>& cancel);

}  // namespace harrier
