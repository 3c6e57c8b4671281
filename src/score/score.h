// Scoring: pure functions, THOR-compatible.
//
// Sub-scores s_i are sorted descending (i = 0 for the highest) and combined:
//     total = 100 * (1 - prod_i (1 - s_i / 100 / 2^i))
// so one sub-score s gives s, further evidence adds with halving weight, and
// negative sub-scores (filename IOCs that mark a known-good location) lower
// the total. The total is clamped to [0, 100].
#pragma once

#include <span>
#include <string>
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

// What makes two reasons the same indicator, loaded from two sources (the
// built-in set and a --signatures copy of one of its lines, two signature
// folders, the `\\` and `/` twins of a filename pattern): the same hash
// (any case); the same filename pattern once every escaped separator (`\\`,
// `\/`) is read as `/` and, for a pattern starting with `(?i)`, letters
// outside escapes are lower-cased, with a score of the same sign; the same
// YARA rule name (rule bodies are not compared); the same C2 value (any
// case). Native-check reasons are never merged: one check may name several
// things. Returns "" for a reason that is never merged.
std::string IndicatorKey(const Reason& r);

// Merges the reasons with the same IndicatorKey into one, so that an
// indicator counts once in the score: the first of the highest score is
// kept, the others' sources go to its also_from (each once, in order), and
// it takes their references, details it lacks and remediation when it has
// none. Order of the remaining reasons is kept.
void MergeDuplicateReasons(std::vector<Reason>& reasons);

// Merges duplicate indicators (MergeDuplicateReasons), sorts reasons by
// score (descending, stable), fills score and level.
void ScoreFinding(Finding& f, const ScoreOptions& opts);

}  // namespace harrier
