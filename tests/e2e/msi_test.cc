// End to end: a Windows Installer package (built at test time with wixl from
// msitools) carries a planted file in its embedded cabinet, as the trojanized
// 3CXDesktopApp.msi carried its DLLs. The hash IOC is found inside
// msi › product.cab, with the whole chain in the text, JSONL, CSV and HTML
// reports; a damaged MSI is a counted member skip, not a crash.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "e2e/jsonl.h"
#include "scan/hasher.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::RunHarrier;
using testing::RunProgram;
using testing::TempDir;

constexpr const char* kWxs = R"(<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="T" Language="1033" Version="1.0.0" Manufacturer="X"
           UpgradeCode="12345678-1234-1234-1234-123456789012">
    <Package InstallerVersion="200" Compressed="yes"/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder">
      <Directory Id="D" Name="App">
        <Component Id="C" Guid="12345678-1234-1234-1234-123456789013">
          <File Id="ffmpeg.dll" Name="ffmpeg.dll" Source="ffmpeg.dll"/>
        </Component>
      </Directory></Directory></Directory>
    <Feature Id="Main" Level="1"><ComponentRef Id="C"/></Feature>
  </Product>
</Wix>
)";

std::string Md5(const std::string& s) {
  Hasher h;
  return h.Compute({reinterpret_cast<const uint8_t*>(s.data()), s.size()}).md5;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Builds TREE/3CXDesktopApp.msi holding ffmpeg.dll with `payload`.
void MakeMsi(const TempDir& t, const std::string& payload) {
  // wixl finds Source files next to the .wxs file (and refuses absolute ones).
  t.Write("build/ffmpeg.dll", payload);
  t.Write("build/p.wxs", kWxs);
  t.Write("tree/.keep", "");
  auto r = RunProgram({"/usr/bin/wixl", "-o", t.path() + "/tree/3CXDesktopApp.msi",
                       t.path() + "/build/p.wxs"});
  ASSERT_EQ(r.exit_code, 0) << "wixl (Debian package wixl, installed by scripts/install-deps.sh) "
                               "failed or is missing: "
                            << r.out << r.err;
}

TEST(MsiE2E, HashIocInsideTheEmbeddedCabinetWithItsChainInEveryReport) {
  TempDir t;
  const std::string payload = "MZ planted in an msi cabinet " + std::string(300, 'q');
  MakeMsi(t, payload);
  t.Write("sigs/iocs/hash-iocs.txt", Md5(payload) + ";planted member\n");
  auto r = RunHarrier({"scan", "--no-builtin", "--no-progress", "--signatures", t.path() + "/sigs",
                       "--jsonl", t.path() + "/out.jsonl", "--csv", t.path() + "/out.csv",
                       "--html", t.path() + "/out.html", t.path() + "/tree"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string sep = " \xe2\x80\xba ";
  const std::string chain = t.path() + "/tree/3CXDesktopApp.msi" + sep + "product.cab" + sep +
                            "ffmpeg.dll";
  EXPECT_NE(r.out.find("ALERT   score 100 " + chain), std::string::npos) << r.out;

  auto j = testing::ParseJsonl(ReadAll(t.path() + "/out.jsonl"));
  ASSERT_EQ(j.findings.count("ffmpeg.dll"), 1u) << ReadAll(t.path() + "/out.jsonl");
  const auto& f = j.findings["ffmpeg.dll"];
  EXPECT_EQ(f["harrier"]["subject"]["kind"], "archive_member");
  const auto& c = f["harrier"]["subject"]["chain"];
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0]["path"], t.path() + "/tree/3CXDesktopApp.msi");
  EXPECT_EQ(c[0]["format"], "msi");
  EXPECT_EQ(c[1]["path"], "product.cab");
  EXPECT_EQ(c[1]["format"], "cab");
  EXPECT_EQ(c[2]["path"], "ffmpeg.dll");
  EXPECT_EQ(f["harrier"]["subject"]["display"], chain);
  EXPECT_EQ(f["file"]["hash"]["md5"], Md5(payload));
  EXPECT_EQ(j.summary["archives"]["containers"], 2) << j.summary.dump();
  uint64_t seen = j.summary["archives"]["members_seen"];
  EXPECT_EQ(seen, j.summary["archives"]["members_scanned"].get<uint64_t>() +
                      j.summary["archives"]["members_skipped"].get<uint64_t>());

  std::string csv = ReadAll(t.path() + "/out.csv");
  EXPECT_NE(csv.find(chain), std::string::npos) << csv;
  std::string html = ReadAll(t.path() + "/out.html");
  // The chain separator › stays UTF-8 in the page (HTML escaping leaves it).
  EXPECT_NE(html.find("product.cab" + sep + "ffmpeg.dll"), std::string::npos);

  // --no-archives: the installer is one opaque file again.
  auto off = RunHarrier({"scan", "--no-builtin", "--no-progress", "--no-archives", "--signatures",
                         t.path() + "/sigs", t.path() + "/tree"});
  EXPECT_EQ(off.exit_code, 0) << off.out << off.err;
}

TEST(MsiE2E, ADamagedInstallerIsACountedSkipNotACrash) {
  TempDir t;
  MakeMsi(t, "MZ fine");
  std::string msi = ReadAll(t.path() + "/tree/3CXDesktopApp.msi");
  // Keep the header, lose most of the directory and FAT.
  t.Write("tree/3CXDesktopApp.msi", msi.substr(0, 1536));
  t.Write("sigs/yara/none.yar", "rule never_matches { condition: false }\n");
  auto r = RunHarrier({"scan", "--no-builtin", "--signatures", t.path() + "/sigs", "--no-progress",
                       "--jsonl", "-", t.path() + "/tree"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;  // member skips do not make a scan incomplete
  auto j = testing::ParseJsonl(r.out);
  EXPECT_GE(j.summary["archives"]["skipped"]["corrupt"].get<uint64_t>(), 1u) << j.summary.dump();
  EXPECT_EQ(j.summary["files_scanned"], 1);
}

}  // namespace
}  // namespace harrier
