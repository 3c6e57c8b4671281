#include "signatures/rule_selection.h"

#include <algorithm>

#include <fmt/format.h>
#include <re2/re2.h>

#include "signatures/regex_set.h"

namespace harrier {
namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

// YARA string literal escapes that matter in names: \\ and \".
std::string Unescape(std::string_view s) {
  std::string o;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    o += s[i];
  }
  return o;
}

}  // namespace

RuleSelection::RuleSelection() = default;
RuleSelection::~RuleSelection() = default;
RuleSelection::RuleSelection(RuleSelection&&) noexcept = default;
RuleSelection& RuleSelection::operator=(RuleSelection&&) noexcept = default;

bool RuleSelection::empty() const {
  return extensions_.empty() && names_.empty() && name_parts_.empty() && path_parts_.empty() &&
         name_regexes_.empty() && path_regexes_.empty();
}

void RuleSelection::Collect(std::string_view src, std::string_view where, Diagnostics& diag) {
  // Cheap gate: most rule files test no external at all.
  if (src.find("filename") == std::string_view::npos &&
      src.find("extension") == std::string_view::npos &&
      src.find("filepath") == std::string_view::npos)
    return;
  static const RE2 kCompare(
      R"re(\b(filename|filepath|extension)\s*(==|iequals|contains|icontains|startswith|istartswith|endswith|iendswith)\s*"((?:[^"\\]|\\.)*)")re");
  static const RE2 kMatches(R"re(\b(filename|filepath|extension)\s+matches\s+/((?:[^/\\\n]|\\.)*)/([is]*))re");
  re2::StringPiece in(src.data(), src.size());
  std::string var, op, value;
  while (RE2::FindAndConsume(&in, kCompare, &var, &op, &value)) {
    std::string v = Lower(Unescape(value));
    if (v.empty()) continue;
    if (var == "extension") {
      if (v.front() == '.') v.erase(0, 1);
      if (!v.empty() && v.find('.') == std::string::npos) extensions_.insert(v);
      else if (!v.empty()) name_parts_.push_back("." + v);
    } else if (var == "filename") {
      if (op == "==" || op == "iequals") names_.insert(v);
      else name_parts_.push_back(v);
    } else {
      path_parts_.push_back(v);
    }
  }
  in = re2::StringPiece(src.data(), src.size());
  std::string re, flags;
  while (RE2::FindAndConsume(&in, kMatches, &var, &re, &flags)) {
    std::string pattern = (flags.find('i') != std::string::npos ? "(?i)" : "") + re;
    auto r = Regex::Compile(pattern);
    if (!r.ok()) {
      diag.Info(std::string(where), fmt::format("{} regex not used for the file selection: {}", var,
                                   r.status().message()));
      continue;
    }
    (var == "filepath" ? path_regexes_ : name_regexes_).push_back(std::move(*r));
  }
  std::sort(name_parts_.begin(), name_parts_.end());
  name_parts_.erase(std::unique(name_parts_.begin(), name_parts_.end()), name_parts_.end());
  std::sort(path_parts_.begin(), path_parts_.end());
  path_parts_.erase(std::unique(path_parts_.begin(), path_parts_.end()), path_parts_.end());
}

bool RuleSelection::Wants(std::string_view name, std::string_view lower_ext,
                          std::string_view path) const {
  if (!lower_ext.empty() && extensions_.count(std::string(lower_ext))) return true;
  std::string lname = Lower(name);
  if (names_.count(lname)) return true;
  for (const auto& p : name_parts_)
    if (lname.find(p) != std::string::npos) return true;
  if (!path_parts_.empty()) {
    std::string lpath = Lower(path);
    for (const auto& p : path_parts_)
      if (lpath.find(p) != std::string::npos) return true;
  }
  for (const auto& r : name_regexes_)
    if (r->PartialMatch(name)) return true;
  for (const auto& r : path_regexes_)
    if (r->PartialMatch(path)) return true;
  return false;
}

}  // namespace harrier
