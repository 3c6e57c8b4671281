// End-to-end tests of claims the README and docs/scanning.md make that no
// other test holds: the score thresholds, --root-detect-depth, the scan
// cache forgetting what it knew when --root-as changes, and SIGTERM (the
// report of what was found so far, findings winning over "incomplete").
#include <signal.h>

#include <gtest/gtest.h>

#include <string>

#include "e2e/jsonl.h"
#include "scan/hasher.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

std::string Md5(std::string_view s) {
  Hasher h;
  return h.Compute({reinterpret_cast<const uint8_t*>(s.data()), s.size()}).md5;
}

std::vector<std::string> Scan(const TempDir& sig, std::vector<std::string> extra) {
  std::vector<std::string> a = {"scan",         "--no-builtin", "--no-progress", "--all-files",
                                "--signatures", sig.path(),     "--jsonl",       "-"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// Filename IOCs of score 50 (a notice by default: notice 40, warning 60)
// and 90 (an alert: total >= 80 and one sub-score above 75).
TEST(Thresholds, NoticeWarningAndAlertThresholdsDecideTheLevelAndTheExitCode) {
  TempDir sig, tree;
  sig.Write("iocs/filename-iocs.txt", "# Medium\nmedium_tool\\.bin;50\n# Strong\nstrong_tool\\.bin;90\n");
  std::string medium = tree.Write("medium_tool.bin", "x");
  std::string strong = tree.Write("strong_tool.bin", "x");

  struct Levels {
    std::string medium, strong;
    int exit_code;
  };
  auto run = [&](std::vector<std::string> extra) {
    extra.push_back(tree.path());
    RunResult r = RunHarrier(Scan(sig, extra));
    Jsonl j = ParseJsonl(r.out);
    auto level = [&](const std::string& f) -> std::string {
      return j.findings.count(f) ? j.findings[f]["harrier"]["level"].get<std::string>() : "none";
    };
    return Levels{level(medium), level(strong), r.exit_code};
  };
  Levels d = run({});
  EXPECT_EQ(d.medium, "notice");
  EXPECT_EQ(d.strong, "alert");
  EXPECT_EQ(d.exit_code, 1);
  Levels w = run({"--warning", "50", "--alert", "91"});
  EXPECT_EQ(w.medium, "warning");
  EXPECT_EQ(w.strong, "warning") << "90 is below an alert threshold of 91";
  Levels n = run({"--notice", "51", "--alert", "95", "--warning", "95"});
  EXPECT_EQ(n.medium, "none") << "below the notice threshold";
  EXPECT_EQ(n.strong, "notice");
  EXPECT_EQ(n.exit_code, 0) << "a notice alone does not make findings for the exit code";
  // An alert needs one strong reason: lowering the threshold to 50 does not
  // make the score-50 file an alert.
  EXPECT_EQ(run({"--alert", "50"}).medium, "notice");
}

// A Windows volume root three levels below the scan path: found only when
// --root-detect-depth reaches it.
TEST(RootDetectDepth, ARootDeeperThanTheDepthIsNotMapped) {
  TempDir sig, tree;
  sig.Write("iocs/filename-iocs.txt",
            "# Drive form only\n^C:\\\\Windows\\\\System32\\\\deep_tool\\.exe$;90\n");
  tree.Mkdir("a/b/win/Windows/System32");
  std::string f = tree.Write("a/b/win/Windows/System32/deep_tool.exe", "x");
  RunResult shallow = RunHarrier(Scan(sig, {tree.path()}));
  EXPECT_EQ(shallow.exit_code, 0) << shallow.out;
  EXPECT_TRUE(ParseJsonl(shallow.out).findings.empty());
  RunResult deep = RunHarrier(Scan(sig, {"--root-detect-depth", "3", tree.path()}));
  EXPECT_EQ(deep.exit_code, 1) << deep.err;
  Jsonl j = ParseJsonl(deep.out);
  ASSERT_EQ(j.findings.size(), 1u) << deep.out;
  EXPECT_EQ(j.findings.begin()->second["harrier"]["subject"]["display"],
            "C:\\Windows\\System32\\deep_tool.exe");
}

// A file remembered clean under --root-as none must be read again when the
// mapping changes: its path then matches a Windows IOC.
TEST(ScanCache, ChangingRootAsInvalidatesWhatTheCacheKnew) {
  TempDir sig, tree, state;
  sig.Write("iocs/filename-iocs.txt", "# Drive form only\n^C:\\\\Tools\\\\mapped_tool\\.exe$;90\n");
  tree.Write("Tools/mapped_tool.exe", "x");
  std::string cache = state.path() + "/cache.db";
  RunResult first = RunHarrier(Scan(sig, {"--cache", cache, "--root-as", "none", tree.path()}));
  EXPECT_EQ(first.exit_code, 0) << first.err;
  RunResult again = RunHarrier(Scan(sig, {"--cache", cache, "--root-as", "none", tree.path()}));
  EXPECT_EQ(ParseJsonl(again.out).summary["files_from_cache"], 1) << "the cache did not work";
  RunResult mapped = RunHarrier(Scan(sig, {"--cache", cache, "--root-as", "C:", tree.path()}));
  EXPECT_EQ(mapped.exit_code, 1) << mapped.out;
  Jsonl j = ParseJsonl(mapped.out);
  EXPECT_EQ(j.summary["files_from_cache"], 0);
  EXPECT_EQ(j.findings.size(), 1u) << mapped.out;
}

// SIGTERM after the first finding: the report holds it, says interrupted,
// and exits 1 (findings win over incomplete). The signal is sent once the
// finding is on stdout, which needs findings flushed as they are found (they
// sat in the stdio buffer until the end before, and a killed scan lost them).
TEST(Sigterm, StopsTheScanAndKeepsTheFindingsSoFar) {
  TempDir sig, tree;
  std::string planted = "harrier planted before the signal\n";
  sig.Write("iocs/hash-iocs.txt", "# Planted\n" + Md5(planted) + ";Planted before the signal\n");
  // ~8M loop iterations per 4 KiB file: the rest of the scan takes minutes.
  sig.Write("yara/slow.yar",
            "rule slow { condition: for all i in (0..filesize) : "
            "( for all k in (0..2000) : ( k >= 0 ) ) and false }\n");
  // Given first on the command line: walked (and found) before the tree.
  TempDir early;
  std::string first = early.Write("planted.txt", planted);
  std::string content(4096, 'a');
  for (int d = 0; d < 20; ++d)
    for (int f = 0; f < 50; ++f)
      tree.Write("d" + std::to_string(d) + "/f" + std::to_string(f), content);
  RunResult r = RunHarrierAndSignal(
      Scan(sig, {"--threads", "1", "--walk-threads", "1", first, tree.path()}), "\"finding\"", 200,
      SIGTERM, 120);
  ASSERT_NE(r.exit_code, -1) << "did not stop after SIGTERM";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.findings.count(first), 1u) << r.out;
  EXPECT_EQ(j.summary["interrupted"], true);
  EXPECT_EQ(j.summary["incomplete"], true);
  EXPECT_EQ(j.summary["verdict"], "alert");
  EXPECT_LT(j.summary["files_scanned"].get<int>(), 1001);
  ExpectAccounted(j.summary);
}

}  // namespace
}  // namespace harrier::testing
