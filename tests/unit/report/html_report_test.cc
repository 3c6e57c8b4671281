// HTML escaping: every byte from the scanned machine is inert in the page.
// The browser-level twin is ReportE2E.BrowserRunsNoInjectedScript.
#include "report/html_report.h"

#include <sstream>

#include "report/json_util.h"

#include <gtest/gtest.h>

#include "report/html_assets.h"
#include "report/json_util.h"

namespace harrier {
namespace {

Finding HostileFinding() {
  Finding f;
  f.subject.path = "/tmp/<img src=x onerror=alert(1)>.dll";
  f.subject.name = "<img src=x onerror=alert(1)>.dll";
  f.subject.display_root = f.subject.path;
  f.score = 90;
  f.level = Level::kAlert;
  Reason r;
  r.kind = ReasonKind::kYara;
  r.name = "Rule</script><script>alert(1)</script>";
  r.description = "desc \xe2\x80\xa8 line sep & <b>bold</b> \x1b[31m";
  r.strings.push_back({"$a", 16, std::string("</script><!--\x00\xff", 15)});
  r.remediation = "Remove <it>";
  f.reasons.push_back(r);
  return f;
}

TEST(HtmlEscape, EscapesMarkupQuotesControlsAndInvalidUtf8) {
  EXPECT_EQ(HtmlEscape("<img src=x onerror=alert(1)>.dll"), "&lt;img src=x onerror=alert(1)&gt;.dll");
  EXPECT_EQ(HtmlEscape("a&b\"c'd"), "a&amp;b&quot;c&#39;d");
  EXPECT_EQ(HtmlEscape("bad\xff\x1b" "x"), "bad\\xff\\x1bx");
  EXPECT_EQ(HtmlEscape("caf\xc3\xa9"), "caf\xc3\xa9");
}

TEST(JsonForScript, CannotEndTheScriptElement) {
  OJson j = {{"s", "</script><!-- & \xe2\x80\xa8\xe2\x80\xa9 >"}};
  std::string out = JsonForScript(j);
  EXPECT_EQ(out.find('<'), std::string::npos);
  EXPECT_EQ(out.find('>'), std::string::npos);
  EXPECT_EQ(out.find('&'), std::string::npos);
  EXPECT_EQ(out.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(out.find("\xe2\x80\xa9"), std::string::npos);
  // Still the same JSON value.
  EXPECT_EQ(OJson::parse(out), j);
}

TEST(CspHash, MatchesKnownSha256Base64) {
  // printf 'abc' | openssl dgst -sha256 -binary | base64
  EXPECT_EQ(CspHash("abc"), "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
}

TEST(RenderHtml, HostileFindingIsTextOnly) {
  ReportCollector c;
  ScanInfo info;
  info.hostname = "host<script>alert(1)</script>";
  info.paths = {"/tmp/<svg onload=alert(1)>"};
  info.version = "0.1.0";
  c.SetStart(info);
  c.AddFinding(HostileFinding());
  ScanSummary s;
  s.findings[3] = 1;
  c.SetSummary(s, info);
  std::string html = RenderHtml(c.Finish());
  // Exactly our one script element, and exactly one closing tag.
  size_t scripts = 0, closes = 0;
  for (size_t p = 0; (p = html.find("<script", p)) != std::string::npos; ++p) ++scripts;
  for (size_t p = 0; (p = html.find("</script", p)) != std::string::npos; ++p) ++closes;
  EXPECT_EQ(scripts, 1u);
  EXPECT_EQ(closes, 1u);
  // The finding is in the page itself (readable without the script), escaped.
  EXPECT_NE(html.find("/tmp/&lt;img src=x onerror=alert(1)&gt;.dll"), std::string::npos);
  EXPECT_NE(html.find("Rule&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<svg onload"), std::string::npos);
  EXPECT_NE(html.find("host&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  // The CSP carries the hash of the inline script and style, and no 'unsafe-inline'.
  EXPECT_NE(html.find(CspHash(html_assets::kScript)), std::string::npos);
  EXPECT_NE(html.find(CspHash(html_assets::kStyle)), std::string::npos);
  EXPECT_EQ(html.find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));  // only the SVG namespace
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_NE(html.find("ALERT: indicators of compromise found"), std::string::npos);
}

TEST(FindingRowHtml, ControlCharactersAndInvalidBytesAreVisibleEscapes) {
  std::string row = FindingRowHtml(HostileFinding());
  EXPECT_NE(row.find("desc \xe2\x80\xa8 line sep &amp; &lt;b&gt;bold&lt;/b&gt; \\x1b[31m"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find("&lt;/script&gt;&lt;!--\\x00\\xff"), std::string::npos) << row;
  EXPECT_EQ(row.find('\x1b'), std::string::npos);
  EXPECT_NE(row.find("class=\"row-alert finding\" data-level=\"alert\""), std::string::npos);
  EXPECT_NE(row.find("What to do: Remove &lt;it&gt;"), std::string::npos);
}

TEST(FindingRowHtml, ShowsTheDisplayedPathAndKeepsTheRawOne) {
  Finding f;
  f.subject.path = "/mnt/win/Users/bob/x.dll";
  f.subject.display_root = "C:\\Users\\bob\\x.dll";
  f.level = Level::kWarning;
  f.score = 60;
  std::string row = FindingRowHtml(f);
  EXPECT_NE(row.find("<summary class=\"path\">C:\\Users\\bob\\x.dll</summary>"),
            std::string::npos)
      << row;
  EXPECT_NE(row.find("<dt>Raw path</dt><dd>/mnt/win/Users/bob/x.dll</dd>"), std::string::npos);
  f.subject.display_root = f.subject.path;  // not mapped: no second path
  EXPECT_EQ(FindingRowHtml(f).find("Raw path"), std::string::npos);
}

TEST(FindingRowHtml, FindingsReadFromArbitraryJsonShapesRender) {
  for (const char* s : {"{}", "{\"harrier\":5}", "{\"harrier\":{\"reasons\":[1,{\"strings\":7}]}}",
                        "{\"file\":{\"path\":[1]},\"harrier\":{\"score\":\"x\",\"level\":\"<b>\"}}",
                        "{\"harrier\":{\"subject\":{\"chain\":[5,{\"path\":[]},{}]}}}"}) {
    std::string row = FindingRowHtml(FindingFromJson(OJson::parse(s)));
    EXPECT_NE(row.find("data-level=\"none\""), std::string::npos) << s;
    EXPECT_EQ(row.find("<b>"), std::string::npos) << s;
  }
}

TEST(ReportCollector, KeepsTopNByScoreAndCountsTheRest) {
  ReportCollector c(3);
  for (int score : {10, 50, 30, 90, 20, 70}) {
    Finding f;
    f.subject.path = "/p" + std::to_string(score);
    f.score = score;
    c.AddFinding(f);
  }
  ReportDoc d = c.Finish();
  ASSERT_EQ(d.findings.size(), 3u);
  EXPECT_EQ(d.findings[0].score, 90);
  EXPECT_EQ(d.findings[1].score, 70);
  EXPECT_EQ(d.findings[2].score, 50);
  EXPECT_EQ(d.findings_total, 6u);
  EXPECT_EQ(d.findings_dropped, 3u);
}

TEST(ReadJsonl, MalformedLinesAreDiagnosticsWithLineNumbers) {
  std::istringstream in(
      "{\"harrier\":{\"type\":\"scan_start\"}}\n"
      "not json\n"
      "\n"
      "[1,2]\n"
      "{\"harrier\":{\"type\":\"finding\",\"score\":5},\"file\":{\"path\":\"/a\"}}\n"
      "{\"harrier\":{\"type\":\"bogus\"}}\n");
  ReportCollector c;
  Diagnostics diag;
  ASSERT_TRUE(ReadJsonl(in, "scan.jsonl", c, diag).ok());
  auto items = diag.Snapshot();
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].where, "scan.jsonl:2");
  EXPECT_EQ(items[1].where, "scan.jsonl:4");
  EXPECT_EQ(items[2].where, "scan.jsonl:6");
  ReportDoc d = c.Finish();
  EXPECT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.input_problems, 3u);
  EXPECT_TRUE(d.has_start);
  EXPECT_FALSE(d.summary.has_value());
  // No summary: the scan did not finish, and the verdict says so.
  EXPECT_EQ(VerdictFor(d.EffectiveSummary()), Verdict::kIncomplete);
}

// Regression (review): a line of a few hundred thousand nested arrays
// overflowed the parser's stack; it is an input problem now.
TEST(ReadJsonl, DeeplyNestedLineIsAnInputProblemNotACrash) {
  std::string deep = "{\"harrier\":{\"type\":\"finding\",\"score\":1,\"reasons\":[{\"details\":" +
                     std::string(300000, '[') + std::string(300000, ']') +
                     "}]},\"file\":{\"path\":\"/a\"}}\n";
  std::istringstream in(deep + "{\"harrier\":{\"type\":\"finding\",\"score\":1e300,"
                               "\"reasons\":[{\"score\":1e300}]},\"file\":{\"path\":\"/b\","
                               "\"inode\":18446744073709551615}}\n");
  ReportCollector c;
  Diagnostics diag;
  ASSERT_TRUE(ReadJsonl(in, "x", c, diag).ok());
  ReportDoc d = c.Finish();
  EXPECT_EQ(d.input_problems, 1u);
  ASSERT_EQ(d.findings.size(), 1u);
  EXPECT_EQ(d.findings[0].reasons[0].score, 1000000);  // clamped, not undefined
  EXPECT_EQ(d.findings[0].subject.file.inode, 18446744073709551615ull);  // exact
}

// Defect: `harrier report` had no line-length limit (a 600 MB line took
// 3.9 GB). A longer line is consumed without being kept, reported with its
// line number, and the next line still reads.
TEST(ReadJsonl, LinesBeyondTheLimitAreSkippedAndReported) {
  std::string big = "{\"harrier\":{\"type\":\"finding\",\"score\":1},\"file\":{\"path\":\"/" +
                    std::string(5000, 'a') + "\"}}\n";
  std::istringstream in(big + "{\"harrier\":{\"type\":\"finding\",\"score\":1},\"file\":{\"path\":\"/b\"}}");
  ReportCollector c;
  Diagnostics diag;
  ASSERT_TRUE(ReadJsonl(in, "x", c, diag, 1024).ok());
  auto items = diag.Snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].where, "x:1");
  EXPECT_NE(items[0].message.find("longer than 1024 bytes"), std::string::npos);
  ReportDoc d = c.Finish();
  EXPECT_EQ(d.input_problems, 1u);
  ASSERT_EQ(d.findings.size(), 1u) << "the last line has no newline and still counts";
  EXPECT_EQ(d.findings[0].subject.path, "/b");
}

// Defect: wrong types were coerced silently (a score given as text became
// 0). They are read as far as possible and reported.
TEST(ReadJsonl, WrongTypesAreReportedNotCoercedSilently) {
  std::istringstream in(
      "{\"harrier\":{\"type\":\"finding\",\"score\":\"high\"},\"file\":{\"path\":\"/a\",\"size\":[1]}}\n"
      "{\"harrier\":{\"type\":\"finding\",\"score\":80},\"file\":{\"path\":\"/b\"}}\n");
  ReportCollector c;
  Diagnostics diag;
  ASSERT_TRUE(ReadJsonl(in, "x", c, diag).ok());
  auto items = diag.Snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].where, "x:1");
  EXPECT_NE(items[0].message.find("harrier.score: string where a number was expected"),
            std::string::npos) << items[0].message;
  EXPECT_NE(items[0].message.find("file.size: array"), std::string::npos) << items[0].message;
  EXPECT_EQ(c.Finish().input_problems, 1u);
}

