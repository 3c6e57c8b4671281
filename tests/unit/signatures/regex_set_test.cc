// RegexSet: Match (RE2::Set) against its reference twin MatchSlow on
// generated patterns and subjects, including non-UTF-8 bytes.
#include "signatures/regex_set.h"

#include <gtest/gtest.h>

#include <random>

namespace harrier {
namespace {

TEST(RegexSet, EmptySetMatchesNothing) {
  RegexSet s;
  ASSERT_TRUE(s.Compile().ok());
  std::vector<int> hits;
  s.Match("anything", &hits);
  EXPECT_TRUE(hits.empty());
}

TEST(RegexSet, BadPatternIsInvalidArgument) {
  RegexSet s;
  auto r = s.Add("(unclosed");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(s.size(), 0u);
  EXPECT_TRUE(s.Add("fine").ok());
  EXPECT_EQ(s.size(), 1u);
}

TEST(RegexSet, UnanchoredSortedIndices) {
  RegexSet s;
  ASSERT_EQ(*s.Add("c"), 0);
  ASSERT_EQ(*s.Add("^a"), 1);
  ASSERT_EQ(*s.Add("b$"), 2);
  ASSERT_EQ(*s.Add("zzz"), 3);
  ASSERT_TRUE(s.Compile().ok());
  std::vector<int> hits;
  s.Match("acb", &hits);
  EXPECT_EQ(hits, (std::vector<int>{0, 1, 2}));
}

TEST(RegexSet, InvalidUtf8SubjectIsBytes) {
  RegexSet s;
  ASSERT_TRUE(s.Add("\\xff\\.exe").ok());
  ASSERT_TRUE(s.Add("a.b").ok());
  ASSERT_TRUE(s.Compile().ok());
  std::vector<int> hits;
  s.Match(std::string("x\xff.exe"), &hits);
  EXPECT_EQ(hits, (std::vector<int>{0}));
  hits.clear();
  s.Match(std::string("a\xc3" "b"), &hits);  // '.' matches one (Latin-1) byte
  s.MatchSlow(std::string("a\xc3" "b"), &hits);
  EXPECT_EQ(hits, (std::vector<int>{1, 1}));
}

// Random patterns from a small alphabet so that matches are frequent.
std::string RandomPattern(std::mt19937& rng) {
  static const std::vector<std::string> atoms = {"a", "b", "c", "\\\\", "/", "\\.", ".", "[ab]",
                                                 "(a|c)", "x*", "b+", "\\d", "[^/]", "(?i)A"};
  std::uniform_int_distribution<int> n(1, 5), pick(0, static_cast<int>(atoms.size()) - 1),
      anchor(0, 5);
  std::string p;
  int a = anchor(rng);
  if (a == 0) p += "^";
  for (int i = n(rng); i > 0; --i) p += atoms[pick(rng)];
  if (a == 1) p += "$";
  return p;
}

std::string RandomSubject(std::mt19937& rng) {
  static const std::string alphabet = "abcx/\\.1A\xff\x80";
  std::uniform_int_distribution<int> len(0, 24), pick(0, static_cast<int>(alphabet.size()) - 1);
  std::string s;
  for (int i = len(rng); i > 0; --i) s += alphabet[pick(rng)];
  return s;
}

TEST(RegexSet, MatchEqualsMatchSlowOnRandomInputs) {
  std::mt19937 rng(12345);
  size_t total_hits = 0;
  for (int round = 0; round < 20; ++round) {
    RegexSet s;
    std::uniform_int_distribution<int> count(1, 60);
    for (int i = count(rng); i > 0; --i) ASSERT_TRUE(s.Add(RandomPattern(rng)).ok());
    ASSERT_TRUE(s.Compile().ok());
    for (int j = 0; j < 300; ++j) {
      std::string subj = RandomSubject(rng);
      std::vector<int> fast, slow;
      s.Match(subj, &fast);
      s.MatchSlow(subj, &slow);
      ASSERT_EQ(fast, slow) << "subject '" << subj << "' round " << round;
      total_hits += fast.size();
    }
  }
  EXPECT_GT(total_hits, 1000u);  // the test exercises matches, not just misses
}

TEST(RegexSet, TinyDfaBudgetFallsBackToSlowPathWithSameAnswer) {
  // A set whose program cannot fit a 4 KiB budget: every Match() must take
  // the slow path and still answer as the set with the default budget does.
  RegexSet tiny(4 << 10);
  RegexSet normal;
  std::mt19937 rng(7);
  for (int i = 0; i < 50; ++i) {
    std::string p = "[a-c]{0,3}" + RandomPattern(rng) + "[^x]{2}b";
    if (!normal.Add(p).ok()) continue;
    ASSERT_TRUE(tiny.Add(p).ok());
  }
  ASSERT_TRUE(tiny.Compile().ok());
  ASSERT_TRUE(normal.Compile().ok());
  size_t hits = 0;
  for (int j = 0; j < 200; ++j) {
    std::string subj = RandomSubject(rng) + RandomSubject(rng);
    std::vector<int> a, b;
    tiny.Match(subj, &a);
    normal.Match(subj, &b);
    ASSERT_EQ(a, b) << subj;
    hits += a.size();
  }
  EXPECT_EQ(tiny.slow_fallbacks(), 200u) << "the tiny budget never forced the slow path";
  EXPECT_EQ(normal.slow_fallbacks(), 0u);
  EXPECT_GT(hits, 0u) << "the subjects never match: the comparison proves nothing";
}

TEST(Regex, PartialMatch) {
  auto r = Regex::Compile("foo\\d");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->PartialMatch("xxfoo1yy"));
  EXPECT_FALSE((*r)->PartialMatch("foo"));
  EXPECT_FALSE(Regex::Compile("[").ok());
}

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

// Regression (found by fuzz/ioc_fuzzer.cc): libre2 2022-06's prefix
// accelerator loses Latin-1 matches when the required prefix has a byte
// >= 0x80; the set and the single-pattern twin must both find them.
TEST(RegexSet, HighBytePrefixAlternationMatchesInBothPaths) {
  const std::string pattern = "\xe9" "F|\xe9" "x";
  const std::string subject = "ab\xe9" "Fcd";
  RegexSet set;
  ASSERT_TRUE(set.Add(pattern).ok());
  ASSERT_TRUE(set.Compile().ok());
  std::vector<int> fast, slow;
  set.Match(subject, &fast);
  set.MatchSlow(subject, &slow);
  EXPECT_EQ(fast, std::vector<int>{0});
  EXPECT_EQ(slow, std::vector<int>{0});
  auto re = Regex::Compile(pattern);
  ASSERT_TRUE(re.ok());
  EXPECT_TRUE((*re)->PartialMatch(subject));
  EXPECT_FALSE((*re)->PartialMatch("ab\xe9" "Gcd"));
}

}  // namespace
}  // namespace harrier
