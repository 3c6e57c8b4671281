// False-positive filters and hash allow-lists (docs/signatures.md,
// "False-positive filters"), in the THOR / LOKI style: one entry per line.
//
//   # comment                    skipped, like blank lines
//   HASH[;DESCRIPTION]           MD5 / SHA1 / SHA256: a file with this hash is
//                                allow-listed (its finding is suppressed)
//   REGEX                        global filter: a finding whose text matches is
//                                suppressed
//   rule:NAME REGEX              per-rule filter: the reason NAME (YARA rule,
//                                IOC value or check id) is removed from a
//                                finding whose text matches REGEX
//
// A finding's text is one line: the displayed path (with its container
// chain), then for each reason "NAME: DESCRIPTION", then the MD5, SHA1 and
// SHA256 (FindingFilterText). Regexes are RE2, unanchored, case-sensitive
// unless they start with (?i). A regex RE2 cannot compile is an error
// diagnostic at file:line; the rest loads.
// Thread-safety: build with Parse/Add, then const Match from any thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "signatures/ioc.h"

namespace harrier {

class Regex;

struct FpFilterEntry {
  std::string rule;     // empty: global
  std::string pattern;  // RE2
  std::string source;   // "file:line"
};

struct FpFileContent {
  std::vector<HashIoc> hashes;         // allow-list entries
  std::vector<FpFilterEntry> filters;  // regex filters
};

// Parses one filter / allow-list file.
FpFileContent ParseFpFile(std::string_view text, std::string_view source, Diagnostics& diag);

// The text filters are matched against (see the header comment).
std::string FindingFilterText(const Finding& f);

class FpFilters {
 public:
  FpFilters();
  ~FpFilters();
  FpFilters(FpFilters&&) noexcept;
  FpFilters& operator=(FpFilters&&) noexcept;

  // Compiles each entry; a bad regex is an error at its source.
  void Add(std::vector<FpFilterEntry> entries, Diagnostics& diag);
  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }

  // The first global filter matching `text`, or null.
  const FpFilterEntry* MatchGlobal(std::string_view text) const;
  // The first per-rule filter for `rule` matching `text`, or null.
  const FpFilterEntry* MatchRule(std::string_view rule, std::string_view text) const;
  bool has_rule_filters() const { return rule_filters_ > 0; }

 private:
  std::vector<FpFilterEntry> entries_;
  std::vector<std::unique_ptr<Regex>> regexes_;
  size_t rule_filters_ = 0;
};

}  // namespace harrier
