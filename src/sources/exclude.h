// ExcludeMatcher: --exclude patterns and exclude files, compiled into one
// regex set. Pattern forms:
//   re:REGEX     unanchored regex on the full path
//   GLOB         '*' and '?' do not cross '/', '**' does; a glob with a '/'
//                is matched against the whole path, one without against the
//                file or directory name only (like .gitignore)
// An excluded directory is not entered.
// Thread-safety: Matches() is const.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "signatures/regex_set.h"

namespace harrier {

class ExcludeMatcher {
 public:
  Status Add(std::string_view pattern);  // InvalidArgument on a bad regex
  // Reads one pattern per line ('#' comments, blank lines skipped); errors
  // name file:line.
  Status AddFile(const std::string& path);
  Status Compile();
  bool Matches(std::string_view path) const;
  bool empty() const { return path_set_.size() == 0 && name_set_.size() == 0; }

  static std::string GlobToRegex(std::string_view glob);

 private:
  RegexSet path_set_, name_set_;
};

}  // namespace harrier
