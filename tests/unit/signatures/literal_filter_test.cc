// The literal prefilter's search (src/signatures/literal_filter.h) against a
// naive one.
#include "signatures/literal_filter.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace harrier {
namespace {

// The search against a naive one over random data with planted literals of
// every length class (4..7 and 8+ bytes), in both cases, at both ends.
TEST(LiteralFilter, FindsExactlyTheRulesWhoseLiteralsOccur) {
  std::vector<PrefilterRule> rules;
  std::mt19937 rng(7);
  auto word = [&](size_t n) {
    std::string s;
    for (size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + rng() % 6));
    return s;
  };
  for (int r = 0; r < 300; ++r) {
    PrefilterRule pr;
    pr.name = "r" + std::to_string(r);
    for (int k = 0; k < 1 + r % 3; ++k) pr.literals.push_back(word(4 + rng() % 9));
    rules.push_back(pr);
  }
  LiteralFilter f(rules);
  EXPECT_EQ(f.rule_count(), 300u);
  std::vector<uint8_t> hit, scratch;
  for (int round = 0; round < 200; ++round) {
    std::string data = word(rng() % 300);
    for (char& c : data)
      if (rng() % 3 == 0) c = static_cast<char>(c - 32);  // upper case
    if (round % 2 == 0) data = rules[rng() % 300].literals[0] + data;
    if (round % 3 == 0) data += rules[rng() % 300].literals[0];
    f.Match({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, &hit, &scratch);
    std::string folded = data;
    // ASCII case folding written out here (YARA's nocase), not the
    // product's FoldAscii: the expectation must not share its code.
    for (char& c : folded) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    for (size_t r = 0; r < rules.size(); ++r) {
      bool want = false;
      for (const auto& l : rules[r].literals) want = want || folded.find(l) != std::string::npos;
      ASSERT_EQ(hit[r] != 0, want) << "round " << round << " rule " << r << " data " << data;
    }
  }
}

TEST(LiteralFilter, ShortAndEmptyData) {
  LiteralFilter f({{"ns", "r", {"abcd"}}});
  std::vector<uint8_t> hit, scratch;
  for (std::string d : {"", "a", "abc", "abcd", "xABCD", "abc d"}) {
    f.Match({reinterpret_cast<const uint8_t*>(d.data()), d.size()}, &hit, &scratch);
    ASSERT_EQ(hit.size(), 1u);
    EXPECT_EQ(hit[0] != 0, d == "abcd" || d == "xABCD") << d;
  }
}

}  // namespace
}  // namespace harrier
