// RegexSet: many patterns, one pass per subject. Build-then-query: Add()
// every pattern, Compile() once, then Match() concurrently from any thread.
// The engine is RE2::Set (portable to mingw-w64, where vectorscan does not
// build); everything else in Harrier sees only this interface.
// MatchSlow() is the reference twin (one RE2 per pattern) for differential
// tests, and the fallback when the set's DFA exceeds its memory budget.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier {

class SingleRegex;  // regex_set.cc

class RegexSet {
 public:
  // `dfa_budget_bytes` caps the lazy DFA of the set (RE2 max_mem); hitting it
  // makes Match() fall back to MatchSlow() for that subject. Default 128 MiB.
  explicit RegexSet(int64_t dfa_budget_bytes = 128 << 20);
  ~RegexSet();
  RegexSet(RegexSet&&) noexcept;
  RegexSet& operator=(RegexSet&&) noexcept;

  // Returns the pattern's index, or InvalidArgument with RE2's message.
  // REQUIRES: Compile() not yet called.
  Result<int> Add(std::string_view pattern);
  // Ends the build phase. The RE2 set itself is compiled on the first
  // Match() (and the single patterns on the first MatchSlow()), so runs that
  // never match pay nothing; a set too large to compile falls back to
  // MatchSlow().
  Status Compile();

  // Appends the indices of all patterns found anywhere in `text` (unanchored),
  // sorted ascending. REQUIRES: Compile() succeeded (or the set is empty).
  void Match(std::string_view text, std::vector<int>* out) const;
  void MatchSlow(std::string_view text, std::vector<int>* out) const;

  size_t size() const;
  // How many Match() calls fell back to MatchSlow() (set over its budget, or
  // its DFA out of memory on a subject). For tests and diagnostics.
  uint64_t slow_fallbacks() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Compiles one pattern; true when `text` contains a match. For fp-patterns
// and excludes. Thread-safe after construction.
class Regex {
 public:
  static Result<std::unique_ptr<Regex>> Compile(std::string_view pattern);
  ~Regex();
  bool PartialMatch(std::string_view text) const;

 private:
  explicit Regex(std::unique_ptr<SingleRegex> re);
  std::unique_ptr<SingleRegex> re_;
};

}  // namespace harrier
