// Unpacking signature archives (src/update/extract.h).
#include "update/extract.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "testutil/archive_synth.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::MakeArchive;
using testing::SynthFormat;
using testing::SynthMember;
using testing::TempDir;
using Type = SynthMember::Type;
namespace fs = std::filesystem;

struct Unpacked {
  TempDir dir;
  std::string dest;
  Result<ExtractStats> result = Status::IoError("not run");
};

std::unique_ptr<Unpacked> Unpack(const std::string& archive, ExtractLimits limits = {}) {
  auto u = std::make_unique<Unpacked>();
  u->dest = u->dir.Mkdir("dest");
  u->result = ExtractArchive(archive, u->dest, limits);
  return u;
}

// Nothing was written beside `dest`, and nothing below it is a link.
void ExpectConfined(const Unpacked& u) {
  for (const auto& e : fs::directory_iterator(u.dir.path()))
    EXPECT_EQ(e.path().filename(), "dest") << "written outside: " << e.path();
  for (const auto& e : fs::recursive_directory_iterator(u.dest))
    EXPECT_FALSE(e.is_symlink()) << e.path();
}

TEST(ExtractArchive, UnpacksTarGzAndZip) {
  std::vector<SynthMember> m = {{"top/", "", Type::kDir},
                                {"top/yara/a.yar", "rule a { condition: true }"},
                                {"top/iocs/hash-iocs.txt", "x"}};
  for (SynthFormat f : {SynthFormat::kTarGz, SynthFormat::kZip}) {
    auto u = Unpack(MakeArchive(m, f));
    ASSERT_TRUE(u->result.ok()) << u->result.status().ToString();
    EXPECT_EQ(u->result->files, 2u);
    EXPECT_EQ(testing::ReadWholeFile(u->dest + "/top/yara/a.yar"), "rule a { condition: true }");
    EXPECT_EQ(fs::status(u->dest + "/top/yara/a.yar").permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);
    ExpectConfined(*u);
  }
}

TEST(ExtractArchive, RefusesTraversalAbsoluteAndLinks) {
  struct Case {
    SynthMember bad;
    std::string message;
  } cases[] = {
      {{"../evil.yar", "x"}, "refused: member '../evil.yar': '..' leaves the folder"},
      {{"top/../../evil.yar", "x"}, "'..' leaves the folder"},
      {{"/tmp/evil.yar", "x"}, "absolute path"},
      {{"top/link", "", Type::kSymlink, "/etc"}, "is a symbolic link (to '/etc')"},
      {{"top/inner", "", Type::kSymlink, "yara"}, "is a symbolic link"},
      {{"top/hard", "", Type::kHardlink, "/etc/passwd"}, "is a hard link"},
      {{"top/fifo", "", Type::kFifo}, "not a regular file or folder"},
  };
  for (const auto& c : cases) {
    auto u = Unpack(MakeArchive({{"top/yara/a.yar", "rule a { condition: true }"}, c.bad,
                                 {"top/yara/b.yar", "rule b { condition: true }"}}));
    ASSERT_FALSE(u->result.ok()) << c.bad.name;
    EXPECT_NE(u->result.status().message().find(c.message), std::string::npos)
        << u->result.status().message();
    ExpectConfined(*u);
  }
}

TEST(ExtractArchive, RefusesDuplicatesAndFileFolderClashes) {
  auto dup = Unpack(MakeArchive({{"a.yar", "1"}, {"a.yar", "2"}}));
  ASSERT_FALSE(dup->result.ok());
  EXPECT_NE(dup->result.status().message().find("appears twice"), std::string::npos);
  auto clash = Unpack(MakeArchive({{"a", "file"}, {"a/b.yar", "x"}}));
  ASSERT_FALSE(clash->result.ok());
  EXPECT_NE(clash->result.status().message().find("needs a folder"), std::string::npos);
}

TEST(ExtractArchive, EnforcesLimits) {
  std::vector<SynthMember> m = {{"a.yar", std::string(1000, 'a')}, {"b.yar", std::string(1000, 'b')}};
  ExtractLimits members;
  members.max_members = 1;
  auto u1 = Unpack(MakeArchive(m), members);
  ASSERT_FALSE(u1->result.ok());
  EXPECT_NE(u1->result.status().message().find("--max-members 1"), std::string::npos);
  ExtractLimits one;
  one.max_member_bytes = 999;
  auto u2 = Unpack(MakeArchive(m), one);
  ASSERT_FALSE(u2->result.ok());
  EXPECT_NE(u2->result.status().message().find("--max-member-bytes 999"), std::string::npos);
  ExtractLimits total;
  total.max_total_bytes = 1500;
  auto u3 = Unpack(MakeArchive(m), total);
  ASSERT_FALSE(u3->result.ok());
  EXPECT_NE(u3->result.status().message().find("--max-unpacked-bytes 1500"), std::string::npos);
}

TEST(ExtractArchive, RefusesTruncatedAndForeignData) {
  std::string good = MakeArchive({{"a.yar", std::string(100000, 'x')}});
  auto cut = Unpack(good.substr(0, good.size() / 2));
  ASSERT_FALSE(cut->result.ok());
  EXPECT_EQ(cut->result.status().code(), Status::Code::kCorrupt) << cut->result.status().ToString();
  auto junk = Unpack("this is no archive at all");
  EXPECT_FALSE(junk->result.ok());
}

}  // namespace
}  // namespace harrier
