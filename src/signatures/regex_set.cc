#include "signatures/regex_set.h"

#include <atomic>

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <mutex>

namespace harrier {
namespace {

RE2::Options MakeOptions(int64_t max_mem) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_max_mem(max_mem);
  // Paths are bytes; Latin-1 makes every byte a character, so invalid UTF-8
  // in file names neither fails nor desynchronises matching. Patterns in the
  // IOC files are ASCII.
  o.set_encoding(RE2::Options::EncodingLatin1);
  return o;
}

}  // namespace

// One pattern, matched through a one-element RE2::Set rather than RE2 itself:
// libre2 2022-06 (Debian 12) loses matches in Latin-1 mode when a required
// literal prefix has a byte >= 0x80 (e.g. "\xe9F|\xe9x" never matches
// "ab\xe9F"), because its prefix accelerator searches for the UTF-8 encoding
// of that byte. RE2::Set has no prefix accelerator, so it matches the bytes,
// and a single pattern and the set agree (found by fuzz/ioc_fuzzer.cc).
class SingleRegex {
 public:
  static Result<std::unique_ptr<SingleRegex>> Compile(std::string_view pattern) {
    auto r = std::unique_ptr<SingleRegex>(new SingleRegex());
    std::string err;
    if (r->set_.Add(pattern, &err) < 0) return Status::InvalidArgument(err);
    if (!r->set_.Compile()) return Status::ResourceExhausted("regex too large to compile");
    return r;
  }
  bool PartialMatch(std::string_view text) const { return set_.Match(text, nullptr); }

 private:
  SingleRegex() : set_(MakeOptions(8 << 20), RE2::UNANCHORED) {}
  RE2::Set set_;
};

// Compilation is deferred to the first match (the set) and to the first
// slow match (the single patterns): a run that never matches a path — a
// rescan where every file comes from the --cache database — never pays for
// it (~80 ms for signature-base's 3,828 filename patterns). Add() still
// parses every pattern, so bad patterns are reported at load time.
struct RegexSet::Impl {
  explicit Impl(int64_t budget) : set(MakeOptions(budget), RE2::UNANCHORED) {}
  RE2::Set set;
  std::vector<std::string> patterns;
  std::once_flag set_once, singles_once;
  bool set_ok = false;
  std::vector<std::unique_ptr<SingleRegex>> singles;  // null: did not compile
  mutable std::atomic<uint64_t> fallbacks{0};
};

RegexSet::RegexSet(int64_t dfa_budget_bytes) : impl_(std::make_unique<Impl>(dfa_budget_bytes)) {}
RegexSet::~RegexSet() = default;
RegexSet::RegexSet(RegexSet&&) noexcept = default;
RegexSet& RegexSet::operator=(RegexSet&&) noexcept = default;

Result<int> RegexSet::Add(std::string_view pattern) {
  std::string err;
  int idx = impl_->set.Add(pattern, &err);
  if (idx < 0) return Status::InvalidArgument(err);
  impl_->patterns.emplace_back(pattern);
  return idx;
}

Status RegexSet::Compile() { return Status::Ok(); }

void RegexSet::Match(std::string_view text, std::vector<int>* out) const {
  if (impl_->patterns.empty()) return;
  std::call_once(impl_->set_once, [this] { impl_->set_ok = impl_->set.Compile(); });
  std::vector<int> hits;
  RE2::Set::ErrorInfo info;
  // A set too large to compile, or a DFA over its budget: the slow twin.
  if (!impl_->set_ok ||
      (!impl_->set.Match(text, &hits, &info) && info.kind != RE2::Set::kNoError)) {
    impl_->fallbacks.fetch_add(1, std::memory_order_relaxed);
    MatchSlow(text, out);
    return;
  }
  std::sort(hits.begin(), hits.end());
  out->insert(out->end(), hits.begin(), hits.end());
}

void RegexSet::MatchSlow(std::string_view text, std::vector<int>* out) const {
  std::call_once(impl_->singles_once, [this] {
    for (const auto& p : impl_->patterns) {
      auto r = SingleRegex::Compile(p);
      impl_->singles.push_back(r.ok() ? std::move(*r) : nullptr);
    }
  });
  for (size_t i = 0; i < impl_->singles.size(); ++i) {
    if (impl_->singles[i] && impl_->singles[i]->PartialMatch(text)) out->push_back(static_cast<int>(i));
  }
}

size_t RegexSet::size() const { return impl_->patterns.size(); }

uint64_t RegexSet::slow_fallbacks() const {
  return impl_->fallbacks.load(std::memory_order_relaxed);
}

Regex::Regex(std::unique_ptr<SingleRegex> re) : re_(std::move(re)) {}
Regex::~Regex() = default;

Result<std::unique_ptr<Regex>> Regex::Compile(std::string_view pattern) {
  auto re = SingleRegex::Compile(pattern);
  if (!re.ok()) return re.status();
  return std::unique_ptr<Regex>(new Regex(std::move(*re)));
}

bool Regex::PartialMatch(std::string_view text) const { return re_->PartialMatch(text); }

}  // namespace harrier
