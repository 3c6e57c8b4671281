// CSV cells (RFC 4180 + formula neutralisation) and syslog/CEF escaping.
#include <gtest/gtest.h>

#include "report/csv_reporter.h"
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
  OJson f = {{"host", {{"hostname", "h"}}},
             {"file", {{"path", "/x,y"}, {"size", 3}, {"hash", {{"sha256", "ab"}, {"md5", "cd"}}}}},
             {"harrier",
              {{"level", "alert"},
               {"score", 85.0},
               {"reasons", {{{"type", "hash"}, {"name", "n"}, {"score", 85}, {"description", "d"}}}}}}};
  EXPECT_EQ(CsvHeader(), "host,level,score,path,size,sha256,md5,reasons\r\n");
  EXPECT_EQ(CsvRow(f), "h,alert,85,\"/x,y\",3,ab,cd,[85] hash n: d\r\n");
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
  OJson f = {{"@timestamp", "2024-01-02T03:04:05Z"},
             {"file", {{"path", "/a\nb|c=d.dll"}, {"name", "b|c=d.dll"}}},
             {"rule", {{"name", "R|1"}}},
             {"harrier", {{"level", "alert"}, {"score", 90}, {"reasons", OJson::array()}}}};
  SyslogContext ctx{"my host", "0.1.0", 42};
  std::string r = SyslogFinding(SyslogFormat::kRfc5424, f, ctx);
  EXPECT_EQ(r.rfind("<9>1 2024-01-02T03:04:05Z my_host harrier 42 finding [harrier@32473 ", 0), 0u) << r;
  EXPECT_EQ(r.find('\n'), std::string::npos);
  std::string c = SyslogFinding(SyslogFormat::kCef, f, ctx);
  EXPECT_NE(c.find("CEF:0|Harrier|Harrier|0.1.0|R\\|1|Harrier ALERT: R\\|1|9|rt=1704164645000 "), std::string::npos) << c;
  // CEF spec: newline as \n, '=' as \=, '|' needs no escape in extensions.
  EXPECT_NE(c.find("filePath=/a\\nb|c\\=d.dll"), std::string::npos) << c;
  EXPECT_EQ(c.find('\n'), std::string::npos);
  std::string j = SyslogFinding(SyslogFormat::kJson, f, ctx);
  EXPECT_EQ(OJson::parse(j.substr(j.find('{'))), f);
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
