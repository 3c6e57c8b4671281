// The store manifest (src/update/manifest.h).
#include "update/manifest.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

SetManifest Sample() {
  SetManifest m;
  m.id = "2026-12-02T18-40-54Z-0123456789ab";
  m.source = "https://example.org/sigs.tar.gz";
  m.sha256 = std::string(64, 'a');
  m.archive_bytes = 1234;
  m.fetched_at = 1764700854;
  m.verified = "sha256 (published)";
  m.top_folder = "signature-base-master";
  m.yara_files = 3;
  m.yara_rules = 7;
  m.hash_iocs = 11;
  m.filename_iocs = 2;
  m.c2_iocs = 5;
  m.fp_entries = 1;
  return m;
}

TEST(Manifest, RoundTrips) {
  SetManifest m = Sample();
  auto back = ParseManifest(ManifestToJson(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, m);
}

TEST(Manifest, RefusesBadIdsHashesAndTypes) {
  auto with = [](auto edit) {
    SetManifest m = Sample();
    edit(m);
    return ParseManifest(ManifestToJson(m));
  };
  EXPECT_FALSE(with([](SetManifest& m) { m.id = "../x"; }).ok());
  EXPECT_FALSE(with([](SetManifest& m) { m.id = ".."; }).ok());
  EXPECT_FALSE(with([](SetManifest& m) { m.id = "a/b"; }).ok());
  EXPECT_FALSE(with([](SetManifest& m) { m.sha256 = std::string(64, 'A'); }).ok());
  EXPECT_FALSE(with([](SetManifest& m) { m.sha256 = "abc"; }).ok());
  EXPECT_FALSE(ParseManifest("not json").ok());
  EXPECT_FALSE(ParseManifest("[]").ok());
  std::string text = ManifestToJson(Sample());
  std::string mistyped = text;
  mistyped.replace(mistyped.find("\"yara_rules\": 7"), 15, "\"yara_rules\": \"7\"");
  auto r = ParseManifest(mistyped);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("yara_rules"), std::string::npos) << r.status().message();
  std::string other_format = text;
  other_format.replace(other_format.find("\"format\": 1"), 11, "\"format\": 2");
  EXPECT_FALSE(ParseManifest(other_format).ok());
  EXPECT_FALSE(ParseManifest(std::string(kMaxManifestBytes + 1, ' ')).ok());
}

TEST(Manifest, IgnoresUnknownFields) {
  std::string text = ManifestToJson(Sample());
  text.insert(1, "\"added_later\": [1, 2],");
  auto r = ParseManifest(text);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(*r, Sample());
}

}  // namespace
}  // namespace harrier
