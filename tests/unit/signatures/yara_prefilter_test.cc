// The literal prefilter's analysis (src/signatures/yara_prefilter.h): which
// rules it may switch off and the literals it searches. The search itself:
// literal_filter_test.cc.
#include "signatures/yara_prefilter.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace harrier {
namespace {

std::map<std::string, std::vector<std::string>> Find(const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  for (auto& r : FindPrefilterRules({{"ns", text}})) {
    EXPECT_EQ(r.ns, "ns");
    out[r.name] = r.literals;
  }
  return out;
}

TEST(YaraPrefilter, TakesRulesThatNeedOneOfTheirLiterals) {
  auto got = Find(R"(
rule any_of { strings: $a = "alpha-1" $b = "Beta-22" condition: any of them }
rule n_of { strings: $a = "alpha-1" $b = "beta-22" condition: filesize < 1KB and 2 of ($a, $b) }
rule at_0 { strings: $a = "gamma" condition: $a at 0 }
rule in_range { strings: $a = "gamma" condition: $a in (0..100) }
rule count_gt { strings: $a = "gamma" condition: #a > 3 }
rule count_ge { strings: $a = "gamma" condition: #a >= 1 and uint16(0) == 0x5a4d }
rule or_all { strings: $a = "gamma" $b = "delta" condition: ($a and filesize > 10) or $b }
rule wide { strings: $a = "wxyz" wide condition: $a }
rule both { strings: $a = "wxyz" wide ascii nocase fullword private condition: $a }
rule hex { strings: $a = { 4D 5A 90 00 } condition: all of them }
)");
  std::vector<std::string> names;
  for (const auto& [n, l] : got) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"any_of", "at_0", "both", "count_ge", "count_gt", "hex",
                                             "in_range", "n_of", "or_all", "wide"}));
  EXPECT_EQ(got["any_of"], (std::vector<std::string>{"alpha-1", "beta-22"}));  // folded
  EXPECT_EQ(got["wide"], (std::vector<std::string>{std::string("w\0x\0y\0z\0", 8)}));
  EXPECT_EQ(got["both"].size(), 2u);
  EXPECT_EQ(got["hex"], (std::vector<std::string>{std::string("mz\x90\0", 4)}));
}

