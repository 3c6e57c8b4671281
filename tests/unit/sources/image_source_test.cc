// The disk-image source over images held in memory (ScanImageBuffer; the
// on-disk path is covered end to end by tests/e2e/image_test.cc) and the
// magic check.
#include "sources/image_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::FindProgram;
using testing::RunOptions;
using testing::RunProgram;
using testing::TempDir;

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Recorder final : ImageSink {
  struct Seen {
    Subject subject;
    std::string content;
    std::optional<SkipReason> skipped;
  };
  std::vector<Seen> seen;
  std::vector<VolumeReport> volumes;
  std::string skip_name;  // Screen skips entries with this name
  std::optional<SkipReason> Screen(const Subject& e, std::span<const uint8_t>) override {
    if (e.name == skip_name) return SkipReason::kType;
    return std::nullopt;
  }
  bool OnEntry(Subject e, std::vector<uint8_t> c) override {
    seen.push_back({std::move(e), std::string(c.begin(), c.end()), std::nullopt});
    return true;
  }
  void OnEntrySkipped(Subject e, SkipReason why, std::string) override {
    seen.push_back({std::move(e), "", why});
  }
  void OnVolume(const VolumeReport& v) override { volumes.push_back(v); }
  const Seen* Find(std::string_view path) const {
    for (const auto& s : seen)
      if (s.subject.path == path) return &s;
    return nullptr;
  }
};

// A FAT volume image with /dir/a.txt, /big.bin and /skip.me, or "" when
// mkfs.fat or mtools are not installed.
std::string FatImage(const TempDir& d) {
  d.Write("dir/a.txt", "alpha\n");
  d.Write("big.bin", std::string(3000, 'B'));
  d.Write("skip.me", "not read\n");
  std::string img = d.path() + "/fat.img";
  RunOptions o;
  o.stdin_path = "/dev/null";
  auto run = [&](std::vector<std::string> argv) {
    if (argv[0].empty()) return false;
    return RunProgram(argv, o).exit_code == 0;
  };
  std::string env = FindProgram("env"), mcopy = FindProgram("mcopy");
  if (!run({FindProgram("mkfs.fat"), "-C", img, "256"}) || mcopy.empty()) return "";
  for (const char* f : {"dir", "big.bin", "skip.me"})
    if (!run({env, "MTOOLS_SKIP_CHECK=1", mcopy, "-s", "-i", img, d.path() + "/" + f, "::/"}))
      return "";
  std::ifstream in(img, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(ImageSource, ReadsAFatVolumeFromMemoryWithChainsLimitsAndScreening) {
  TempDir d;
  std::string img = FatImage(d);
  if (img.empty()) GTEST_SKIP() << "mkfs.fat/mtools not installed";
  Subject image;
  image.kind = SubjectKind::kArchiveMember;
  image.containers = {{"/evidence/x.zip", "zip"}};
  image.path = "disk/fat.img";
  image.name = "fat.img";
  ImageOptions opts;
  opts.max_entry_bytes = 2000;
  Recorder rec;
  rec.skip_name = "skip.me";  // mtools writes a long (VFAT) name as given
  std::atomic<bool> cancel{false};
  ImageResult r = ScanImageBuffer(image, Bytes(img), opts, rec, cancel);
  ASSERT_TRUE(r.opened) << r.error;
  ASSERT_EQ(rec.volumes.size(), 1u);
  EXPECT_EQ(rec.volumes[0].name, "volume");
  EXPECT_EQ(rec.volumes[0].filesystem.substr(0, 3), "fat");
  EXPECT_FALSE(rec.volumes[0].skipped);

  const auto* a = rec.Find("/dir/a.txt");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->content, "alpha\n");
  EXPECT_EQ(a->subject.kind, SubjectKind::kImageEntry);
  ASSERT_EQ(a->subject.containers.size(), 3u);
  EXPECT_EQ(a->subject.containers[0], (ContainerLink{"/evidence/x.zip", "zip"}));
  EXPECT_EQ(a->subject.containers[1], (ContainerLink{"disk/fat.img", "raw"}));
  EXPECT_EQ(a->subject.containers[2].path, "volume");
  EXPECT_EQ(a->subject.drive, "");
  EXPECT_FALSE(a->subject.deleted);

  const auto* big = rec.Find("/big.bin");
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->skipped, SkipReason::kSize);
  const auto* skip = rec.Find("/skip.me");
  ASSERT_NE(skip, nullptr) << "entries: " << rec.seen.size();
  EXPECT_EQ(skip->skipped, SkipReason::kType);
  EXPECT_EQ(rec.seen.size(), 3u);
}

TEST(ImageSource, PartitionOptionSkipsOtherVolumesWithAReason) {
  TempDir d;
  std::string img = FatImage(d);
  if (img.empty()) GTEST_SKIP() << "mkfs.fat/mtools not installed";
  ImageOptions opts;
  opts.partition = 2;  // a bare volume is number 1
  Recorder rec;
  std::atomic<bool> cancel{false};
  ImageResult r = ScanImageBuffer(Subject{}, Bytes(img), opts, rec, cancel);
  ASSERT_TRUE(r.opened);
  ASSERT_EQ(rec.volumes.size(), 1u);
  EXPECT_EQ(rec.volumes[0].skipped, SkipReason::kExcluded);
  EXPECT_TRUE(rec.seen.empty());
}

TEST(ImageSource, BytesThatAreNoImageAreNotOpened) {
  Recorder rec;
  std::atomic<bool> cancel{false};
  for (std::string junk : {std::string(), std::string(100, 'x'), std::string(70000, '\0'),
                           std::string(3, '\0') + "NTFS    " + std::string(4000, '\0')}) {
    ImageResult r = ScanImageBuffer(Subject{}, Bytes(junk), ImageOptions{}, rec, cancel);
    EXPECT_FALSE(r.opened) << junk.size();
    EXPECT_FALSE(r.error.empty());
  }
  EXPECT_TRUE(rec.seen.empty());
  EXPECT_TRUE(rec.volumes.empty());
}

TEST(ImageSource, LooksLikeDiskImageByMagicOnly) {
  std::string ntfs = std::string(3, '\0') + "NTFS    " + std::string(600, '\0');
  std::string gpt = std::string(512, '\0') + "EFI PART";
  std::string ext(1100, '\0');
  ext[1080] = '\x53';
  ext[1081] = '\xef';
  std::string mbr(512, '\0');
  mbr[446 + 4] = '\x07';
  mbr[510] = '\x55';
  mbr[511] = '\xaa';
  for (const auto& s : {ntfs, gpt, ext, mbr}) EXPECT_TRUE(LooksLikeDiskImage(Bytes(s)));
  std::string empty_mbr(512, '\0');
  empty_mbr[510] = '\x55';
  empty_mbr[511] = '\xaa';
  std::string mbr_bad_status = mbr;
  mbr_bad_status[446] = '\x12';
  for (const auto& s : {std::string(), std::string("MZ") + std::string(2000, '\0'), empty_mbr,
                        mbr_bad_status, std::string(1080, '\0') + "\x53"})
    EXPECT_FALSE(LooksLikeDiskImage(Bytes(s))) << s.size();
}

}  // namespace
}  // namespace harrier
