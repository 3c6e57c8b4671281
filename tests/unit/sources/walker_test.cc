// Walker: what is emitted and what is skipped with which reason, from
// metadata only. FIFOs are never opened (the walk would block otherwise),
// symlink loops end, excluded objects are pruned by path and by identity.
#include "sources/walker.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>

#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

class CollectSink : public WalkSink {
 public:
  void OnFile(std::string path, const platform::StatInfo&, platform::FileOpener open) override {
    std::lock_guard l(*mu);
    openers[path] = std::move(open);
    files.push_back(std::move(path));
  }
  void OnSkip(const std::string& path, SkipReason reason, bool is_file) override {
    std::lock_guard l(*mu);
    (is_file ? skipped_files : skipped_dirs)[reason].push_back(path);
  }
  void OnDirectory(const std::string& path) override {
    std::lock_guard l(*mu);
    dirs.push_back(path);
  }
  std::vector<std::string> Sorted(std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  }
  size_t SkippedFiles(SkipReason r) { return skipped_files[r].size(); }
  size_t SkippedDirs(SkipReason r) { return skipped_dirs[r].size(); }

  std::unique_ptr<std::mutex> mu = std::make_unique<std::mutex>();
  std::vector<std::string> files, dirs;
  std::map<std::string, platform::FileOpener> openers;
  std::map<SkipReason, std::vector<std::string>> skipped_files, skipped_dirs;
};

CollectSink RunWalk(WalkOptions o, Diagnostics* diag = nullptr) {
  Diagnostics local;
  CollectSink sink;
  std::atomic<bool> cancel{false};
  Walk(o, sink, diag ? *diag : local, cancel);
  return sink;
}

TEST(Walker, EmitsRegularFilesRecursively) {
  TempDir t;
  t.Write("a", "1");
  t.Write("d/b", "2");
  t.Write("d/e/c", "3");
  auto s = RunWalk({.roots = {t.path()}});
  EXPECT_EQ(s.Sorted(s.files),
            (std::vector<std::string>{t.path() + "/a", t.path() + "/d/b", t.path() + "/d/e/c"}));
  EXPECT_EQ(s.dirs.size(), 3u);
}

TEST(Walker, FileGivenAsRoot) {
  TempDir t;
  auto p = t.Write("only", "1");
  auto s = RunWalk({.roots = {p}});
  EXPECT_EQ(s.files, std::vector<std::string>{p});
}

TEST(Walker, FifoIsSpecialFileAndNeverOpened) {
  TempDir t;
  t.Write("a", "1");
  ASSERT_EQ(mkfifo((t.path() + "/fifo").c_str(), 0644), 0);
  auto s = RunWalk({.roots = {t.path()}});  // would block forever on open()
  EXPECT_EQ(s.files.size(), 1u);
  EXPECT_EQ(s.SkippedFiles(SkipReason::kSpecialFile), 1u);
}

TEST(Walker, SymlinksSkippedByDefault) {
  TempDir t;
  auto target = t.Write("real/f", "1");
  ASSERT_EQ(symlink(target.c_str(), (t.path() + "/filelink").c_str()), 0);
  ASSERT_EQ(symlink((t.path() + "/real").c_str(), (t.path() + "/dirlink").c_str()), 0);
  auto s = RunWalk({.roots = {t.path()}});
  EXPECT_EQ(s.files, std::vector<std::string>{target});
  EXPECT_EQ(s.SkippedFiles(SkipReason::kSymlink), 2u);
}

TEST(Walker, SymlinkLoopWithFollowTerminates) {
  TempDir t;
  t.Write("a/f", "1");
  ASSERT_EQ(symlink("..", (t.path() + "/a/up").c_str()), 0);
  ASSERT_EQ(symlink("self", (t.path() + "/a/self").c_str()), 0);  // ELOOP
  auto s = RunWalk({.roots = {t.path()}, .follow_symlinks = true});
  EXPECT_EQ(s.files, std::vector<std::string>{t.path() + "/a/f"});
  EXPECT_EQ(s.SkippedDirs(SkipReason::kSymlink), 1u);   // a/up: already visited
  EXPECT_EQ(s.SkippedFiles(SkipReason::kSymlink), 1u);  // a/self: dangling/looping
}

TEST(Walker, MissingRootIsErrorSkip) {
  TempDir t;
  Diagnostics d;
  auto s = RunWalk({.roots = {t.path() + "/nope"}}, &d);
  EXPECT_EQ(s.SkippedFiles(SkipReason::kError), 1u);
  EXPECT_EQ(d.error_count(), 1u);
}

TEST(Walker, PseudoFileSystemNotEntered) {
  auto s = RunWalk({.roots = {"/proc/self"}});
  EXPECT_TRUE(s.files.empty());
  EXPECT_EQ(s.SkippedDirs(SkipReason::kPseudoFs), 1u);
}

