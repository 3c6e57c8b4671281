// The live checks over a fake process table: a marker in heap memory found
// across a block edge and named with its region, PID reuse never blamed,
// processes that exit at any point counted as exited (not errors), a normal
// user's permission errors counted as skips with reason "permission",
// Harrier's own process excluded, and sockets mapped to their processes and
// matched against C2 addresses and ranges.
#include "app/live_scan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include <fmt/format.h>

#include "scan/hasher.h"
#include "signatures/loader.h"
#include "testutil/fake_proc.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::FakeProcess;
using testing::FakeProcessTable;
using testing::FakeStat;
using testing::TempDir;

// The marker, made at run time so this binary never holds it whole.
std::string Marker() { return std::string("harrier-fake-") + "heap-marker-" + "5d1e"; }

std::string HexOf(const std::string& s) {
  std::string out;
  for (unsigned char c : s) out += fmt::format("{:02x} ", c);
  return out;
}

std::shared_ptr<const SignatureSet> Sigs(const TempDir& t, const std::string& c2 = "") {
  t.Write("sigs/yara/t.yar", "rule fake_heap_marker { meta: score = 90 strings: $m = { " +
                                 HexOf(Marker()) + "} condition: $m }\n");
  if (!c2.empty()) t.Write("sigs/iocs/c2-iocs.txt", c2);
  LoadOptions lo;
  lo.folders = {t.path() + "/sigs"};
  Diagnostics d;
  auto s = LoadSignatures(lo, d);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? *s : nullptr;
}

// A normal process: /usr/bin/fake-daemon, its heap at 0x10000.
FakeProcess Process(int64_t pid, uint64_t start = 5000) {
  FakeProcess p;
  p.stat = {FakeStat(pid, "fake-daemon", 1, start)};
  p.files["status"] = "Name:\tfake-daemon\nUid:\t0\t0\t0\t0\n";
  p.files["cmdline"] = std::string("/usr/bin/fake-daemon\0--foreground\0", 35);
  p.files["environ"] = std::string("PATH=/usr/bin\0", 14);
  p.files["maps"] =
      "10000-13000 rw-p 00000000 00:00 0                          [heap]\n"
      "20000-21000 r-xp 00000000 08:01 77 /usr/bin/fake-daemon\n"
      "30000-31000 ---p 00000000 00:00 0\n";
  p.exe_link = "/usr/bin/fake-daemon";
  p.exe_content = "\x7f" "ELF fake executable";
  p.exe_stat.dev = 8;
  p.exe_stat.inode = 77;
  p.memory[0x10000] = std::string(0x3000, 'A');
  return p;
}

// Puts the marker across the edge of the first 4 KiB block of the heap.
void PlantMarker(FakeProcess& p) {
  std::string m = Marker();
  p.memory[0x10000].replace(0x1000 - m.size() / 2, m.size(), m);
}

struct LiveRun {
  LiveSummary summary;
  std::vector<Finding> findings;
  std::shared_ptr<Diagnostics> diag = std::make_shared<Diagnostics>();
};

LiveRun RunLive(const FakeProcessTable& table, std::shared_ptr<const SignatureSet> sigs,
            LiveOptions opts = {}, uint64_t block_threshold = 64ULL << 20) {
  opts.table = &table;
  if (!opts.network) opts.processes = true;
  opts.memory_scan.block_bytes = 4096;
  opts.memory_scan.overlap_bytes = 64;
  opts.hosts_file = "/nonexistent/hosts";
  opts.ld_so_preload = "/nonexistent/ld.so.preload";
  ScanConfig cfg;
  cfg.all_files = true;
  cfg.block_threshold = block_threshold;
  CheckRegistry checks;
  LiveRun r;
  std::mutex mu;
  std::atomic<bool> cancel{false};
  r.summary = RunLiveChecks(
      opts, cfg, sigs, checks, platform::LocalFileSystem(), 2,
      [&](Finding&& f) {
        std::lock_guard lock(mu);
        r.findings.push_back(std::move(f));
      },
      *r.diag, cancel);
  return r;
}

const Finding* FindKind(const LiveRun& r, SubjectKind k) {
  for (const auto& f : r.findings)
    if (f.subject.kind == k) return &f;
  return nullptr;
}

