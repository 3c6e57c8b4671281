// FindC2Matches: hand-written cases of what a domain, an IP address and a
// URL indicator match (ascii and wide), the regression of '-' and '_'
// taken for label boundaries, and a differential test against the RE2
// reference twin (testutil/c2_reference.h) over every combination of
// indicator kind, neighbour and encoding.
#include "signatures/c2_indicator.h"

#include <gtest/gtest.h>

#include <string>

#include "testutil/c2_reference.h"

namespace harrier {
namespace {

using namespace std::string_literals;
using testing::C2RefMatch;

std::span<const uint8_t> Bytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

std::string Wide(std::string_view s) {
  std::string out;
  for (char c : s) out += {c, '\0'};
  return out;
}

bool Matches(std::string_view indicator, std::string_view data) {
  std::vector<C2Match> unused;
  return FindC2Matches(indicator, Bytes(data), 0, &unused);
}

std::vector<C2RefMatch> All(std::string_view indicator, std::string_view data) {
  std::vector<C2Match> found;
  FindC2Matches(indicator, Bytes(data), data.size() + 1, &found);
  std::vector<C2RefMatch> out;
  for (const auto& m : found) out.push_back({m.offset, m.length});
  return out;
}

// Ascii and wide alike.
void ExpectMatch(std::string_view indicator, const std::string& content, bool want) {
  EXPECT_EQ(Matches(indicator, content), want) << indicator << " in '" << content << "'";
  EXPECT_EQ(Matches(indicator, Wide(content)), want) << indicator << " in wide '" << content << "'";
}

// Regression: YARA `fullword` took '-' and '_' (and '.') for word ends, so
// evil.com fired on these.
TEST(C2Indicator, RegressionHyphenUnderscoreAndLongerHostAreNotTheDomain) {
  for (const auto& content :
       {"not-evil.com"s, "under_evil.com"s, "evil.com.au"s, "GET http://not-evil.com/x"s,
        "x under_evil.com:443"s, "evil.com.au/path"s, "EVIL.COM.AU"s, "evil.com-cdn.net"s,
        "evil.com_x"s})
    ExpectMatch("evil.com", content, false);
}

TEST(C2Indicator, DomainMatchesItselfAndItsSubdomains) {
  for (const auto& content :
       {"evil.com"s, "a.evil.com"s, "x.y.EVIL.com"s, "http://evil.com/x"s, "evil.com:443"s,
        "visit evil.com."s, "(evil.com)"s, "\"evil.com\""s, "user@evil.com"s, "evil.com\n"s,
        "evil.com..x"s, "a-b.evil.com"s, "evil.com/"s})
    ExpectMatch("evil.com", content, true);
  for (const auto& content : {"notevil.com"s, "evil.community"s, "evil.com9"s, "xevil.com"s})
    ExpectMatch("evil.com", content, false);
}

TEST(C2Indicator, Ipv4AddressMatchesOnlyTheWholeAddress) {
  for (const auto& content : {"1.2.3.4"s, "ip=1.2.3.4;"s, "1.2.3.4:8080"s, "http://1.2.3.4/x"s,
                              "[1.2.3.4]"s, "1.2.3.4."s})
    ExpectMatch("1.2.3.4", content, true);
  for (const auto& content :
       {"11.2.3.4"s, "1.2.3.45"s, "5.1.2.3.4"s, "1.2.3.4.5"s, "v1.2.3.4"s, "1.2.3.4x"s})
    ExpectMatch("1.2.3.4", content, false);
}

TEST(C2Indicator, UrlWithPathMatchesItsOwnPrefix) {
  const char* ind = "https://e.example/gate";
  for (const auto& content :
       {"https://e.example/gate"s, "https://e.example/gate.php?id=1"s, "https://e.example/gates"s,
        "HTTPS://E.EXAMPLE/GATE/x"s, "\"https://e.example/gate\""s, "url=https://e.example/gate"s})
    ExpectMatch(ind, content, true);
  for (const auto& content : {"https://e.example/gat"s, "xhttps://e.example/gate"s,
                              "git+https://e.example/gate"s, "https://e.example.com/gate"s})
    ExpectMatch(ind, content, false);
}

TEST(C2Indicator, UrlEndingInTheHostKeepsTheHostBoundary) {
  for (const auto& content : {"https://e.example"s, "https://e.example/x"s,
                              "https://e.example:8443/"s, "https://e.example?q"s})
    ExpectMatch("https://e.example", content, true);
  for (const auto& content :
       {"https://e.example.au/"s, "https://e.examples"s, "https://e.example-cdn.net"s})
    ExpectMatch("https://e.example", content, false);
}

TEST(C2Indicator, DomainWithPathHasTheDomainBeforeAndAPrefixAfter) {
  ExpectMatch("evil.com/gate", "a.evil.com/gate.php", true);
  ExpectMatch("evil.com/gate", "https://evil.com/gate", true);
  ExpectMatch("evil.com/gate", "not-evil.com/gate", false);
}

TEST(C2Indicator, WideNeighboursAreUnits) {
  // A non-ASCII unit before or after is a boundary; an ASCII letter unit
  // is not; a lone byte at either end of the data is.
  EXPECT_TRUE(Matches("evil.com", "\x41\x04"s + Wide("evil.com") + "\x41\x04"s));
  EXPECT_FALSE(Matches("evil.com", Wide("-evil.com")));
  EXPECT_FALSE(Matches("evil.com", Wide("evil.com_")));
  EXPECT_TRUE(Matches("evil.com", "-"s + Wide("evil.com") + "-"s));
  EXPECT_FALSE(Matches("evil.com", "\0"s + Wide("_evil.com")));
}

TEST(C2Indicator, OffsetsLengthsAndLimits) {
  std::string data = "not-evil.com " + Wide("a.EVIL.com") + " evil.com";
  // The wide match starts 2 units (4 bytes) into its text.
  EXPECT_EQ(All("evil.com", data), (std::vector<C2RefMatch>{{13 + 4, 16}, {13 + 20 + 1, 8}}));
  std::vector<C2Match> one;
  EXPECT_TRUE(FindC2Matches("evil.com", Bytes(data), 1, &one));
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].offset, 17u);
  std::vector<C2Match> none;
  EXPECT_TRUE(FindC2Matches("evil.com", Bytes(data), 0, &none));
  EXPECT_TRUE(none.empty());
  EXPECT_FALSE(FindC2Matches("evil.com", Bytes("not-evil.com"), 5, &none));
  EXPECT_FALSE(FindC2Matches("", Bytes("anything"), 5, &none));
  EXPECT_TRUE(none.empty());
}

