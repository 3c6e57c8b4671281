// Reading rpmdb.sqlite from memory: rows, bad rows, WAL-mode files, and
// buffers that are not rpm databases.
#include "checks/rpmdb.h"

#include <gtest/gtest.h>

#include "testutil/rpm_synth.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

namespace synth = testing::rpm_synth;

std::string DbBytes(const std::vector<std::string>& blobs, bool wal = false) {
  testing::TempDir t;
  std::string path = t.path() + "/rpmdb.sqlite";
  EXPECT_TRUE(synth::WriteDb(path, blobs, wal));
  return testing::ReadWholeFile(path);
}

Result<rpm::DbContents> Read(const std::string& bytes) {
  return rpm::ReadSqliteDb({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

TEST(RpmDb, ReadsEveryPackageAndCountsBadRows) {
  std::string db = DbBytes({synth::Package("bash", "5.2.26", "3.fc40"),
                            synth::Package("xz-libs", "5.6.1", "1.fc40"), "garbage",
                            synth::Package("xz", "5.6.1", "1.fc40")});
  auto r = Read(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 4u);
  EXPECT_EQ(r->bad, 1u);
  EXPECT_NE(r->first_bad.find("hnum 3"), std::string::npos) << r->first_bad;
  ASSERT_EQ(r->packages.size(), 3u);
  EXPECT_EQ(r->packages[1].package.name, "xz-libs");
  EXPECT_EQ(r->packages[1].hnum, 2);
  EXPECT_FALSE(r->truncated);
}

TEST(RpmDb, EachLimitIsItsOwnAndWorks) {
  std::string db = DbBytes({synth::Package("bash", "5.2.26", "3.fc40"),
                            synth::Package("xz-libs", "5.6.1", "1.fc40"),
                            synth::Package("xz", "5.6.1", "1.fc40")});
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(db.data()), db.size());
  rpm::DbLimits rows;
  rows.max_packages = 2;
  auto r = rpm::ReadSqliteDb(bytes, rows);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 2u);
  EXPECT_TRUE(r->truncated);
  rpm::DbLimits blob;
  blob.max_blob_bytes = 8;
  r = rpm::ReadSqliteDb(bytes, blob);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->bad, 3u);
  EXPECT_NE(r->first_bad.find("--rpm-max-header-size"), std::string::npos) << r->first_bad;
  rpm::DbLimits steps;
  steps.max_sqlite_steps = 10;
  r = rpm::ReadSqliteDb(bytes, steps);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kResourceExhausted) << r.status().ToString();
  // The defaults read all of it.
  r = rpm::ReadSqliteDb(bytes);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->packages.size(), 3u);
  EXPECT_EQ(r->bad, 0u);
}

TEST(RpmDb, ReadsAWalModeDatabase) {
  std::string db = DbBytes({synth::Package("xz-libs", "5.6.1", "1.fc40")}, /*wal=*/true);
  ASSERT_EQ(db[18], 2) << "the fixture should be in WAL mode";
  auto r = Read(db);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->packages.size(), 1u);
  EXPECT_EQ(r->packages[0].package.version, "5.6.1");
}

TEST(RpmDb, NotAnRpmDatabaseIsCorrupt) {
  EXPECT_EQ(Read("").status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(Read(std::string(4096, 'x')).status().code(), Status::Code::kCorrupt);
  std::string db = DbBytes({synth::Package("xz", "5.6.1", "1")});
  // Truncated and damaged databases: an error value, never a crash.
  for (size_t n : {size_t{16}, size_t{100}, size_t{1024}, db.size() / 2}) {
    auto r = Read(db.substr(0, n));
    if (r.ok()) {
      EXPECT_LE(r->packages.size(), 1u);
    }
  }
  std::string damaged = db;
  for (size_t i = 100; i < damaged.size(); i += 7) damaged[i] = static_cast<char>(damaged[i] ^ 0x5a);
  auto r = Read(damaged);
  if (r.ok()) {
    EXPECT_LE(r->packages.size(), 1u);
  }
  // An SQLite database without the Packages table.
  testing::TempDir t;
  sqlite3* h = nullptr;
  ASSERT_EQ(sqlite3_open((t.path() + "/other.sqlite").c_str(), &h), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(h, "CREATE TABLE x(a); CREATE VIEW Packages AS SELECT 1 AS hnum, "
                            "x'00' AS blob",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(h);
  auto view = Read(testing::ReadWholeFile(t.path() + "/other.sqlite"));
  ASSERT_FALSE(view.ok());
  EXPECT_NE(view.status().message().find("not a table"), std::string::npos);
}

}  // namespace
}  // namespace harrier
