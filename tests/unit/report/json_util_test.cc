// SafeUtf8 and the JSON builders: any bytes from a hostile file system end
// up as valid JSON (nlohmann's dump() throws on invalid UTF-8).
#include "report/json_util.h"

#include <gtest/gtest.h>

#include <random>
#include "testutil/testutil.h"

namespace harrier {
namespace {

TEST(SafeUtf8, ValidPassesThrough) {
  std::string s = "plain /a/b \xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80 \t\n";
  EXPECT_TRUE(IsValidUtf8(s));
  EXPECT_EQ(SafeUtf8(s), s);
}

TEST(SafeUtf8, InvalidBytesBecomeHexEscapes) {
  EXPECT_EQ(SafeUtf8("a\xff" "b"), "a\\xffb");
  EXPECT_EQ(SafeUtf8("\xc3"), "\\xc3");                       // truncated sequence
  EXPECT_EQ(SafeUtf8("\xc0\xaf"), "\\xc0\\xaf");              // overlong '/'
  EXPECT_EQ(SafeUtf8("\xed\xa0\x80"), "\\xed\\xa0\\x80");     // surrogate
  EXPECT_EQ(SafeUtf8("\xf4\x90\x80\x80"), "\\xf4\\x90\\x80\\x80");  // > U+10FFFF
  EXPECT_EQ(SafeUtf8("\x80\xc3\xa4"), "\\x80\xc3\xa4");       // stray continuation, then valid
  EXPECT_FALSE(IsValidUtf8("\xff"));
}

TEST(SafeUtf8, RandomBytesAlwaysGiveValidUtf8AndValidJson) {
  std::mt19937 rng(1);
  for (int i = 0; i < 2000; ++i) {
    std::string s;
    for (int k = std::uniform_int_distribution<int>(0, 40)(rng); k > 0; --k)
      s += static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng));
    std::string safe = SafeUtf8(s);
    ASSERT_TRUE(IsValidUtf8(safe));
    nlohmann::json j = safe;
    std::string dumped;
    ASSERT_NO_THROW(dumped = j.dump());
    EXPECT_EQ(nlohmann::json::parse(dumped).get<std::string>(), safe);
  }
}

TEST(EscapeBytes, PrintableAsciiOnly) {
  EXPECT_EQ(EscapeBytes(std::string("ab\\\x00\xff", 5)), "ab\\\\\\x00\\xff");
}

TEST(FindingToJson, InvalidUtf8EverywhereStillDumps) {
  Finding f;
  f.subject.path = "/tmp/\xff\xfe/evil\x80.exe";
  f.subject.name = "evil\x80.exe";
  f.subject.display_root = f.subject.path;
  f.subject.file.owner = "own\xc3";
  f.subject.file.has_owner = true;
  Reason r;
  r.kind = ReasonKindFromName("ya\xffra");  // regression: meta harrier_type reached dump() unescaped
  r.name = "rule\xff";
  r.description = "desc \xc0";
  r.source = "/sig/\xfe.yar";
  r.strings.push_back({"$a\xff", 12, std::string("\x00\xff\x80", 3)});
  r.details.push_back({"reference", "http://x/\xff"});
  f.reasons.push_back(r);
  f.score = 75;
  f.level = Level::kWarning;
  auto j = FindingToJson(f, ScanInfo{.hostname = "host\xff"});
  std::string line;
  ASSERT_NO_THROW(line = j.dump());
  auto back = nlohmann::json::parse(line);
  EXPECT_NE(line.find("\\\\xff\\\\xfe"), std::string::npos) << line;
  EXPECT_TRUE(IsValidUtf8(line));
  // The raw path survives in hex; the rest is escaped, not dropped.
  EXPECT_EQ(back["harrier"]["path_hex"], "2f746d702ffffe2f6576696c802e657865");
  EXPECT_EQ(back["harrier"]["reasons"][0]["name"], "rule\\xff");
  EXPECT_EQ(back["harrier"]["reasons"][0]["strings"][0]["hex"], "00ff80");
  EXPECT_EQ(back["harrier"]["level"], "warning");
  EXPECT_EQ(back["host"]["hostname"], "host\\xff");
}