// Differential: every indicator kind, between every pair of neighbours,
// ascii, wide and mixed, with the indicator in changed case, against the
// RE2 twin.
TEST(C2Indicator, SameMatchesAsReference) {
  const std::vector<std::string> indicators = {
      "evil.com",      "1.2.3.4",        "https://e.example/gate", "https://e.example",
      "evil.com/gate", "e.example:8080", "ftp://x.example?q=1",    "a_b-c.example"};
  const std::vector<std::string> left = {"",     " ",   ".",  "-",  "_",  "a",  "Z",
                                         "9",    "/",   ":",  "+",  "@",  "\"", "\n",
                                         "\x80", "\0"s, "x.", "x-", "s+", "1."};
  const std::vector<std::string> right = {"",   " ",   ".",    ".a",  ". ", "..", "-",
                                          "_",  "x",   "0",    "/",   "/x", ":",  "?q",
                                          "#f", ".\n", "\x80", "\0"s, ".-", ".9"};
  size_t cases = 0, matched = 0;
  for (const auto& ind : indicators) {
    const testing::C2Reference ref(ind);
    ASSERT_TRUE(ref.ok()) << ind;
    std::string upper = ind;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const auto& l : left) {
      for (const auto& r : right) {
        for (const auto& shown : {ind, upper}) {
          const std::vector<std::string> datas = {l + shown + r,
                                                  Wide(l + shown + r),
                                                  l + Wide(shown) + r,
                                                  Wide(l) + shown + Wide(r),
                                                  "\x01\x04"s + Wide(shown) + "\x02\x04"s,
                                                  shown + l + shown + r + shown};
          for (const auto& d : datas) {
            auto want = ref.Matches(d);
            EXPECT_EQ(All(ind, d), want) << ind << " in '" << d << "'";
            ++cases;
            matched += !want.empty();
          }
        }
      }
    }
  }
  // The inputs exercise both outcomes.
  EXPECT_GT(matched, cases / 4);
  EXPECT_LT(matched, cases);
}

}  // namespace
}  // namespace harrier
