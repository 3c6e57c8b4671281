// The multi-scan reader behind `harrier report` (several scans per stream,
// folders of JSONL files, unfinished scans), the indicator tally, the
// fleet ordering, the per-host CSV and the fleet page's escaping. The
// browser-level twin is FleetE2E.BrowserShowsEveryHostAndRunsNoInjectedMarkup.
#include "report/fleet_doc.h"

#include <sstream>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "report/csv_reporter.h"
#include "report/fleet_html.h"
#include "report/json_util.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

ScanInfo Info(const std::string& host, int64_t start) {
  ScanInfo i;
  i.hostname = host;
  i.version = "0.1.0";
  i.paths = {"/srv"};
  i.start_time = start;
  i.rules.digest = "d1g357";
  return i;
}

Finding Hit(const std::string& path, double score, Level level, const std::string& rule,
            const std::string& remediation = "") {
  Finding f;
  f.subject.path = path;
  f.subject.name = path.substr(path.rfind('/') + 1);
  f.subject.display_root = path;
  f.score = score;
  f.level = level;
  Reason r;
  r.kind = ReasonKind::kYara;
  r.name = rule;
  r.description = "detects " + rule;
  r.score = static_cast<int>(score);
  r.remediation = remediation;
  f.reasons.push_back(r);
  return f;
}

// A whole scan as JSONL; `finished` false leaves out the summary.
std::string Scan(const ScanInfo& info, const std::vector<Finding>& findings, bool finished) {
  std::string out = ScanStartToJson(info).dump() + "\n";
  ScanSummary s;
  for (const auto& f : findings) {
    out += FindingToJson(f, info).dump() + "\n";
    ++s.findings[static_cast<size_t>(f.level)];
  }
  s.rules = info.rules;
  s.duration_s = 12.5;
  s.files_seen = s.files_scanned = 100;
  if (finished) out += SummaryToJson(s, info).dump() + "\n";
  return out;
}

FleetDoc ReadAll(const std::vector<std::pair<std::string, std::string>>& streams,
                 Diagnostics& diag, size_t max_findings = 10000) {
  FleetCollector c(max_findings);
  for (const auto& [name, text] : streams) {
    std::istringstream in(text);
    EXPECT_TRUE(c.Read(in, name, diag).ok());
  }
  return c.Finish();
}

TEST(FleetCollector, SeveralScanStartsOnOneStreamAreSeveralScans) {
  std::string stdin_text =
      Scan(Info("web02", 2000), {Hit("/b/x.so", 90, Level::kAlert, "Evil")}, true) +
      Scan(Info("web01", 1000),
           {Hit("/a/y.sh", 65, Level::kWarning, "Sus"), Hit("/a/z.sh", 45, Level::kNotice, "Sus")},
           /*finished=*/false);
  Diagnostics diag;
  FleetDoc d = ReadAll({{"<stdin>", stdin_text}}, diag);
  EXPECT_EQ(diag.error_count(), 0u);
  ASSERT_EQ(d.scans.size(), 2u);
  // By start time: web01 first.
  const ReportDoc& a = d.scans[0];
  const ReportDoc& b = d.scans[1];
  EXPECT_EQ(a.info.hostname, "web01");
  EXPECT_EQ(a.origin, "<stdin>:4");
  EXPECT_FALSE(a.summary.has_value()) << "no summary: unfinished";
  EXPECT_EQ(HostVerdictOf(a), HostVerdict::kUnfinished);
  ASSERT_EQ(a.findings.size(), 2u);
  EXPECT_EQ(a.findings[0].subject.path, "/a/y.sh");
  EXPECT_EQ(a.EffectiveSummary().findings[static_cast<size_t>(Level::kWarning)], 1u);
  EXPECT_EQ(b.info.hostname, "web02");
  EXPECT_EQ(b.origin, "<stdin>:1");
  ASSERT_TRUE(b.summary.has_value());
  EXPECT_EQ(HostVerdictOf(b), HostVerdict::kAlert);
  ASSERT_EQ(b.findings.size(), 1u);
  EXPECT_EQ(b.findings[0].subject.path, "/b/x.so");
  EXPECT_EQ(d.input_problems, 0u);
}

