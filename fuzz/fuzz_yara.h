// The oracle of the YARA fuzz targets: which rules libyara itself says match.
#pragma once

#include <yara.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "signatures/yara_rules.h"

namespace harrier::fuzz {

// Sorted "namespace:rule" of every rule of `rules` that matches `buf`, with
// the extra externals defined empty. Aborts if libyara cannot make a scanner.
inline std::vector<std::string> YaraMatches(const YaraRules& rules, const std::string& buf) {
  std::vector<std::string> ids;
  YR_SCANNER* s = nullptr;
  if (yr_scanner_create(rules.get(), &s) != ERROR_SUCCESS) abort();
  for (const auto& e : rules.extra_externals()) yr_scanner_define_string_variable(s, e.c_str(), "");
  yr_scanner_set_callback(
      s,
      [](YR_SCAN_CONTEXT*, int msg, void* data, void* user) {
        if (msg == CALLBACK_MSG_RULE_MATCHING) {
          auto* rule = static_cast<const YR_RULE*>(data);
          static_cast<std::vector<std::string>*>(user)->push_back(std::string(rule->ns->name) + ":" +
                                                                 rule->identifier);
        }
        return CALLBACK_CONTINUE;
      },
      &ids);
  yr_scanner_set_flags(s, SCAN_FLAGS_REPORT_RULES_MATCHING);
  yr_scanner_scan_mem(s, reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  yr_scanner_destroy(s);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace harrier::fuzz