TEST(SummaryToJson, Dumps) {
  ScanSummary s;
  s.files_seen = 3;
  s.files_scanned = 2;
  s.skipped[static_cast<size_t>(SkipReason::kSize)] = 1;
  ScanInfo info;
  info.hostname = "h\xff";
  info.paths = {"/p\xff"};
  auto j = SummaryToJson(s, info);
  std::string line;
  ASSERT_NO_THROW(line = j.dump());
  EXPECT_TRUE(IsValidUtf8(line));
  auto back = nlohmann::json::parse(line);
  EXPECT_EQ(back["harrier"]["files_seen"], 3);
  EXPECT_EQ(back["harrier"]["files_skipped"], 1);
  EXPECT_EQ(back["harrier"]["skipped"]["size"], 1);
  EXPECT_EQ(back["harrier"]["paths"][0], "/p\\xff");
  EXPECT_EQ(back["harrier"]["verdict"], "clean");
  EXPECT_EQ(back["harrier"]["exit_code"], 0);
}

// A disk-image entry on a Windows volume: file.path in drive form, read
// back to the volume's own path with the drive and the deleted mark.
TEST(FindingToJson, ImageEntryRoundTripsWithDriveAndDeleted) {
  Finding f;
  f.subject.kind = SubjectKind::kImageEntry;
  f.subject.containers = {{"/evidence/disk.E01", "ewf"}, {"partition 2", "ntfs"}};
  f.subject.path = "/Users/bob/x.txt:payload";
  f.subject.name = "x.txt:payload";
  f.subject.drive = "C:";
  f.subject.deleted = true;
  f.level = Level::kAlert;
  auto j = FindingToJson(f, ScanInfo{.hostname = "host"});
  EXPECT_EQ(j["file"]["path"], "C:\\Users\\bob\\x.txt:payload");
  EXPECT_EQ(j["harrier"]["subject"]["drive"], "C:");
  EXPECT_EQ(j["harrier"]["subject"]["deleted"], true);
  EXPECT_EQ(j["harrier"]["subject"]["display"],
            "/evidence/disk.E01 \xe2\x80\xba partition 2 \xe2\x80\xba C:\\Users\\bob\\x.txt:payload");
  Finding back = FindingFromJson(j);
  EXPECT_EQ(back.subject.kind, SubjectKind::kImageEntry);
  EXPECT_EQ(back.subject.path, "/Users/bob/x.txt:payload");
  EXPECT_EQ(back.subject.drive, "C:");
  EXPECT_TRUE(back.subject.deleted);
  EXPECT_EQ(back.subject.containers, f.subject.containers);
  EXPECT_EQ(ChainDisplay(back.subject), ChainDisplay(f.subject));
}

TEST(SummaryToJson, ImagesReadBack) {
  ScanSummary s;
  s.images.opened = 1;
  s.images.volumes = 3;
  s.images.filesystems = 2;
  s.images.skipped_volumes[static_cast<size_t>(SkipReason::kUnsupported)] = 1;
  s.images.entries_seen = 10;
  s.images.entries_scanned = 7;
  s.images.skipped_entries[static_cast<size_t>(SkipReason::kCorrupt)] = 3;
  s.images.deleted_scanned = 2;
  auto j = SummaryToJson(s, ScanInfo{});
  EXPECT_EQ(j["harrier"]["images"]["entries_skipped"], 3);
  EXPECT_EQ(j["harrier"]["incomplete"], true);
  ScanSummary back = SummaryFromJson(j);
  EXPECT_EQ(back.images.volumes, 3u);
  EXPECT_EQ(back.images.skipped_volumes, s.images.skipped_volumes);
  EXPECT_EQ(back.images.skipped_entries, s.images.skipped_entries);
  EXPECT_EQ(back.images.deleted_scanned, 2u);
  EXPECT_TRUE(back.incomplete());
  EXPECT_FALSE(SummaryToJson(ScanSummary{}, ScanInfo{})["harrier"].contains("images"));
}

