// What a scan writes survives what hosts do to it: full disks, signals
// (kill, hang-up, terminate, a second Ctrl-C), reports planted as symlinks,
// and a tampered compiled-rules cache. Each test names the defect it guards.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// A signature folder with a marker rule, and a tree with `n` marked files.
struct Marked {
  TempDir sig, tree, out;
  explicit Marked(int n) {
    sig.Write("yara/marker.yar",
              "rule hardening_marker { strings: $a = \"HARRIER_HARDENING_MARKER\" condition: $a }\n");
    for (int i = 0; i < n; ++i)
      tree.Write("m" + std::to_string(i) + ".txt", "x HARRIER_HARDENING_MARKER " + std::to_string(i));
  }
  std::vector<std::string> Args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"scan", "--no-builtin", "--no-progress", "--signatures",
                                  sig.path()};
    a.insert(a.end(), extra.begin(), extra.end());
    a.push_back(tree.path());
    return a;
  }
  // Adds a slow rule and many files after the markers: a scan that runs for
  // minutes unless stopped (one thread: markers first, in walk order).
  void MakeSlow() {
    sig.Write("yara/slow.yar",
              "rule slow { condition: for all i in (0..filesize) : "
              "( for all k in (0..2000) : ( k >= 0 ) ) and false }\n");
    std::string content(4096, 'a');
    for (int d = 0; d < 10; ++d)
      for (int f = 0; f < 50; ++f)
        tree.Write("z" + std::to_string(d) + "/f" + std::to_string(f), content);
  }
};

