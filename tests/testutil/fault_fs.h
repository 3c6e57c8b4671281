// A platform::FileSystem for tests: the machine's own file system, except
// that chosen paths fail with a chosen Status (a directory that cannot be
// opened, a file whose open fails with EIO, ...), a chosen directory claims
// to lie on another kind of file system (network, pseudo), or a chosen
// entry on another device. Paths are matched exactly.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "platform/fs.h"

namespace harrier::testing {

class FaultFileSystem final : public platform::FileSystem {
 public:
  void FailOpenDirectory(const std::string& path, Status s) { dirs_[path] = std::move(s); }
  void FailOpenFile(const std::string& path, Status s) { files_[path] = std::move(s); }
  // The directory at `path` reports `info` as its file system.
  void ClassifyDirectory(const std::string& path, platform::FsInfo info) {
    classes_[path] = std::move(info);
  }
  // The entry at `path` reports device `dev` when its parent is listed.
  void SetDevice(const std::string& path, uint64_t dev) { devices_[path] = dev; }

  Result<platform::StatInfo> Lstat(const std::string& p) const override { return base().Lstat(p); }
  Result<platform::StatInfo> Stat(const std::string& p) const override { return base().Stat(p); }
  Result<std::unique_ptr<platform::Directory>> OpenDirectory(const std::string& p,
                                                             bool follow) const override {
    if (auto it = dirs_.find(p); it != dirs_.end()) return it->second;
    auto d = base().OpenDirectory(p, follow);
    if (!d.ok()) return d;
    auto cls = classes_.find(p);
    return std::unique_ptr<platform::Directory>(std::make_unique<Dir>(
        std::move(*d), p, cls == classes_.end() ? std::nullopt : std::optional(cls->second),
        *this));
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
  // A listing of the real directory with the configured class and devices.
  class Dir final : public platform::Directory {
   public:
    Dir(std::unique_ptr<platform::Directory> d, std::string path,
        std::optional<platform::FsInfo> cls, const FaultFileSystem& fs)
        : d_(std::move(d)), path_(std::move(path)), cls_(std::move(cls)), fs_(fs) {}
    bool Next(platform::DirEntry* out) override {
      if (!d_->Next(out)) return false;
      auto dev = fs_.devices_.find(fs_.JoinPath(path_, out->name));
      if (dev != fs_.devices_.end() && out->stat.ok()) {
        platform::StatInfo st = *out->stat;
        st.dev = dev->second;
        out->stat = st;
      }
      return true;
    }
    const Status& status() const override { return d_->status(); }
    platform::FsInfo fs_info() const override { return cls_ ? *cls_ : d_->fs_info(); }
    const platform::StatInfo& self() const override { return d_->self(); }

   private:
    std::unique_ptr<platform::Directory> d_;
    std::string path_;
    std::optional<platform::FsInfo> cls_;
    const FaultFileSystem& fs_;
  };

  static const platform::FileSystem& base() { return platform::LocalFileSystem(); }
  std::map<std::string, Status> dirs_, files_;
  std::map<std::string, platform::FsInfo> classes_;
  std::map<std::string, uint64_t> devices_;
};

}  // namespace harrier::testing
