// "inventory": 3CX DesktopApp builds (PE version resource, Info.plist) and
// X_TRADER installs/installers.
#include <gtest/gtest.h>

#include "check_test_util.h"
#include "checks/native.h"
#include "checks/plist.h"
#include "testutil/bplist_fixtures.h"
#include "testutil/synth.h"

namespace harrier::testing {
namespace {

const ProductData& ThreeCx() { return *ShippedCheckData().FindProduct("3cx-desktopapp"); }
const RetiredProductData& XTrader() { return ShippedCheckData().retired.at(0); }

std::string AppExe(const std::string& product, const std::string& version) {
  synth::PeSpec s;
  s.version_blob = synth::VersionInfoBlob({{"CompanyName", "3CX"},
                                           {"FileDescription", product},
                                           {"FileVersion", version + ".0"},
                                           {"ProductName", product},
                                           {"ProductVersion", version}});
  return synth::BuildPe(s);
}

class InventoryTest : public ::testing::Test {
 protected:
  std::unique_ptr<Check> check_ = MakeInventoryCheck(&ShippedCheckData());
  std::string exe_path_ =
      "/mnt/win/Users/bob/AppData/Local/Programs/3CXDesktopApp/app/3CXDesktopApp.exe";
};

TEST_F(InventoryTest, EveryAffectedWindowsBuildAlerts) {
  for (const auto& v : ThreeCx().affected_windows) {
    auto rs = RunCheck(*check_, AppExe(ThreeCx().windows_product_names.at(0), v), exe_path_);
    const Reason* r = FindReason(rs, "inventory.3cx-desktopapp");
    ASSERT_NE(r, nullptr) << v;
    EXPECT_EQ(r->score, ThreeCx().score_affected);
    EXPECT_GT(r->score, 75);
    EXPECT_EQ(Detail(*r, "version"), v);
    EXPECT_EQ(Detail(*r, "platform"), "Windows");
    EXPECT_NE(r->remediation.find("PWA"), std::string::npos);
    EXPECT_NE(r->remediation.find("X_TRADER"), std::string::npos);
  }
}

// The versions written out from the vendor's advisory (3CX, March/April
// 2023: Windows 18.12.407 and 18.12.416; macOS also 18.11.1213 and
// 18.12.402; fixed 18.12.422 and 18.12.425), not read from the shipped data
// under test: the data must say what the advisory says, and the check must
// act on it.
TEST_F(InventoryTest, AdvisoryVersionsWrittenOutAlertAndFixedOnesDoNot) {
  const std::string product = ThreeCx().windows_product_names.at(0);
  for (const char* v : {"18.12.407", "18.12.416"}) {
    const Reason* r = nullptr;
    auto rs = RunCheck(*check_, AppExe(product, v), exe_path_);
    r = FindReason(rs, "inventory.3cx-desktopapp");
    ASSERT_NE(r, nullptr) << v;
    EXPECT_GT(r->score, 75) << v;
  }
  for (const char* v : {"18.12.422", "18.12.425", "18.11.1213", "18.12.402", "18.12.4070"}) {
    auto rs = RunCheck(*check_, AppExe(product, v), exe_path_);
    for (const auto& r : rs) EXPECT_LE(r.score, 75) << v << " (not affected on Windows)";
  }
  EXPECT_EQ(ThreeCx().affected_macos,
            (std::vector<std::string>{"18.11.1213", "18.12.402", "18.12.407", "18.12.416"}));
}

TEST_F(InventoryTest, CleanWindowsBuildsDoNotAlert) {
  for (const auto& v : ThreeCx().fixed) {
    auto rs = RunCheck(*check_, AppExe(ThreeCx().windows_product_names.at(0), v), exe_path_);
    for (const auto& r : rs) EXPECT_LE(r.score, ThreeCx().score_clean) << v;
    // Not an Alert, but the hunted product is reported as a Warning that says
    // what to verify.
    const Reason* inv = FindReason(rs, "inventory.3cx-desktopapp");
    ASSERT_NE(inv, nullptr) << v;
    EXPECT_GE(inv->score, 60) << v;
    EXPECT_LE(inv->score, 75) << v;
    EXPECT_NE(inv->remediation.find("PWA"), std::string::npos) << v;
  }
  // The macOS-only affected version is not affected on Windows.
  auto rs =
      RunCheck(*check_, AppExe(ThreeCx().windows_product_names.at(0), "18.11.1213"), exe_path_);
  for (const auto& r : rs) EXPECT_LE(r.score, ThreeCx().score_clean);
}

TEST_F(InventoryTest, ProductNameFromResourceWinsOverFileName) {
  // Renamed copy of an affected build is still found.
  auto rs = RunCheck(
      *check_, AppExe(ThreeCx().windows_product_names.at(0), ThreeCx().affected_windows.at(1)),
      "/tmp/renamed.exe");
  EXPECT_NE(FindReason(rs, "inventory.3cx-desktopapp"), nullptr);
  // A file named like the app without a version resource: nothing to date.
  EXPECT_TRUE(RunCheck(*check_, synth::BuildPe({}), exe_path_).empty());
  // Another product with the same version number is not 3CX.
  EXPECT_TRUE(
      RunCheck(*check_, AppExe("Other App", ThreeCx().affected_windows.at(0)), "/tmp/other.exe")
          .empty());
}

std::string Plist(const std::string& version, const std::string& id) {
  return synth::InfoPlist({{"CFBundleDisplayName", "3CX Desktop App"},
                           {"CFBundleExecutable", "3CX Desktop App"},
                           {"CFBundleIdentifier", id},
                           {"CFBundleName", "3CX Desktop App"},
                           {"CFBundlePackageType", "APPL"},
                           {"CFBundleShortVersionString", version},
                           {"CFBundleVersion", version}});
}

TEST_F(InventoryTest, EveryAffectedMacBuildAlerts) {
  std::string path =
      "/mnt/mac/Applications/" + ThreeCx().macos_bundle_names.at(0) + "/Contents/Info.plist";
  for (const auto& v : ThreeCx().affected_macos) {
    auto rs = RunCheck(*check_, Plist(v, ThreeCx().macos_bundle_ids.at(0)), path);
    const Reason* r = FindReason(rs, "inventory.3cx-desktopapp");
    ASSERT_NE(r, nullptr) << v;
    EXPECT_EQ(r->score, ThreeCx().score_affected);
    EXPECT_EQ(Detail(*r, "platform"), "macOS");
    EXPECT_EQ(Detail(*r, "bundle_id"), ThreeCx().macos_bundle_ids.at(0));
  }
}

TEST_F(InventoryTest, CleanMacBuildAndOtherPlistsAreQuiet) {
  std::string path =
      "/mnt/mac/Applications/" + ThreeCx().macos_bundle_names.at(0) + "/Contents/Info.plist";
  for (const auto& r :
       RunCheck(*check_, Plist(ThreeCx().fixed.back(), ThreeCx().macos_bundle_ids.at(0)), path))
    EXPECT_LE(r.score, ThreeCx().score_clean);
  // Affected version number in another app's Info.plist.
  EXPECT_TRUE(RunCheck(*check_, Plist(ThreeCx().affected_macos.at(0), "com.example.other"),
                       "/Applications/Other.app/Contents/Info.plist")
                  .empty());
  // A damaged binary plist is quiet.
  EXPECT_TRUE(RunCheck(*check_, "bplist00....", path).empty());
}

// The same inventory from a binary Info.plist (bplist00, as plistlib and
// Xcode write them): the affected build alerts, its near miss (a later
// build, non-ASCII display name) does not.
TEST_F(InventoryTest, BinaryInfoPlistOfAnAffectedBuildAlerts) {
  std::string path =
      "/mnt/mac/Applications/" + ThreeCx().macos_bundle_names.at(0) + "/Contents/Info.plist";
  const auto& a = bplist::Affected();
  auto rs = RunCheck(*check_, std::string(a.begin(), a.end()), path);
  const Reason* r = FindReason(rs, "inventory.3cx-desktopapp");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, ThreeCx().score_affected);
  EXPECT_EQ(Detail(*r, "version"), "18.12.416");
  const auto& later = bplist::Utf16();
  for (const auto& x : RunCheck(*check_, std::string(later.begin(), later.end()), path))
    EXPECT_LE(x.score, ThreeCx().score_clean) << x.name;
}

TEST_F(InventoryTest, BundleIdAloneIdentifiesACopiedBundle) {
  auto rs =
      RunCheck(*check_, Plist(ThreeCx().affected_macos.back(), ThreeCx().macos_bundle_ids.at(0)),
               "/evidence/copy/Contents/Info.plist");
  EXPECT_NE(FindReason(rs, "inventory.3cx-desktopapp"), nullptr);
}

TEST_F(InventoryTest, XTraderByVersionResourceInstallerNameAndInstallDir) {
  const auto& xt = XTrader();
  std::string name = "inventory.retired." + xt.id;
  synth::PeSpec s;
  s.version_blob = synth::VersionInfoBlob({{"CompanyName", "Trading Technologies"},
                                           {"ProductName", xt.product_names.at(0) + " Pro"},
                                           {"ProductVersion", "7.17.90"}});
  auto by_res = RunCheck(*check_, synth::BuildPe(s), "/mnt/win/tmp/setup.exe");
  const Reason* r = FindReason(by_res, name);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, xt.score);
  // The retired product's presence is a Warning (>= 60), never an Alert on
  // its own (an Alert needs a sub-score above 75): the known-bad build
  // alerts through its own traces.
  EXPECT_GE(r->score, 60);
  EXPECT_LE(r->score, 75);
  EXPECT_NE(r->remediation.find("ninstall"), std::string::npos);

