// SignatureSet: everything loaded from signature folders, frozen and shared
// read-only (const) by all scan workers.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/finding.h"
#include "signatures/fp_filter.h"
#include "signatures/incident_pack.h"
#include "signatures/ioc.h"
#include "signatures/path_matcher.h"
#include "signatures/rule_selection.h"
#include "signatures/yara_long_running.h"
#include "signatures/yara_memory_rules.h"
#include "signatures/yara_partition.h"
#include "signatures/yara_rules.h"

namespace harrier {

struct SignatureSet {
  // Hash IOCs by lowercase hex digest (md5, sha1 and sha256 share the map;
  // lengths differ so they cannot collide).
  std::unordered_map<std::string, std::vector<HashIoc>> hashes;
  // Hash allow-list: digest -> "file:line" of its entry. A file with one of
  // these has its finding suppressed (counted, not reported).
  std::unordered_map<std::string, std::string> fp_hashes;
  // False-positive regex filters (fp_filter.h), global and per rule.
  FpFilters fp_filters;
  // The names and extensions the YARA rules test (rule_selection.h): the
  // default file selection includes them.
  RuleSelection selection;
  PathMatcher filenames;
  std::vector<C2Ioc> c2;                        // also compiled into `yara` (C2RulesSource)
  // The whole rule set (--yara-reference, and the fallback of the fast
  // path); may be empty (no rules). From the compiled-rules cache it is
  // loaded on first use: a fast-path scan usually never needs it.
  YaraRulesHandle yara;
  // The fast path: one rule set per file class; null when not built (then
  // `yara` is used for every file).
  std::shared_ptr<const YaraPartition> yara_partition;
  // The rules the retry after a YARA timeout leaves out (analysed from the
  // sources on the first timeout); null when there are no YARA rules.
  std::shared_ptr<const LongRunningRules> yara_long_running;
  // The rules that run on process memory (yara_memory_rules.h), analysed
  // and compiled on the first memory scan; null when there are no YARA rules.
  std::shared_ptr<const MemoryRules> yara_memory;
  // Folders the signatures came from (canonical); the walker never scans them.
  std::vector<std::string> folders;
  // Incident packs loaded (incident_pack.h), in load order.
  std::vector<IncidentPack> packs;
  // Every checks/ folder of a loaded pack or layered folder, in load order:
  // the native-check data (check_data.h) is read from these.
  std::vector<std::string> check_dirs;
  RuleStats stats;

  const std::vector<HashIoc>* FindHash(std::string_view hex) const;
};

// The generated C2 rules: the namespace they are compiled in and the most
// strings one generated rule holds.
inline constexpr std::string_view kC2Namespace = "harrier_c2";
inline constexpr size_t kC2MaxStringsPerRule = 1000;
// Indicators at least this long go into rules of their own: such a rule is
// gated by long literals only, so the lean sets of the prefilter leave it
// out (YaraPartition::Options::lean_gate_min, default 16) and a file pays
// for the search of its ~1,400 strings (signature-base) only when one of
// them occurs.
inline constexpr size_t kC2LongIndicator = 16;

struct C2Rules {
  std::string source;   // YARA source, compiled in namespace kC2Namespace
  uint64_t rules = 0;   // number of rules in `source`
};

// Builds the YARA source of the C2 indicators. libyara evaluates every
// rule's condition on every file, so indicators are packed into few rules:
// one rule per score (ascending) and length class (shorter than
// kC2LongIndicator first), split into rules of at most
// kC2MaxStringsPerRule strings. Each rule carries meta harrier_type = "c2"
// and score = the group's score, and one string per indicator named
// `$c<i>`, where i is the indicator's index in `c2`; its condition is
// `any of them`. Each indicator is searched as ascii and wide text,
// case-insensitively, and nothing more: a match is only a candidate (YARA's
// `fullword` would take '-', '_' and '.' for word ends: evil.com would
// match not-evil.com and evil.com.au). The scanner (scan/yara_scanner.h)
// maps every matched `$c<i>` back to c2[i], keeps the places where the
// indicator really occurs (FindC2Matches, c2_indicator.h) and reports one
// "c2" reason per such indicator, so `c2` must be the vector the source was
// generated from.
C2Rules C2RulesSource(const std::vector<C2Ioc>& c2);

// The index i of a generated string identifier "$c<i>"; nullopt for any
// other identifier.
std::optional<size_t> C2IndexOfStringId(std::string_view identifier);

}  // namespace harrier
