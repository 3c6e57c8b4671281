// Files over the block threshold are read and checked as blocks from the
// open descriptor: memory does not grow with file size, the hashes are the
// whole file's (also across holes of sparse files, which are never read),
// YARA finds a string across a block edge, `uint16(0)` and `filesize` work,
// and a C2 indicator across an edge is found once, with its context.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <random>

#include "scan/file_scanner.h"
#include "scan/reader.h"
#include "signatures/loader.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

std::shared_ptr<const SignatureSet> Sigs(const TempDir& t, const std::string& yara,
                                         const std::string& c2 = "") {
  t.Write("sigs/yara/t.yar", yara);
  if (!c2.empty()) t.Write("sigs/iocs/c2-iocs.txt", c2);
  LoadOptions lo;
  lo.folders = {t.path() + "/sigs"};
  Diagnostics d;
  auto s = LoadSignatures(lo, d);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

platform::StatInfo StatOf(const std::string& p) {
  auto st = platform::Lstat(p);
  EXPECT_TRUE(st.ok());
  return *st;
}

std::string Noise(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>('a' + rng() % 26);
  return s;
}

// The hashes of the file as read() returns it (holes as zeros), streamed.
Hashes HashOfFile(const std::string& path) {
  Hasher h;
  h.Begin();
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  while (in.read(buf.data(), buf.size()) || in.gcount() > 0)
    h.Update({reinterpret_cast<const uint8_t*>(buf.data()), static_cast<size_t>(in.gcount())});
  return h.Finish();
}

bool HasReason(const Finding& f, const std::string& name) {
  for (const auto& r : f.reasons)
    if (r.name == name) return true;
  return false;
}

constexpr const char* kRules = R"(
rule across_edge { strings: $a = "EDGE-MARKER-ACROSS-THE-BLOCK" condition: $a }
rule mz_first { condition: uint16(0) == 0x5A4D }
rule size_right { condition: filesize == 10498565 }
rule at_the_end { strings: $z = "TAIL-MARKER" condition: $z }
)";

// Regression (memory): a file up to --max-file-size was read whole into the
// worker's buffer (a 10 GB file took 10.5 GB of RSS). Over the block
// threshold it is now checked as blocks, with the same hashes and matches.
TEST(FileBlocks, RegressionLargeFileIsScannedAsBlocksWithWholeFileHashes) {
  TempDir t;
  auto sigs = Sigs(t, kRules);
  std::string content = "MZ" + Noise(10498565 - 2, 1);
  const std::string edge = "EDGE-MARKER-ACROSS-THE-BLOCK";
  content.replace(kFileBlockBytes - 10, edge.size(), edge);  // spans the first edge
  content.replace(content.size() - 11, 11, "TAIL-MARKER");
  ASSERT_EQ(content.size(), 10498565u);
  auto p = t.Write("big.bin", content);
  ScanConfig cfg;
  cfg.all_files = true;
  cfg.max_file_size = 1ULL << 30;
  cfg.block_threshold = 1 << 20;
  auto fs = FileScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(fs.ok());
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  EXPECT_TRUE(o.scanned);
  EXPECT_TRUE((*fs)->last_read_as_blocks());
  EXPECT_TRUE((*fs)->last_content().empty());
  EXPECT_EQ(o.bytes, content.size());
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_TRUE(HasReason(*o.finding, "across_edge"));
  EXPECT_TRUE(HasReason(*o.finding, "mz_first"));
  EXPECT_TRUE(HasReason(*o.finding, "size_right"));
  EXPECT_TRUE(HasReason(*o.finding, "at_the_end"));
  for (const auto& r : o.finding->reasons) {
    if (r.name != "across_edge") continue;
    ASSERT_FALSE(r.strings.empty());
    EXPECT_EQ(r.strings[0].offset, kFileBlockBytes - 10);
  }
  Hasher h;
  Hashes whole = h.Compute({reinterpret_cast<const uint8_t*>(content.data()), content.size()});
  EXPECT_EQ(o.finding->hashes.md5, whole.md5);
  EXPECT_EQ(o.finding->hashes.sha1, whole.sha1);
  EXPECT_EQ(o.finding->hashes.sha256, whole.sha256);
  EXPECT_EQ(d.error_count(), 0u);

  // The same file under the threshold (one buffer): the same hashes.
  cfg.block_threshold = 64 << 20;
  FileOutcome one = (*fs)->Scan(p, StatOf(p), d);
  ASSERT_TRUE(one.finding.has_value());
  EXPECT_FALSE((*fs)->last_read_as_blocks());
  EXPECT_EQ(one.finding->hashes.sha256, whole.sha256);
}

// Without any YARA rule the blocks are still hashed in full.
TEST(FileBlocks, HashesWithoutRulesAreTheWholeFiles) {
  TempDir t;
  auto sigs = std::make_shared<SignatureSet>();
  sigs->hashes["x"].push_back({"x", 100, "never", "t:1"});
  ASSERT_TRUE(sigs->filenames.Compile().ok());
  std::string content = Noise(9 << 20, 2);
  auto p = t.Write("big.bin", content);
  Hasher h;
  Hashes whole = h.Compute({reinterpret_cast<const uint8_t*>(content.data()), content.size()});
  // A hash IOC of the whole file: only matches if the streamed hash is right.
  sigs->hashes[whole.sha256].push_back({whole.sha256, 100, "planted", "t:2"});
  ScanConfig cfg;
  cfg.all_files = true;
  cfg.max_file_size = 1ULL << 30;
  cfg.block_threshold = 1 << 20;
  auto fs = FileScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(fs.ok());
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_EQ(o.finding->hashes.sha256, whole.sha256);
  EXPECT_EQ(o.finding->hashes.md5, whole.md5);
  ASSERT_EQ(o.finding->reasons.size(), 1u);
  EXPECT_EQ(o.finding->reasons[0].kind, ReasonKind::kHash);
}

