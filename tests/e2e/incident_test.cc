// Issue 3 done-when: scanning a fake mounted Windows volume and a fake macOS
// volume, built the way real installs look, raises an Alert for each trace of
// the 3CX / X_TRADER incident and nothing for the clean decoys. Every file is
// synthetic and benign, generated here; indicator values come from the
// shipped check data (rules/packs/*/checks/) so the test follows the data file.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "checks/authenticode.h"
#include "checks/check_data.h"
#include "e2e/jsonl.h"
#include "testutil/bplist_fixtures.h"
#include "testutil/synth.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// Indicators come from the shipped rules at test time (STYLE rule 10), so
// the test binary itself carries none and a scan of a build tree stays clean.
std::string RulesText(const std::string& rel) {
  return ReadWholeFile(SourceDir() + "/rules/packs/3cx-unc4736/" + rel);
}

// The RC4 key string of the SUDDENICON loader rule ($key = "...").
std::string LoaderKey() {
  std::smatch m;
  std::string text = RulesText("yara/3cx_unc4736_windows.yar");
  EXPECT_TRUE(std::regex_search(text, m, std::regex(R"re(\$key = "([^"]+)")re")));
  return m.size() > 1 ? m[1].str() : "";
}

// The first actor domain of the built-in C2 list.
std::string FirstC2Domain() {
  std::istringstream in(RulesText("iocs/c2-iocs-3cx-unc4736.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string ind = line.substr(0, line.find(';'));
    if (ind.find('/') == std::string::npos && !std::isdigit(static_cast<unsigned char>(ind[0])))
      return ind;
  }
  ADD_FAILURE() << "no domain in the built-in C2 list";
  return "";
}

const CheckData& Data() {
  static const CheckData* d = [] {
    Diagnostics diag;
    CheckData r = LoadCheckData(PackCheckDirs(SourceDir() + "/rules"), diag);
    EXPECT_EQ(diag.error_count(), 0u);
    return new CheckData(std::move(r));
  }();
  return *d;
}
const SignerData& Signer(const std::string& id) {
  for (const auto& s : Data().signers)
    if (s.id == id) return s;
  static SignerData none;
  return none;
}
const ProductData& ThreeCx() { return *Data().FindProduct("3cx-desktopapp"); }

// `pe_ts` default: 2023-03-14, inside the compromise window; clean 18.12.425
// builds date from April 2023.
std::string AppExe(const std::string& version, std::optional<synth::SignSpec> sign = std::nullopt,
                   uint32_t pe_ts = 0x64000000) {
  synth::PeSpec s;
  s.timestamp = pe_ts;
  s.version_blob =
      synth::VersionInfoBlob({{"CompanyName", "3CX"},
                              {"FileDescription", ThreeCx().windows_product_names.at(0)},
                              {"FileVersion", version + ".0"},
                              {"ProductName", ThreeCx().windows_product_names.at(0)},
                              {"ProductVersion", version}});
  if (sign) s.cert_table = synth::WinCertificate(synth::MakePkcs7(*sign));
  return synth::BuildPe(s);
}

synth::SignSpec ThreeCxSigner() {
  synth::SignSpec s;
  s.serial_hex = Signer("3cx-ltd").serial;
  s.common_name = Signer("3cx-ltd").subject_contains;
  s.organization = Signer("3cx-ltd").subject_contains;
  return s;
}

std::string InfoPlist(const std::string& version, const std::string& id) {
  return synth::InfoPlist({{"CFBundleExecutable", "3CX Desktop App"},
                           {"CFBundleIdentifier", id},
                           {"CFBundleName", "3CX Desktop App"},
                           {"CFBundlePackageType", "APPL"},
                           {"CFBundleShortVersionString", version},
                           {"CFBundleVersion", version}});
}

struct Tree {
  TempDir dir;
  std::set<std::string> alerts;  // full paths that must raise an Alert
  std::set<std::string> clean;   // full paths that must raise nothing
  // Full paths that must raise a Warning, not an Alert: the presence of a
  // hunted product that is not a known-bad build.
  std::set<std::string> warnings;
  std::string Warn(const std::string& rel, const std::string& content) {
    auto p = dir.Write(rel, content);
    warnings.insert(p);
    return p;
  }
  std::string Alert(const std::string& rel, const std::string& content) {
    auto p = dir.Write(rel, content);
    alerts.insert(p);
    return p;
  }
  std::string Clean(const std::string& rel, const std::string& content) {
    auto p = dir.Write(rel, content);
    clean.insert(p);
    return p;
  }
};

// A Windows volume as mounted from an image: Windows/System32, Users,
// Program Files, ProgramData.
void BuildWindows(Tree& t) {
  const std::string app = "win/Users/bob/AppData/Local/Programs/3CXDesktopApp/";
  const std::string affected = ThreeCx().affected_windows.back();
  t.dir.Mkdir("win/Program Files/Common Files");
  t.Clean("win/Windows/System32/notepad.exe", synth::BuildPe({}));
  // Names signature-base dropped as false positives: real Windows files.
  t.Clean("win/Windows/System32/wlbsctrl.dll", synth::BuildPe({}));
  t.Clean(
      "win/Windows/System32/config/TxR/{016888cd-6c6f-11de-8d1d-001e0bcde3ec}.TxR.0.regtrans-ms",
      synth::Utf16("REGISTRY") + std::string(4096, '\0'));

  // The affected 3CX install: launcher, app exe signed with the 3CX cert,
  // the ffmpeg.dll loader, the d3dcompiler_47.dll carrier, the delay file.
  t.Alert(app + "3CXDesktopApp.exe", AppExe(affected));
  t.Alert(app + "app/3CXDesktopApp.exe", AppExe(affected, ThreeCxSigner()));
  synth::PeSpec ffmpeg;
  ffmpeg.dll = true;
  ffmpeg.text = std::string(32, '\0') + LoaderKey() + std::string(16, '\0') +
                synth::Utf16("d3dcompiler_47.dll");
  t.Alert(app + "app/ffmpeg.dll", synth::BuildPe(ffmpeg));
  synth::SignSpec ms;
  ms.common_name = "Microsoft Corporation";
  ms.organization = "Microsoft Corporation";
  synth::PeSpec d3d;
  d3d.dll = true;
  d3d.text = std::string(64, '\0') + "D3DCompiler_47.pdb";
  d3d.cert_table = synth::WinCertificate(
      synth::MakePkcs7(ms), Data().padding.tags.at(0).bytes + synth::RandomBytes(4000));
  t.Alert(app + "app/d3dcompiler_47.dll", synth::BuildPe(d3d));
  t.dir.Write(app + "app/manifest", "1681136171");  // Warning-level trace, asserted below

  // ICONIC dead drop cached by the user, and a proxy log naming the C2.
  t.Alert("win/Users/bob/AppData/Local/Temp/icon13.ico",
          synth::IcoWithPng(Data().icon.marker + synth::Base64Text(182) + "=="));
  t.Alert("win/Users/bob/AppData/Local/proxy.log",
          "2023-03-22 10:01:02 CONNECT " + FirstC2Domain() + ":443 3CXDesktopApp.exe\n");

  // X_TRADER entry point: the trojanized installer (TT cert, signed after
  // the date in the intel) and the VEILEDSIGNAL drop folder.
  synth::SignSpec tt;
  tt.serial_hex = Signer("trading-technologies").serial;
  tt.common_name = Signer("trading-technologies").subject_contains + ", Inc";
  tt.organization = tt.common_name;
  tt.issuer_cn = Signer("trading-technologies").issuer_contains;
  tt.signing_time = *Signer("trading-technologies").signed_after + 60 * 86400;
  synth::PeSpec xt;
  xt.cert_table = synth::WinCertificate(synth::MakePkcs7(tt));
  t.Alert(Indicator("win/Users/bob/Downloads/X_TRADER_r7.1|7.90p608.exe"), synth::BuildPe(xt));
  t.Alert("win/ProgramData/TPM/winscard.dll", synth::BuildPe({}));
  // An X_TRADER install (retired product) with no trace of the trojanized
  // build: a Warning with the remediation, not an Alert.
  synth::PeSpec xt_app;
  xt_app.version_blob = synth::VersionInfoBlob({{"CompanyName", "Trading Technologies"},
                                                {"ProductName", "X_TRADER"},
                                                {"ProductVersion", "7.17.80"}});
  t.Warn("win/Program Files/x_trader/bin/x_trader.exe", synth::BuildPe(xt_app));

  // Decoys: a fixed 3CX build (a Warning: the hunted product, not a bad build), a properly signed tool, a plain icon,
  // a log without indicators, a legitimate d3dcompiler_47.dll elsewhere.
  t.Warn("win/Users/alice/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe",
          AppExe(ThreeCx().fixed.back(), ThreeCxSigner(),
                 static_cast<uint32_t>(*authenticode::ParseDate("2023-04-09"))));
  synth::PeSpec tool;
  tool.cert_table = synth::WinCertificate(synth::MakePkcs7(ms));
  t.Clean("win/Program Files/Vendor/tool.exe", synth::BuildPe(tool));
  synth::PeSpec d3d_clean = d3d;
  d3d_clean.cert_table = synth::WinCertificate(synth::MakePkcs7(ms));
  d3d_clean.text = std::string(64, '\0');
  t.Clean("win/Program Files/Game/d3dcompiler_47.dll", synth::BuildPe(d3d_clean));
  t.Clean("win/Users/alice/Pictures/app.ico", synth::IcoWithPng());
  t.Clean("win/Users/alice/AppData/Local/app.log",
          "2023-03-22 started; connected to www.3cx.com\n");
}

// A macOS system volume: Applications, Users, Library, System.
void BuildMac(Tree& t) {
  t.dir.Mkdir("mac/System/Library");
  const std::string bundle =
      "mac/Applications/" + ThreeCx().macos_bundle_names.at(0) + "/Contents/";
  t.Alert(bundle + "Info.plist",
          InfoPlist(ThreeCx().affected_macos.at(0), ThreeCx().macos_bundle_ids.at(0)));
  const std::string support = "mac/Users/bob/Library/Application Support/3CX Desktop App/";
  t.Alert(support + "UpdateAgent",
          std::string("\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8) + std::string(64, '\0'));
  t.Alert(support + ".main_storage", std::string(0x38, 'z'));
  t.Clean(support + "config.json", "{\"ProvisioningUrl\": \"https://pbx.example.com\"}\n");
  t.Alert("mac/Library/Graphics/Quartz",
          std::string("\xcf\xfa\xed\xfe", 4) + std::string(60, '\0'));

  // Decoys: a fixed build for another user (Warning), another app's Info.plist (nothing).
  t.Warn(
      "mac/Users/alice/Applications/" + ThreeCx().macos_bundle_names.at(0) + "/Contents/Info.plist",
      InfoPlist(ThreeCx().fixed.back(), ThreeCx().macos_bundle_ids.at(0)));
  t.Clean("mac/Applications/Other.app/Contents/Info.plist",
          InfoPlist(ThreeCx().affected_macos.at(0), "com.example.other"));
  // A binary Info.plist (bplist00) of an affected build in a copied bundle
  // (found by its bundle id), and of a later build (a Warning).
  const auto& bin = bplist::Affected();
  t.Alert("mac/Users/bob/Desktop/Copy.app/Contents/Info.plist", std::string(bin.begin(), bin.end()));
  const auto& later = bplist::Utf16();
  t.Warn("mac/Users/carol/Applications/" + ThreeCx().macos_bundle_names.at(0) +
             "/Contents/Info.plist",
         std::string(later.begin(), later.end()));
}

Jsonl Scan(const std::vector<std::string>& args, int* exit_code) {
  std::vector<std::string> a = {"scan", "--no-progress", "--jsonl", "-"};
  a.insert(a.end(), args.begin(), args.end());
  auto r = RunHarrier(a, 300);
  *exit_code = r.exit_code;
  EXPECT_TRUE(r.err.find("check data:") == std::string::npos) << r.err;
  return ParseJsonl(r.out);
}

bool HasReason(const nlohmann::json& f, const std::string& name_prefix) {
  for (const auto& r : f["harrier"]["reasons"])
    if (r["name"].get<std::string>().rfind(name_prefix, 0) == 0) return true;
  return false;
}

void ExpectVerdicts(const Tree& t, const Jsonl& j) {
  for (const auto& p : t.alerts) {
    auto it = j.findings.find(p);
    ASSERT_NE(it, j.findings.end()) << "no finding for " << p;
    EXPECT_EQ(it->second["harrier"]["level"], "alert") << p << "\n" << it->second.dump(1);
    // Every alert tells the admin what it means; native ones what to do.
    for (const auto& r : it->second["harrier"]["reasons"]) {
      EXPECT_FALSE(r["description"].get<std::string>().empty()) << p;
      if (r["type"] == "check" && r["score"].get<int>() > 0) {
        EXPECT_TRUE(r.contains("remediation")) << p;
      }
    }
  }
  for (const auto& p : t.warnings) {
    auto it = j.findings.find(p);
    ASSERT_NE(it, j.findings.end()) << "no finding for " << p;
    EXPECT_EQ(it->second["harrier"]["level"], "warning") << p << "\n" << it->second.dump(1);
    bool remediation = false;
    for (const auto& r : it->second["harrier"]["reasons"])
      remediation |= r["type"] == "check" && r.contains("remediation");
    EXPECT_TRUE(remediation) << p;
  }
  for (const auto& p : t.clean)
    EXPECT_EQ(j.findings.count(p), 0u) << "decoy reported: " << p << "\n"
                                       << j.findings.at(p).dump(1);
}

TEST(IncidentE2E, MountedWindowsVolume) {
  Tree t;
  BuildWindows(t);
  int rc = 0;
  Jsonl j = Scan({t.dir.path() + "/win"}, &rc);
  EXPECT_EQ(rc, 1);
  ExpectAccounted(j.summary);
  ExpectVerdicts(t, j);
  const std::string app = t.dir.path() + "/win/Users/bob/AppData/Local/Programs/3CXDesktopApp/";
  // Which check raised what, and the Windows form shown for the image path.
  auto& launcher = j.findings[app + "3CXDesktopApp.exe"];
  EXPECT_TRUE(HasReason(launcher, "inventory.3cx-desktopapp"));
  EXPECT_EQ(launcher["harrier"]["display_path"],
            "C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe");
  EXPECT_TRUE(HasReason(j.findings[app + "app/3CXDesktopApp.exe"], "pe.signer.3cx-ltd"));
  EXPECT_TRUE(HasReason(j.findings[app + "app/d3dcompiler_47.dll"], "pe.authenticode_padding"));
  EXPECT_TRUE(HasReason(j.findings[t.dir.path() + "/win/Users/bob/AppData/Local/Temp/icon13.ico"],
                        "icon.iconic_deaddrop"));
  auto& xt = j.findings[t.dir.path() + Indicator("/win/Users/bob/Downloads/X_TRADER_r7.1|7.90p608.exe")];
  EXPECT_TRUE(HasReason(xt, "pe.signer.trading-technologies"));
  EXPECT_TRUE(HasReason(xt, "inventory.retired.x_trader"));
  // A Windows path IOC (\\ProgramData\\TPM\\winscard.dll) matched in the image.
  EXPECT_TRUE(HasReason(j.findings[t.dir.path() + "/win/ProgramData/TPM/winscard.dll"],
                        "(?i)\\\\ProgramData"));
  // The delay file is a Warning-level trace (name only).
  auto m = j.findings.find(app + "app/manifest");
  ASSERT_NE(m, j.findings.end());
  EXPECT_EQ(m->second["harrier"]["level"], "warning");
}

TEST(IncidentE2E, MacOsVolume) {
  Tree t;
  BuildMac(t);
  int rc = 0;
  Jsonl j = Scan({t.dir.path()}, &rc);  // the volume root is found one level down
  EXPECT_EQ(rc, 1);
  ExpectAccounted(j.summary);
  ExpectVerdicts(t, j);
  auto& plist = j.findings[t.dir.path() + "/mac/Applications/" +
                           ThreeCx().macos_bundle_names.at(0) + "/Contents/Info.plist"];
  EXPECT_TRUE(HasReason(plist, "inventory.3cx-desktopapp"));
}

TEST(IncidentE2E, RootAsOverridesAndNoneDisablesMapping) {
  Tree t;
  t.dir.Write("img/Users/bob/Downloads/readme.txt", "x");  // no System32: not detected as Windows
  auto p = t.dir.Write("img/ProgramData/TPM/winscard.dll", synth::BuildPe({}));
  int rc = 0;
  Jsonl with = Scan({"--root-as", "C:", t.dir.path() + "/img"}, &rc);
  ASSERT_EQ(with.findings.count(p), 1u);
  EXPECT_EQ(with.findings[p]["harrier"]["display_path"], "C:\\ProgramData\\TPM\\winscard.dll");
  // Unanchored Windows IOCs still match without a mapping; the display stays the Unix path.
  Jsonl none = Scan({"--root-as", "none", t.dir.path() + "/img"}, &rc);
  ASSERT_EQ(none.findings.count(p), 1u);
  EXPECT_FALSE(none.findings[p]["harrier"].contains("display_path"));
  auto bad = RunHarrier({"scan", "--root-as", "X", t.dir.path()});
  EXPECT_EQ(bad.exit_code, 2);
}

TEST(IncidentE2E, NoBuiltinTurnsNativeChecksOff) {
  Tree t;
  BuildWindows(t);
  int rc = 0;
  // A signature that matches nothing: without any, the scan is refused.
  t.dir.Write("sigs/yara/none.yar", "rule never_matches { condition: false }\n");
  Jsonl j = Scan({"--no-builtin", "--signatures", t.dir.path() + "/sigs", t.dir.path() + "/win"}, &rc);
  EXPECT_EQ(rc, 0);
  EXPECT_TRUE(j.findings.empty());
}

}  // namespace
}  // namespace harrier::testing
