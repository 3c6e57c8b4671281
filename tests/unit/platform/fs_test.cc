// The platform FileSystem: path helpers of the POSIX implementation, output
// files that report their errors, and a fault-injecting FileSystem standing
// in under the walker and the file scanner.
#include "platform/fs.h"

#include <gtest/gtest.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "app/pipeline.h"
#include "testutil/fault_fs.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::FaultFileSystem;
using testing::TempDir;

TEST(LocalFileSystem, PathHelpers) {
  const platform::FileSystem& fs = platform::LocalFileSystem();
  EXPECT_EQ(fs.JoinPath("/a", "b"), "/a/b");
  EXPECT_EQ(fs.JoinPath("/", "b"), "/b");
  EXPECT_EQ(fs.BaseName("/a/b.exe"), "b.exe");
  EXPECT_EQ(fs.BaseName("b.exe"), "b.exe");
  EXPECT_EQ(fs.BaseName("/a/dir/"), "dir");
  EXPECT_TRUE(fs.IsWithin("/a/b/c", "/a/b"));
  EXPECT_TRUE(fs.IsWithin("/a/b", "/a/b"));
  EXPECT_TRUE(fs.IsWithin("/a/b", "/a/b/"));
  EXPECT_FALSE(fs.IsWithin("/a/bc", "/a/b"));
  EXPECT_TRUE(fs.IsWithin("/x", "/"));
  EXPECT_FALSE(fs.IsWithin("rel", "/"));
}

TEST(LocalFileSystem, UserCacheDirFollowsXdg) {
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  EXPECT_EQ(platform::LocalFileSystem().UserCacheDir(), "/tmp/xdg-test/harrier");
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else unsetenv("XDG_CACHE_HOME");
}

// --nice: the process runs at nice 19 (and idle I/O class). Checked in a
// child process, so the test runner keeps its own priority.
TEST(Platform, LowerPriorityMakesTheProcessNice19) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (!platform::LowerPriority().ok()) _exit(2);
    errno = 0;
    int nice = getpriority(PRIO_PROCESS, 0);
    _exit(nice == 19 && errno == 0 ? 0 : 1);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "2: LowerPriority failed, 1: nice is not 19";
}

TEST(LocalFileSystem, OutputFileReportsAFullDisk) {
  auto out = platform::LocalFileSystem().CreateOutput("/dev/full");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  // The write may be buffered (then Close fails) or direct (then Write
  // fails); either way the error reaches the caller, and Close still says so.
  Status w = (*out)->Write(std::string(8192, 'x'));
  Status c = (*out)->Close();
  EXPECT_FALSE(c.ok()) << "ENOSPC on /dev/full must be reported by Close (write: "
                       << w.ToString() << ")";
  auto small = platform::LocalFileSystem().CreateOutput("/dev/full");
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE((*small)->Write("x").ok());  // buffered
  EXPECT_FALSE((*small)->Close().ok());
}

TEST(LocalFileSystem, OutputFileWritesAndCloses) {
  TempDir t;
  auto out = platform::LocalFileSystem().CreateOutput(t.path() + "/o.txt");
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*out)->Write("hello\n").ok());
  EXPECT_TRUE((*out)->Close().ok());
  auto text = platform::ReadTextFile(t.path() + "/o.txt", 100);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, "hello\n");
  EXPECT_FALSE(platform::LocalFileSystem().CreateOutput(t.path() + "/no/such/dir/x").ok());
}

class NullReporter final : public Reporter {
 public:
  void OnFinding(const Finding&) override {}
  void End(const ScanSummary& s) override { summary = s; }
  ScanSummary summary;
};

// A one-worker scan of `root` through `fs`, with no signatures.
ScanSummary ScanThrough(const platform::FileSystem& fs, const std::string& root,
                        Diagnostics& diag, bool one_file_system = false) {
  auto sigs = std::make_shared<SignatureSet>();
  EXPECT_TRUE(sigs->filenames.Compile().ok());
  PipelineOptions po;
  po.walk.fs = &fs;
  po.walk.roots = {root};
  po.walk.one_file_system = one_file_system;
  po.threads = 1;
  po.progress = false;
  CheckRegistry checks;
  NullReporter rep;
  Console console;
  std::atomic<bool> cancel{false};
  return RunPipeline(po, sigs, checks, rep, ScanInfo{}, console, diag, cancel);
}

