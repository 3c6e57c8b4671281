// SignatureSet: everything loaded from signature folders, frozen and shared
// read-only (const) by all scan workers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/finding.h"
#include "signatures/ioc.h"
#include "signatures/path_matcher.h"
#include "signatures/yara_partition.h"
#include "signatures/yara_rules.h"

namespace harrier {

struct SignatureSet {
  // Hash IOCs by lowercase hex digest (md5, sha1 and sha256 share the map;
  // lengths differ so they cannot collide).
  std::unordered_map<std::string, std::vector<HashIoc>> hashes;
  // Known-good digests: a file with one of these gets no findings at all.
  std::unordered_set<std::string> fp_hashes;
  PathMatcher filenames;
  std::vector<C2Ioc> c2;                        // also compiled into `yara`
  std::shared_ptr<const YaraRules> yara;        // may be null (no rules)
  // The fast path: one rule set per file class; null when not built (then
  // `yara` is used for every file).
  std::shared_ptr<const YaraPartition> yara_partition;
  // Folders the signatures came from (canonical); the walker never scans them.
  std::vector<std::string> folders;
  RuleStats stats;

  const std::vector<HashIoc>* FindHash(std::string_view hex) const;
};

// Builds the YARA source of the C2 indicators: one rule per indicator, in
// namespace "harrier_c2", with meta harrier_type = "c2" so the scanner
// reports it as a C2 reason (name = the indicator). Each indicator is
// searched as ascii and wide text, case-insensitively, as a full word.
std::string C2RulesSource(const std::vector<C2Ioc>& c2);

}  // namespace harrier
