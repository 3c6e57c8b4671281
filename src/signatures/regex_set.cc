#include "signatures/regex_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>

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

struct RegexSet::Impl {
  explicit Impl(int64_t budget) : set(MakeOptions(budget), RE2::UNANCHORED) {}
  RE2::Set set;
  bool compiled = false;
};

RegexSet::RegexSet(int64_t dfa_budget_bytes) : impl_(std::make_unique<Impl>(dfa_budget_bytes)) {}
RegexSet::~RegexSet() = default;
RegexSet::RegexSet(RegexSet&&) noexcept = default;
RegexSet& RegexSet::operator=(RegexSet&&) noexcept = default;

Result<int> RegexSet::Add(std::string_view pattern) {
  auto single = SingleRegex::Compile(pattern);
  if (!single.ok()) return single.status();
  std::string err;
  int idx = impl_->set.Add(pattern, &err);
  if (idx < 0) return Status::InvalidArgument(err);
  single_.push_back(std::move(*single));
  return idx;
}

Status RegexSet::Compile() {
  if (single_.empty()) {
    impl_->compiled = true;
    return Status::Ok();
  }
  if (!impl_->set.Compile()) return Status::ResourceExhausted("regex set too large to compile");
  impl_->compiled = true;
  return Status::Ok();
}

void RegexSet::Match(std::string_view text, std::vector<int>* out) const {
  if (single_.empty()) return;
  std::vector<int> hits;
  RE2::Set::ErrorInfo info;
  if (!impl_->set.Match(text, &hits, &info) && info.kind != RE2::Set::kNoError) {
    MatchSlow(text, out);
    return;
  }
  std::sort(hits.begin(), hits.end());
  out->insert(out->end(), hits.begin(), hits.end());
}

void RegexSet::MatchSlow(std::string_view text, std::vector<int>* out) const {
  for (size_t i = 0; i < single_.size(); ++i) {
    if (single_[i]->PartialMatch(text)) out->push_back(static_cast<int>(i));
  }
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
