// False-positive filters and hash allow-lists (signatures/fp_filter.h).
#include "signatures/fp_filter.h"

#include <gtest/gtest.h>

#include "signatures/loader.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

TEST(FpFilter, ParsesHashesGlobalAndPerRuleLines) {
  Diagnostics d;
  auto c = ParseFpFile(
      "# LOKI style\n"
      "\\\\Windows\\\\Temp\\\\setup_[0-9]+\\.exe\n"
      "\n"
      "d41d8cd98f00b204e9800998ecf8427e;empty file\n"
      "rule:Harrier_Test_Rule /opt/lab/\n"
      "rule:NoRegex\n",
      "fp.txt", d);
  ASSERT_EQ(c.hashes.size(), 1u);
  EXPECT_EQ(c.hashes[0].hex, "d41d8cd98f00b204e9800998ecf8427e");
  EXPECT_EQ(c.hashes[0].source, "fp.txt:4");
  ASSERT_EQ(c.filters.size(), 2u);
  EXPECT_EQ(c.filters[0].rule, "");
  EXPECT_EQ(c.filters[0].source, "fp.txt:2");
  EXPECT_EQ(c.filters[1].rule, "Harrier_Test_Rule");
  EXPECT_EQ(c.filters[1].pattern, "/opt/lab/");
  // The malformed per-rule line is an error at its line; the rest loaded.
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_EQ(d.Snapshot()[0].where, "fp.txt:6");
}

TEST(FpFilter, BadRegexIsReportedAndTheRestLoads) {
  Diagnostics d;
  auto c = ParseFpFile("good/path\n(unclosed\n(?<=lookbehind)x\nother\n", "f.cfg", d);
  FpFilters f;
  f.Add(std::move(c.filters), d);
  EXPECT_EQ(f.size(), 2u);
  ASSERT_EQ(d.error_count(), 2u);
  EXPECT_EQ(d.Snapshot()[0].where, "f.cfg:2");
  EXPECT_EQ(d.Snapshot()[1].where, "f.cfg:3");
  EXPECT_NE(f.MatchGlobal("/x/good/path/y"), nullptr);
  EXPECT_EQ(f.MatchGlobal("/x/bad/path/y"), nullptr);
}

TEST(FpFilter, PerRuleFiltersOnlyThatRule) {
  Diagnostics d;
  FpFilters f;
  f.Add({{"RuleA", "/opt/lab/", "f:1"}}, d);
  EXPECT_TRUE(f.has_rule_filters());
  EXPECT_NE(f.MatchRule("RuleA", "/opt/lab/x.exe RuleA: d"), nullptr);
  EXPECT_EQ(f.MatchRule("RuleB", "/opt/lab/x.exe RuleB: d"), nullptr);
  EXPECT_EQ(f.MatchRule("RuleA", "/home/x.exe RuleA: d"), nullptr);
  EXPECT_EQ(f.MatchGlobal("/opt/lab/x.exe"), nullptr) << "a per-rule filter is not global";
}

TEST(FpFilter, FindingTextHasPathReasonsAndHashes) {
  Finding f;
  f.subject.path = "/srv/a.txt";
  f.subject.name = "a.txt";
  Reason r;
  r.name = "evil.example";
  r.description = "C2 domain";
  f.reasons.push_back(r);
  f.hashes.md5 = "m";
  f.hashes.sha256 = "s";
  std::string t = FindingFilterText(f);
  EXPECT_NE(t.find("/srv/a.txt"), std::string::npos) << t;
  EXPECT_NE(t.find("evil.example: C2 domain"), std::string::npos) << t;
  EXPECT_NE(t.find(" m"), std::string::npos) << t;
  EXPECT_NE(t.find(" s"), std::string::npos) << t;
}

TEST(FpFilter, LoadedFromSignatureFoldersAndFpFilterFiles) {
  testing::TempDir t;
  t.Write("sigs/iocs/c2-x.txt", "evil.example;90\n");
  t.Write("sigs/config/false_positives.txt", "/srv/lab/\n(bad\n");
  t.Write("sigs/iocs/falsepositive-hashes.txt", "da39a3ee5e6b4b0d3255bfef95601890afd80709;known\n");
  std::string extra = t.Write("extra-fp.txt", "rule:evil.example /srv/notes/\n" + std::string(32, 'a') + "\n");
  Diagnostics d;
  LoadOptions o;
  o.folders = {t.path() + "/sigs"};
  o.fp_filter_files = {extra};
  auto s = LoadSignatures(o, d);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->fp_filters.size(), 2u);
  EXPECT_EQ((*s)->fp_hashes.size(), 2u);
  EXPECT_EQ((*s)->stats.fp_filters, 2u);
  bool bad_line = false;
  for (const auto& x : d.Snapshot())
    bad_line |= x.where.find("false_positives.txt:2") != std::string::npos;
  EXPECT_TRUE(bad_line);
  // A missing --fp-filter file fails the load.
  o.fp_filter_files = {t.path() + "/missing.txt"};
  Diagnostics d2;
  EXPECT_FALSE(LoadSignatures(o, d2).ok());
}

}  // namespace
}  // namespace harrier
