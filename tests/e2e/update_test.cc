// `harrier update`, `harrier bundle` and `harrier signatures` end to end: a
// local HTTPS server (tests/tools/https_server.py, on 127.0.0.1 with a
// self-signed certificate that only these tests trust, via --ca-file)
// serves good and hostile signature archives. Every bad one must be refused
// with a message naming what failed, leave the active set as it was (a
// scan still finds with it), and leave no work in the store.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "testutil/archive_synth.h"
#include "testutil/testutil.h"
#include "update/verify.h"

extern char** environ;

namespace harrier::testing {
namespace {

namespace fs = std::filesystem;
using Type = SynthMember::Type;

bool Has(const std::string& hay, std::string_view needle) {
  return hay.find(needle) != std::string::npos;
}

void WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

// The marker a planted file holds and the good set's rule finds.
constexpr const char* kMarker = "HARRIER_UPDATE_TEST_MARKER_7f3a9c";
constexpr const char* kIocContent = "harrier update test: a file only the updated hash IOC knows\n";

std::vector<SynthMember> GoodSet(const std::string& top, const std::string& rule_name) {
  return {{top + "/", "", Type::kDir},
          {top + "/yara/marker.yar",
           "rule " + rule_name + " {\n  strings:\n    $m = \"" + kMarker +
               "\"\n  condition:\n    $m\n}\n"},
          {top + "/iocs/hash-iocs.txt",
           Sha256Hex(kIocContent) + ";Updated hash IOC of the update test\n"},
          {top + "/README.md", "a signature set for the update tests\n"}};
}

class HttpsServer {
 public:
  // Starts the server on `dir`; port() is 0 when it did not start.
  HttpsServer(const std::string& dir, const std::string& cert, const std::string& key) {
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::string script = SourceDir() + "/tests/tools/https_server.py";
    std::vector<std::string> args = {"/usr/bin/python3", script, "--dir", dir, "--cert", cert,
                                     "--key", key};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid_ = -1;
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    std::string line;
    struct pollfd p = {out[0], POLLIN, 0};
    while (pid_ > 0 && line.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0) {
      char buf[64];
      ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<size_t>(n));
    }
    close(out[0]);
    port_ = std::atoi(line.c_str());
  }
  ~HttpsServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class UpdateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (FindProgram("python3").empty() || FindProgram("openssl").empty())
      GTEST_SKIP() << "python3 and openssl are needed (scripts/install-deps.sh)";
    serve_ = dir_.Mkdir("serve");
    store_ = dir_.path() + "/store";
    cert_ = dir_.path() + "/cert.pem";
    key_ = dir_.path() + "/key.pem";
    auto r = RunProgram({FindProgram("openssl"), "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                         "-keyout", key_, "-out", cert_, "-days", "2", "-subj", "/CN=127.0.0.1",
                         "-addext", "subjectAltName=IP:127.0.0.1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    server_ = std::make_unique<HttpsServer>(serve_, cert_, key_);
    ASSERT_GT(server_->port(), 0) << "the test HTTPS server did not start";
    tree_ = dir_.Mkdir("tree");
    dir_.Write("tree/planted.bin", std::string("xx ") + kMarker + " yy\n");
    dir_.Write("tree/ioc.txt", kIocContent);
  }

  std::string Url(const std::string& name) const {
    return "https://127.0.0.1:" + std::to_string(server_->port()) + "/" + name;
  }
  // Puts an archive on the server; returns its SHA-256.
  std::string Serve(const std::string& name, const std::string& bytes) {
    WriteFile(serve_ + "/" + name, bytes);
    return Sha256Hex(bytes);
  }
  RunResult Update(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"update", "--store", store_, "--ca-file", cert_};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunHarrier(args);
  }
  RunResult Scan(const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"scan", "--no-progress", "--all-files", "--jsonl", "-",
                                     "--store", store_};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(tree_);
    return RunHarrier(args);
  }
  std::string Current() const {
    std::error_code ec;
    return fs::read_symlink(store_ + "/current", ec).string();
  }
  // Nothing of an update's work is left in the store.
  void ExpectNoWork() const {
    for (const auto& e : fs::directory_iterator(store_))
      EXPECT_NE(e.path().filename().string().rfind("tmp-", 0), 0u) << "left over: " << e.path();
  }
  // Installs the good set; returns the `current` link.
  std::string InstallGood() {
    Serve("good.tar.gz", MakeArchive(GoodSet("sigs-main", "UpdateTestMarker")));
    auto r = Update({"--url", Url("good.tar.gz")});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_TRUE(Has(r.out, "Installed signature set")) << r.out;
    return Current();
  }

