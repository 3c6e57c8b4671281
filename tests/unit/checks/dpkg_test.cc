// The dpkg status parser, Debian version order and the dpkg inventory check
// with the shipped xz-utils advisory (rules/packs/xz-cve-2024-3094/checks/).
#include "checks/dpkg.h"

#include <gtest/gtest.h>

#include "checks/check_data.h"
#include "checks/native.h"
#include "check_test_util.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(Dpkg, VersionOrderFollowsDebPolicy) {
  using dpkg::CompareVersions;
  EXPECT_LT(CompareVersions("5.5.1alpha-0.1", "5.6.0-0.1"), 0);
  EXPECT_LT(CompareVersions("5.6.0-0.2", "5.6.1-1"), 0);
  EXPECT_GT(CompareVersions("5.6.1+really5.4.5-1", "5.6.1-1"), 0);
  EXPECT_LT(CompareVersions("5.4.5-0.3", "5.5.1alpha-0.1"), 0);
  EXPECT_LT(CompareVersions("1.0~rc1-1", "1.0-1"), 0);
  EXPECT_GT(CompareVersions("1:0.1-1", "9.9-1"), 0);
  EXPECT_EQ(CompareVersions("5.6.1-1", "5.6.1-1"), 0);
  EXPECT_EQ(CompareVersions("1.01", "1.1"), 0);
}

TEST(Dpkg, ParsesStanzasAndStatus) {
  std::string s =
      "Package: liblzma5\nStatus: install ok installed\nPriority: required\n"
      "Source: xz-utils (5.6.1-1)\nVersion: 5.6.1-1\nArchitecture: amd64\n"
      "Description: XZ-format compression library\n Long text\n .\n\n"
      "Package: xz-utils\nStatus: deinstall ok config-files\nVersion: 5.6.0-0.1\n";
  auto r = dpkg::ParseStatus(Bytes(s));
  ASSERT_EQ(r.packages.size(), 2u);
  EXPECT_EQ(r.packages[0].name, "liblzma5");
  EXPECT_EQ(r.packages[0].source, "xz-utils");
  EXPECT_EQ(r.packages[0].version, "5.6.1-1");
  EXPECT_TRUE(r.packages[0].installed());
  EXPECT_EQ(r.packages[1].line, 11u);
  EXPECT_FALSE(r.packages[1].installed());
}

TEST(Dpkg, FieldsAreBounded) {
  std::string s = "Package: " + std::string(5000, 'a') + "\nVersion: 1\n";
  auto r = dpkg::ParseStatus(Bytes(s));
  ASSERT_EQ(r.packages.size(), 1u);
  EXPECT_EQ(r.packages[0].name.size(), dpkg::kMaxFieldBytes);
}

TEST(Dpkg, StopsAfterMaxPackages) {
  std::string s;
  for (int i = 0; i < 5; ++i) s += "Package: p" + std::to_string(i) + "\nVersion: 1\n\n";
  auto r = dpkg::ParseStatus(Bytes(s), 3);
  EXPECT_EQ(r.packages.size(), 3u);
  EXPECT_TRUE(r.truncated);
  r = dpkg::ParseStatus(Bytes(s));
  EXPECT_EQ(r.packages.size(), 5u);
  EXPECT_FALSE(r.truncated);
}

class DpkgCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The shipped check data, loaded once and checked for errors (check_test_util.h).
    data_ = &testing::ShippedCheckData();
    ASSERT_FALSE(data_->package_advisories.empty());
    check_ = MakeDpkgCheck(data_);
  }
  std::vector<Reason> Run(const std::string& text, const std::string& path) {
    Subject meta;
    Hashes h;
    FileContext ctx{meta, path, path, Bytes(text), "", h};
    std::vector<Reason> out;
    check_->Run(ctx, &out);
    return out;
  }
  static std::string Stanza(const std::string& pkg, const std::string& ver,
                            const std::string& status = "install ok installed") {
    return "Package: " + pkg + "\nStatus: " + status + "\nSource: xz-utils\nVersion: " + ver +
           "\nArchitecture: amd64\n\n";
  }
  const CheckData* data_ = nullptr;
  std::unique_ptr<Check> check_;
};

TEST_F(DpkgCheckTest, AffectedXzBuildsAlert) {
  const auto& a = data_->package_advisories.at(0);
  for (const std::string v : {"5.6.0-0.1", "5.6.1-1", "5.5.1alpha-0.1", "5.6.0-0.2"}) {
    auto rs = Run(Stanza("liblzma5", v), "/mnt/img/var/lib/dpkg/status");
    ASSERT_EQ(rs.size(), 1u) << v;
    EXPECT_EQ(rs[0].name, "inventory.dpkg." + a.id);
    EXPECT_GT(rs[0].score, 75);
    EXPECT_NE(rs[0].remediation.find("5.6.1+really5.4.5-1"), std::string::npos);
  }
  EXPECT_TRUE(check_->Wants("/var/lib/dpkg/status"));
  EXPECT_TRUE(check_->Wants("/mnt/img/var/lib/dpkg/status"));
}

TEST_F(DpkgCheckTest, NearMissesAreQuiet) {
  // Fixed revert, older and newer upstream, removed package, another package
  // at an affected version number, a status file elsewhere.
  for (const std::string v : {"5.6.1+really5.4.5-1", "5.4.5-0.3", "5.6.2-1", "5.4.1-0.2"})
    EXPECT_TRUE(Run(Stanza("liblzma5", v), "/var/lib/dpkg/status").empty()) << v;
  EXPECT_TRUE(Run(Stanza("liblzma5", "5.6.1-1", "deinstall ok config-files"),
                  "/var/lib/dpkg/status").empty());
  EXPECT_TRUE(Run("Package: foo\nStatus: install ok installed\nVersion: 5.6.1-1\n\n",
                  "/var/lib/dpkg/status").empty());
  EXPECT_TRUE(Run(Stanza("liblzma5", "5.6.1-1"), "/home/a/var/lib/dpkg/status.old").empty());
  EXPECT_FALSE(check_->Wants("/var/lib/dpkg/status-old"));
  EXPECT_FALSE(check_->Wants("/x/myvar/lib/dpkg/status2"));
}

}  // namespace
}  // namespace harrier

#include "checks/dpkg_index.h"

namespace harrier {
namespace {

TEST(DpkgIndex, ParsesMd5sumsLinesAndSkipsMalformedOnes) {
  std::string s =
      "0123456789abcdef0123456789ABCDEF  usr/bin/foo\n"
      "not-a-sum  usr/bin/bar\n"
      "0123456789abcdef0123456789abcdef usr/lib/x.so\r\n"
      "0123456789abcdef0123456789abcdef\n";
  auto v = dpkg::ParseMd5sums(Bytes(s));
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].md5, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(v[0].path, "usr/bin/foo");
  EXPECT_EQ(v[1].path, "usr/lib/x.so");
}

}  // namespace
}  // namespace harrier
