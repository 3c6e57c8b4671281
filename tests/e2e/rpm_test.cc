// The rpm inventory end to end: a Linux root holding var/lib/rpm/rpmdb.sqlite
// (rpm >= 4.16) is read whatever the default selection says; an installed
// compromised xz build is an Alert, a clean one quiet, a corrupt database an
// error diagnostic; and the scan leaves the database untouched.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "e2e/jsonl.h"
#include "testutil/rpm_synth.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

namespace synth = rpm_synth;

struct FileState {
  std::string bytes;
  int64_t mtime_ns = 0;
};
FileState StateOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return {ReadWholeFile(path), int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec};
}

TEST(RpmE2E, CompromisedXzAlertsCleanIsQuietCorruptIsCountedAndNothingIsWritten) {
  TempDir t;
  t.Mkdir("images/fedora/var/lib/rpm");
  t.Mkdir("images/fixed/usr/lib/sysimage/rpm");
  t.Mkdir("images/broken/var/lib/rpm");
  const std::string bad = t.path() + "/images/fedora/var/lib/rpm/rpmdb.sqlite";
  const std::string fixed = t.path() + "/images/fixed/usr/lib/sysimage/rpm/rpmdb.sqlite";
  ASSERT_TRUE(synth::WriteDb(bad,
                             {synth::Package("bash", "5.2.26", "3.fc40"),
                              synth::Package("xz-libs", "5.6.1", "1.fc40")},
                             /*wal=*/true));
  ASSERT_TRUE(synth::WriteDb(fixed, {synth::Package("xz-libs", "5.4.6", "3.fc40")}));
  std::string corrupt_bytes = ReadWholeFile(fixed);
  corrupt_bytes.resize(corrupt_bytes.size() / 2);
  for (size_t i = 100; i < corrupt_bytes.size(); i += 3) corrupt_bytes[i] = '\xff';
  const std::string corrupt = t.Write("images/broken/var/lib/rpm/rpmdb.sqlite", corrupt_bytes);
  const std::string bdb = t.Write("images/broken/var/lib/rpm/Packages", std::string(4096, '\0'));
  const FileState before_bad = StateOf(bad), before_fixed = StateOf(fixed);
  const auto entries_before = EntriesIn(t.path() + "/images/fedora/var/lib/rpm");

  auto r = RunHarrier({"scan", "--no-progress", "--verbose", "--jsonl", "-", t.path()}, 300);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.findings.count(bad), 1u) << r.out << r.err;
  const auto& f = j.findings.at(bad)["harrier"];
  EXPECT_EQ(f["level"], "alert");
  bool reason = false;
  for (const auto& x : f["reasons"]) {
    if (x["name"] != "inventory.rpm.xz-cve-2024-3094") continue;
    reason = true;
    EXPECT_NE(x["description"].get<std::string>().find("xz-libs 5.6.1-1.fc40"), std::string::npos);
    EXPECT_FALSE(x["remediation"].get<std::string>().empty());
  }
  EXPECT_TRUE(reason) << f.dump(1);
  EXPECT_EQ(j.findings.count(fixed), 0u);
  EXPECT_EQ(j.findings.count(corrupt), 0u);
  EXPECT_EQ(r.exit_code, 1);
  // The corrupt database is an error diagnostic naming it; the Berkeley-DB
  // file a warning (not read, shown with --verbose); both reported, neither
  // crashed the scan.
  EXPECT_NE((r.out + r.err).find("rpm database not read"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("Berkeley-DB"), std::string::npos) << r.err;
  EXPECT_GE(j.summary["errors"].get<uint64_t>(), 1u) << j.summary.dump(1);
  (void)bdb;

  // Read-only: same bytes and mtime, no -wal / -shm / -journal created.
  const FileState after_bad = StateOf(bad), after_fixed = StateOf(fixed);
  EXPECT_EQ(after_bad.bytes, before_bad.bytes);
  EXPECT_EQ(after_bad.mtime_ns, before_bad.mtime_ns);
  EXPECT_EQ(after_fixed.bytes, before_fixed.bytes);
  EXPECT_EQ(after_fixed.mtime_ns, before_fixed.mtime_ns);
  EXPECT_EQ(EntriesIn(t.path() + "/images/fedora/var/lib/rpm"), entries_before);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) {
    EXPECT_FALSE(std::filesystem::exists(bad + suffix)) << suffix;
    EXPECT_FALSE(std::filesystem::exists(fixed + suffix)) << suffix;
  }
}

}  // namespace
}  // namespace harrier::testing
