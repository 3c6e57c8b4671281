#include "signatures/signature_set.h"

#include <algorithm>
#include <charconv>
#include <map>

#include <fmt/format.h>

namespace harrier {

const std::vector<HashIoc>* SignatureSet::FindHash(std::string_view hex) const {
  auto it = hashes.find(std::string(hex));
  return it == hashes.end() ? nullptr : &it->second;
}

namespace {
std::string YaraEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') out += '\\';
    out += c;
  }
  return out;
}
}  // namespace

C2Rules C2RulesSource(const std::vector<C2Ioc>& c2) {
  // (score, long) -> indicator indices, ascending
  std::map<std::pair<int, bool>, std::vector<size_t>> by_score;
  for (size_t i = 0; i < c2.size(); ++i)
    by_score[{c2[i].score, c2[i].indicator.size() >= kC2LongIndicator}].push_back(i);
  C2Rules out;
  for (const auto& [key, indices] : by_score) {
    const int score = key.first;
    for (size_t first = 0; first < indices.size(); first += kC2MaxStringsPerRule) {
      size_t last = std::min(indices.size(), first + kC2MaxStringsPerRule);
      out.source += fmt::format(
          "rule c2_{} {{\n  meta:\n    harrier_type = \"c2\"\n    score = {}\n  strings:\n",
          out.rules, score);
      for (size_t k = first; k < last; ++k) {
        out.source += fmt::format("    $c{} = \"{}\" ascii wide nocase\n", indices[k],
                                  YaraEscape(c2[indices[k]].indicator));
      }
      out.source += "  condition:\n    any of them\n}\n";
      ++out.rules;
    }
  }
  return out;
}

std::optional<size_t> C2IndexOfStringId(std::string_view identifier) {
  if (identifier.size() < 3 || identifier.substr(0, 2) != "$c") return std::nullopt;
  size_t i = 0;
  const char* b = identifier.data() + 2;
  const char* e = identifier.data() + identifier.size();
  auto [p, ec] = std::from_chars(b, e, i);
  if (ec != std::errc() || p != e) return std::nullopt;
  return i;
}

}  // namespace harrier
