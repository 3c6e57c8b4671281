// The signature store: where `harrier update` installs signature sets and
// `harrier scan` finds the active one.
//
//   STORE/sets/<id>/tree/           the unpacked signature folder (loader.h layout)
//   STORE/sets/<id>/manifest.json   source, SHA-256, time, counts (manifest.h)
//   STORE/current  -> sets/<id>     the active set (a relative symbolic link)
//   STORE/previous -> sets/<id>     the set it replaced, kept for --rollback
//   STORE/tmp-*                     work of an update in progress or killed:
//                                   never read; removed by the next update
//   STORE/lock                      held by the one update that may write
//
// A set is prepared completely below STORE/tmp-*, renamed to sets/<id>, and
// only then made active by renaming a new link over `current`, so a reader
// sees the old set or the new one, never half of one, and a killed update
// leaves the active set as it was. Sets other than current and previous
// are deleted after each switch.
//
// Trust: the set decides what a scan finds (and its false-positive filters
// what it hides), so readers use it only when the store, sets/, the set's
// whole folder and the links are owned by the running user and not
// writable by group or others (platform/store_fs.h CheckPrivateTree), the
// rule that protects the compiled-rules cache (signatures/rules_cache.h).
// Thread-safety: the functions may be called concurrently; StoreWriter
// belongs to one thread.
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "platform/store_fs.h"
#include "update/manifest.h"

namespace harrier {

// Entries a set may hold (files and folders): the trust check's bound.
inline constexpr uint64_t kMaxSetEntries = 200000;

// $HARRIER_SIGNATURE_STORE when set; else /var/lib/harrier/signatures for
// root; else $XDG_DATA_HOME/harrier/signatures (~/.local/share/harrier/signatures).
std::string DefaultStoreDir();

struct InstalledSet {
  std::string id;
  std::string dir;   // STORE/sets/<id>
  std::string tree;  // STORE/sets/<id>/tree: the folder to load
  SetManifest manifest;
};

// The set `link` ("current" or "previous") names, checked as described above.
// NotFound when the store or the link does not exist (no update yet) or the
// store cannot be reached (a parent folder this user may not search);
// PermissionDenied naming the path and the reason for an untrusted store
// or set; Corrupt for a link that does not name sets/<id> or a bad manifest.
Result<InstalledSet> FindInstalledSet(const std::string& store, const std::string& link);
inline Result<InstalledSet> FindActiveSet(const std::string& store) {
  return FindInstalledSet(store, "current");
}

// The one writer of a store (holds STORE/lock).
class StoreWriter {
 public:
  // Creates the store (0700) if needed, takes the lock (ResourceExhausted:
  // "another update is running") and removes STORE/tmp-* left by a killed
  // update. The store itself must pass the trust check.
  static Result<std::unique_ptr<StoreWriter>> Open(const std::string& store);

  const std::string& dir() const { return dir_; }
  // Old work folders removed by Open.
  size_t stale_removed() const { return stale_removed_; }

  // A new empty private work folder STORE/tmp-<pid>-<n>.
  Result<std::string> NewStaging();

  // Installs the set prepared in `staging` (which holds tree/): writes
  // manifest.json (its id is chosen here from the time and the SHA-256, and
  // returned in *m), syncs, renames `staging` to sets/<id>, points
  // `previous` at the current set and `current` at the new one (each
  // by renaming a new link over the old), and deletes other sets.
  Status Install(const std::string& staging, SetManifest* m);

  // Swaps current and previous. NotFound when there is no previous set.
  Result<InstalledSet> Rollback();

 private:
  StoreWriter(std::string dir, std::unique_ptr<platform::FileLock> lock)
      : dir_(std::move(dir)), lock_(std::move(lock)) {}
  Status PointLink(const std::string& name, const std::string& id);
  void Prune();

  std::string dir_;
  std::unique_ptr<platform::FileLock> lock_;
  size_t stale_removed_ = 0;
  int staging_counter_ = 0;
};

}  // namespace harrier
