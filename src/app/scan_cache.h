// ScanCache: the --cache database of files found clean, for incremental
// rescans (SQLite).
//
// A file is skipped as "clean from cache" only when a row matches all of:
// path, device, inode, size, mtime, ctime (ns) and the signature digest
// (SignatureSet.stats.digest: every signature file's content, Harrier's and
// libyara's versions). Any change to the file's metadata or to the
// signatures therefore forces a real scan. Only files that were read in full
// and produced no reason at all (no finding of any level, no YARA timeout,
// no error) are recorded; findings are never cached as clean.
//
// Counting: a cached-clean file counts as scanned (its verdict for these
// signatures is known) and ScanSummary.files_from_cache says how many of
// the scanned files came from the cache; bytes_scanned counts bytes read,
// so cached files add nothing to it.
//
// Default path: $XDG_CACHE_HOME/harrier/scan-cache.sqlite, else
// ~/.cache/harrier/scan-cache.sqlite. Rows of an older signature digest are
// deleted when the cache is opened with a new one.
// Thread-safety: all methods are safe to call from several workers (one
// connection behind a mutex; writes batched in transactions).
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"
#include "platform/fs.h"

struct sqlite3;
struct sqlite3_stmt;

namespace harrier {

class ScanCache {
 public:
  static Result<std::unique_ptr<ScanCache>> Open(const std::string& path,
                                                 const std::string& digest);
  static std::string DefaultPath();
  ~ScanCache();

  bool IsClean(const std::string& path, const platform::StatInfo& st);
  void MarkClean(const std::string& path, const platform::StatInfo& st);
  // Commits pending writes (also done by the destructor).
  Status Flush();

 private:
  ScanCache() = default;
  Status Exec(const char* sql);
  Status FlushLocked();
  std::mutex mu_;
  sqlite3* db_ = nullptr;
  sqlite3_stmt* get_ = nullptr;
  sqlite3_stmt* put_ = nullptr;
  std::string digest_;
  size_t pending_ = 0;
  bool in_txn_ = false;
};

}  // namespace harrier
