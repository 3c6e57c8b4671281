// "icon.iconic_deaddrop" and the ICO/PNG parser.
#include <gtest/gtest.h>

#include "check_test_util.h"
#include "checks/ico.h"
#include "checks/native.h"
#include "testutil/synth.h"

namespace harrier::testing {
namespace {

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

class DeadDropIconTest : public ::testing::Test {
 protected:
  std::unique_ptr<Check> check_ = MakeDeadDropIconCheck(&ShippedCheckData());
  const IconData& ic_ = ShippedCheckData().icon;
};

TEST_F(DeadDropIconTest, IcoWithMarkerAndBase64Alerts) {
  std::string blob = synth::Base64Text(118) + "==";
  auto rs = RunCheck(*check_, synth::IcoWithPng(ic_.marker + blob), "/tmp/icon13.ico");
  const Reason* r = FindReason(rs, "icon.iconic_deaddrop");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, ic_.score);
  EXPECT_GT(r->score, 75);
  EXPECT_EQ(Detail(*r, "base64_chars"), "120");
  EXPECT_EQ(Detail(*r, "decoded_bytes"), "88");
  EXPECT_FALSE(r->remediation.empty());
}

TEST_F(DeadDropIconTest, TrailerInsideDeclaredEntryAfterIendAlertsToo) {
  auto rs = RunCheck(*check_, synth::IcoWithPng(ic_.marker + synth::Base64Text(64), true));
  EXPECT_NE(FindReason(rs, "icon.iconic_deaddrop"), nullptr);
}

TEST_F(DeadDropIconTest, PngWithTrailerAlerts) {
  auto rs =
      RunCheck(*check_, synth::MinimalPng() + ic_.marker + synth::Base64Text(80), "/tmp/a.png");
  const Reason* r = FindReason(rs, "icon.iconic_deaddrop");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->description.find("PNG"), std::string::npos);
}

TEST_F(DeadDropIconTest, CleanIconsAndNearMissesAreQuiet) {
  EXPECT_TRUE(RunCheck(*check_, synth::IcoWithPng()).empty());
  EXPECT_TRUE(RunCheck(*check_, synth::MinimalPng()).empty());
  // Too short to be the dead drop.
  EXPECT_TRUE(RunCheck(*check_, synth::IcoWithPng(ic_.marker + "abc")).empty());
  // Base64 without the marker, or binary junk after the image.
  EXPECT_TRUE(RunCheck(*check_, synth::IcoWithPng(synth::Base64Text(100))).empty());
  EXPECT_TRUE(RunCheck(*check_, synth::IcoWithPng(synth::RandomBytes(100))).empty());
  // The marker and base64 inside the image data (not after it).
  std::string ico = synth::IcoWithPng();
  ico.insert(30, ic_.marker + synth::Base64Text(40));
  EXPECT_TRUE(RunCheck(*check_, ico).empty());
  // Not an image at all.
  EXPECT_TRUE(RunCheck(*check_, ic_.marker + synth::Base64Text(100)).empty());
}

// The length boundary: min_base64_chars (16) characters after the marker
// alert, one fewer stays quiet, for ICO and PNG.
TEST_F(DeadDropIconTest, Base64RunAtTheMinimumAlertsOneShorterIsQuiet) {
  ASSERT_EQ(ic_.min_base64_chars, 16u);
  const size_t n = ic_.min_base64_chars;
  EXPECT_NE(FindReason(RunCheck(*check_, synth::IcoWithPng(ic_.marker + synth::Base64Text(n))),
                       "icon.iconic_deaddrop"),
            nullptr);
  EXPECT_TRUE(RunCheck(*check_, synth::IcoWithPng(ic_.marker + synth::Base64Text(n - 1))).empty());
  EXPECT_NE(FindReason(RunCheck(*check_, synth::MinimalPng() + ic_.marker + synth::Base64Text(n)),
                       "icon.iconic_deaddrop"),
            nullptr);
  EXPECT_TRUE(RunCheck(*check_, synth::MinimalPng() + ic_.marker + synth::Base64Text(n - 1)).empty());
}

TEST(IcoParse, LayoutOfIcoAndPng) {
  std::string ico = synth::IcoWithPng("TRAIL");
  auto l = ico::Parse(Span(ico));
  ASSERT_TRUE(l.ok());
  EXPECT_EQ(l->kind, ico::ImageLayout::Kind::kIco);
  EXPECT_EQ(l->entries, 1u);
  EXPECT_EQ(l->image_end, ico.size() - 5);
  ASSERT_EQ(l->trailers.size(), 1u);
  EXPECT_EQ(l->trailers[0].size, 5u);

  std::string png = synth::MinimalPng();
  auto p = ico::Parse(Span(png));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->image_end, png.size());
  EXPECT_TRUE(p->trailers.empty());
}

TEST(IcoParse, HostileDirectories) {
  EXPECT_FALSE(ico::Parse(Span(std::string("\0\0\1\0", 4))).ok());
  std::string ico = synth::IcoWithPng();
  std::string big = ico;
  synth::Put16(big, 4, 0xFFFF);  // more entries than fit
  EXPECT_FALSE(ico::Parse(Span(big)).ok());
  std::string far = ico;
  synth::Put32(far, 6 + 12, 0xFFFFFFF0u);  // offset beyond the file
  auto l = ico::Parse(Span(far));
  ASSERT_TRUE(l.ok());
  EXPECT_TRUE(l->truncated);
  for (size_t n = 0; n < ico.size(); ++n) (void)ico::Parse(Span(ico.substr(0, n)));
}

TEST(Base64, RunAndDecodedSize) {
  std::string s = "QUJD=x";
  EXPECT_EQ(ico::Base64Run(Span(s)), 5u);
  EXPECT_EQ(ico::Base64DecodedSize(Span(std::string("QUJD"))), 3u);
  EXPECT_EQ(ico::Base64DecodedSize(Span(std::string("QUI="))), 2u);
  EXPECT_FALSE(ico::Base64DecodedSize(Span(std::string("QUJDR"))));
}

}  // namespace
}  // namespace harrier::testing
