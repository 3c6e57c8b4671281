#include "checks/rpmdb.h"

#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace harrier::rpm {
namespace {

constexpr std::string_view kSqliteMagic{"SQLite format 3\0", 16};
constexpr int kProgressOps = 1000;  // VM steps between progress-handler calls

struct Budget {
  uint64_t max_steps = kMaxSqliteSteps;
  uint64_t ops = kProgressOps;  // VM steps between calls: min(kProgressOps, max_steps)
  uint64_t calls = 0;
  bool exhausted = false;
};

int Progress(void* arg) {
  auto* b = static_cast<Budget*>(arg);
  if (++b->calls * b->ops > b->max_steps) b->exhausted = true;
  return b->exhausted ? 1 : 0;  // non-zero interrupts the statement
}

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct StmtCloser {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};

}  // namespace

Result<DbContents> ReadSqliteDb(std::span<const uint8_t> bytes, const DbLimits& limits) {
  if (bytes.size() < 100 ||
      std::memcmp(bytes.data(), kSqliteMagic.data(), kSqliteMagic.size()) != 0)
    return Status::Corrupt("not an SQLite database");
  // WAL mode (file format bytes 18/19 = 2) needs a -shm the in-memory
  // database cannot have: a private copy says rollback mode instead.
  const uint8_t* image = bytes.data();
  std::unique_ptr<uint8_t[]> copy;
  if (bytes[18] == 2 || bytes[19] == 2) {
    copy = std::make_unique<uint8_t[]>(bytes.size());
    std::memcpy(copy.get(), bytes.data(), bytes.size());
    copy[18] = copy[19] = 1;
    image = copy.get();
  }

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(":memory:", &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr);
  std::unique_ptr<sqlite3, DbCloser> db(raw);
  if (rc != SQLITE_OK)
    return Status::ResourceExhausted(
        fmt::format("sqlite: {}", raw ? sqlite3_errmsg(raw) : "out of memory"));
  // SQLITE_DESERIALIZE_READONLY: SQLite never writes into `image` (the
  // const_cast is its API, not a write).
  rc = sqlite3_deserialize(db.get(), "main", const_cast<uint8_t*>(image),
                           static_cast<sqlite3_int64>(bytes.size()),
                           static_cast<sqlite3_int64>(bytes.size()), SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK) return Status::Corrupt(fmt::format("sqlite: {}", sqlite3_errmsg(db.get())));
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  Budget budget;
  budget.max_steps = limits.max_sqlite_steps;
  budget.ops = std::clamp<uint64_t>(limits.max_sqlite_steps, 1, kProgressOps);
  sqlite3_progress_handler(db.get(), static_cast<int>(budget.ops), Progress, &budget);

  auto prepare = [&](const char* sql) -> Result<std::unique_ptr<sqlite3_stmt, StmtCloser>> {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql, -1, &s, nullptr) != SQLITE_OK) {
      sqlite3_finalize(s);
      if (budget.exhausted) return Status::ResourceExhausted("sqlite: step budget exhausted");
      return Status::Corrupt(fmt::format("sqlite: {}", sqlite3_errmsg(db.get())));
    }
    return std::unique_ptr<sqlite3_stmt, StmtCloser>(s);
  };

  // Only a real table: a view of the same name could run any query.
  {
    auto q = prepare("SELECT type FROM sqlite_master WHERE name = 'Packages'");
    if (!q.ok()) return q.status();
    rc = sqlite3_step(q->get());
    if (rc != SQLITE_ROW)
      return budget.exhausted ? Status::ResourceExhausted("sqlite: step budget exhausted")
                              : Status::Corrupt("no Packages table (not an rpm database)");
    const unsigned char* type = sqlite3_column_text(q->get(), 0);
    if (type == nullptr || std::strcmp(reinterpret_cast<const char*>(type), "table") != 0)
      return Status::Corrupt("Packages is not a table (not an rpm database)");
  }

  auto q = prepare("SELECT hnum, blob FROM Packages");
  if (!q.ok()) return q.status();
  DbContents out;
  while ((rc = sqlite3_step(q->get())) == SQLITE_ROW) {
    if (out.rows >= limits.max_packages) {
      out.truncated = true;
      break;
    }
    ++out.rows;
    const int64_t hnum = sqlite3_column_int64(q->get(), 0);
    auto bad = [&](std::string why) {
      if (out.bad++ == 0) out.first_bad = fmt::format("hnum {}: {}", hnum, why);
    };
    if (sqlite3_column_type(q->get(), 1) != SQLITE_BLOB) {
      bad("blob column is not a BLOB");
      continue;
    }
    const int n = sqlite3_column_bytes(q->get(), 1);
    if (n < 0 || static_cast<uint64_t>(n) > limits.max_blob_bytes) {
      bad(fmt::format("header blob of {} bytes (at most {}, --rpm-max-header-size)", n,
                      limits.max_blob_bytes));
      continue;
    }
    const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(q->get(), 1));
    auto pkg = ParseHeaderBlob(std::span<const uint8_t>(p, p ? static_cast<size_t>(n) : 0));
    if (!pkg.ok()) {
      bad(pkg.status().message());
      continue;
    }
    out.packages.push_back({hnum, std::move(*pkg)});
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    if (budget.exhausted)
      return Status::ResourceExhausted(
          fmt::format("sqlite: more than {} steps (after {} rows; --rpm-max-steps)",
                      limits.max_sqlite_steps, out.rows));
    return Status::Corrupt(
        fmt::format("sqlite: {} (after {} rows)", sqlite3_errmsg(db.get()), out.rows));
  }
  return out;
}

}  // namespace harrier::rpm