// Defect: `--jsonl /dev/full --csv /dev/full` exited 1 with nothing on
// stderr: every finding was lost without a word.
TEST(Reports, AFullDiskIsAnErrorAndExitCode4) {
  Marked m(3);
  auto r = RunHarrier(m.Args({"--jsonl", "/dev/full", "--csv", "/dev/full", "--html", "/dev/full"}));
  EXPECT_EQ(r.exit_code, 4) << r.out << r.err;
  EXPECT_NE(r.err.find("report not written completely"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/dev/full"), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("Exit code: 4"), std::string::npos) << r.out;
  // The same scan with working reports is an ordinary alert.
  auto ok = RunHarrier(m.Args({"--jsonl", m.out.path() + "/s.jsonl"}));
  EXPECT_EQ(ok.exit_code, 1) << ok.err;
}

// Defect: a disk that filled mid-scan kept 57 of 200 findings in the JSONL,
// a cut last line, no summary and no error. A file-size limit stands in for
// the full disk: the error is shown, the exit code is 4, and the JSONL
// ends with a complete line.
TEST(Reports, ADiskThatFillsMidScanIsAnErrorAndTheJsonlEndsCleanly) {
  std::string prlimit = FindProgram("prlimit");
  if (prlimit.empty()) GTEST_SKIP() << "prlimit (util-linux) is not installed";
  Marked m(200);
  std::vector<std::string> argv = {prlimit, "--fsize=20000", HarrierBinary()};
  for (const auto& a : m.Args({"--jsonl", m.out.path() + "/s.jsonl"})) argv.push_back(a);
  RunResult r = RunProgram(argv, 120);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("s.jsonl"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("File too large"), std::string::npos) << r.err;
  std::string text = ReadWholeFile(m.out.path() + "/s.jsonl");
  ASSERT_FALSE(text.empty());
  EXPECT_LE(text.size(), 20000u);
  EXPECT_EQ(text.back(), '\n') << "a cut last line";
  Jsonl j = ParseJsonl(text);
  EXPECT_TRUE(j.all_parsed);
  EXPECT_GT(j.findings.size(), 0u);
  EXPECT_LT(j.findings.size(), 200u);
  // The text report on stdout has all 200 and says the JSONL is incomplete.
  EXPECT_NE(r.out.find("Report not written completely"), std::string::npos) << r.out.substr(0, 2000);
}

// Defect: a report created through a symlink another user planted
// overwrote the link's target (root clobbering any file), and reports were
// created world-readable.
TEST(Reports, APlantedSymlinkIsReplacedAndReportsArePrivate) {
  Marked m(1);
  std::string victim = m.out.Write("victim.conf", "precious\n");
  for (const char* flag : {"--html", "--csv", "--jsonl"}) {
    std::string path = m.out.path() + "/report";
    std::filesystem::remove(path);
    ASSERT_EQ(symlink(victim.c_str(), path.c_str()), 0);
    auto r = RunHarrier(m.Args({flag, path}));
    EXPECT_EQ(r.exit_code, 1) << flag << r.err;
    EXPECT_EQ(ReadWholeFile(victim), "precious\n") << flag;
    struct stat st;
    ASSERT_EQ(lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode)) << flag;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << flag;
    EXPECT_NE(ReadWholeFile(path).find("hardening_marker"), std::string::npos) << flag;
  }
  EXPECT_EQ(EntriesIn(m.out.path()), 2u) << "no temporary file left behind";
}

// Kill tests: a finding shown before the signal is in the JSONL, and every
// line of it parses. SIGKILL cannot be handled: the JSONL still holds
// every finding (flushed as found, no cut line), the HTML from an earlier
// run is untouched (the new one was a temporary file).
class KillMidScan : public ::testing::TestWithParam<int> {};

TEST_P(KillMidScan, KeepsEveryFindingAndEveryLineParses) {
  const int sig = GetParam();
  Marked m(3);
  m.MakeSlow();
  std::string jsonl = m.out.path() + "/s.jsonl", html = m.out.path() + "/r.html";
  m.out.Write("r.html", "<p>the previous report</p>\n");
  RunResult r = RunHarrierAndSignal(
      m.Args({"--all-files", "--threads", "1", "--walk-threads", "1", "--jsonl", jsonl, "--html",
              html}),
      "hardening_marker", 300, sig, 120);
  if (sig == SIGKILL) {
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_TRUE(ReadWholeFile(html) == "<p>the previous report</p>\n") << "the old HTML was touched";
  } else {
    ASSERT_NE(r.exit_code, -1) << "did not stop after signal " << sig;
    EXPECT_EQ(r.exit_code, 1) << r.err;  // findings win over "interrupted"
    EXPECT_NE(ReadWholeFile(html).find("hardening_marker"), std::string::npos);
  }
  std::string text = ReadWholeFile(jsonl);
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n') << "a cut last line";
  Jsonl j = ParseJsonl(text);
  EXPECT_TRUE(j.all_parsed);
  // Every finding the text output showed before the signal is in the JSONL.
  size_t shown = 0;
  for (size_t p = 0; (p = r.out.find("hardening_marker", p)) != std::string::npos; ++p) ++shown;
  EXPECT_GE(j.findings.size(), 1u);
  EXPECT_GE(j.findings.size(), std::min<size_t>(shown, 3)) << r.out;
  if (sig != SIGKILL) {
    EXPECT_EQ(j.summary["interrupted"], true) << text;
    ExpectAccounted(j.summary);
  }
}

INSTANTIATE_TEST_SUITE_P(Signals, KillMidScan, ::testing::Values(SIGKILL, SIGHUP, SIGTERM),
                         [](const auto& info) {
                           return std::string(info.param == SIGKILL  ? "SIGKILL"
                                              : info.param == SIGHUP ? "SIGHUP"
                                                                     : "SIGTERM");
                         });

// Defect: a second Ctrl-C left a 0-byte HTML (the earlier report wiped at
// start-up). Now it aborts at once: the JSONL keeps the findings, the
// unfinished HTML/CSV temporary files are removed, the old HTML stays.
TEST(Reports, ASecondCtrlCAbortsAndLeavesNoHalfReport) {
  Marked m(2);
  m.MakeSlow();
  std::string jsonl = m.out.path() + "/s.jsonl", html = m.out.path() + "/r.html";
  m.out.Write("r.html", "<p>the previous report</p>\n");
  // Two SIGINTs 50 ms apart: the slow rule keeps the worker busy longer.
  RunResult r = RunHarrierAndSignal(
      m.Args({"--all-files", "--threads", "1", "--walk-threads", "1", "--jsonl", jsonl, "--html",
              html, "--csv", m.out.path() + "/r.csv"}),
      "hardening_marker", 50, SIGINT, 120, 2);
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.err.find("aborted"), std::string::npos) << r.err;
  EXPECT_TRUE(ReadWholeFile(html) == "<p>the previous report</p>\n") << "the old HTML was touched";
  EXPECT_EQ(EntriesIn(m.out.path()), 2u) << "only the JSONL and the old HTML: no temporary file";
  Jsonl j = ParseJsonl(ReadWholeFile(jsonl));
  EXPECT_TRUE(j.all_parsed);
  EXPECT_GE(j.findings.size(), 1u);
}

