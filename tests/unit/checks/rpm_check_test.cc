// The rpm inventory check with the shipped xz advisory
// (rules/packs/xz-cve-2024-3094/checks/), and the "rpm" advisory format.
#include <gtest/gtest.h>

#include "checks/check_data.h"
#include "checks/native.h"
#include "testutil/rpm_synth.h"
#include "check_test_util.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

namespace synth = testing::rpm_synth;

class RpmCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The shipped check data, loaded once and checked for errors (check_test_util.h).
    data_ = &testing::ShippedCheckData();
    ASSERT_TRUE(data_->HasRpmAdvisories());
    check_ = MakeRpmCheck(data_);
  }
  std::vector<Reason> Run(const std::vector<std::string>& blobs,
                          const std::string& path = "/mnt/img/var/lib/rpm/rpmdb.sqlite") {
    testing::TempDir t;
    EXPECT_TRUE(synth::WriteDb(t.path() + "/db", blobs));
    return RunBytes(testing::ReadWholeFile(t.path() + "/db"), path);
  }
  std::vector<Reason> RunBytes(const std::string& bytes, const std::string& path) {
    Subject meta;
    Hashes h;
    FileContext ctx{meta, path, path,
                    {reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, "", h, &diag_};
    std::vector<Reason> out;
    check_->Run(ctx, &out);
    return out;
  }
  Diagnostics diag_;
  const CheckData* data_ = nullptr;
  std::unique_ptr<Check> check_;
};

TEST_F(RpmCheckTest, WantsTheDatabasePathsOnly) {
  EXPECT_TRUE(check_->Wants("/var/lib/rpm/rpmdb.sqlite"));
  EXPECT_TRUE(check_->Wants("/mnt/fedora/usr/lib/sysimage/rpm/rpmdb.sqlite"));
  EXPECT_TRUE(check_->Wants("var/lib/rpm/rpmdb.sqlite"));
  EXPECT_TRUE(check_->Wants("/old/var/lib/rpm/Packages")) << "reported as unsupported";
  EXPECT_FALSE(check_->Wants("/var/lib/rpm/rpmdb.sqlite-wal"));
  EXPECT_FALSE(check_->Wants("/x/myvar/lib/rpm/rpmdb.sqlite"));
  EXPECT_FALSE(check_->Wants("/var/lib/rpm/backup/rpmdb.sqlite"));
  EXPECT_FALSE(check_->Wants("/tmp/rpmdb.sqlite"));
}

TEST_F(RpmCheckTest, AffectedXzBuildsAlert) {
  for (const char* v : {"5.6.0", "5.6.1"}) {
    auto r = Run({synth::Package("bash", "5.2.26", "3.fc40"), synth::Package("xz-libs", v, "1.fc40")});
    ASSERT_EQ(r.size(), 1u) << v;
    EXPECT_EQ(r[0].name, "inventory.rpm.xz-cve-2024-3094");
    EXPECT_GT(r[0].score, 75);
    EXPECT_FALSE(r[0].remediation.empty());
    EXPECT_NE(r[0].source.find("[V]"), std::string::npos);
    EXPECT_NE(r[0].source.find("[S]"), std::string::npos);
    EXPECT_NE(r[0].description.find(std::string("xz-libs ") + v + "-1.fc40"), std::string::npos)
        << r[0].description;
  }
  // A package named only through its source rpm.
  auto r = Run({synth::Package("xz-static", "5.6.0", "2.fc41")});
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(diag_.error_count() + diag_.warning_count(), 0u);
}

TEST_F(RpmCheckTest, OtherVersionsAreQuiet) {
  for (const char* v : {"5.4.6", "5.6.2", "5.6.1+really5.4.5", "5.5.2", "5.6.0~beta"})
    EXPECT_TRUE(Run({synth::Package("xz-libs", v, "3.fc40")}).empty()) << v;
  EXPECT_TRUE(Run({synth::Package("bash", "5.6.1", "1.fc40")}).empty())
      << "not an xz package";
}

TEST_F(RpmCheckTest, CorruptAndUnsupportedDatabasesAreDiagnostics) {
  EXPECT_TRUE(RunBytes("not a database", "/r/var/lib/rpm/rpmdb.sqlite").empty());
  EXPECT_EQ(diag_.error_count(), 1u);
  EXPECT_TRUE(RunBytes(std::string(64, '\0'), "/r/var/lib/rpm/Packages").empty());
  EXPECT_EQ(diag_.warning_count(), 1u);
  auto snap = diag_.Snapshot();
  EXPECT_NE(snap[0].message.find("not read"), std::string::npos) << snap[0].message;
  EXPECT_NE(snap[1].message.find("unsupported"), std::string::npos) << snap[1].message;
}

TEST(RpmAdvisoryFormat, RpmOnlyAndBadRpmEntries) {
  Diagnostics d;
  CheckData data;
  ASSERT_TRUE(ParseCheckData(R"({"format": 1, "package_advisories": [
      {"id": "a", "rpm": {"packages": ["p"], "affected_min": "1", "affected_max": "2"}},
      {"id": "b", "rpm": {"packages": ["p"], "affected_min": "1"}},
      {"id": "c", "rpm": "x"},
      {"id": "d", "packages": ["p"], "affected_min": "1", "affected_max": "2"},
      {"id": "e", "affected_min": "1", "rpm": {"packages": ["p"], "affected_min": "1", "affected_max": "2"}}
    ]})",
                             "t.json", &data, d)
                  .ok());
  ASSERT_EQ(data.package_advisories.size(), 2u);
  EXPECT_EQ(data.package_advisories[0].id, "a");
  EXPECT_FALSE(data.package_advisories[0].has_dpkg());
  EXPECT_EQ(data.package_advisories[1].id, "d");
  EXPECT_FALSE(data.package_advisories[1].rpm.has_value());
  EXPECT_EQ(d.error_count(), 3u);
  EXPECT_TRUE(data.HasDpkgAdvisories());
  EXPECT_TRUE(data.HasRpmAdvisories());
}

}  // namespace
}  // namespace harrier