  TempDir dir_;
  std::string serve_, store_, cert_, key_, tree_;
  std::unique_ptr<HttpsServer> server_;
};

TEST_F(UpdateTest, GoodArchiveIsInstalledAndUsedByScan) {
  auto before = Scan();
  EXPECT_FALSE(Has(before.out, "UpdateTestMarker")) << before.out;
  const std::string current = InstallGood();
  EXPECT_EQ(current.rfind("sets/", 0), 0u) << current;
  ExpectNoWork();
  auto scan = Scan();
  EXPECT_TRUE(Has(scan.out, "UpdateTestMarker")) << scan.out;
  EXPECT_TRUE(Has(scan.out, "Updated hash IOC of the update test")) << scan.out;
  EXPECT_TRUE(Has(scan.err, "Updated signatures: set " + current.substr(5))) << scan.err;
  // The summary names the set's folder among the signature sources.
  EXPECT_TRUE(Has(scan.out, "/sets/" + current.substr(5) + "/tree")) << scan.out;
  auto without = Scan({"--no-updated-signatures"});
  EXPECT_FALSE(Has(without.out, "UpdateTestMarker")) << without.out;
  // The same archive again: nothing to do.
  auto again = Update({"--url", Url("good.tar.gz")});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(Has(again.out, "Already up to date")) << again.out;
  EXPECT_EQ(Current(), current);
}

