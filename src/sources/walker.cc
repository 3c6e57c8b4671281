#include "sources/walker.h"

#include <fmt/format.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

namespace harrier {
namespace {

using platform::FileId;
using platform::FileType;
using platform::StatInfo;

// A shared directory handle: held by the tasks of the directory's
// subdirectories and the openers of its files (its direct children), so it
// closes when the last of them is done, whatever happens deeper.
using SharedDir = std::shared_ptr<const platform::Directory>;

// A directory being walked, kept alive by its children and their
// descendants (parent chain), so that a handle lost to the cap can be
// reopened by name. `handle` is set before anything refers to the node and
// never changes after, so readers need no lock.
struct DirNode {
  std::shared_ptr<DirNode> parent;  // null for a root
  std::string name;                 // entry name in the parent; a root's path
  FileId id;                        // what the listing (or the root's stat) saw
  bool follow = false;              // reached through a symlink (roots, --follow-symlinks)
  std::weak_ptr<const platform::Directory> handle;  // while its children hold it
  SharedDir pinned;                                 // a root's handle, for the whole walk
  ~DirNode() {
    // Release the ancestors one by one: a chain of many thousand levels would
    // otherwise be destroyed by as many nested destructor calls.
    std::shared_ptr<DirNode> p = std::move(parent);
    while (p && p.use_count() == 1) {
      std::shared_ptr<DirNode> next = std::move(p->parent);
      p = std::move(next);
    }
  }
};

Result<std::unique_ptr<platform::Directory>> OpenRoot(const platform::FileSystem& fs,
                                                      const std::string& path, const FileId& id) {
  auto d = fs.OpenDirectory(path, /*follow=*/true);
  if (!d.ok()) return d;
  const StatInfo& self = (*d)->self();
  if (self.dev != id.dev || self.inode != id.inode)
    return Status::Changed(fmt::format("opendir: {}: replaced since it was listed", path));
  return d;
}

// A handle of `node`'s directory: its own while its children hold it, or
// one reopened by name from the nearest ancestor whose handle is still open
// (each step O_NOFOLLOW unless the step was a followed symlink, and checked
// by identity).
Result<SharedDir> Acquire(const platform::FileSystem& fs, const DirNode& node) {
  std::vector<const DirNode*> chain;
  SharedDir base;
  for (const DirNode* n = &node; n != nullptr; n = n->parent.get()) {
    if ((base = n->handle.lock())) break;
    chain.push_back(n);
  }
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const DirNode* c = *it;
    auto next =
        base ? base->OpenSubdirectory(c->name, c->follow, c->id) : OpenRoot(fs, c->name, c->id);
    if (!next.ok()) return next.status();
    base = SharedDir(std::move(*next));
  }
  return base;
}

struct DirTask {
  std::shared_ptr<DirNode> parent;  // null for a root
  SharedDir parent_handle;          // the parent's handle, unless the cap took it
  std::string name;                 // entry name in parent; a root's path
  std::string path;                 // display
  FileId id;
  bool follow = false;
  uint64_t root_dev = 0;
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

  // The opener of a listed file: relative to its directory's handle, the
  // object listed only.
  platform::FileOpener OpenerFor(std::shared_ptr<DirNode> node, SharedDir dir, std::string name,
                                 FileId id, bool follow) const {
    const platform::FileSystem* fs = opts.fs;
    return [fs, node = std::move(node), dir = std::move(dir), name = std::move(name), id,
            follow]() -> Result<std::unique_ptr<platform::ReadableFile>> {
      if (dir) return dir->OpenFile(name, follow, id);
      auto ref = Acquire(*fs, *node);
      if (!ref.ok()) return ref.status();
      return (*ref)->OpenFile(name, follow, id);
    };
  }

  // A root given on the command line: opened by its path, following a
  // final symlink (like find -H), and checked to be what was stat'ed.
  platform::FileOpener RootOpener(std::string path, FileId id) const {
    const platform::FileSystem* fs = opts.fs;
    return [fs, path = std::move(path), id]() -> Result<std::unique_ptr<platform::ReadableFile>> {
      auto f = fs->OpenFile(path, /*follow=*/true);
      if (!f.ok()) return f;
      const StatInfo& st = (*f)->stat();
      if (st.dev != id.dev || st.inode != id.inode)
        return Status::Changed(fmt::format("open: {}: replaced since it was listed", path));
      return f;
    };
  }

  // Handles one entry given its stat `st` (followed when it was a symlink
  // and `follow`). `parent` is null for a root.
  void Entry(const std::shared_ptr<DirNode>& parent, const SharedDir& parent_handle,
             const std::string& name, const std::string& path, const StatInfo& st, bool follow,
             uint64_t root_dev) {
    const FileId id{st.dev, st.inode};
    if (Excluded(path) || ExcludedId(st)) {
      sink.OnSkip(path, SkipReason::kExcluded, st.type != FileType::kDirectory);
      return;
    }
    switch (st.type) {
      case FileType::kRegular:
        sink.OnFile(
            path, st,
            parent ? OpenerFor(parent, parent_handle, name, id, follow) : RootOpener(path, id));
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
        Push({parent, parent_handle, name, path, id, follow, root_dev});
        return;
      default:
        sink.OnSkip(path, SkipReason::kSpecialFile, true);
        return;
    }
  }