TEST(DiagnosticToJson, Dumps) {
  Diagnostic d{Diagnostic::Severity::kError, "/a/\xff:3", "bad \xfe"};
  std::string line;
  ASSERT_NO_THROW(line = DiagnosticToJson(d, ScanInfo{}).dump());
  auto back = nlohmann::json::parse(line);
  EXPECT_EQ(back["harrier"]["severity"], "error");
  EXPECT_EQ(back["harrier"]["where"], "/a/\\xff:3");
  EXPECT_EQ(back["harrier"]["message"], "bad \\xfe");
}

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

TEST(FindingToJson, LiveSubjectsRoundTripWithEcsFields) {
  Finding f;
  f.subject.kind = SubjectKind::kConnection;
  f.subject.path = f.subject.display_root = "/usr/bin/x (deleted)";
  f.subject.name = "x";
  f.subject.process = {4242, 1, 1000, "bob", "x", "/usr/bin/x --y", "/usr/bin/x (deleted)",
                       1700000050};
  f.subject.connection = {"tcp", "established", "10.0.0.5", "192.0.2.7", 40000, 443, 9911};
  Reason r;
  r.kind = ReasonKind::kC2;
  r.name = "192.0.2.0/24";
  r.score = 80;
  f.reasons.push_back(r);
  f.score = 80;
  f.level = Level::kAlert;
  auto j = FindingToJson(f, ScanInfo{.hostname = "host"});
  EXPECT_EQ(j["process"]["pid"], 4242);
  EXPECT_EQ(j["process"]["parent"]["pid"], 1);
  EXPECT_EQ(j["process"]["command_line"], "/usr/bin/x --y");
  EXPECT_EQ(j["process"]["executable"], "/usr/bin/x (deleted)");
  EXPECT_EQ(j["process"]["start"], "2023-11-14T22:14:10Z");
  EXPECT_EQ(j["user"]["name"], "bob");
  EXPECT_EQ(j["destination"]["ip"], "192.0.2.7");
  EXPECT_EQ(j["destination"]["port"], 443);
  EXPECT_EQ(j["source"]["port"], 40000);
  EXPECT_EQ(j["network"]["transport"], "tcp");
  EXPECT_EQ(j["event"]["category"], OJson::array({"intrusion_detection", "network"}));
  EXPECT_EQ(j["user"]["id"], "1000");  // ECS keyword
  // A network in CIDR form is an address indicator without a single ip.
  EXPECT_EQ(j["threat"]["indicator"]["type"], "ipv4-addr");
  EXPECT_EQ(j["threat"]["indicator"]["name"], "192.0.2.0/24");
  EXPECT_FALSE(j["threat"]["indicator"].contains("ip"));
  EXPECT_EQ(j["harrier"]["subject"]["display"],
            "connection tcp 10.0.0.5:40000 -> 192.0.2.7:443 of process 4242 /usr/bin/x (deleted)");
  Finding back = FindingFromJson(nlohmann::ordered_json::parse(j.dump()));
  EXPECT_EQ(back.subject.kind, SubjectKind::kConnection);
  EXPECT_EQ(back.subject.process.pid, 4242);
  EXPECT_EQ(back.subject.process.ppid, 1);
  EXPECT_EQ(back.subject.process.user, "bob");
  EXPECT_EQ(back.subject.process.uid, 1000u);
  EXPECT_EQ(back.subject.process.cmdline, "/usr/bin/x --y");
  EXPECT_EQ(back.subject.process.start_time, 1700000050);
  EXPECT_EQ(back.subject.connection.remote_ip, "192.0.2.7");
  EXPECT_EQ(back.subject.connection.remote_port, 443);
  EXPECT_EQ(back.subject.connection.state, "established");
  EXPECT_EQ(ChainDisplay(back.subject), ChainDisplay(f.subject));
}

