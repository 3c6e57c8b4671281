#include "update/store.h"

#include <cstdlib>
#include <ctime>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier {
namespace {

constexpr std::string_view kSetsPrefix = "sets/";

std::string LinkPath(const std::string& store, const std::string& name) {
  return platform::JoinPath(store, name);
}

// The id a store link names: "sets/<id>" exactly.
Result<std::string> LinkedId(const std::string& store, const std::string& name) {
  const std::string link = LinkPath(store, name);
  auto st = platform::Lstat(link);
  if (!st.ok()) return st.status();
  if (st->type != platform::FileType::kSymlink)
    return Status::Corrupt(link + ": not a symbolic link");
  auto store_st = platform::Lstat(store);
  if (!store_st.ok()) return store_st.status();
  if (st->uid != store_st->uid)
    return Status::PermissionDenied(
        fmt::format("{}: owned by uid {}, not by the store's owner", link, st->uid));
  auto target = platform::ReadSymlink(link);
  if (!target.ok()) return target.status();
  if (target->rfind(kSetsPrefix, 0) != 0 || !IsValidSetId(target->substr(kSetsPrefix.size())))
    return Status::Corrupt(fmt::format("{}: names '{}', not sets/<id>", link, *target));
  return target->substr(kSetsPrefix.size());
}

}  // namespace

std::string DefaultStoreDir() {
  if (const char* env = std::getenv("HARRIER_SIGNATURE_STORE"); env && *env) return env;
  if (platform::RunningAsRoot()) return "/var/lib/harrier/signatures";
  return platform::JoinPath(platform::UserDataDir(), "signatures");
}

Result<InstalledSet> FindInstalledSet(const std::string& store, const std::string& link) {
  // A store that cannot be reached (none yet, or a parent this user may not
  // search) holds nothing this user installed.
  auto store_st = platform::Lstat(store);
  if (!store_st.ok())
    return Status::NotFound(fmt::format("no signature store: {}", store_st.status().message()));
  if (Status s = platform::CheckPrivateDir(store); !s.ok()) return s;
  auto id = LinkedId(store, link);
  if (!id.ok()) return id.status();
  // The link is checked above; everything it leads to is checked here.
  const std::string sets = platform::JoinPath(store, "sets");
  if (Status s = platform::CheckPrivateDir(sets); !s.ok()) return s;
  InstalledSet out;
  out.id = *id;
  out.dir = platform::JoinPath(sets, *id);
  out.tree = platform::JoinPath(out.dir, "tree");
  if (Status s = platform::CheckPrivateTree(out.dir, kMaxSetEntries); !s.ok()) {
    if (s.code() == Status::Code::kNotFound)
      return Status::Corrupt(fmt::format("{}: '{}' names a set that does not exist",
                                         LinkPath(store, link), *id));
    return s;
  }
  auto text = platform::ReadPrivateFile(platform::JoinPath(out.dir, "manifest.json"),
                                        kMaxManifestBytes);
  if (!text.ok()) {
    if (text.status().code() == Status::Code::kNotFound)
      return Status::Corrupt(out.dir + ": no manifest.json");
    return text.status();
  }
  auto m = ParseManifest(*text);
  if (!m.ok()) return Status::Corrupt(fmt::format("{}/manifest.json: {}", out.dir, m.status().message()));
  if (m->id != *id)
    return Status::Corrupt(fmt::format("{}/manifest.json: names set '{}'", out.dir, m->id));
  auto tree = platform::Lstat(out.tree);
  if (!tree.ok() || tree->type != platform::FileType::kDirectory)
    return Status::Corrupt(out.dir + ": no tree/ folder");
  out.manifest = std::move(*m);
  return out;
}

