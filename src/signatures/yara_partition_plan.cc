#include "signatures/yara_partition_plan.h"

#include <yara.h>

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include <fmt/format.h>

#include "signatures/yara_source.h"

namespace harrier {
namespace {

constexpr uint64_t kNoLimit = std::numeric_limits<uint64_t>::max();

enum class Tri : uint8_t { kFalse, kTrue, kMaybe };

enum class LeafKind : uint8_t { kOpaque, kMagic, kSize, kPeOnly, kRuleRef };

// A node of a condition tree (ReadYaraCondition) with what a leaf decides.
struct Node : YaraCondNode {
  LeafKind leaf = LeafKind::kOpaque;
  // kMagic: bytes at `offset`; kSize: true for sizes in [lo, hi];
  // kPeOnly: probe index; kRuleRef: rule index in the file.
  uint64_t offset = 0;
  std::string bytes;
  uint64_t lo = 0, hi = kNoLimit;
  int index = -1;
};

struct RuleInfo {
  YaraRuleSpan span;
  int root = -1;
  std::vector<int> refs;  // earlier rules of the file named in the condition
};

struct FileInfo {
  const YaraSource* src = nullptr;
  bool split_ok = false;
  YaraSplit split;
  std::vector<Node> nodes;
  std::vector<RuleInfo> rules;
};

class Analyzer {
 public:
  explicit Analyzer(FileInfo& f) : f_(f), t_(f.split.tokens) {}

