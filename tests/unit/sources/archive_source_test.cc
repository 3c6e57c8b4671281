// The archive source on archives written in memory by libarchive's writer:
// members and their chain, the format name, the member screen, every limit
// with its skip reason, and data that only looks like an archive.
#include "sources/archive_source.h"

#include <archive.h>
#include <archive_entry.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace harrier {
namespace {

struct Entry {
  std::string name;
  std::string data;
};

// An archive of `entries` in `format` (archive_write_set_format_*) with
// `filter` (archive_write_add_filter_*; null = none).
std::string Write(int (*format)(archive*), int (*filter)(archive*),
                  const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  format(a);
  if (filter) filter(a);
  std::vector<char> out(64 << 20);
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* en = archive_entry_new();
    archive_entry_set_pathname(en, e.name.c_str());
    archive_entry_set_size(en, static_cast<la_int64_t>(e.data.size()));
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_mtime(en, 1700000000, 0);
    EXPECT_EQ(archive_write_header(a, en), ARCHIVE_OK);
    if (!e.data.empty()) archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(en);
  }
  archive_write_close(a);
  archive_write_free(a);
  return std::string(out.data(), used);
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Seen {
  std::string chain;
  std::optional<SkipReason> skipped;
  std::string data;
};

class Recorder final : public MemberSink {
 public:
  std::optional<SkipReason> screen_with;  // what Screen answers
  std::vector<Seen> seen;
  std::optional<SkipReason> Screen(const Subject&, std::span<const uint8_t>) override {
    return screen_with;
  }
  bool OnMember(Subject m, std::span<const uint8_t> data) override {
    seen.push_back({ChainRaw(m), std::nullopt, std::string(data.begin(), data.end())});
    EXPECT_EQ(m.kind, SubjectKind::kArchiveMember);
    return true;
  }
  void OnMemberSkipped(Subject m, SkipReason why, std::string) override {
    seen.push_back({ChainRaw(m), why, ""});
  }
};

Subject Container(const std::string& path) {
  Subject s;
  s.path = path;
  s.name = path.substr(path.rfind('/') + 1);
  s.display_root = path;
  return s;
}

ExpandResult Expand(const std::string& bytes, const std::string& path, Recorder& rec,
                    ContainerLimits limits = {}, uint64_t budget = 1ULL << 30) {
  auto fmt = DetectContainer(Bytes(bytes));
  if (!fmt) return {};
  ContainerBudget b{budget};
  std::atomic<bool> cancel{false};
  return ExpandContainer(Container(path), Bytes(bytes), *fmt, limits, b, rec, cancel);
}

const std::string kSep = " \xe2\x80\xba ";

TEST(ArchiveSource, TarGzMembersWithTheirChain) {
  std::string tgz = Write(archive_write_set_format_pax_restricted, archive_write_add_filter_gzip,
                          {{"dir/a.exe", "MZ one"}, {"b.txt", "two"}});
  Recorder rec;
  ExpandResult r = Expand(tgz, "/ev/x.tgz", rec);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.format, "tar.gz");
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].chain, "/ev/x.tgz" + kSep + "dir/a.exe");
  EXPECT_EQ(rec.seen[0].data, "MZ one");
  EXPECT_FALSE(rec.seen[0].skipped);
  EXPECT_EQ(rec.seen[1].data, "two");
}

// xar (macOS installer packages use it): no Debian tool writes one, but
// libarchive's writer does.
TEST(ArchiveSource, XarMembersAreRead) {
  std::string xar = Write(archive_write_set_format_xar, nullptr,
                          {{"Payload/evil.dylib", "\xcf\xfa\xed\xfe planted"}});
  ASSERT_FALSE(xar.empty());
  Recorder rec;
  ExpandResult r = Expand(xar, "/pkg/Installer.xar", rec);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.format, "xar");
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].chain, "/pkg/Installer.xar" + kSep + "Payload/evil.dylib");
  EXPECT_EQ(rec.seen[0].data, "\xcf\xfa\xed\xfe planted");
}

TEST(ArchiveSource, ACompressedSingleFileIsNamedAfterItsContainer) {
  std::string gz = Write(archive_write_set_format_raw, archive_write_add_filter_gzip,
                         {{"ignored", "hello inside gzip"}});
  Recorder rec;
  ExpandResult r = Expand(gz, "/var/log/syslog.2.gz", rec);
  EXPECT_EQ(r.format, "gzip");
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].chain, "/var/log/syslog.2.gz" + kSep + "syslog.2");
  EXPECT_EQ(rec.seen[0].data, "hello inside gzip");
}

TEST(ArchiveSource, ScreenedOutMembersAreCountedNotRead) {
  std::string zip = Write(archive_write_set_format_zip, nullptr,
                          {{"a.bin", std::string(100000, 'a')}, {"b.bin", "b"}});
  Recorder rec;
  rec.screen_with = SkipReason::kType;
  Expand(zip, "/z.zip", rec);
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kType);
  EXPECT_EQ(rec.seen[1].skipped, SkipReason::kType);
}

