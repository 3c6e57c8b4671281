// The walk over a hostile tree: nothing is opened by path below the roots,
// so a directory swapped for a symlink during the scan cannot lead
// elsewhere, a file swapped for a FIFO, device or another file is refused,
// depth has no path-length limit, and followed symlinks never open files on
// pseudo file systems or devices. Races are made deterministic with the
// FaultFileSystem's BeforeOpen hook.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>

#include "app/pipeline.h"
#include "sources/walker.h"
#include "testutil/fault_fs.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::FaultFileSystem;
using testing::TempDir;

class Sink final : public WalkSink {
 public:
  void OnFile(std::string path, const platform::StatInfo&, platform::FileOpener open) override {
    std::lock_guard l(mu);
    openers[path] = std::move(open);
    files.push_back(std::move(path));
  }
  void OnSkip(const std::string& path, SkipReason reason, bool is_file) override {
    std::lock_guard l(mu);
    (is_file ? skipped_files : skipped_dirs)[reason].push_back(path);
  }
  void OnDirectory(const std::string& path) override {
    std::lock_guard l(mu);
    dirs.push_back(path);
  }
  size_t Files(SkipReason r) { return skipped_files[r].size(); }
  size_t Dirs(SkipReason r) { return skipped_dirs[r].size(); }

  std::mutex mu;
  std::vector<std::string> files, dirs;
  std::map<std::string, platform::FileOpener> openers;
  std::map<SkipReason, std::vector<std::string>> skipped_files, skipped_dirs;
};

std::unique_ptr<Sink> RunWalk(const WalkOptions& o, Diagnostics* diag = nullptr) {
  Diagnostics local;
  auto sink = std::make_unique<Sink>();
  std::atomic<bool> cancel{false};
  Walk(o, *sink, diag ? *diag : local, cancel);
  return sink;
}

std::string ReadAll(platform::ReadableFile& f) {
  std::string out;
  uint8_t buf[4096];
  for (;;) {
    auto n = f.Read(buf);
    if (!n.ok() || *n == 0) break;
    out.append(reinterpret_cast<const char*>(buf), *n);
  }
  return out;
}

// Regression: a directory swapped for a symlink to /dev between its listing
// and its opening made the walk enter /dev (and the reader open /dev/zero,
// /dev/kmsg, /dev/loop0, ...). Now it is opened relative to its parent with
// O_DIRECTORY|O_NOFOLLOW: refused, counted as an error skip.
TEST(WalkerHostile, RegressionDirectorySwappedForSymlinkToDevIsNotEntered) {
  TempDir t;
  t.Write("tree/a.txt", "1");
  t.Write("tree/sub/b.txt", "2");
  const std::string sub = t.path() + "/tree/sub";
  FaultFileSystem fs;
  fs.BeforeOpen(sub, [&] {
    ASSERT_EQ(std::rename(sub.c_str(), (t.path() + "/moved").c_str()), 0);
    ASSERT_EQ(symlink("/dev", sub.c_str()), 0);
  });
  Diagnostics diag;
  auto s = RunWalk({.fs = &fs, .roots = {t.path() + "/tree"}}, &diag);
  EXPECT_EQ(s->files, std::vector<std::string>{t.path() + "/tree/a.txt"});
  EXPECT_EQ(s->dirs, std::vector<std::string>{t.path() + "/tree"}) << "entered the swapped link";
  EXPECT_EQ(s->Files(SkipReason::kSpecialFile), 0u) << "listed /dev";
  EXPECT_EQ(s->Dirs(SkipReason::kError), 1u);
  EXPECT_EQ(diag.error_count(), 1u);
}

// The same race on a directory that kept no handle (max_open_dirs 1): its
// subdirectory is reached by reopening it by name from the root, and the
// swap happens just before that reopening. Still no way out.
TEST(WalkerHostile, SwappedDirectoryIsRefusedWhenReopenedByName) {
  TempDir t;
  t.Write("tree/x/y/z/f.txt", "1");
  const std::string y = t.path() + "/tree/x/y";
  FaultFileSystem fs;
  // The first open of y lists it; the second (to reach y/z) meets the swap.
  fs.BeforeOpen(y, [&] {
    fs.BeforeOpen(y, [&] {
      ASSERT_EQ(std::rename(y.c_str(), (t.path() + "/moved").c_str()), 0);
      ASSERT_EQ(symlink("/dev", y.c_str()), 0);
    });
  });
  auto s = RunWalk({.fs = &fs, .roots = {t.path() + "/tree"}, .max_open_dirs = 1});
  EXPECT_TRUE(s->files.empty());
  EXPECT_EQ(s->Files(SkipReason::kSpecialFile), 0u);
  EXPECT_EQ(s->Dirs(SkipReason::kError), 1u) << "y/z: its parent could not be reopened";
}

