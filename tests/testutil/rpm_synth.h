// Test-only writer of rpm header blobs and rpmdb.sqlite databases (the
// format src/checks/rpm.h reads), so tests need no rpm installation.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace harrier::testing::rpm_synth {

struct Entry {
  int32_t tag;
  uint32_t type;
  uint32_t count;
  std::string data;                  // raw bytes for the data area
  std::optional<uint32_t> offset;    // forced offset (else where `data` lands)
};

inline void PutBe32(std::string* s, uint32_t v) {
  for (int k = 3; k >= 0; --k) s->push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
inline std::string Be32(uint32_t v) {
  std::string s;
  PutBe32(&s, v);
  return s;
}
inline Entry Str(int32_t tag, const std::string& v) { return {tag, 6, 1, v + '\0', {}}; }
inline Entry Int32(int32_t tag, uint32_t v) { return {tag, 4, 1, Be32(v), {}}; }

// il, dl, the index and the data; with `region`, an immutable-region entry
// (tag 63) first and its 16-byte trailer at the end of the data, as rpm
// writes installed headers. Int32 data is 4-aligned.
inline std::string Blob(const std::vector<Entry>& entries, bool region = true) {
  std::string index, data;
  const uint32_t il = static_cast<uint32_t>(entries.size() + (region ? 1 : 0));
  for (const auto& e : entries) {
    if (e.type == 4)
      while (data.size() % 4) data.push_back('\0');
    PutBe32(&index, static_cast<uint32_t>(e.tag));
    PutBe32(&index, e.type);
    PutBe32(&index, e.offset.value_or(static_cast<uint32_t>(data.size())));
    PutBe32(&index, e.count);
    data += e.data;
  }
  if (region) {
    std::string head;
    PutBe32(&head, 63);
    PutBe32(&head, 7);
    PutBe32(&head, static_cast<uint32_t>(data.size()));
    PutBe32(&head, 16);
    index = head + index;
    PutBe32(&data, 63);
    PutBe32(&data, 7);
    PutBe32(&data, static_cast<uint32_t>(-static_cast<int32_t>(il * 16)));
    PutBe32(&data, 16);
  }
  return Be32(il) + Be32(static_cast<uint32_t>(data.size())) + index + data;
}

// A package header: NAME, VERSION, RELEASE, [EPOCH], ARCH, SOURCERPM (named
// after the part of `name` before its first '-': xz-libs -> xz-V-R.src.rpm).
inline std::string Package(const std::string& name, const std::string& version,
                           const std::string& release, const std::string& arch = "x86_64",
                           std::optional<uint32_t> epoch = std::nullopt) {
  std::vector<Entry> e = {Str(1000, name), Str(1001, version), Str(1002, release)};
  if (epoch) e.push_back(Int32(1003, *epoch));
  e.push_back(Str(1022, arch));
  e.push_back(Str(1044, name.substr(0, name.find('-')) + "-" + version + "-" + release + ".src.rpm"));
  return Blob(e);
}

// Writes an rpm >= 4.16 style database at `path` (which must not exist)
// holding `blobs`; returns false on any SQLite error. With `wal`, the file
// is left in WAL mode (as rpm leaves it), checkpointed.
inline bool WriteDb(const std::string& path, const std::vector<std::string>& blobs,
                    bool wal = false) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    sqlite3_close(db);
    return false;
  }
  bool ok = sqlite3_exec(db, wal ? "PRAGMA journal_mode=WAL" : "PRAGMA journal_mode=DELETE",
                         nullptr, nullptr, nullptr) == SQLITE_OK &&
            sqlite3_exec(db,
                         "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob "
                         "BLOB NOT NULL);"
                         "CREATE TABLE Name (key TEXT NOT NULL, hnum INTEGER NOT NULL, idx "
                         "INTEGER NOT NULL, FOREIGN KEY (hnum) REFERENCES Packages(hnum))",
                         nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_stmt* st = nullptr;
  ok = ok && sqlite3_prepare_v2(db, "INSERT INTO Packages(blob) VALUES(?)", -1, &st, nullptr) ==
                 SQLITE_OK;
  for (const auto& b : blobs) {
    if (!ok) break;
    sqlite3_bind_blob(st, 1, b.data(), static_cast<int>(b.size()), SQLITE_TRANSIENT);
    ok = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (wal) ok = ok && sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr,
                                   nullptr) == SQLITE_OK;
  return sqlite3_close(db) == SQLITE_OK && ok;
}

}  // namespace harrier::testing::rpm_synth