TEST(LiveScan, HeapMarkerAcrossABlockEdgeIsFoundWithPidAndRegion) {
  TempDir t;
  FakeProcessTable table;
  table.procs[100] = Process(100);
  PlantMarker(table.procs[100]);
  table.procs[101] = Process(101);  // the same executable, no marker: quiet
  LiveRun r = RunLive(table, Sigs(t));
  ASSERT_EQ(r.findings.size(), 1u);
  const Finding& f = r.findings[0];
  EXPECT_EQ(f.subject.kind, SubjectKind::kMemoryRegion);
  EXPECT_EQ(f.subject.process.pid, 100);
  EXPECT_EQ(f.subject.process.ppid, 1);
  EXPECT_EQ(f.subject.process.executable, "/usr/bin/fake-daemon");
  EXPECT_EQ(f.subject.process.cmdline, "/usr/bin/fake-daemon --foreground");
  EXPECT_EQ(f.subject.process.start_time, 1700000000 + 50);
  ASSERT_FALSE(f.reasons.empty());
  EXPECT_EQ(f.reasons[0].name, "fake_heap_marker");
  ASSERT_FALSE(f.reasons[0].strings.empty());
  EXPECT_EQ(f.reasons[0].strings[0].offset, 0x11000u - Marker().size() / 2);
  ASSERT_FALSE(f.reasons[0].details.empty());
  EXPECT_EQ(f.reasons[0].details.back().first, "region");
  EXPECT_EQ(f.reasons[0].details.back().second, "10000-13000 rw-p [heap]");
  EXPECT_EQ(r.summary.processes_seen, 2u);
  EXPECT_EQ(r.summary.processes_scanned, 2u);
  EXPECT_EQ(r.summary.executables, 1u);  // once per distinct executable
  EXPECT_EQ(r.summary.regions, 2u);      // the heaps; not the file image, not the reservation
  EXPECT_EQ(r.summary.regions_skipped, 4u);
  EXPECT_EQ(r.summary.memory_bytes, 2u * (0x3000 + 3 * 64));  // 4 blocks overlapping by 64 bytes
}

// An executable over --block-threshold is read as blocks (memory does not
// grow with its size), with the whole file's hashes and its matches.
TEST(LiveScan, AnExecutableOverTheBlockThresholdIsScannedAsBlocks) {
  TempDir t;
  auto sigs = Sigs(t);
  FakeProcessTable table;
  FakeProcess p = Process(4321);
  p.memory[0x10000] = std::string(0x3000, 'A');  // nothing in memory
  std::string exe = "\x7f" "ELF" + std::string(3u << 20, 'B');
  exe.replace(exe.size() - 100, Marker().size(), Marker());
  p.exe_content = exe;
  table.procs[4321] = p;
  LiveOptions o;
  o.memory = false;
  LiveRun r = RunLive(table, sigs, o, /*block_threshold=*/1 << 20);
  const Finding* f = FindKind(r, SubjectKind::kProcess);
  ASSERT_NE(f, nullptr);
  bool matched = false;
  for (const auto& reason : f->reasons) matched |= reason.name == "fake_heap_marker";
  EXPECT_TRUE(matched);
  Hasher h;
  EXPECT_EQ(f->hashes.sha256,
            h.Compute({reinterpret_cast<const uint8_t*>(exe.data()), exe.size()}).sha256);
}

TEST(LiveScan, AReusedPidIsNotBlamed) {
  TempDir t;
  FakeProcessTable table;
  FakeProcess p = Process(100);
  PlantMarker(p);
  // The process exits during the scan and PID 100 goes to a new process.
  p.stat = {FakeStat(100, "fake-daemon", 1, 5000), FakeStat(100, "innocent", 1, 9000)};
  table.procs[100] = p;
  LiveRun r = RunLive(table, Sigs(t));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary.exited, 1u);
  EXPECT_EQ(r.summary.processes_scanned, 0u);
  EXPECT_EQ(r.summary.executables, 0u);  // its file checks were not reported: not counted
}

TEST(LiveScan, ProcessesThatExitAreCountedNotErrors) {
  TempDir t;
  FakeProcessTable table;
  table.procs[100] = Process(100);
  table.procs[100].gone_after_stat_reads = 0;  // gone between listing and reading
  table.procs[101] = Process(101);
  table.procs[101].memory_gone_midway = true;  // exits while its memory is read
  LiveRun r = RunLive(table, Sigs(t));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary.processes_seen, 2u);
  EXPECT_EQ(r.summary.exited, 2u);
  EXPECT_EQ(r.summary.skipped_total(), 0u);
  EXPECT_EQ(r.diag->error_count(), 0u);
  ScanSummary s;
  s.live = r.summary;
  EXPECT_FALSE(s.incomplete());
}