TEST(Walker, ExcludePatternsPruneDirectories) {
  TempDir t;
  t.Write("keep/a", "1");
  t.Write("skip/b", "2");
  t.Write("keep/c.log", "3");
  ExcludeMatcher ex;
  ASSERT_TRUE(ex.Add("skip").ok());
  ASSERT_TRUE(ex.Add("*.log").ok());
  ASSERT_TRUE(ex.Compile().ok());
  auto s = RunWalk({.roots = {t.path()}, .excludes = &ex});
  EXPECT_EQ(s.files, std::vector<std::string>{t.path() + "/keep/a"});
  EXPECT_EQ(s.SkippedDirs(SkipReason::kExcluded), 1u);
  EXPECT_EQ(s.SkippedFiles(SkipReason::kExcluded), 1u);
}

TEST(Walker, ExcludePathsByCanonicalPrefix) {
  TempDir t;
  t.Write("sigs/yara/r.yar", "rule x { condition: true }");
  t.Write("data/f", "1");
  auto s = RunWalk({.roots = {t.path()}, .exclude_paths = {t.path() + "/sigs"}});
  EXPECT_EQ(s.files, std::vector<std::string>{t.path() + "/data/f"});
}

// Regression (issue 2 hardening): the signature folder reached through
// another path (here a non-canonical root and a followed symlink; on a host
// also a bind mount) must still be excluded, by (dev, inode).
TEST(Walker, ExcludeIdsMatchWhateverPathReachesTheObject) {
  TempDir t;
  t.Write("sigs/yara/r.yar", "rule x { condition: true }");
  auto report = t.Write("data/report.jsonl", "{}");
  t.Write("data/f", "1");
  ASSERT_EQ(symlink((t.path() + "/sigs").c_str(), (t.path() + "/data/sigs-link").c_str()), 0);
  auto sig_id = FileIdOf(t.path() + "/sigs");
  auto rep_id = FileIdOf(report);
  ASSERT_TRUE(sig_id.ok() && rep_id.ok());
  std::string odd_root = t.path() + "/data/../data";
  WalkOptions o{.roots = {odd_root}, .follow_symlinks = true};
  o.exclude_paths = {t.path() + "/sigs", report};  // canonical: miss the odd paths
  {
    auto s = RunWalk(o);
    EXPECT_EQ(s.files.size(), 3u) << "without ids the odd paths slip through";
  }
  o.exclude_ids = {*sig_id, *rep_id};
  auto s = RunWalk(o);
  EXPECT_EQ(s.files, std::vector<std::string>{odd_root + "/f"});
  EXPECT_EQ(s.SkippedDirs(SkipReason::kExcluded), 1u);
  EXPECT_EQ(s.SkippedFiles(SkipReason::kExcluded), 1u);
}

TEST(Walker, ExcludeIdsOnBindMount) {
  TempDir t;
  t.Write("sigs/yara/r.yar", "rule x { condition: true }");
  std::string mnt = t.Mkdir("tree/mnt");
  t.Write("tree/f", "1");
  std::string cmd = "mount --bind '" + t.path() + "/sigs' '" + mnt + "' 2>/dev/null";
  if (geteuid() != 0 || std::system(cmd.c_str()) != 0)
    GTEST_SKIP() << "bind mount not permitted here (needs root and CAP_SYS_ADMIN)";
  auto id = FileIdOf(t.path() + "/sigs");
  ASSERT_TRUE(id.ok());
  auto s = RunWalk({.roots = {t.path() + "/tree"}, .exclude_ids = {*id}});
  std::system(("umount '" + mnt + "'").c_str());
  EXPECT_EQ(s.files, std::vector<std::string>{t.path() + "/tree/f"});
}

// Root bypasses permission bits, so the walk runs in a child that drops to
// an unprivileged uid when we are root.
TEST(Walker, PermissionDeniedDirectoryIsSkippedWithReason) {
  TempDir t;
  t.Write("open/a", "1");
  t.Write("closed/b", "2");
  chmod(t.path().c_str(), 0755);
  chmod((t.path() + "/open").c_str(), 0755);
  chmod((t.path() + "/open/a").c_str(), 0644);
  chmod((t.path() + "/closed").c_str(), 0000);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(10);
    Diagnostics d;
    auto s = RunWalk({.roots = {t.path()}}, &d);
    if (s.files != std::vector<std::string>{t.path() + "/open/a"}) _exit(11);
    if (s.SkippedDirs(SkipReason::kPermission) != 1) _exit(12);
    if (d.warning_count() != 1 || d.error_count() != 0) _exit(13);
    _exit(0);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: could not drop privileges, 11: files, "
                                       "12: permission skip count, 13: diagnostics";
}

TEST(Walker, CancelStopsTheWalk) {
  TempDir t;
  for (int i = 0; i < 50; ++i) t.Write("d" + std::to_string(i) + "/f", "1");
  Diagnostics d;
  CollectSink sink;
  std::atomic<bool> cancel{true};
  Walk({.roots = {t.path()}}, sink, d, cancel);
  EXPECT_LT(sink.files.size(), 50u);
}

}  // namespace
}  // namespace harrier
