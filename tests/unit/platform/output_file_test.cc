// Report and cache files of the platform layer (platform/fs.h):
// CreateOutputFile never follows or truncates what another user planted,
// publishes per its Publish mode, reports every error and leaves no
// temporary file behind; ReadPrivateFile trusts only the running user's
// files.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "platform/fs.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

std::string Slurp(const std::string& path) {
  auto t = platform::ReadTextFile(path, 1 << 20);
  return t.ok() ? *t : "<" + t.status().ToString() + ">";
}

TEST(OutputFile, OnCloseKeepsTheOldReportUntilTheNewOneIsWhole) {
  TempDir t;
  std::string path = t.Write("report.html", "old report");
  auto out = platform::CreateOutputFile(path, platform::Publish::kOnClose);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE((*out)->Write("new report").ok());
  ASSERT_TRUE((*out)->Flush().ok());
  EXPECT_EQ(Slurp(path), "old report");  // an interrupted scan would leave it
  EXPECT_EQ(testing::EntriesIn(t.path()), 2u);       // the report and its temporary file
  ASSERT_TRUE((*out)->Close().ok());
  EXPECT_EQ(Slurp(path), "new report");
  EXPECT_EQ(testing::EntriesIn(t.path()), 1u);
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(OutputFile, OnCreateIsVisibleAtOnceAndGrowsWithEachFlush) {
  TempDir t;
  std::string path = t.path() + "/scan.jsonl";
  auto out = platform::CreateOutputFile(path, platform::Publish::kOnCreate);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(Slurp(path), "");
  ASSERT_TRUE((*out)->Write("{\"a\":1}\n").ok());
  EXPECT_EQ(Slurp(path), "");  // buffered until Flush
  ASSERT_TRUE((*out)->Flush().ok());
  EXPECT_EQ(Slurp(path), "{\"a\":1}\n");
  ASSERT_TRUE((*out)->Close().ok());
  EXPECT_EQ(testing::EntriesIn(t.path()), 1u);
}

TEST(OutputFile, APlantedSymlinkIsReplacedNotFollowed) {
  TempDir t;
  std::string victim = t.Write("victim", "precious");
  std::string path = t.path() + "/report.csv";
  ASSERT_EQ(symlink(victim.c_str(), path.c_str()), 0);
  for (auto when : {platform::Publish::kOnClose, platform::Publish::kOnCreate}) {
    auto out = platform::CreateOutputFile(path, when);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_TRUE((*out)->Write("report").ok());
    ASSERT_TRUE((*out)->Close().ok());
    EXPECT_EQ(Slurp(victim), "precious");
    struct stat st;
    ASSERT_EQ(lstat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISREG(st.st_mode)) << "the link itself is replaced by the report";
    EXPECT_EQ(Slurp(path), "report");
    ASSERT_EQ(unlink(path.c_str()), 0);
    ASSERT_EQ(symlink(victim.c_str(), path.c_str()), 0);
  }
}

TEST(OutputFile, CharacterDevicesAreWrittenInPlace) {
  auto out = platform::CreateOutputFile("/dev/null", platform::Publish::kOnClose);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE((*out)->Write("x").ok());
  EXPECT_TRUE((*out)->Close().ok());
  struct stat st;
  ASSERT_EQ(stat("/dev/null", &st), 0);
  EXPECT_TRUE(S_ISCHR(st.st_mode));
}

// Review: `--jsonl /dev/stdout` with stdout redirected to a file must
// write to that file, never replace the system's /dev/stdout link.
TEST(OutputFile, SystemNamesAreWrittenInPlace) {
  TempDir t;
  std::string file = t.Write("redirected.log", "");
  int fd = open(file.c_str(), O_WRONLY | O_APPEND);
  ASSERT_GE(fd, 0);
  std::string name = "/proc/self/fd/" + std::to_string(fd);
  auto out = platform::CreateOutputFile(name, platform::Publish::kOnCreate);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE((*out)->Write("line\n").ok());
  ASSERT_TRUE((*out)->Close().ok());
  close(fd);
  EXPECT_EQ(Slurp(file), "line\n");
  EXPECT_EQ(testing::EntriesIn(t.path()), 1u);
}

// A FIFO nobody reads is an error at once, not a hang.
TEST(OutputFile, AFifoWithoutAReaderIsAnErrorNotAHang) {
  TempDir t;
  std::string fifo = t.path() + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_FALSE(platform::CreateOutputFile(fifo, platform::Publish::kOnClose).ok());
}

TEST(OutputFile, AFullDiskIsAnErrorThatSticks) {
  auto out = platform::CreateOutputFile("/dev/full", platform::Publish::kOnClose);
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)->Write("x").ok());  // buffered
  Status f = (*out)->Flush();
  EXPECT_FALSE(f.ok());
  EXPECT_NE(f.message().find("/dev/full"), std::string::npos) << f.message();
  EXPECT_FALSE((*out)->Write("y").ok());
  EXPECT_FALSE((*out)->Close().ok());
}

