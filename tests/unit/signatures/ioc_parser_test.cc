// ParseHashIocs / ParseFilenameIocs / ParseC2Iocs on every line format of
// signature-base (see ../shared/signature-base/iocs), plus CRLF, BOM and
// malformed lines (diagnostics with file:line, the rest still loads).
#include "signatures/ioc.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

const std::string kMd5 = "d41d8cd98f00b204e9800998ecf8427e";
const std::string kSha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const std::string kSha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::vector<std::string> Wheres(const Diagnostics& d) {
  std::vector<std::string> out;
  for (const auto& x : d.Snapshot()) out.push_back(x.where);
  return out;
}

TEST(ParseHashIocs, HashSemicolonDescription) {
  Diagnostics d;
  auto v = ParseHashIocs(kMd5 + ";Some malware\n", "h.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].hex, kMd5);
  EXPECT_EQ(v[0].score, kDefaultHashScore);
  EXPECT_EQ(v[0].description, "Some malware");
  EXPECT_EQ(v[0].source, "h.txt:1");
  EXPECT_EQ(d.error_count(), 0u);
}

TEST(ParseHashIocs, HashScoreDescription) {
  Diagnostics d;
  auto v = ParseHashIocs(kSha256 + ";70;Weak indicator\n", "h.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].score, 70);
  EXPECT_EQ(v[0].description, "Weak indicator");
}

TEST(ParseHashIocs, DescriptionContainingSemicolons) {
  Diagnostics d;
  auto v = ParseHashIocs(kSha1 + ";APT; stage 2; loader\n" + kMd5 + ";80;a;b\n", "h.txt", d);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].score, kDefaultHashScore);
  EXPECT_EQ(v[0].description, "APT; stage 2; loader");
  EXPECT_EQ(v[1].score, 80);
  EXPECT_EQ(v[1].description, "a;b");
}

TEST(ParseHashIocs, HashOnlyUppercaseIsLowered) {
  Diagnostics d;
  std::string upper = "D41D8CD98F00B204E9800998ECF8427E";
  auto v = ParseHashIocs(upper + "\n", "h.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].hex, kMd5);
  EXPECT_EQ(v[0].description, "");
}

TEST(ParseHashIocs, CommentsBlankLinesCrlfAndBom) {
  Diagnostics d;
  std::string text = "\xEF\xBB\xBF# header comment\r\n\r\n   \r\n" + kMd5 + ";first\r\n# another\r\n" +
                     kSha1 + ";90;second\r\n";
  auto v = ParseHashIocs(text, "h.txt", d);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].description, "first");  // no trailing \r
  EXPECT_EQ(v[0].source, "h.txt:4");
  EXPECT_EQ(v[1].score, 90);
  EXPECT_EQ(v[1].description, "second");
  EXPECT_EQ(v[1].source, "h.txt:6");
  EXPECT_EQ(d.error_count(), 0u);
}

TEST(ParseHashIocs, BomBeforeFirstHashIsIgnored) {
  Diagnostics d;
  auto v = ParseHashIocs("\xEF\xBB\xBF" + kMd5 + ";x\n", "h.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].hex, kMd5);
}

TEST(ParseHashIocs, MalformedLinesAreDiagnosticsWithFileLine) {
  Diagnostics d;
  std::string text = kMd5 + ";good\n" +
                     "nothex" + std::string(26, 'z') + ";bad\n" +  // line 2: not hex
                     kMd5.substr(0, 31) + ";short\n" +            // line 3: wrong length
                     kSha256 + ";ok\n";                          // line 4
  auto v = ParseHashIocs(text, "dir/hash-iocs.txt", d);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1].source, "dir/hash-iocs.txt:4");
  EXPECT_EQ(d.error_count(), 2u);
  EXPECT_EQ(Wheres(d), (std::vector<std::string>{"dir/hash-iocs.txt:2", "dir/hash-iocs.txt:3"}));
}