// The JSONL reader gives back the typed model the writer was given: the
// reporters render a saved scan as they render a live one.
TEST(ReadJsonl, RoundTripsFindingsWithTheirChainAndTheSummary) {
  Finding f;
  f.subject.kind = SubjectKind::kArchiveMember;
  f.subject.containers = {{"/ev/t\xff.zip", "zip"}, {"in/x.msi", "msi"}};
  f.subject.display_root = "C:\\ev\\t\xff.zip";
  f.subject.path = "ffmpeg.dll";
  f.subject.name = "ffmpeg.dll";
  f.subject.file.size = 42;
  f.subject.file.mtime = 1700000000;
  f.hashes = {"m", "s1", "s256"};
  f.filetype = "EXE";
  f.score = 90;
  f.level = Level::kAlert;
  f.reasons.push_back({.kind = ReasonKind::kC2, .name = "evil.example", .description = "d",
                       .score = 90, .source = "c2.txt:3",
                       .strings = {{"$ioc", 7, std::string("ev\0il", 5)}}});
  Finding plain;
  plain.subject.path = "/srv/\xfe.exe";  // invalid UTF-8: restored from path_hex
  plain.subject.name = "\xfe.exe";
  plain.subject.display_root = plain.subject.path;
  plain.subject.file.has_owner = true;
  plain.subject.file.owner = "root";
  plain.subject.file.mode = 0755;
  plain.score = 60;
  plain.level = Level::kWarning;
  ScanSummary s;
  s.files_seen = 3;
  s.files_scanned = 2;
  s.skipped_dirs[static_cast<size_t>(SkipReason::kPermission)] = 1;
  s.members_seen = 5;
  s.members_scanned = 4;
  s.skipped_members[static_cast<size_t>(SkipReason::kEncrypted)] = 1;
  s.findings[3] = 1;
  s.findings[2] = 1;
  ScanInfo info;
  info.hostname = "h1";
  info.paths = {"/ev"};
  info.version = "9";
  std::stringstream io;
  io << ScanStartToJson(info).dump() << "\n"
     << FindingToJson(f, ScanInfo{.hostname = "h1"}).dump() << "\n"
     << FindingToJson(plain, ScanInfo{.hostname = "h1"}).dump() << "\n"
     << SummaryToJson(s, info).dump() << "\n";
  ReportCollector c;
  Diagnostics diag;
  ASSERT_TRUE(ReadJsonl(io, "x", c, diag).ok());
  EXPECT_EQ(diag.error_count(), 0u);
  ReportDoc d = c.Finish();
  ASSERT_EQ(d.findings.size(), 2u);
  const Finding& g = d.findings[0];
  EXPECT_EQ(g.subject.kind, SubjectKind::kArchiveMember);
  ASSERT_EQ(g.subject.containers.size(), 2u);
  EXPECT_EQ(g.subject.containers[1].path, "in/x.msi");
  EXPECT_EQ(g.subject.containers[1].format, "msi");
  EXPECT_EQ(g.subject.path, "ffmpeg.dll");
  EXPECT_EQ(g.subject.file.mtime, 1700000000);
  EXPECT_EQ(g.host, "h1");
  EXPECT_EQ(g.level, Level::kAlert);
  ASSERT_EQ(g.reasons.size(), 1u);
  EXPECT_EQ(g.reasons[0].kind, ReasonKind::kC2);
  ASSERT_EQ(g.reasons[0].strings.size(), 1u);
  EXPECT_EQ(g.reasons[0].strings[0].data, std::string("ev\0il", 5));
  EXPECT_EQ(FindingToJson(g, ScanInfo{.hostname = "h1"}).dump().substr(40), FindingToJson(f, ScanInfo{.hostname = "h1"}).dump().substr(40))
      << "written again, the same object (after the timestamp)";
  EXPECT_EQ(d.findings[1].subject.path, "/srv/\xfe.exe");
  EXPECT_EQ(d.findings[1].subject.file.mode, 0755u);
  ASSERT_TRUE(d.summary.has_value());
  EXPECT_EQ(d.summary->members_seen, 5u);
  EXPECT_EQ(d.summary->skipped_members[static_cast<size_t>(SkipReason::kEncrypted)], 1u);
  EXPECT_EQ(VerdictFor(*d.summary), Verdict::kAlert);
  EXPECT_TRUE(d.summary->incomplete());
  EXPECT_EQ(d.info.hostname, "h1");
  EXPECT_EQ(d.info.paths, std::vector<std::string>{"/ev"});
}

}  // namespace
}  // namespace harrier
