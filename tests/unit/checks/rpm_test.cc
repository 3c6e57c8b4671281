// The rpm header-blob parser (untrusted input) and RPM version order.
#include "checks/rpm.h"

#include <gtest/gtest.h>

#include "testutil/rpm_synth.h"

namespace harrier {
namespace {

namespace synth = testing::rpm_synth;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

TEST(RpmHeader, ParsesAnInstalledHeader) {
  std::string blob = synth::Package("xz-libs", "5.6.1", "1.fc40", "x86_64", 3);
  auto p = rpm::ParseHeaderBlob(Bytes(blob));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "xz-libs");
  EXPECT_EQ(p->version, "5.6.1");
  EXPECT_EQ(p->release, "1.fc40");
  ASSERT_TRUE(p->epoch.has_value());
  EXPECT_EQ(*p->epoch, 3u);
  EXPECT_EQ(p->arch, "x86_64");
  EXPECT_EQ(p->sourcerpm, "xz-5.6.1-1.fc40.src.rpm");
  EXPECT_EQ(p->SourceName(), "xz");
  EXPECT_EQ(p->Evr(), "3:5.6.1-1.fc40");
}

TEST(RpmHeader, OptionalTagsMayBeAbsentAndWithoutRegion) {
  std::string blob = synth::Blob(
      {synth::Str(1000, "gpg-pubkey"), synth::Str(1001, "a15b79cc"), synth::Str(1002, "63d04c2c")},
      /*region=*/false);
  auto p = rpm::ParseHeaderBlob(Bytes(blob));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_FALSE(p->epoch.has_value());
  EXPECT_EQ(p->arch, "");
  EXPECT_EQ(p->SourceName(), "");
  EXPECT_EQ(p->Evr(), "a15b79cc-63d04c2c");
}

TEST(RpmHeader, LaterEntryReplacesEarlier) {
  std::string blob = synth::Blob({synth::Str(1000, "xz"), synth::Str(1001, "5.4.6"),
                                  synth::Str(1002, "3"), synth::Str(1001, "5.6.1")});
  auto p = rpm::ParseHeaderBlob(Bytes(blob));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->version, "5.6.1");
}

TEST(RpmHeader, TruncatedBlobsAreErrorsNeverCrashes) {
  std::string blob = synth::Package("xz", "5.6.1", "1");
  for (size_t n = 0; n < blob.size(); ++n) {
    auto p = rpm::ParseHeaderBlob(Bytes(blob.substr(0, n)));
    EXPECT_FALSE(p.ok()) << n;
    EXPECT_EQ(p.status().code(), Status::Code::kCorrupt) << n;
  }
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(blob + "x")).ok()) << "size must be 8 + 16 il + dl";
}

TEST(RpmHeader, OffsetsOutsideTheDataAreErrors) {
  auto bad = [](synth::Entry e) {
    std::string blob = synth::Blob({synth::Str(1000, "xz"), synth::Str(1001, "1"),
                                    synth::Str(1002, "1"), std::move(e)});
    return rpm::ParseHeaderBlob(Bytes(blob));
  };
  synth::Entry far = synth::Str(1022, "x86_64");
  far.offset = 0x7fffffff;
  EXPECT_FALSE(bad(far).ok());
  synth::Entry neg = synth::Str(1022, "x86_64");
  neg.offset = 0xfffffff0u;  // negative as int32
  EXPECT_FALSE(bad(neg).ok());
  synth::Entry epoch = synth::Int32(1003, 1);
  epoch.offset = 0xfffffffeu;  // offset + 4 overflows 32 bits
  EXPECT_FALSE(bad(epoch).ok());
  // A string whose NUL is missing: the last bytes of the data area.
  std::string blob = synth::Blob({synth::Str(1000, "xz"), synth::Str(1001, "1"),
                                  {1002, 6, 1, "unterminated", {}}},
                                 /*region=*/false);
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(blob)).ok());
}

TEST(RpmHeader, HugeCountsAreErrors) {
  // il beyond rpm's limit, dl beyond it, il * 16 beyond the blob.
  for (auto [il, dl] : {std::pair<uint32_t, uint32_t>{0x10000, 0}, {1, 0x10000000},
                        {0xffffffffu, 0xffffffffu}, {0, 0}, {4, 0}}) {
    std::string blob = synth::Be32(il) + synth::Be32(dl) + std::string(64, '\0');
    EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(blob)).ok()) << il << " " << dl;
  }
}

TEST(RpmHeader, WrongTypesAndMissingTagsAreErrors) {
  EXPECT_FALSE(rpm::ParseHeaderBlob(
                   Bytes(synth::Blob({synth::Str(1000, "xz"), synth::Str(1001, "1")})))
                   .ok())
      << "no RELEASE";
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(synth::Blob({synth::Int32(1000, 7),
                                                       synth::Str(1001, "1"),
                                                       synth::Str(1002, "1")})))
                   .ok())
      << "NAME as INT32";
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(synth::Blob({synth::Str(1000, "xz"),
                                                       synth::Str(1001, "1"), synth::Str(1002, "1"),
                                                       synth::Str(1003, "1")})))
                   .ok())
      << "EPOCH as STRING";
  synth::Entry two = synth::Str(1001, "1");
  two.count = 2;
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(synth::Blob({synth::Str(1000, "xz"), two,
                                                       synth::Str(1002, "1")})))
                   .ok())
      << "VERSION with count 2";
  EXPECT_FALSE(rpm::ParseHeaderBlob(Bytes(synth::Blob({synth::Str(1000, ""), synth::Str(1001, "1"),
                                                       synth::Str(1002, "1")})))
                   .ok())
      << "empty NAME";
}

