// YaraScanner on the generated C2 rules: one "c2" reason per indicator that
// occurs (not per packed rule, and not for a mere candidate such as
// evil.com in not-evil.com), with the indicator's score, description and
// source, in indicator order after all other reasons; and the reasons and
// hits the RE2 reference twin (testutil/c2_reference.h, which shares no code
// or YARA modifiers with the product) expects, in fast and in reference
// (non-fast) mode.
#include "scan/yara_scanner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "signatures/signature_set.h"
#include "testutil/c2_reference.h"

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
  // A longer host containing the indicator is no match.
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

// Regression: `fullword` took '-', '_' and '.' for word ends, so evil.com
// gave a reason for not-evil.com, under_evil.com and evil.com.au.
TEST(YaraScannerC2, RegressionHyphenUnderscoreAndLongerHostGiveNoReason) {
  for (bool fast : {true, false}) {
    YaraLimits limits;
    limits.fast_mode = fast;
    C2Scan s({Ioc("evil.com", 75)}, "", limits);
    for (const auto& quiet :
         {"not-evil.com"s, "under_evil.com"s, "evil.com.au"s, "notevil.com"s}) {
      EXPECT_TRUE(s.Scan(quiet).empty()) << quiet;
      EXPECT_TRUE(s.Scan(Wide(quiet)).empty()) << "wide " << quiet;
      EXPECT_TRUE(s.ids().empty()) << "a candidate alone is no rule match: " << quiet;
    }
    auto rs = s.Scan("a.evil.com");
    ASSERT_EQ(rs.size(), 1u);
    ASSERT_EQ(rs[0].strings.size(), 1u);
    EXPECT_EQ(rs[0].strings[0].offset, 2u);
    EXPECT_EQ(rs[0].strings[0].data, "evil.com");
    rs = s.Scan(Wide("a.EVIL.com"));
    ASSERT_EQ(rs.size(), 1u);
    ASSERT_EQ(rs[0].strings.size(), 1u);
    EXPECT_EQ(rs[0].strings[0].offset, 4u);
    EXPECT_EQ(rs[0].strings[0].data, Wide("EVIL.com"));
    EXPECT_EQ(s.ids(), std::vector<std::string>{"harrier_c2:c2_0"});
  }
}

// In fast mode libyara keeps the first candidate of a string only; the
// indicator occurring after a mere candidate is still found and reported
// where it is.
TEST(YaraScannerC2, RegressionMatchAfterACandidateIsReportedAtItsPlace) {
  C2Scan s({Ioc("evil.com", 75)});
  std::string data = "not-evil.com " + Wide("under_evil.com") + " a.evil.com";
  auto rs = s.Scan(data);
  ASSERT_EQ(rs.size(), 1u);
  ASSERT_EQ(rs[0].strings.size(), 1u);
  EXPECT_EQ(rs[0].strings[0].offset, data.size() - 8);
  EXPECT_EQ(rs[0].strings[0].data, "evil.com");
}

