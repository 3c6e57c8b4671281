// End-to-end tests of the fleet report: three scans made by the built
// binary, each under its own host name (HARRIER_TEST_HOSTNAME, a test-only
// override), one of them hostile markup, rendered by `harrier report` from
// a folder and from one stream holding all three, and loaded in headless
// Chromium.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

const char kHostile[] = "<img src=x onerror=alert(1)><script>window.__pwned=1</script>";

// Three planted trees scanned as three hosts; the JSONL files land in
// out/scans/.
struct Fleet {
  TempDir sig, trees, out;
  std::vector<std::string> hosts = {"web01", "db01", kHostile};
  std::vector<std::string> planted;  // one planted file per host
  std::vector<std::string> jsonl;    // one scan per host

  Fleet() {
    // sha256("harrier planted sample\n")
    sig.Write("iocs/my-hash-iocs.txt",
              "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;Planted test "
              "sample\n");
    sig.Write("iocs/my-filename-iocs.txt", "# Test DLL name\n\\.dll$;60\n");
    const std::vector<std::pair<std::string, std::string>> files = {
        {"alpha/sub/planted-alpha.dat", "harrier planted sample\n"},
        {"bravo/planted-bravo.dll", "hello\n"},
        {"charlie/planted-charlie.dat", "harrier planted sample\n"}};
    out.Mkdir("scans");
    for (size_t i = 0; i < hosts.size(); ++i) {
      planted.push_back(trees.Write(files[i].first, files[i].second));
      std::string root = trees.path() + "/" + files[i].first.substr(0, files[i].first.find('/'));
      jsonl.push_back(out.path() + "/scans/scan" + std::to_string(i) + ".jsonl");
      RunResult r = RunProgram({"/usr/bin/env", "HARRIER_TEST_HOSTNAME=" + hosts[i],
                                HarrierBinary(), "scan", "--no-builtin", "--no-progress", "-q",
                                "--all-files", "--signatures", sig.path(), root, "--jsonl",
                                jsonl.back()});
      EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
    }
  }
};

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t p = 0; (p = text.find(what, p)) != std::string::npos; p += what.size()) ++n;
  return n;
}

std::string FindChromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"})
    if (std::string p = FindProgram(name); !p.empty()) return p;
  return "";
}

TEST(FleetE2E, BrowserShowsEveryHostAndRunsNoInjectedMarkup) {
  std::string chromium = FindChromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it); "
                    "the fleet page was not checked in a browser";
  Fleet f;
  const std::string html = f.out.path() + "/fleet.html";
  RunResult rep = RunHarrier({"report", f.out.path() + "/scans", "--html", html});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;

  RunResult dom_run = RunProgram(
      {chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
       "--disable-background-networking", "--disable-component-update", "--disable-sync",
       "--user-data-dir=" + f.out.path() + "/profile", "--dump-dom", "file://" + html},
      60);
  const std::string& dom = dom_run.out;
  ASSERT_FALSE(dom.empty()) << "chromium produced no DOM: " << dom_run.err;
  // Every host's findings: the three planted files.
  for (const auto& p : f.planted) EXPECT_NE(dom.find(p), std::string::npos) << p;
  // The overview lists the three hosts, each linking to its section.
  EXPECT_EQ(Count(dom, "class=\"host-row "), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NE(dom.find("href=\"#host-" + std::to_string(i) + "\""), std::string::npos);
    EXPECT_NE(dom.find("id=\"host-" + std::to_string(i) + "\""), std::string::npos);
  }
  // The page script ran (it marks each findings table).
  EXPECT_EQ(Count(dom, "data-rendered=\"1\""), 3u);
  // The hostile host name is text only: escaped in the DOM, and no element
  // made from it (the page has exactly its own one script element).
  EXPECT_NE(dom.find("&lt;img src=x onerror=alert(1)&gt;&lt;script&gt;window.__pwned=1&lt;/"
                     "script&gt;"),
            std::string::npos);
  EXPECT_EQ(Count(dom, "<script"), 1u);
  EXPECT_EQ(dom.find("<img"), std::string::npos);
  EXPECT_EQ(dom.find("__pwned=1</script>"), std::string::npos);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("<title>([^<]*)</title>")));
  EXPECT_EQ(m[1].str(), "Harrier fleet report: 3 scans");

  if (const char* shot = std::getenv("HARRIER_SCREENSHOT"); shot && *shot)
    RunProgram({chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--user-data-dir=" + f.out.path() + "/profile2", "--window-size=1400,1000",
                std::string("--screenshot=") + shot, "file://" + html},
               60);
}