TEST(RpmHeader, LongFieldsAreCut) {
  std::string blob = synth::Blob({synth::Str(1000, std::string(5000, 'n')), synth::Str(1001, "1"),
                                  synth::Str(1002, "1")});
  auto p = rpm::ParseHeaderBlob(Bytes(blob));
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->name.size(), rpm::kMaxFieldBytes);
}

TEST(RpmVersion, FollowsRpmvercmp) {
  using rpm::CompareVersions;
  struct Case {
    const char* a;
    const char* b;
    int want;
  } cases[] = {
      {"1.0", "1.0", 0},          {"1.0", "2.0", -1},        {"2.0.1", "2.0", 1},
      {"5.6.1", "5.6.0", 1},      {"5.4.6", "5.6.0", -1},    {"1.0010", "1.9", 1},
      {"1.05", "1.5", 0},         {"1.0", "1", 1},           {"2.50", "2.5", 1},
      {"fc4", "fc.4", 0},         {"FC5", "fc4", -1},        {"2a", "2.0", -1},
      {"1.0a", "1.0", 1},         {"1.0", "1.0a", -1},       {"1.0a", "1.0b", -1},
      {"1.0~rc1", "1.0", -1},     {"1.0~rc1", "1.0~rc2", -1}, {"1.0~rc1~git123", "1.0~rc1", -1},
      {"1.0^", "1.0", 1},         {"1.0^git1", "1.0", 1},    {"1.0^git1", "1.01", -1},
      {"1.0^git1", "1.0^git2", -1}, {"1.0^git1", "1.0~rc1", 1}, {"1.0^20160101", "1.0.1", -1},
      {"1.0~rc1^git1", "1.0~rc1", 1}, {"1_0", "1.0", 0},     {"+", "_", 0},
      {"5.6.1+really5.4.5", "5.6.1", 1}, {"5.6.1", "5.6.1+really5.4.5", -1},
      {"a", "1", -1},             {"", "1", -1},             {"", "", 0},
      // From rpm's own rpmvercmp test table (tests/rpmvercmp.at).
      {"10xyz", "10.1xyz", -1},   {"xyz.4", "8", -1},        {"6.0.rc1", "6.0", 1},
      {"10b2", "10a1", 1},        {"1.0aa", "1.0a", 1},      {"+_", "_+", 0},
      {"5.5p10", "5.5p1", 1},     {"4.999.9", "5.0", -1},    {"10.0001", "10.0039", -1},
      {"1.0^git1~pre", "1.0^git1", -1}, {"1.0^20160101^git1", "1.0^20160101", 1},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(CompareVersions(c.a, c.b), c.want) << c.a << " vs " << c.b;
    EXPECT_EQ(CompareVersions(c.b, c.a), -c.want) << c.b << " vs " << c.a;
  }
}

TEST(RpmVersion, EvrAndBounds) {
  auto e = rpm::ParseEvr("1:5.6.1-1.fc40");
  ASSERT_TRUE(e.epoch.has_value());
  EXPECT_EQ(*e.epoch, 1u);
  EXPECT_EQ(e.version, "5.6.1");
  EXPECT_EQ(e.release.value_or("?"), "1.fc40");
  auto v = rpm::ParseEvr("5.6.1");
  EXPECT_FALSE(v.epoch.has_value());
  EXPECT_FALSE(v.release.has_value());
  EXPECT_EQ(rpm::CompareEvr(rpm::ParseEvr("1:1.0-1"), rpm::ParseEvr("2.0-1")), 1);
  EXPECT_EQ(rpm::CompareEvr(rpm::ParseEvr("0:1.0-1"), rpm::ParseEvr("1.0-1")), 0);
  EXPECT_EQ(rpm::CompareEvr(rpm::ParseEvr("1.0-2"), rpm::ParseEvr("1.0-10")), -1);

  rpm::Package p;
  p.version = "5.6.1";
  p.release = "99.fc41";
  EXPECT_EQ(rpm::CompareToBound(p, rpm::ParseEvr("5.6.1")), 0) << "any release of 5.6.1";
  EXPECT_EQ(rpm::CompareToBound(p, rpm::ParseEvr("5.6.1-2")), 1);
  EXPECT_EQ(rpm::CompareToBound(p, rpm::ParseEvr("1:5.6.1")), -1) << "epoch named: compared";
  p.epoch = 1;
  EXPECT_EQ(rpm::CompareToBound(p, rpm::ParseEvr("5.6.0")), 1) << "epoch not named: ignored";
  EXPECT_EQ(rpm::CompareToBound(p, rpm::ParseEvr("0:5.6.0")), 1);
}

}  // namespace
}  // namespace harrier
