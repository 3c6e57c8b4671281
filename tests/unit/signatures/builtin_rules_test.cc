// The 33 built-in YARA rules (rules/packs/3cx-unc4736/yara/*.yar, described in
// docs/detections.md), one test per rule, named after it: a synthetic
// positive built at run time with exactly the traits the rule needs, and a
// near-miss made from it by breaking one trait, which must stay quiet.
//
// The rule files are compiled from the source tree with CompileYara and
// scanned with YaraScanner, the way the scanner does (pe and math modules,
// externals from YaraExternalValues; only the TxR blob rule uses one,
// `filename`, the subject's base name).
//
// Nothing here is a sample: every file is a few hand-made bytes. Distinctive
// marker strings are written with a '|' inside (removed by M()) so that the
// test binary does not carry them whole and a Harrier scan of a build tree
// does not flag it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "scan/yara_scanner.h"
#include "signatures/yara_rules.h"
#include "testutil/synth.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

namespace fs = std::filesystem;
using namespace harrier::testing::synth;  // NOLINT

// ---- building blocks ---------------------------------------------------------

// A marker written with '|' split points.
std::string M(std::string_view s) { return testing::Indicator(s); }
std::string W(std::string_view s) { return Utf16(M(s)); }  // UTF-16LE marker
std::string Bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}
std::string Xor(const std::string& s, uint8_t key) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(static_cast<uint8_t>(c) ^ key);
  return out;
}
// Some filler between markers so no two strings touch.
std::string Sep() { return std::string(16, '\0'); }
std::string Join(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts) s += p + Sep();
  return s;
}

// Thin 64-bit Mach-O (magic 0xFEEDFACF little-endian) with `body` after a header.
std::string MachO(const std::string& body) {
  std::string s = Bytes({0xCF, 0xFA, 0xED, 0xFE, 0x07, 0x00, 0x00, 0x01});
  s.resize(64, '\0');
  return s + body;
}
std::string Elf(const std::string& body) {
  std::string s = Bytes({0x7F, 'E', 'L', 'F', 2, 1, 1, 0});
  s.resize(64, '\0');
  return s + body;
}
// A non-executable blob (starts with neither MZ, ELF nor a Mach-O magic).
std::string Blob(const std::string& body) { return std::string("DATA") + Sep() + body; }
// A text note (docs/detections.md near-misses "text file with ...").
std::string Text(const std::string& body) { return "analyst note: " + body + "\n"; }
std::string Ole(const std::string& body) {
  std::string s = Bytes({0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1});
  s.resize(512, '\0');
  return s + body;
}
std::string Pe64(const std::string& text, uint32_t timestamp = 0x64000000, bool dll = false) {
  PeSpec p;
  p.pe64 = true;
  p.dll = dll;
  p.timestamp = timestamp;
  p.text = Sep() + text;
  return BuildPe(p);
}
std::string Pe32(const std::string& text, bool dll = false) {
  PeSpec p;
  p.pe64 = false;
  p.dll = dll;
  p.text = Sep() + text;
  return BuildPe(p);
}
// PE64 with a certificate table holding a real PKCS#7 plus `inside` (within
// dwLength) and `after` appended after the table (outside it).
std::string SignedPe(const std::string& text, const std::string& inside, const std::string& after) {
  PeSpec p;
  p.text = Sep() + text;
  p.cert_table = WinCertificate(MakePkcs7(SignSpec{}), inside);
  p.overlay_after_cert = after;
  return BuildPe(p);
}
std::string SigFlipTag() { return Bytes({0xFE, 0xED, 0xFA, 0xCE, 0xFE, 0xED, 0xFA, 0xCE}); }

// The synthetic PNG's CRCs are filler; the dead-drop rules anchor on the real
// IEND CRC (AE 42 60 82), which is the same for every PNG.
std::string WithRealIendCrc(std::string s) {
  size_t at = s.find("IEND");
  EXPECT_NE(at, std::string::npos);
  s.replace(at + 4, 4, Bytes({0xAE, 0x42, 0x60, 0x82}));
  return s;
}

// ---- rule set ----------------------------------------------------------------

class BuiltinRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<YaraSource> sources;
    for (const auto& e : fs::directory_iterator(fs::path(HARRIER_SOURCE_DIR) / "rules" / "packs" / "3cx-unc4736" / "yara")) {
      if (e.path().extension() != ".yar") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      sources.push_back({e.path().string(), ss.str()});
    }
    Diagnostics d;
    YaraCompileStats st;
    auto r = CompileYara(sources, d, &st);
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(d.error_count(), 0u);
    ASSERT_EQ(st.files, 4u);
    ASSERT_EQ(st.files_failed, 0u);
    rules_ = new std::shared_ptr<const YaraRules>(*r);
  }
  static void TearDownTestSuite() {
    delete rules_;
    rules_ = nullptr;
  }

  static std::set<std::string> Matches(const std::string& data, const YaraExternalValues& ev = {}) {
    auto s = YaraScanner::Create(*rules_, YaraLimits{});
    EXPECT_TRUE(s.ok());
    std::vector<Reason> reasons;
    EXPECT_TRUE(
        (*s)->Scan({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, ev, &reasons).ok());
    std::set<std::string> names;
    for (const auto& r : reasons) names.insert(r.name);
    return names;
  }
  // Positive: `rule` matches. Near-miss: it does not.
#define ExpectHit(...) \
  do {                   \
    SCOPED_TRACE("");    \
    ExpectHitAt(__VA_ARGS__); \
  } while (0)
#define ExpectQuiet(...) \
  do {                   \
    SCOPED_TRACE("");    \
    ExpectQuietAt(__VA_ARGS__); \
  } while (0)
  static void ExpectHitAt(const std::string& rule, const std::string& data,
                        const YaraExternalValues& ev = {}) {
    auto m = Matches(data, ev);
    EXPECT_TRUE(m.count(rule)) << rule << " did not match the positive";
  }
  static void ExpectQuietAt(const std::string& rule, const std::string& data,
                          const YaraExternalValues& ev = {}) {
    auto m = Matches(data, ev);
    EXPECT_FALSE(m.count(rule)) << rule << " matched the near-miss";
  }

  static std::shared_ptr<const YaraRules>* rules_;
};
std::shared_ptr<const YaraRules>* BuiltinRules::rules_ = nullptr;

TEST_F(BuiltinRules, SetHasThe33DocumentedRules) {
  EXPECT_EQ((*rules_)->rule_count(), 33u);
}

// ---- 3cx_unc4736_macos.yar ---------------------------------------------------

