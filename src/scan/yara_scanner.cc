#include "scan/yara_scanner.h"

#include <yara.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <unordered_map>

#include <fmt/format.h>

#include "signatures/c2_indicator.h"
#include "signatures/signature_set.h"

namespace harrier {
namespace {

struct ScanCtx {
  std::span<const uint8_t> data;                   // being scanned (empty for blocks)
  std::vector<Reason>* out;
  std::vector<std::string>* ids;
  const YaraLimits* limits;
  const std::vector<C2Ioc>* c2;                    // may be null
  std::vector<std::pair<size_t, Reason>>* c2_out;  // index in *c2, reason
  // Block content: the C2 indicators libyara found candidates of, with their
  // rule's score, checked against the blocks after the scan (ScanBlocks).
  std::vector<std::pair<size_t, int>>* c2_candidates = nullptr;
};

int ParseScore(const YR_META* meta, int fallback) {
  if (meta->type == META_TYPE_INTEGER) return static_cast<int>(meta->integer);
  if (meta->type == META_TYPE_STRING && meta->string) {
    int v = 0;
    const char* s = meta->string;
    auto [p, ec] = std::from_chars(s, s + std::strlen(s), v);
    if (ec == std::errc()) return v;
  }
  return fallback;
}

// Calls visit(match) for each public match of `string`, until it returns
// false. libyara 4.3 keeps matches in a notebook that does not align them,
// so a field read through a YR_MATCH* is a misaligned access (UBSan reports
// it): each match is copied into an aligned YR_MATCH before it is read. The
// walk is that of yr_string_matches_foreach.
template <typename Visit>
void ForEachMatch(YR_SCAN_CONTEXT* context, const YR_STRING* string, Visit visit) {
  const YR_MATCH* p = context->matches[string->idx].head;
  while (p != nullptr) {
    YR_MATCH m;
    std::memcpy(&m, p, sizeof m);
    if (!m.is_private && !visit(m)) return;
    p = m.next;
  }
}

// Appends the string's hits (up to limits.max_strings in *hits); returns
// whether the string matched at all, whatever the limit.
bool AddHits(YR_SCAN_CONTEXT* context, const YR_STRING* string, std::string_view identifier,
             const YaraLimits& limits, std::vector<StringHit>* hits) {
  bool matched = false;
  ForEachMatch(context, string, [&](const YR_MATCH& match) {
    matched = true;
    if (hits->size() >= limits.max_strings) return false;
    StringHit h;
    h.identifier = identifier;
    h.offset = static_cast<uint64_t>(match.base + match.offset);
    size_t n = std::min<size_t>(static_cast<size_t>(match.data_length), limits.max_hit_bytes);
    h.data.assign(reinterpret_cast<const char*>(match.data), n);
    hits->push_back(std::move(h));
    return true;
  });
  return matched;
}

bool StringMatched(YR_SCAN_CONTEXT* context, const YR_STRING* string) {
  bool matched = false;
  ForEachMatch(context, string, [&](const YR_MATCH&) {
    matched = true;
    return false;
  });
  return matched;
}

// A generated C2 rule (C2RulesSource): one reason per string $c<i> whose
// indicator c2[i] occurs in the data (FindC2Matches: libyara's match is only
// a candidate), as one rule per indicator gave before indicators were
// packed (string identifier "$ioc", limits per indicator; in fast mode the
// first place only, as libyara keeps for a boolean string). The rule counts
// as matching (ids) only when one of its indicators does. Returns false
// when the rule is not in that layout (e.g. no indicator list), for the
// generic path.
bool CollectC2Reasons(YR_SCAN_CONTEXT* context, const YR_RULE* rule, ScanCtx* ctx) {
  if (!ctx->c2 || !rule->ns || !rule->ns->name || kC2Namespace != rule->ns->name) return false;
  int score = kDefaultYaraScore;
  bool is_c2 = false;
  const YR_META* meta;
  yr_rule_metas_foreach(rule, meta) {
    if (meta->identifier == nullptr) continue;
    std::string_view id = meta->identifier;
    if (id == "score") score = ParseScore(meta, score);
    else if (id == "harrier_type" && meta->type == META_TYPE_STRING && meta->string)
      is_c2 = std::string_view(meta->string) == "c2";
  }
  if (!is_c2) return false;
  const YR_STRING* string;
  yr_rule_strings_foreach(rule, string) {
    if (!string->identifier || !C2IndexOfStringId(string->identifier)) return false;
    if (*C2IndexOfStringId(string->identifier) >= ctx->c2->size()) return false;
  }
  const YaraLimits& limits = *ctx->limits;
  const size_t max_hits =
      limits.fast_mode ? std::min<size_t>(limits.max_strings, 1) : limits.max_strings;
  bool any = false;
  std::vector<C2Match> places;
  yr_rule_strings_foreach(rule, string) {
    if (!StringMatched(context, string)) continue;
    size_t i = *C2IndexOfStringId(string->identifier);
    if (ctx->c2_candidates) {  // blocks: verified after the scan
      ctx->c2_candidates->emplace_back(i, score);
      continue;
    }
    const C2Ioc& ioc = (*ctx->c2)[i];
    places.clear();
    if (!FindC2Matches(ioc.indicator, ctx->data, max_hits, &places)) continue;
    any = true;
    Reason r;
    for (const C2Match& m : places) {
      StringHit h;
      h.identifier = "$ioc";
      h.offset = m.offset;
      h.data.assign(reinterpret_cast<const char*>(ctx->data.data() + m.offset),
                    std::min(m.length, limits.max_hit_bytes));
      r.strings.push_back(std::move(h));
    }
    r.kind = ReasonKind::kC2;
    r.name = ioc.indicator;
    r.score = score;
    r.description = ioc.description;
    r.references = UrlsIn(ioc.description);
    r.source = ioc.source;
    ctx->c2_out->emplace_back(i, std::move(r));
  }
  if (any) ctx->ids->push_back(fmt::format("{}:{}", rule->ns->name, rule->identifier));
  return true;
}

void CollectReason(YR_SCAN_CONTEXT* context, const YR_RULE* rule, ScanCtx* ctx) {
  if (CollectC2Reasons(context, rule, ctx)) return;
  Reason r;
  r.kind = ReasonKind::kYara;
  r.name = rule->identifier;
  r.score = kDefaultYaraScore;
  r.source = rule->ns && rule->ns->name ? rule->ns->name : "";
  const YR_META* meta;
  yr_rule_metas_foreach(rule, meta) {
    if (meta->identifier == nullptr) continue;
    std::string_view id = meta->identifier;
    const char* sv = meta->type == META_TYPE_STRING ? meta->string : nullptr;
    if (id == "score") r.score = ParseScore(meta, r.score);
    else if (id == "description" && sv) r.description = sv;
    else if (id == "remediation" && sv) r.remediation = sv;
    else if (id == "harrier_type" && sv) r.kind = ReasonKindFromName(sv);
    else if (id == "indicator" && sv) r.name = sv;
    else if (id == "source" && sv) r.source = sv;
    else if ((id == "reference" || id == "references") && sv)
      for (auto& ref : ReferencesFromMeta(sv)) r.references.push_back(std::move(ref));
    else if ((id == "author" || id == "date") && sv)
      r.details.emplace_back(std::string(id), sv);
  }
  const YR_STRING* string;
  yr_rule_strings_foreach(rule, string) {
    AddHits(context, string, string->identifier ? string->identifier : "", *ctx->limits,
            &r.strings);
  }
  ctx->ids->push_back(fmt::format("{}:{}", r.source, rule->identifier));
  ctx->out->push_back(std::move(r));
}

// yr_scanner_scan_mem, noting in *searched whether the string search
// finished: libyara asks the iterator for the file size right after it and
// before it evaluates the conditions.
int ScanMem(YR_SCANNER* scanner, std::span<const uint8_t> data, bool* searched) {
  struct OneBlock {
    YR_MEMORY_BLOCK block{};
    bool searched = false;
  } one;
  one.block.size = data.size();
  one.block.context = const_cast<uint8_t*>(data.data());
  one.block.fetch_data = [](YR_MEMORY_BLOCK* b) {
    return static_cast<const uint8_t*>(b->context);
  };
  YR_MEMORY_BLOCK_ITERATOR it{};
  it.context = &one;
  it.first = [](YR_MEMORY_BLOCK_ITERATOR* i) { return &static_cast<OneBlock*>(i->context)->block; };
  it.next = [](YR_MEMORY_BLOCK_ITERATOR*) -> YR_MEMORY_BLOCK* { return nullptr; };
  it.file_size = [](YR_MEMORY_BLOCK_ITERATOR* i) -> uint64_t {
    auto* o = static_cast<OneBlock*>(i->context);
    o->searched = true;
    return o->block.size;
  };
  it.last_error = ERROR_SUCCESS;
  int rc = yr_scanner_scan_mem_blocks(scanner, &it);
  *searched = one.searched;
  return rc;
}

void DefineExternals(YR_SCANNER* s, const YaraExternalValues& ext) {
  yr_scanner_define_string_variable(s, "filename", ext.filename.c_str());
  yr_scanner_define_string_variable(s, "filepath", ext.filepath.c_str());
  yr_scanner_define_string_variable(s, "extension", ext.extension.c_str());
  yr_scanner_define_string_variable(s, "filetype", ext.filetype.c_str());
  yr_scanner_define_string_variable(s, "owner", ext.owner.c_str());
  yr_scanner_define_string_variable(s, "md5", ext.md5.c_str());
  yr_scanner_define_integer_variable(s, "filemode", ext.filemode);
}

Result<YR_SCANNER*> NewScanner(const YaraRules& rules, const YaraLimits& limits) {
  YR_SCANNER* s = nullptr;
  if (yr_scanner_create(rules.get(), &s) != ERROR_SUCCESS)
    return Status::ResourceExhausted("yr_scanner_create failed");
  yr_scanner_set_timeout(s, limits.timeout_s);
  // Only matching rules are reported to the callback (no per-rule
  // not-matching calls).
  yr_scanner_set_flags(s, SCAN_FLAGS_REPORT_RULES_MATCHING |
                              (limits.fast_mode ? SCAN_FLAGS_FAST_MODE : 0));
  return s;
}

int Callback(YR_SCAN_CONTEXT* context, int message, void* message_data, void* user_data) {
  if (message == CALLBACK_MSG_RULE_MATCHING) {
    CollectReason(context, static_cast<const YR_RULE*>(message_data),
                  static_cast<ScanCtx*>(user_data));
  }
  return CALLBACK_CONTINUE;
}

}  // namespace

YaraScanner::YaraScanner(std::shared_ptr<const YaraRules> rules, YR_SCANNER* s, YaraLimits limits,
                         std::shared_ptr<const std::vector<C2Ioc>> c2)
    : rules_(std::move(rules)), scanner_(s), limits_(limits), c2_(std::move(c2)) {}

YaraScanner::~YaraScanner() {
  if (scanner_) yr_scanner_destroy(scanner_);
  if (retry_scanner_) yr_scanner_destroy(retry_scanner_);
}

Result<std::unique_ptr<YaraScanner>> YaraScanner::Create(
    std::shared_ptr<const YaraRules> rules, const YaraLimits& limits,
    std::shared_ptr<const std::vector<C2Ioc>> c2) {
  if (!rules) return Status::ResourceExhausted("yr_scanner_create failed");
  auto s = NewScanner(*rules, limits);
  if (!s.ok()) return s.status();
  return std::unique_ptr<YaraScanner>(new YaraScanner(std::move(rules), *s, limits, std::move(c2)));
}

YR_SCANNER* YaraScanner::RetryScanner() {
  if (retry_scanner_ || retry_unavailable_) return retry_scanner_;
  retry_unavailable_ = true;  // until it is made
  if (!limits_.long_running) return nullptr;
  // A set without long-running rules timed out on something else, which
  // the retry set would meet again.
  bool any = false;
  const YR_RULE* rule;
  yr_rules_foreach(rules_->get(), rule) {
    if (limits_.long_running->Contains(rule->ns->name, rule->identifier)) {
      any = true;
      break;
    }
  }
  if (!any) return nullptr;
  auto retry = limits_.long_running->RetryRules();
  if (!retry) return nullptr;
  auto s = NewScanner(*retry, limits_);
  if (!s.ok()) return nullptr;
  retry_rules_ = std::move(retry);
  retry_scanner_ = *s;
  retry_unavailable_ = false;
  return retry_scanner_;
}

Status YaraScanner::Scan(std::span<const uint8_t> data, const YaraExternalValues& ext,
                         std::vector<Reason>* out) {
  last_ids_.clear();
  const size_t out_before = out->size();
  DefineExternals(scanner_, ext);
  c2_reasons_.clear();
  ScanCtx ctx{data, out, &last_ids_, &limits_, c2_.get(), &c2_reasons_};
  yr_scanner_set_callback(scanner_, Callback, &ctx);
  bool searched = false;
  int rc = ScanMem(scanner_, data, &searched);
  // A timeout in the string search would come again: no retry then.
  bool retried = false;
  if (rc == ERROR_SCAN_TIMEOUT && searched) {
    if (YR_SCANNER* retry = RetryScanner()) {
      out->resize(out_before);  // nothing, from libyara 4.2.3 up to 4.5
      last_ids_.clear();
      c2_reasons_.clear();
      DefineExternals(retry, ext);
      yr_scanner_set_callback(retry, Callback, &ctx);
      bool unused;
      retried = ScanMem(retry, data, &unused) == ERROR_SUCCESS;
    }
  }
  // Generated C2 rules are compiled last and their reasons were in indicator
  // order when each indicator had its own rule; keep that order.
  std::stable_sort(c2_reasons_.begin(), c2_reasons_.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, r] : c2_reasons_) out->push_back(std::move(r));
  c2_reasons_.clear();
  switch (rc) {
    case ERROR_SUCCESS: return Status::Ok();
    case ERROR_SCAN_TIMEOUT:
      return Status::Timeout(retried ? "YARA scan timed out; the rules without loops were "
                                       "evaluated again and what they match is kept"
                                     : "YARA scan timed out");
    case ERROR_INSUFFICIENT_MEMORY: return Status::ResourceExhausted("YARA: out of memory");
    case ERROR_TOO_MANY_MATCHES: return Status::ResourceExhausted("YARA: too many matches");
    default: return Status::IoError(fmt::format("YARA scan error {}", rc));
  }
}

