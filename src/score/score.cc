#include "score/score.h"

#include <algorithm>
#include <cmath>

namespace harrier {

double TotalScore(std::span<const int> sub_scores) {
  std::vector<int> s(sub_scores.begin(), sub_scores.end());
  std::sort(s.begin(), s.end(), std::greater<>());
  double prod = 1.0;
  double weight = 1.0;
  for (int v : s) {
    prod *= 1.0 - (static_cast<double>(v) / 100.0) * weight;
    weight /= 2.0;
  }
  double total = 100.0 * (1.0 - prod);
  return std::clamp(total, 0.0, 100.0);
}

Level LevelFor(double total, int max_sub_score, const ScoreOptions& opts) {
  if (total >= opts.alert && max_sub_score > opts.alert_sub) return Level::kAlert;
  if (total >= opts.warning) return Level::kWarning;
  if (total >= opts.notice) return Level::kNotice;
  return Level::kNone;
}

void ScoreFinding(Finding& f, const ScoreOptions& opts) {
  std::stable_sort(f.reasons.begin(), f.reasons.end(),
                   [](const Reason& a, const Reason& b) { return a.score > b.score; });
  std::vector<int> subs;
  int max_sub = 0;
  for (const auto& r : f.reasons) {
    subs.push_back(r.score);
    max_sub = std::max(max_sub, r.score);
  }
  f.score = TotalScore(subs);
  f.level = LevelFor(f.score, max_sub, opts);
}

}  // namespace harrier