Result<std::unique_ptr<StoreWriter>> StoreWriter::Open(const std::string& store) {
  if (Status s = platform::MakePrivateDir(store); !s.ok()) return s;
  if (Status s = platform::MakePrivateDir(platform::JoinPath(store, "sets")); !s.ok()) return s;
  auto lock = platform::TryLockFile(platform::JoinPath(store, "lock"));
  if (!lock.ok()) {
    if (lock.status().code() == Status::Code::kResourceExhausted)
      return Status::ResourceExhausted(
          fmt::format("another update of {} is running (it holds {}/lock)", store, store));
    return lock.status();
  }
  std::unique_ptr<StoreWriter> w(new StoreWriter(store, std::move(*lock)));
  // With the lock held, every work folder belongs to an update that died.
  auto names = platform::ListNames(store);
  if (!names.ok()) return names.status();
  for (const auto& n : *names) {
    if (n.rfind("tmp-", 0) != 0) continue;
    if (Status s = platform::RemoveTree(platform::JoinPath(store, n)); !s.ok()) return s;
    ++w->stale_removed_;
  }
  return w;
}

Result<std::string> StoreWriter::NewStaging() {
  for (int tries = 0; tries < 100; ++tries) {
    std::string p = platform::JoinPath(
        dir_, fmt::format("tmp-{}-{}", platform::ProcessId(), staging_counter_++));
    Status s = platform::MakeNewDir(p);
    if (s.ok()) return p;
    if (!platform::Lstat(p).ok()) return s;  // a real error, not a name in use
  }
  return Status::IoError(dir_ + ": no free work folder name");
}

Status StoreWriter::PointLink(const std::string& name, const std::string& id) {
  const std::string tmp = platform::JoinPath(dir_, fmt::format("tmp-link-{}", name));
  (void)platform::RemoveTree(tmp);
  if (Status s = platform::MakeSymlink(fmt::format("{}{}", kSetsPrefix, id), tmp); !s.ok())
    return s;
  return platform::RenamePath(tmp, LinkPath(dir_, name));
}

Status StoreWriter::Install(const std::string& staging, SetManifest* m) {
  const std::string sets = platform::JoinPath(dir_, "sets");
  const std::string base = fmt::format("{}-{}", platform::UtcIsoTime(m->fetched_at),
                                       m->sha256.substr(0, 12));
  std::string id;
  for (int n = 0; n < 1000; ++n) {
    std::string candidate = n == 0 ? base : fmt::format("{}.{}", base, n);
    for (char& c : candidate)
      if (c == ':') c = '-';
    if (!platform::Lstat(platform::JoinPath(sets, candidate)).ok()) {
      id = candidate;
      break;
    }
  }
  if (id.empty()) return Status::IoError(sets + ": no free set name");
  m->id = id;
  if (Status s = platform::WriteNewFile(platform::JoinPath(staging, "manifest.json"),
                                        ManifestToJson(*m));
      !s.ok())
    return s;
  // Every file of the set reaches the disk before any name points at it.
  if (Status s = platform::SyncFileSystem(staging); !s.ok()) return s;
  const std::string dest = platform::JoinPath(sets, id);
  if (Status s = platform::RenamePath(staging, dest); !s.ok()) return s;
  auto old = LinkedId(dir_, "current");
  if (old.ok()) {
    if (Status s = PointLink("previous", *old); !s.ok()) return s;
  }
  if (Status s = PointLink("current", id); !s.ok()) return s;
  if (Status s = platform::SyncFileSystem(dir_); !s.ok()) return s;
  Prune();
  return Status::Ok();
}

Result<InstalledSet> StoreWriter::Rollback() {
  auto prev = FindInstalledSet(dir_, "previous");
  if (!prev.ok()) {
    if (prev.status().code() == Status::Code::kNotFound)
      return Status::NotFound(dir_ + ": no previous set to roll back to");
    return prev.status();
  }
  auto cur = LinkedId(dir_, "current");
  if (cur.ok()) {
    if (Status s = PointLink("previous", *cur); !s.ok()) return s;
  }
  if (Status s = PointLink("current", prev->id); !s.ok()) return s;
  if (Status s = platform::SyncFileSystem(dir_); !s.ok()) return s;
  return prev;
}

void StoreWriter::Prune() {
  const std::string sets = platform::JoinPath(dir_, "sets");
  auto cur = LinkedId(dir_, "current");
  auto prev = LinkedId(dir_, "previous");
  auto names = platform::ListNames(sets);
  if (!names.ok()) return;
  for (const auto& n : *names) {
    if ((cur.ok() && n == *cur) || (prev.ok() && n == *prev)) continue;
    (void)platform::RemoveTree(platform::JoinPath(sets, n));
  }
}

}  // namespace harrier
