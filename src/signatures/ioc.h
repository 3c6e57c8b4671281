// IOC entries and the parsers for the signature-base / LOKI / THOR line
// formats. Parsers take text and a source name (for "file:line" in
// diagnostics); a malformed line is a diagnostic and the rest still loads.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostics.h"

namespace harrier {

// Default sub-scores when a line carries none. Hash IOCs are exact
// identifications, hence 100; C2 indicators found in content score like a
// YARA rule without meta score.
constexpr int kDefaultHashScore = 100;
constexpr int kDefaultC2Score = 75;

struct HashIoc {
  std::string hex;          // lowercase md5 (32), sha1 (40) or sha256 (64)
  int score = kDefaultHashScore;
  std::string description;
  std::string source;       // "file:line"
};

struct FilenameIoc {
  std::string pattern;      // RE2 syntax; matched unanchored against the path
  int score = 0;            // may be negative (lowers the total)
  std::string fp_pattern;   // optional: a match here suppresses the IOC
  std::string description;  // the last "# comment" line before it
  std::string source;
};

struct C2Ioc {
  std::string indicator;    // domain, URL or IP, matched in file content
  int score = kDefaultC2Score;
  std::string description;
  std::string source;
};

// Hash lines:  HASH;DESCRIPTION   or   HASH;SCORE;DESCRIPTION
// (a second field that is not an integer is part of the description, since
// descriptions may contain ';'). Blank lines and '#' comments are skipped.
std::vector<HashIoc> ParseHashIocs(std::string_view text, std::string_view source,
                                   Diagnostics& diag);

// Filename lines:  REGEX;SCORE   or   REGEX;SCORE;FALSE_POSITIVE_REGEX
// A '# comment' line sets the description of the lines that follow it.
// Regex syntax is only checked later, when the set is compiled.
std::vector<FilenameIoc> ParseFilenameIocs(std::string_view text, std::string_view source,
                                           Diagnostics& diag);

// C2 lines:  INDICATOR   or   INDICATOR;SCORE   ('# comment' = description).
std::vector<C2Ioc> ParseC2Iocs(std::string_view text, std::string_view source,
                               Diagnostics& diag);

// Which IOC parser a file name selects (signature-base convention: the file
// name contains the type). "falsepositive" is tested before "hash".
enum class IocKind { kNone, kHash, kFalsePositiveHash, kFilename, kC2 };
IocKind IocKindForFileName(std::string_view file_name);

}  // namespace harrier
