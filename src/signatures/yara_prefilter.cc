#include "signatures/yara_prefilter.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <optional>
#include <unordered_set>

#include "signatures/yara_source.h"

namespace harrier {
namespace {

class RuleReader {
 public:
  RuleReader(const YaraSplit& s, const YaraRuleSpan& r, size_t min_literal)
      : t_(s.tokens), r_(r), min_(min_literal) {}

  // One string of the rule: its identifier and, when it is a literal, the
  // folded forms searched for it (empty: not a literal).
  struct Str {
    std::string_view id;
    std::vector<std::string> forms;
  };
  // Reads the strings section; false when the splitter's tokens do not
  // look like one (the rule is then left alone).
  bool ReadStrings() {
    auto first = std::lower_bound(t_.begin(), t_.end(), r_.begin,
                                  [](const YaraToken& t, uint32_t off) { return t.begin < off; });
    uint32_t b = static_cast<uint32_t>(first - t_.begin());
    uint32_t e = r_.cond_tok_begin >= 2 ? r_.cond_tok_begin - 2 : b;  // at "condition"
    uint32_t k = b;
    while (k + 1 < e && !(IsIdent(k, "strings") && IsPunct(k + 1, ":"))) ++k;
    if (k + 1 >= e) return false;  // no strings
    k += 2;
    while (k < e) {
      if (t_[k].kind != YaraTok::kStringId || k + 2 >= e || !IsPunct(k + 1, "=")) return false;
      Str str;
      str.id = t_[k].text;
      const YaraToken& v = t_[k + 2];
      k += 3;
      bool wide = false, ascii = false, literal = true;
      while (k < e && (t_[k].kind == YaraTok::kIdent || IsPunct(k, "(") || IsPunct(k, ")") ||
                       IsPunct(k, "-") || IsPunct(k, ",") || t_[k].kind == YaraTok::kNumber ||
                       t_[k].kind == YaraTok::kText)) {
        if (t_[k].kind == YaraTok::kIdent) {
          std::string_view m = t_[k].text;
          if (m == "wide") wide = true;
          else if (m == "ascii") ascii = true;
          else if (m != "nocase" && m != "fullword" && m != "private") literal = false;  // xor, base64
        }
        ++k;
      }
      std::string bytes;
      if (v.kind == YaraTok::kText) literal = literal && DecodeText(v.text, &bytes);
      else if (v.kind == YaraTok::kHex) literal = literal && !wide && !ascii && HexFixedRun(v.text, &bytes);
      else if (v.kind == YaraTok::kRegex) {
        literal = false;
        slow_ = slow_ || UnboundedRepeat(v.text);
      }
      else return false;
      if (literal) {
        if (!wide || ascii) str.forms.push_back(bytes);
        if (wide) {
          std::string w;
          for (char c : bytes) {
            w.push_back(c);
            w.push_back('\0');
          }
          str.forms.push_back(std::move(w));
        }
        for (auto& f : str.forms) {
          if (f.size() < min_) literal = false;
          for (char& c : f) c = static_cast<char>(FoldAscii(static_cast<uint8_t>(c)));
        }
        if (!literal) str.forms.clear();
      }
      strs_.push_back(std::move(str));
    }
    return !strs_.empty();
  }

  // Some string is a regular expression that repeats a class, `.`, an
  // escape class or a group without bound (`[^\x0d]*`, `.+`, `\s{2,}`):
  // libyara's verification of such a string at an atom hit can run to the
  // end of the file, at every hit.
  bool Slow() const { return slow_; }

  // The literals of a set of strings the condition needs one match of, or
  // false when there is no such set of literal strings.
  bool GateLiterals(std::vector<std::string>* out) const {
    auto tree = ReadYaraCondition(t_, r_.cond_tok_begin, r_.cond_tok_end);
    if (!tree) return false;
    auto need = Needs(*tree, tree->root);
    if (!need || need->empty()) return false;
    for (size_t i : *need) {
      if (strs_[i].forms.empty()) return false;
      for (const auto& f : strs_[i].forms) out->push_back(f);
    }
    return true;
  }