TEST(LiveScan, WithoutRootOtherUsersProcessesAreSkippedPermission) {
  TempDir t;
  FakeProcessTable table;
  table.procs[100] = Process(100);
  PlantMarker(table.procs[100]);
  table.procs[100].deny = Status::PermissionDenied("open: /proc/100/mem: Permission denied");
  table.procs[101] = Process(101);  // our own user's process: readable
  LiveRun r = RunLive(table, Sigs(t));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary.processes_seen, 2u);
  EXPECT_EQ(r.summary.processes_scanned, 1u);
  EXPECT_EQ(r.summary.skipped[static_cast<size_t>(SkipReason::kPermission)], 1u);
  ScanSummary s;
  s.live = r.summary;
  EXPECT_TRUE(s.incomplete());
  EXPECT_EQ(VerdictFor(s), Verdict::kIncomplete);
}

TEST(LiveScan, OwnProcessIsExcludedAndNeverRead) {
  TempDir t;
  FakeProcessTable table;
  table.self = 100;
  table.procs[100] = Process(100);
  PlantMarker(table.procs[100]);
  LiveRun r = RunLive(table, Sigs(t));
  EXPECT_TRUE(r.findings.empty());
  EXPECT_EQ(r.summary.skipped[static_cast<size_t>(SkipReason::kExcluded)], 1u);
  EXPECT_EQ(table.stat_reads(100), 0);
}

TEST(LiveScan, AnomaliesOfDeletedMemfdAndTempExecutables) {
  TempDir t;
  FakeProcessTable table;
  FakeProcess deleted = Process(100);
  deleted.exe_link = "/nonexistent/harrier-test/bin/fake-daemon (deleted)";
  deleted.exe_stat.inode = 1;
  FakeProcess memfd = Process(101);
  memfd.exe_link = "/memfd:payload (deleted)";
  memfd.exe_stat.inode = 2;
  FakeProcess temp = Process(102);
  temp.exe_link = "/tmp/.x/fake-daemon";
  temp.exe_stat.inode = 3;
  FakeProcess renamed = Process(103);
  renamed.stat = {FakeStat(103, "kworker/0:1", 1, 5000)};
  renamed.files["environ"] = std::string("LD_PRELOAD=/nonexistent/hook.so\0", 32);
  renamed.exe_stat.inode = 4;
  table.procs[100] = deleted;
  table.procs[101] = memfd;
  table.procs[102] = temp;
  table.procs[103] = renamed;
  table.procs[104] = Process(104);  // near miss: a normal process stays quiet
  table.procs[104].exe_stat.inode = 5;
  LiveOptions o;
  o.memory = false;
  LiveRun r = RunLive(table, Sigs(t), o);
  std::map<int64_t, std::vector<std::string>> by_pid;
  for (const auto& f : r.findings) {
    EXPECT_EQ(f.subject.kind, SubjectKind::kProcess);
    for (const auto& reason : f.reasons) by_pid[f.subject.process.pid].push_back(reason.name);
  }
  EXPECT_EQ(by_pid[100], std::vector<std::string>{"process_deleted_executable"});
  EXPECT_EQ(by_pid[101], std::vector<std::string>{"process_memfd_executable"});
  EXPECT_EQ(by_pid[102], std::vector<std::string>{"process_temp_directory"});
  std::vector<std::string> want{"process_name_mismatch", "process_ld_preload"};
  std::sort(by_pid[103].begin(), by_pid[103].end());
  std::sort(want.begin(), want.end());
  EXPECT_EQ(by_pid[103], want);
  EXPECT_EQ(by_pid.count(104), 0u);
}

// net/tcp lines: "sl: LOCAL REMOTE ST ... UID TIMEOUT INODE". Addresses are
// each 32-bit word as the host stores it.
std::string TcpLine(const char* local, const char* remote, const char* state, uint64_t inode) {
  return fmt::format(
      "   0: {} {} {} 00000000:00000000 00:00000000 00000000     0        0 {} 1 0 100 0 0 10 0\n",
      local, remote, state, inode);
}

