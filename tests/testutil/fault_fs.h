// A platform::FileSystem for tests: the machine's own file system, except
// that chosen paths fail with a chosen Status (a directory that cannot be
// opened, a file whose open fails with EIO, ...), a chosen directory claims
// to lie on another kind of file system (network, pseudo), or a chosen
// entry on another device. Paths are matched exactly. It also records every
// file opened for reading (OpenedFiles) and can run a hook just before an
// entry is opened (BeforeOpen), which makes a race deterministic: swap a
// listed directory for a symlink between the listing and the open.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <vector>
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
  // The entry at `path` fails its lstat with `s` when its parent is listed.
  void FailEntryStat(const std::string& path, Status s) { entry_stats_[path] = std::move(s); }
  // `hook` runs once, just before the entry at `path` is opened (as a
  // directory or a file) relative to its parent's handle.
  void BeforeOpen(const std::string& path, std::function<void()> hook) {
    hooks_[path] = std::move(hook);
  }
  // Every file opened for reading so far (by path or by name in a
  // directory), as the path it was reached by, and the kind it had.
  struct Opened {
    std::string path;
    platform::FileType type;
  };
  std::vector<Opened> OpenedFiles() const {
    std::lock_guard l(mu_);
    return opened_;
  }

  Result<platform::StatInfo> Lstat(const std::string& p) const override { return base().Lstat(p); }
  Result<platform::StatInfo> Stat(const std::string& p) const override { return base().Stat(p); }
  Result<std::unique_ptr<platform::Directory>> OpenDirectory(const std::string& p,
                                                             bool follow) const override {
    RunHook(p);
    if (auto it = dirs_.find(p); it != dirs_.end()) return it->second;
    auto d = base().OpenDirectory(p, follow);
    if (!d.ok()) return d;
    return Wrap(std::move(*d), p);
  }
  Result<std::unique_ptr<platform::ReadableFile>> OpenFile(const std::string& p,
                                                           bool follow) const override {
    RunHook(p);
    if (auto it = files_.find(p); it != files_.end()) return it->second;
    return Record(p, base().OpenFile(p, follow));
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
      if (auto it = fs_.entry_stats_.find(fs_.JoinPath(path_, out->name));
          it != fs_.entry_stats_.end())
        out->stat = it->second;
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
    const std::string& path() const override { return path_; }
    Result<platform::StatInfo> StatEntry(const std::string& name) const override {
      return d_->StatEntry(name);
    }
    Result<std::unique_ptr<platform::Directory>> OpenSubdirectory(
        const std::string& name, bool follow, const platform::FileId& expect) const override {
      std::string p = fs_.JoinPath(path_, name);
      fs_.RunHook(p);
      if (auto it = fs_.dirs_.find(p); it != fs_.dirs_.end()) return it->second;
      platform::FileId real = expect;
      if (fs_.devices_.count(p)) {  // the listing showed a made-up device
        auto st = base().Lstat(p);
        if (st.ok()) real.dev = st->dev;
      }
      auto d = d_->OpenSubdirectory(name, follow, real);
      if (!d.ok()) return d;
      return fs_.Wrap(std::move(*d), p);
    }
    Result<std::unique_ptr<platform::ReadableFile>> OpenFile(
        const std::string& name, bool follow, const platform::FileId& expect) const override {
      std::string p = fs_.JoinPath(path_, name);
      fs_.RunHook(p);
      if (auto it = fs_.files_.find(p); it != fs_.files_.end()) return it->second;
      return fs_.Record(p, d_->OpenFile(name, follow, expect));
    }

   private:
    std::unique_ptr<platform::Directory> d_;
    std::string path_;
    std::optional<platform::FsInfo> cls_;
    const FaultFileSystem& fs_;
  };

  std::unique_ptr<platform::Directory> Wrap(std::unique_ptr<platform::Directory> d,
                                            const std::string& p) const {
    auto cls = classes_.find(p);
    return std::make_unique<Dir>(std::move(d), p,
                                 cls == classes_.end() ? std::nullopt : std::optional(cls->second),
                                 *this);
  }
  void RunHook(const std::string& p) const {
    std::function<void()> hook;
    {
      std::lock_guard l(mu_);
      auto it = hooks_.find(p);
      if (it == hooks_.end()) return;
      hook = std::move(it->second);
      hooks_.erase(it);
    }
    hook();
  }
  Result<std::unique_ptr<platform::ReadableFile>> Record(
      const std::string& p, Result<std::unique_ptr<platform::ReadableFile>> f) const {
    if (f.ok()) {
      std::lock_guard l(mu_);
      opened_.push_back({p, (*f)->stat().type});
    }
    return f;
  }

  static const platform::FileSystem& base() { return platform::LocalFileSystem(); }
  mutable std::mutex mu_;
  mutable std::map<std::string, std::function<void()>> hooks_;
  mutable std::vector<Opened> opened_;
  std::map<std::string, Status> dirs_, files_, entry_stats_;
  std::map<std::string, platform::FsInfo> classes_;
  std::map<std::string, uint64_t> devices_;
};

}  // namespace harrier::testing
