// C2Matcher (vectorscan) against its two twins: the plain search ScanSlow
// and libyara itself running the generated C2 rules (C2RulesSource, what
// --yara-reference uses). All three must find the same (indicator, offset,
// form) hits.
#include "signatures/c2_matcher.h"

#include <gtest/gtest.h>

#include <random>

#include "scan/yara_scanner.h"
#include "signatures/signature_set.h"

namespace harrier {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::vector<C2Ioc> Iocs(std::vector<std::string> names) {
  std::vector<C2Ioc> out;
  for (auto& n : names) {
    C2Ioc c;
    c.indicator = std::move(n);
    c.score = 80;
    out.push_back(std::move(c));
  }
  return out;
}

std::string Wide(std::string_view s) {
  std::string w;
  for (char c : s) {
    w += c;
    w += '\0';
  }
  return w;
}

std::vector<C2Hit> Fast(const std::vector<C2Ioc>& iocs, const std::string& data, size_t max = 0) {
  auto m = C2Matcher::Build(iocs);
  EXPECT_TRUE(m.ok());
  auto scratch = (*m)->NewScratch();
  EXPECT_TRUE(scratch.ok());
  std::vector<C2Hit> hits;
  EXPECT_TRUE((*m)->Scan(Bytes(data), **scratch, max, &hits).ok());
  return hits;
}

// (indicator, offset) of every hit libyara reports for the generated rules,
// in reference mode (all hits, no fast mode).
std::vector<std::pair<uint32_t, uint64_t>> Yara(const std::vector<C2Ioc>& iocs,
                                                const std::string& data) {
  Diagnostics d;
  auto rules = CompileYara({{std::string(kC2Namespace), C2RulesSource(iocs).source}}, d, nullptr);
  EXPECT_TRUE(rules.ok());
  YaraLimits limits;
  limits.fast_mode = false;
  limits.max_strings = 1000;
  auto list = std::make_shared<const std::vector<C2Ioc>>(iocs);
  auto scanner = YaraScanner::Create(*rules, limits, list);
  EXPECT_TRUE(scanner.ok());
  std::vector<Reason> reasons;
  EXPECT_TRUE((*scanner)->Scan(Bytes(data), {}, &reasons).ok());
  std::vector<std::pair<uint32_t, uint64_t>> out;
  for (const auto& r : reasons) {
    uint32_t idx = 0;
    while (idx < iocs.size() && iocs[idx].indicator != r.name) ++idx;
    for (const auto& h : r.strings) out.emplace_back(idx, h.offset);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::pair<uint32_t, uint64_t>> Pairs(const std::vector<C2Hit>& hits) {
  std::vector<std::pair<uint32_t, uint64_t>> out;
  for (const auto& h : hits) out.emplace_back(h.ioc, h.offset);
  return out;
}

TEST(C2Matcher, AsciiWideNocaseFullword) {
  auto iocs = Iocs({"evil.example.com", "10.1.2.3", ""});
  std::string data = "x EVIL.Example.COM y";                   // 2: ascii, any case
  data += "aevil.example.com ";                                 // alnum before: no
  data += "evil.example.comz ";                                 // alnum after: no
  data += "(evil.example.com)";                                 // punctuation: yes
  data += Wide("see evil.example.com.");                        // wide, in a wide word
  data += Wide("q") + Wide("evil.example.com");                 // wide alnum before: no
  data += "10.1.2.3";                                           // at the end: yes
  auto hits = Fast(iocs, data);
  EXPECT_EQ(hits, C2Matcher::ScanSlow(iocs, Bytes(data), 0));
  // (libyara refuses an empty string, so its twin runs without the last one.)
  EXPECT_EQ(Pairs(hits), Yara({iocs[0], iocs[1]}, data));
  size_t ascii = 0, wide = 0;
  for (const auto& h : hits) (h.wide ? wide : ascii) += h.ioc == 0;
  EXPECT_EQ(ascii, 2u);
  EXPECT_EQ(wide, 1u);
  EXPECT_EQ(hits.back().ioc, 1u);
  EXPECT_EQ(hits.back().offset, data.size() - 8);
}

TEST(C2Matcher, LimitKeepsTheFirstHitsPerIndicator) {
  auto iocs = Iocs({"a.b", "c.d"});
  std::string data;
  for (int i = 0; i < 10; ++i) data += " a.b c.d";
  auto hits = Fast(iocs, data, 3);
  ASSERT_EQ(hits.size(), 6u);
  EXPECT_EQ(hits, C2Matcher::ScanSlow(iocs, Bytes(data), 3));
  EXPECT_EQ(hits[0].offset, 1u);
  EXPECT_EQ(hits[3].ioc, 1u);
}

TEST(C2Matcher, RandomBuffersAgreeWithBothTwins) {
  auto iocs = Iocs({"ab.cd", "x9.example", "1.1.1.1", "AbAb", "bab"});
  std::mt19937 rng(7);
  const std::string alphabet = std::string("abAB.19 x\0", 10);
  for (int round = 0; round < 200; ++round) {
    std::string data;
    size_t n = rng() % 200;
    while (data.size() < n) {
      if (rng() % 8 == 0) {
        const std::string& s = iocs[rng() % iocs.size()].indicator;
        data += rng() % 2 ? s : Wide(s);
      } else {
        data += alphabet[rng() % alphabet.size()];
      }
    }
    auto hits = Fast(iocs, data);
    ASSERT_EQ(hits, C2Matcher::ScanSlow(iocs, Bytes(data), 0)) << round;
    ASSERT_EQ(Pairs(hits), Yara(iocs, data)) << round;
  }
}

// Regression: vectorscan 5.4.9 missed these ascii hits after 63-69 and 76+
// bytes when one database held both forms of the literal (found by the ioc
// fuzzer). The matcher keeps one database per form.
TEST(C2Matcher, HitsAreFoundAfterAnyPrefix) {
  auto iocs = Iocs({"(unclosed"});
  for (size_t pre = 0; pre < 300; ++pre) {
    for (char fill : {'a', ' ', '\xff'}) {
      std::string data = std::string(pre, fill) + "\n(unclosed;50\n";
      auto hits = Fast(iocs, data);
      ASSERT_EQ(hits.size(), 1u) << pre << " x " << int(fill);
      EXPECT_EQ(hits[0].offset, pre + 1);
    }
  }
}

TEST(C2Matcher, NoIndicatorsFindNothing) {
  EXPECT_TRUE(Fast({}, "anything").empty());
  EXPECT_TRUE(Fast(Iocs({""}), "anything").empty());
}

}  // namespace
}  // namespace harrier
