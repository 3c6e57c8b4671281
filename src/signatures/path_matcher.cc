#include "signatures/path_matcher.h"

#include <algorithm>

#include <fmt/format.h>

namespace harrier {

std::string PathMatcher::WindowsForm(std::string_view pattern) {
  return "(?i)" + std::string(pattern);
}

unsigned PathMatcher::FormsFor(std::string_view pattern) {
  bool win = pattern.find("\\\\") != std::string_view::npos;
  bool unix_sep = pattern.find('/') != std::string_view::npos;
  if (win && unix_sep) return kUnix | kWindows;
  if (win) return kWindows;
  return kUnix;
}

void PathMatcher::Add(std::vector<FilenameIoc> iocs, Diagnostics& diag) {
  for (auto& ioc : iocs) {
    std::unique_ptr<Regex> fp;
    if (!ioc.fp_pattern.empty()) {
      auto r = Regex::Compile(ioc.fp_pattern);
      if (!r.ok()) {
        diag.Error(ioc.source, fmt::format("bad false-positive regex: {}", r.status().message()));
        continue;
      }
      fp = std::move(*r);
    }
    unsigned forms = FormsFor(ioc.pattern);
    int id = static_cast<int>(iocs_.size());
    bool ok = true;
    std::unique_ptr<Regex> fp_win;
    if ((forms & kWindows) && !ioc.fp_pattern.empty()) {
      auto r = Regex::Compile(WindowsForm(ioc.fp_pattern));
      if (r.ok()) fp_win = std::move(*r);
    }
    if (forms & kWindows) {
      auto r = win_set_.Add(WindowsForm(ioc.pattern));
      if (r.ok()) win_ids_.push_back(id);
      else ok = false, diag.Error(ioc.source, fmt::format("bad regex: {}", r.status().message()));
    }
    if (ok && (forms & kUnix)) {
      auto r = unix_set_.Add(ioc.pattern);
      if (r.ok()) unix_ids_.push_back(id);
      else ok = false, diag.Error(ioc.source, fmt::format("bad regex: {}", r.status().message()));
    }
    if (!ok) {
      // A Windows+Unix pattern that failed in the second set must not stay
      // half-registered: RE2 accepts/rejects identically in both, so this
      // only happens when the first Add failed too.
      continue;
    }
    iocs_.push_back(std::move(ioc));
    fp_.push_back(std::move(fp));
    fp_win_.push_back(std::move(fp_win));
  }
}

Status PathMatcher::Compile() {
  Status s = win_set_.Compile();
  if (!s.ok()) return s;
  return unix_set_.Compile();
}

std::vector<const FilenameIoc*> PathMatcher::Resolve(const std::vector<int>& win_hits,
                                                     const std::vector<int>& unix_hits,
                                                     std::string_view unix_form,
                                                     std::string_view windows_form) const {
  std::vector<std::pair<int, bool>> ids;  // IOC id, matched on windows form
  for (int h : win_hits) ids.emplace_back(win_ids_[h], true);
  for (int h : unix_hits) ids.emplace_back(unix_ids_[h], false);
  std::sort(ids.begin(), ids.end());
  std::vector<const FilenameIoc*> out;
  int last = -1;
  for (auto [id, on_win] : ids) {
    if (id == last) continue;
    const Regex* fp = on_win && fp_win_[id] ? fp_win_[id].get() : fp_[id].get();
    if (fp != nullptr && fp->PartialMatch(on_win ? windows_form : unix_form)) continue;
    last = id;
    out.push_back(&iocs_[id]);
  }
  return out;
}

std::vector<const FilenameIoc*> PathMatcher::Match(std::string_view unix_form,
                                                   std::string_view windows_form) const {
  std::vector<int> w, u;
  win_set_.Match(windows_form, &w);
  unix_set_.Match(unix_form, &u);
  return Resolve(w, u, unix_form, windows_form);
}

std::vector<const FilenameIoc*> PathMatcher::MatchSlow(std::string_view unix_form,
                                                       std::string_view windows_form) const {
  std::vector<int> w, u;
  win_set_.MatchSlow(windows_form, &w);
  unix_set_.MatchSlow(unix_form, &u);
  return Resolve(w, u, unix_form, windows_form);
}

}  // namespace harrier
