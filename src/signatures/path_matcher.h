// PathMatcher: filename/path IOCs compiled into regex sets, matched once per
// file against the path in the separator form each pattern is written for.
//
// The separator rule (docs/signatures.md): signature-base patterns are
// written for Windows (`\\usbclass\.sys`) or for Unix (`/tmp/...`).
//  * a pattern containing an escaped backslash `\\` is a Windows pattern and
//    is matched against the Windows form of the path (every '/' -> '\');
//  * otherwise it is matched against the Unix form (the native path on Linux);
//  * a pattern with both `\\` and '/' is tried against both forms.
//  * Windows paths are case-insensitive, so every pattern is matched
//    against the Windows form case-insensitively (compiled with (?i)), and
//    so is its false-positive pattern; the Unix form keeps the pattern's own
//    case rule. `C:\\Windows\\system32\\x` thus matches the image path
//    Windows/System32/x mapped to C:\Windows\System32\x, and
//    `\\System32\\` matches windows/system32 (see docs/scanning.md).
// The forms themselves (and volume-root mapping such as "C:\" for a mounted
// Windows image) are computed by the caller (scan/path_forms.h).
// Thread-safety: Match() is const and safe from many threads.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"
#include "signatures/ioc.h"
#include "signatures/regex_set.h"

namespace harrier {

class PathMatcher {
 public:
  // Adds IOCs; a pattern RE2 rejects is a diagnostic at its file:line.
  void Add(std::vector<FilenameIoc> iocs, Diagnostics& diag);
  Status Compile();

  // The IOCs that match (after false-positive patterns), each once.
  std::vector<const FilenameIoc*> Match(std::string_view unix_form,
                                        std::string_view windows_form) const;
  // Reference twin: loops over single regexes.
  std::vector<const FilenameIoc*> MatchSlow(std::string_view unix_form,
                                            std::string_view windows_form) const;

  size_t size() const { return iocs_.size(); }

  enum Form : unsigned { kUnix = 1, kWindows = 2 };
  static unsigned FormsFor(std::string_view pattern);
  // The pattern as compiled for the Windows form (case-insensitive).
  static std::string WindowsForm(std::string_view pattern);

 private:
  std::vector<const FilenameIoc*> Resolve(const std::vector<int>& win_hits,
                                          const std::vector<int>& unix_hits,
                                          std::string_view unix_form,
                                          std::string_view windows_form) const;
  std::vector<FilenameIoc> iocs_;
  std::vector<std::unique_ptr<Regex>> fp_;   // per IOC, may be null
  std::vector<std::unique_ptr<Regex>> fp_win_;  // per IOC: fp_ compiled for the Windows form
  RegexSet win_set_, unix_set_;
  std::vector<int> win_ids_, unix_ids_;      // set index -> IOC index
};

}  // namespace harrier
