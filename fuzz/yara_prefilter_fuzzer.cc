// The literal prefilter (src/signatures/yara_prefilter.cc, literal_filter.cc) with two
// oracles. Input: rule text, then "\n----\n", then file data (without the
// separator the rule text itself is the data).
//  * LiteralFilter vs a naive search: a rule is hit exactly when one of its
//    folded literals occurs in the folded data;
//  * libyara: for rule text that compiles, the rules matching the data with
//    every rule enabled equal those matching with the prefilter rules
//    without a hit disabled (what the scanner does per file).
// Any difference aborts.
#include <yara.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "fuzz/fuzz_yara.h"
#include "signatures/literal_filter.h"
#include "signatures/yara_prefilter.h"
#include "signatures/yara_rules.h"

HARRIER_FUZZ_TARGET(yara_prefilter)(const uint8_t* data, size_t size) {
  using namespace harrier;
  if (size > 16384) return 0;
  std::string in(reinterpret_cast<const char*>(data), size);
  size_t sep = in.find("\n----\n");
  std::string text = sep == std::string::npos ? in : in.substr(0, sep);
  std::string file = sep == std::string::npos ? in : in.substr(sep + 6);
  std::vector<YaraSource> sources = {{"fuzz", text}};
  auto pre = FindPrefilterRules(sources);
  LiteralFilter filter(pre);
  std::vector<uint8_t> hit, scratch;
  filter.Match({reinterpret_cast<const uint8_t*>(file.data()), file.size()}, &hit, &scratch);
  std::string folded = file;
  for (char& c : folded) c = static_cast<char>(FoldAscii(static_cast<uint8_t>(c)));
  for (size_t r = 0; r < pre.size(); ++r) {
    bool naive = false;
    for (const auto& l : pre[r].literals) naive = naive || folded.find(l) != std::string::npos;
    if (naive != (hit[r] != 0)) __builtin_trap();
  }
  if (text.find('\0') != std::string::npos) return 0;
  auto rules = CompileYaraStrict(sources, {});
  if (!rules.ok()) return 0;
  auto all = fuzz::YaraMatches(**rules, file);
  YR_RULE* rule;
  yr_rules_foreach((*rules)->get(), rule) {
    for (size_t r = 0; r < pre.size(); ++r)
      if (!hit[r] && pre[r].name == rule->identifier) yr_rule_disable(rule);
  }
  if (fuzz::YaraMatches(**rules, file) != all) __builtin_trap();  // a disabled rule would have matched
  return 0;
}
