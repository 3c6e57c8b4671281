// C2RulesSource: C2 indicators packed into one rule per score (split at
// kC2MaxStringsPerRule strings), strings named $c<index>; C2IndexOfStringId
// maps those identifiers back.
#include "signatures/signature_set.h"

#include <gtest/gtest.h>
#include <yara.h>

#include <map>
#include <set>

namespace harrier {
namespace {

C2Ioc Ioc(std::string indicator, int score) {
  C2Ioc c;
  c.indicator = std::move(indicator);
  c.score = score;
  c.source = "c2.txt";
  return c;
}

struct RuleView {
  int score = 0;
  std::set<size_t> indices;
  std::vector<std::string> modifiers_text;
};

// Compiles the source and returns, per rule, its score meta and the indices
// of its strings.
std::map<std::string, RuleView> Compile(const C2Rules& gen) {
  Diagnostics d;
  auto rules = CompileYara({{std::string(kC2Namespace), gen.source}}, d, nullptr);
  EXPECT_TRUE(rules.ok());
  EXPECT_EQ(d.error_count(), 0u);
  std::map<std::string, RuleView> out;
  const YR_RULE* rule;
  yr_rules_foreach((*rules)->get(), rule) {
    RuleView v;
    EXPECT_EQ(std::string(rule->ns->name), kC2Namespace);
    const YR_META* meta;
    yr_rule_metas_foreach(rule, meta) {
      if (std::string_view(meta->identifier) == "score") v.score = static_cast<int>(meta->integer);
      if (std::string_view(meta->identifier) == "harrier_type") {
        EXPECT_EQ(std::string(meta->string), "c2");
      }
    }
    const YR_STRING* s;
    yr_rule_strings_foreach(rule, s) {
      auto i = C2IndexOfStringId(s->identifier);
      EXPECT_TRUE(i.has_value()) << s->identifier;
      if (i) v.indices.insert(*i);
    }
    out[rule->identifier] = std::move(v);
  }
  EXPECT_EQ(out.size(), gen.rules);
  return out;
}

TEST(C2RulesSource, EmptyListGivesNoRules) {
  C2Rules gen = C2RulesSource({});
  EXPECT_EQ(gen.rules, 0u);
  EXPECT_EQ(gen.source, "");
}

TEST(C2RulesSource, OneRulePerScoreFindingCandidatesInEveryForm) {
  C2Rules gen = C2RulesSource({Ioc("a.example.com", 75), Ioc("b.example.com", 60),
                               Ioc("c.example.com", 75)});
  EXPECT_EQ(gen.rules, 2u);
  // Candidates only: ascii + wide, case-insensitive, and no `fullword`,
  // which took '-' and '_' for word ends (the scanner decides, see
  // c2_indicator.h).
  EXPECT_NE(gen.source.find("$c0 = \"a.example.com\" ascii wide nocase\n"), std::string::npos)
      << gen.source;
  EXPECT_EQ(gen.source.find("fullword"), std::string::npos) << gen.source;
  EXPECT_NE(gen.source.find("any of them"), std::string::npos);
  auto rules = Compile(gen);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules["c2_0"].score, 60);
  EXPECT_EQ(rules["c2_0"].indices, (std::set<size_t>{1}));
  EXPECT_EQ(rules["c2_1"].score, 75);
  EXPECT_EQ(rules["c2_1"].indices, (std::set<size_t>{0, 2}));
}

TEST(C2RulesSource, LongIndicatorsGetRulesOfTheirOwn) {
  std::string long_name(kC2LongIndicator, 'x');
  C2Rules gen = C2RulesSource({Ioc("short.example", 75), Ioc(long_name + ".example", 75),
                               Ioc(long_name.substr(1), 75)});
  auto rules = Compile(gen);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules["c2_0"].indices, (std::set<size_t>{0, 2}));  // shorter than kC2LongIndicator
  EXPECT_EQ(rules["c2_1"].indices, (std::set<size_t>{1}));
  EXPECT_EQ(rules["c2_1"].score, 75);
}

TEST(C2RulesSource, LargeGroupIsSplitAtMaxStringsPerRule) {
  std::vector<C2Ioc> c2;
  const size_t n = 2 * kC2MaxStringsPerRule + 5;
  for (size_t i = 0; i < n; ++i) c2.push_back(Ioc("host" + std::to_string(i) + ".example", 75));
  c2.push_back(Ioc("other.example", -10));  // negative scores are valid too
  C2Rules gen = C2RulesSource(c2);
  EXPECT_EQ(gen.rules, 4u);
  auto rules = Compile(gen);
  ASSERT_EQ(rules.size(), 4u);
  EXPECT_EQ(rules["c2_0"].score, -10);
  EXPECT_EQ(rules["c2_0"].indices, (std::set<size_t>{n}));
  std::set<size_t> all;
  for (const char* r : {"c2_1", "c2_2", "c2_3"}) {
    EXPECT_EQ(rules[r].score, 75);
    EXPECT_LE(rules[r].indices.size(), kC2MaxStringsPerRule);
    all.insert(rules[r].indices.begin(), rules[r].indices.end());
  }
  EXPECT_EQ(rules["c2_1"].indices.size(), kC2MaxStringsPerRule);
  EXPECT_EQ(rules["c2_3"].indices.size(), 5u);
  EXPECT_EQ(all.size(), n);
  EXPECT_EQ(*all.rbegin(), n - 1);
}

TEST(C2RulesSource, QuotesAndBackslashesAreEscaped) {
  C2Rules gen = C2RulesSource({Ioc("back\\slash\"quote.example", 75)});
  EXPECT_EQ(Compile(gen).size(), 1u);
}

TEST(C2IndexOfStringId, OnlyGeneratedIdentifiers) {
  EXPECT_EQ(C2IndexOfStringId("$c0"), std::optional<size_t>(0));
  EXPECT_EQ(C2IndexOfStringId("$c1843"), std::optional<size_t>(1843));
  for (const char* bad : {"$c", "$ioc", "$c1x", "$c-1", "$c+1", "c12", "$d1", ""})
    EXPECT_EQ(C2IndexOfStringId(bad), std::nullopt) << bad;
}

}  // namespace
}  // namespace harrier
