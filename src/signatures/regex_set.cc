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
  auto single = std::make_unique<RE2>(pattern, MakeOptions(8 << 20));
  if (!single->ok()) return Status::InvalidArgument(single->error());
  std::string err;
  int idx = impl_->set.Add(pattern, &err);
  if (idx < 0) return Status::InvalidArgument(err);
  single_.push_back(std::move(single));
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
    if (RE2::PartialMatch(text, *single_[i])) out->push_back(static_cast<int>(i));
  }
}

Regex::Regex(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
Regex::~Regex() = default;

Result<std::unique_ptr<Regex>> Regex::Compile(std::string_view pattern) {
  auto re = std::make_unique<RE2>(pattern, MakeOptions(8 << 20));
  if (!re->ok()) return Status::InvalidArgument(re->error());
  return std::unique_ptr<Regex>(new Regex(std::move(re)));
}

bool Regex::PartialMatch(std::string_view text) const { return RE2::PartialMatch(text, *re_); }

}  // namespace harrier
