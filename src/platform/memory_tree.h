// A read-only tree of files held in memory: the signatures that a
// self-contained (`make dist`) binary carries inside itself. Its paths start
// with kMemoryTreePrefix ("builtin:/packs/3cx-unc4736/yara/...") — a relative
// name no real absolute path has — so findings and reports name a built-in
// rule file without pointing at a folder that does not exist on the host.
//
// Once mounted, the path functions of fs.h serve these paths from memory:
// Stat, Lstat, RealPath, ReadTextFile, ListFilesRecursive,
// ListSubdirectories, OpenPrivateFile, ReadPrivateFile and CheckPrivateDir.
// The writing ones (CreateOutputFile, MakePrivateDir) refuse them, so nothing
// is ever created on disk under such a name. Without a mount these paths are
// ordinary (relative) names and nothing changes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "platform/fs.h"

namespace harrier::platform {

inline constexpr std::string_view kMemoryTreePrefix = "builtin:";

// True when `path` names a file or folder of the memory tree (mounted or not).
bool IsMemoryTreePath(std::string_view path);

class MemoryTree {
 public:
  // `files`: paths below the prefix, each starting with '/' ("/packs/a.yar"),
  // to their content. Folders are the paths' parents; "/" is the root.
  explicit MemoryTree(std::map<std::string, std::string> files);

  // Each takes a full path (with the prefix). Files are mode 0444, folders
  // 0555, owned by the running user, size = content size, times 0.
  Result<StatInfo> Stat(std::string_view path) const;
  // The content, or NotFound / InvalidArgument (a folder).
  Result<std::string_view> Read(std::string_view path) const;
  // Files below `dir` (full paths, sorted), like platform::ListFilesRecursive.
  Result<std::vector<std::string>> ListFilesRecursive(std::string_view dir) const;
  // Names of the folders directly in `dir`, sorted.
  Result<std::vector<std::string>> ListSubdirectories(std::string_view dir) const;
  // "builtin:/a/./b/../c/" → "builtin:/a/c"; NotFound when it names nothing.
  Result<std::string> Normalize(std::string_view path) const;

  size_t file_count() const { return files_.size(); }

 private:
  // Path below the prefix, normalised ("/a/c"); nullopt when `path` does not
  // have the prefix.
  static std::optional<std::string> Inner(std::string_view path);
  bool IsDirInner(const std::string& inner) const;
  // The inner prefix of the files below folder `dir` ("/a/"), or NotFound.
  Result<std::string> DirPrefix(std::string_view dir) const;

  std::map<std::string, std::string> files_;  // inner path → content
};

// Mounts `tree`, replacing any earlier one. REQUIRES: called before any
// other thread uses fs.h (at start-up); the tree then lives until exit.
void MountMemoryTree(MemoryTree tree);

// Unmounts the tree (tests; the paths are ordinary names again).
void UnmountMemoryTree();

// The mounted tree, or null.
const MemoryTree* MountedMemoryTree();

// The mounted tree when `path` is one of its paths, else null: how fs.h's
// functions decide to serve a path from memory.
const MemoryTree* MemoryTreeFor(std::string_view path);

}  // namespace harrier::platform
