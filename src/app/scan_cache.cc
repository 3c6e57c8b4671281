#include "app/scan_cache.h"

#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

namespace harrier {
namespace {

constexpr size_t kBatch = 2048;  // rows per write transaction

void Bind(sqlite3_stmt* s, const std::string& path, const platform::StatInfo& st) {
  sqlite3_bind_text(s, 1, path.data(), static_cast<int>(path.size()), SQLITE_STATIC);
  sqlite3_bind_int64(s, 2, static_cast<sqlite3_int64>(st.dev));
  sqlite3_bind_int64(s, 3, static_cast<sqlite3_int64>(st.inode));
  sqlite3_bind_int64(s, 4, static_cast<sqlite3_int64>(st.size));
  sqlite3_bind_int64(s, 5, st.mtime);
  sqlite3_bind_int64(s, 6, st.ctime);
}

}  // namespace

std::string ScanCache::DefaultPath() {
  const platform::FileSystem& fs = platform::LocalFileSystem();
  return fs.JoinPath(fs.UserCacheDir(), "scan-cache.sqlite");
}

Result<std::unique_ptr<ScanCache>> ScanCache::Open(const std::string& path,
                                                   const std::string& digest) {
  // std::filesystem is portable (Linux, MinGW) and splits with the
  // platform's separators; the error_code overloads do not throw.
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  if (!dir.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Status::IoError(fmt::format("{}: {}", dir.string(), ec.message()));
  }
  std::unique_ptr<ScanCache> c(new ScanCache());
  c->digest_ = digest;
  if (sqlite3_open_v2(path.c_str(), &c->db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                      nullptr) != SQLITE_OK) {
    return Status::IoError(fmt::format("{}: cannot open scan cache: {}", path,
                                       c->db_ ? sqlite3_errmsg(c->db_) : "out of memory"));
  }
  sqlite3_busy_timeout(c->db_, 5000);
  for (const char* sql : {
           "PRAGMA journal_mode=WAL",
           "PRAGMA synchronous=NORMAL",
           "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT)",
           "CREATE TABLE IF NOT EXISTS clean(path TEXT PRIMARY KEY, dev INTEGER, ino INTEGER,"
           " size INTEGER, mtime INTEGER, ctime INTEGER) WITHOUT ROWID",
       }) {
    if (Status s = c->Exec(sql); !s.ok())
      return Status::IoError(fmt::format("{}: {}", path, s.message()));
  }
  // A different signature digest invalidates every row.
  sqlite3_stmt* q = nullptr;
  std::string old;
  if (sqlite3_prepare_v2(c->db_, "SELECT value FROM meta WHERE key='digest'", -1, &q, nullptr) ==
      SQLITE_OK) {
    if (sqlite3_step(q) == SQLITE_ROW)
      old = reinterpret_cast<const char*>(sqlite3_column_text(q, 0));
    sqlite3_finalize(q);
  }
  if (old != digest) {
    c->Exec("DELETE FROM clean");
    if (sqlite3_prepare_v2(c->db_, "INSERT OR REPLACE INTO meta VALUES('digest', ?)", -1, &q,
                           nullptr) == SQLITE_OK) {
      sqlite3_bind_text(q, 1, digest.c_str(), -1, SQLITE_TRANSIENT);
      sqlite3_step(q);
      sqlite3_finalize(q);
    }
  }
  if (sqlite3_prepare_v2(c->db_,
                         "SELECT 1 FROM clean WHERE path=?1 AND dev=?2 AND ino=?3 AND size=?4"
                         " AND mtime=?5 AND ctime=?6",
                         -1, &c->get_, nullptr) != SQLITE_OK ||
      sqlite3_prepare_v2(c->db_, "INSERT OR REPLACE INTO clean VALUES(?1,?2,?3,?4,?5,?6)", -1,
                         &c->put_, nullptr) != SQLITE_OK) {
    return Status::IoError(fmt::format("{}: {}", path, sqlite3_errmsg(c->db_)));
  }
  return c;
}

ScanCache::~ScanCache() {
  {
    std::lock_guard lock(mu_);
    FlushLocked();
  }
  if (get_) sqlite3_finalize(get_);
  if (put_) sqlite3_finalize(put_);
  if (db_) sqlite3_close(db_);
}

Status ScanCache::Exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    Status s = Status::IoError(err ? err : "sqlite error");
    sqlite3_free(err);
    return s;
  }
  return Status::Ok();
}

bool ScanCache::IsClean(const std::string& path, const platform::StatInfo& st) {
  std::lock_guard lock(mu_);
  Bind(get_, path, st);
  bool hit = sqlite3_step(get_) == SQLITE_ROW;
  sqlite3_reset(get_);
  return hit;
}

void ScanCache::MarkClean(const std::string& path, const platform::StatInfo& st) {
  std::lock_guard lock(mu_);
  if (!in_txn_) in_txn_ = Exec("BEGIN").ok();
  Bind(put_, path, st);
  sqlite3_step(put_);
  sqlite3_reset(put_);
  if (++pending_ >= kBatch) FlushLocked();
}

Status ScanCache::Flush() {
  std::lock_guard lock(mu_);
  return FlushLocked();
}

Status ScanCache::FlushLocked() {
  pending_ = 0;
  if (!in_txn_) return Status::Ok();
  in_txn_ = false;
  return Exec("COMMIT");
}

}  // namespace harrier
