#include "sources/walker.h"

#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>

namespace harrier {
namespace {

using platform::FileType;
using platform::StatInfo;

struct DirTask {
  std::string path;
  uint64_t parent_dev;
  uint64_t root_dev;
};

class WalkState {
 public:
  WalkState(const WalkOptions& o, WalkSink& s, Diagnostics& d, const std::atomic<bool>& c)
      : opts(o), sink(s), diag(d), cancel(c) {}

  void Push(DirTask t) {
    std::lock_guard lock(mu_);
    tasks_.push_back(std::move(t));
    cv_.notify_one();
  }

  // Worker loop: pops until no work remains and nobody can produce more.
  void Run() {
    for (;;) {
      DirTask t;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [&] { return !tasks_.empty() || active_ == 0 || cancel.load(); });
        if (cancel.load() || (tasks_.empty() && active_ == 0)) {
          cv_.notify_all();
          return;
        }
        // LIFO keeps the frontier (and memory) small: depth-first.
        t = std::move(tasks_.back());
        tasks_.pop_back();
        ++active_;
      }
      ListDir(t);
      {
        std::lock_guard lock(mu_);
        --active_;
        if (active_ == 0 && tasks_.empty()) cv_.notify_all();
      }
    }
  }

  bool Excluded(const std::string& path) const {
    for (const auto& p : opts.exclude_paths)
      if (opts.fs->IsWithin(path, p)) return true;
    return opts.excludes != nullptr && opts.excludes->Matches(path);
  }

  bool ExcludedId(const StatInfo& st) const {
    for (const auto& id : opts.exclude_ids) {
      if (id.dev == st.dev && id.inode == st.inode) return true;
    }
    return false;
  }

  // Returns true when the directory should be entered (first visit).
  bool MarkVisited(const StatInfo& st) {
    if (!opts.follow_symlinks) return true;
    std::lock_guard lock(mu_);
    return visited_.insert({st.dev, st.inode}).second;
  }

  // Handles one entry (root or child) given its lstat.
  void Entry(const std::string& path, const StatInfo& lst, uint64_t parent_dev,
             uint64_t root_dev, bool is_root) {
    StatInfo st = lst;
    if (lst.type == FileType::kSymlink) {
      if (!opts.follow_symlinks && !is_root) {
        sink.OnSkip(path, SkipReason::kSymlink, true);
        return;
      }
      auto target = opts.fs->Stat(path);
      if (!target.ok()) {
        // Dangling or looping symlink: nothing to scan, not an error.
        sink.OnSkip(path, SkipReason::kSymlink, true);
        return;
      }
      st = *target;
    }
    if (Excluded(path) || ExcludedId(st)) {
      sink.OnSkip(path, SkipReason::kExcluded, st.type != FileType::kDirectory);
      return;
    }
    switch (st.type) {
      case FileType::kRegular:
        sink.OnFile(path, st);
        return;
      case FileType::kDirectory:
        if (opts.one_file_system && st.dev != root_dev) {
          sink.OnSkip(path, SkipReason::kOtherFs, false);
          return;
        }
        if (!MarkVisited(st)) {
          sink.OnSkip(path, SkipReason::kSymlink, false);  // loop or already seen
          return;
        }
        Push({path, is_root ? st.dev : parent_dev, root_dev});
        return;
      default:
        sink.OnSkip(path, SkipReason::kSpecialFile, true);
        return;
    }
  }

  void ListDir(const DirTask& t) {
    auto opened = opts.fs->OpenDirectory(t.path, /*follow=*/true);
    if (!opened.ok()) {
      const Status& s = opened.status();
      if (s.code() == Status::Code::kPermissionDenied) {
        diag.Warning(t.path, s.ToString());
        sink.OnSkip(t.path, SkipReason::kPermission, false);
      } else {
        diag.Error(t.path, s.ToString());
        sink.OnSkip(t.path, SkipReason::kError, false);
      }
      return;
    }
    auto& dir = **opened;
    platform::FsInfo fs = dir.fs_info();
    if (fs.cls != platform::FsClass::kNormal) {
      sink.OnSkip(t.path, fs.cls == platform::FsClass::kPseudo ? SkipReason::kPseudoFs
                                                              : SkipReason::kNetworkFs,
                  false);
      return;
    }
    sink.OnDirectory(t.path);
    platform::DirEntry e;
    uint64_t my_dev = dir.self().dev;
    while (!cancel.load(std::memory_order_relaxed) && dir.Next(&e)) {
      std::string child = opts.fs->JoinPath(t.path, e.name);
      if (!e.stat.ok()) {
        // Vanished between readdir and lstat, or no permission on the entry.
        if (e.stat.status().code() == Status::Code::kNotFound) {
          diag.Warning(child, "vanished during the walk");
          continue;
        }
        diag.Error(child, e.stat.status().ToString());
        sink.OnSkip(child, SkipReason::kError, true);
        continue;
      }
      Entry(child, *e.stat, my_dev, t.root_dev, false);
    }
    if (!dir.status().ok()) {
      diag.Error(t.path, dir.status().ToString());
    }
  }

  const WalkOptions& opts;
  WalkSink& sink;
  Diagnostics& diag;
  const std::atomic<bool>& cancel;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<DirTask> tasks_;
  size_t active_ = 0;
  std::set<std::pair<uint64_t, uint64_t>> visited_;
};

}  // namespace

Result<platform::FileId> FileIdOf(const std::string& path, const platform::FileSystem& fs) {
  auto st = fs.Stat(path);
  if (!st.ok()) return st.status();
  return platform::FileId{st->dev, st->inode};
}

void Walk(const WalkOptions& opts, WalkSink& sink, Diagnostics& diag,
          const std::atomic<bool>& cancel) {
  WalkState state(opts, sink, diag, cancel);
  for (const auto& root : opts.roots) {
    auto lst = opts.fs->Lstat(root);
    if (!lst.ok()) {
      diag.Error(root, lst.status().ToString());
      sink.OnSkip(root, SkipReason::kError, true);
      continue;
    }
    auto st = opts.fs->Stat(root);
    uint64_t dev = st.ok() ? st->dev : lst->dev;
    state.Entry(root, *lst, dev, dev, /*is_root=*/true);
  }
  size_t n = std::max<size_t>(1, opts.threads);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) threads.emplace_back([&] { state.Run(); });
  for (auto& t : threads) t.join();
}

}  // namespace harrier
