// FileReader: the read-once contract. Shrinking while read is kChanged,
// growth is cut at the opened size, empty files read as empty, the size
// limit is enforced on the opened file, FIFOs are refused without blocking.
#include "scan/reader.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <fstream>

#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

TEST(FileReader, ReadsWholeFile) {
  TempDir t;
  std::string content(5000, 'x');
  auto p = t.Write("f", content);
  FileReader r;
  auto res = r.Read(platform::LocalFileSystem(), p, content.size(), 1 << 20, false, nullptr);
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(res->outcome, FileReader::Outcome::kRead);
  EXPECT_EQ(std::string(r.data().begin(), r.data().end()), content);
}

TEST(FileReader, EmptyFile) {
  TempDir t;
  auto p = t.Write("empty", "");
  FileReader r;
  bool called = false;
  auto res = r.Read(platform::LocalFileSystem(), p, 0, 1 << 20, false, [&](std::span<const uint8_t> h) {
    called = true;
    EXPECT_TRUE(h.empty());
    return true;
  });
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_TRUE(called);
  EXPECT_EQ(r.data().size(), 0u);
}

TEST(FileReader, ShrinkWhileReadingIsChanged) {
  TempDir t;
  auto p = t.Write("f", std::string(100000, 'a'));
  FileReader r;
  // The header decision runs between the header and the rest: truncate then.
  auto res = r.Read(platform::LocalFileSystem(), p, 100000, 1 << 20, false, [&](std::span<const uint8_t>) {
    EXPECT_EQ(truncate(p.c_str(), 1000), 0);
    return true;
  });
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Status::Code::kChanged);
  EXPECT_NE(res.status().message().find("shrank"), std::string::npos);
}

TEST(FileReader, GrowthIsCutAtOpenedSize) {
  TempDir t;
  auto p = t.Write("f", std::string(2000, 'a'));
  FileReader r;
  auto res = r.Read(platform::LocalFileSystem(), p, 2000, 1 << 20, false, [&](std::span<const uint8_t>) {
    std::ofstream(p, std::ios::app) << std::string(3000, 'b');
    return true;
  });
  ASSERT_TRUE(res.ok()) << res.status().ToString();
  EXPECT_EQ(r.data().size(), 2000u);
}

TEST(FileReader, OverLimitIsRefusedWithoutReading) {
  TempDir t;
  auto p = t.Write("f", std::string(4096, 'a'));
  FileReader r;
  bool called = false;
  auto res = r.Read(platform::LocalFileSystem(), p, 100, 1024, false, [&](std::span<const uint8_t>) { return called = true; });
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Status::Code::kChanged);
  EXPECT_FALSE(called);
}

TEST(FileReader, NotSelectedStopsAfterHeader) {
  TempDir t;
  auto p = t.Write("f", std::string(10000, 'a'));
  FileReader r;
  size_t header = 0;
  auto res = r.Read(platform::LocalFileSystem(), p, 10000, 1 << 20, false, [&](std::span<const uint8_t> h) {
    header = h.size();
    return false;
  });
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(res->outcome, FileReader::Outcome::kNotSelected);
  EXPECT_EQ(header, 512u);
}

TEST(FileReader, VanishedFileIsNotFound) {
  TempDir t;
  FileReader r;
  auto res = r.Read(platform::LocalFileSystem(), t.path() + "/gone", 10, 1 << 20, false, nullptr);
  ASSERT_FALSE(res.ok());
  EXPECT_EQ(res.status().code(), Status::Code::kNotFound);
  EXPECT_NE(res.status().message().find("/gone"), std::string::npos);
}

TEST(FileReader, FifoIsRefusedWithoutBlocking) {
  TempDir t;
  std::string p = t.path() + "/fifo";
  ASSERT_EQ(mkfifo(p.c_str(), 0644), 0);
  FileReader r;
  auto res = r.Read(platform::LocalFileSystem(), p, 0, 1 << 20, false, nullptr);  // would block forever if opened blocking
  EXPECT_FALSE(res.ok());
}

TEST(FileReader, SymlinkNotFollowedUnlessAsked) {
  TempDir t;
  auto target = t.Write("target", "data");
  std::string link = t.path() + "/link";
  ASSERT_EQ(symlink(target.c_str(), link.c_str()), 0);
  FileReader r;
  EXPECT_FALSE(r.Read(platform::LocalFileSystem(), link, 4, 1 << 20, false, nullptr).ok());
  auto res = r.Read(platform::LocalFileSystem(), link, 4, 1 << 20, true, nullptr);
  ASSERT_TRUE(res.ok());
  EXPECT_EQ(r.data().size(), 4u);
}

}  // namespace
}  // namespace harrier