TEST(FleetE2E, OneStreamWithSeveralScansAndAnUnfinishedOne) {
  Fleet f;
  // All three on one stream, the last cut before its summary.
  std::string all;
  for (size_t i = 0; i < f.jsonl.size(); ++i) {
    std::string text = ReadWholeFile(f.jsonl[i]);
    if (i + 1 == f.jsonl.size()) text = text.substr(0, text.rfind("{\"@timestamp\""));
    all += text;
  }
  f.out.Write("all.jsonl", all);
  const std::string o = f.out.path();
  RunOptions opts;
  opts.stdin_path = o + "/all.jsonl";
  RunResult rep = RunProgram({HarrierBinary(), "report", "-", "--html", o + "/f.html", "--csv",
                              o + "/f.csv", "--csv-hosts", o + "/hosts.csv"},
                             opts);
  EXPECT_EQ(rep.exit_code, 3) << "an unfinished scan: " << rep.err;
  EXPECT_NE(rep.err.find("<stdin>:"), std::string::npos) << rep.err;
  EXPECT_NE(rep.err.find("has no summary object: the scan did not finish"), std::string::npos);

  std::string page = ReadWholeFile(o + "/f.html");
  EXPECT_EQ(Count(page, "class=\"host-row "), 3u);
  EXPECT_EQ(Count(page, ">UNFINISHED</span>"), 2u) << "overview and host section";

  // Findings CSV: the single-scan columns plus scan_start; one row each.
  std::vector<std::string> rows = Lines(ReadWholeFile(o + "/f.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], "host,level,score,path,size,sha256,md5,reasons,scan_start\r");
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_NE(rows[i + 1].find(f.planted[i]), std::string::npos) << rows[i + 1];
    EXPECT_TRUE(std::regex_search(rows[i + 1], std::regex(",20[0-9]{2}-[0-9-]{5}T[0-9:]{8}Z\r$")))
        << rows[i + 1];
  }
  EXPECT_EQ(rows[1].rfind("web01,", 0), 0u);
  EXPECT_EQ(rows[3].rfind(std::string(kHostile) + ",alert,90,", 0), 0u) << rows[3];

  // Hosts CSV: one row per scan, worst first: the two with an alert (the
  // cut one too: it found one before it stopped; equal rank goes by host
  // name), then the warning.
  std::vector<std::string> hosts = Lines(ReadWholeFile(o + "/hosts.csv"));
  ASSERT_EQ(hosts.size(), 4u);
  EXPECT_EQ(hosts[0].rfind("host,verdict,alert,warning,notice,max_score,scan_start,", 0), 0u);
  EXPECT_EQ(hosts[1].rfind(std::string(kHostile) + ",unfinished,1,0,0,90,", 0), 0u) << hosts[1];
  EXPECT_NE(hosts[1].find(",false,"), std::string::npos);
  EXPECT_EQ(hosts[2].rfind("web01,alert,1,0,0,90,", 0), 0u) << hosts[2];
  EXPECT_EQ(hosts[3].rfind("db01,warning,0,1,0,60,", 0), 0u) << hosts[3];
}

TEST(FleetE2E, ASingleScanStillGivesTheSingleScanPage) {
  Fleet f;
  const std::string o = f.out.path();
  RunResult rep = RunHarrier({"report", f.jsonl[0], "--html", o + "/one.html"});
  EXPECT_EQ(rep.exit_code, 0) << rep.err;
  std::string page = ReadWholeFile(o + "/one.html");
  EXPECT_EQ(page.find("id=\"overview\""), std::string::npos);
  EXPECT_NE(page.find("Harrier report: web01"), std::string::npos);
  EXPECT_NE(page.find(f.planted[0]), std::string::npos);
  // A missing input is a usage error before anything is written.
  RunResult bad = RunHarrier({"report", f.jsonl[0], o + "/missing.jsonl", "--html", o + "/x.html"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("missing.jsonl"), std::string::npos);
}

}  // namespace
}  // namespace harrier::testing