TEST(OutputFile, DirectoriesAreRefusedAndFailedFilesLeaveNoTemporary) {
  TempDir t;
  t.Mkdir("d");
  EXPECT_FALSE(platform::CreateOutputFile(t.path() + "/d", platform::Publish::kOnClose).ok());
  EXPECT_FALSE(platform::CreateOutputFile(t.path() + "/no/such/x", platform::Publish::kOnClose).ok());
  {
    auto out = platform::CreateOutputFile(t.path() + "/r.html", platform::Publish::kOnClose);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write("half").ok());
  }  // destroyed without Close: the scan failed
  EXPECT_EQ(testing::EntriesIn(t.path()), 1u) << "only d/ remains";
}

TEST(PrivateFile, OnlyTheRunningUsersOwnFilesAreTrusted) {
  TempDir t;
  std::string dir = t.path() + "/cache";
  ASSERT_TRUE(platform::MakePrivateDir(dir).ok());
  struct stat st;
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
  std::string f = dir + "/entry";
  {
    auto out = platform::CreateOutputFile(f, platform::Publish::kOnClose);
    ASSERT_TRUE(out.ok());
    ASSERT_TRUE((*out)->Write("rules").ok());
    ASSERT_TRUE((*out)->Close().ok());
  }
  auto ok = platform::ReadPrivateFile(f, 100);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(*ok, "rules");
  EXPECT_EQ(platform::ReadPrivateFile(f, 3).status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(platform::ReadPrivateFile(dir + "/none", 100).status().code(),
            Status::Code::kNotFound);

  ASSERT_EQ(chmod(f.c_str(), 0620), 0);
  EXPECT_EQ(platform::ReadPrivateFile(f, 100).status().code(),
            Status::Code::kPermissionDenied);
  ASSERT_EQ(chmod(f.c_str(), 0600), 0);
  ASSERT_EQ(chmod(dir.c_str(), 0777), 0);
  EXPECT_EQ(platform::ReadPrivateFile(f, 100).status().code(),
            Status::Code::kPermissionDenied);
  // Our own folder made group/world-writable (an older version under umask
  // 002) is repaired by MakePrivateDir, not refused forever.
  EXPECT_TRUE(platform::MakePrivateDir(dir).ok());
  ASSERT_EQ(stat(dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 022, 0u);
  ASSERT_EQ(chmod(dir.c_str(), 0700), 0);

  std::string link = dir + "/link";
  ASSERT_EQ(symlink(f.c_str(), link.c_str()), 0);
  EXPECT_FALSE(platform::ReadPrivateFile(link, 100).ok()) << "a symlink is never followed";

  if (geteuid() == 0) {
    ASSERT_EQ(chown(f.c_str(), 65534, 65534), 0);
    EXPECT_EQ(platform::ReadPrivateFile(f, 100).status().code(),
              Status::Code::kPermissionDenied);
  }
}

}  // namespace
}  // namespace harrier