TEST_F(BuiltinRules, Harrier_3CX_macOS_libffmpeg_Backdoor) {
  const std::string r = "Harrier_3CX_macOS_libffmpeg_Backdoor";
  const std::string plist = M("/System/Library/CoreServices/|SystemVersion.plist");
  ExpectHit(r, MachO(Join({Xor(plist, 0x7a)})));
  ExpectQuiet(r, MachO(Join({Xor(plist, 0x7b)})));  // another XOR key
  // The clear-text path formats need both.
  ExpectHit(r, MachO(Join({M("%s/.main_|storage"), M("%s/Update|Agent")})));
  ExpectQuiet(r, MachO(Join({M("%s/.main_|storage")})));
  // docs near-misses: the plist path and UA in clear; a Java class with the path formats.
  ExpectQuiet(r, MachO(Join({plist, M("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                                      "(KHTML, like Gecko) Chrome/108.0.5359.|128 Safari/537.36")})));
  ExpectQuiet(r, Bytes({0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x34}) + Sep() +
                     Join({M("%s/.main_|storage"), M("%s/Update|Agent")}));
}

TEST_F(BuiltinRules, Harrier_3CX_macOS_UpdateAgent) {
  const std::string r = "Harrier_3CX_macOS_UpdateAgent";
  ExpectHit(r, MachO(Join({M(".main_|storage"), M("config.|json"), M("parse_json|_config")})));
  ExpectQuiet(r, MachO(Join({M(".main_|storage"), M("parse_json|_config")})));  // no config.json
  ExpectHit(r, MachO(Join({M("https://sbmsa|.wiki/blog/_insert")})));
  ExpectQuiet(r, Elf(Join({M("https://sbmsa|.wiki/blog/_insert")})));  // not Mach-O
  ExpectQuiet(r, MachO(Join({M(".main_|storage"), M("config.|json")})));  // no function name
}

TEST_F(BuiltinRules, Harrier_3CX_macOS_XOR_Encoded_Beacon_Strings) {
  const std::string r = "Harrier_3CX_macOS_XOR_Encoded_Beacon_Strings";
  const std::string a = M("3CX Desk|top App"), b = M("__tut|ma=");
  ExpectHit(r, MachO(Join({Xor(a, 0x33), Xor(b, 0x33)})));
  ExpectQuiet(r, MachO(Join({a, b})));  // clear text: key 0 is outside xor(0x01-0xff)
}

TEST_F(BuiltinRules, Harrier_3CX_macOS_App_Signed_For_Affected_Build) {
  const std::string r = "Harrier_3CX_macOS_App_Signed_For_Affected_Build";
  ExpectHit(r, MachO(Join({M("20230313|064152Z"), M("3CX (33CF|4654HL)")})));
  ExpectQuiet(r, MachO(Join({M("20230313|064153Z"), M("3CX (33CF|4654HL)")})));  // 1 s later
  // A fat header qualifies only with a small architecture count (Java class files).
  std::string fat = Bytes({0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 2});
  std::string body = Join({M("20230313|064152Z"), M("3CX (33CF|4654HL)")});
  ExpectHit(r, fat + Sep() + body);
  ExpectQuiet(r, Bytes({0xCA, 0xFE, 0xBA, 0xBE, 0, 0, 0, 0x34}) + Sep() + body);
}

// ---- 3cx_unc4736_windows.yar -------------------------------------------------

TEST_F(BuiltinRules, Harrier_3CX_SUDDENICON_FFmpeg_Loader) {
  const std::string r = "Harrier_3CX_SUDDENICON_FFmpeg_Loader";
  const std::string body = Join({M("3jB(|2bsG#@c7"), M("D3DCOMPILER|_47.DLL")});
  ExpectHit(r, Pe64(body, 0x64000000, true));
  ExpectQuiet(r, Pe32(body, true));  // 32-bit: optional header magic 0x10B
  ExpectQuiet(r, Pe64(Join({M("3jB(|2bsG#@c7")}), 0x64000000, true));  // key alone
}

TEST_F(BuiltinRules, Harrier_3CX_SUDDENICON_RC4_Key) {
  const std::string r = "Harrier_3CX_SUDDENICON_RC4_Key";
  ExpectHit(r, Ole(Join({W("3jB(|2bsG#@c7")})));
  ExpectHit(r, Pe32(Join({M("3jB(|2bsG#@c7")})));
  ExpectQuiet(r, Ole(Join({M("3jB(|2bsG#@c8")})));  // last character changed
  ExpectQuiet(r, Elf(Join({M("3jB(|2bsG#@c7")})));  // neither PE nor OLE
  ExpectQuiet(r, Text(M("3jB(|2bsG#@c7")));
}

TEST_F(BuiltinRules, Harrier_3CX_SUDDENICON_Event_Name) {
  const std::string r = "Harrier_3CX_SUDDENICON_Event_Name";
  ExpectHit(r, Pe64(Join({W("AVMonitor|RefreshEvent")})));
  ExpectQuiet(r, Blob(Join({W("AVMonitor|RefreshEvent")})));  // not a PE
  ExpectQuiet(r, Pe64(Join({M("AVMonitor|Refresh")})));           // name cut short
}

TEST_F(BuiltinRules, Harrier_3CX_D3DCompiler_Certificate_Payload) {
  const std::string r = "Harrier_3CX_D3DCompiler_Certificate_Payload";
  const std::string text = Join({M("D3DCompiler|_47.pdb")});
  const std::string payload = SigFlipTag() + RandomBytes(64);
  ExpectHit(r, SignedPe(text, payload, ""));
  // The same tag and payload after the certificate table (outside it).
  ExpectQuiet(r, SignedPe(text, "", payload));
  // Tag inside, but no D3DCompiler_47 name or PDB path.
  ExpectQuiet(r, SignedPe(Join({"other.pdb"}), payload, ""));
  ExpectQuiet(r, SignedPe(text, "", ""));                  // clean certificate table
  ExpectQuiet(r, SignedPe(text + Join({payload}), "", ""));  // tag in a section
}

TEST_F(BuiltinRules, Harrier_UNC4736_SigFlip_Tag_In_Certificate_Table) {
  const std::string r = "Harrier_UNC4736_SigFlip_Tag_In_Certificate_Table";
  const std::string payload = SigFlipTag() + RandomBytes(64);
  ExpectHit(r, SignedPe("", payload, ""));
  ExpectQuiet(r, SignedPe("", "", payload));          // tag outside the table
  ExpectQuiet(r, SignedPe("", "", "\x01" + payload));  // one byte further out
  // Boundary: the tag as the last 8 bytes of the table (directory tail) is inside.
  {
    PeSpec p;
    p.cert_table = WinCertificate(MakePkcs7(SignSpec{})) + SigFlipTag();
    ExpectHit(r, BuildPe(p));
  }
  ExpectQuiet(r, Pe64(Join({payload})));              // tag in an unsigned PE
  ExpectQuiet(r, SignedPe("", std::string(8, '\0'), ""));  // zero padding, no tag
}

TEST_F(BuiltinRules, Harrier_3CX_ICONIC_Loader_Payload) {
  const std::string r = "Harrier_3CX_ICONIC_Loader_Payload";
  const std::string url = W("raw.githubusercontent.com/Icon|Storages/images/main/icon");
  ExpectHit(r, Pe64(Join({url, M("__tut|ma")})));
  ExpectQuiet(r, Pe64(Join({url})));  // no beacon cookie
  // Second branch: icon%d.ico + both cookies + samcli.dll.
  ExpectHit(r, Pe64(Join({M("icon%d|.ico"), M("__tut|ma"), M("__tut|mc"), M("sam|cli.dll")})));
  ExpectQuiet(r, Pe64(Join({M("icon%d|.ico"), M("__tut|ma"), M("sam|cli.dll")})));
  // Third branch: both cookies + all of samcli.dll, gzip/deflate/br, ChainingModeGCM.
  const std::vector<std::string> s3 = {M("__tut|ma"), M("__tut|mc"), M("sam|cli.dll"),
                                       "gzip, deflate, br", M("ChainingMode|GCM")};
  ExpectHit(r, Pe64(Join(s3)));
  ExpectQuiet(r, Pe64(Join({s3[0], s3[1], s3[2], s3[4]})));
  ExpectQuiet(r, Text(M("raw.githubusercontent.com/Icon|Storages/images/main/icon") + " " +
                      M("__tut|ma") + " " + M("__tut|mc")));  // a text note quoting them
}

TEST_F(BuiltinRules, Harrier_3CX_ICONIC_Payload_Memory_Or_Blob) {
  const std::string r = "Harrier_3CX_ICONIC_Payload_Memory_Or_Blob";
  const std::string url = "raw.githubusercontent.com/Icon|Storages/images/main/icon";
  ExpectHit(r, Blob(Join({W(url), M("__tut|ma"), M("__tut|mc")})));
  ExpectQuiet(r, Blob(Join({M(url), M("__tut|ma"), M("__tut|mc")})));  // URL not UTF-16
  ExpectQuiet(r, Pe64(Join({W(url), M("__tut|ma"), M("__tut|mc")})));  // a PE is the other rule's
}

TEST_F(BuiltinRules, Harrier_3CX_ICONICSTEALER) {
  const std::string r = "Harrier_3CX_ICONICSTEALER";
  const std::string cfg = M("\\3CXDesktop|App\\config.json");
  const std::string sql = M("SELECT url, title FROM urls ORDER BY id DESC |LIMIT 500");
  ExpectHit(r, Pe64(Join({cfg, sql, M("Google\\Chrome\\|User Data"), M("places.|sqlite")})));
  // Only one browser trait and not all three JSON fields.
  ExpectQuiet(r, Pe64(Join({cfg, sql, M("Google\\Chrome\\|User Data"), "HostName", "OsVersion"})));
  ExpectHit(r, Pe64(Join({cfg, sql, M("Google\\Chrome\\|User Data"), "HostName", "OsVersion",
                          "DomainName"})));
  ExpectQuiet(r, Pe64(Join({cfg, M("Google\\Chrome\\|User Data")})));  // docs near-miss
  ExpectQuiet(r, Pe64(Join({sql, M("Google\\Chrome\\|User Data"), M("places.|sqlite")})));  // no cfg
}

TEST_F(BuiltinRules, Harrier_3CX_ICONIC_DeadDrop_Icon) {
  const std::string r = "Harrier_3CX_ICONIC_DeadDrop_Icon";
  ExpectHit(r, WithRealIendCrc(IcoWithPng("$" + Base64Text(16))));
  ExpectQuiet(r, WithRealIendCrc(IcoWithPng("$" + Base64Text(15))));  // 15 < 16 characters
  ExpectQuiet(r, WithRealIendCrc(IcoWithPng(Base64Text(16))));        // no '$'
  ExpectQuiet(r, WithRealIendCrc(IcoWithPng()));                       // ends at IEND
  ExpectQuiet(r, WithRealIendCrc(IcoWithPng("$abc")));
}

TEST_F(BuiltinRules, Harrier_3CX_ICONIC_DeadDrop_PNG) {
  const std::string r = "Harrier_3CX_ICONIC_DeadDrop_PNG";
  ExpectHit(r, WithRealIendCrc(MinimalPng() + "$" + Base64Text(16)));
  ExpectQuiet(r, WithRealIendCrc(MinimalPng() + "$" + Base64Text(15)));
  ExpectQuiet(r, WithRealIendCrc(MinimalPng()));  // ends at IEND
  // The trailer must be in the last 4096 bytes of the file.
  ExpectQuiet(r, WithRealIendCrc(MinimalPng() + "$" + Base64Text(16) + std::string(8192, '\0')));
}

TEST_F(BuiltinRules, Harrier_3CX_Signed_PE_Compromise_Window) {
  const std::string r = "Harrier_3CX_Signed_PE_Compromise_Window";
  const std::string body =
      Join({Bytes({0x02, 0x10, 0x1B, 0x66, 0x11, 0xDF, 0x9C, 0x9A, 0x4D, 0x6E, 0xCC, 0x8E, 0xD5,
                   0x0C, 0x9B, 0x91, 0x78, 0x73}),
            M("3CX |Ltd1"), W("3CX Desk|top App")});
  ExpectHit(r, Pe64(body, 1669680000));     // 2022-11-29 00:00 UTC, first second in
  ExpectHit(r, Pe64(body, 1680134399));     // last second in
  ExpectQuiet(r, Pe64(body, 1680134400));   // 2023-03-30 00:00 UTC: out
  ExpectQuiet(r, Pe64(body, 1669679999));   // one second before the window
  ExpectQuiet(r, Pe64(body, 1681000000));   // 2023-04-09 (clean 18.12.425 era)
}

TEST_F(BuiltinRules, Harrier_3CX_Signed_MSI_March2023) {
  const std::string r = "Harrier_3CX_Signed_MSI_March2023";
  const std::string serial = Bytes({0x1B, 0x66, 0x11, 0xDF, 0x9C, 0x9A, 0x4D, 0x6E, 0xCC, 0x8E,
                                    0xD5, 0x0C, 0x9B, 0x91, 0x78, 0x73});
  auto msi = [&](size_t size, const std::string& month) {
    std::string s = Ole(Join({W("3CXDesk|topApp")}));
    s.resize(size - 4096, '\0');
    s += Join({serial, M("3CX |Ltd1"), month});  // signature at the end
    s.resize(size, '\0');
    return s;
  };
  const size_t kMB = 1024 * 1024;
  ExpectHit(r, msi(21 * kMB, M("2023|03")));
  ExpectQuiet(r, msi(21 * kMB, M("2023|02")));  // February signing time
  ExpectQuiet(r, msi(19 * kMB, M("2023|03")));  // under 20 MB
  // 202303 only earlier in the file (more than 20,000 bytes before the end).
  std::string early = msi(21 * kMB, M("2023|02"));
  early.replace(4096, 6, M("2023|03"));
  ExpectQuiet(r, early);
}

// ---- unc4736_poolrat_linux.yar -----------------------------------------------

TEST_F(BuiltinRules, Harrier_UNC4736_POOLRAT_Multipart) {
  const std::string r = "Harrier_UNC4736_POOLRAT_Multipart";
  const std::string f1 = M("name=\"u|id\""), f2 = M("name=\"sess|ion\""),
                    f3 = M("name=\"act|ion\""), f4 = M("name=\"tok|en\"");
  ExpectHit(r, Elf(Join({f1, f2, f3, f4})));
  ExpectQuiet(r, Elf(Join({f1, f2, f3})));  // three of the four fields
  ExpectHit(r, MachO(Join({M("N9dLfqxHNUUw|8qaUPqggVTpX")})));
  ExpectQuiet(r, Pe64(Join({M("N9dLfqxHNUUw|8qaUPqggVTpX")})));  // PE is not in scope
}

TEST_F(BuiltinRules, Harrier_Lazarus_SimplexTea_Linux) {
  const std::string r = "Harrier_Lazarus_SimplexTea_Linux";
  ExpectHit(r, Elf(Join({M("http://journalide|.org/djour.php")})));
  ExpectQuiet(r, Elf(Join({M("http://journalide|.org/index.php")})));  // other path
  ExpectQuiet(r, MachO(Join({M("http://journalide|.org/djour.php")})));  // not ELF
  ExpectQuiet(r, Text(M("http://journalide|.org/djour.php")));
}

TEST_F(BuiltinRules, Harrier_Lazarus_DreamJob_Go_Downloader_Linux) {
  const std::string r = "Harrier_Lazarus_DreamJob_Go_Downloader_Linux";
  const std::string share = M("https://od.l|k/d/NTJfMz|g4MDE1NzJf/x");
  ExpectHit(r, Elf(Join({M("Go build |ID: \"abc\""), share})));
  ExpectHit(r, Elf(Join({Bytes({0xFF}) + " Go buildinf:", share})));
  ExpectQuiet(r, Elf(Join({share})));  // not a Go binary
}

TEST_F(BuiltinRules, Harrier_Lazarus_BADCALL_Linux) {
  const std::string r = "Harrier_Lazarus_BADCALL_Linux";
  ExpectHit(r, Elf(Join({M("23.254.|211.230")})));
  ExpectQuiet(r, Elf(Join({M("23.254.|211.231")})));
  ExpectQuiet(r, Text(M("23.254.|211.230")));
}

TEST_F(BuiltinRules, Harrier_3CX_UNC4736_C2_Domain_In_Executable) {
  const std::string r = "Harrier_3CX_UNC4736_C2_Domain_In_Executable";
  const char* domains[] = {
      "akamai|container.com",     "akamai|techcloudservices.com", "azure|deploystore.com",
      "azure|onlinecloud.com",    "azure|onlinestorage.com",      "dunamis|trd.com",
      "glcloud|service.com",      "journal|ide.org",              "msedge|packageinfo.com",
      "msstorage|azure.com",      "msstorage|boxes.com",          "office|addons.com",
      "office|storagebox.com",    "pbxcloud|eservices.com",       "pbxphone|network.com",
      "pbx|sources.com",          "qwepoi|123098.com",            "sbmsa|.wiki",
      "sources|labs.com",         "visualstudio|factory.com",     "zacharry|blogs.com",
      "msedge|update.net",        "msbox|online.com",             "curve|finances.com",
      "nxmnv|.site",              "shilaerc|20.com"};
  for (const char* d : domains) {
    SCOPED_TRACE(M(d));
    ExpectHit(r, Pe64(Join({"https://" + M(d) + "/"})));
    ExpectQuiet(r, Blob(Join({"https://" + M(d) + "/"})));  // not an executable
  }
  ExpectHit(r, Elf(Join({W("SBMSA|.WIKI")})));  // wide, any case
  ExpectQuiet(r, Elf(Join({M("sbmsa|.wik")})));
}

// ---- unc4736_xtrader_windows.yar ---------------------------------------------

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_Core) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_Core";
  const std::string h1 = Bytes({0x7D, 0x50, 0xBF, 0x12}), h2 = Bytes({0x87, 0xD6, 0x12, 0x00});
  const std::vector<std::string> rest = {M("__tut|ma"), M("ChainingMode|GCM"),
                                         M("CryptBinary|ToStringA"), M("BCryptGenerate|SymmetricKey")};
  auto with = [&](std::vector<std::string> v) {
    v.insert(v.end(), rest.begin(), rest.end());
    return Join(v);
  };
  ExpectHit(r, Pe64(with({h1, h2})));
  ExpectQuiet(r, Pe64(with({h1})));  // second hash constant missing
  ExpectQuiet(r, Pe32(with({h1, h2})));  // x86
  ExpectQuiet(r, Pe64(with({h2})));      // first hash constant missing
}

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_Comms_Module) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_Comms_Module";
  std::vector<std::string> v = {M("application/json, text/javascript, */*; |q=0.01"),
                                M("en-US,en;|q=0.9"), "accept-language", "cookie",
                                M("HttpSend|RequestW"), M("CreateNamed|PipeW")};
  ExpectQuiet(r, Pe64(Join(v)));  // no DllGetClassObject export name
  v.push_back(M("DllGetClass|Object"));
  ExpectHit(r, Pe64(Join(v), 0x64000000, true));
  ExpectQuiet(r, Pe32(Join(v), true));  // docs near-miss: PE32 with the same strings
}

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_Browser_Injector) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_Browser_Injector";
  const std::vector<std::string> apis = {M("Process32|FirstW"), M("RtlAdjust|Privilege"),
                                         M("NtWaitFor|SingleObject"), M("FindFirst|FileA")};
  auto pe = [&](bool wide, bool pipe = true) {
    std::vector<std::string> v;
    for (const char* p : {"chrome.exe", "firefox.exe", "msedge.exe"})
      v.push_back(wide ? W(p) : std::string(p));
    if (pipe) v.push_back(wide ? W("\\\\.\\pipe\\*") : std::string("\\\\.\\pipe\\*"));
    v.insert(v.end(), apis.begin(), apis.end());
    return Pe64(Join(v));
  };
  ExpectHit(r, pe(true));
  ExpectQuiet(r, pe(false));  // process names and pipe pattern in ASCII, not UTF-16
  ExpectQuiet(r, pe(true, false));  // without the pipe wildcard
}

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_TPM_Dropper) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_TPM_Dropper";
  const std::string body = Join({W("C:\\ProgramData\\"), W("dev|obj.dll"), W("msvcr|100.dll"),
                                 W("TpmVsc|MgrSvr.exe"), W("\\Microsoft\\Windows\\|TPM")});
  ExpectHit(r, Pe32(body));
  ExpectQuiet(r, Pe64(body));  // the dropper is 32-bit
}

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_Pipe_And_UA) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_Pipe_And_UA";
  const std::string pipe = W("gecko.native|Messaging");
  const std::string acc = M("application/json, text/javascript, */*; |q=0.01");
  ExpectHit(r, Pe64(Join({pipe, acc})));
  ExpectQuiet(r, Pe64(Join({pipe})));  // one of three
}