 private:
  bool IsPunct(uint32_t k, std::string_view s) const {
    return t_[k].kind == YaraTok::kPunct && t_[k].text == s;
  }
  bool IsIdent(uint32_t k, std::string_view s) const {
    return t_[k].kind == YaraTok::kIdent && t_[k].text == s;
  }
  static bool DecodeText(std::string_view tok, std::string* out) {
    if (tok.size() < 2) return false;
    std::string_view s = tok.substr(1, tok.size() - 2);
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] != '\\') {
        out->push_back(s[i]);
        continue;
      }
      if (++i >= s.size()) return false;
      switch (s[i]) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case 't': out->push_back('\t'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 'x': {
          if (i + 2 >= s.size()) return false;
          std::string h(s.substr(i + 1, 2));
          if (!std::isxdigit(static_cast<unsigned char>(h[0])) ||
              !std::isxdigit(static_cast<unsigned char>(h[1])))
            return false;
          out->push_back(static_cast<char>(std::stoi(h, nullptr, 16)));
          i += 2;
          break;
        }
        default: return false;
      }
    }
    return true;
  }
  static bool UnboundedRepeat(std::string_view re) {
    bool repeatable = false;  // the previous item is a class, '.', \s-like or ')'
    bool in_class = false;
    for (size_t i = 0; i < re.size(); ++i) {
      char c = re[i];
      if (c == '\\' && i + 1 < re.size()) {
        char e = re[++i];
        if (!in_class) repeatable = std::strchr("sSwWdD", e) != nullptr;
        continue;
      }
      if (in_class) {
        if (c == ']') {
          in_class = false;
          repeatable = true;
        }
        continue;
      }
      if (c == '[') {
        in_class = true;
        continue;
      }
      if (repeatable && (c == '*' || c == '+')) return true;
      if (repeatable && c == '{') {
        size_t j = i + 1;
        while (j < re.size() && std::isdigit(static_cast<unsigned char>(re[j]))) ++j;
        if (j > i + 1 && j + 1 < re.size() && re[j] == ',' && re[j + 1] == '}') return true;
      }
      repeatable = c == '.' || c == ')';
    }
    return false;
  }
  // The longest run of plain bytes of a hex string outside alternatives
  // (`( .. | .. )`): wherever the string matches, that run occurs. The whole
  // string for a plain one. False for what is not understood (comments).
  static bool HexFixedRun(std::string_view tok, std::string* out) {
    std::string run;
    int depth = 0;
    auto end_run = [&] {
      if (run.size() > out->size()) *out = run;
      run.clear();
    };
    auto nibble = [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : std::tolower(c) - 'a' + 10;
    };
    for (size_t i = 0; i < tok.size(); ++i) {
      char c = tok[i];
      if (c == '{' || c == '}' || c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
      if (c == '(' || c == ')' || c == '|') {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        end_run();
        continue;
      }
      if (c == '[') {  // jump
        size_t j = tok.find(']', i);
        if (j == std::string_view::npos) return false;
        i = j;
        end_run();
        continue;
      }
      if (c == '~') {  // negated byte: one unknown byte
        end_run();
        i += 2;
        continue;
      }
      if (i + 1 >= tok.size()) return false;
      char d = tok[++i];
      bool hex_c = std::isxdigit(static_cast<unsigned char>(c));
      bool hex_d = std::isxdigit(static_cast<unsigned char>(d));
      if (hex_c && hex_d && depth == 0) {
        run.push_back(static_cast<char>(nibble(c) * 16 + nibble(d)));
      } else if ((hex_c || c == '?') && (hex_d || d == '?')) {
        end_run();  // a wildcard, or a byte inside an alternative
      } else {
        return false;  // a comment, or something else not understood
      }
    }
    end_run();
    return depth == 0;
  }

  using Need = std::optional<std::vector<size_t>>;  // string indices; nullopt: none

  // The strings of which the condition node needs at least one match to be
  // true (a superset is fine), or nullopt when it can be true without any:
  // `or` needs the union of its operands' sets (each operand needs one),
  // `and` the set of one operand.
  Need Needs(const YaraCondTree& tree, int idx) const {
    const YaraCondNode& n = tree.nodes[idx];
    if (n.kind == YaraCondNode::kLeaf) return n.malformed ? std::nullopt : Leaf(n.tb, n.te);
    if (n.kind == YaraCondNode::kOr) {
      std::vector<size_t> all;
      for (int k : n.kids) {
        auto need = Needs(tree, k);
        if (!need) return std::nullopt;
        all.insert(all.end(), need->begin(), need->end());
      }
      return all;
    }
    // Any operand's set will do: the all-literal one whose shortest literal
    // is the longest (the rarest gate), else any.
    Need best;
    size_t best_len = 0;
    for (int k : n.kids) {
      auto need = Needs(tree, k);
      if (!need) continue;
      size_t len = AllLiteral(*need) ? ShortestLiteral(*need) : 0;
      if (!best || len > best_len) {
        best = std::move(need);
        best_len = len;
      }
    }
    return best;
  }
  size_t ShortestLiteral(const std::vector<size_t>& v) const {
    size_t m = SIZE_MAX;
    for (size_t i : v)
      for (const auto& f : strs_[i].forms) m = std::min(m, f.size());
    return m;
  }
  bool AllLiteral(const std::vector<size_t>& v) const {
    for (size_t i : v)
      if (strs_[i].forms.empty()) return false;
    return !v.empty();
  }
  // Indices of the strings an identifier names: "$a" exactly, "$a*" by
  // prefix, "$*" all.
  std::vector<size_t> Named(std::string_view id) const {
    std::vector<size_t> v;
    bool prefix = !id.empty() && id.back() == '*';
    if (prefix) id.remove_suffix(1);
    for (size_t i = 0; i < strs_.size(); ++i)
      if (prefix ? strs_[i].id.substr(0, id.size()) == id : strs_[i].id == id) v.push_back(i);
    return v;
  }
  Need Leaf(uint32_t b, uint32_t e) const {
    uint32_t n = e - b;
    const YaraToken& f = t_[b];
    if (f.kind == YaraTok::kStringId && f.text != "$" && f.text.back() != '*') {
      // $a, $a at X, $a in (X..Y)
      if (n == 1 || (n >= 3 && (IsIdent(b + 1, "at") || IsIdent(b + 1, "in")))) {
        auto v = Named(f.text);
        if (v.size() == 1) return v;
      }
      return std::nullopt;
    }
    if (f.kind == YaraTok::kCountId && n == 3 && t_[b + 2].kind == YaraTok::kNumber) {
      uint64_t v;
      if (!ParseYaraNumber(t_[b + 2].text, &v)) return std::nullopt;
      bool needs = IsPunct(b + 1, ">") || ((IsPunct(b + 1, ">=") || IsPunct(b + 1, "==")) && v >= 1);
      if (!needs) return std::nullopt;
      auto s = Named("$" + std::string(f.text.substr(1)));
      if (s.size() == 1) return s;
      return std::nullopt;
    }
    // any|all|N of them|( $a, $b* )
    if (n >= 3 && IsIdent(b + 1, "of")) {
      uint64_t v = 0;
      bool all = IsIdent(b, "all");
      bool quant = all || IsIdent(b, "any") ||
                   (f.kind == YaraTok::kNumber && ParseYaraNumber(f.text, &v) && v >= 1);
      if (!quant) return std::nullopt;
      std::vector<size_t> set;
      if (n == 3) {
        if (!IsIdent(b + 2, "them")) return std::nullopt;
        for (size_t i = 0; i < strs_.size(); ++i) set.push_back(i);
      } else {
        if (!IsPunct(b + 2, "(") || !IsPunct(e - 1, ")")) return std::nullopt;
        for (uint32_t k = b + 3; k + 1 < e; ++k) {
          bool id = t_[k].kind == YaraTok::kStringId;
          if ((k - b - 3) % 2 == 0 ? !id : !IsPunct(k, ",")) return std::nullopt;
          if (id) {
            auto named = Named(t_[k].text);
            if (named.empty()) return std::nullopt;
            set.insert(set.end(), named.begin(), named.end());
          }
        }
      }
      if (set.empty()) return std::nullopt;
      if (all) {  // every one is needed: one literal one is enough
        for (size_t i : set)
          if (!strs_[i].forms.empty()) return std::vector<size_t>{i};
      }
      return set;
    }
    return std::nullopt;
  }

  const std::vector<YaraToken>& t_;
  const YaraRuleSpan& r_;
  size_t min_;
  std::vector<Str> strs_;
  bool slow_ = false;
};

}  // namespace

