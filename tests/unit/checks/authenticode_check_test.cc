// "pe.authenticode": CVE-2013-3900 padding and intel signers, on synthetic
// PE files signed at test time with real DER PKCS#7 blobs.
#include <gtest/gtest.h>

#include "check_test_util.h"
#include "checks/authenticode.h"
#include "checks/native.h"
#include "testutil/synth.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

const std::string kTag("\xFE\xED\xFA\xCE\xFE\xED\xFA\xCE", 8);

std::string SignedPe(const synth::SignSpec& sign, const std::string& extra = "",
                     std::optional<std::string> version = std::nullopt,
                     uint32_t pe_ts = 0x64000000) {
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(synth::MakePkcs7(sign), extra);
  s.timestamp = pe_ts;
  if (version) {
    s.version_blob = synth::VersionInfoBlob(
        {{"CompanyName", "3CX"}, {"ProductName", "3CX Desktop App"}, {"ProductVersion", *version}});
  }
  return synth::BuildPe(s);
}

int64_t Date(const char* ymd) { return *authenticode::ParseDate(ymd); }

class AuthenticodeCheckTest : public ::testing::Test {
 protected:
  std::unique_ptr<Check> check_ = MakeAuthenticodeCheck(&ShippedCheckData());
  const PaddingData& pad_ = ShippedCheckData().padding;
};

TEST_F(AuthenticodeCheckTest, CleanSignedPeHasNoReason) {
  auto rs = RunCheck(*check_, SignedPe({}));
  EXPECT_TRUE(rs.empty()) << rs.size();
}

TEST_F(AuthenticodeCheckTest, UnsignedPeAndNonPeHaveNoReason) {
  EXPECT_TRUE(RunCheck(*check_, synth::BuildPe({})).empty());
  EXPECT_TRUE(RunCheck(*check_, "MZ but nothing else").empty());
  EXPECT_TRUE(RunCheck(*check_, "plain text").empty());
}

TEST_F(AuthenticodeCheckTest, AlignmentZerosAreNotPadding) {
  auto rs = RunCheck(*check_, SignedPe({}, std::string(pad_.alignment - 1, '\0')));
  EXPECT_EQ(FindReason(rs, "pe.authenticode_padding"), nullptr);
}

// docs/checks.md: a region is padding when it is at least `alignment` (8)
// bytes long or holds a non-zero byte; 0-7 zero bytes are ordinary alignment.
// So 7 zero bytes are quiet (above) and exactly 8 are the low-score padding.
TEST_F(AuthenticodeCheckTest, ExactlyAlignmentZeroBytesAreLowScorePadding) {
  ASSERT_EQ(pad_.alignment, 8u);
  auto rs = RunCheck(*check_, SignedPe({}, std::string(pad_.alignment, '\0')));
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_padding);
  EXPECT_EQ(Detail(*r, "extra_bytes"), "8");
}

// The SigFlip tag and a payload appended after the certificate table (file
// overlay, outside the directory's range) are not padding inside the table.
TEST_F(AuthenticodeCheckTest, TagOutsideTheCertificateTableIsQuiet) {
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(synth::MakePkcs7({}));
  s.overlay_after_cert = kTag + synth::RandomBytes(200);
  auto rs = RunCheck(*check_, synth::BuildPe(s));
  EXPECT_EQ(FindReason(rs, "pe.authenticode_padding"), nullptr);
  // Control: the same bytes inside the table are the tag.
  s.cert_table = synth::WinCertificate(synth::MakePkcs7({}), kTag + synth::RandomBytes(200));
  s.overlay_after_cert.clear();
  // The reasons are kept: FindReason points into them (found by ASan when
  // they were a temporary).
  auto inside = RunCheck(*check_, synth::BuildPe(s));
  const Reason* r = FindReason(inside, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_tag);
}

TEST_F(AuthenticodeCheckTest, ShortNonZeroSlackIsPadding) {
  auto rs = RunCheck(*check_, SignedPe({}, "abc"));
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_padding);
  EXPECT_EQ(Detail(*r, "extra_bytes"), "3");
}