TEST_F(BuiltinRules, Harrier_UNC4736_VEILEDSIGNAL_Constants) {
  const std::string r = "Harrier_UNC4736_VEILEDSIGNAL_Constants";
  // mov dword [rbp-0x10], 0xDA39F274 ; mov word [rbp-0x0C], 0xCFE5
  const std::string k1 = Bytes({0xC7, 0x45, 0xF0, 0x74, 0xF2, 0x39, 0xDA});
  const std::string k2 = Bytes({0x66, 0xC7, 0x45, 0xF4, 0xE5, 0xCF});
  // cmp dword [rbp+disp32], 0x76F3DA5E
  const std::string m = Bytes({0x81, 0xBD, 0x10, 0x01, 0x00, 0x00, 0x5E, 0xDA, 0xF3, 0x76});
  ExpectHit(r, Pe64(Join({k1, k2})));
  ExpectQuiet(r, Pe64(Join({k1})));  // key part two missing
  ExpectHit(r, Pe64(Join({m})));
  ExpectQuiet(r, Pe64(Join({Bytes({0x81, 0xBD, 0x10, 0x01, 0x00, 0x00, 0x5E, 0xDA, 0xF3, 0x77})})));
}

TEST_F(BuiltinRules, Harrier_UNC4736_TradingTech_Cert_After_Expiry_Window) {
  const std::string r = "Harrier_UNC4736_TradingTech_Cert_After_Expiry_Window";
  const std::string body =
      Join({Bytes({0x00, 0x85, 0x38, 0xA6, 0xC5, 0x01, 0x8F, 0x50, 0xFC}),
            M("Go Daddy Secure Certificate |Authority - G2"),
            M("Trading Technologies |International, Inc")});
  ExpectHit(r, Pe64(body, 1651363201));
  ExpectQuiet(r, Pe64(body, 1651363200));  // built 2022-05-01 00:00 UTC: not after
  ExpectQuiet(r, Pe64(body, 1500000000));  // 2017
}