uint8_t FoldAscii(uint8_t c) { return (c >= 'A' && c <= 'Z') ? static_cast<uint8_t>(c + 32) : c; }

std::vector<PrefilterRule> FindPrefilterRules(const std::vector<YaraSource>& sources,
                                              size_t min_literal) {
  min_literal = std::max<size_t>(min_literal, 4);
  std::vector<PrefilterRule> out;
  for (const auto& src : sources) {
    auto split = SplitYara(src.text);
    if (!split.ok()) continue;
    // Identifiers named in any condition (a named rule stays enabled).
    std::unordered_set<std::string_view> named;
    for (const auto& r : split->rules)
      for (uint32_t k = r.cond_tok_begin; k < r.cond_tok_end; ++k)
        if (split->tokens[k].kind == YaraTok::kIdent) named.insert(split->tokens[k].text);
    for (const auto& r : split->rules) {
      if (r.is_global || named.count(r.name)) continue;
      RuleReader rd(*split, r, min_literal);
      PrefilterRule pr;
      if (!rd.ReadStrings() || !rd.GateLiterals(&pr.literals)) continue;
      pr.slow = rd.Slow();
      pr.ns = src.name;
      pr.name = r.name;
      out.push_back(std::move(pr));
    }
  }
  return out;
}

}  // namespace harrier