// Through the whole pipeline: the walker and the reader use the injected
// FileSystem, and what it refuses is counted with the right reason. A
// directory refused for permission makes the scan incomplete (regression:
// it ended "clean" with exit 0).
TEST(FaultFileSystem, RefusalsAreCountedAndMakeTheScanIncomplete) {
  TempDir t;
  t.Write("tree/ok.exe", "MZ fine");
  t.Write("tree/eio.exe", "MZ fails");
  t.Write("tree/locked/inside.exe", "MZ never seen");
  FaultFileSystem fs;
  fs.FailOpenDirectory(t.path() + "/tree/locked", Status::PermissionDenied("opendir: locked"));
  fs.FailOpenFile(t.path() + "/tree/eio.exe", Status::IoError("read: eio.exe: I/O error"));
  Diagnostics diag;
  ScanSummary s = ScanThrough(fs, t.path() + "/tree", diag);
  EXPECT_EQ(s.files_seen, 2u);
  EXPECT_EQ(s.files_scanned, 1u);
  EXPECT_EQ(s.skipped[static_cast<size_t>(SkipReason::kError)], 1u);
  EXPECT_EQ(s.skipped_dirs[static_cast<size_t>(SkipReason::kPermission)], 1u);
  EXPECT_TRUE(s.incomplete());
  EXPECT_EQ(ExitCodeFor(s), kExitIncomplete);
}

// Network and pseudo file systems are counted, not entered, and are choices
// (not gaps); so is the boundary of --one-file-system.
TEST(FaultFileSystem, NetworkPseudoAndOtherFileSystemsAreCountedNotEntered) {
  TempDir t;
  t.Write("tree/ok.exe", "MZ fine");
  t.Write("tree/nfs/remote.exe", "MZ never read");
  t.Write("tree/proc/status.exe", "MZ never read");
  t.Write("tree/usb/stick.exe", "MZ read unless --one-file-system");
  FaultFileSystem fs;
  fs.ClassifyDirectory(t.path() + "/tree/nfs", {platform::FsClass::kNetwork, "nfs"});
  fs.ClassifyDirectory(t.path() + "/tree/proc", {platform::FsClass::kPseudo, "proc"});
  fs.SetDevice(t.path() + "/tree/usb", 0xdead);
  Diagnostics diag;
  ScanSummary s = ScanThrough(fs, t.path() + "/tree", diag);
  EXPECT_EQ(s.skipped_dirs[static_cast<size_t>(SkipReason::kNetworkFs)], 1u);
  EXPECT_EQ(s.skipped_dirs[static_cast<size_t>(SkipReason::kPseudoFs)], 1u);
  EXPECT_EQ(s.skipped_dirs[static_cast<size_t>(SkipReason::kOtherFs)], 0u);
  EXPECT_EQ(s.files_scanned, 2u) << "ok.exe and usb/stick.exe";
  EXPECT_FALSE(s.incomplete());
  ScanSummary one = ScanThrough(fs, t.path() + "/tree", diag, /*one_file_system=*/true);
  EXPECT_EQ(one.skipped_dirs[static_cast<size_t>(SkipReason::kOtherFs)], 1u);
  EXPECT_EQ(one.files_scanned, 1u);
  EXPECT_FALSE(one.incomplete());
  EXPECT_EQ(ExitCodeFor(one), kExitClean);
}

TEST(FaultFileSystem, OnlyTheDirectoryRefusedMakesItIncomplete) {
  TempDir t;
  t.Write("tree/ok.exe", "MZ fine");
  t.Write("tree/locked/inside.exe", "MZ never seen");
  FaultFileSystem fs;
  fs.FailOpenDirectory(t.path() + "/tree/locked", Status::PermissionDenied("opendir: locked"));
  Diagnostics diag;
  ScanSummary s = ScanThrough(fs, t.path() + "/tree", diag);
  EXPECT_EQ(s.errors, 0u) << "a permission refusal is a warning, not an error";
  EXPECT_EQ(s.files_scanned, 1u);
  EXPECT_EQ(VerdictFor(s), Verdict::kIncomplete);
}

}  // namespace
}  // namespace harrier