// A sparse file: the holes are never read (SEEK_DATA/SEEK_HOLE), count as
// zeros for the hashes (equal to reading the whole file), and a marker
// after a hole is found.
TEST(FileBlocks, SparseFileHolesAreSkippedAndHashedAsZeros) {
  TempDir t;
  auto sigs = Sigs(t, kRules);
  const std::string p = t.path() + "/sparse.bin";
  {
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(pwrite(fd, "MZ", 2, 0), 2);
    const std::string tail = "xx TAIL-MARKER xx";
    ASSERT_EQ(pwrite(fd, tail.data(), tail.size(), 200LL << 20), static_cast<ssize_t>(tail.size()));
    ASSERT_EQ(ftruncate(fd, 300LL << 20), 0);  // a trailing hole too
    close(fd);
  }
  auto st = StatOf(p);
  ASSERT_LT(st.blocks_bytes, 1u << 20) << "the file system made it dense";
  ScanConfig cfg;
  cfg.all_files = true;
  cfg.max_file_size = 1ULL << 30;
  cfg.block_threshold = 1 << 20;
  auto fs = FileScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(fs.ok());
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, st, d);
  EXPECT_TRUE(o.scanned);
  EXPECT_EQ(o.bytes, 300ULL << 20);
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_TRUE(HasReason(*o.finding, "at_the_end"));
  EXPECT_TRUE(HasReason(*o.finding, "mz_first"));
  Hashes whole = HashOfFile(p);
  EXPECT_EQ(o.finding->hashes.md5, whole.md5);
  EXPECT_EQ(o.finding->hashes.sha1, whole.sha1);
  EXPECT_EQ(o.finding->hashes.sha256, whole.sha256);

  // The blocks read from disk: the two data extents, not the 300 MiB.
  auto f = platform::LocalFileSystem().OpenFile(p, false);
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> buf, first;
  FileBlocks blocks(std::move(*f), p, &buf, &first);
  ContentBlock b;
  std::vector<uint64_t> offsets;
  while (blocks.Next(&b)) offsets.push_back(b.offset);
  EXPECT_TRUE(blocks.status().ok());
  EXPECT_LT(blocks.bytes_read(), 16u << 20);
  ASSERT_GE(offsets.size(), 2u);
  EXPECT_EQ(offsets[0], 0u);
  EXPECT_GE(offsets.back(), 190ULL << 20);
}

// The blocks overlap: every byte is handed out, a block starts where the
// previous one ended less the overlap, and Rewind serves the cached first
// block, then continues from after it.
TEST(FileBlocks, BlocksOverlapAndRewindContinues) {
  TempDir t;
  std::string content = Noise(3 * kFileBlockBytes + 1000, 3);
  auto p = t.Write("f.bin", content);
  auto f = platform::LocalFileSystem().OpenFile(p, false);
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> buf, first;
  FileBlocks blocks(std::move(*f), p, &buf, &first);
  for (int pass = 0; pass < 2; ++pass) {
    SCOPED_TRACE(pass);
    ContentBlock b;
    uint64_t end = 0;
    int n = 0;
    while (blocks.Next(&b)) {
      EXPECT_EQ(b.offset, n == 0 ? 0 : end - kFileBlockOverlap);
      EXPECT_EQ(std::string(reinterpret_cast<const char*>(b.data.data()), b.data.size()),
                content.substr(b.offset, b.data.size()));
      end = b.offset + b.data.size();
      ++n;
    }
    EXPECT_EQ(end, content.size());
    EXPECT_EQ(n, 4);
    ASSERT_TRUE(blocks.Rewind());
  }
}

// A C2 indicator across a block edge is found once; one whose left context
// (in the previous block's overlap) makes it another name is not.
TEST(FileBlocks, C2AcrossABlockEdgeFoundWithItsContext) {
  TempDir t;
  auto sigs = Sigs(t, "rule none { condition: false }\n", "# Test C2 domain\nevil-c2.example;80\n");
  std::string content = Noise(9 << 20, 4);
  // Across the first edge: found.
  content.replace(kFileBlockBytes - 4, 17, " evil-c2.example/");
  // At the very start of the third block (which starts inside the second's
  // end): "not-evil-c2.example" there is another name and must not count.
  const uint64_t third_start = 2 * kFileBlockBytes - kFileBlockOverlap;
  content.replace(third_start - 4, 20, "not-evil-c2.example/");
  auto p = t.Write("big.bin", content);
  ScanConfig cfg;
  cfg.all_files = true;
  cfg.max_file_size = 1ULL << 30;
  cfg.block_threshold = 1 << 20;
  auto fs = FileScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(fs.ok());
  Diagnostics d;
  FileOutcome o = (*fs)->Scan(p, StatOf(p), d);
  ASSERT_TRUE(o.finding.has_value());
  size_t c2 = 0;
  for (const auto& r : o.finding->reasons) {
    if (r.kind != ReasonKind::kC2) continue;
    ++c2;
    ASSERT_EQ(r.strings.size(), 1u);
    EXPECT_EQ(r.strings[0].offset, kFileBlockBytes - 3);
  }
  EXPECT_EQ(c2, 1u);
}

}  // namespace
}  // namespace harrier