  // Builds the condition tree of every rule; false if the parentheses of
  // some condition do not balance (the file is then kept whole).
  bool Run(std::vector<std::string>* probes,
           std::unordered_map<std::string, int>* probe_index, PartitionStats* st) {
    probes_ = probes;
    probe_index_ = probe_index;
    st_ = st;
    for (size_t r = 0; r < f_.split.rules.size(); ++r) {
      const auto& span = f_.split.rules[r];
      auto tree = ReadYaraCondition(t_, span.cond_tok_begin, span.cond_tok_end);
      if (!tree) return false;
      RuleInfo info;
      info.span = span;
      for (uint32_t k = span.cond_tok_begin; k < span.cond_tok_end; ++k) {
        if (t_[k].kind != YaraTok::kIdent) continue;
        if (k > span.cond_tok_begin && IsPunct(k - 1, ".")) continue;  // member name
        int ref = RuleIndex(t_[k].text, r);
        if (ref >= 0 && std::find(info.refs.begin(), info.refs.end(), ref) == info.refs.end())
          info.refs.push_back(ref);
      }
      current_rule_ = r;
      // The tree's nodes, in the order it made them (operands first), with
      // every leaf classified; a malformed and/or stays an opaque leaf.
      const int offset = static_cast<int>(f_.nodes.size());
      for (YaraCondNode& cn : tree->nodes) {
        Node n;
        static_cast<YaraCondNode&>(n) = std::move(cn);
        for (int& k : n.kids) k += offset;
        if (n.kind == Node::kLeaf && !n.malformed) ClassifyLeaf(n);
        f_.nodes.push_back(std::move(n));
      }
      info.root = tree->root + offset;
      f_.rules.push_back(std::move(info));
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
  int RuleIndex(std::string_view name, size_t before) const {
    for (size_t i = 0; i < before; ++i)
      if (f_.split.rules[i].name == name) return static_cast<int>(i);
    return -1;
  }

  void ClassifyLeaf(Node& n) {
    const uint32_t len = n.te - n.tb;
    if (len == 1 && t_[n.tb].kind == YaraTok::kIdent) {
      int ref = RuleIndex(t_[n.tb].text, current_rule_);
      if (ref >= 0) {
        n.leaf = LeafKind::kRuleRef;
        n.index = ref;
        ++st_->leaves_ref;
        return;
      }
    }
    if (len == 3 && ClassifySize(n)) return;
    if (len == 6 && ClassifyMagic(n)) return;
    ClassifyPeOnly(n);
  }

  // filesize OP N or N OP filesize.
  bool ClassifySize(Node& n) {
    uint32_t b = n.tb;
    std::string_view op = t_[b + 1].text;
    if (t_[b + 1].kind != YaraTok::kPunct) return false;
    uint64_t v = 0;
    bool left = IsIdent(b, "filesize") && t_[b + 2].kind == YaraTok::kNumber;
    bool right = IsIdent(b + 2, "filesize") && t_[b].kind == YaraTok::kNumber;
    if (!left && !right) return false;
    if (!ParseYaraNumber(t_[left ? b + 2 : b].text, &v)) return false;
    if (right) {  // N OP filesize  ==  filesize OP' N
      if (op == "<") op = ">";
      else if (op == ">") op = "<";
      else if (op == "<=") op = ">=";
      else if (op == ">=") op = "<=";
    }
    uint64_t lo = 0, hi = kNoLimit;
    if (op == "<") {
      if (v == 0) lo = 1, hi = 0;  // empty interval
      else hi = v - 1;
    } else if (op == "<=") hi = v;
    else if (op == ">") {
      if (v == kNoLimit) lo = 1, hi = 0;
      else lo = v + 1;
    } else if (op == ">=") lo = v;
    else if (op == "==") lo = hi = v;
    else return false;
    n.leaf = LeafKind::kSize;
    n.lo = lo;
    n.hi = hi;
    ++st_->leaves_size;
    return true;
  }

  // uintN[be](K) == C or C == uintN[be](K).
  bool ClassifyMagic(Node& n) {
    uint32_t b = n.tb;
    uint32_t fn = 0, num = 0;
    if (t_[b].kind == YaraTok::kIdent && IsPunct(b + 1, "(") && IsPunct(b + 3, ")") &&
        IsPunct(b + 4, "==")) {
      fn = b;
      num = b + 5;
    } else if (IsPunct(b + 1, "==") && t_[b + 2].kind == YaraTok::kIdent && IsPunct(b + 3, "(") &&
               IsPunct(b + 5, ")")) {
      fn = b + 2;
      num = b;
    } else {
      return false;
    }
    static const std::map<std::string_view, std::pair<int, bool>> kFns = {
        {"uint8", {1, false}},    {"uint16", {2, false}},  {"uint32", {4, false}},
        {"uint8be", {1, true}},   {"uint16be", {2, true}}, {"uint32be", {4, true}}};
    auto it = kFns.find(t_[fn].text);
    if (it == kFns.end()) return false;
    uint64_t off = 0, v = 0;
    if (t_[fn + 2].kind != YaraTok::kNumber || t_[num].kind != YaraTok::kNumber) return false;
    if (!ParseYaraNumber(t_[fn + 2].text, &off) || !ParseYaraNumber(t_[num].text, &v)) return false;
    auto [width, big] = it->second;
    if (width < 8 && v >> (8 * width)) return false;  // never equal; leave it to libyara
    if (off > 4096) return false;
    std::string bytes(width, '\0');
    for (int i = 0; i < width; ++i) {
      int shift = big ? 8 * (width - 1 - i) : 8 * i;
      bytes[i] = static_cast<char>((v >> shift) & 0xff);
    }
    n.leaf = LeafKind::kMagic;
    n.offset = off;
    n.bytes = std::move(bytes);
    ++st_->leaves_magic;
    return true;
  }

  // A leaf whose only inputs are the pe module, constants and its own loop
  // variables; or `$s at E` where E is such an expression (false when E is
  // undefined, which the probe `E == E` tells).
  void ClassifyPeOnly(Node& n) {
    if (n.te - n.tb >= 3 && t_[n.tb].kind == YaraTok::kStringId && IsIdent(n.tb + 1, "at")) {
      std::string e;
      if (!PeOnlyText(n.tb + 2, n.te, &e)) return;
      AddProbe(n, fmt::format("({}) == ({})", e, e));
      return;
    }
    std::string text;
    if (PeOnlyText(n.tb, n.te, &text)) AddProbe(n, text);
  }

  void AddProbe(Node& n, const std::string& text) {
    auto [it, inserted] = probe_index_->emplace(text, static_cast<int>(probes_->size()));
    if (inserted) probes_->push_back(text);
    n.leaf = LeafKind::kPeOnly;
    n.index = it->second;
    ++st_->leaves_pe;
  }

  bool PeOnlyText(uint32_t tb, uint32_t te, std::string* text) {
    static const std::set<std::string_view> kKeywords = {
        "for",      "any",        "all",      "none",        "in",         "and",
        "or",       "not",        "contains", "icontains",   "startswith", "istartswith",
        "endswith", "iendswith",  "iequals",  "matches",     "true",       "false"};
    std::set<std::string_view> loop_vars;
    bool uses_pe = false;
    for (uint32_t k = tb; k < te; ++k) {
      const auto& tok = t_[k];
      switch (tok.kind) {
        case YaraTok::kStringId:
        case YaraTok::kCountId:
        case YaraTok::kOffsetId:
        case YaraTok::kLengthId:
        case YaraTok::kHex:
          return false;
        case YaraTok::kNumber:
        case YaraTok::kText:
        case YaraTok::kRegex:
        case YaraTok::kPunct:
          continue;
        case YaraTok::kIdent:
          break;
      }
      if (k > tb && IsPunct(k - 1, ".")) continue;  // member of pe.…
      if (tok.text == "pe" && k + 1 < te && IsPunct(k + 1, ".")) {
        uses_pe = true;
        continue;
      }
      if (kKeywords.count(tok.text)) {
        if (tok.text == "for" && k + 2 < te) {
          // for <quantifier> <var>[, <var>] in
          uint32_t v = k + 2;
          while (v < te && t_[v].kind == YaraTok::kIdent && !IsIdent(v, "in") &&
                 !IsIdent(v, "of")) {
            loop_vars.insert(t_[v].text);
            if (v + 1 < te && IsPunct(v + 1, ",")) v += 2;
            else break;
          }
        }
        continue;
      }
      if (loop_vars.count(tok.text)) continue;
      return false;  // filesize, uint16, them, of, externals, rules, other modules
    }
    if (!uses_pe) return false;
    *text = std::string(f_.src->text.substr(t_[tb].begin, t_[te - 1].end - t_[tb].begin));
    return true;
  }

  FileInfo& f_;
  const std::vector<YaraToken>& t_;
  std::vector<std::string>* probes_ = nullptr;
  std::unordered_map<std::string, int>* probe_index_ = nullptr;
  PartitionStats* st_ = nullptr;
  size_t current_rule_ = 0;
};

// What is known about every file of one class.
struct ClassFacts {
  const std::string* magic = nullptr;          // header prefix; null = "other"
  const std::vector<std::string>* excluded = nullptr;  // "other": none of these
  uint64_t lo = 0, hi = kNoLimit;              // size interval
  bool non_mz = false;                         // no file of the class starts with "MZ"
};

// Whether a file that starts with `a` may also start with `b`.
bool Compatible(const std::string& a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  return a.compare(0, n, b.substr(0, n)) == 0;
}

Tri EvalMagic(const Node& n, const ClassFacts& c) {
  if (c.hi < n.offset + n.bytes.size()) return Tri::kFalse;  // too short: undefined
  if (c.magic) {
    const std::string& m = *c.magic;
    bool covered = true;
    for (size_t i = 0; i < n.bytes.size(); ++i) {
      uint64_t pos = n.offset + i;
      if (pos >= m.size()) {
        covered = false;
        continue;
      }
      if (m[pos] != n.bytes[i]) return Tri::kFalse;
    }
    return covered && c.lo >= n.offset + n.bytes.size() ? Tri::kTrue : Tri::kMaybe;
  }
  // "other": the gate is false if it implies one of the table's magics.
  for (const auto& m : *c.excluded) {
    if (n.offset != 0 || n.bytes.size() < m.size()) continue;
    if (n.bytes.compare(0, m.size(), m) == 0) return Tri::kFalse;
  }
  return Tri::kMaybe;
}

Tri EvalSize(const Node& n, const ClassFacts& c) {
  if (n.lo > n.hi || c.hi < n.lo || c.lo > n.hi) return Tri::kFalse;
  if (c.lo >= n.lo && c.hi <= n.hi) return Tri::kTrue;
  return Tri::kMaybe;
}

struct ClassEval {
  const FileInfo& f;
  const ClassFacts& facts;
  const std::vector<bool>& probe_true;  // pe-only leaf true on non-MZ files
  std::vector<Tri> rule_value;          // per rule of f, filled in order
  std::vector<Tri> node_value;

  Tri Eval(int idx) {
    const Node& n = f.nodes[idx];
    Tri v = Tri::kMaybe;
    if (n.kind == Node::kLeaf) {
      switch (n.leaf) {
        case LeafKind::kOpaque: v = Tri::kMaybe; break;
        case LeafKind::kMagic: v = EvalMagic(n, facts); break;
        case LeafKind::kSize: v = EvalSize(n, facts); break;
        case LeafKind::kRuleRef: v = rule_value[n.index]; break;
        case LeafKind::kPeOnly:
          if (facts.non_mz) v = probe_true[n.index] ? Tri::kMaybe : Tri::kFalse;
          break;
      }
    } else {
      bool all_true = true, any_true = false, all_false = true, any_false = false;
      for (int k : n.kids) {
        Tri kv = Eval(k);
        all_true &= kv == Tri::kTrue;
        any_true |= kv == Tri::kTrue;
        all_false &= kv == Tri::kFalse;
        any_false |= kv == Tri::kFalse;
      }
      if (n.kind == Node::kAnd) v = any_false ? Tri::kFalse : all_true ? Tri::kTrue : Tri::kMaybe;
      else v = any_true ? Tri::kTrue : all_false ? Tri::kFalse : Tri::kMaybe;
    }
    node_value[idx] = v;
    return v;
  }
};

// Rewrites a condition: maximal false subtrees become `false`. Records the
// identifiers still present (modules, referenced rules).
void Rewrite(const FileInfo& f, const std::vector<Tri>& node_value, int idx, bool keep_all,
             std::vector<std::pair<uint32_t, uint32_t>>* cut,
             std::vector<std::pair<uint32_t, uint32_t>>* kept) {
  const Node& n = f.nodes[idx];
  if (!keep_all && node_value[idx] == Tri::kFalse) {
    cut->emplace_back(n.tb, n.te);
    return;
  }
  if (n.kind == Node::kLeaf) {
    kept->emplace_back(n.tb, n.te);
    return;
  }
  for (int k : n.kids) Rewrite(f, node_value, k, keep_all, cut, kept);
}

// `false`, plus a reference to every string the cut subtree named, because
// libyara refuses rules with unreferenced strings: `(false and any of ($a,
// $b*))`. `false and X` is false whatever X is, so the value is unchanged.
std::string FalseKeepingStrings(const std::vector<YaraToken>& t, uint32_t b, uint32_t e) {
  std::vector<std::string> ids;
  bool them = false;
  for (uint32_t k = b; k < e; ++k) {
    switch (t[k].kind) {
      case YaraTok::kStringId:
        if (t[k].text.size() > 1) ids.emplace_back(t[k].text);
        break;
      case YaraTok::kCountId:
      case YaraTok::kOffsetId:
      case YaraTok::kLengthId:
        if (t[k].text.size() > 1) ids.push_back("$" + std::string(t[k].text.substr(1)));
        break;
      case YaraTok::kIdent:
        them |= t[k].text == "them";
        break;
      default:
        break;
    }
  }
  if (them) return "(false and any of them)";
  if (ids.empty()) return "false";
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::string out = "(false and any of (";
  for (size_t i = 0; i < ids.size(); ++i) out += (i ? ", " : "") + ids[i];
  return out + "))";
}

bool ProbeBatch(const std::vector<std::string>& texts, size_t b, size_t e,
                std::vector<bool>* is_true) {
  std::string src = "import \"pe\"\n";
  for (size_t i = b; i < e; ++i) src += fmt::format("rule p{} {{ condition: {} }}\n", i, texts[i]);
  auto rules = CompileYaraStrict({{"probe", std::move(src)}}, {});
  if (!rules.ok()) return false;
  auto cb = [](YR_SCAN_CONTEXT*, int msg, void* data, void* user) -> int {
    if (msg == CALLBACK_MSG_RULE_MATCHING) {
      auto* v = static_cast<std::vector<bool>*>(user);
      const char* id = static_cast<const YR_RULE*>(data)->identifier;
      size_t i = std::strtoull(id + 1, nullptr, 10);
      if (i < v->size()) (*v)[i] = true;
    }
    return CALLBACK_CONTINUE;
  };
  static const uint8_t kNotMz[4] = {0, 0, 0, 0};
  return yr_rules_scan_mem((*rules)->get(), kNotMz, sizeof kNotMz, 0, cb, is_true, 0) ==
         ERROR_SUCCESS;
}

// Which pe-only leaves are true on a non-MZ file. A leaf that cannot be
// probed counts as true (undecided).
std::vector<bool> Probe(const std::vector<std::string>& texts) {
  std::vector<bool> is_true(texts.size(), false);
  if (texts.empty()) return is_true;
  if (ProbeBatch(texts, 0, texts.size(), &is_true)) return is_true;
  for (size_t i = 0; i < texts.size(); ++i) {
    std::vector<bool> one(texts.size(), false);
    if (!ProbeBatch(texts, i, i + 1, &one)) is_true[i] = true;
    else is_true[i] = one[i];
  }
  return is_true;
}

PartitionPlan ChoosePlan(const std::vector<FileInfo>& files, const PartitionOptions& opts) {
  // Magic gates at offset 0 that are top-level conjuncts, by rules gated.
  std::map<std::string, uint64_t> magic_rules;
  std::map<uint64_t, uint64_t> size_rules;  // exclusive upper bound -> rules
  for (const auto& f : files) {
    for (const auto& r : f.rules) {
      const Node& root = f.nodes[r.root];
      std::vector<int> conj;
      if (root.kind == Node::kAnd) conj = root.kids;
      else conj.push_back(r.root);
      std::set<std::string> magics_here;
      for (int k : conj) {
        const Node& n = f.nodes[k];
        if (n.kind != Node::kLeaf) continue;
        if (n.leaf == LeafKind::kMagic && n.offset == 0) magics_here.insert(n.bytes);
        if (n.leaf == LeafKind::kSize && n.lo == 0 && n.hi != kNoLimit) ++size_rules[n.hi + 1];
      }
      for (const auto& m : magics_here) ++magic_rules[m];
    }
  }
  uint64_t total_rules = 0;
  for (const auto& f : files) total_rules += f.rules.size();
  const uint64_t min_magic = std::max<uint64_t>(opts.min_magic_rules, total_rules * opts.magic_permille / 1000);
  const uint64_t min_cut = std::max<uint64_t>(opts.min_cut_rules, total_rules * opts.cut_permille / 1000);
  PartitionPlan plan;
  std::vector<std::pair<uint64_t, std::string>> by_count;
  for (const auto& [m, c] : magic_rules) by_count.emplace_back(c, m);
  std::sort(by_count.rbegin(), by_count.rend());
  for (const auto& [c, m] : by_count) {
    if (c < min_magic || plan.magics.size() >= opts.max_magics) break;
    bool clash = false;  // keep the table prefix-free
    for (const auto& have : plan.magics)
      clash |= have.compare(0, m.size(), m) == 0 || m.compare(0, have.size(), have) == 0;
    if (!clash) plan.magics.push_back(m);
  }
  // Size cuts: the upper bounds that gate the most rules (at least
  // min_cut), at most max_cuts, at least 1.5x apart. Sets are built
  // lazily, so unused buckets cost nothing; each bucket boundary moves the
  // rules gated below it out of the sets for larger files, which is where
  // the content-scanning time goes.
  std::vector<std::pair<uint64_t, uint64_t>> sizes;
  for (const auto& [v, c] : size_rules) sizes.emplace_back(c, v);
  std::sort(sizes.rbegin(), sizes.rend());
  std::vector<uint64_t> cuts;
  for (const auto& [c, v] : sizes) {
    if (cuts.size() >= opts.max_cuts || c < min_cut) break;
    bool close_to_a_cut = false;
    for (uint64_t have : cuts) close_to_a_cut |= v * 2 < have * 3 && have * 2 < v * 3;
    if (!close_to_a_cut) cuts.push_back(v);
  }
  std::sort(cuts.begin(), cuts.end());
  plan.size_cuts = std::move(cuts);
  return plan;
}

}  // namespace

size_t PartitionPlan::ClassOf(std::span<const uint8_t> data) const {
  size_t type = magics.size();
  size_t best = 0;
  for (size_t i = 0; i < magics.size(); ++i) {
    const auto& m = magics[i];
    if (m.size() > data.size() || m.size() <= best) continue;
    if (std::equal(m.begin(), m.end(), data.begin(),
                   [](char a, uint8_t b) { return static_cast<uint8_t>(a) == b; })) {
      type = i;
      best = m.size();
    }
  }
  size_t bucket = std::upper_bound(size_cuts.begin(), size_cuts.end(), data.size()) -
                  size_cuts.begin();
  return type * buckets() + bucket;
}

std::string PartitionPlan::Label(size_t cls) const {
  size_t type = cls / buckets(), bucket = cls % buckets();
  std::string t = "other";
  if (type < magics.size()) {
    t.clear();
    for (char c : magics[type]) {
      if (c >= 0x21 && c <= 0x7e) t += c;
      else t += fmt::format("\\x{:02x}", static_cast<uint8_t>(c));
    }
  }
  std::string s = bucket == 0 ? "" : fmt::format(">={}", size_cuts[bucket - 1]);
  if (bucket < size_cuts.size()) s += fmt::format("{}<{}", s.empty() ? "" : ",", size_cuts[bucket]);
  return s.empty() ? t : t + "/" + s;
}

PartitionSources PartitionYaraSources(const std::vector<YaraSource>& sources,
                                      const PartitionOptions& opts) {
  PartitionSources out;
  PartitionStats& st = out.stats;
  std::vector<FileInfo> files(sources.size());
  std::vector<std::string> probes;
  std::unordered_map<std::string, int> probe_index;
  for (size_t i = 0; i < sources.size(); ++i) {
    FileInfo& f = files[i];
    f.src = &sources[i];
    ++st.files;
    auto split = SplitYara(sources[i].text);
    if (split.ok()) {
      f.split = std::move(*split);
      Analyzer a(f);
      f.split_ok = a.Run(&probes, &probe_index, &st);
    }
    if (!f.split_ok) {
      f.nodes.clear();
      f.rules.clear();
      ++st.files_unsplit;
    }
    st.rules += f.rules.size();
  }
  st.probe_leaves = probes.size();
  std::vector<bool> probe_true = Probe(probes);
  out.plan = ChoosePlan(files, opts);
  const PartitionPlan& plan = out.plan;
  out.per_class.resize(plan.classes());
  st.rules_per_class.assign(plan.classes(), 0);
  st.pe_per_class.assign(plan.classes(), false);

  for (size_t cls = 0; cls < plan.classes(); ++cls) {
    size_t type = cls / plan.buckets(), bucket = cls % plan.buckets();
    ClassFacts facts;
    if (type < plan.magics.size()) facts.magic = &plan.magics[type];
    else facts.excluded = &plan.magics;
    facts.lo = bucket == 0 ? 0 : plan.size_cuts[bucket - 1];
    facts.hi = bucket < plan.size_cuts.size() ? plan.size_cuts[bucket] - 1 : kNoLimit;
    if (facts.magic && facts.lo < facts.magic->size()) facts.lo = facts.magic->size();
    // pe-only leaves are decided only where no file can start with "MZ":
    // a magic class whose magic disagrees with "MZ", or "other" when the
    // table holds "MZ" or a prefix of it (so every MZ file has its class).
    if (facts.magic) {
      facts.non_mz = !Compatible(*facts.magic, "MZ");
    } else {
      for (const auto& m : plan.magics)
        facts.non_mz |= m.size() <= 2 && Compatible(m, "MZ");
    }

    for (const FileInfo& f : files) {
      if (!f.split_ok) {  // kept whole
        out.per_class[cls].push_back(*f.src);
        st.pe_per_class[cls] = st.pe_per_class[cls] ||
                               f.src->text.find("\"pe\"") != std::string::npos;
        continue;
      }
      ClassEval ev{f, facts, probe_true, {}, std::vector<Tri>(f.nodes.size(), Tri::kMaybe)};
      ev.rule_value.assign(f.rules.size(), Tri::kMaybe);
      bool namespace_false = false;
      for (size_t r = 0; r < f.rules.size(); ++r) {
        ev.rule_value[r] = ev.Eval(f.rules[r].root);
        if (f.rules[r].span.is_global && ev.rule_value[r] == Tri::kFalse) namespace_false = true;
      }
      if (namespace_false) continue;
      // Keep: globals, public rules not false, and (backwards) every rule a
      // kept rule still names.
      std::vector<bool> keep(f.rules.size(), false);
      std::vector<std::vector<std::pair<uint32_t, uint32_t>>> cuts(f.rules.size()),
          kept(f.rules.size());
      for (size_t r = f.rules.size(); r-- > 0;) {
        const RuleInfo& ri = f.rules[r];
        keep[r] = keep[r] || ri.span.is_global ||
                  (!ri.span.is_private && ev.rule_value[r] != Tri::kFalse);
        if (!keep[r]) continue;
        bool keep_all = ev.rule_value[r] == Tri::kFalse;  // kept only as a dependency
        Rewrite(f, ev.node_value, ri.root, keep_all, &cuts[r], &kept[r]);
        for (const auto& [b, e] : kept[r]) {
          for (uint32_t k = b; k < e; ++k) {
            const auto& tok = f.split.tokens[k];
            if (tok.kind != YaraTok::kIdent) continue;
            for (int ref : ri.refs)
              if (f.rules[ref].span.name == tok.text) keep[ref] = true;
          }
        }
      }
      // Emit the namespace.
      std::set<std::string> used_modules;
      std::string body;
      uint64_t kept_rules = 0;
      for (size_t r = 0; r < f.rules.size(); ++r) {
        if (!keep[r]) continue;
        ++kept_rules;
        const RuleInfo& ri = f.rules[r];
        for (const auto& [b, e] : kept[r]) {
          for (uint32_t k = b; k + 1 < e; ++k) {
            const auto& tok = f.split.tokens[k];
            if (tok.kind == YaraTok::kIdent && f.split.tokens[k + 1].text == "." &&
                (k == b || f.split.tokens[k - 1].text != "."))
              used_modules.insert(std::string(tok.text));
          }
        }
        const std::string& text = f.src->text;
        body.append(text, ri.span.begin, ri.span.cond_begin - ri.span.begin);
        std::vector<std::pair<uint32_t, uint32_t>> c = cuts[r];
        std::sort(c.begin(), c.end());
        uint32_t pos = ri.span.cond_begin;
        for (const auto& [b, e] : c) {
          uint32_t cb = f.split.tokens[b].begin, ce = f.split.tokens[e - 1].end;
          body.append(text, pos, cb - pos);
          body += FalseKeepingStrings(f.split.tokens, b, e);
          pos = ce;
        }
        body.append(text, pos, ri.span.end - pos);
        body += "\n";
      }
      if (kept_rules == 0) continue;
      std::string src;
      for (const auto& m : f.split.imports) {
        if (!used_modules.count(m)) continue;
        src += fmt::format("import \"{}\"\n", m);
        if (m == "pe") st.pe_per_class[cls] = true;
      }
      src += body;
      st.rules_per_class[cls] += kept_rules;
      out.per_class[cls].push_back({f.src->name, std::move(src)});
    }
  }
  return out;
}

}  // namespace harrier
