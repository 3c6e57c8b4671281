#include "score/score.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace harrier {
namespace {

TEST(TotalScore, SingleSubScoreIsItself) {
  int s[] = {70};
  EXPECT_DOUBLE_EQ(TotalScore(s), 70.0);
}

TEST(TotalScore, WeightsHalveInDescendingOrder) {
  // 100*(1 - (1-0.8)*(1-0.6/2)*(1-0.4/4)) = 100*(1 - 0.2*0.7*0.9) = 87.4
  int s[] = {40, 80, 60};
  EXPECT_NEAR(TotalScore(s), 87.4, 1e-9);
}

TEST(TotalScore, NegativeLowersAndClampsAtZero) {
  int a[] = {60, -100};
  EXPECT_NEAR(TotalScore(a), 100 * (1 - 0.4 * 1.5), 1e-9);  // 40
  int b[] = {30, -100, -100};
  EXPECT_DOUBLE_EQ(TotalScore(b), 0.0);
}

TEST(TotalScore, CappedAt100) {
  int s[] = {100, 100, 100};
  EXPECT_DOUBLE_EQ(TotalScore(s), 100.0);
}

TEST(LevelFor, AlertNeedsOneStrongReason) {
  ScoreOptions o;
  EXPECT_EQ(LevelFor(85, 80, o), Level::kAlert);
  EXPECT_EQ(LevelFor(85, 75, o), Level::kWarning);  // no sub-score > 75
  EXPECT_EQ(LevelFor(60, 60, o), Level::kWarning);
  EXPECT_EQ(LevelFor(59.9, 59, o), Level::kNotice);
  EXPECT_EQ(LevelFor(40, 40, o), Level::kNotice);
  EXPECT_EQ(LevelFor(39.9, 39, o), Level::kNone);
}

// The thresholds are inclusive (docs: "total >= threshold"): a total of
// exactly 40, 60 or 80 reaches notice, warning or alert.
TEST(ScoreLevels, ThresholdsAreInclusive) {
  ScoreOptions o;
  EXPECT_EQ(LevelFor(80, 90, o), Level::kAlert);
  EXPECT_EQ(LevelFor(79.99, 90, o), Level::kWarning);
  EXPECT_EQ(LevelFor(60, 60, o), Level::kWarning);
  EXPECT_EQ(LevelFor(59.99, 60, o), Level::kNotice);
  EXPECT_EQ(LevelFor(40, 40, o), Level::kNotice);
  EXPECT_EQ(LevelFor(39.99, 40, o), Level::kNone);
  // The strong-reason rule: a sub-score of exactly alert_sub (75) is not strong.
  EXPECT_EQ(LevelFor(90, 75, o), Level::kWarning);
  EXPECT_EQ(LevelFor(90, 76, o), Level::kAlert);
}

TEST(ScoreFinding, SortsReasonsAndSetsLevel) {
  Finding f;
  f.reasons.push_back({.kind = ReasonKind::kFilename, .name = "a", .score = 50});
  f.reasons.push_back({.kind = ReasonKind::kHash, .name = "b", .score = 100});
  ScoreFinding(f, ScoreOptions{});
  EXPECT_EQ(f.reasons[0].name, "b");
  EXPECT_DOUBLE_EQ(f.score, 100.0);
  EXPECT_EQ(f.level, Level::kAlert);
}


// --- one indicator from two sources counts once ----------------------------

Reason R(ReasonKind kind, std::string name, int score, std::string source) {
  Reason r;
  r.kind = kind;
  r.name = std::move(name);
  r.score = score;
  r.source = std::move(source);
  return r;
}

// The score of `reasons` as one finding.
double Scored(std::vector<Reason> reasons, Finding* out = nullptr) {
  Finding f;
  f.reasons = std::move(reasons);
  ScoreFinding(f, ScoreOptions{});
  if (out) *out = f;
  return f.score;
}

TEST(MergeDuplicateReasons, SameHashFromTwoSourcesCountsOnce) {
  const std::string h = "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea";
  Finding f;
  double one = Scored({R(ReasonKind::kHash, h, 70, "builtin:3")});
  double two = Scored({R(ReasonKind::kHash, h, 70, "builtin:3"),
                       R(ReasonKind::kHash, "677C06BAB77FDAEA3742685BE35FAB0BBD1EF2EF84E278A3F657CE377B9766EA",
                         70, "/sigs/iocs/hash.txt:9")},
                      &f);
  EXPECT_DOUBLE_EQ(two, one);
  EXPECT_DOUBLE_EQ(two, 70.0);
  ASSERT_EQ(f.reasons.size(), 1u);
  EXPECT_EQ(f.reasons[0].source, "builtin:3");
  EXPECT_EQ(f.reasons[0].also_from, std::vector<std::string>{"/sigs/iocs/hash.txt:9"});
}

TEST(MergeDuplicateReasons, FilenameTwinsBySeparatorAndCaseCountOnce) {
  Finding f;
  double one = Scored({R(ReasonKind::kFilename, R"((?i)\\ProgramData\\TPM\\winscard\.dll$)", 60, "a:1")});
  double two = Scored({R(ReasonKind::kFilename, R"((?i)\\ProgramData\\TPM\\winscard\.dll$)", 60, "a:1"),
                       R(ReasonKind::kFilename, R"((?i)/programdata/tpm/WINSCARD\.dll$)", 60, "a:2")},
                      &f);
  EXPECT_DOUBLE_EQ(two, one);
  ASSERT_EQ(f.reasons.size(), 1u);
  EXPECT_EQ(f.reasons[0].also_from, std::vector<std::string>{"a:2"});
}

TEST(MergeDuplicateReasons, CaseCountsInCaseSensitivePatternsAndEscapes) {
  // A case-sensitive pattern: "Foo" and "foo" match different files.
  EXPECT_NE(IndicatorKey(R(ReasonKind::kFilename, "/Foo$", 60, "")),
            IndicatorKey(R(ReasonKind::kFilename, "/foo$", 60, "")));
  // An escape keeps its case even in a case-insensitive pattern: \D is not \d.
  EXPECT_NE(IndicatorKey(R(ReasonKind::kFilename, R"((?i)x\D$)", 60, "")),
            IndicatorKey(R(ReasonKind::kFilename, R"((?i)x\d$)", 60, "")));
  // A negative (known-good) pattern is not the twin of a positive one.
  EXPECT_NE(IndicatorKey(R(ReasonKind::kFilename, "/x$", 60, "")),
            IndicatorKey(R(ReasonKind::kFilename, "/x$", -20, "")));
  EXPECT_EQ(IndicatorKey(R(ReasonKind::kFilename, R"(\/x$)", 60, "")),
            IndicatorKey(R(ReasonKind::kFilename, R"(\\x$)", 60, "")));
}

TEST(MergeDuplicateReasons, SameYaraRuleNameAndSameC2ValueCountOnce) {
  Finding f;
  double one = Scored({R(ReasonKind::kYara, "APT_Loader", 70, "builtin/yara/a.yar"),
                       R(ReasonKind::kC2, "evil.example.com", 70, "builtin/c2.txt:4")});
  double two = Scored({R(ReasonKind::kYara, "APT_Loader", 70, "builtin/yara/a.yar"),
                       R(ReasonKind::kC2, "evil.example.com", 70, "builtin/c2.txt:4"),
                       R(ReasonKind::kYara, "APT_Loader", 70, "/sigs/yara/copy.yar"),
                       R(ReasonKind::kC2, "EVIL.example.com", 70, "/sigs/iocs/c2.txt:1")},
                      &f);
  EXPECT_DOUBLE_EQ(two, one);
  ASSERT_EQ(f.reasons.size(), 2u);
  EXPECT_EQ(f.reasons[0].also_from, std::vector<std::string>{"/sigs/yara/copy.yar"});
  EXPECT_EQ(f.reasons[1].also_from, std::vector<std::string>{"/sigs/iocs/c2.txt:1"});
}

TEST(MergeDuplicateReasons, DifferentIndicatorsStillAddUp) {
  double one = Scored({R(ReasonKind::kYara, "A", 70, "x")});
  double two = Scored({R(ReasonKind::kYara, "A", 70, "x"), R(ReasonKind::kYara, "B", 70, "x")});
  EXPECT_GT(two, one);
  // Native checks may name several things under one id: never merged.
  EXPECT_EQ(IndicatorKey(R(ReasonKind::kCheck, "inventory.dpkg.xz", 80, "")), "");
  Finding f;
  Scored({R(ReasonKind::kCheck, "c", 50, "x"), R(ReasonKind::kCheck, "c", 50, "x")}, &f);
  EXPECT_EQ(f.reasons.size(), 2u);
}

TEST(MergeDuplicateReasons, TheStrongerCopySpeaksAndKeepsWhatTheOtherAdds) {
  Reason weak = R(ReasonKind::kHash, "abc", 60, "first:1");
  weak.remediation = "Reinstall.";
  weak.references = {"https://a.example/1"};
  weak.details = {{"pack", "p1"}};
  Reason strong = R(ReasonKind::kHash, "abc", 90, "second:2");
  strong.references = {"https://b.example/2", "https://a.example/1"};
  std::vector<Reason> rs = {weak, R(ReasonKind::kYara, "Y", 50, "y"), strong};
  MergeDuplicateReasons(rs);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].score, 90);
  EXPECT_EQ(rs[0].source, "second:2");
  EXPECT_EQ(rs[0].also_from, std::vector<std::string>{"first:1"});
  EXPECT_EQ(rs[0].remediation, "Reinstall.");
  EXPECT_EQ(rs[0].references, (std::vector<std::string>{"https://b.example/2", "https://a.example/1"}));
  ASSERT_EQ(rs[0].details.size(), 1u);
  EXPECT_EQ(rs[1].name, "Y");  // order of the others kept
  // Merging again changes nothing (ScoreFinding may run twice).
  std::vector<Reason> again = rs;
  MergeDuplicateReasons(again);
  EXPECT_EQ(again.size(), 2u);
  EXPECT_EQ(again[0].also_from, rs[0].also_from);
}

}  // namespace
}  // namespace harrier