// A listed file swapped before it is read: for a symlink to a device, a
// FIFO, or another regular file (a new inode). The opener refuses each
// (Changed) without opening it: no FIFO blocks, no device driver runs.
TEST(WalkerHostile, RegressionFileSwappedAfterListingIsRefusedNotOpened) {
  TempDir t;
  const std::string f = t.Write("tree/f.exe", "MZ listed");
  auto s = RunWalk({.roots = {t.path() + "/tree"}});
  ASSERT_EQ(s->openers.count(f), 1u);
  const platform::FileOpener& open = s->openers[f];
  {
    auto ok = open();
    ASSERT_TRUE(ok.ok()) << ok.status().ToString();
    EXPECT_EQ(ReadAll(**ok), "MZ listed");
  }
  ASSERT_EQ(std::rename(f.c_str(), (t.path() + "/kept").c_str()), 0);
  ASSERT_EQ(symlink("/dev/zero", f.c_str()), 0);
  EXPECT_EQ(open().status().code(), Status::Code::kChanged);
  ASSERT_EQ(unlink(f.c_str()), 0);
  ASSERT_EQ(mkfifo(f.c_str(), 0644), 0);
  EXPECT_EQ(open().status().code(), Status::Code::kChanged);  // returns: nothing blocks
  ASSERT_EQ(unlink(f.c_str()), 0);
  t.Write("tree/f.exe", "MZ another file");
  EXPECT_EQ(open().status().code(), Status::Code::kChanged);
  ASSERT_EQ(unlink(f.c_str()), 0);
  ASSERT_EQ(std::rename((t.path() + "/kept").c_str(), f.c_str()), 0);
  EXPECT_TRUE(open().ok()) << "the listed file itself, back in place";
}

// Regression: paths longer than PATH_MAX (4,096 bytes) were never walked
// (one "File name too long" error, the files below invisible). Every
// directory is opened relative to its parent, so depth has no limit; with
// few handles kept, deep directories are reopened by name.
TEST(WalkerHostile, RegressionPathLongerThanPathMaxIsWalkedAndRead) {
  for (size_t max_open : {size_t{256}, size_t{2}}) {
    TempDir t;
    const std::string name(200, 'd');
    const std::string leaf = testing::MakeDeepTree(t.path(), name, 30, "marker.txt", "bottom");
    ASSERT_GT(leaf.size(), 6000u);
    Diagnostics diag;
    auto s = RunWalk({.roots = {t.path()}, .max_open_dirs = max_open}, &diag);
    EXPECT_EQ(diag.error_count(), 0u);
    ASSERT_EQ(s->files, std::vector<std::string>{leaf}) << "max_open_dirs " << max_open;
    EXPECT_EQ(s->dirs.size(), 31u);
    auto f = s->openers[leaf]();
    ASSERT_TRUE(f.ok()) << f.status().ToString();
    EXPECT_EQ(ReadAll(**f), "bottom");
    s.reset();
    testing::RemoveDeepTree(t.path(), name);
  }
}

size_t OpenFds() {
  size_t n = 0;
  if (auto d = platform::Directory::Open("/proc/self/fd", false); d.ok()) {
    platform::DirEntry e;
    while ((*d)->Next(&e)) ++n;
  }
  return n;
}

// The descriptor bound on a chain of 3,000 nested directories (a 6,000-byte
// path): a directory's handle is held only by its direct children, so the
// walk holds a few descriptors at a time however deep it goes, in linear
// time (no reopening from the root).
TEST(WalkerHostile, DeepChainHoldsFewDescriptors) {
  TempDir t;
  const std::string leaf = testing::MakeDeepTree(t.path(), "d", 3000, "f.txt", "deep");
  const size_t before = OpenFds();
  class FdSink final : public WalkSink {
   public:
    void OnFile(std::string path, const platform::StatInfo&, platform::FileOpener open) override {
      files.push_back(std::move(path));
      opener = std::move(open);
    }
    void OnSkip(const std::string&, SkipReason, bool) override { ++skips; }
    void OnDirectory(const std::string&) override { max_fds = std::max(max_fds, OpenFds()); }
    std::vector<std::string> files;
    platform::FileOpener opener;
    size_t skips = 0, max_fds = 0;
  } sink;
  Diagnostics diag;
  std::atomic<bool> cancel{false};
  auto t0 = std::chrono::steady_clock::now();
  Walk({.roots = {t.path()}, .threads = 1, .max_open_dirs = 4}, sink, diag, cancel);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(sink.files, std::vector<std::string>{leaf});
  EXPECT_EQ(sink.skips, 0u);
  EXPECT_EQ(diag.error_count(), 0u);
  EXPECT_LE(sink.max_fds, before + 6) << "descriptors grew with depth";
  EXPECT_LT(secs, 10.0);
  auto f = sink.opener();
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_EQ(ReadAll(**f), "deep");
  sink.opener = nullptr;
  testing::RemoveDeepTree(t.path(), "d");
}

