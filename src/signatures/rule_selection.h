// RuleSelection: the file names, extensions and paths the loaded signatures
// look for, so that the default file selection (scan/filetype.h) never skips
// a file a loaded rule or IOC would judge by its name (docs/scanning.md,
// "Default file selection").
//
// Collected from YARA rule sources, where a condition tests the externals
// signature-base defines:
//   extension == ".x" / iequals / contains / endswith "x"   -> extension x
//   filename  == "x"  / iequals                             -> name x
//   filename  contains / startswith / endswith "x" (i-forms) -> name part x
//   filepath  contains "x" (i-forms)                        -> path part x
//   filename / filepath / extension matches /re/[i]         -> regex
// Filename IOCs are not collected here: a path a filename IOC matches is
// selected by the scan stage itself (it has matched the path already).
// Over-selection costs a read, never a finding: a rule that tests a name in
// a negated condition still selects the name.
// Thread-safety: build once (Collect), then const Wants from any thread.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"

namespace harrier {

class Regex;

class RuleSelection {
 public:
  RuleSelection();
  ~RuleSelection();
  RuleSelection(RuleSelection&&) noexcept;
  RuleSelection& operator=(RuleSelection&&) noexcept;

  // Adds what one YARA source tests. A regex RE2 cannot compile is an info
  // diagnostic (the files it names are then selected only by type).
  void Collect(std::string_view yara_source, std::string_view where, Diagnostics& diag);

  // `name` the file name, `lower_ext` its lowercase extension without the
  // dot ("" if none), `path` the path as matched (any separator).
  bool Wants(std::string_view name, std::string_view lower_ext, std::string_view path) const;

  bool empty() const;
  size_t extensions() const { return extensions_.size(); }
  size_t names() const { return names_.size() + name_parts_.size() + path_parts_.size(); }
  size_t regexes() const { return name_regexes_.size() + path_regexes_.size(); }
  // For `harrier rules check -v` and tests.
  const std::set<std::string>& extension_set() const { return extensions_; }
  const std::set<std::string>& name_set() const { return names_; }

 private:
  std::set<std::string> extensions_;  // lowercase, no dot
  std::set<std::string> names_;       // lowercase exact names
  std::vector<std::string> name_parts_, path_parts_;  // lowercase substrings
  std::vector<std::unique_ptr<Regex>> name_regexes_, path_regexes_;
};

}  // namespace harrier
