// YaraScanner on the generated C2 rules: one "c2" reason per matched
// indicator (not per packed rule), with the indicator's score, description
// and source, in indicator order after all other reasons; and the same
// reasons as the former one-rule-per-indicator layout (kept here as the slow
// reference twin), in fast and in reference (non-fast) mode.
#include "scan/yara_scanner.h"

#include <gtest/gtest.h>

#include <fmt/format.h>

#include "signatures/signature_set.h"

namespace harrier {
namespace {

using namespace std::string_literals;

C2Ioc Ioc(std::string indicator, int score) {
  C2Ioc c;
  c.indicator = std::move(indicator);
  c.score = score;
  c.description = "desc of " + c.indicator;
  c.source = fmt::format("c2.txt:{}", score);
  return c;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}

// The layout C2RulesSource replaced: one rule per indicator, everything in
// metas. The scanner reports it through its generic path.
std::string OneRulePerIndicatorSource(const std::vector<C2Ioc>& c2) {
  std::string src;
  for (size_t i = 0; i < c2.size(); ++i) {
    const C2Ioc& ioc = c2[i];
    src += fmt::format(
        "rule c2_{} {{\n  meta:\n    harrier_type = \"c2\"\n    indicator = \"{}\"\n"
        "    description = \"{}\"\n    score = {}\n    source = \"{}\"\n"
        "  strings:\n    $ioc = \"{}\" ascii wide nocase fullword\n"
        "  condition:\n    $ioc\n}}\n",
        i, Escape(ioc.indicator), Escape(ioc.description), ioc.score, Escape(ioc.source),
        Escape(ioc.indicator));
  }
  return src;
}

class C2Scan {
 public:
  // Compiles `extra` (namespace "user.yar", before the C2 rules, as the
  // loader orders them) and the generated C2 rules of `c2`.
  explicit C2Scan(std::vector<C2Ioc> c2, std::string extra = "", YaraLimits limits = {})
      : c2_(std::make_shared<const std::vector<C2Ioc>>(std::move(c2))) {
    std::vector<YaraSource> sources;
    if (!extra.empty()) sources.push_back({"user.yar", extra});
    gen_ = C2RulesSource(*c2_);
    sources.push_back({std::string(kC2Namespace), gen_.source});
    Diagnostics d;
    auto rules = CompileYara(sources, d, nullptr);
    EXPECT_TRUE(rules.ok());
    EXPECT_EQ(d.error_count(), 0u);
    auto s = YaraScanner::Create(*rules, limits, c2_);
    EXPECT_TRUE(s.ok());
    scanner_ = std::move(*s);
  }