  auto by_name =
      RunCheck(*check_, synth::BuildPe({}),
               "/mnt/win/Users/bob/Downloads/" + xt.installer_prefixes.at(0) + "r7.17.90p608.exe");
  EXPECT_NE(FindReason(by_name, name), nullptr);

  std::string ole("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
  ole += std::string(512, '\0');
  auto msi = RunCheck(*check_, ole, "/share/" + xt.installer_prefixes.at(1) + "7.17.msi");
  EXPECT_NE(FindReason(msi, name), nullptr);

  auto by_dir = RunCheck(*check_, synth::BuildPe({}),
                         "/mnt/win/tt/" + xt.install_dirs.at(0) + "/bin/main.exe");
  EXPECT_NE(FindReason(by_dir, name), nullptr);
}

TEST_F(InventoryTest, XTraderNearMissesAreQuiet) {
  const auto& xt = XTrader();
  std::string name = "inventory.retired." + xt.id;
  // A text file with the installer name, a DLL in the install dir, an unrelated exe.
  EXPECT_TRUE(
      RunCheck(*check_, "notes", "/tmp/" + xt.installer_prefixes.at(0) + "notes.txt").empty());
  synth::PeSpec dll;
  dll.dll = true;
  EXPECT_EQ(FindReason(RunCheck(*check_, synth::BuildPe(dll),
                                "/tt/" + xt.install_dirs.at(0) + "/bin/lib.dll"),
                       name),
            nullptr);
  EXPECT_TRUE(RunCheck(*check_, synth::BuildPe({}), "/tmp/trader.exe").empty());
}

TEST(Plist, TopLevelStringsSkipNestedAndNonStrings) {
  std::string p = synth::InfoPlist({{"CFBundleShortVersionString", "1.2.3"}, {"Esc", "a&amp;b"}});
  auto kv = plist::TopLevelStrings({reinterpret_cast<const uint8_t*>(p.data()), p.size()});
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(plist::Find(*kv, "CFBundleShortVersionString"), "1.2.3");
  EXPECT_EQ(plist::Find(*kv, "Esc"), "a&b");
  EXPECT_FALSE(plist::Find(*kv, "algorithm"));  // nested dict
  EXPECT_FALSE(plist::Find(*kv, "NSHighResolutionCapable"));
  EXPECT_FALSE(plist::Find(*kv, "LSMinimumSystemVersion") == std::nullopt);
  for (size_t n = 0; n < p.size(); n += 3)
    (void)plist::TopLevelStrings({reinterpret_cast<const uint8_t*>(p.data()), n});
}

TEST(CheckData, VersionNormalisation) {
  EXPECT_EQ(NormalizeVersion("18.12.416.0"), "18.12.416");
  EXPECT_EQ(NormalizeVersion("18, 12, 416, 0"), "18.12.416");
  EXPECT_EQ(NormalizeVersion("018.012.0416"), "18.12.416");
  EXPECT_EQ(NormalizeVersion("v18"), "");
  EXPECT_TRUE(VersionIn("18.12.407.0", {"18.12.407"}));
  EXPECT_FALSE(VersionIn("18.12.4070", {"18.12.407"}));
  EXPECT_FALSE(VersionIn("", {""}));
}

TEST(CheckData, ShippedFileLoadsCompletely) {
  const CheckData& d = ShippedCheckData();
  EXPECT_TRUE(d.padding.enabled);
  EXPECT_FALSE(d.padding.tags.empty());
  EXPECT_EQ(d.signers.size(), 2u);
  EXPECT_TRUE(d.icon.enabled);
  ASSERT_NE(d.FindProduct("3cx-desktopapp"), nullptr);
  EXPECT_EQ(d.retired.size(), 1u);
  for (const auto& s : d.signers) EXPECT_FALSE(s.source.empty()) << s.id;
}

TEST(CheckData, BadEntriesAreDiagnosticsAndTheRestLoads) {
  Diagnostics diag;
  CheckData d;
  Status s = ParseCheckData(R"({"format": 1,
      // comment
      "signers": [{"name": "no id"}, {"id": "ok", "serial": "00ab", "signed_after": "bad"}],
      "authenticode_padding": {"tags": [{"hex": "zz"}, {"hex": "fe ed"}]}})",
                            "mem.json", &d, diag);
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(diag.error_count(), 3u);
  ASSERT_EQ(d.signers.size(), 1u);
  EXPECT_EQ(d.signers[0].serial, "ab");
  ASSERT_EQ(d.padding.tags.size(), 1u);
  EXPECT_EQ(d.padding.tags[0].bytes, std::string("\xfe\xed", 2));
  // A signer without a serial matches on its names only.
  CheckData by_name;
  ASSERT_TRUE(ParseCheckData(R"({"format": 1, "signers": [{"id": "n", "subject_contains": "X"}]})",
                             "n.json", &by_name, diag)
                  .ok());
  EXPECT_EQ(by_name.signers.at(0).serial, "");
  EXPECT_FALSE(ParseCheckData("{", "x", &d, diag).ok());
  EXPECT_FALSE(ParseCheckData(R"({"format": 2})", "x", &d, diag).ok());
}

}  // namespace
}  // namespace harrier::testing