std::string HostWord(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  uint8_t bytes[4] = {a, b, c, d};
  uint32_t w;
  std::memcpy(&w, bytes, 4);
  return fmt::format("{:08X}", w);
}

TEST(LiveScan, ConnectionsToC2AddressesAndRangesAreMappedToTheirProcess) {
  TempDir t;
  FakeProcessTable table;
  FakeProcess p = Process(100);
  const std::string header =
      "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
      "timeout inode\n";
  p.files["net/tcp"] =
      header +
      TcpLine((HostWord(127, 0, 0, 1) + ":9C40").c_str(), (HostWord(127, 0, 0, 2) + ":1F90").c_str(),
              "01", 111) +  // to the C2 address
      TcpLine((HostWord(127, 0, 0, 1) + ":9C41").c_str(), (HostWord(127, 0, 0, 3) + ":1F90").c_str(),
              "01", 112) +  // near miss
      TcpLine((HostWord(127, 0, 0, 1) + ":9C42").c_str(), (HostWord(127, 0, 0, 9) + ":0050").c_str(),
              "01", 113) +  // inside the range
      TcpLine((HostWord(127, 0, 0, 1) + ":9C43").c_str(), (HostWord(127, 0, 0, 12) + ":0050").c_str(),
              "01", 114) +  // just outside it
      TcpLine((HostWord(127, 0, 0, 2) + ":1F90").c_str(), (HostWord(0, 0, 0, 0) + ":0000").c_str(),
              "0A", 115);  // a listener: never a connection to C2
  p.files["net/udp"] = header;
  p.fds = {"socket:[111]", "socket:[112]", "socket:[113]", "socket:[114]", "socket:[115]",
           "/dev/null"};
  table.procs[100] = p;
  LiveOptions o;
  o.network = true;
  o.processes = false;
  LiveRun r = RunLive(table, Sigs(t, "127.0.0.2;90\n127.0.0.8/30;80\n"), o);
  ASSERT_EQ(r.findings.size(), 2u);
  std::sort(r.findings.begin(), r.findings.end(), [](const Finding& a, const Finding& b) {
    return a.subject.connection.remote_port > b.subject.connection.remote_port;
  });
  const Finding& a = r.findings[0];
  EXPECT_EQ(a.subject.kind, SubjectKind::kConnection);
  EXPECT_EQ(a.subject.process.pid, 100);
  EXPECT_EQ(a.subject.connection.remote_ip, "127.0.0.2");
  EXPECT_EQ(a.subject.connection.remote_port, 8080);
  EXPECT_EQ(a.subject.connection.local_port, 40000);
  EXPECT_EQ(a.subject.connection.state, "established");
  EXPECT_EQ(a.reasons[0].name, "127.0.0.2");
  EXPECT_EQ(a.reasons[0].kind, ReasonKind::kC2);
  const Finding& b = r.findings[1];
  EXPECT_EQ(b.subject.connection.remote_ip, "127.0.0.9");
  EXPECT_EQ(b.reasons[0].name, "127.0.0.8/30");
  EXPECT_EQ(r.summary.connections, 5u);
  EXPECT_EQ(r.summary.connections_unmapped, 0u);
  EXPECT_EQ(r.summary.namespaces, 1u);
}

TEST(LiveScan, ASocketOfAReusedPidIsNotAttributed) {
  TempDir t;
  FakeProcessTable table;
  FakeProcess p = Process(100);
  p.files["net/tcp"] =
      TcpLine((HostWord(127, 0, 0, 1) + ":9C40").c_str(), (HostWord(127, 0, 0, 2) + ":1F90").c_str(),
              "01", 111);
  p.files["net/udp"] = "";
  p.fds = {"socket:[111]"};
  // Its start time changes while its descriptors are listed: PID reused.
  p.stat = {FakeStat(100, "fake-daemon", 1, 5000), FakeStat(100, "other", 1, 7000)};
  table.procs[100] = p;
  LiveOptions o;
  o.network = true;
  o.processes = false;
  LiveRun r = RunLive(table, Sigs(t, "127.0.0.2;90\n"), o);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].subject.process.pid, 0);  // reported, but blamed on no process
  EXPECT_EQ(r.summary.connections_unmapped, 1u);
}

}  // namespace
}  // namespace harrier