  std::vector<Reason> Scan(std::string_view data) {
    std::vector<Reason> out;
    EXPECT_TRUE(scanner_->Scan({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, {},
                               &out)
                    .ok());
    return out;
  }
  const std::vector<std::string>& ids() const { return scanner_->last_rule_ids(); }
  uint64_t generated_rules() const { return gen_.rules; }

 private:
  std::shared_ptr<const std::vector<C2Ioc>> c2_;
  C2Rules gen_;
  std::unique_ptr<YaraScanner> scanner_;
};

std::vector<std::string> Names(const std::vector<Reason>& rs) {
  std::vector<std::string> out;
  for (const auto& r : rs) out.push_back(fmt::format("{}:{}:{}", ReasonKindName(r.kind), r.name, r.score));
  return out;
}

std::string Wide(std::string_view s) {
  std::string out;
  for (char c : s) out += {c, '\0'};
  return out;
}

TEST(YaraScannerC2, TwoIndicatorsOfTheSameScoreGiveTwoReasons) {
  C2Scan s({Ioc("alpha.example.com", 75), Ioc("beta.example.com", 75),
            Ioc("gamma.example.com", 75)});
  EXPECT_EQ(s.generated_rules(), 1u);
  auto rs = s.Scan("GET http://BETA.example.com/x and alpha.example.com\n");
  EXPECT_EQ(Names(rs), (std::vector<std::string>{"c2:alpha.example.com:75",
                                                 "c2:beta.example.com:75"}));
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].description, "desc of alpha.example.com");
  EXPECT_EQ(rs[0].source, "c2.txt:75");
  ASSERT_EQ(rs[1].strings.size(), 1u);
  EXPECT_EQ(rs[1].strings[0].identifier, "$ioc");
  EXPECT_EQ(rs[1].strings[0].offset, 11u);
  EXPECT_EQ(rs[1].strings[0].data, "BETA.example.com");
  // One packed rule matched, reported once for --yara-matches.
  EXPECT_EQ(s.ids(), std::vector<std::string>{"harrier_c2:c2_0"});
}

TEST(YaraScannerC2, IndicatorsOfDifferentScores) {
  C2Scan s({Ioc("low.example.com", 40), Ioc("high.example.com", 90),
            Ioc("mid.example.com", 60)});
  EXPECT_EQ(s.generated_rules(), 3u);
  auto rs = s.Scan(Wide("mid.example.com") + " high.example.com " + "low.example.com");
  // Indicator order, not score (rule) order.
  EXPECT_EQ(Names(rs), (std::vector<std::string>{"c2:low.example.com:40",
                                                 "c2:high.example.com:90",
                                                 "c2:mid.example.com:60"}));
  EXPECT_EQ(s.ids().size(), 3u);
}

TEST(YaraScannerC2, SplitListStillReportsEveryIndicator) {
  std::vector<C2Ioc> c2;
  for (size_t i = 0; i < 2500; ++i) c2.push_back(Ioc(fmt::format("host{}.example.net", i), 75));
  C2Scan s(c2);
  EXPECT_EQ(s.generated_rules(), 3u);
  auto rs = s.Scan("host2499.example.net host0.example.net host1500.example.net "
                   "host999.example.net host1000.example.net host25.example.netx");
  EXPECT_EQ(Names(rs), (std::vector<std::string>{
                           "c2:host0.example.net:75", "c2:host999.example.net:75",
                           "c2:host1000.example.net:75", "c2:host1500.example.net:75",
                           "c2:host2499.example.net:75"}));
  EXPECT_EQ(s.ids(), (std::vector<std::string>{"harrier_c2:c2_0", "harrier_c2:c2_1",
                                               "harrier_c2:c2_2"}));
}

TEST(YaraScannerC2, NoMatchGivesNothing) {
  C2Scan s({Ioc("alpha.example.com", 75), Ioc("beta.example.com", 60)});
  EXPECT_TRUE(s.Scan("").empty());
  // fullword: a longer word containing the indicator is no match.
  EXPECT_TRUE(s.Scan("xalpha.example.com beta.example.comx nothing here").empty());
  EXPECT_TRUE(s.ids().empty());
}

TEST(YaraScannerC2, ReasonsFollowOtherRulesAndDuplicatesStayDistinct) {
  C2Scan s({Ioc("dup.example.com", 75), Ioc("zeta.example.com", 50), Ioc("dup.example.com", 75)},
           "rule user_rule { strings: $a = \"marker\" condition: $a }\n");
  auto rs = s.Scan("zeta.example.com marker dup.example.com");
  EXPECT_EQ(Names(rs), (std::vector<std::string>{"yara:user_rule:75", "c2:dup.example.com:75",
                                                 "c2:zeta.example.com:50",
                                                 "c2:dup.example.com:75"}));
}

// Without the indicator list the scanner cannot name indicators; it falls
// back to one generic reason per matching rule rather than dropping it.
TEST(YaraScannerC2, WithoutIndicatorListFallsBackToOneReasonPerRule) {
  std::vector<C2Ioc> c2 = {Ioc("alpha.example.com", 75)};
  Diagnostics d;
  auto rules = CompileYara({{std::string(kC2Namespace), C2RulesSource(c2).source}}, d, nullptr);
  ASSERT_TRUE(rules.ok());
  auto s = YaraScanner::Create(*rules, YaraLimits{});
  ASSERT_TRUE(s.ok());
  std::vector<Reason> rs;
  std::string data = "alpha.example.com";
  ASSERT_TRUE((*s)->Scan({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, {}, &rs)
                  .ok());
  EXPECT_EQ(Names(rs), std::vector<std::string>{"c2:c2_0:75"});
}

// Differential: packed rules vs one rule per indicator give identical
// reasons (type, name, score, description, source, every hit) on inputs
// with ascii, wide, mixed-case, repeated, adjacent and non-word hits.
void ExpectSameAsOneRulePerIndicator(bool fast_mode, size_t max_strings) {
  std::vector<C2Ioc> c2;
  for (size_t i = 0; i < 1200; ++i) {
    c2.push_back(Ioc(fmt::format("n{}.c2.example", i), i % 7 == 0 ? 60 : (i % 11 == 0 ? 90 : 75)));
  }
  c2.push_back(Ioc("10.20.30.40", 75));
  c2.push_back(Ioc("back\\slash\"q.example", 40));
  c2.push_back(Ioc("n5.c2.example", 75));  // duplicate of index 5 with another score
  YaraLimits limits;
  limits.fast_mode = fast_mode;
  limits.max_strings = max_strings;
  C2Scan packed(c2, "", limits);

  Diagnostics d;
  auto ref_rules =
      CompileYara({{std::string(kC2Namespace), OneRulePerIndicatorSource(c2)}}, d, nullptr);
  ASSERT_TRUE(ref_rules.ok());
  auto ref = YaraScanner::Create(*ref_rules, limits);  // generic path
  ASSERT_TRUE(ref.ok());

  const std::vector<std::string> inputs = {
      ""s,
      "n0.c2.example"s,
      "N5.C2.EXAMPLE n5.c2.example n5.c2.example n5.c2.example n5.c2.example"s,
      Wide("n77.c2.example") + "\n" + Wide("N1199.c2.example") + " 10.20.30.40",
      "10.20.30.400 110.20.30.40 n12.c2.examples"s,
      "(n11.c2.example)[n14.c2.example]{n1100.c2.example}"s,
      "x back\\slash\"q.example y"s,
      "n3.c2.example\0n4.c2.example\x01n999.c2.example"s,
  };
  size_t reasons = 0;
  for (const auto& in : inputs) {
    auto got = packed.Scan(in);
    std::vector<Reason> want;
    ASSERT_TRUE(
        (*ref)->Scan({reinterpret_cast<const uint8_t*>(in.data()), in.size()}, {}, &want).ok());
    ASSERT_EQ(got.size(), want.size()) << in;
    reasons += got.size();
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].kind, want[i].kind);
      EXPECT_EQ(got[i].name, want[i].name);
      EXPECT_EQ(got[i].score, want[i].score);
      EXPECT_EQ(got[i].description, want[i].description);
      EXPECT_EQ(got[i].source, want[i].source);
      EXPECT_EQ(got[i].details, want[i].details);
      ASSERT_EQ(got[i].strings.size(), want[i].strings.size()) << got[i].name;
      for (size_t k = 0; k < got[i].strings.size(); ++k) {
        EXPECT_EQ(got[i].strings[k].identifier, want[i].strings[k].identifier);
        EXPECT_EQ(got[i].strings[k].offset, want[i].strings[k].offset);
        EXPECT_EQ(got[i].strings[k].data, want[i].strings[k].data);
      }
    }
  }
  EXPECT_EQ(reasons, 13u);  // the inputs do exercise matches
}

TEST(YaraScannerC2, SameReasonsAsOneRulePerIndicatorFastMode) {
  ExpectSameAsOneRulePerIndicator(true, 3);
}

TEST(YaraScannerC2, SameReasonsAsOneRulePerIndicatorReferenceMode) {
  ExpectSameAsOneRulePerIndicator(false, 3);
}

// A hit limit of 0 keeps no hits but must not drop the reasons.
TEST(YaraScannerC2, SameReasonsAsOneRulePerIndicatorWithoutHits) {
  ExpectSameAsOneRulePerIndicator(true, 0);
}

}  // namespace
}  // namespace harrier