TEST_F(BuiltinRules, Harrier_UNC4736_XTRADER_Stage_URL_In_PE) {
  const std::string r = "Harrier_UNC4736_XTRADER_Stage_URL_In_PE";
  ExpectHit(r, Pe64(Join({W("https://www.TradingTechnologies.com/trading/|order-management")})));
  ExpectQuiet(r, Pe64(Join({M("https://www.tradingtechnologies.com/trading/|order-routing")})));
  ExpectQuiet(r, Text(M("https://www.tradingtechnologies.com/trading/|order-management")));
}

TEST_F(BuiltinRules, Harrier_UNC4736_TAXHAUL_TxR_Loader) {
  const std::string r = "Harrier_UNC4736_TAXHAUL_TxR_Loader";
  const std::string fmt = M("%s.TxR.0.|regtrans-ms");
  ExpectHit(r, Pe64(Join({fmt}), 0x64000000, /*dll=*/true));
  ExpectQuiet(r, Pe64(Join({fmt}), 0x64000000, /*dll=*/false));  // EXE without DPAPI import
  ExpectHit(r, Pe64(Join({fmt, M("CryptUnprotect|Data")}), 0x64000000, false));
  // docs near-miss: the folder without the format string.
  ExpectQuiet(r, Pe64(Join({M("C:\\Windows\\System32\\config\\|TxR\\"), M("CryptUnprotect|Data")}),
                      0x64000000, true));
}