TEST_F(UpdateTest, BadArchivesAreRefusedAndTheOldSetStaysActive) {
  const std::string good = InstallGood();
  ASSERT_FALSE(good.empty());
  const std::string good_bytes = MakeArchive(GoodSet("sigs-main", "UpdateTestMarker2"));
  struct Case {
    std::string what;
    std::vector<std::string> args;
    std::string message;
  };
  Serve("truncated.tar.gz", good_bytes.substr(0, good_bytes.size() * 2 / 3));
  Serve("cut.tar.gz", good_bytes);
  const std::string sha = Serve("published-wrong.tar.gz", good_bytes);
  WriteFile(serve_ + "/published-wrong.tar.gz.sha256", std::string(64, '0') + "  x.tar.gz\n");
  Serve("traversal.tar.gz", MakeArchive({{"sigs/yara/a.yar", "rule a { condition: false }"},
                                         {"sigs/../../escaped.yar", "rule e { condition: false }"}}));
  Serve("symlink.tar.gz",
        MakeArchive({{"sigs/yara/a.yar", "rule a { condition: false }"},
                     {"sigs/iocs", "", Type::kSymlink, "/etc"}}));
  Serve("symlink.zip", MakeArchive({{"sigs/yara/a.yar", "rule a { condition: false }"},
                                    {"sigs/yara/up", "", Type::kSymlink, "../../.."}},
                                   SynthFormat::kZip));
  Serve("broken.tar.gz",
        MakeArchive({{"sigs/yara/ok.yar", "rule fine { condition: false }\n"},
                     {"sigs/yara/broken.yar",
                      "rule broken {\n  strings:\n    $a = \"x\"\n  condition:\n    $b\n}\n"}}));
  Serve("empty.tar.gz", MakeArchive({{"sigs/README.md", "no rules here\n"}}));
  const std::vector<Case> cases = {
      {"truncated", {"--url", Url("truncated.tar.gz")}, "archive damaged or truncated"},
      {"connection cut", {"--url", Url("cut/cut.tar.gz")}, "download failed"},
      {"published hash", {"--url", Url("published-wrong.tar.gz")},
       "SHA-256 mismatch (published in " + Url("published-wrong.tar.gz") + ".sha256): expected " +
           std::string(64, '0') + ", got " + sha},
      {"--sha256", {"--url", Url("cut.tar.gz"), "--sha256", std::string(64, 'a')},
       "SHA-256 mismatch (--sha256): expected " + std::string(64, 'a')},
      {"traversal", {"--url", Url("traversal.tar.gz")},
       "refused: member 'sigs/../../escaped.yar': '..' leaves the folder"},
      {"symlink out", {"--url", Url("symlink.tar.gz")},
       "refused: member 'sigs/iocs' is a symbolic link (to '/etc')"},
      {"symlink in a zip", {"--url", Url("symlink.zip")}, "is a symbolic link (to '../../..')"},
      {"rules do not compile", {"--url", Url("broken.tar.gz")},
       "test load failed: 1 error(s) in the signatures (more than --max-rule-errors 0)"},
      {"nothing loads", {"--url", Url("empty.tar.gz")}, "holds no YARA rule or IOC"},
      {"size limit", {"--url", Url("cut.tar.gz"), "--max-download-bytes", "100"},
       "download larger than --max-download-bytes 100"},
      {"not found", {"--url", Url("missing.tar.gz")}, "HTTP 404"},
      {"plain http", {"--url", "http://127.0.0.1:1/x.tar.gz"}, "only https:// URLs are fetched"},
      {"redirect to http", {"--url", Url("redirect-http/cut.tar.gz")}, "download failed"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto r = Update(c.args);
    EXPECT_NE(r.exit_code, 0) << r.out;
    EXPECT_TRUE(Has(r.err, c.message)) << r.err;
    EXPECT_TRUE(Has(r.err, "the active signature set is unchanged: " + good.substr(5))) << r.err;
    EXPECT_EQ(Current(), good);
    ExpectNoWork();
    EXPECT_FALSE(fs::exists(dir_.path() + "/escaped.yar"));
    EXPECT_FALSE(fs::exists(store_ + "/escaped.yar"));
  }
  // The compile error names the member and its line.
  auto broken = Update({"--url", Url("broken.tar.gz")});
  EXPECT_TRUE(Has(broken.err, "\n  yara/broken.yar:6: YARA: undefined string \"$b\"\n")) << broken.err;
  // The old set is still what a scan uses.
  auto scan = Scan();
  EXPECT_TRUE(Has(scan.out, "UpdateTestMarker")) << scan.out;
  EXPECT_FALSE(Has(scan.out, "UpdateTestMarker2")) << scan.out;
  // --max-rule-errors lets a set with a broken file through, and the set
  // installed from a redirect within HTTPS is the one served.
  auto tolerant = Update({"--url", Url("redirect/broken.tar.gz"), "--max-rule-errors", "1"});
  EXPECT_EQ(tolerant.exit_code, 0) << tolerant.err;
  EXPECT_NE(Current(), good);
}

TEST_F(UpdateTest, KilledDownloadLeavesTheActiveSetAndTheNextUpdateWorks) {
  const std::string good = InstallGood();
  // About 40 KiB served at 10 KiB/s: the update is killed mid-download.
  std::vector<SynthMember> m = GoodSet("sigs", "UpdateTestSlow");
  std::string padding;
  for (int i = 0; i < 1500; ++i) padding += Sha256Hex(std::to_string(i)) + ";pad\n";
  m.push_back({"sigs/iocs/pad-hash-iocs.txt", padding});
  Serve("slow.tar.gz", MakeArchive(m));
  ASSERT_GT(fs::file_size(serve_ + "/slow.tar.gz"), 30000u);
  auto killed = RunHarrierAndSignal({"update", "--store", store_, "--ca-file", cert_, "--url",
                                     Url("slow/slow.tar.gz")},
                                    "Fetching", 500, SIGKILL);
  EXPECT_EQ(killed.exit_code, -1) << "not killed: " << killed.out << killed.err;
  EXPECT_EQ(Current(), good);
  auto scan = Scan();
  EXPECT_TRUE(Has(scan.out, "UpdateTestMarker")) << scan.out;
  auto next = Update({"--url", Url("slow.tar.gz")});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_NE(Current(), good);
  ExpectNoWork();
}

TEST_F(UpdateTest, KilledTestLoadLeavesNoHalfSetAndItsWorkIsCleanedUp) {
  const std::string good = InstallGood();
  // Enough rules that compiling them takes a while.
  std::string rules;
  for (int i = 0; i < 20000; ++i)
    rules += "rule r" + std::to_string(i) + " { strings: $a = \"long enough literal " +
             std::to_string(i) + "\" $b = /abc[0-9]{2,8}x" + std::to_string(i) +
             "/ condition: $a and $b }\n";
  Serve("heavy.tar.gz", MakeArchive({{"heavy/yara/many.yar", rules}}));
  auto killed = RunHarrierAndSignal({"update", "--store", store_, "--ca-file", cert_, "--url",
                                     Url("heavy.tar.gz")},
                                    "Test-loading", 0, SIGKILL);
  EXPECT_EQ(killed.exit_code, -1) << "not killed: " << killed.out << killed.err;
  EXPECT_EQ(Current(), good);
  bool work_left = false;
  for (const auto& e : fs::directory_iterator(store_))
    work_left |= e.path().filename().string().rfind("tmp-", 0) == 0;
  EXPECT_TRUE(work_left) << "the update was killed before it unpacked (the test proves nothing)";
  EXPECT_EQ(EntriesIn(store_ + "/sets"), 1u) << "a set appeared before its test load ended";
  EXPECT_TRUE(Has(Scan().out, "UpdateTestMarker"));
  Serve("good2.tar.gz", MakeArchive(GoodSet("sigs-main", "UpdateTestMarkerTwo")));
  auto next = Update({"--url", Url("good2.tar.gz")});
  EXPECT_EQ(next.exit_code, 0) << next.err;
  EXPECT_TRUE(Has(next.out, "Removed 1 work folder(s) left by an interrupted update")) << next.out;
  ExpectNoWork();
}

TEST_F(UpdateTest, OfflineBundleImportAndBundleRoundTrip) {
  const std::string bundle = dir_.path() + "/offline.tar.gz";
  WriteFile(bundle, MakeArchive(GoodSet("sigs", "UpdateTestOffline"), SynthFormat::kZip));
  // A checksum beside the bundle is checked.
  WriteFile(bundle + ".sha256", std::string(64, 'b') + "  offline.tar.gz\n");
  auto wrong = RunHarrier({"update", "--store", store_, "--from", bundle});
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_TRUE(Has(wrong.err, "SHA-256 mismatch")) << wrong.err;
  EXPECT_TRUE(Has(wrong.err, "no updated signature set was installed")) << wrong.err;
  fs::remove(bundle + ".sha256");
  auto ok = RunHarrier({"update", "--store", store_, "--from", bundle});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(Has(Scan().out, "UpdateTestOffline"));

  // bundle -> update --from on another store: the same set.
  const std::string out = dir_.path() + "/export.tar.gz";
  auto b = RunHarrier({"bundle", out, "--store", store_});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  std::string bytes = ReadWholeFile(out);
  EXPECT_TRUE(Has(ReadWholeFile(out + ".sha256"), Sha256Hex(bytes) + "  export.tar.gz"));
  const std::string store2 = dir_.path() + "/store2";
  auto imported = RunHarrier({"update", "--store", store2, "--from", out});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  EXPECT_TRUE(Has(imported.out, "Verified: sha256 (published)")) << imported.out;
  auto list = RunHarrier({"signatures", "--store", store2, "--no-builtin", "--json"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_TRUE(Has(list.out, "\"yara_rules\": 1")) << list.out;
  EXPECT_TRUE(Has(list.out, "\"hash_iocs\": 1")) << list.out;
  EXPECT_TRUE(Has(list.out, "\"source\": \"" + fs::canonical(out).string())) << list.out;
  // A bundle of a folder with a link in it is refused.
  const std::string linked = dir_.Mkdir("linked");
  dir_.Write("linked/yara/a.yar", "rule a { condition: false }\n");
  fs::create_symlink("/etc", linked + "/etc");
  auto refused = RunHarrier({"bundle", dir_.path() + "/l.tar.gz", "--from-dir", linked});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(Has(refused.err, "a bundle holds no links")) << refused.err;
}

TEST_F(UpdateTest, DetachedSignatureIsRequiredWithAPublicKey) {
  const std::string priv = dir_.path() + "/sign.pem", pub = dir_.path() + "/sign.pub.pem";
  const std::string openssl = FindProgram("openssl");
  ASSERT_EQ(RunProgram({openssl, "genpkey", "-algorithm", "EC", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-out", priv})
                .exit_code,
            0);
  ASSERT_EQ(RunProgram({openssl, "pkey", "-in", priv, "-pubout", "-out", pub}).exit_code, 0);
  Serve("signed.tar.gz", MakeArchive(GoodSet("sigs", "UpdateTestSigned")));
  auto unsigned_r = Update({"--url", Url("signed.tar.gz"), "--public-key", pub});
  EXPECT_EQ(unsigned_r.exit_code, 1);
  EXPECT_TRUE(Has(unsigned_r.err, "signature required by --public-key but not available")) << unsigned_r.err;
  // Signed as the documentation says.
  auto sign = RunProgram({openssl, "dgst", "-sha256", "-sign", priv, "-out",
                          serve_ + "/signed.tar.gz.sig", serve_ + "/signed.tar.gz"});
  ASSERT_EQ(sign.exit_code, 0) << sign.err;
  // Another archive under the signed one's signature.
  Serve("other.tar.gz", MakeArchive(GoodSet("sigs", "UpdateTestOther")));
  fs::copy_file(serve_ + "/signed.tar.gz.sig", serve_ + "/other.tar.gz.sig");
  auto forged = Update({"--url", Url("other.tar.gz"), "--public-key", pub});
  EXPECT_EQ(forged.exit_code, 1);
  EXPECT_TRUE(Has(forged.err, "signature check failed")) << forged.err;
  EXPECT_EQ(Current(), "");
  auto good = Update({"--url", Url("signed.tar.gz"), "--public-key", pub});
  EXPECT_EQ(good.exit_code, 0) << good.err;
  EXPECT_TRUE(Has(good.out, "Verified: signature (" + pub + ")")) << good.out;
}

TEST_F(UpdateTest, UntrustedStoreIsRefusedByScan) {
  const std::string good = InstallGood();
  ASSERT_EQ(chmod(store_.c_str(), 0770), 0);
  auto scan = Scan();
  EXPECT_EQ(scan.exit_code, 2);
  EXPECT_TRUE(Has(scan.err, "updated signatures refused")) << scan.err;
  EXPECT_TRUE(Has(scan.err, "writable by group or others")) << scan.err;
  auto list = RunHarrier({"signatures", "--store", store_, "--no-builtin"});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_TRUE(Has(list.out, "NOT USED")) << list.out;
  auto without = Scan({"--no-updated-signatures"});
  EXPECT_EQ(without.exit_code, 0) << without.err;
  ASSERT_EQ(chmod(store_.c_str(), 0700), 0);
  // A rule file made writable by others inside the set.
  const std::string rule = store_ + "/" + good + "/tree/yara/marker.yar";
  ASSERT_EQ(chmod(rule.c_str(), 0666), 0);
  auto scan2 = Scan();
  EXPECT_EQ(scan2.exit_code, 2);
  EXPECT_TRUE(Has(scan2.err, "marker.yar: writable by group or others")) << scan2.err;
}

TEST_F(UpdateTest, SignaturesListsBuiltinAndUpdatedSetsAndRollbackSwitchesBack) {
  const std::string first = InstallGood();
  Serve("good2.tar.gz", MakeArchive(GoodSet("sigs-main", "UpdateTestMarkerTwo")));
  ASSERT_EQ(Update({"--url", Url("good2.tar.gz")}).exit_code, 0);
  const std::string second = Current();
  auto list = RunHarrier({"signatures", "--store", store_});
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
  EXPECT_TRUE(Has(list.out, "Built-in signatures: ")) << list.out;
  EXPECT_TRUE(Has(list.out, "pack ")) << list.out;
  EXPECT_TRUE(Has(list.out, "Updated signatures: " + store_ + "/" + second + "/tree")) << list.out;
  EXPECT_TRUE(Has(list.out, "from " + Url("good2.tar.gz"))) << list.out;
  EXPECT_TRUE(Has(list.out, "1 YARA rules (1 files, 0 failed), 1 hash IOCs")) << list.out;
  EXPECT_TRUE(Has(list.out, "previous set " + first.substr(5))) << list.out;
  auto back = RunHarrier({"update", "--store", store_, "--rollback"});
  EXPECT_EQ(back.exit_code, 0) << back.err;
  EXPECT_EQ(Current(), first);
  auto scan = Scan();
  EXPECT_TRUE(Has(scan.out, "UpdateTestMarker\"")) << scan.out;
}

// The swap of an update is a sequence of atomic renames (set folder into
// sets/, `previous`, then `current` through tmp-link-current). A kill can
// only leave the store in one of the states between them; each is rebuilt
// here from two real installs, and in each the scan uses a complete set
// (the old one) and the next update cleans up and installs.
TEST_F(UpdateTest, KilledDuringTheSwapEveryIntermediateStateKeepsACompleteSet) {
  Serve("b.tar.gz", MakeArchive(GoodSet("sigs-main", "UpdateTestMarkerB")));
  Serve("c.tar.gz", MakeArchive(GoodSet("sigs-main", "UpdateTestMarkerC")));
  const std::string tmp_link = store_ + "/tmp-link-current";
  for (int state = 0; state < 2; ++state) {
    SCOPED_TRACE(state == 0 ? "set renamed into sets/, links not yet switched"
                            : "previous switched, tmp-link-current made, not yet renamed");
    // Two real installs: a (the old set), then b (the new one).
    const std::string a = InstallGood();
    ASSERT_EQ(Update({"--url", Url("b.tar.gz")}).exit_code, 0);
    const std::string b = Current();
    ASSERT_NE(a, b);
    // Back to the moment before b's links were switched: `current` -> a.
    fs::remove(store_ + "/current");
    fs::create_symlink(a, store_ + "/current");
    fs::remove(store_ + "/previous");
    if (state == 1) {
      fs::create_symlink(a, store_ + "/previous");
      fs::create_symlink(b, tmp_link);
    }
    auto scan = Scan();
    EXPECT_TRUE(Has(scan.out, "UpdateTestMarker\"")) << scan.out;
    EXPECT_FALSE(Has(scan.out, "UpdateTestMarkerB")) << scan.out;
    auto list = RunHarrier({"signatures", "--store", store_});
    EXPECT_EQ(list.exit_code, 0) << list.out << list.err;
    EXPECT_TRUE(Has(list.out, store_ + "/" + a + "/tree")) << list.out;
    // The next update: work removed (the link, not what it points to), the
    // set installed, the store holds only `current` and `previous`.
    auto next = Update({"--url", Url("c.tar.gz")});
    ASSERT_EQ(next.exit_code, 0) << next.out << next.err;
    ExpectNoWork();
    EXPECT_FALSE(fs::is_symlink(tmp_link));
    EXPECT_TRUE(Has(Scan().out, "UpdateTestMarkerC"));
    EXPECT_EQ(EntriesIn(store_ + "/sets"), 2u);
  }
}

}  // namespace
}  // namespace harrier::testing