// Bytes `needle` (or its wide form) occur in `hay`, any ASCII case: a
// cheap test-side skip before the quadratic reference.
bool MayOccur(std::string_view needle, std::string_view hay) {
  auto fold = [](std::string v) {
    for (char& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return v;
  };
  std::string h = fold(std::string(hay)), n = fold(std::string(needle));
  return h.find(n) != std::string::npos || h.find(Wide(n)) != std::string::npos;
}

// Differential: the packed rules give, per input, exactly the reasons the
// RE2 twin expects: one per indicator with a match, in indicator order, its
// hits the twin's first matches (fast mode: the first only, as libyara
// keeps for a boolean string; else up to max_strings), on inputs with
// ascii, wide, mixed-case, repeated, adjacent, non-word hits and candidates
// that are not matches.
void ExpectSameAsReference(bool fast_mode, size_t max_strings) {
  std::vector<C2Ioc> c2;
  for (size_t i = 0; i < 1200; ++i) {
    c2.push_back(Ioc(fmt::format("n{}.c2.example", i), i % 7 == 0 ? 60 : (i % 11 == 0 ? 90 : 75)));
  }
  c2.push_back(Ioc("10.20.30.40", 75));
  c2.push_back(Ioc("back\\slash\"q.example", 40));
  c2.push_back(Ioc("n5.c2.example", 75));  // duplicate of index 5 with another score
  c2.push_back(Ioc("https://u.c2.example/gate", 90));
  YaraLimits limits;
  limits.fast_mode = fast_mode;
  limits.max_strings = max_strings;
  C2Scan packed(c2, "", limits);
  std::vector<testing::C2Reference> refs;
  for (const auto& ioc : c2) {
    refs.emplace_back(ioc.indicator);
    ASSERT_TRUE(refs.back().ok()) << ioc.indicator;
  }

  const std::vector<std::string> inputs = {
      ""s,
      "n0.c2.example"s,
      "N5.C2.EXAMPLE n5.c2.example n5.c2.example n5.c2.example n5.c2.example"s,
      Wide("n77.c2.example") + "\n" + Wide("N1199.c2.example") + " 10.20.30.40",
      "10.20.30.400 110.20.30.40 n12.c2.examples 5.10.20.30.40 10.20.30.40.5"s,
      "(n11.c2.example)[n14.c2.example]{n1100.c2.example}"s,
      "x back\\slash\"q.example y"s,
      "n3.c2.example\0n4.c2.example\x01n999.c2.example"s,
      "not-n6.c2.example under_n8.c2.example n9.c2.example.au a.n10.c2.example"s,
      Wide("not-n6.c2.example a.n13.c2.example n15.c2.example_x"),
      "https://u.c2.example/gate.php?id=1 https://u.c2.example/gat"s,
      "xhttps://u.c2.example/gate n16.c2.example-cdn n17.c2.example.\n"s,
  };
  const size_t want_hits = fast_mode ? std::min<size_t>(max_strings, 1) : max_strings;
  size_t reasons = 0;
  for (const auto& in : inputs) {
    std::vector<Reason> want;
    for (size_t i = 0; i < c2.size(); ++i) {
      if (!MayOccur(c2[i].indicator, in)) continue;
      auto places = refs[i].Matches(in);
      if (places.empty()) continue;
      Reason r;
      r.kind = ReasonKind::kC2;
      r.name = c2[i].indicator;
      r.score = c2[i].score;
      r.description = c2[i].description;
      r.source = c2[i].source;
      for (size_t k = 0; k < places.size() && k < want_hits; ++k)
        r.strings.push_back({"$ioc", places[k].offset,
                             in.substr(places[k].offset, std::min<size_t>(places[k].length, 64))});
      want.push_back(std::move(r));
    }
    auto got = packed.Scan(in);
    ASSERT_EQ(Names(got), Names(want)) << in;
    reasons += got.size();
    for (size_t i = 0; i < got.size(); ++i) {
      EXPECT_EQ(got[i].description, want[i].description);
      EXPECT_EQ(got[i].source, want[i].source);
      EXPECT_TRUE(got[i].details.empty());
      ASSERT_EQ(got[i].strings.size(), want[i].strings.size()) << got[i].name;
      for (size_t k = 0; k < got[i].strings.size(); ++k) {
        EXPECT_EQ(got[i].strings[k].identifier, want[i].strings[k].identifier);
        EXPECT_EQ(got[i].strings[k].offset, want[i].strings[k].offset);
        EXPECT_EQ(got[i].strings[k].data, want[i].strings[k].data);
      }
    }
  }
  EXPECT_EQ(reasons, 17u);  // the inputs do exercise matches
}

TEST(YaraScannerC2, SameReasonsAsReferenceFastMode) { ExpectSameAsReference(true, 3); }

TEST(YaraScannerC2, SameReasonsAsReferenceReferenceMode) { ExpectSameAsReference(false, 3); }

// A hit limit of 0 keeps no hits but must not drop the reasons.
TEST(YaraScannerC2, SameReasonsAsReferenceWithoutHits) { ExpectSameAsReference(true, 0); }

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

// Runs for minutes on the inputs below (filesize^2 iterations), after the
// rules before it have matched.
constexpr const char* kSlowRule =
    "rule Slow_Rule {\n  condition:\n    for all i in (0..filesize) : (for all j in "
    "(0..filesize) : (uint8(i) != 0xFF or uint8(j) != 0xFE))\n}\n";
constexpr const char* kQuickRule =
    "rule Quick_Hit {\n  meta:\n    score = 90\n  strings:\n    $a = \"QUICK_MARKER\"\n"
    "  condition:\n    $a\n}\n";

std::vector<YaraSource> TimeoutSources() {
  return {{"t.yar", std::string(kQuickRule) + kSlowRule +
                        "rule Names_Slow { condition: Slow_Rule or true }\n"
                        "rule After_Slow { strings: $b = \"AFTER_MARKER\" condition: $b }\n"}};
}

std::shared_ptr<const YaraRules> Compile(const std::vector<YaraSource>& sources) {
  Diagnostics d;
  auto rules = CompileYara(sources, d, nullptr);
  EXPECT_TRUE(rules.ok());
  EXPECT_EQ(d.error_count(), 0u);
  return rules.ok() ? *rules : nullptr;
}

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

const std::string kSlowData = "QUICK_MARKER AFTER_MARKER " + std::string(60000, 'x');

// libyara (4.2.3 to 4.5) calls back only after evaluating every condition:
// a scan that times out reports no rule at all, not even Quick_Hit, which
// had matched. This is what the retry is for; should a libyara report them,
// the retry's reset of the partial results needs a look.
TEST(YaraScannerTimeout, LibyaraReportsNoRuleOfATimedOutScan) {
  YaraLimits limits;
  limits.timeout_s = 1;  // and no long_running list: no retry
  auto s = YaraScanner::Create(Compile(TimeoutSources()), limits);
  ASSERT_TRUE(s.ok());
  std::vector<Reason> rs;
  Status st = (*s)->Scan(Bytes(kSlowData), {}, &rs);
  EXPECT_EQ(st.code(), Status::Code::kTimeout) << st.ToString();
  EXPECT_TRUE(rs.empty());
}

// Regression: a score-90 rule that matched before a slow rule timed out
// was lost with it (the file ended as skipped `timeout` without a finding).
TEST(YaraScannerTimeout, RegressionRulesWithoutLoopsAreEvaluatedAgainAndKept) {
  auto sources = TimeoutSources();
  YaraLimits limits;
  limits.timeout_s = 1;
  limits.long_running = std::make_shared<const LongRunningRules>(sources);
  for (bool fast : {true, false}) {
    limits.fast_mode = fast;
    auto s = YaraScanner::Create(Compile(sources), limits);
    ASSERT_TRUE(s.ok());
    std::vector<Reason> rs;
    Status st = (*s)->Scan(Bytes(kSlowData), {}, &rs);
    EXPECT_EQ(st.code(), Status::Code::kTimeout) << st.ToString();
    EXPECT_NE(st.message().find("evaluated again"), std::string::npos) << st.ToString();
    // Slow_Rule and Names_Slow (which names it) are left out; After_Slow,
    // which libyara never reached, is found too.
    EXPECT_EQ(Names(rs), (std::vector<std::string>{"yara:Quick_Hit:90", "yara:After_Slow:75"}));
    ASSERT_FALSE(rs.empty());
    ASSERT_EQ(rs[0].strings.size(), 1u);
    EXPECT_EQ(rs[0].strings[0].offset, 0u);
    EXPECT_EQ((*s)->last_rule_ids(),
              (std::vector<std::string>{"t.yar:Quick_Hit", "t.yar:After_Slow"}));
    // The scanner is reused: a quick file right after is scanned as usual.
    rs.clear();
    EXPECT_TRUE((*s)->Scan(Bytes("QUICK_MARKER"), {}, &rs).ok());
    EXPECT_EQ(Names(rs), (std::vector<std::string>{"yara:Quick_Hit:90", "yara:Names_Slow:75"}));
  }
}

// A worker's prefilter set is switched per file (YaraRuleSwitch); the
// retry scans with the shared retry set, whatever the switch left.
TEST(YaraScannerTimeout, RetryDoesNotDependOnAPrefilterSwitch) {
  auto sources = TimeoutSources();
  auto own = Compile(sources);  // stands for a worker's private lean copy
  YaraRuleSwitch sw(*own, {PrefilterRule{"t.yar", "Quick_Hit", {"quick_marker"}, false}});
  ASSERT_EQ(sw.mapped(), 1u);
  YaraLimits limits;
  limits.timeout_s = 1;
  limits.long_running = std::make_shared<const LongRunningRules>(sources);
  auto s = YaraScanner::Create(own, limits);
  ASSERT_TRUE(s.ok());
  std::vector<Reason> rs;
  sw.Apply({0});  // as for a file without the literal: Quick_Hit off
  EXPECT_EQ((*s)->Scan(Bytes(std::string(60000, 'x')), {}, &rs).code(), Status::Code::kTimeout);
  EXPECT_TRUE(rs.empty());
  EXPECT_EQ((*s)->Scan(Bytes(kSlowData), {}, &rs).code(), Status::Code::kTimeout);
  EXPECT_EQ(Names(rs), (std::vector<std::string>{"yara:Quick_Hit:90", "yara:After_Slow:75"}));
}

// Workers share their class sets: a retry while another worker scans the
// same set. (The retry set is compiled, never copied from the shared set:
// yr_rules_save_stream rewrites a set's pointers while it writes. That race
// is too narrow on this small set for this test to catch reliably; it
// checks that both workers get their results.)
TEST(YaraScannerTimeout, RetryLeavesTheSharedSetToOtherWorkers) {
  auto sources = TimeoutSources();
  auto shared = Compile(sources);
  YaraLimits limits;
  limits.timeout_s = 1;
  limits.long_running = std::make_shared<const LongRunningRules>(sources);
  std::atomic<bool> done{false};
  std::atomic<size_t> wrong{0}, scans{0};
  std::thread other([&] {
    auto s = YaraScanner::Create(shared, limits);
    ASSERT_TRUE(s.ok());
    while (!done) {
      std::vector<Reason> rs;
      Status st = (*s)->Scan(Bytes("QUICK_MARKER AFTER_MARKER"), {}, &rs);
      if (!st.ok() || Names(rs) != std::vector<std::string>{"yara:Quick_Hit:90",
                                                             "yara:Names_Slow:75",
                                                             "yara:After_Slow:75"})
        ++wrong;
      ++scans;
    }
  });
  auto s = YaraScanner::Create(shared, limits);
  ASSERT_TRUE(s.ok());
  std::vector<Reason> rs;
  EXPECT_EQ((*s)->Scan(Bytes(kSlowData), {}, &rs).code(), Status::Code::kTimeout);
  done = true;
  other.join();
  EXPECT_EQ(Names(rs), (std::vector<std::string>{"yara:Quick_Hit:90", "yara:After_Slow:75"}));
  EXPECT_GT(scans.load(), 0u);
  EXPECT_EQ(wrong.load(), 0u);
}

}  // namespace
}  // namespace harrier
