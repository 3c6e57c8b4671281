// End-to-end: the built binary, run as root would run it, over a tree built
// to mislead a scanner: FIFOs, a UNIX socket, symlink loops, links into /proc
// and /dev, a path longer than PATH_MAX with a marker at the bottom, hostile
// names (newline, invalid UTF-8, leading dashes), a folder of many files, and
// a 10 GiB sparse file with a marker after its hole. The summary must account
// for every entry, peak memory stays under a stated ceiling whatever the file
// sizes, and (under strace) no special file is ever opened. An unreadable
// file and directory are checked as an unprivileged user (setpriv).
//
// Sizes (make test): HARRIER_HOSTILE_FILES files in one folder (default
// 20,000) and HARRIER_HOSTILE_SPARSE_GIB, the sparse file's size (default 2:
// its hole's zeros are hashed, about 3 s of CPU per GiB, which make test
// cannot afford for 10 GiB). The full sizes (100,000 files, 10 GiB) are
// measured in docs/scanning.md: run with HARRIER_HOSTILE_FILES=100000
// HARRIER_HOSTILE_SPARSE_GIB=10.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// Markers are assembled at run time (no binary carries a whole rule string).
std::string Marker(const char* what) { return std::string("HOSTILE_") + what + "_MARKER_7f3a"; }

std::string Rules() {
  return "rule Hostile_Deep { strings: $a = \"" + Marker("DEEP") +
         "\" condition: $a }\n"
         "rule Hostile_Sparse { strings: $a = \"" +
         Marker("SPARSE") +
         "\" condition: $a }\n"
         "rule Hostile_Name { strings: $a = \"" +
         Marker("NAME") + "\" condition: $a }\n";
}

size_t EnvOr(const char* name, size_t fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::strtoull(v, nullptr, 10) : fallback;
}

// Peak RSS ceiling for these scans (--threads 2): the signature set, two
// workers' buffers (each at most --block-threshold, 64 MiB, plus a 4 MiB
// block, its overlap and a 4 MiB first-block copy) and the queue. A file's
// size does not enter it.
constexpr long kRssCeilingKb = 320 * 1024;

void MakeSocket(const std::string& path) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(s, 0);
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  ASSERT_LT(path.size(), sizeof a.sun_path) << path;
  std::memcpy(a.sun_path, path.c_str(), path.size() + 1);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  close(s);  // the socket file stays
}

std::string Sha256OfSparse(uint64_t size, uint64_t at, const std::string& data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  static const std::vector<uint8_t> zeros(1 << 20, 0);
  auto zeros_for = [&](uint64_t n) {
    while (n > 0) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(n, zeros.size()));
      EVP_DigestUpdate(ctx, zeros.data(), k);
      n -= k;
    }
  };
  zeros_for(at);
  EVP_DigestUpdate(ctx, data.data(), data.size());
  zeros_for(size - at - data.size());
  unsigned char md[32];
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += {hex[md[i] >> 4], hex[md[i] & 15]};
  return out;
}

struct HostileTree {
  TempDir sig, tree;
  std::string deep_leaf;
  const std::string deep_name = std::string(200, 'd');
  size_t many = 0;
  std::vector<std::string> name_hits;  // files found by their content