TEST(FleetCollector, ScansDoNotContinueAcrossInputsAndSameHostTwiceIsTwoEntries) {
  // The second file starts without scan_start (cut at the front): its
  // finding is not given to the first file's scan.
  Finding late = Hit("/c/late.bin", 85, Level::kAlert, "Late");
  Diagnostics diag;
  FleetDoc d = ReadAll({{"a.jsonl", Scan(Info("db", 100), {}, false)},
                        {"b.jsonl", FindingToJson(late, ScanInfo{.hostname = "db"}).dump() + "\n"},
                        {"c.jsonl", Scan(Info("db", 50), {}, true)}},
                       diag);
  ASSERT_EQ(d.scans.size(), 3u);
  EXPECT_EQ(d.scans[0].origin, "b.jsonl:1");  // start unknown (0) sorts first
  EXPECT_FALSE(d.scans[0].has_start);
  EXPECT_EQ(d.scans[0].findings.size(), 1u);
  EXPECT_EQ(d.scans[1].info.start_time, 50);
  EXPECT_EQ(d.scans[2].info.start_time, 100);
  EXPECT_TRUE(d.scans[2].findings.empty());
  EXPECT_EQ(d.input_problems, 0u);
}

TEST(FleetCollector, AFindingAfterTheSummaryIsAProblemAndASeparateScan) {
  std::string text = Scan(Info("h", 10), {}, true) +
                     FindingToJson(Hit("/x", 80, Level::kAlert, "R"), ScanInfo{.hostname = "h"}).dump() + "\n";
  Diagnostics diag;
  FleetDoc d = ReadAll({{"s.jsonl", text}}, diag);
  ASSERT_EQ(d.scans.size(), 2u);
  EXPECT_EQ(d.input_problems, 1u);
  auto items = diag.Snapshot();
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].where, "s.jsonl:3");
  EXPECT_NE(items[0].message.find("after the summary of the scan read from s.jsonl:1"),
            std::string::npos)
      << items[0].message;
}

TEST(FleetCollector, MalformedLinesAreCountedPerScanWithLineNumbers) {
  std::string text = Scan(Info("h", 10), {}, true);
  text.insert(text.find('\n') + 1, "{broken\n");
  Diagnostics diag;
  FleetDoc d = ReadAll({{"s.jsonl", text}}, diag);
  ASSERT_EQ(d.scans.size(), 1u);
  EXPECT_EQ(d.input_problems, 1u);
  EXPECT_EQ(d.scans[0].input_problems, 1u);
  ASSERT_EQ(diag.Snapshot().size(), 1u);
  EXPECT_EQ(diag.Snapshot()[0].where, "s.jsonl:2");
}

TEST(FleetCollector, TheFindingCapHoldsForAllScansTogether) {
  std::string text;
  for (int h = 0; h < 3; ++h) {
    std::vector<Finding> fs;
    for (int i = 0; i < 4; ++i)
      fs.push_back(Hit(fmt::format("/h{}/f{}", h, i), 10 * h + i + 40, Level::kNotice, "R"));
    text += Scan(Info(fmt::format("h{}", h), 10 + h), fs, true);
  }
  std::vector<std::string> rows;
  FleetCollector c(5);
  c.set_finding_observer([&](const Finding& f, const ReportDoc& scan) {
    rows.push_back(scan.info.hostname + " " + f.subject.path);
  });
  std::istringstream in(text);
  Diagnostics diag;
  ASSERT_TRUE(c.Read(in, "x", diag).ok());
  FleetDoc d = c.Finish();
  EXPECT_EQ(rows.size(), 12u) << "the observer (CSV) sees every finding";
  EXPECT_EQ(rows.front(), "h0 /h0/f0");
  size_t kept = 0;
  for (const auto& s : d.scans) {
    kept += s.findings.size();
    EXPECT_EQ(s.findings_total, 4u);
    EXPECT_EQ(s.findings_dropped, s.findings_total - s.findings.size());
  }
  EXPECT_EQ(kept, 5u);
  EXPECT_EQ(d.scans[2].findings.size(), 4u);  // h2 scores highest
  EXPECT_EQ(d.scans[1].findings.size(), 1u);
  EXPECT_EQ(d.scans[1].findings[0].subject.path, "/h1/f3");
  EXPECT_EQ(d.scans[0].offered_by_level[static_cast<size_t>(Level::kNotice)], 4u);
}