TEST_F(BuiltinRules, Harrier_UNC4736_TAXHAUL_TxR_Shellcode_Blob) {
  const std::string r = "Harrier_UNC4736_TAXHAUL_TxR_Shellcode_Blob";
  YaraExternalValues ev;
  ev.filename = "{53b39e88-18c4-11ea-a811-000d3aa4692b}.TxR.0.regtrans-ms";
  ev.extension = ".regtrans-ms";
  const std::string blob = RandomBytes(4096, 99);
  ExpectHit(r, blob, ev);
  // DPAPI blob header at 0 instead of high entropy.
  std::string dpapi = Bytes({0x01, 0x00, 0x00, 0x00, 0xD0, 0x8C, 0x9D, 0xDF, 0x01, 0x15, 0xD1,
                             0x11, 0x8C, 0x7A, 0x00, 0xC0, 0x4F, 0xC2, 0x97, 0xEB}) +
                      std::string(200, 'A');
  ExpectHit(r, dpapi, ev);
  // Real registry transaction logs carry the UTF-16 REGISTRY marker.
  ExpectQuiet(r, blob.substr(0, 1024) + Utf16("REGISTRY") + blob.substr(1024), ev);
  // Any other name.
  YaraExternalValues other = ev;
  other.filename = "{53b39e88-18c4-11ea-a811-000d3aa4692b}.TxR.blf";
  ExpectQuiet(r, blob, other);
  ExpectQuiet(r, blob, YaraExternalValues{});  // no filename: never fires
  ExpectQuiet(r, std::string(4096, 'A'), ev);  // low entropy, no DPAPI header
  // docs near-miss: a real-looking log (UTF-16 REGISTRY, mostly zeros) under the name.
  ExpectQuiet(r, std::string("\x01\x00\x00\x00", 4) + Utf16("REGISTRY") + std::string(8192, '\0'), ev);
}

