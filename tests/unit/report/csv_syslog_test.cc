// CSV cells (RFC 4180 + formula neutralisation) and syslog/CEF escaping.
#include <gtest/gtest.h>

#include "report/csv_reporter.h"
#include "report/json_util.h"
#include "report/syslog_format.h"
#include "platform/net.h"

namespace harrier {
namespace {

TEST(CsvCell, QuotesPerRfc4180) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
}

TEST(CsvCell, NeutralisesFormulas) {
  EXPECT_EQ(CsvCell("=cmd|' /C calc'!A0"), "'=cmd|' /C calc'!A0");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-1"), "'-1");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("=a,b"), "\"'=a,b\"");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

TEST(CsvCell, ControlCharactersAndInvalidUtf8AreEscaped) {
  EXPECT_EQ(CsvCell("a\r\nb\tc\xff"), "a\\x0d\\x0ab\\x09c\\xff");
  EXPECT_EQ(CsvCell("\tfoo"), "\\x09foo");
}

TEST(CsvRow, HasAllColumns) {
  Finding f;
  f.subject.path = "/x,y";
  f.subject.file.size = 3;
  f.hashes.sha256 = "ab";
  f.hashes.md5 = "cd";
  f.level = Level::kAlert;
  f.score = 85;
  f.reasons.push_back({.kind = ReasonKind::kHash, .name = "n", .description = "d", .score = 85});
  EXPECT_EQ(CsvHeader(), "host,level,score,path,size,sha256,md5,reasons,scan_start\r\n");
  EXPECT_EQ(CsvRow(f, "h"), "h,alert,85,\"/x,y\",3,ab,cd,[85] hash n: d,\r\n");
  EXPECT_EQ(CsvRow(f, "h", 1700000000),
            "h,alert,85,\"/x,y\",3,ab,cd,[85] hash n: d,2023-11-14T22:13:20Z\r\n");
  f.host = "read-back";  // a finding read from a report keeps its own host
  EXPECT_EQ(CsvRow(f, "h").rfind("read-back,", 0), 0u);
}

TEST(CsvRow, AMemberShowsItsWholeChain) {
  Finding f;
  f.subject.kind = SubjectKind::kArchiveMember;
  f.subject.containers = {{"/e/t.zip", "zip"}};
  f.subject.path = "a/b.dll";
  f.level = Level::kAlert;
  EXPECT_NE(CsvRow(f, "h").find("/e/t.zip \xe2\x80\xba a/b.dll"), std::string::npos);
}

TEST(Cef, EscapesHeaderAndExtension) {
  EXPECT_EQ(CefHeaderEscape("a|b\\c\nd"), "a\\|b\\\\c d");
  EXPECT_EQ(CefExtensionEscape("a=b\\c\nd\re|f"), "a\\=b\\\\c\\nd\\re|f");
}

TEST(Rfc5424, SdParamEscapes) { EXPECT_EQ(SdParamEscape("a\"b]c\\d"), "a\\\"b\\]c\\\\d"); }

TEST(Syslog, OctetCountingFrameCountsBytes) {
  EXPECT_EQ(OctetCountingFrame("<14>1 - - x"), "11 <14>1 - - x");
  EXPECT_EQ(OctetCountingFrame("\xc3\xa4"), "2 \xc3\xa4");
}

TEST(Syslog, FindingMessagesAreOneLineAndCarryThePath) {
  Finding f;
  f.subject.path = "/a\nb|c=d.dll";
  f.subject.name = "b|c=d.dll";
  f.level = Level::kAlert;
  f.score = 90;
  f.reasons.push_back({.kind = ReasonKind::kYara, .name = "R|1", .score = 90});
  SyslogContext ctx{"my host", "0.1.0", 42};
  std::string r = SyslogFinding(SyslogFormat::kRfc5424, f, ctx);
  EXPECT_EQ(r.rfind("<9>1 ", 0), 0u) << r;
  EXPECT_NE(r.find(" my_host harrier 42 finding [harrier@32473 "), std::string::npos) << r;
  EXPECT_EQ(r.find('\n'), std::string::npos);
  std::string c = SyslogFinding(SyslogFormat::kCef, f, ctx);
  EXPECT_NE(c.find("CEF:0|Harrier|Harrier|0.1.0|R\\|1|Harrier ALERT: R\\|1|9|rt="), std::string::npos) << c;
  // CEF spec: newline as \n, '=' as \=, '|' needs no escape in extensions.
  EXPECT_NE(c.find("filePath=/a\\nb|c\\=d.dll"), std::string::npos) << c;
  EXPECT_EQ(c.find('\n'), std::string::npos);
  std::string j = SyslogFinding(SyslogFormat::kJson, f, ctx);
  OJson parsed = OJson::parse(j.substr(j.find('{')));
  OJson want = FindingToJson(f, ScanInfo{.hostname = "my host"});
  parsed.erase("@timestamp");
  want.erase("@timestamp");
  EXPECT_EQ(parsed, want);
}

TEST(ParseEndpoint, AcceptsHostPortAndBracketedV6) {
  auto a = platform::ParseEndpoint("127.0.0.1:514");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 514);
  auto b = platform::ParseEndpoint("[::1]:6514");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->host, "::1");
  EXPECT_FALSE(platform::ParseEndpoint("host").ok());
  EXPECT_FALSE(platform::ParseEndpoint("host:0").ok());
  EXPECT_FALSE(platform::ParseEndpoint("host:99999").ok());
  EXPECT_FALSE(platform::ParseEndpoint("::1:514").ok());
}

}  // namespace
}  // namespace harrier
