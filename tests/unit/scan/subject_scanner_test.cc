// SubjectScanner: content checks independent of the source. Block content
// (libyara block scanning, streamed hashes) gives the same hashes as one
// buffer and finds a rule inside a block; a member's filename IOCs match its
// own path inside the container.
#include "scan/subject_scanner.h"

#include <gtest/gtest.h>

#include "signatures/loader.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

std::shared_ptr<const SignatureSet> Sigs(const TempDir& t, const std::string& yara,
                                          const std::string& filename_iocs) {
  t.Write("sigs/yara/t.yar", yara);
  t.Write("sigs/iocs/filename-iocs.txt", filename_iocs);
  LoadOptions lo;
  lo.folders = {t.path() + "/sigs"};
  Diagnostics d;
  auto s = LoadSignatures(lo, d);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// Blocks of one string, with an optional gap before each.
class VectorBlocks final : public BlockReader {
 public:
  explicit VectorBlocks(std::vector<std::pair<uint64_t, std::string>> blocks)
      : blocks_(std::move(blocks)) {}
  bool Rewind() override {
    if (!rewindable_) return false;
    i_ = 0;
    return true;
  }
  bool rewindable_ = true;
  bool Next(ContentBlock* out) override {
    if (i_ == blocks_.size()) return false;
    if (fail_at_ == i_) {
      status_ = Status::IoError("region vanished");
      return false;
    }
    const auto& [off, data] = blocks_[i_++];
    out->offset = off;
    out->data = {reinterpret_cast<const uint8_t*>(data.data()), data.size()};
    return true;
  }
  const Status& status() const override { return status_; }
  uint64_t size() const override {
    return blocks_.empty() ? 0 : blocks_.back().first + blocks_.back().second.size();
  }
  size_t fail_at_ = SIZE_MAX;

 private:
  std::vector<std::pair<uint64_t, std::string>> blocks_;
  size_t i_ = 0;
  Status status_;
};

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

constexpr const char* kRule =
    "rule in_block { meta: score = 90 strings: $a = \"needle-in-block\" condition: $a }\n";

TEST(SubjectScanner, BlocksAreHashedLikeOneBufferAndScannedByYara) {
  TempDir t;
  auto sigs = Sigs(t, kRule, "");
  ScanConfig cfg;
  cfg.all_files = true;
  auto sc = SubjectScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(sc.ok());
  std::string a(5000, 'a'), b = "xx needle-in-block yy", c(3000, 'c');
  VectorBlocks blocks({{0, a}, {a.size(), b}, {a.size() + b.size(), c}});
  Subject s;
  s.kind = SubjectKind::kMemoryRegion;
  s.path = "region";
  s.name = "region";
  Diagnostics d;
  ScanOutcome o = (*sc)->Check(s, {}, Content::Blocks(&blocks), d);
  EXPECT_TRUE(o.scanned);
  EXPECT_EQ(o.bytes, a.size() + b.size() + c.size());
  ASSERT_TRUE(o.finding.has_value());
  ASSERT_EQ(o.finding->reasons.size(), 1u);
  EXPECT_EQ(o.finding->reasons[0].name, "in_block");
  ASSERT_FALSE(o.finding->reasons[0].strings.empty());
  EXPECT_EQ(o.finding->reasons[0].strings[0].offset, a.size() + 3);  // subject offset, not block's

  Hasher h;
  Hashes whole = h.Compute(Bytes(a + b + c));
  EXPECT_EQ(o.finding->hashes.sha256, whole.sha256);
  EXPECT_EQ(o.finding->hashes.md5, whole.md5);
}

// libyara goes back to the first block for uint16(0): a rewindable reader
// gives it the data (the most common signature-base condition works on
// blocks), and the blocks are still hashed once.
TEST(SubjectScanner, ConditionsOnTheFirstBytesSeeTheFirstBlock) {
  TempDir t;
  auto sigs = Sigs(t,
                   "rule mz_then_string { strings: $a = \"needle-in-block\" "
                   "condition: uint16(0) == 0x5A4D and $a }\n",
                   "");
  ScanConfig cfg;
  auto sc = SubjectScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(sc.ok());
  std::string a = "MZ" + std::string(5000, 'a'), b = "xx needle-in-block yy";
  VectorBlocks blocks({{0, a}, {a.size(), b}});
  Subject s;
  s.path = s.name = "region";
  Diagnostics d;
  ScanOutcome o = (*sc)->Check(s, {}, Content::Blocks(&blocks), d);
  ASSERT_TRUE(o.finding.has_value());
  EXPECT_EQ(o.finding->reasons[0].name, "mz_then_string");
  Hasher h;
  EXPECT_EQ(o.finding->hashes.sha256, h.Compute(Bytes(a + b)).sha256);

  VectorBlocks once({{0, a}, {a.size(), b}});
  once.rewindable_ = false;  // a reader that cannot go back: the condition sees nothing
  ScanOutcome o2 = (*sc)->Check(s, {}, Content::Blocks(&once), d);
  EXPECT_FALSE(o2.finding.has_value());
  EXPECT_TRUE(o2.scanned);
}

TEST(SubjectScanner, ABlockReaderErrorIsAnErrorSkipNotClean) {
  TempDir t;
  auto sigs = Sigs(t, kRule, "");
  ScanConfig cfg;
  auto sc = SubjectScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(sc.ok());
  VectorBlocks blocks({{0, "aaaa"}, {4, "bbbb"}});
  blocks.fail_at_ = 1;
  Subject s;
  s.path = s.name = "region";
  Diagnostics d;
  ScanOutcome o = (*sc)->Check(s, {}, Content::Blocks(&blocks), d);
  EXPECT_FALSE(o.scanned);
  EXPECT_EQ(o.skipped, SkipReason::kError);
  EXPECT_FALSE(o.clean);
  EXPECT_EQ(d.error_count(), 1u);
}

TEST(SubjectScanner, MemberFilenameIocsMatchTheInnerPath) {
  TempDir t;
  auto sigs = Sigs(t, kRule, "\\\\3CXDesktopApp\\\\app\\\\ffmpeg\\.dll$;90\n^/evil/;80\n");
  ScanConfig cfg;
  auto sc = SubjectScanner::Create(sigs, nullptr, cfg);
  ASSERT_TRUE(sc.ok());
  Subject m;
  m.kind = SubjectKind::kArchiveMember;
  m.containers = {{"/srv/triage.zip", "zip"}};
  m.path = "C/Users/bob/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll";
  m.name = "ffmpeg.dll";
  auto rs = (*sc)->PathReasons(m);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].kind, ReasonKind::kFilename);
  EXPECT_EQ(m.display_root, "/srv/triage.zip");

  // Rooted: a pattern anchored at the start sees the member's top level.
  Subject top = m;
  top.path = "evil/x.bin";
  top.name = "x.bin";
  EXPECT_EQ((*sc)->PathReasons(top).size(), 1u);
  // The container's own path is not the member's: no match from it.
  Subject other = m;
  other.containers = {{"/evil/box.zip", "zip"}};
  other.path = "readme.txt";
  other.name = "readme.txt";
  EXPECT_TRUE((*sc)->PathReasons(other).empty());
}

}  // namespace
}  // namespace harrier
