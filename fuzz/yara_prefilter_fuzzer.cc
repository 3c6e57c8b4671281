// The literal prefilter (src/signatures/yara_prefilter.cc) with two
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
#include "signatures/yara_prefilter.h"
#include "signatures/yara_rules.h"

namespace {

int Collect(YR_SCAN_CONTEXT*, int msg, void* data, void* user) {
  if (msg == CALLBACK_MSG_RULE_MATCHING) {
    auto* ids = static_cast<std::vector<std::string>*>(user);
    auto* rule = static_cast<const YR_RULE*>(data);
    ids->push_back(std::string(rule->ns->name) + ":" + rule->identifier);
  }
  return CALLBACK_CONTINUE;
}

std::vector<std::string> Matches(const harrier::YaraRules& rules, const std::string& buf) {
  std::vector<std::string> ids;
  YR_SCANNER* s = nullptr;
  if (yr_scanner_create(rules.get(), &s) != ERROR_SUCCESS) abort();
  for (const auto& e : rules.extra_externals()) yr_scanner_define_string_variable(s, e.c_str(), "");
  yr_scanner_set_callback(s, Collect, &ids);
  yr_scanner_scan_mem(s, reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  yr_scanner_destroy(s);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

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
  auto all = Matches(**rules, file);
  YR_RULE* rule;
  yr_rules_foreach((*rules)->get(), rule) {
    for (size_t r = 0; r < pre.size(); ++r)
      if (!hit[r] && pre[r].name == rule->identifier) yr_rule_disable(rule);
  }
  if (Matches(**rules, file) != all) __builtin_trap();  // a disabled rule would have matched
  return 0;
}