TEST(YaraPrefilter, KeepsEverythingElse) {
  auto got = Find(R"(
rule not_a { strings: $a = "alpha-1" condition: not $a }
rule none { strings: $a = "alpha-1" condition: none of them }
rule zero_of { strings: $a = "alpha-1" condition: 0 of them }
rule count_eq0 { strings: $a = "alpha-1" condition: #a == 0 }
rule count_ge0 { strings: $a = "alpha-1" condition: #a >= 0 }
rule or_other { strings: $a = "alpha-1" condition: $a or filesize < 10 }
rule for_of { strings: $a = "alpha-1" condition: for any of them : ( $ at 0 ) }
rule offset { strings: $a = "alpha-1" condition: @a[1] > 0 }
rule short { strings: $a = "abc" condition: $a }
rule short_wide { strings: $a = "a" wide condition: $a }
rule xor { strings: $a = "alpha-1" xor condition: $a }
rule b64 { strings: $a = "alpha-1" base64 condition: $a }
rule regex { strings: $a = /alpha-1/ condition: $a }
rule hex_wild { strings: $a = { 4D 5A ?? 00 } condition: $a }
rule hex_jump { strings: $a = { 4D 5A [1-2] 00 } condition: $a }
rule hex_alt { strings: $a = { 4D ( 5A | 5B ) 00 00 } condition: $a }
rule named { strings: $a = "alpha-1" condition: $a }
rule names_it { condition: named }
global rule gl { strings: $a = "alpha-1" condition: $a }
rule no_strings { condition: filesize > 0 }
)");
  std::vector<std::string> names;
  for (const auto& [n, l] : got) names.push_back(n);
  EXPECT_TRUE(names.empty()) << ::testing::PrintToString(names);
}

TEST(YaraPrefilter, GatesOnTheLiteralStringsARegexRuleNeeds) {
  std::map<std::string, PrefilterRule> got;
  for (auto& r : FindPrefilterRules({{"ns", R"(
rule lit_and_re { strings: $u1 = "[Internet]" nocase $u2 = "clsid-x" $re = /url\s*=[^\x0d]*/ condition: any of ($u*) and $re }
rule all_mixed { strings: $re = /a.b/ $lit = "needle" condition: all of them }
rule re_only { strings: $re = /abcdef/ condition: $re }
rule any_mixed { strings: $re = /a.b/ $lit = "needle" condition: any of them }
rule re_or_lit { strings: $re = /a.b/ $lit = "needle" condition: $re or $lit }
rule xor_behind { strings: $x = "hidden" xor $lit = "needle" condition: $lit and #x > 2 }
rule plain { strings: $lit = "needle" condition: $lit }
)"}}))
    got[r.name] = r;
  std::vector<std::string> names;
  for (const auto& [n, r] : got) names.push_back(n);
  EXPECT_EQ(names, (std::vector<std::string>{"all_mixed", "lit_and_re", "plain", "xor_behind"}));
  EXPECT_EQ(got["lit_and_re"].literals, (std::vector<std::string>{"[internet]", "clsid-x"}));
  EXPECT_TRUE(got["lit_and_re"].slow);  // [^\x0d]* runs to the end of the file
  EXPECT_EQ(got["all_mixed"].literals, (std::vector<std::string>{"needle"}));
  EXPECT_FALSE(got["all_mixed"].slow);
  EXPECT_FALSE(got["xor_behind"].slow);
  EXPECT_FALSE(got["plain"].slow);
}

TEST(YaraPrefilter, SlowMeansAnUnboundedRepeatOfAClass) {
  std::map<std::string, bool> slow;
  for (auto& r : FindPrefilterRules({{"ns", R"(
rule s1 { strings: $g = "gate-lit" $r = /a[^b]+c/ condition: $g and $r }
rule s2 { strings: $g = "gate-lit" $r = /(ab)*c/ condition: $g and $r }
rule s3 { strings: $g = "gate-lit" $r = /x\s{2,}y/ condition: $g and $r }
rule s4 { strings: $g = "gate-lit" $r = /x.*y/ condition: $g and $r }
rule f1 { strings: $g = "gate-lit" $r = /ab*c/ condition: $g and $r }
rule f2 { strings: $g = "gate-lit" $r = /a[b*]c\*/ condition: $g and $r }
rule f3 { strings: $g = "gate-lit" $r = /a.{2,3}c/ condition: $g and $r }
rule f4 { strings: $g = "gate-lit" $r = /a\.+c/ condition: $g and $r }
)"}}))
    slow[r.name] = r.slow;
  EXPECT_EQ(slow, (std::map<std::string, bool>{{"s1", true}, {"s2", true}, {"s3", true}, {"s4", true},
                                               {"f1", false}, {"f2", false}, {"f3", false}, {"f4", false}}));
}

TEST(YaraPrefilter, HexStringsAreGatedByTheirLongestPlainRun) {
  std::map<std::string, std::vector<std::string>> got;
  for (auto& r : FindPrefilterRules({{"ns", R"(
rule run5 { strings: $a = { 4D 5A 90 00 ?? 11 22 33 44 55 [2-4] 66 } condition: $a }
rule nibble { strings: $a = { 41 42 43 4? 45 46 47 48 49 } condition: $a }
rule negated { strings: $a = { 41 42 43 44 ~45 46 } condition: $a }
rule in_alt { strings: $a = { 41 42 ( 43 44 45 46 47 | 48 ) 49 } condition: $a }
rule comment { strings: $a = { 41 42 43 44 /* x */ 45 } condition: $a }
)"}}))
    got[r.name] = r.literals;
  EXPECT_EQ(got.size(), 3u);
  EXPECT_EQ(got["run5"], (std::vector<std::string>{"\x11\x22\x33"
                                                   "du"}));  // folded
  EXPECT_EQ(got["nibble"], (std::vector<std::string>{"efghi"}));  // folded
  EXPECT_EQ(got["negated"], (std::vector<std::string>{"abcd"}));
  EXPECT_EQ(got.count("in_alt"), 0u);   // the run inside ( | ) is not required
  EXPECT_EQ(got.count("comment"), 0u);  // not understood: no gate
}

TEST(YaraPrefilter, UnreadableFilesAddNothing) {
  EXPECT_TRUE(FindPrefilterRules({{"bad", "rule x { strings: $a = \"unterminated condition: $a }"},
                                  {"inc", "include \"other.yar\"\nrule y { strings: $a = \"literal\" condition: $a }"}})
                  .empty());
}

TEST(YaraPrefilter, TextEscapes) {
  auto got = Find(R"(rule e { strings: $a = "a\"b\\c\td\x41\x4a" condition: $a })");
  ASSERT_EQ(got.count("e"), 1u);
  EXPECT_EQ(got["e"], (std::vector<std::string>{"a\"b\\c\tdaj"}));
}

}  // namespace
}  // namespace harrier