  // `many`: files in one folder; specials, links, the deep path and the
  // hostile names always.
  explicit HostileTree(size_t many_files) : many(many_files) {
    sig.Write("yara/hostile.yar", Rules());
    const std::string& r = tree.path();
    EXPECT_EQ(mkfifo((r + "/fifo").c_str(), 0644), 0);
    EXPECT_EQ(mkfifo((r + "/-fifo-dash").c_str(), 0644), 0);
    MakeSocket(r + "/sock");
    EXPECT_EQ(symlink("loop-b", (r + "/loop-a").c_str()), 0);
    EXPECT_EQ(symlink("loop-a", (r + "/loop-b").c_str()), 0);
    tree.Mkdir("sub");
    EXPECT_EQ(symlink("..", (r + "/sub/up").c_str()), 0);
    EXPECT_EQ(symlink("/proc/self/mem", (r + "/proc-mem").c_str()), 0);
    EXPECT_EQ(symlink("/proc", (r + "/proc-dir").c_str()), 0);
    EXPECT_EQ(symlink("/dev/zero", (r + "/dev-zero").c_str()), 0);
    EXPECT_EQ(symlink("/dev/kmsg", (r + "/dev-kmsg").c_str()), 0);
    EXPECT_EQ(symlink("/dev", (r + "/dev-dir").c_str()), 0);
    deep_leaf = MakeDeepTree(r, deep_name, 24, "deep-marker.txt", "x " + Marker("DEEP") + " x\n");
    EXPECT_GT(deep_leaf.size(), 4096u);
    for (std::string n : {std::string("line\nbreak.txt"), std::string("bad-\xff\xfe.txt"),
                          std::string("-rf"), std::string("--all-files")}) {
      name_hits.push_back(tree.Write(n, "> " + Marker("NAME") + " <\n"));
    }
    tree.Mkdir("many");
    for (size_t i = 0; i < many; ++i) {
      int fd = open((r + "/many/f" + std::to_string(i)).c_str(), O_WRONLY | O_CREAT, 0644);
      EXPECT_GE(fd, 0);
      if (fd >= 0) close(fd);
    }
  }
  ~HostileTree() { RemoveDeepTree(tree.path(), deep_name); }

  // Regular files that are scanned: the deep one, the names, the many.
  size_t regular() const { return 1 + name_hits.size() + many; }