TEST(FleetCollector, ScansBeyondTheLimitAreCountedNotKept) {
  std::string text;
  for (int h = 0; h < 4; ++h) text += Scan(Info(fmt::format("h{}", h), h + 1), {}, true);
  FleetCollector c(100, /*max_scans=*/2);
  std::istringstream in(text);
  Diagnostics diag;
  ASSERT_TRUE(c.Read(in, "x", diag).ok());
  FleetDoc d = c.Finish();
  EXPECT_EQ(d.scans.size(), 2u);
  EXPECT_EQ(d.scans_dropped, 2u);
}

TEST(IndicatorTally, CountsHostsOnceAndRemediationsMostSevereFirst) {
  IndicatorTally t;
  uint32_t a = t.HostId("a"), b = t.HostId("b");
  EXPECT_EQ(t.HostId("a"), a);
  t.Add(Hit("/1", 50, Level::kNotice, "Common", "Check the cron jobs."), a);
  t.Add(Hit("/2", 50, Level::kNotice, "Common", "Check the cron jobs."), a);
  t.Add(Hit("/3", 95, Level::kAlert, "Common", "Check the cron jobs."), b);
  t.Add(Hit("/4", 85, Level::kAlert, "Rare", "Reinstall the host."), b);
  t.Add(Hit("/5", 61, Level::kWarning, "Odd", "Remove the file."), a);
  auto ind = t.Indicators();
  ASSERT_EQ(ind.size(), 3u);
  EXPECT_EQ(ind[0].name, "Common");
  EXPECT_EQ(ind[0].hosts.size(), 2u);
  EXPECT_EQ(ind[0].findings, 3u);
  EXPECT_EQ(ind[0].max_score, 95);
  EXPECT_EQ(ind[0].max_level, Level::kAlert);
  auto rem = t.Remediations();
  ASSERT_EQ(rem.size(), 3u) << "each text once";
  EXPECT_EQ(rem[0].text, "Check the cron jobs.");  // alert, 95
  EXPECT_EQ(rem[1].text, "Reinstall the host.");   // alert, 85
  EXPECT_EQ(rem[2].text, "Remove the file.");      // warning
  EXPECT_EQ(rem[0].indicators, std::vector<std::string>{"yara Common"});
  IndicatorTally small(1);
  small.Add(Hit("/1", 50, Level::kNotice, "One"), 0);
  small.Add(Hit("/2", 50, Level::kNotice, "Two"), 0);
  EXPECT_EQ(small.Indicators().size(), 1u);
  EXPECT_EQ(small.dropped(), 1u);
}

TEST(FleetDoc, WorstFirstRanksUnfinishedScansWithAlertsAsAlerts) {
  std::string text = Scan(Info("clean", 1), {}, true) +
                     Scan(Info("warn", 2), {Hit("/w", 65, Level::kWarning, "W")}, true) +
                     Scan(Info("cut", 3), {}, false) +
                     Scan(Info("cut-alert", 4), {Hit("/c", 99, Level::kAlert, "C")}, false) +
                     Scan(Info("alert", 5), {Hit("/a", 90, Level::kAlert, "A")}, true) +
                     Scan(Info("notice", 6), {Hit("/n", 45, Level::kNotice, "N")}, true);
  Diagnostics diag;
  FleetDoc d = ReadAll({{"x", text}}, diag);
  std::vector<std::string> order;
  for (size_t i : d.WorstFirst()) order.push_back(d.scans[i].info.hostname);
  EXPECT_EQ(order, (std::vector<std::string>{"cut-alert", "alert", "warn", "cut", "notice",
                                             "clean"}));
}