namespace {

// Adapts a BlockReader to libyara's iterator. libyara calls first(), then
// next() until null, fetching each block's data before asking for the next;
// while evaluating conditions it may call first() again (uint16(0), modules):
// the reader is rewound, and only the first pass is shown to the observer
// (the blocks are hashed once).
struct BlockAdapter {
  BlockReader* reader;
  const YaraScanner::BlockObserver* observer;
  ContentBlock current;
  YR_MEMORY_BLOCK block{};
  int passes = 0;
  int served_in_pass = 0;

  static YR_MEMORY_BLOCK* Advance(YR_MEMORY_BLOCK_ITERATOR* it) {
    auto* a = static_cast<BlockAdapter*>(it->context);
    if (a->passes > 1 && a->served_in_pass > 0 && a->reader->looks_see_first_block_only())
      return nullptr;
    ++a->served_in_pass;
    if (!a->reader->Next(&a->current)) {
      it->last_error = a->reader->status().ok() ? ERROR_SUCCESS : ERROR_COULD_NOT_READ_FILE;
      return nullptr;
    }
    if (a->passes == 1 && *a->observer) (*a->observer)(a->current);
    a->block.size = a->current.data.size();
    a->block.base = a->current.offset;
    a->block.context = a;
    a->block.fetch_data = [](YR_MEMORY_BLOCK* b) -> const uint8_t* {
      return static_cast<BlockAdapter*>(b->context)->current.data.data();
    };
    return &a->block;
  }
  static YR_MEMORY_BLOCK* First(YR_MEMORY_BLOCK_ITERATOR* it) {
    auto* a = static_cast<BlockAdapter*>(it->context);
    if (a->passes > 0 && !a->reader->Rewind()) return nullptr;  // no data for this look
    ++a->passes;
    a->served_in_pass = 0;
    return Advance(it);
  }
  static uint64_t Size(YR_MEMORY_BLOCK_ITERATOR* it) {
    return static_cast<BlockAdapter*>(it->context)->reader->size();
  }
};

}  // namespace

