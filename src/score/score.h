// Scoring: pure functions, THOR-compatible.
//
// Sub-scores s_i are sorted descending (i = 0 for the highest) and combined:
//     total = 100 * (1 - prod_i (1 - s_i / 100 / 2^i))
// so one sub-score s gives s, further evidence adds with halving weight, and
// negative sub-scores (filename IOCs that mark a known-good location) lower
// the total. The total is clamped to [0, 100].
#pragma once

#include <span>
#include <vector>

#include "core/finding.h"

namespace harrier {

struct ScoreOptions {
  double notice = 40;    // total >= notice  -> Notice
  double warning = 60;   // total >= warning -> Warning
  double alert = 80;     // total >= alert and some sub-score > alert_sub -> Alert
  double alert_sub = 75; // an Alert needs one strong reason, not many weak ones
};

double TotalScore(std::span<const int> sub_scores);
Level LevelFor(double total, int max_sub_score, const ScoreOptions& opts);

// Sorts reasons by score (descending, stable), fills score and level.
void ScoreFinding(Finding& f, const ScoreOptions& opts);

}  // namespace harrier
