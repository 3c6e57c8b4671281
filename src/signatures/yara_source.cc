#include "signatures/yara_source.h"

#include <charconv>
#include <limits>
#include <unordered_map>

#include <fmt/format.h>

namespace harrier {
namespace {

bool IsIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

Status ErrorAt(std::string_view src, size_t pos, std::string_view what) {
  size_t line = 1;
  for (size_t i = 0; i < pos && i < src.size(); ++i) line += src[i] == '\n';
  return Status::InvalidArgument(fmt::format("line {}: {}", line, what));
}

// From the opening delimiter at src[b] to one past the matching closing one,
// skipping backslash escapes; a newline or the end of input first is an error.
Result<size_t> SkipDelimited(std::string_view src, size_t b, std::string_view what) {
  const char delim = src[b];
  size_t i = b + 1;
  while (i < src.size() && src[i] != delim) {
    if (src[i] == '\\') ++i;
    if (i < src.size() && src[i] == '\n') break;
    ++i;
  }
  if (i >= src.size() || src[i] != delim)
    return ErrorAt(src, b, fmt::format("unterminated {}", what));
  return i + 1;
}

}  // namespace

Result<std::vector<YaraToken>> TokenizeYara(std::string_view src) {
  if (src.size() > 0xffffffffULL) return Status::InvalidArgument("rule source over 4 GiB");
  std::vector<YaraToken> out;
  size_t i = 0;
  const size_t n = src.size();
  auto push = [&](YaraTok k, size_t b, size_t e) {
    out.push_back({k, static_cast<uint32_t>(b), static_cast<uint32_t>(e), src.substr(b, e - b)});
  };
  auto prev_is = [&](std::string_view t) {
    return !out.empty() && out.back().kind == YaraTok::kPunct && out.back().text == t;
  };
  while (i < n) {
    char c = src[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    size_t b = i;
    if (c == '/' && i + 1 < n && src[i + 1] == '/') {
      while (i < n && src[i] != '\n') ++i;
      continue;
    }
    if (c == '/' && i + 1 < n && src[i + 1] == '*') {
      size_t e = src.find("*/", i + 2);
      if (e == std::string_view::npos) return ErrorAt(src, b, "unterminated comment");
      i = e + 2;
      continue;
    }
    if (c == '"' || c == '/') {  // YARA divides with '\': a '/' always opens a regex
      auto end = SkipDelimited(src, b, c == '"' ? "string" : "regular expression");
      if (!end.ok()) return end.status();
      i = *end;
      if (c == '/')
        while (i < n && (src[i] == 'i' || src[i] == 's')) ++i;  // flags
      push(c == '"' ? YaraTok::kText : YaraTok::kRegex, b, i);
      continue;
    }
    if (c == '{' && prev_is("=")) {  // hex string
      ++i;
      while (i < n && src[i] != '}') {
        if (src[i] == '/' && i + 1 < n && src[i + 1] == '*') {
          size_t e = src.find("*/", i + 2);
          if (e == std::string_view::npos) return ErrorAt(src, b, "unterminated comment");
          i = e + 2;
          continue;
        }
        if (src[i] == '/' && i + 1 < n && src[i + 1] == '/') {
          while (i < n && src[i] != '\n') ++i;
          continue;
        }
        ++i;
      }
      if (i >= n) return ErrorAt(src, b, "unterminated hex string");
      ++i;
      push(YaraTok::kHex, b, i);
      continue;
    }
    if (IsIdentStart(c)) {
      while (i < n && IsIdentChar(src[i])) ++i;
      push(YaraTok::kIdent, b, i);
      continue;
    }
    if (IsDigit(c)) {
      if (c == '0' && i + 1 < n && (src[i + 1] == 'x' || src[i + 1] == 'o')) i += 2;
      while (i < n && IsIdentChar(src[i])) ++i;  // digits, hex digits, KB/MB
      if (i + 1 < n && src[i] == '.' && IsDigit(src[i + 1])) {
        ++i;
        while (i < n && IsIdentChar(src[i])) ++i;
      }
      push(YaraTok::kNumber, b, i);
      continue;
    }
    if (c == '$' || c == '#' || c == '@' || (c == '!' && i + 1 < n && (IsIdentChar(src[i + 1])))) {
      ++i;
      while (i < n && IsIdentChar(src[i])) ++i;
      if (c == '$' && i < n && src[i] == '*') ++i;  // $a* in string sets
      YaraTok k = c == '$' ? YaraTok::kStringId
                  : c == '#' ? YaraTok::kCountId
                  : c == '@' ? YaraTok::kOffsetId
                             : YaraTok::kLengthId;
      push(k, b, i);
      continue;
    }
    static constexpr std::string_view kTwo[] = {"==", "!=", "<=", ">=", "<<", ">>", ".."};
    bool two = false;
    for (auto t : kTwo) {
      if (src.substr(i, 2) == t) {
        i += 2;
        two = true;
        break;
      }
    }
    if (!two) {
      if (static_cast<unsigned char>(c) < 0x21 || static_cast<unsigned char>(c) > 0x7e)
        return ErrorAt(src, b, "unexpected byte");
      ++i;
    }
    push(YaraTok::kPunct, b, i);
  }
  return out;
}

Result<YaraSplit> SplitYara(std::string_view src) {
  auto toks = TokenizeYara(src);
  if (!toks.ok()) return toks.status();
  YaraSplit out;
  out.tokens = std::move(*toks);
  const auto& t = out.tokens;
  const size_t n = t.size();
  auto is_ident = [&](size_t k, std::string_view s) {
    return k < n && t[k].kind == YaraTok::kIdent && t[k].text == s;
  };
  auto is_punct = [&](size_t k, std::string_view s) {
    return k < n && t[k].kind == YaraTok::kPunct && t[k].text == s;
  };
  size_t k = 0;
  while (k < n) {
    if (is_ident(k, "import")) {
      if (k + 1 >= n || t[k + 1].kind != YaraTok::kText)
        return ErrorAt(src, t[k].begin, "import without a module name");
      auto q = t[k + 1].text;
      out.imports.emplace_back(q.substr(1, q.size() - 2));
      k += 2;
      continue;
    }
    if (is_ident(k, "include")) return ErrorAt(src, t[k].begin, "include is not split");
    YaraRuleSpan r;
    r.begin = t[k].begin;
    while (is_ident(k, "global") || is_ident(k, "private")) {
      if (t[k].text == "global") r.is_global = true;
      else r.is_private = true;
      ++k;
    }
    if (!is_ident(k, "rule")) return ErrorAt(src, k < n ? t[k].begin : src.size(), "expected a rule");
    ++k;
    if (k >= n || t[k].kind != YaraTok::kIdent) return ErrorAt(src, t[k - 1].begin, "rule without a name");
    r.name = std::string(t[k].text);
    ++k;
    if (is_punct(k, ":")) {  // tags
      ++k;
      while (k < n && t[k].kind == YaraTok::kIdent) ++k;
    }
    if (!is_punct(k, "{")) return ErrorAt(src, t[k - 1].begin, "expected '{' after the rule name");
    ++k;
    // Body: sections until "condition" ':'; the condition runs to the
    // first '}' (conditions contain no braces; hex strings are one token).
    bool found = false;
    for (; k < n; ++k) {
      if (is_ident(k, "condition") && is_punct(k + 1, ":")) {
        found = true;
        k += 2;
        break;
      }
      if (is_punct(k, "}")) break;
    }
    if (!found) return ErrorAt(src, r.begin, fmt::format("rule {} has no condition", r.name));
    r.cond_tok_begin = static_cast<uint32_t>(k);
    r.cond_begin = k < n ? t[k].begin : static_cast<uint32_t>(src.size());
    while (k < n && !is_punct(k, "}")) {
      if (is_punct(k, "{")) return ErrorAt(src, t[k].begin, "unexpected '{' in a condition");
      ++k;
    }
    if (k >= n) return ErrorAt(src, r.begin, fmt::format("rule {} is not closed", r.name));
    r.cond_tok_end = static_cast<uint32_t>(k);
    r.cond_end = t[k].begin;
    r.end = t[k].end;
    if (r.cond_tok_begin == r.cond_tok_end)
      return ErrorAt(src, r.begin, fmt::format("rule {} has an empty condition", r.name));
    ++k;
    out.rules.push_back(std::move(r));
  }
  return out;
}

namespace {

class ConditionReader {
 public:
  explicit ConditionReader(const std::vector<YaraToken>& t) : t_(t) {}

  bool MatchParens(uint32_t b, uint32_t e) {
    std::vector<uint32_t> stack;
    for (uint32_t k = b; k < e; ++k) {
      if (IsPunct(k, "(")) stack.push_back(k);
      else if (IsPunct(k, ")")) {
        if (stack.empty()) return false;
        match_[stack.back()] = k;
        stack.pop_back();
      }
    }
    return stack.empty();
  }

  int Read(uint32_t b, uint32_t e, int depth) {
    while (e - b >= 2 && IsPunct(b, "(") && match_[b] == e - 1) {
      ++b;
      --e;
    }
    YaraCondNode node;
    node.tb = b;
    node.te = e;
    if (depth < kMaxDepth && e > b) {
      for (std::string_view op : {"or", "and"}) {
        std::vector<uint32_t> cuts;
        for (uint32_t k = b; k < e; ++k) {
          if (IsPunct(k, "(")) k = match_[k];
          else if (t_[k].kind == YaraTok::kIdent && t_[k].text == op) cuts.push_back(k);
        }
        if (cuts.empty()) continue;
        node.kind = op == "or" ? YaraCondNode::kOr : YaraCondNode::kAnd;
        uint32_t start = b;
        cuts.push_back(e);
        for (uint32_t c : cuts) {
          if (c == start) {  // an empty operand
            YaraCondNode bad;
            bad.tb = b;
            bad.te = e;
            bad.malformed = true;
            return Add(std::move(bad));
          }
          node.kids.push_back(Read(start, c, depth + 1));
          start = c + 1;
        }
        return Add(std::move(node));
      }
    }
    return Add(std::move(node));
  }

  YaraCondTree tree;

 private:
  static constexpr int kMaxDepth = 64;
  bool IsPunct(uint32_t k, std::string_view s) const {
    return t_[k].kind == YaraTok::kPunct && t_[k].text == s;
  }
  int Add(YaraCondNode n) {
    tree.nodes.push_back(std::move(n));
    return static_cast<int>(tree.nodes.size() - 1);
  }

  const std::vector<YaraToken>& t_;
  std::unordered_map<uint32_t, uint32_t> match_;
};

}  // namespace

bool ParseYaraNumber(std::string_view s, uint64_t* out) {
  uint64_t mult = 1;
  if (s.size() > 2 && (s.ends_with("KB") || s.ends_with("MB"))) {
    mult = s.ends_with("KB") ? 1024 : 1024 * 1024;
    s.remove_suffix(2);
  }
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
    base = s[1] == 'x' ? 16 : 8;
    s.remove_prefix(2);
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return false;
  if (v > std::numeric_limits<uint64_t>::max() / mult) return false;
  *out = v * mult;
  return true;
}

std::optional<YaraCondTree> ReadYaraCondition(const std::vector<YaraToken>& tokens, uint32_t b,
                                              uint32_t e) {
  ConditionReader r(tokens);
  if (!r.MatchParens(b, e)) return std::nullopt;
  r.tree.root = r.Read(b, e, 0);
  return std::move(r.tree);
}

}  // namespace harrier