TEST(ArchiveSource, MemberLimitCountsTheRestOnce) {
  std::vector<Entry> many;
  for (int i = 0; i < 10; ++i) many.push_back({"m" + std::to_string(i), "x"});
  std::string tar = Write(archive_write_set_format_ustar, nullptr, many);
  Recorder rec;
  ContainerLimits lim;
  lim.max_members = 4;
  Expand(tar, "/t.tar", rec, lim);
  ASSERT_EQ(rec.seen.size(), 5u);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(rec.seen[i].skipped);
  EXPECT_EQ(rec.seen[4].skipped, SkipReason::kLimit);
}

TEST(ArchiveSource, RatioStopsAZipBomb) {
  std::string zip = Write(archive_write_set_format_zip, nullptr,
                          {{"zeros", std::string(20 << 20, '\0')}, {"after", "x"}});
  ASSERT_LT(zip.size(), 200000u);
  Recorder rec;
  ContainerLimits lim;
  lim.max_ratio = 10;
  lim.ratio_floor_bytes = 1 << 20;
  Expand(zip, "/bomb.zip", rec, lim);
  ASSERT_GE(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kRatio);
  EXPECT_EQ(rec.seen.back().skipped, SkipReason::kRatio);  // the rest: not reached
}

TEST(ArchiveSource, TotalBudgetIsSharedAndStops) {
  std::string tar = Write(archive_write_set_format_ustar, nullptr,
                          {{"a", std::string(300000, 'a')}, {"b", std::string(300000, 'b')}});
  Recorder rec;
  Expand(tar, "/t.tar", rec, {}, /*budget=*/400000);
  ASSERT_GE(rec.seen.size(), 2u);
  EXPECT_FALSE(rec.seen[0].skipped);
  EXPECT_EQ(rec.seen[1].skipped, SkipReason::kLimit);
}

TEST(ArchiveSource, OverSizeMemberFromItsHeaderIsSkippedAndTheNextRead) {
  std::string tar = Write(archive_write_set_format_ustar, nullptr,
                          {{"big", std::string(5000, 'a')}, {"small", "s"}});
  Recorder rec;
  ContainerLimits lim;
  lim.max_member_bytes = 1000;
  Expand(tar, "/t.tar", rec, lim);
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kSize);
  EXPECT_EQ(rec.seen[1].data, "s");
}

TEST(ArchiveSource, TruncatedArchiveKeepsWhatCameBeforeAndCountsTheRest) {
  std::string tar = Write(archive_write_set_format_ustar, nullptr,
                          {{"first", std::string(2000, 'f')}, {"second", std::string(9000, 's')}});
  std::string cut = tar.substr(0, 512 + 2048 + 512 + 3000);  // inside the second member's data
  Recorder rec;
  ExpandResult r = Expand(cut, "/t.tar", rec);
  EXPECT_TRUE(r.opened);
  ASSERT_GE(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].data, std::string(2000, 'f'));
  EXPECT_EQ(rec.seen[1].skipped, SkipReason::kCorrupt);
}

// A container over --max-file-size is streamed from its file: zip seeks over
// an over-size member to the small one behind it; only the member is held.
TEST(ArchiveSource, ALargeArchiveIsStreamedFromItsFile) {
  std::string zip = Write(archive_write_set_format_zip, nullptr,
                          {{"big.bin", std::string(3 << 20, 'b')}, {"evil.exe", "MZ evil"}});
  std::string path = ::testing::TempDir() + "/harrier-large-archive.zip";
  {
    auto out = platform::LocalFileSystem().CreateOutput(path);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write(zip).ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  auto f = platform::LocalFileSystem().OpenFile(path, false);
  ASSERT_TRUE(f.ok());
  std::vector<uint8_t> head(kContainerProbeBytes);
  auto n = (*f)->Read(head);
  ASSERT_TRUE(n.ok());
  head.resize(*n);
  auto fmt = DetectContainer(head);
  ASSERT_TRUE(fmt.has_value());
  Recorder rec;
  ContainerLimits lim;
  lim.max_member_bytes = 1 << 20;
  ContainerBudget budget{1ULL << 30};
  std::atomic<bool> cancel{false};
  ExpandResult r = ExpandContainerFile(Container(path), **f, zip.size(), *fmt, lim, budget, rec,
                                       cancel);
  EXPECT_TRUE(r.opened);
  EXPECT_EQ(r.format, "zip");
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kSize);
  EXPECT_EQ(rec.seen[1].data, "MZ evil");
  std::remove(path.c_str());
}

TEST(ArchiveSource, MagicAloneIsNotAnArchive) {
  Recorder rec;
  std::string fake = "PK\x03\x04 this is not really a zip file at all";
  ExpandResult r = Expand(fake, "/fake.zip", rec);
  // Read as a damaged zip: the damage is one counted skip, never a member.
  EXPECT_TRUE(r.opened);
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kCorrupt);
  EXPECT_FALSE(DetectContainer(Bytes("MZ plain exe")).has_value());
  EXPECT_FALSE(DetectContainer(Bytes("")).has_value());
}

}  // namespace
}  // namespace harrier