TEST(SummaryToJson, LiveCoverageRoundTripsAndIsAbsentForFileScans) {
  ScanSummary s;
  ScanInfo info;
  EXPECT_FALSE(SummaryToJson(s, info)["harrier"].contains("live"));
  s.live.processes = s.live.memory = s.live.network = true;
  s.live.processes_seen = 10;
  s.live.processes_scanned = 6;
  s.live.skipped[static_cast<size_t>(SkipReason::kPermission)] = 3;
  s.live.exited = 1;
  s.live.regions = 77;
  s.live.memory_bytes = 1 << 20;
  s.live.connections = 5;
  s.live.connections_unmapped = 2;
  s.live.namespaces = 1;
  s.live.hosts_entries = 4;
  auto j = SummaryToJson(s, info);
  EXPECT_EQ(j["harrier"]["live"]["skipped"]["permission"], 3);
  EXPECT_EQ(j["harrier"]["incomplete"], true);
  ScanSummary back = SummaryFromJson(nlohmann::ordered_json::parse(j.dump()));
  EXPECT_TRUE(back.live.ran());
  EXPECT_EQ(back.live.processes_seen, 10u);
  EXPECT_EQ(back.live.processes_scanned, 6u);
  EXPECT_EQ(back.live.skipped[static_cast<size_t>(SkipReason::kPermission)], 3u);
  EXPECT_EQ(back.live.exited, 1u);
  EXPECT_EQ(back.live.regions, 77u);
  EXPECT_EQ(back.live.memory_bytes, 1u << 20);
  EXPECT_EQ(back.live.connections_unmapped, 2u);
  EXPECT_EQ(back.live.hosts_entries, 4u);
  EXPECT_TRUE(back.incomplete());
}

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

ScanInfo SampleScan() {
  ScanInfo info;
  info.version = "9.9.9";
  info.hostname = "ws-17";
  info.start_time = 1700000000;
  info.scan_id = "0123456789abcdef0123456789abcdef";
  info.rules.digest = "d1g35t";
  info.host.os_type = "linux";
  info.host.os = platform::ParseOsRelease(
      "NAME=\"Rocky Linux\"\nID=rocky\nID_LIKE=\"rhel centos fedora\"\nVERSION_ID=9.3\n");
  info.host.kernel = "5.14.0";
  info.host.architecture = "x86_64";
  info.host.ips = {"10.1.2.3", "fe80::1"};
  info.host.user = "root";
  info.host.pid = 77;
  info.args = {"harrier", "scan", "/"};
  return info;
}

TEST(EcsContext, EveryLineCarriesHostAgentAndScan) {
  ScanInfo info = SampleScan();
  Finding f;
  f.subject.path = f.subject.display_root = "/x/a.EXE";
  f.subject.name = "a.EXE";
  f.filetype = "EXE";
  ScanSummary s;
  Diagnostic d{Diagnostic::Severity::kError, "/x", "boom"};
  for (const OJson& j : {ScanStartToJson(info), FindingToJson(f, info), SummaryToJson(s, info),
                         DiagnosticToJson(d, info)}) {
    SCOPED_TRACE(j.dump());
    EXPECT_EQ(j["ecs"]["version"], kEcsVersion);
    EXPECT_EQ(j["agent"]["type"], "harrier");
    EXPECT_EQ(j["agent"]["version"], "9.9.9");
    EXPECT_EQ(j["host"]["name"], "ws-17");
    EXPECT_EQ(j["host"]["os"]["family"], "rhel");
    EXPECT_EQ(j["host"]["os"]["platform"], "rocky");
    EXPECT_EQ(j["host"]["os"]["kernel"], "5.14.0");
    EXPECT_EQ(j["host"]["ip"], OJson::array({"10.1.2.3", "fe80::1"}));
    EXPECT_EQ(j["event"]["module"], "harrier");
    EXPECT_TRUE(j["event"]["category"].is_array());
    EXPECT_EQ(j["harrier"]["schema"], 3);
    EXPECT_EQ(j["harrier"]["scan"]["id"], info.scan_id);
    EXPECT_EQ(j["harrier"]["scan"]["rules_digest"], "d1g35t");
  }
  OJson fj = FindingToJson(f, info);
  EXPECT_EQ(fj["file"]["type"], "file");
  EXPECT_EQ(fj["file"]["extension"], "exe");
  EXPECT_EQ(fj["harrier"]["file_type"], "EXE");
  EXPECT_EQ(FindingFromJson(fj).filetype, "EXE");
  OJson start = ScanStartToJson(info);
  EXPECT_EQ(start["process"]["command_line"], "harrier scan /");
  ScanInfo back = ScanInfoFromJson(start);
  EXPECT_EQ(back.scan_id, info.scan_id);
  EXPECT_EQ(back.host.kernel, "5.14.0");
  EXPECT_EQ(back.host.ips, info.host.ips);
  EXPECT_EQ(back.args, info.args);
  EXPECT_EQ(back.host.os.name, "Rocky Linux");
}