Status YaraScanner::ScanBlocks(BlockReader& blocks, const YaraExternalValues& ext,
                               std::vector<Reason>* out, const BlockObserver& on_block) {
  last_ids_.clear();
  DefineExternals(scanner_, ext);
  c2_reasons_.clear();
  std::vector<std::pair<size_t, int>> candidates;
  ScanCtx ctx{{}, out, &last_ids_, &limits_, c2_.get(), &c2_reasons_, &candidates};
  yr_scanner_set_callback(scanner_, Callback, &ctx);
  BlockAdapter adapter{&blocks, &on_block, {}, {}, 0, 0};
  YR_MEMORY_BLOCK_ITERATOR it{};
  it.context = &adapter;
  it.first = BlockAdapter::First;
  it.next = BlockAdapter::Advance;
  it.file_size = BlockAdapter::Size;
  it.last_error = ERROR_SUCCESS;
  int rc = yr_scanner_scan_mem_blocks(scanner_, &it);
  // C2 candidates are checked block by block (FindC2Matches) in one more
  // pass; a reader that cannot rewind gives none (an indicator across a
  // block edge is not found either: blocks are searched one at a time).
  if (!candidates.empty() && c2_ && blocks.Rewind()) {
    std::sort(candidates.begin(), candidates.end());
    candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
    const size_t max_hits =
        limits_.fast_mode ? std::min<size_t>(limits_.max_strings, 1) : limits_.max_strings;
    std::vector<Reason> found(candidates.size());
    std::vector<C2Match> places;
    ContentBlock b;
    uint64_t prev_end = 0;
    while (blocks.Next(&b)) {
      // The bytes this block shares with the one before were searched there
      // with their context: only a place that ends beyond them is new.
      const uint64_t shared = prev_end > b.offset ? prev_end - b.offset : 0;
      prev_end = std::max(prev_end, b.offset + b.data.size());
      for (size_t k = 0; k < candidates.size(); ++k) {
        if (found[k].strings.size() >= max_hits) continue;
        const C2Ioc& ioc = (*c2_)[candidates[k].first];
        places.clear();
        if (!FindC2Matches(ioc.indicator, b.data, shared ? SIZE_MAX : max_hits - found[k].strings.size(),
                           &places))
          continue;
        for (const C2Match& m : places) {
          if (m.offset + m.length <= shared) continue;
          if (found[k].strings.size() >= max_hits) break;
          StringHit h;
          h.identifier = "$ioc";
          h.offset = b.offset + m.offset;
          h.data.assign(reinterpret_cast<const char*>(b.data.data() + m.offset),
                        std::min(m.length, limits_.max_hit_bytes));
          found[k].strings.push_back(std::move(h));
        }
      }
    }
    for (size_t k = 0; k < candidates.size(); ++k) {
      if (found[k].strings.empty()) continue;
      const C2Ioc& ioc = (*c2_)[candidates[k].first];
      Reason& r = found[k];
      r.kind = ReasonKind::kC2;
      r.name = ioc.indicator;
      r.score = candidates[k].second;
      r.description = ioc.description;
      r.references = UrlsIn(ioc.description);
      r.source = ioc.source;
      c2_reasons_.emplace_back(candidates[k].first, std::move(r));
    }
    if (!c2_reasons_.empty()) last_ids_.push_back(std::string(kC2Namespace) + ":c2");
  }
  for (auto& [i, r] : c2_reasons_) out->push_back(std::move(r));
  c2_reasons_.clear();
  if (!blocks.status().ok()) return blocks.status();
  switch (rc) {
    case ERROR_SUCCESS: return Status::Ok();
    case ERROR_SCAN_TIMEOUT: return Status::Timeout("YARA scan timed out");
    case ERROR_INSUFFICIENT_MEMORY: return Status::ResourceExhausted("YARA: out of memory");
    case ERROR_TOO_MANY_MATCHES: return Status::ResourceExhausted("YARA: too many matches");
    default: return Status::IoError(fmt::format("YARA scan error {}", rc));
  }
}

