// Installed-file integrity of Debian packages (debsums-like): the MD5 sums
// dpkg recorded at installation (var/lib/dpkg/info/<pkg>[:arch].md5sums)
// for the Linux roots of a scan, without conffiles (<pkg>.conffiles), so
// that the scan stage can compare the MD5 it computes anyway.
// The md5sums and conffiles files are untrusted input: lines are parsed
// with bounds (ParseMd5sums), files larger than kMaxListBytes are skipped
// with a warning, and the index holds at most kMaxEntries paths.
// Thread-safety: built once, then const and shared by all workers.
#pragma once

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostics.h"

namespace harrier::dpkg {

inline constexpr size_t kMaxListBytes = 16u << 20;
inline constexpr size_t kMaxEntries = 4000000;

struct Md5Line {
  std::string md5;   // lower-case hex, 32 characters
  std::string path;  // relative to the root, no leading '/'
};
// "MD5  relative/path" lines; malformed lines are skipped.
std::vector<Md5Line> ParseMd5sums(std::span<const uint8_t> data);

struct InstalledFile {
  std::string md5;
  std::string package;  // from the md5sums file name, without ":arch"
};

class PackageIndex {
 public:
  // Absolute path -> what dpkg recorded; null when the path is unknown.
  const InstalledFile* Find(std::string_view abs_path) const;
  size_t size() const { return files_.size(); }
  const std::vector<std::string>& roots() const { return roots_; }

  // Linux roots of the scan paths: each path, its ancestors, and directories
  // up to `depth` levels below it that hold var/lib/dpkg/status.
  static std::vector<std::string> FindRoots(const std::vector<std::string>& scan_paths,
                                            int depth);
  // Reads every root's md5sums, conffiles and diversions (a diverted path
  // holds another package's file: not indexed). `scan_paths` as the user
  // gave them, so that a relative scan path finds its files too. Null when
  // nothing was read.
  static std::shared_ptr<const PackageIndex> Load(const std::vector<std::string>& roots,
                                                  const std::vector<std::string>& scan_paths,
                                                  Diagnostics& diag);

 private:
  std::unordered_map<std::string, InstalledFile> files_;
  std::vector<std::string> roots_;
  // (scan path as given, its real path) for paths that differ.
  std::vector<std::pair<std::string, std::string>> aliases_;
};

}  // namespace harrier::dpkg
