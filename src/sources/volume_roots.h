// Volume-root detection for mounted disk images and triage copies: which
// directories below (or above) the scan paths look like the root of a
// Windows or macOS system volume. The scanner then matches paths under such
// a root as the system would see them ("/mnt/win/Users/x" as
// "C:\Users\x"), so Windows- and macOS-style path IOCs apply (see
// scan/path_forms.h and docs/scanning.md "Mounted images").
//
// Rules (names compared case-insensitively, entries must be directories,
// symlinks are not followed):
//  * Windows: Windows/System32, or Users together with "Program Files" or
//    ProgramData.
//  * macOS: Applications together with Users, or Library together with
//    System.
// Looked at: each scan path, its subdirectories down to `max_depth`, and its
// ancestors (so scanning /mnt/win/Users still maps /mnt/win). A detected
// root is not searched further. Pseudo and network file systems are skipped.
// Thread-safety: a pure function of the file system state.
#pragma once

#include <string>
#include <vector>

namespace harrier {

struct VolumeRoot {
  enum class Kind { kWindows, kMacOS };
  std::string path;  // as the walker will produce it: the scan path's spelling, no trailing '/'
  Kind kind = Kind::kWindows;
};

struct VolumeRootOptions {
  int max_depth = 2;  // subdirectory levels below each scan path (0 = the path only)
  size_t max_entries_per_dir = 100000;  // listing stops after this many entries (huge dirs)
  bool ancestors = true;                // also test the scan path's parent directories
};

// Sorted longest path first, each path once.
std::vector<VolumeRoot> DetectVolumeRoots(const std::vector<std::string>& scan_paths,
                                          const VolumeRootOptions& opts = {});

// Removes trailing '/' (but keeps "/").
std::string TrimTrailingSlashes(std::string p);

}  // namespace harrier