  std::vector<std::string> Args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"scan",
                                  "--no-builtin",
                                  "--no-progress",
                                  "--signatures",
                                  sig.path(),
                                  "--jsonl",
                                  "-",
                                  "--all-files",
                                  "--threads",
                                  "2"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

// Regression (walk): the whole hostile tree. Every entry is scanned or
// counted with its reason; the file below a path longer than PATH_MAX is
// found (it was invisible: one "File name too long" error); nothing special
// is opened (the run ends); memory stays under the ceiling.
TEST(HostileE2E, RegressionHostileTreeIsWalkedAndAccountedFor) {
  const size_t many = EnvOr("HARRIER_HOSTILE_FILES", 20000);
  HostileTree h(many);
  auto t0 = std::chrono::steady_clock::now();
  RunResult r = RunHarrier(h.Args({h.tree.path()}), 300);
  ASSERT_NE(r.exit_code, -1) << "timed out: something blocked";
  EXPECT_EQ(r.exit_code, 1) << r.err;  // findings; nothing incomplete
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  const auto& s = j.summary;
  EXPECT_EQ(s["files_scanned"], h.regular()) << s.dump();
  EXPECT_EQ(s["skipped"]["special_file"], 3) << "two FIFOs, one socket";
  // Links are not followed: loop-a, loop-b, sub/up, proc-mem, proc-dir,
  // dev-zero, dev-kmsg, dev-dir.
  EXPECT_EQ(s["skipped"]["symlink"], 8) << s.dump();
  for (auto& [reason, n] : s["skipped"].items()) {
    if (reason != "special_file" && reason != "symlink") {
      EXPECT_EQ(n, 0) << reason;
    }
  }
  EXPECT_EQ(s["errors"], 0) << r.err;
  ASSERT_EQ(j.findings.count(h.deep_leaf), 1u) << "the deep marker was not found";
  EXPECT_EQ(j.findings[h.deep_leaf]["harrier"]["reasons"][0]["name"], "Hostile_Deep");
  EXPECT_EQ(j.findings.size(), 1 + h.name_hits.size()) << r.out.substr(0, 4000);
  EXPECT_LT(r.max_rss_kb, kRssCeilingKb);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cerr << "[ hostile ] " << many << " files in one folder: " << secs << " s, peak RSS "
            << r.max_rss_kb / 1024 << " MiB\n";

  // With --follow-symlinks: loops end, links into /proc and /dev lead nowhere.
  RunResult f = RunHarrier(h.Args({"--follow-symlinks", h.tree.path()}), 300);
  ASSERT_NE(f.exit_code, -1) << "timed out";
  Jsonl jf = ParseJsonl(f.out);
  ExpectAccounted(jf.summary);
  const auto& sf = jf.summary;
  EXPECT_EQ(sf["files_scanned"], h.regular()) << sf.dump();
  EXPECT_EQ(sf["skipped"]["special_file"], 5) << "FIFOs, socket, /dev/zero, /dev/kmsg";
  EXPECT_EQ(sf["skipped"]["symlink"], 2) << "loop-a, loop-b";
  EXPECT_EQ(sf["skipped"]["pseudo_fs"], 1) << "/proc/self/mem is never opened";
  EXPECT_EQ(sf["skipped_dirs"]["pseudo_fs"], 2) << "/proc and /dev through links";
  EXPECT_EQ(sf["skipped_dirs"]["symlink"], 1) << "sub/up: already walked";
  EXPECT_EQ(jf.findings.size(), 1 + h.name_hits.size());
  EXPECT_LT(f.max_rss_kb, kRssCeilingKb);
}

// Regression (memory, sparse files): a 10 GiB sparse file (2 GiB in make
// test, see above) with a marker after its hole, scanned with
// --max-file-size 20G, was read whole into memory (10.5 GB RSS). Now it is read as blocks, its hole
// is never read, the marker is found, its SHA256 is the whole file's, and peak memory stays under
// the ceiling.
TEST(HostileE2E, RegressionSparseTenGigabyteFileIsScannedInBoundedMemory) {
  const uint64_t gib = EnvOr("HARRIER_HOSTILE_SPARSE_GIB", 2);
  TempDir sig, tree;
  sig.Write("yara/hostile.yar", Rules());
  const std::string p = tree.path() + "/sparse.img";
  const uint64_t size = gib << 30, at = size - (1 << 20);
  const std::string data = "..." + Marker("SPARSE") + "...";
  {
    int fd = open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(pwrite(fd, data.data(), data.size(), static_cast<off_t>(at)),
              static_cast<ssize_t>(data.size()));
    ASSERT_EQ(ftruncate(fd, static_cast<off_t>(size)), 0);
    close(fd);
  }
  auto t0 = std::chrono::steady_clock::now();
  RunResult r =
      RunHarrier({"scan", "--no-builtin", "--no-progress", "--signatures", sig.path(), "--jsonl",
                  "-", "--all-files", "--threads", "2", "--max-file-size", "20G", tree.path()},
                 300);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(r.exit_code, -1) << "timed out";
  EXPECT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  EXPECT_EQ(j.summary["files_scanned"], 1);
  EXPECT_EQ(j.summary["bytes_scanned"], size);
  ASSERT_EQ(j.findings.count(p), 1u) << r.out;
  EXPECT_EQ(j.findings[p]["harrier"]["reasons"][0]["name"], "Hostile_Sparse");
  EXPECT_EQ(j.findings[p]["file"]["hash"]["sha256"], Sha256OfSparse(size, at, data));
  EXPECT_LT(r.max_rss_kb, kRssCeilingKb);
  std::cerr << "[ hostile ] sparse " << gib << " GiB: " << secs << " s (hashing the hole's zeros), "
            << "peak RSS " << r.max_rss_kb / 1024 << " MiB\n";
  // The hole is not read: only hashing its zeros costs time (about 3 s of
  // CPU per GiB for MD5, SHA1 and SHA256 together on the 2-CPU test
  // machine; the bound leaves room for a loaded machine). Read whole, as
  // before, it was never under this: 10 GiB read and scanned by YARA too.
  EXPECT_LT(secs, 15.0 * static_cast<double>(gib) + 20);
}

// No special file is ever opened: the system calls of a scan of the
// hostile tree (without the many files), traced with strace, name none of
// the FIFOs, the socket or the links' targets; with --follow-symlinks the
// link to /proc/self/mem is only looked at (O_PATH), never opened for
// reading. Skipped when strace is not installed.
TEST(HostileE2E, StraceShowsNoSpecialFileOpened) {
  const std::string strace = FindProgram("strace");
  if (strace.empty()) GTEST_SKIP() << "strace is not installed (scripts/install-deps.sh)";
  HostileTree h(0);
  for (bool follow : {false, true}) {
    SCOPED_TRACE(follow);
    const std::string log = h.sig.path() + "/trace.txt";
    std::vector<std::string> argv = {
        strace, "-f", "-qq", "-e", "trace=open,openat,openat2", "-o", log, HarrierBinary()};
    auto args = h.Args({});
    if (follow) args.push_back("--follow-symlinks");
    args.push_back(h.tree.path());
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r = RunProgram(argv, 300);
    ASSERT_NE(r.exit_code, -1);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    std::ifstream in(log);
    std::string line;
    size_t lines = 0;
    while (std::getline(in, line)) {
      ++lines;
      for (const char* bad : {"/fifo\"", "fifo-dash\"", "/sock\"", "\"fifo\"", "\"-fifo-dash\"",
                              "\"sock\"", "/dev/zero", "/dev/kmsg", "/proc/self/mem\"",
                              "\"dev-zero\"", "\"dev-kmsg\"", "\"loop-a\"", "\"loop-b\""}) {
        EXPECT_EQ(line.find(bad), std::string::npos) << line;
      }
      if (line.find("\"proc-mem\"") != std::string::npos) {
        EXPECT_TRUE(follow) << line;
        EXPECT_NE(line.find("O_PATH"), std::string::npos) << "opened for reading: " << line;
      }
    }
    EXPECT_GT(lines, 10u) << "strace wrote nothing";
  }
}

// Regression (permission): as an unprivileged user, an unreadable file is
// skipped "permission", a directory without search permission makes its
// entries' lstat fail (counted "permission", was "error"), and an
// unreadable directory is a directory skipped "permission". The scan is
// incomplete, with no error. Needs root (to switch user) and setpriv.
TEST(HostileE2E, RegressionUnprivilegedUserPermissionSkips) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to run the scan as nobody";
  const std::string setpriv = FindProgram("setpriv");
  if (setpriv.empty()) GTEST_SKIP() << "setpriv (util-linux) is not installed";
  TempDir sig, tree;
  sig.Write("yara/hostile.yar", Rules());
  tree.Write("ok.txt", "readable\n");
  const std::string secret = tree.Write("secret.txt", "nobody reads this\n");
  tree.Write("noexec/inside.txt", "listed but not stat-able\n");
  tree.Write("noread/inside.txt", "never listed\n");
  ASSERT_EQ(chmod(secret.c_str(), 0000), 0);
  ASSERT_EQ(chmod((tree.path() + "/noexec").c_str(), 0644), 0);
  ASSERT_EQ(chmod((tree.path() + "/noread").c_str(), 0000), 0);
  for (const auto* d : {&sig, &tree}) ASSERT_EQ(chmod(d->path().c_str(), 0755), 0);
  ASSERT_EQ(chmod((sig.path() + "/yara").c_str(), 0755), 0);
  ASSERT_EQ(chmod((sig.path() + "/yara/hostile.yar").c_str(), 0644), 0);
  // The binary and every folder above the trees must be reachable by nobody.
  RunResult probe = RunProgram({setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                                HarrierBinary(), "--version"});
  if (probe.exit_code != 0) GTEST_SKIP() << "nobody cannot run the binary here: " << probe.err;
  RunResult r = RunProgram({setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                            HarrierBinary(), "scan", "--no-builtin", "--no-progress",
                            "--signatures", sig.path(), "--jsonl", "-", "--all-files", tree.path()},
                           120);
  ASSERT_NE(r.exit_code, -1);
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  const auto& s = j.summary;
  EXPECT_EQ(s["files_scanned"], 1) << s.dump();
  EXPECT_EQ(s["skipped"]["permission"], 2) << "secret.txt, noexec/inside.txt: " << s.dump();
  EXPECT_EQ(s["skipped"]["error"], 0) << s.dump();
  EXPECT_EQ(s["skipped_dirs"]["permission"], 1) << "noread";
  EXPECT_EQ(s["errors"], 0) << r.err;
  EXPECT_EQ(r.exit_code, 3) << "incomplete: " << r.err;
}

}  // namespace
}  // namespace harrier::testing
