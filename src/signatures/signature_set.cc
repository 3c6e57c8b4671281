#include "signatures/signature_set.h"

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

std::string C2RulesSource(const std::vector<C2Ioc>& c2) {
  std::string src;
  for (size_t i = 0; i < c2.size(); ++i) {
    const C2Ioc& ioc = c2[i];
    src += fmt::format(
        "rule c2_{} {{\n  meta:\n    harrier_type = \"c2\"\n    indicator = \"{}\"\n"
        "    description = \"{}\"\n    score = {}\n    source = \"{}\"\n"
        "  strings:\n    $ioc = \"{}\" ascii wide nocase fullword\n"
        "  condition:\n    $ioc\n}}\n",
        i, YaraEscape(ioc.indicator), YaraEscape(ioc.description), ioc.score,
        YaraEscape(ioc.source), YaraEscape(ioc.indicator));
  }
  return src;
}

}  // namespace harrier
