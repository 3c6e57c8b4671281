#include "score/score.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace harrier
