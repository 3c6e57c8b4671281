// FileScanner on one file: a file that vanishes between the walk and the
// read is a warning and a `vanished` skip (not a gap in the scan); one that
// shrinks is an error diagnostic and a counted skip; never a crash;
// size and type filters; the known-good (false-positive) hash.
#include "scan/file_scanner.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

std::shared_ptr<const SignatureSet> EmptySigs() {
  auto s = std::make_shared<SignatureSet>();
  EXPECT_TRUE(s->filenames.Compile().ok());
  return s;
}

platform::StatInfo StatOf(const std::string& p) {
  auto st = platform::Lstat(p);
  EXPECT_TRUE(st.ok());
  return *st;
}

TEST(FileScanner, VanishedBetweenWalkAndReadIsCountedNotAnError) {
  TempDir t;
  auto p = t.Write("gone.exe", "MZ data");
  auto st = StatOf(p);
  ASSERT_EQ(unlink(p.c_str()), 0);
  ScanConfig cfg;
  auto fs = FileScanner::Create(EmptySigs(), nullptr, cfg);
  ASSERT_TRUE(fs.ok());
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, st, d);
  EXPECT_FALSE(o.scanned);
  ASSERT_TRUE(o.skipped.has_value());
  EXPECT_EQ(*o.skipped, SkipReason::kVanished);
  EXPECT_EQ(d.error_count(), 0u);
  ASSERT_EQ(d.Snapshot().size(), 1u);
  EXPECT_EQ(d.Snapshot()[0].severity, Diagnostic::Severity::kWarning);
  EXPECT_EQ(d.Snapshot()[0].where, p);
  // Not a gap: a scan whose only skips are vanished files is complete.
  ScanSummary s;
  s.skipped[static_cast<size_t>(SkipReason::kVanished)] = 3;
  EXPECT_FALSE(s.incomplete());
  EXPECT_EQ(VerdictFor(s), Verdict::kClean);
}

TEST(FileScanner, SizeLimitFromMetadata) {
  TempDir t;
  auto p = t.Write("big.bin", std::string(2048, 'x'));
  ScanConfig cfg;
  cfg.max_file_size = 1024;
  cfg.all_files = true;
  auto fs = FileScanner::Create(EmptySigs(), nullptr, cfg);
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  EXPECT_EQ(o.skipped, SkipReason::kSize);
  EXPECT_EQ(o.bytes, 0u);
}

TEST(FileScanner, DefaultSelectionSkipsIrrelevantType) {
  TempDir t;
  auto data = t.Write("photo.jpg", "\xff\xd8\xff\xe0 rest");  // PNG is relevant (dead drops)
  auto exe = t.Write("renamed.png", std::string("MZ\x90\x00", 4) + std::string(100, 'x'));
  ScanConfig cfg;
  auto fs = FileScanner::Create(EmptySigs(), nullptr, cfg);
  Diagnostics d;
  EXPECT_EQ((*fs)->Scan(data, StatOf(data), d).skipped, SkipReason::kType);
  EXPECT_TRUE((*fs)->Scan(exe, StatOf(exe), d).scanned);  // executables caught by magic
}

TEST(FileScanner, EmptyFileIsScanned) {
  TempDir t;
  auto p = t.Write("empty", "");
  ScanConfig cfg;
  cfg.all_files = true;
  auto fs = FileScanner::Create(EmptySigs(), nullptr, cfg);
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  EXPECT_TRUE(o.scanned);
  EXPECT_EQ(d.error_count(), 0u);
}

TEST(FileScanner, FalsePositiveHashSuppressesFindings) {
  TempDir t;
  auto p = t.Write("f.bin", "abc");
  auto sigs = std::make_shared<SignatureSet>();
  std::string sha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
  sigs->hashes[sha256].push_back({sha256, 100, "bad", "t:1"});
  ASSERT_TRUE(sigs->filenames.Compile().ok());
  ScanConfig cfg;
  cfg.all_files = true;
  {
    auto fs = FileScanner::Create(sigs, nullptr, cfg);
    Diagnostics d;
    FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
    ASSERT_TRUE(o.finding.has_value());
    EXPECT_EQ(o.finding->level, Level::kAlert);
  }
  sigs->fp_hashes.emplace("900150983cd24fb0d6963f7d28e17f72", "fp.txt:3");  // md5("abc")
  auto fs = FileScanner::Create(sigs, nullptr, cfg);
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  EXPECT_TRUE(o.scanned);
  // Allow-listed: the finding is held back and names the entry, so the
  // report stage counts it instead of showing it.
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_TRUE(o.finding->allowlisted);
  EXPECT_EQ(o.finding->suppressed_by, "allow-list fp.txt:3");
  EXPECT_FALSE(o.clean);
}

// Hash IOC near-miss: each digest type matches the planted content; the same
// file with one byte changed stays quiet.
TEST(FileScanner, HashIocNearMissOneByteChangedIsQuiet) {
  TempDir t;
  auto planted = t.Write("planted.bin", "abc");
  auto changed = t.Write("changed.bin", "abd");
  for (std::string hex : {"900150983cd24fb0d6963f7d28e17f72",           // md5("abc")
                          "a9993e364706816aba3e25717850c26c9cd0d89d",   // sha1("abc")
                          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}) {
    SCOPED_TRACE(hex);
    auto sigs = std::make_shared<SignatureSet>();
    sigs->hashes[hex].push_back({hex, 100, "planted", "t:1"});
    ASSERT_TRUE(sigs->filenames.Compile().ok());
    ScanConfig cfg;
    cfg.all_files = true;
    auto fs = FileScanner::Create(sigs, nullptr, cfg);
    ASSERT_TRUE(fs.ok());
    Diagnostics d;
    FileOutcome hit = (*fs)->Scan(planted, StatOf(planted), d);
    ASSERT_TRUE(hit.finding.has_value());
    ASSERT_EQ(hit.finding->reasons.size(), 1u);
    EXPECT_EQ(hit.finding->reasons[0].kind, ReasonKind::kHash);
    FileOutcome miss = (*fs)->Scan(changed, StatOf(changed), d);
    EXPECT_TRUE(miss.scanned);
    EXPECT_FALSE(miss.finding.has_value());
    EXPECT_EQ(d.error_count(), 0u);
  }
}

}  // namespace
}  // namespace harrier
