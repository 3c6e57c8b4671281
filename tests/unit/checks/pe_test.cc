// PE parser: headers, certificate table walk, DER length, version resource,
// and robustness on truncated / hostile headers.
#include "checks/pe.h"

#include <gtest/gtest.h>

#include "testutil/synth.h"

namespace harrier::pe {
namespace {

namespace synth = harrier::testing::synth;

std::span<const uint8_t> Span(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(PeParse, MinimalPe64WithoutCertificate) {
  std::string f = synth::BuildPe({});
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok()) << pe.status().ToString();
  EXPECT_EQ(pe->magic, kMagicPe32Plus);
  EXPECT_EQ(pe->sections.size(), 1u);
  EXPECT_EQ(pe->sections[0].name, ".text");
  EXPECT_EQ(pe->dirs.size(), 16u);
  EXPECT_FALSE(pe->security.has_value());
  EXPECT_EQ(pe->timestamp, 0x64000000u);
}

TEST(PeParse, Pe32AndDllFlag) {
  synth::PeSpec s;
  s.pe64 = false;
  s.dll = true;
  std::string f = synth::BuildPe(s);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  EXPECT_EQ(pe->magic, kMagicPe32);
  EXPECT_TRUE(pe->is_dll());
}

TEST(PeParse, CertificateTableAlignedHasNoSlack) {
  std::string der = synth::MakePkcs7({});
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(der);
  std::string f = synth::BuildPe(s);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  ASSERT_TRUE(pe->security);
  ASSERT_EQ(pe->security->certs.size(), 1u);
  const auto& c = pe->security->certs[0];
  EXPECT_EQ(c.revision, 0x0200);
  EXPECT_EQ(c.type, kWinCertTypePkcsSignedData);
  EXPECT_EQ(c.der_length, der.size());
  EXPECT_EQ(c.slack_size, 0u);
  EXPECT_FALSE(pe->security->misaligned);
  EXPECT_FALSE(pe->security->out_of_bounds);
  // Alignment padding after dwLength is outside the entry: a tail < 8 bytes.
  EXPECT_LT(pe->security->tail_size, 8u);
}

TEST(PeParse, CertificateTableWithPaddingHasSlack) {
  std::string der = synth::MakePkcs7({});
  std::string extra = std::string("\xFE\xED\xFA\xCE\xFE\xED\xFA\xCE", 8) + synth::RandomBytes(300);
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(der, extra);
  std::string f = synth::BuildPe(s);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  const auto& c = pe->security->certs.at(0);
  EXPECT_EQ(c.slack_size, extra.size());
  EXPECT_EQ(f.substr(c.slack_offset, 8), extra.substr(0, 8));
}

TEST(PeParse, SecurityDirectoryOutOfBoundsIsFlaggedNotFatal) {
  synth::PeSpec s;
  s.cert_table = synth::WinCertificate(synth::MakePkcs7({}));
  std::string f = synth::BuildPe(s);
  f.resize(f.size() - 40);  // clip the table
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  ASSERT_TRUE(pe->security);
  EXPECT_TRUE(pe->security->out_of_bounds);
  ASSERT_FALSE(pe->security->certs.empty());
  EXPECT_TRUE(pe->security->certs[0].truncated);
}

TEST(PeParse, ZeroDwLengthDoesNotLoop) {
  synth::PeSpec s;
  s.cert_table = std::string(64, '\0');
  std::string f = synth::BuildPe(s);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  EXPECT_TRUE(pe->security->certs.empty());
  EXPECT_EQ(pe->security->tail_size, 64u);
}

TEST(PeParse, RejectsNonPeAndBrokenHeaders) {
  EXPECT_FALSE(Parse(Span(std::string("hello"))).ok());
  std::string f = synth::BuildPe({});
  std::string bad = f;
  synth::Put32(bad, 0x3C, 0xFFFFFFF0u);  // e_lfanew far outside
  EXPECT_FALSE(Parse(Span(bad)).ok());
  bad = f;
  synth::Put16(bad, 0x80 + 24, 0x999);  // unknown optional-header magic
  EXPECT_FALSE(Parse(Span(bad)).ok());
  // Every prefix of a valid file parses or fails cleanly (no crash, no OOB:
  // run under ASan in the fuzz build).
  for (size_t n = 0; n < f.size(); n += 7) (void)Parse(Span(f.substr(0, n)));
}

TEST(PeParse, HugeSectionCountIsClipped) {
  std::string f = synth::BuildPe({});
  synth::Put16(f, 0x80 + 6, 0xFFFF);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  EXPECT_TRUE(pe->sections_truncated);
  EXPECT_LE(pe->sections.size(), kMaxSections);
}

TEST(DerLength, ShortLongAndMalformed) {
  const uint8_t a[] = {0x30, 0x05};
  EXPECT_EQ(DerTotalLength(a), 7u);
  const uint8_t b[] = {0x30, 0x82, 0x01, 0x00};
  EXPECT_EQ(DerTotalLength(b), 4u + 256u);
  const uint8_t c[] = {0x30, 0x80};  // indefinite
  EXPECT_FALSE(DerTotalLength(c));
  const uint8_t d[] = {0x30, 0x89, 1, 2, 3, 4, 5, 6, 7, 8, 9};  // 9 length bytes
  EXPECT_FALSE(DerTotalLength(d));
  const uint8_t e[] = {0x30, 0x88, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF};
  EXPECT_FALSE(DerTotalLength(e));  // would overflow
}

TEST(Entropy, Bounds) {
  EXPECT_EQ(Entropy({}), 0);
  std::string zeros(1000, '\0');
  EXPECT_EQ(Entropy(Span(zeros)), 0);
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_NEAR(Entropy(Span(all)), 8.0, 1e-9);
}

TEST(VersionInfo, ReadsStringsAndFixedVersion) {
  synth::PeSpec s;
  s.version_blob = synth::VersionInfoBlob({{"CompanyName", "3CX"},
                                           {"FileVersion", "18.12.416.0"},
                                           {"ProductName", "3CX Desktop App"},
                                           {"ProductVersion", "18.12.416"}},
                                          18, 12, 416, 0);
  std::string f = synth::BuildPe(s);
  auto pe = Parse(Span(f));
  ASSERT_TRUE(pe.ok());
  auto vi = ReadVersionInfo(*pe, Span(f));
  ASSERT_TRUE(vi.ok()) << vi.status().ToString();
  EXPECT_EQ(vi->product_name, "3CX Desktop App");
  EXPECT_EQ(vi->company_name, "3CX");
  EXPECT_EQ(vi->file_version, "18.12.416.0");
  EXPECT_EQ(vi->product_version, "18.12.416");
  EXPECT_EQ(vi->fixed_file_version, "18.12.416.0");
  EXPECT_EQ(vi->all.size(), 4u);
}

TEST(VersionInfo, NotFoundWithoutResourceAndSafeOnCorruption) {
  std::string plain = synth::BuildPe({});
  auto pe = Parse(Span(plain));
  ASSERT_TRUE(pe.ok());
  EXPECT_EQ(ReadVersionInfo(*pe, Span(plain)).status().code(), Status::Code::kNotFound);

  synth::PeSpec s;
  s.version_blob = synth::VersionInfoBlob({{"ProductName", "X"}});
  std::string f = synth::BuildPe(s);
  // Flip every byte of the resource section in turn: never crashes.
  auto p = Parse(Span(f));
  ASSERT_TRUE(p.ok());
  uint32_t raw = p->sections.at(1).raw_offset;
  for (uint32_t i = raw; i < raw + 400 && i < f.size(); ++i) {
    std::string g = f;
    g[i] = static_cast<char>(g[i] ^ 0xFF);
    auto q = Parse(Span(g));
    if (q.ok()) (void)ReadVersionInfo(*q, Span(g));
  }
}

}  // namespace
}  // namespace harrier::pe