TEST_F(AuthenticodeCheckTest, ZeroPaddingBeyondAlignmentIsLowScore) {
  auto rs = RunCheck(*check_, SignedPe({}, std::string(64, '\0')));
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_padding);
  EXPECT_FALSE(r->remediation.empty());
}

TEST_F(AuthenticodeCheckTest, HighEntropyPaddingScoresHigher) {
  auto rs = RunCheck(*check_, SignedPe({}, synth::RandomBytes(512)));
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_high_entropy);
  EXPECT_NE(r->description.find("high entropy"), std::string::npos);
}

TEST_F(AuthenticodeCheckTest, SigFlipTagScoresHighestWithSignerEvidence) {
  synth::SignSpec sign;
  sign.common_name = "Microsoft Corporation";
  sign.organization = "Microsoft Corporation";
  sign.serial_hex = "330000023241fb59996dcc4dff000000000232";
  auto rs = RunCheck(*check_, SignedPe(sign, kTag + synth::RandomBytes(200)),
                     "/x/app/d3dcompiler_47.dll");
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_tag);
  EXPECT_GT(r->score, 75);
  EXPECT_EQ(Detail(*r, "extra_bytes"), "208");
  EXPECT_FALSE(Detail(*r, "tag").empty());
  EXPECT_NE(Detail(*r, "signer_subject").find("CN=Microsoft Corporation"), std::string::npos);
  EXPECT_EQ(Detail(*r, "signer_serial"), "330000023241fb59996dcc4dff000000000232");
  EXPECT_FALSE(Detail(*r, "signing_time").empty());
  EXPECT_EQ(Detail(*r, "signing_time_source"), "signingTime");
}

TEST_F(AuthenticodeCheckTest, DataAfterLastEntryInsideDirectoryIsPadding) {
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(synth::MakePkcs7({})) + kTag + std::string(8, 'x');
  auto rs = RunCheck(*check_, synth::BuildPe(s));
  const Reason* r = FindReason(rs, "pe.authenticode_padding");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, pad_.score_tag);
  EXPECT_NE(r->description.find("after the last WIN_CERTIFICATE"), std::string::npos);
}

TEST_F(AuthenticodeCheckTest, ThreeCxSerialOnAffectedBuildAlerts) {
  const SignerData& sd = Signer("3cx-ltd");
  synth::SignSpec sign;
  sign.serial_hex = sd.serial;
  sign.common_name = sd.subject_contains;
  sign.organization = sd.subject_contains;
  const auto& affected = ShippedCheckData().FindProduct(sd.affected_product)->affected_windows;
  auto rs = RunCheck(*check_, SignedPe(sign, "", affected.at(0) + ".0"));
  const Reason* r = FindReason(rs, "pe.signer.3cx-ltd");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, sd.score_affected_build);
  EXPECT_GT(r->score, 75);
  EXPECT_EQ(Detail(*r, "signer_serial"), sd.serial);
  EXPECT_NE(Detail(*r, "signer_subject").find(sd.subject_contains), std::string::npos);
  EXPECT_FALSE(r->remediation.empty());
}

TEST_F(AuthenticodeCheckTest, ThreeCxSerialOnCleanBuildDoesNotAlert) {
  const SignerData& sd = Signer("3cx-ltd");
  synth::SignSpec sign;
  sign.serial_hex = sd.serial;
  sign.common_name = sd.subject_contains;
  const auto& fixed = ShippedCheckData().FindProduct(sd.affected_product)->fixed;
  auto rs =
      RunCheck(*check_, SignedPe(sign, "", fixed.back()));  // signed "now": outside the window
  EXPECT_EQ(FindReason(rs, "pe.signer.3cx-ltd"), nullptr);
}