TEST_F(BuiltinRules, Harrier_UNC4736_COLDCAT_Cookie_Beacon_Blob) {
  const std::string r = "Harrier_UNC4736_COLDCAT_Cookie_Beacon_Blob";
  ExpectHit(r, Blob(Join({M("__tut|ma"), M("__tut|mc")})));  // NUL before each (C strings)
  // Both names inside a text cookie header: not preceded by NUL.
  ExpectQuiet(r, Blob("Cookie: " + M("__tut|ma") + "=1; " + M("__tut|mc") + "=2\r\n"));
  ExpectQuiet(r, Elf(Join({M("__tut|ma"), M("__tut|mc")})));  // executables are excluded
}

TEST_F(BuiltinRules, Harrier_3CX_Gopuram_Backdoor) {
  const std::string r = "Harrier_3CX_Gopuram_Backdoor";
  const std::string x = Bytes({0x81, 0xF3, 0x25, 0xA3, 0x87, 0xDE});  // xor ebx, 0xDE87A325
  ExpectHit(r, Pe64(Join({x, M("auth_time|stamp: ")})));
  ExpectQuiet(r, Pe64(Join({x})));  // the hash constant alone
  ExpectHit(r, Pe64(Join({W("vG2eZ1KO|eGd2n5fr")})));
  ExpectQuiet(r, Pe64(Join({W("vG2eZ1KO|eGd2n5fR")})));
}

}  // namespace
}  // namespace harrier
