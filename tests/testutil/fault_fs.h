// A platform::FileSystem for tests: the machine's own file system, except
// that chosen paths fail with a chosen Status (a directory that cannot be
// opened, a file whose open fails with EIO, ...). Paths are matched exactly.
#pragma once

#include <map>
#include <string>

#include "platform/fs.h"

namespace harrier::testing {

class FaultFileSystem final : public platform::FileSystem {
 public:
  void FailOpenDirectory(const std::string& path, Status s) { dirs_[path] = std::move(s); }
  void FailOpenFile(const std::string& path, Status s) { files_[path] = std::move(s); }

  Result<platform::StatInfo> Lstat(const std::string& p) const override { return base().Lstat(p); }
  Result<platform::StatInfo> Stat(const std::string& p) const override { return base().Stat(p); }
  Result<std::unique_ptr<platform::Directory>> OpenDirectory(const std::string& p,
                                                             bool follow) const override {
    if (auto it = dirs_.find(p); it != dirs_.end()) return it->second;
    return base().OpenDirectory(p, follow);
  }
  Result<std::unique_ptr<platform::ReadableFile>> OpenFile(const std::string& p,
                                                           bool follow) const override {
    if (auto it = files_.find(p); it != files_.end()) return it->second;
    return base().OpenFile(p, follow);
  }
  Result<std::unique_ptr<platform::OutputFile>> CreateOutput(const std::string& p) const override {
    return base().CreateOutput(p);
  }
  std::string OwnerName(uint32_t uid) const override { return base().OwnerName(uid); }
  std::string UserCacheDir() const override { return base().UserCacheDir(); }
  std::string JoinPath(const std::string& d, const std::string& n) const override {
    return base().JoinPath(d, n);
  }
  std::string_view BaseName(std::string_view p) const override { return base().BaseName(p); }
  bool IsWithin(std::string_view p, std::string_view d) const override {
    return base().IsWithin(p, d);
  }

 private:
  static const platform::FileSystem& base() { return platform::LocalFileSystem(); }
  std::map<std::string, Status> dirs_, files_;
};

}  // namespace harrier::testing