TEST_F(AuthenticodeCheckTest, ThreeCxSerialInsideSigningWindowWithoutVersionWarns) {
  const SignerData& sd = Signer("3cx-ltd");
  synth::SignSpec sign;
  sign.serial_hex = sd.serial;
  sign.common_name = sd.subject_contains;
  sign.signing_time = *sd.window_start + 86400;
  auto rs = RunCheck(*check_, SignedPe(sign));
  const Reason* r = FindReason(rs, "pe.signer.3cx-ltd");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, sd.score_in_window);
  sign.signing_time = *sd.window_end + 86400;
  EXPECT_EQ(FindReason(RunCheck(*check_, SignedPe(sign)), "pe.signer.3cx-ltd"), nullptr);
}

TEST_F(AuthenticodeCheckTest, OtherSerialWithThreeCxNameIsNotTheIntelCertificate) {
  synth::SignSpec sign;
  sign.serial_hex = "0a0b0c";
  sign.common_name = Signer("3cx-ltd").subject_contains;
  auto rs = RunCheck(*check_, SignedPe(sign, "", "18.12.416"));
  EXPECT_EQ(FindReason(rs, "pe.signer.3cx-ltd"), nullptr);
}

synth::SignSpec TradingTech() {
  const SignerData& sd = Signer("trading-technologies");
  synth::SignSpec sign;
  sign.serial_hex = sd.serial;
  sign.common_name = sd.subject_contains + ", Inc";
  sign.organization = sd.subject_contains + ", Inc";
  sign.issuer_cn = sd.issuer_contains;
  return sign;
}

TEST_F(AuthenticodeCheckTest, TradingTechSignedAfterDateAlerts) {
  const SignerData& sd = Signer("trading-technologies");
  synth::SignSpec sign = TradingTech();
  sign.signing_time = *sd.signed_after + 40 * 86400;
  auto rs = RunCheck(*check_, SignedPe(sign), testing::Indicator("/x/X_TRADER_r7.1|7.90p608.exe"));
  const Reason* r = FindReason(rs, "pe.signer.trading-technologies");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->score, sd.score_after);
  EXPECT_GT(r->score, 75);
  EXPECT_NE(Detail(*r, "signer_issuer").find(sd.issuer_contains), std::string::npos);
}

TEST_F(AuthenticodeCheckTest, TradingTechSignedBeforeDateIsQuiet) {
  synth::SignSpec sign = TradingTech();
  sign.signing_time = Date("2019-06-01");
  EXPECT_EQ(FindReason(RunCheck(*check_, SignedPe(sign)), "pe.signer.trading-technologies"),
            nullptr);
}

TEST_F(AuthenticodeCheckTest, TradingTechWithoutSigningTimeUsesPeTimestamp) {
  synth::SignSpec sign = TradingTech();
  sign.no_attributes = true;
  auto late = RunCheck(*check_,
                       SignedPe(sign, "", std::nullopt, static_cast<uint32_t>(Date("2022-08-01"))));
  const Reason* r = FindReason(late, "pe.signer.trading-technologies");
  ASSERT_NE(r, nullptr);
  EXPECT_NE(r->description.find("PE timestamp"), std::string::npos);
  auto early = RunCheck(
      *check_, SignedPe(sign, "", std::nullopt, static_cast<uint32_t>(Date("2019-08-01"))));
  EXPECT_EQ(FindReason(early, "pe.signer.trading-technologies"), nullptr);
}

TEST(Authenticode, DecodeSignerRejectsGarbage) {
  const uint8_t junk[] = {0x30, 0x03, 0x02, 0x01, 0x00};
  EXPECT_FALSE(authenticode::DecodeSigner(junk).ok());
  EXPECT_FALSE(authenticode::DecodeSigner({}).ok());
}

TEST(Authenticode, ParseDate) {
  EXPECT_EQ(authenticode::ParseDate("1970-01-02"), 86400);
  EXPECT_FALSE(authenticode::ParseDate("2022-13-01"));
  EXPECT_FALSE(authenticode::ParseDate("20220101"));
  EXPECT_EQ(authenticode::FormatTime(86400), "1970-01-02T00:00:00Z");
}

}  // namespace
}  // namespace harrier::testing