// The descriptor bound: a wide and deep tree walked with a cap of 4 kept
// handles finds every file and reads each one through its opener.
TEST(WalkerHostile, ManyDirectoriesWithFewHandlesFindAndOpenEverything) {
  TempDir t;
  std::vector<std::string> want;
  for (int i = 0; i < 20; ++i)
    for (int j = 0; j < 5; ++j)
      want.push_back(t.Write("d" + std::to_string(i) + "/e" + std::to_string(j) + "/f", "x"));
  std::sort(want.begin(), want.end());
  auto s = RunWalk({.roots = {t.path()}, .threads = 3, .max_open_dirs = 4});
  std::vector<std::string> got = s->files;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, want);
  for (const auto& f : want) EXPECT_TRUE(s->openers[f]().ok()) << f;
}

// Regression: an entry whose lstat failed for permission (a directory with
// read but no search permission) was counted as an error, not "permission".
TEST(WalkerHostile, RegressionLstatPermissionDeniedIsPermissionSkip) {
  TempDir t;
  t.Write("tree/ok.txt", "1");
  t.Write("tree/hidden.txt", "2");
  FaultFileSystem fs;
  fs.FailEntryStat(t.path() + "/tree/hidden.txt",
                   Status::PermissionDenied("lstat: hidden.txt: Permission denied"));
  Diagnostics diag;
  auto s = RunWalk({.fs = &fs, .roots = {t.path() + "/tree"}}, &diag);
  EXPECT_EQ(s->Files(SkipReason::kPermission), 1u);
  EXPECT_EQ(s->Files(SkipReason::kError), 0u);
  EXPECT_EQ(diag.error_count(), 0u) << "a permission refusal is a warning";
}

class NullReporter final : public Reporter {
 public:
  void OnFinding(const Finding&) override {}
  void End(const ScanSummary&) override {}
};

ScanSummary ScanThrough(const platform::FileSystem& fs, const std::string& root, bool follow,
                        Diagnostics& diag) {
  auto sigs = std::make_shared<SignatureSet>();
  EXPECT_TRUE(sigs->filenames.Compile().ok());
  PipelineOptions po;
  po.walk.fs = &fs;
  po.walk.roots = {root};
  po.walk.follow_symlinks = follow;
  po.scan.follow_symlinks = follow;
  po.scan.all_files = true;
  po.threads = 1;
  po.progress = false;
  CheckRegistry checks;
  NullReporter rep;
  Console console;
  std::atomic<bool> cancel{false};
  return RunPipeline(po, sigs, checks, rep, ScanInfo{}, console, diag, cancel);
}

// Regression: --follow-symlinks opened /proc/self/mem through a link. A
// followed link never opens a file on a pseudo file system (counted
// "pseudo_fs") nor a device or FIFO ("special_file"); a link to a directory
// on one is not entered. Every file opened is recorded: only the tree's own.
TEST(WalkerHostile, RegressionFollowedLinksNeverOpenProcFilesOrDevices) {
  TempDir t;
  const std::string ok = t.Write("tree/ok.txt", "fine");
  ASSERT_EQ(symlink("/proc/self/mem", (t.path() + "/tree/mem").c_str()), 0);
  ASSERT_EQ(symlink("/proc/self/status", (t.path() + "/tree/status").c_str()), 0);
  ASSERT_EQ(symlink("/dev/zero", (t.path() + "/tree/zero").c_str()), 0);
  ASSERT_EQ(symlink("/dev/kmsg", (t.path() + "/tree/kmsg").c_str()), 0);
  ASSERT_EQ(symlink("/proc/self", (t.path() + "/tree/procdir").c_str()), 0);
  ASSERT_EQ(symlink("/sys/kernel", (t.path() + "/tree/sysdir").c_str()), 0);
  ASSERT_EQ(symlink("/dev", (t.path() + "/tree/devdir").c_str()), 0);
  FaultFileSystem fs;
  Diagnostics diag;
  ScanSummary s = ScanThrough(fs, t.path() + "/tree", /*follow=*/true, diag);
  EXPECT_EQ(s.files_scanned, 1u);
  EXPECT_EQ(s.skipped[static_cast<size_t>(SkipReason::kPseudoFs)], 2u) << "mem, status";
  EXPECT_EQ(s.skipped[static_cast<size_t>(SkipReason::kSpecialFile)], 2u) << "zero, kmsg";
  EXPECT_EQ(s.skipped_dirs[static_cast<size_t>(SkipReason::kPseudoFs)], 3u)
      << "proc, sys, and /dev (devtmpfs) through a link";
  EXPECT_EQ(s.files_seen, 5u);
  std::vector<std::string> opened;
  for (const auto& o : fs.OpenedFiles()) {
    opened.push_back(o.path);
    EXPECT_EQ(o.type, platform::FileType::kRegular);
  }
  EXPECT_EQ(opened, std::vector<std::string>{ok});
}

}  // namespace
}  // namespace harrier