// Defect: replacing the cached compiled rules (~/.cache/harrier/*.yarc)
// with a compiled empty rule set made the next scan CLEAN, exit 0.
TEST(RulesCacheE2E, ATamperedCacheEntryIsNotTrusted) {
  Marked m(1);
  TempDir cache;
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", cache.path().c_str(), 1);
  auto first = RunHarrier(m.Args({"--yara-reference"}));
  EXPECT_EQ(first.exit_code, 1) << first.err;
  // Another signature set's entry (a rule that never matches) copied over
  // every compiled file of the first: what an attacker would plant.
  TempDir other_sig;
  other_sig.Write("yara/none.yar", "rule never_matches { condition: false }\n");
  auto other = RunHarrier({"scan", "--no-builtin", "--no-progress", "--yara-reference",
                           "--signatures", other_sig.path(), m.tree.path()});
  EXPECT_EQ(other.exit_code, 0) << other.err;
  std::string dir = cache.path() + "/harrier";
  std::vector<std::string> yarcs;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".yarc") yarcs.push_back(e.path().string());
  ASSERT_EQ(yarcs.size(), 2u);
  std::string empty_set = ReadWholeFile(yarcs[0]).size() < ReadWholeFile(yarcs[1]).size() ? yarcs[0] : yarcs[1];
  std::string bytes = ReadWholeFile(empty_set);
  for (const auto& y : yarcs) {
    std::ofstream(y, std::ios::binary | std::ios::trunc) << bytes;
  }
  auto again = RunHarrier(m.Args({"--yara-reference", "-v"}));
  EXPECT_EQ(again.exit_code, 1) << "the tampered cache blinded the scan: " << again.out << again.err;
  EXPECT_NE(again.err.find("cache entry ignored"), std::string::npos) << again.err;
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else unsetenv("XDG_CACHE_HOME");
}

// Defect: `rules check -v` said "Literal prefilter: 35 of 34 rules": the
// prefiltered rules include the generated C2 rules, the total did not.
TEST(RulesCheck, ThePrefilterCountNeverExceedsTheRuleCount) {
  TempDir sig;
  for (int i = 0; i < 3; ++i)
    sig.Write("yara/r" + std::to_string(i) + ".yar",
              "rule lit" + std::to_string(i) + " { strings: $a = \"literal_number_" +
                  std::to_string(i) + "\" condition: $a }\n");
  sig.Write("iocs/c2-iocs.txt", "evil-c2.example;90\n");
  auto r = RunHarrier({"rules", "check", "--no-builtin", "-v", sig.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  size_t at = r.out.find("Literal prefilter: ");
  ASSERT_NE(at, std::string::npos) << r.out;
  unsigned gated = 0, total = 0;
  ASSERT_EQ(std::sscanf(r.out.c_str() + at, "Literal prefilter: %u of %u", &gated, &total), 2)
      << r.out.substr(at, 120);
  EXPECT_EQ(gated, 4u) << "3 rules and the generated C2 rule";
  EXPECT_EQ(total, 4u);
}

}  // namespace
}  // namespace harrier::testing
