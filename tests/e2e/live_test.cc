// Live checks of this host, end to end: the built binary checks child
// processes this test starts (tests/testutil/live_child.cc) — a marker in
// heap memory, a deleted executable, a memfd executable, loopback
// connections to a C2 address and into a C2 range, processes exiting during
// the scan, a hosts file entry — and stays quiet on the near misses beside
// each. Scans are limited to the children with --pid, so the test does not
// depend on what else runs on the machine.
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <thread>

#include <fmt/format.h>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

extern char** environ;

namespace harrier::testing {
namespace {

// A child process that prints "ready" and runs until its stdin is closed.
class Child {
 public:
  explicit Child(std::vector<std::string> argv) {
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) return;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    pid_t pid = 0;
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) == 0) pid_ = pid;
    posix_spawn_file_actions_destroy(&fa);
    close(in[0]);
    close(out[1]);
    stdin_ = in[1];
    stdout_ = out[0];
  }
  ~Child() { Stop(); }
  pid_t pid() const { return pid_; }
  // True once the child printed "ready".
  bool WaitReady() {
    std::string got;
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (got.find("ready\n") == std::string::npos && std::chrono::steady_clock::now() < until) {
      pollfd p{stdout_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char buf[64];
      ssize_t n = read(stdout_, buf, sizeof buf);
      if (n <= 0) return false;
      got.append(buf, static_cast<size_t>(n));
    }
    return got.find("ready\n") != std::string::npos;
  }
  // Ends the child (closes its stdin) and reaps it.
  void Stop() {
    if (stdin_ >= 0) close(stdin_);
    stdin_ = -1;
    if (stdout_ >= 0) close(stdout_);
    stdout_ = -1;
    if (pid_ > 0) {
      int status;
      for (int i = 0; i < 200 && waitpid(pid_, &status, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      if (kill(pid_, 0) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &status, 0);
      }
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int stdin_ = -1, stdout_ = -1;
};

std::string ChildBinary() { return HARRIER_LIVE_CHILD; }

// A listening TCP socket on `ip`, port chosen by the kernel.
class Listener {
 public:
  explicit Listener(const char* ip) {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(fd_, 8) != 0) return;
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~Listener() { close(fd_); }
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

std::vector<nlohmann::json> Findings(const Jsonl& j) {
  std::vector<nlohmann::json> out;
  for (const auto& l : j.lines)
    if (l["harrier"].value("type", "") == "finding") out.push_back(l);
  return out;
}

std::vector<std::string> ReasonNames(nlohmann::json f) {
  std::vector<std::string> out;
  for (auto& r : f["harrier"]["reasons"]) out.push_back(r.value("name", ""));
  return out;
}

// The marker pieces: the test binary never holds the marker whole, only
// the child's heap does (and the rule holds it as hex).
const std::vector<std::string> kMarkerParts = {"harrier-live-", "heap-marker-", "c0ffee91"};

std::string MarkerHex() {
  std::string hex;
  for (const auto& p : kMarkerParts)
    for (unsigned char c : p) hex += fmt::format("{:02x} ", c);
  return hex;
}

struct LiveScan {
  RunResult run;
  Jsonl jsonl;  // lines and summary (live findings may share a file.path)
};

Jsonl ParseLive(const std::string& out) {
  Jsonl j;
  for (const auto& line : Lines(out)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded()) {
      ADD_FAILURE() << "not a JSON line: " << line;
      continue;
    }
    if (v["harrier"].value("type", "") == "summary") j.summary = v["harrier"];
    j.lines.push_back(std::move(v));
  }
  return j;
}

LiveScan Scan(const TempDir& t, std::vector<std::string> extra) {
  std::vector<std::string> args = {"scan", "--live", "--no-builtin", "--signatures",
                                   t.path() + "/sigs", "--no-progress", "--jsonl", "-"};
  if (std::find(extra.begin(), extra.end(), "--hosts-file") == extra.end())
    extra.insert(extra.end(), {"--hosts-file", t.path() + "/no-hosts"});
  for (auto& a : extra) args.push_back(a);
  t.Mkdir("empty");
  args.push_back(t.path() + "/empty");
  LiveScan s;
  s.run = RunHarrier(args, 120);
  s.jsonl = ParseLive(s.run.out);
  return s;
}

void WriteSigs(const TempDir& t, const std::string& c2 = "") {
  t.Write("sigs/yara/live.yar", "rule live_test_heap_marker {\n  meta:\n    score = 90\n"
                                "  strings:\n    $m = { " + MarkerHex() + "}\n  condition:\n    $m\n}\n");
  if (!c2.empty()) t.Write("sigs/iocs/c2-iocs-live.txt", c2);
}

TEST(Live, HeapMarkerIsFoundWithPidAndRegionAndTheNearMissIsQuiet) {
  TempDir t;
  WriteSigs(t);
  Child marked({ChildBinary(), "heap", kMarkerParts[0], kMarkerParts[1], kMarkerParts[2]});
  Child near({ChildBinary(), "heap", kMarkerParts[0], kMarkerParts[1], "c0ffee92"});
  ASSERT_TRUE(marked.WaitReady());
  ASSERT_TRUE(near.WaitReady());
  LiveScan s = Scan(t, {"--no-network", "--pid", std::to_string(marked.pid()), "--pid",
                        std::to_string(near.pid())});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  auto findings = Findings(s.jsonl);
  ASSERT_EQ(findings.size(), 1u) << s.run.out;
  auto f = findings[0];
  EXPECT_EQ(f["harrier"]["subject"]["kind"], "memory_region");
  EXPECT_EQ(f["process"]["pid"], marked.pid());
  EXPECT_EQ(f["process"]["parent"]["pid"], getpid());
  EXPECT_NE(f["process"]["command_line"].get<std::string>().find("heap"), std::string::npos);
  EXPECT_EQ(f["process"]["executable"], ChildBinary());
  EXPECT_EQ(ReasonNames(f), std::vector<std::string>{"live_test_heap_marker"});
  std::string region = f["harrier"]["reasons"][0]["details"].value("region", "");
  EXPECT_NE(region.find(" rw-p"), std::string::npos) << region;
  auto live = s.jsonl.summary["live"];
  EXPECT_EQ(live["processes_seen"], 2);
  EXPECT_EQ(live["processes_scanned"], 2);
  EXPECT_EQ(live["memory"], true);
  EXPECT_GT(live["regions"].get<int>(), 0);
  EXPECT_GE(live["memory_bytes"].get<uint64_t>(), 2u << 20);
}

TEST(Live, DeletedAndMemfdExecutablesAreAnomaliesAndANormalOneIsQuiet) {
  TempDir t;
  WriteSigs(t);
  std::string copy = t.path() + "/bin/harrier_live_child";
  t.Mkdir("bin");
  std::filesystem::copy_file(ChildBinary(), copy);
  std::filesystem::permissions(copy, std::filesystem::perms::owner_all);
  Child deleted({copy, "sleep"});
  Child memfd({ChildBinary(), "memfd"});
  Child normal({ChildBinary(), "sleep"});
  ASSERT_TRUE(deleted.WaitReady());
  ASSERT_TRUE(memfd.WaitReady());
  ASSERT_TRUE(normal.WaitReady());
  std::filesystem::remove(copy);
  LiveScan s = Scan(t, {"--no-network", "--no-memory", "--pid", std::to_string(deleted.pid()),
                        "--pid", std::to_string(memfd.pid()), "--pid",
                        std::to_string(normal.pid())});
  std::map<int, std::vector<std::string>> by_pid;
  for (auto f : Findings(s.jsonl)) {
    EXPECT_EQ(f["harrier"]["subject"]["kind"], "process");
    by_pid[f["process"]["pid"].get<int>()] = ReasonNames(f);
  }
  auto has = [&](int pid, const std::string& name) {
    const auto& v = by_pid[pid];
    return std::find(v.begin(), v.end(), name) != v.end();
  };
  EXPECT_TRUE(has(deleted.pid(), "process_deleted_executable")) << s.run.out;
  EXPECT_TRUE(has(memfd.pid(), "process_memfd_executable")) << s.run.out;
  EXPECT_EQ(by_pid.count(normal.pid()), 0u) << s.run.out;
  EXPECT_EQ(s.jsonl.summary["live"]["processes_scanned"], 3);
}

TEST(Live, ConnectionsToAC2AddressAndIntoAC2RangeAreFoundNearMissesQuiet) {
  TempDir t;
  WriteSigs(t, "# test C2\n127.0.0.2;90\n127.0.0.8/30;85\n");
  Listener c2("127.0.0.2"), near("127.0.0.3"), in_range("127.0.0.9"), outside("127.0.0.12");
  ASSERT_NE(c2.port(), 0);
  ASSERT_NE(outside.port(), 0);
  Child to_c2({ChildBinary(), "connect", "127.0.0.2", std::to_string(c2.port())});
  Child to_near({ChildBinary(), "connect", "127.0.0.3", std::to_string(near.port())});
  Child to_range({ChildBinary(), "connect", "127.0.0.9", std::to_string(in_range.port())});
  Child to_outside({ChildBinary(), "connect", "127.0.0.12", std::to_string(outside.port())});
  for (Child* c : {&to_c2, &to_near, &to_range, &to_outside}) ASSERT_TRUE(c->WaitReady());
  LiveScan s = Scan(t, {"--no-processes", "--pid", std::to_string(to_c2.pid()), "--pid",
                        std::to_string(to_near.pid()), "--pid", std::to_string(to_range.pid()),
                        "--pid", std::to_string(to_outside.pid())});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  std::map<int, nlohmann::json> by_pid;
  for (auto f : Findings(s.jsonl)) by_pid[f["process"]["pid"].get<int>()] = f;
  ASSERT_EQ(by_pid.size(), 2u) << s.run.out;
  auto a = by_pid[to_c2.pid()];
  EXPECT_EQ(a["harrier"]["subject"]["kind"], "connection");
  EXPECT_EQ(a["destination"]["ip"], "127.0.0.2");
  EXPECT_EQ(a["destination"]["port"], c2.port());
  EXPECT_EQ(a["network"]["transport"], "tcp");
  EXPECT_EQ(a["harrier"]["connection"]["state"], "established");
  EXPECT_EQ(ReasonNames(a), std::vector<std::string>{"127.0.0.2"});
  auto b = by_pid[to_range.pid()];
  EXPECT_EQ(b["destination"]["ip"], "127.0.0.9");
  EXPECT_EQ(ReasonNames(b), std::vector<std::string>{"127.0.0.8/30"});
  EXPECT_EQ(s.jsonl.summary["live"]["connections"], 4);
  EXPECT_EQ(s.jsonl.summary["live"]["network"], true);
  EXPECT_EQ(s.jsonl.summary["live"]["processes"], false);
}

TEST(Live, AC2HostInTheHostsFileIsFound) {
  TempDir t;
  WriteSigs(t, "c2.example.invalid;80\n");
  t.Write("hosts", "127.0.0.1 localhost\n192.0.2.1 update.c2.example.invalid\n"
                   "192.0.2.2 notc2.example.invalid c2.example.invalid.local\n");
  Child quiet({ChildBinary(), "sleep"});
  ASSERT_TRUE(quiet.WaitReady());
  LiveScan s = Scan(t, {"--no-processes", "--pid", std::to_string(quiet.pid()), "--hosts-file",
                        t.path() + "/hosts"});
  auto findings = Findings(s.jsonl);
  ASSERT_EQ(findings.size(), 1u) << s.run.out;
  EXPECT_EQ(findings[0]["file"]["path"], t.path() + "/hosts");
  ASSERT_EQ(findings[0]["harrier"]["reasons"].size(), 1u);
  EXPECT_EQ(findings[0]["harrier"]["reasons"][0]["details"]["line"],
            "2: 192.0.2.1 update.c2.example.invalid");
}

TEST(Live, ProcessesExitingDuringTheScanAreCountedNotErrors) {
  TempDir t;
  WriteSigs(t);
  std::vector<std::unique_ptr<Child>> children;
  std::vector<std::string> args = {"--no-network"};
  for (int i = 0; i < 12; ++i) {
    children.push_back(std::make_unique<Child>(
        std::vector<std::string>{ChildBinary(), "heap", kMarkerParts[0], "no-marker"}));
    ASSERT_TRUE(children.back()->WaitReady());
    args.push_back("--pid");
    args.push_back(std::to_string(children.back()->pid()));
  }
  // The children end one by one while the scan runs.
  std::thread reaper([&] {
    for (auto& c : children) {
      std::this_thread::sleep_for(std::chrono::milliseconds(15));
      c->Stop();
    }
  });
  LiveScan s = Scan(t, args);
  reaper.join();
  EXPECT_EQ(s.run.exit_code, 0) << s.run.out << s.run.err;
  auto live = s.jsonl.summary["live"];
  EXPECT_EQ(live["processes_seen"].get<int>(),
            live["processes_scanned"].get<int>() + live["exited"].get<int>() +
                live["processes_skipped"].get<int>());
  EXPECT_EQ(live["processes_skipped"], 0);
  EXPECT_EQ(s.jsonl.summary["errors"], 0);
  EXPECT_TRUE(Findings(s.jsonl).empty());
}

}  // namespace
}  // namespace harrier::testing
