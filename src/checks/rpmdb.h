// The installed-package database of rpm >= 4.16 (rpmdb.sqlite), read from
// the bytes the scanner already read (SQLite's in-memory deserialisation):
// SQLite never opens the file on the scanned host or image, so the scan
// cannot write it, lock it or create -wal/-shm files next to it, and the
// database is read the same way inside archives and disk images.
// The database is untrusted input: only a `Packages` *table* is read (not a
// view), the query runs under a VM step budget (DbLimits::max_sqlite_steps),
// at most DbLimits::max_packages rows are read, blobs over
// DbLimits::max_blob_bytes are counted as bad,
// and every blob goes through rpm::ParseHeaderBlob (fuzz target `rpm`).
// Not read: the Berkeley-DB `Packages` and NDB `Packages.db` formats of
// older rpm (the rpm check reports them as unsupported), and rows still in
// an uncheckpointed `rpmdb.sqlite-wal` next to the database.
// Thread-safety: pure function; each call uses its own SQLite connection.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "checks/rpm.h"
#include "core/status.h"

namespace harrier::rpm {

// The defaults of the command-line options --max-packages, --rpm-max-header-size
// and --rpm-max-steps (docs/checks.md).
inline constexpr uint64_t kMaxPackages = 200000;       // rows read; the rest ignored
inline constexpr uint64_t kMaxBlobBytes = 16u << 20;    // a larger header blob is bad
inline constexpr uint64_t kMaxSqliteSteps = 200000000;  // SQLite VM steps per database

struct DbLimits {
  uint64_t max_packages = kMaxPackages;
  uint64_t max_blob_bytes = kMaxBlobBytes;
  uint64_t max_sqlite_steps = kMaxSqliteSteps;
};

struct DbPackage {
  int64_t hnum = 0;  // the row's header number (Packages.hnum)
  Package package;
};

struct DbContents {
  std::vector<DbPackage> packages;
  uint64_t rows = 0;        // rows read (at most DbLimits::max_packages)
  uint64_t bad = 0;         // rows whose blob is not a readable header
  std::string first_bad;    // why the first bad row was bad ("hnum 7: ...")
  bool truncated = false;   // more rows than DbLimits::max_packages
};

// Reads every row of the Packages table of an rpmdb.sqlite held in `db`.
// A buffer that is not an SQLite database, a database without a Packages
// table, or an SQLite error is Corrupt (or ResourceExhausted for the step
// budget); a bad row is counted in DbContents::bad and the rest is read.
// A database in WAL mode is read from its main file (header patched to
// rollback mode in a private copy).
Result<DbContents> ReadSqliteDb(std::span<const uint8_t> db, const DbLimits& limits = {});

}  // namespace harrier::rpm