TEST(CsvHostRow, OneSummaryRowPerScan) {
  Diagnostics diag;
  FleetDoc d = ReadAll({{"x", Scan(Info("web,01", 1700000000),
                                   {Hit("/a", 90, Level::kAlert, "A")}, true) +
                                  Scan(Info("=cut", 1700000100), {}, false)}},
                       diag);
  ASSERT_EQ(d.scans.size(), 2u);
  EXPECT_EQ(CsvHostsHeader(),
            "host,verdict,alert,warning,notice,max_score,scan_start,duration_s,files_seen,"
            "files_scanned,files_skipped,errors,finished,harrier_version,signature_digest,paths\r\n");
  EXPECT_EQ(CsvHostRow(d.scans[0]),
            "\"web,01\",alert,1,0,0,90,2023-11-14T22:13:20Z,12.5,100,100,0,0,true,0.1.0,d1g357,"
            "/srv\r\n");
  EXPECT_EQ(CsvHostRow(d.scans[1]),
            "'=cut,unfinished,0,0,0,0,2023-11-14T22:15:00Z,,,,,,false,0.1.0,d1g357,/srv\r\n");
}

TEST(RenderFleetHtml, HostileHostNamesAreTextAndEveryHostHasASection) {
  const std::string evil = "<img src=x onerror=alert(1)><script>window.__pwned=1</script>";
  Diagnostics diag;
  FleetDoc d = ReadAll(
      {{"x", Scan(Info(evil, 10), {Hit("/e/<b>.dll", 90, Level::kAlert, "R<i>", "Do <u>this</u>")},
                  true) +
                 Scan(Info("plain", 20), {Hit("/p/x", 65, Level::kWarning, "W")}, false)}},
      diag);
  std::string html = RenderFleetHtml(d);
  size_t scripts = 0;
  for (size_t p = 0; (p = html.find("<script", p)) != std::string::npos; ++p) ++scripts;
  EXPECT_EQ(scripts, 1u) << "only the page's own script";
  EXPECT_EQ(html.find("<img"), std::string::npos);
  EXPECT_EQ(html.find("<b>.dll"), std::string::npos);
  EXPECT_EQ(html.find("<u>"), std::string::npos);
  EXPECT_NE(html.find("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;window.__pwned=1"),
            std::string::npos);
  // Overview rows link to the host sections.
  for (size_t i = 0; i < d.scans.size(); ++i) {
    EXPECT_NE(html.find(fmt::format("href=\"#host-{}\"", i)), std::string::npos);
    EXPECT_NE(html.find(fmt::format("id=\"host-{}\"", i)), std::string::npos);
  }
  EXPECT_NE(html.find(">UNFINISHED<"), std::string::npos);
  EXPECT_NE(html.find("Most frequent indicators across hosts"), std::string::npos);
  EXPECT_NE(html.find("Do &lt;u&gt;this&lt;/u&gt;"), std::string::npos) << "what to do next";
  EXPECT_NE(html.find("@media print"), std::string::npos);
}

TEST(ExpandReportInputs, AFolderIsItsJsonlFilesSortedNotRecursive) {
  testing::TempDir t;
  t.Write("b.jsonl", "");
  t.Write("a.jsonl", "");
  t.Write("notes.txt", "");
  t.Write("sub/c.jsonl", "");
  auto r = ExpandReportInputs({t.path(), "-"});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(*r, (std::vector<std::string>{t.path() + "/a.jsonl", t.path() + "/b.jsonl", "-"}));
  t.Mkdir("empty");
  EXPECT_FALSE(ExpandReportInputs({t.path() + "/empty"}).ok());
  EXPECT_FALSE(ExpandReportInputs({"-", "-"}).ok());
  EXPECT_FALSE(ExpandReportInputs({t.path() + "/missing.jsonl"}).ok());
}

}  // namespace
}  // namespace harrier