  void DirFailed(const std::string& path, const Status& s) {
    if (s.code() == Status::Code::kPermissionDenied) {
      diag.Warning(path, s.ToString());
      sink.OnSkip(path, SkipReason::kPermission, false);
    } else {
      diag.Error(path, s.ToString());
      sink.OnSkip(path, SkipReason::kError, false);
    }
  }

  void ListDir(const DirTask& t) {
    Result<std::unique_ptr<platform::Directory>> opened = Status::IoError("not opened");
    if (t.parent_handle) {
      opened = t.parent_handle->OpenSubdirectory(t.name, t.follow, t.id);
    } else if (t.parent) {
      auto ref = Acquire(*opts.fs, *t.parent);
      if (!ref.ok()) {
        DirFailed(t.path, ref.status());
        return;
      }
      opened = (*ref)->OpenSubdirectory(t.name, t.follow, t.id);
    } else {
      opened = OpenRoot(*opts.fs, t.path, t.id);
    }
    if (!opened.ok()) {
      DirFailed(t.path, opened.status());
      return;
    }
    std::unique_ptr<platform::Directory> handle = std::move(*opened);
    platform::FsInfo fs = handle->fs_info();
    if (fs.cls != platform::FsClass::kNormal) {
      sink.OnSkip(
          t.path,
          fs.cls == platform::FsClass::kPseudo ? SkipReason::kPseudoFs : SkipReason::kNetworkFs,
          false);
      return;
    }
    sink.OnDirectory(t.path);
    auto node = std::make_shared<DirNode>();
    node->parent = t.parent;
    node->name = t.name;
    node->id = t.id;
    node->follow = t.follow;
    // Share the handle with the children (set before any child refers to
    // the node) while under the cap (a root's always); else they reopen it
    // from an ancestor. It closes when the last child is done.
    platform::Directory* dir = handle.get();
    SharedDir shared;
    if (!t.parent || open_count_->fetch_add(1) < opts.max_open_dirs) {
      if (!t.parent) open_count_->fetch_add(1);
      std::shared_ptr<std::atomic<size_t>> count = open_count_;
      shared = SharedDir(handle.release(), [count](const platform::Directory* d) {
        delete d;
        --*count;
      });
      node->handle = shared;
      if (!t.parent) node->pinned = shared;
    } else {
      --*open_count_;
    }
    platform::DirEntry e;
    while (!cancel.load(std::memory_order_relaxed) && dir->Next(&e)) {
      std::string child = opts.fs->JoinPath(t.path, e.name);
      if (!e.stat.ok()) {
        // Vanished between readdir and lstat, or no permission on the entry.
        const Status& s = e.stat.status();
        if (s.code() == Status::Code::kNotFound) {
          diag.Warning(child, "vanished during the walk");
          continue;
        }
        if (s.code() == Status::Code::kPermissionDenied) {
          diag.Warning(child, s.ToString());
          sink.OnSkip(child, SkipReason::kPermission, true);
          continue;
        }
        diag.Error(child, s.ToString());
        sink.OnSkip(child, SkipReason::kError, true);
        continue;
      }
      StatInfo st = *e.stat;
      if (st.type == FileType::kSymlink) {
        if (!opts.follow_symlinks) {
          sink.OnSkip(child, SkipReason::kSymlink, true);
          continue;
        }
        auto target = dir->StatEntry(e.name);
        if (!target.ok()) {
          // Dangling or looping symlink: nothing to scan, not an error.
          sink.OnSkip(child, SkipReason::kSymlink, true);
          continue;
        }
        Entry(node, shared, e.name, child, *target, /*follow=*/true, t.root_dev);
        continue;
      }
      Entry(node, shared, e.name, child, st, /*follow=*/false, t.root_dev);
    }
    if (!dir->status().ok()) {
      diag.Error(t.path, dir->status().ToString());
    }
  }

  void Root(const std::string& root) {
    auto lst = opts.fs->Lstat(root);
    if (!lst.ok()) {
      diag.Error(root, lst.status().ToString());
      sink.OnSkip(root, SkipReason::kError, true);
      return;
    }
    StatInfo st = *lst;
    if (lst->type == FileType::kSymlink) {  // a root is followed (find -H)
      auto target = opts.fs->Stat(root);
      if (!target.ok()) {
        sink.OnSkip(root, SkipReason::kSymlink, true);
        return;
      }
      st = *target;
    }
    Entry(nullptr, nullptr, root, root, st, /*follow=*/true, st.dev);
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
  std::shared_ptr<std::atomic<size_t>> open_count_ = std::make_shared<std::atomic<size_t>>(0);
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
  for (const auto& root : opts.roots) state.Root(root);
  size_t n = std::max<size_t>(1, opts.threads);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < n; ++i) threads.emplace_back([&] { state.Run(); });
  for (auto& t : threads) t.join();
}

}  // namespace harrier
