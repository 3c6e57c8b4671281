// False-positive filters, hash allow-lists and the rule-derived default file
// selection, end to end. Indicators are invented (a signature folder made
// here), so the file carries no real one.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// md5("harrier allow-listed sample\n")
std::string Md5Of(const std::string& path) {
  auto r = RunProgram({FindProgram("md5sum"), path});
  return r.out.substr(0, 32);
}

struct Sigs {
  TempDir t;
  std::string dir;
  Sigs() {
    dir = t.Mkdir("sigs");
    t.Write("sigs/iocs/c2-test.txt", "c2.harrier-test.example;100\n");
    t.Write("sigs/yara/selection.yar",
            "rule Harrier_Test_Extension_Rule {\n  meta:\n    score = 90\n  strings:\n"
            "    $m = \"harrier-selection-marker\"\n  condition:\n    $m and extension == \".qzx\"\n}\n"
            "rule Harrier_Test_Name_Rule {\n  meta:\n    score = 90\n  strings:\n"
            "    $m = \"harrier-selection-marker\"\n  condition:\n"
            "    $m and filename matches /^payload-[0-9]+\\.blob$/i\n}\n");
    t.Write("sigs/iocs/filename-iocs-test.txt", "/odd-name\\.qqq$;60\n");
  }
};

Jsonl Scan(const std::vector<std::string>& args, RunResult* raw = nullptr) {
  std::vector<std::string> a = {"scan", "--no-progress", "--no-rules-cache", "--no-builtin",
                                "--jsonl", "-"};
  a.insert(a.end(), args.begin(), args.end());
  auto r = RunHarrier(a, 300);
  if (raw) *raw = r;
  return ParseJsonl(r.out);
}

TEST(FpFilterE2E, FiltersAndAllowListsSuppressAndCount) {
  Sigs s;
  TempDir t;
  const std::string trace = t.Write("home/bob/.bash_history", "curl https://c2.harrier-test.example/\n");
  const std::string lab = t.Write("lab/replay.sh", "#!/bin/sh\ncurl https://c2.harrier-test.example/\n");
  const std::string notes = t.Write("notes/todo.txt", "check c2.harrier-test.example again\n");
  const std::string known = t.Write("vendor/agent.sh", "#!/bin/sh\n# c2.harrier-test.example test\n");
  std::string fp = s.t.Write("fp.txt",
                             "# analyst filters\n"
                             "/lab/replay\\.sh\n"
                             "(unclosed\n"
                             "rule:c2.harrier-test.example /notes/\n" +
                                 Md5Of(known) + ";vendor agent test script\n");
  RunResult raw;
  Jsonl j = Scan({"--signatures", s.dir, "--fp-filter", fp, t.path()}, &raw);
  EXPECT_EQ(j.findings.count(trace), 1u);
  EXPECT_EQ(j.findings.count(lab), 0u);
  EXPECT_EQ(j.findings.count(notes), 0u);
  EXPECT_EQ(j.findings.count(known), 0u);
  EXPECT_EQ(j.summary["suppressed"]["by_filter"], 2) << j.summary.dump();
  EXPECT_EQ(j.summary["suppressed"]["by_allowlist"], 1);
  EXPECT_EQ(j.summary["suppressed"]["reasons"], 1);
  EXPECT_EQ(j.summary["rules"]["fp_filters"], 2);
  // The malformed line is reported with file:line; the rest loaded.
  EXPECT_NE(raw.err.find("fp.txt:3"), std::string::npos) << raw.err;

  // Text and HTML summaries say so too.
  TempDir o;
  auto r = RunHarrier({"scan", "--no-progress", "--no-rules-cache", "--no-builtin", "--signatures",
                       s.dir, "--fp-filter", fp, "--html", o.path() + "/r.html", t.path()});
  EXPECT_NE(r.out.find("Suppressed: 2 finding(s) by false-positive filters, 1 by hash allow-lists, 1"),
            std::string::npos)
      << r.out;
  std::ifstream h(o.path() + "/r.html");
  std::stringstream ss;
  ss << h.rdbuf();
  EXPECT_NE(ss.str().find("Suppressed findings"), std::string::npos);

  // Without the filter file every finding is back.
  Jsonl all = Scan({"--signatures", s.dir, t.path()});
  EXPECT_EQ(all.findings.count(lab), 1u);
  EXPECT_EQ(all.findings.count(notes), 1u);
  EXPECT_EQ(all.findings.count(known), 1u);
  EXPECT_EQ(all.summary["suppressed"]["by_filter"], 0);
  // A missing filter file is a usage error.
  EXPECT_EQ(RunHarrier({"scan", "--no-builtin", "--fp-filter", t.path() + "/nope", t.path()}).exit_code, 2);
}

TEST(FpFilterE2E, LokiConfigFolderFiltersLoad) {
  Sigs s;
  s.t.Write("sigs/config/false_positives.txt", "/lab/\n");
  TempDir t;
  const std::string lab = t.Write("lab/replay.sh", "#!/bin/sh\ncurl https://c2.harrier-test.example/\n");
  Jsonl j = Scan({"--signatures", s.dir, t.path()});
  EXPECT_EQ(j.findings.count(lab), 0u);
  EXPECT_EQ(j.summary["suppressed"]["by_filter"], 1);
}

TEST(RuleSelectionE2E, FilesTheRulesNameAreReadWhateverTheirType) {
  Sigs s;
  TempDir t;
  const std::string ext = t.Write("data/x.qzx", "harrier-selection-marker\n");
  const std::string name = t.Write("data/PAYLOAD-17.blob", "harrier-selection-marker\n");
  const std::string ioc = t.Write("data/odd-name.qqq", "harrier-selection-marker\n");
  // Near-misses: same content under names no rule tests.
  const std::string other = t.Write("data/x.qzy", "harrier-selection-marker\n");
  const std::string other2 = t.Write("data/payload-x.blob", "harrier-selection-marker\n");
  Jsonl j = Scan({"--signatures", s.dir, t.path()});
  EXPECT_EQ(j.findings.count(ext), 1u);
  EXPECT_EQ(j.findings.count(name), 1u);
  ASSERT_EQ(j.findings.count(ioc), 1u);
  EXPECT_EQ(j.findings.count(other), 0u);
  EXPECT_EQ(j.findings.count(other2), 0u);
  EXPECT_EQ(j.summary["skipped"]["type"], 2) << "only the two near-misses";
  // The filename IOC's file was read: it has hashes now.
  EXPECT_FALSE(j.findings.at(ioc)["file"]["hash"]["sha256"].is_null()) << j.findings.at(ioc).dump(1);

  // --no-rule-selection: the built-in type list only; the name IOC is still
  // reported from the path, the YARA rules never see their files.
  Jsonl b = Scan({"--signatures", s.dir, "--no-rule-selection", t.path()});
  EXPECT_EQ(b.findings.count(ext), 0u);
  EXPECT_EQ(b.findings.count(name), 0u);
  EXPECT_EQ(b.findings.count(ioc), 1u);
  EXPECT_EQ(b.summary["skipped"]["type"], 5);
}

}  // namespace
}  // namespace harrier::testing