TEST(EcsContext, SchemaTwoLinesReadBackTheirTypeAndNumericInode) {
  // Schema 2 wrote the content type in file.type and inode/device as numbers.
  OJson v2 = OJson::parse(R"({"host":{"hostname":"h"},"file":{"path":"/a","name":"a","type":"ELF",
    "inode":12345678901234,"device":2049,"owner":"root","ctime":"2023-01-01T00:00:00Z"},
    "harrier":{"schema":2,"type":"finding","level":"alert","score":90}})");
  JsonTypeCheck types;
  Finding f = FindingFromJson(v2);
  EXPECT_EQ(f.filetype, "ELF");
  EXPECT_EQ(f.subject.file.inode, 12345678901234u);
  EXPECT_EQ(f.subject.file.dev, 2049u);
  EXPECT_TRUE(types.problems().empty());
  // Schema 3: strings; a non-number is reported, not coerced.
  OJson v3 = v2;
  v3["file"]["inode"] = "12345678901234";
  v3["file"]["device"] = "sda";
  v3["harrier"]["scan"] = {{"id", "x"}};
  Finding g = FindingFromJson(v3);
  EXPECT_EQ(g.subject.file.inode, 12345678901234u);
  EXPECT_EQ(g.filetype, "");  // file.type of schema 3 is ECS's, not the content type
  ASSERT_EQ(types.problems().size(), 1u);
  EXPECT_NE(types.problems()[0].find("file.device"), std::string::npos);
}

TEST(IndicatorJson, ClassifiesIocMatchesForEcs) {
  auto indicator = [](ReasonKind k, std::string name) {
    Finding f;
    Reason r;
    r.kind = k;
    r.name = std::move(name);
    r.score = 80;
    f.reasons.push_back(r);
    return FindingToJson(f, ScanInfo{})["threat"]["indicator"];
  };
  const std::string c2 = testing::Indicator("akamai|container.com");
  EXPECT_EQ(indicator(ReasonKind::kC2, c2)["url"]["domain"], c2);
  EXPECT_EQ(indicator(ReasonKind::kC2, "198.51.100.7")["ip"], "198.51.100.7");
  EXPECT_EQ(indicator(ReasonKind::kC2, "2001:db8::7")["type"], "ipv6-addr");
  EXPECT_EQ(indicator(ReasonKind::kC2, "https://x.example/p")["url"]["original"], "https://x.example/p");
  std::string sha256(64, 'a');
  EXPECT_EQ(indicator(ReasonKind::kHash, sha256)["file"]["hash"]["sha256"], sha256);
  EXPECT_EQ(indicator(ReasonKind::kHash, std::string(32, 'b'))["file"]["hash"]["md5"], std::string(32, 'b'));
  EXPECT_EQ(indicator(ReasonKind::kFilename, "\\\\3CXDesktopApp")["type"], "file");
  // YARA rules and checks are detections, not indicators.
  EXPECT_TRUE(indicator(ReasonKind::kYara, "R").is_null());
}

}  // namespace
}  // namespace harrier
