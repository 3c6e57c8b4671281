#include <algorithm>
#include <cctype>
#include <charconv>

#include <fmt/format.h>

#include "signatures/ioc.h"

namespace harrier {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Calls fn(line_number, line) for each line (CRLF tolerated), skipping a
// UTF-8 BOM on the first line.
template <typename Fn>
void ForEachLine(std::string_view text, Fn fn) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    fn(line_no, line);
  }
}

bool ParseInt(std::string_view s, int* out) {
  s = Trim(s);
  if (s.empty()) return false;
  int v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  *out = v;
  return true;
}

bool IsHex(std::string_view s) {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

std::string Where(std::string_view source, size_t line) { return fmt::format("{}:{}", source, line); }

std::string_view CommentText(std::string_view line) {
  line.remove_prefix(1);
  return Trim(line);
}

// LOKI convention for filename and C2 lists: calls fn(line_number, line,
// description) for each trimmed non-blank entry, where description is the
// text of the last non-empty '# comment' line above it.
template <typename Fn>
void ForEachDescribedEntry(std::string_view text, Fn fn) {
  std::string description;
  ForEachLine(text, [&](size_t n, std::string_view raw) {
    std::string_view line = Trim(raw);
    if (line.empty()) return;
    if (line[0] == '#') {
      std::string_view c = CommentText(line);
      if (!c.empty()) description = std::string(c);
      return;
    }
    fn(n, line, description);
  });
}

}  // namespace

std::vector<HashIoc> ParseHashIocs(std::string_view text, std::string_view source,
                                   Diagnostics& diag) {
  std::vector<HashIoc> out;
  ForEachLine(text, [&](size_t n, std::string_view raw) {
    std::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#') return;
    size_t semi = line.find(';');
    std::string_view hash = Trim(line.substr(0, semi));
    if (!IsHex(hash) || (hash.size() != 32 && hash.size() != 40 && hash.size() != 64)) {
      diag.Error(Where(source, n), fmt::format("not an MD5/SHA1/SHA256 hex hash: '{}'",
                                               std::string(hash.substr(0, 80))));
      return;
    }
    HashIoc ioc;
    ioc.hex.resize(hash.size());
    std::transform(hash.begin(), hash.end(), ioc.hex.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    ioc.source = Where(source, n);
    if (semi != std::string_view::npos) {
      std::string_view rest = line.substr(semi + 1);
      size_t semi2 = rest.find(';');
      int score = 0;
      if (semi2 != std::string_view::npos && ParseInt(rest.substr(0, semi2), &score)) {
        ioc.score = score;
        ioc.description = std::string(Trim(rest.substr(semi2 + 1)));
      } else {
        ioc.description = std::string(Trim(rest));
      }
    }
    out.push_back(std::move(ioc));
  });
  return out;
}

std::vector<FilenameIoc> ParseFilenameIocs(std::string_view text, std::string_view source,
                                           Diagnostics& diag) {
  std::vector<FilenameIoc> out;
  ForEachDescribedEntry(text, [&](size_t n, std::string_view line, const std::string& description) {
    // The regex may itself contain ';' only in theory; the format splits on
    // the first ';' followed by an integer score.
    size_t semi = line.find(';');
    while (semi != std::string_view::npos) {
      std::string_view after = line.substr(semi + 1);
      size_t end = after.find(';');
      int score;
      if (ParseInt(after.substr(0, end), &score)) {
        FilenameIoc ioc;
        ioc.pattern = std::string(line.substr(0, semi));
        ioc.score = score;
        if (end != std::string_view::npos) ioc.fp_pattern = std::string(Trim(after.substr(end + 1)));
        ioc.description = description;
        ioc.source = Where(source, n);
        if (ioc.pattern.empty()) break;
        out.push_back(std::move(ioc));
        return;
      }
      semi = line.find(';', semi + 1);
    }
    diag.Error(Where(source, n), "filename IOC needs 'REGEX;SCORE[;FP_REGEX]'");
  });
  return out;
}

std::vector<C2Ioc> ParseC2Iocs(std::string_view text, std::string_view source,
                               Diagnostics& diag) {
  std::vector<C2Ioc> out;
  ForEachDescribedEntry(text, [&](size_t n, std::string_view line, const std::string& description) {
    C2Ioc ioc;
    size_t semi = line.find(';');
    std::string_view ind = Trim(line.substr(0, semi));
    if (semi != std::string_view::npos) {
      int score;
      std::string_view rest = line.substr(semi + 1);
      std::string_view first = rest.substr(0, rest.find(';'));
      if (ParseInt(first, &score)) {
        ioc.score = score;
      } else if (!Trim(first).empty()) {
        diag.Error(Where(source, n), fmt::format("C2 IOC score is not an integer: '{}'",
                                                 std::string(Trim(first).substr(0, 40))));
        return;
      }
    }
    bool printable = !ind.empty() && ind.size() <= 2048 &&
                     std::all_of(ind.begin(), ind.end(), [](char c) {
                       return static_cast<unsigned char>(c) > 0x20 && c != 0x7f;
                     });
    if (!printable || ind.size() < 4) {
      diag.Error(Where(source, n), "C2 IOC must be a printable indicator of 4+ characters");
      return;
    }
    ioc.indicator = std::string(ind);
    ioc.description = description;
    ioc.source = Where(source, n);
    out.push_back(std::move(ioc));
  });
  return out;
}

IocKind IocKindForFileName(std::string_view file_name) {
  std::string lower(file_name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  if (lower.ends_with(".md") || lower.starts_with("readme")) return IocKind::kNone;
  if (lower.find("falsepositive") != std::string::npos ||
      lower.find("false-positive") != std::string::npos ||
      lower.find("false_positive") != std::string::npos ||
      lower.find("fp-filter") != std::string::npos || lower.find("fp_filter") != std::string::npos)
    return IocKind::kFalsePositiveHash;
  if (lower.find("hash") != std::string::npos) return IocKind::kHash;
  if (lower.find("filename") != std::string::npos) return IocKind::kFilename;
  if (lower.find("c2") != std::string::npos) return IocKind::kC2;
  return IocKind::kNone;
}

}  // namespace harrier