YaraRuleSwitch::YaraRuleSwitch(const YaraRules& copy, const std::vector<PrefilterRule>& rules)
    : rule_(rules.size(), nullptr), enabled_(rules.size(), 1) {
  std::unordered_map<std::string, size_t> index;
  index.reserve(rules.size());
  for (size_t i = 0; i < rules.size(); ++i)
    index.emplace(rules[i].ns + '\0' + rules[i].name, i);
  YR_RULE* rule;
  yr_rules_foreach(copy.get(), rule) {
    auto it = index.find(std::string(rule->ns->name) + '\0' + rule->identifier);
    if (it == index.end()) continue;
    rule_[it->second] = rule;
    ++mapped_;
  }
}

YaraRuleSwitch YaraRuleSwitch::Select(const std::vector<size_t>& indices, size_t absent) const {
  YaraRuleSwitch out;
  for (size_t i : indices) {
    out.rule_.push_back(rule_[i]);
    out.mapped_ += rule_[i] != nullptr;
  }
  out.rule_.resize(out.rule_.size() + absent, nullptr);
  out.enabled_.assign(out.rule_.size(), 1);
  return out;
}

void YaraRuleSwitch::Apply(const std::vector<uint8_t>& enable) {
  for (size_t i = 0; i < rule_.size(); ++i) {
    uint8_t want = enable[i] ? 1 : 0;
    if (!rule_[i] || enabled_[i] == want) continue;
    auto* r = static_cast<YR_RULE*>(rule_[i]);
    if (want) yr_rule_enable(r);
    else yr_rule_disable(r);
    enabled_[i] = want;
  }
}

}  // namespace harrier