TEST(ParseFilenameIocs, RegexScore) {
  Diagnostics d;
  auto v = ParseFilenameIocs("# Usbclass\n\\\\usbclass\\.sys;80\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pattern, "\\\\usbclass\\.sys");
  EXPECT_EQ(v[0].score, 80);
  EXPECT_EQ(v[0].fp_pattern, "");
  EXPECT_EQ(v[0].description, "Usbclass");
  EXPECT_EQ(v[0].source, "f.txt:2");
}

TEST(ParseFilenameIocs, RegexScoreFalsePositive) {
  Diagnostics d;
  auto v = ParseFilenameIocs("\\\\svchost\\.exe;65;\\\\System32\\\\\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pattern, "\\\\svchost\\.exe");
  EXPECT_EQ(v[0].score, 65);
  EXPECT_EQ(v[0].fp_pattern, "\\\\System32\\\\");
}

TEST(ParseFilenameIocs, NegativeScore) {
  Diagnostics d;
  auto v = ParseFilenameIocs("/usr/lib/good;-30\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].score, -30);
}

TEST(ParseFilenameIocs, CommentIsDescriptionOfFollowingLinesUntilNextComment) {
  Diagnostics d;
  auto v = ParseFilenameIocs("# A\na1;50\n\na2;50\n# B\nb1;60\n#\nb2;60\n", "f.txt", d);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0].description, "A");
  EXPECT_EQ(v[1].description, "A");  // blank line keeps it
  EXPECT_EQ(v[2].description, "B");
  EXPECT_EQ(v[3].description, "B");  // empty comment keeps the previous
}

TEST(ParseFilenameIocs, RegexContainingSemicolonBeforeScore) {
  Diagnostics d;
  auto v = ParseFilenameIocs("a;b\\.txt;70\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pattern, "a;b\\.txt");
  EXPECT_EQ(v[0].score, 70);
}

TEST(ParseFilenameIocs, CrlfAndBom) {
  Diagnostics d;
  auto v = ParseFilenameIocs("\xEF\xBB\xBF# d\r\nevil\\.exe;70;fp\r\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pattern, "evil\\.exe");
  EXPECT_EQ(v[0].fp_pattern, "fp");
  EXPECT_EQ(v[0].description, "d");
}

TEST(ParseFilenameIocs, MalformedLines) {
  Diagnostics d;
  auto v = ParseFilenameIocs("noscore\nx;notanumber\n;50\ngood;50\n", "f.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].pattern, "good");
  EXPECT_EQ(Wheres(d), (std::vector<std::string>{"f.txt:1", "f.txt:2", "f.txt:3"}));
}

TEST(ParseC2Iocs, IndicatorAndScore) {
  Diagnostics d;
  auto v = ParseC2Iocs("# Group X\nevil.example.com\n10.1.2.3;60\n", "c2.txt", d);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0].indicator, "evil.example.com");
  EXPECT_EQ(v[0].score, kDefaultC2Score);
  EXPECT_EQ(v[0].description, "Group X");
  EXPECT_EQ(v[1].indicator, "10.1.2.3");
  EXPECT_EQ(v[1].score, 60);
  EXPECT_EQ(v[1].source, "c2.txt:3");
}

TEST(ParseC2Iocs, MalformedLines) {
  Diagnostics d;
  auto v = ParseC2Iocs("a.b\nhas space.com\nok.example;x\nfine.example.org\n", "c2.txt", d);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0].indicator, "fine.example.org");
  EXPECT_EQ(Wheres(d), (std::vector<std::string>{"c2.txt:1", "c2.txt:2", "c2.txt:3"}));
}

TEST(IocKindForFileName, SignatureBaseNames) {
  EXPECT_EQ(IocKindForFileName("hash-iocs.txt"), IocKind::kHash);
  EXPECT_EQ(IocKindForFileName("filename-iocs.txt"), IocKind::kFilename);
  EXPECT_EQ(IocKindForFileName("c2-iocs.txt"), IocKind::kC2);
  EXPECT_EQ(IocKindForFileName("falsepositive-hashes.txt"), IocKind::kFalsePositiveHash);
  EXPECT_EQ(IocKindForFileName("keywords.txt"), IocKind::kNone);
  EXPECT_EQ(IocKindForFileName("README.txt"), IocKind::kNone);
  EXPECT_EQ(IocKindForFileName("My-HASH-list.TXT"), IocKind::kHash);
}

}  // namespace
}  // namespace harrier
