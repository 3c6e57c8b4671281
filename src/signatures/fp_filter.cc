#include "signatures/fp_filter.h"

#include <algorithm>

#include <fmt/format.h>

#include "signatures/regex_set.h"

namespace harrier {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsHexDigest(std::string_view s) {
  if (s.size() != 32 && s.size() != 40 && s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

}  // namespace

FpFileContent ParseFpFile(std::string_view text, std::string_view source, Diagnostics& diag) {
  FpFileContent out;
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line_no = 0, i = 0;
  while (i < text.size()) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = Trim(text.substr(i, e - i));
    i = e + 1;
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::string where = fmt::format("{}:{}", source, line_no);
    std::string_view first = line.substr(0, line.find(';'));
    if (IsHexDigest(Trim(first))) {
      HashIoc h;
      h.hex = std::string(Trim(first));
      std::transform(h.hex.begin(), h.hex.end(), h.hex.begin(),
                     [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
      if (first.size() < line.size()) h.description = std::string(Trim(line.substr(first.size() + 1)));
      h.source = where;
      out.hashes.push_back(std::move(h));
      continue;
    }
    FpFilterEntry f;
    f.source = where;
    if (line.substr(0, 5) == "rule:") {
      std::string_view rest = line.substr(5);
      size_t sp = rest.find_first_of(" \t");
      if (sp == std::string_view::npos || sp == 0 || Trim(rest.substr(sp)).empty()) {
        diag.Error(where, "per-rule filter needs 'rule:NAME REGEX'");
        continue;
      }
      f.rule = std::string(rest.substr(0, sp));
      f.pattern = std::string(Trim(rest.substr(sp)));
    } else {
      f.pattern = std::string(line);
    }
    out.filters.push_back(std::move(f));
  }
  return out;
}

std::string FindingFilterText(const Finding& f) {
  std::string t = ChainDisplay(f.subject);
  for (const auto& r : f.reasons) t += " " + r.name + ": " + r.description;
  for (const std::string* h : {&f.hashes.md5, &f.hashes.sha1, &f.hashes.sha256})
    if (!h->empty()) t += " " + *h;
  return t;
}

FpFilters::FpFilters() = default;
FpFilters::~FpFilters() = default;
FpFilters::FpFilters(FpFilters&&) noexcept = default;
FpFilters& FpFilters::operator=(FpFilters&&) noexcept = default;

void FpFilters::Add(std::vector<FpFilterEntry> entries, Diagnostics& diag) {
  for (auto& e : entries) {
    auto re = Regex::Compile(e.pattern);
    if (!re.ok()) {
      diag.Error(e.source, fmt::format("false-positive filter does not compile: {}",
                                       re.status().message()));
      continue;
    }
    if (!e.rule.empty()) ++rule_filters_;
    regexes_.push_back(std::move(*re));
    entries_.push_back(std::move(e));
  }
}

const FpFilterEntry* FpFilters::MatchGlobal(std::string_view text) const {
  for (size_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].rule.empty() && regexes_[i]->PartialMatch(text)) return &entries_[i];
  return nullptr;
}

const FpFilterEntry* FpFilters::MatchRule(std::string_view rule, std::string_view text) const {
  for (size_t i = 0; i < entries_.size(); ++i)
    if (!entries_[i].rule.empty() && entries_[i].rule == rule && regexes_[i]->PartialMatch(text))
      return &entries_[i];
  return nullptr;
}

}  // namespace harrier
