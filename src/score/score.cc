#include "score/score.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <unordered_map>

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

namespace {
std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// A filename pattern with its separators written one way: an escaped `\`
// or `/` becomes `/`; in a case-insensitive pattern letters outside escapes
// are lower-cased (an escape keeps its case: `\D` is not `\d`).
std::string SeparatorFreePattern(std::string_view p) {
  const bool fold = p.starts_with("(?i)");
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char n = p[++i];
      if (n == '\\' || n == '/') {
        out += '/';
      } else {
        out += '\\';
        out += n;
      }
      continue;
    }
    out += fold ? static_cast<char>(std::tolower(static_cast<unsigned char>(c))) : c;
  }
  return out;
}

template <typename T>
void AppendOnce(std::vector<T>& to, const T& v) {
  if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
}
}  // namespace

std::string IndicatorKey(const Reason& r) {
  switch (r.kind) {
    case ReasonKind::kHash: return "hash:" + Lower(r.name);
    case ReasonKind::kFilename:
      return std::string(r.score < 0 ? "filename-:" : "filename+:") + SeparatorFreePattern(r.name);
    case ReasonKind::kYara: return "yara:" + r.name;
    case ReasonKind::kC2: return "c2:" + Lower(r.name);
    case ReasonKind::kCheck: return "";
  }
  return "";
}

void MergeDuplicateReasons(std::vector<Reason>& reasons) {
  if (reasons.size() < 2) return;
  std::vector<Reason> kept;
  std::unordered_map<std::string, size_t> index;  // key -> its reason in kept
  for (size_t i = 0; i < reasons.size(); ++i) {
    std::string key = IndicatorKey(reasons[i]);
    auto [it, fresh] = key.empty() ? std::pair{index.end(), true} : index.emplace(key, kept.size());
    if (fresh) {
      kept.push_back(std::move(reasons[i]));
      continue;
    }
    Reason& k = kept[it->second];
    Reason dup = std::move(reasons[i]);
    if (dup.score > k.score) std::swap(k, dup);  // the stronger copy speaks
    std::vector<std::string> sources = {dup.source};
    sources.insert(sources.end(), dup.also_from.begin(), dup.also_from.end());
    for (const auto& s : sources)
      if (!s.empty() && s != k.source) AppendOnce(k.also_from, s);
    std::erase(k.also_from, k.source);
    for (const auto& ref : dup.references) AppendOnce(k.references, ref);
    if (k.remediation.empty()) k.remediation = dup.remediation;
    for (const auto& d : dup.details) {
      bool has = std::any_of(k.details.begin(), k.details.end(),
                             [&](const auto& e) { return e.first == d.first; });
      if (!has) k.details.push_back(d);
    }
  }
  reasons = std::move(kept);
}

void ScoreFinding(Finding& f, const ScoreOptions& opts) {
  MergeDuplicateReasons(f.reasons);
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
