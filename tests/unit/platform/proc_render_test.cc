// The Windows process table's renderer: Win32 facts rendered as /proc text
// and read back by the real parsers (sources/proc_parse.h) and the process
// and network sources, so what the Windows build shows is what Linux would:
// names with spaces and parentheses, non-ASCII names (UTF-16 to UTF-8),
// the system's processes without an image, a process that could not be
// opened, memory protections, IPv4 and IPv6 sockets and their owners.
#include "platform/proc_render.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "platform/proc.h"
#include "sources/network_source.h"
#include "sources/proc_parse.h"
#include "sources/process_source.h"

namespace harrier::platform::procfs {
namespace {

constexpr int64_t kBoot = 1700000000;  // btime
// FILETIME of kBoot + `seconds`.
uint64_t At(double seconds) {
  return kFileTimeUnixEpoch + static_cast<uint64_t>((static_cast<double>(kBoot) + seconds) *
                                                    static_cast<double>(kFileTimePerSecond));
}

ProcessFacts Notepad() {
  ProcessFacts p;
  p.pid = 4242;
  p.ppid = 1000;
  p.image_name = u"notepad.exe";
  p.image_path = u"C:\\Windows\\System32\\notepad.exe";
  p.args = {u"C:\\Windows\\System32\\notepad.exe", u"C:\\Users\\bob\\my notes.txt"};
  p.creation_time = At(12.34);
  p.uid = 1001;
  return p;
}

TEST(ProcRender, StatRoundTripsPidNamePpidAndStartTicks) {
  auto st = ParseProcStat(RenderStat(Notepad(), kBoot));
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->comm, "notepad.exe");
  EXPECT_EQ(st->ppid, 1000);
  EXPECT_EQ(st->start_ticks, 1234u);  // 12.34 s after boot at 100 ticks a second
  EXPECT_FALSE(st->kernel_thread());
  EXPECT_EQ(st->state, 'R');
  auto boot = ParseBootTime(RenderSystemStat(kBoot));
  ASSERT_TRUE(boot);
  EXPECT_EQ(*boot, kBoot);
}

TEST(ProcRender, NamesWithSpacesAndParenthesesCannotShiftTheFields) {
  for (std::u16string name : {u"my (evil) app.exe", u"a) R 1 (", u")", u"x) Z 77 2 3 4 5 6 7"}) {
    ProcessFacts p = Notepad();
    p.image_name = name;
    auto st = ParseProcStat(RenderStat(p, kBoot));
    ASSERT_TRUE(st) << Utf16ToUtf8(name);
    EXPECT_EQ(st->comm, Utf16ToUtf8(name));
    EXPECT_EQ(st->ppid, 1000);
    EXPECT_EQ(st->start_ticks, 1234u);
  }
}

TEST(ProcRender, Utf16BecomesUtf8) {
  // é, 日本, a surrogate pair (U+1F600) and an unpaired surrogate.
  std::u16string name = u"caf\u00e9 \u65e5\u672c";
  name += u"\xD83D\xDE00";
  name += u"\xD800x";
  EXPECT_EQ(Utf16ToUtf8(name), "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xF0\x9F\x98\x80\xEF\xBF\xBDx");
  ProcessFacts p = Notepad();
  p.image_name = u"\u00e9t\u00e9.exe";
  p.image_path = u"C:\\Users\\J\u00fcrgen\\\u00e9t\u00e9.exe";
  p.args = {u"\u00e9t\u00e9.exe", u"--caf\u00e9"};
  EXPECT_EQ(ParseProcStat(RenderStat(p, kBoot))->comm, "\xC3\xA9t\xC3\xA9.exe");
  EXPECT_EQ(RenderExeLink(p), "C:\\Users\\J\xC3\xBCrgen\\\xC3\xA9t\xC3\xA9.exe");
  EXPECT_EQ(JoinCmdline(RenderCmdline(p)), "\xC3\xA9t\xC3\xA9.exe --caf\xC3\xA9");
}

TEST(ProcRender, StatusCarriesTheAccountNumberWhenKnown) {
  auto uid = ParseStatusUid(RenderStatus(Notepad()));
  ASSERT_TRUE(uid);
  EXPECT_EQ(*uid, 1001u);
  ProcessFacts denied = Notepad();
  denied.uid.reset();  // the token could not be read
  EXPECT_FALSE(ParseStatusUid(RenderStatus(denied)));
}

TEST(ProcRender, CommandLineKeepsArgumentsWithSpaces) {
  std::string raw = RenderCmdline(Notepad());
  EXPECT_EQ(CmdlineArgs(raw, 5), (std::vector<std::string>{"C:\\Windows\\System32\\notepad.exe",
                                                           "C:\\Users\\bob\\my notes.txt"}));
  EXPECT_EQ(JoinCmdline(raw), "C:\\Windows\\System32\\notepad.exe C:\\Users\\bob\\my notes.txt");
  ProcessFacts none = Notepad();
  none.args.clear();
  EXPECT_EQ(RenderCmdline(none), "");
}

TEST(ProcRender, StartTimesBeforeBootOrUnknownAreZero) {
  ProcessFacts early = Notepad();
  early.creation_time = At(-3);
  EXPECT_EQ(ParseProcStat(RenderStat(early, kBoot))->start_ticks, 0u);
  ProcessFacts unknown = Notepad();
  unknown.creation_time.reset();
  EXPECT_EQ(ParseProcStat(RenderStat(unknown, kBoot))->start_ticks, 0u);
}

TEST(ProcRender, SystemProcessesWithoutImageAreKernelThreads) {
  for (auto [pid, name] : {std::pair{int64_t{4}, u"System"}, std::pair{int64_t{0}, u""},
                           std::pair{int64_t{120}, u"Registry"}}) {
    ProcessFacts p;
    p.pid = pid;
    p.ppid = pid == 120 ? 4 : 0;
    p.image_name = name;
    p.system = true;
    auto st = ParseProcStat(RenderStat(p, kBoot));
    ASSERT_TRUE(st) << pid;
    EXPECT_EQ(st->pid, pid);
    EXPECT_EQ(st->comm, Utf16ToUtf8(name));
    EXPECT_TRUE(st->kernel_thread());
    EXPECT_EQ(RenderExeLink(p), "");
    EXPECT_EQ(RenderCmdline(p), "");
    EXPECT_FALSE(ParseStatusUid(RenderStatus(p)));
  }
}

TEST(ProcRender, DeletedImageIsMarkedAsTheKernelMarksIt) {
  ProcessFacts p = Notepad();
  p.image_deleted = true;
  std::string link = RenderExeLink(p);
  EXPECT_EQ(link, "C:\\Windows\\System32\\notepad.exe (deleted)");
  EXPECT_EQ(ExecutablePath(link), "C:\\Windows\\System32\\notepad.exe");
}

TEST(ProcRender, MapsRoundTripProtectionsTypesAndPaths) {
  std::vector<RegionFacts> regions(7);
  regions[0] = {0x10000, 0x2000, 0x10000, kPageReadWrite, RegionType::kPrivate, u"", false};
  regions[1] = {0x7ff600001000, 0x1000, 0x7ff600000000, kPageExecuteRead, RegionType::kImage,
                u"C:\\Program Files\\My (x86) App\\app.exe", false};
  regions[2] = {0x7ff600002000, 0x1000, 0x7ff600000000, kPageWriteCopy, RegionType::kImage,
                u"C:\\Program Files\\My (x86) App\\app.exe", false};
  regions[3] = {0x20000, 0x1000, 0x20000, kPageReadWrite | kPageGuard, RegionType::kPrivate, u"",
                false};
  regions[4] = {0x30000, 0x1000, 0x30000, kPageNoAccess, RegionType::kPrivate, u"", false};
  regions[5] = {0x40000, 0x3000, 0x40000, kPageReadOnly, RegionType::kMapped,
                u"C:\\Users\\bob\\AppData\\Local\\Temp\\x.dat", true};
  regions[6] = {0x50000, 0x1000, 0x50000, kPageExecuteReadWrite, RegionType::kPrivate,
                u"ignored: private memory maps no file", false};
  std::string text = RenderMaps(regions, 1 << 20);
  auto maps = ParseMaps(text);
  ASSERT_EQ(maps.size(), 7u) << text;
  EXPECT_EQ(DescribeRegion(maps[0]), "10000-12000 rw-p");
  EXPECT_EQ(DescribeRegion(maps[1]), "7ff600001000-7ff600002000 r-xp C:\\Program Files\\My (x86) App\\app.exe");
  EXPECT_EQ(maps[1].offset, 0x1000u);
  EXPECT_EQ(DescribeRegion(maps[2]), "7ff600002000-7ff600003000 rw-p C:\\Program Files\\My (x86) App\\app.exe");
  EXPECT_EQ(DescribeRegion(maps[3]), "20000-21000 ---p");  // a guard page is not read
  EXPECT_EQ(DescribeRegion(maps[4]), "30000-31000 ---p");
  EXPECT_EQ(DescribeRegion(maps[5]), "40000-43000 r--s C:\\Users\\bob\\AppData\\Local\\Temp\\x.dat (deleted)");
  EXPECT_TRUE(maps[5].deleted());
  EXPECT_EQ(DescribeRegion(maps[6]), "50000-51000 rwxp");
  // Which regions a memory scan reads: an unchanged image of a file on disk
  // is left to the file scan, as on Linux.
  EXPECT_TRUE(RegionSelected(maps[0], false));
  EXPECT_FALSE(RegionSelected(maps[1], false));
  EXPECT_TRUE(RegionSelected(maps[1], true));
  EXPECT_TRUE(RegionSelected(maps[2], false));  // writable data
  EXPECT_FALSE(RegionSelected(maps[3], false));
  EXPECT_FALSE(RegionSelected(maps[4], false));
  EXPECT_TRUE(RegionSelected(maps[5], false));  // its file is gone
  EXPECT_TRUE(RegionSelected(maps[6], false));
  // Cut before the limit, whole lines only.
  std::string cut = RenderMaps(regions, text.find('\n') + 2);
  EXPECT_EQ(ParseMaps(cut).size(), 1u);
}

TEST(ProcRender, RegionPermissionsOfEveryProtection) {
  auto perms = [](uint32_t protect, RegionType type = RegionType::kPrivate) {
    RegionFacts r;
    r.protect = protect;
    r.type = type;
    return RegionPermissions(r);
  };
  EXPECT_EQ(perms(kPageNoAccess), "---p");
  EXPECT_EQ(perms(kPageReadOnly), "r--p");
  EXPECT_EQ(perms(kPageReadWrite), "rw-p");
  EXPECT_EQ(perms(kPageWriteCopy, RegionType::kMapped), "rw-p");  // copy on write: private
  EXPECT_EQ(perms(kPageExecute), "--xp");
  EXPECT_EQ(perms(kPageExecuteRead), "r-xp");
  EXPECT_EQ(perms(kPageExecuteReadWrite), "rwxp");
  EXPECT_EQ(perms(kPageExecuteWriteCopy, RegionType::kImage), "rwxp");
  EXPECT_EQ(perms(kPageReadWrite, RegionType::kMapped), "rw-s");
  EXPECT_EQ(perms(kPageReadWrite | 0x200 /* PAGE_NOCACHE */), "rw-p");
  EXPECT_EQ(perms(kPageExecuteRead | kPageGuard), "---p");
}

TEST(ProcRender, DevicePathsBecomeDrivePaths) {
  std::vector<std::pair<std::u16string, std::u16string>> devices = {
      {u"C:", u"\\Device\\HarddiskVolume1"}, {u"D:", u"\\Device\\HarddiskVolume10"}};
  EXPECT_EQ(DevicePathToDos(u"\\Device\\HarddiskVolume1\\Windows\\x.dll", devices),
            u"C:\\Windows\\x.dll");
  EXPECT_EQ(DevicePathToDos(u"\\Device\\HarddiskVolume10\\data\\y.dll", devices),
            u"D:\\data\\y.dll");  // not C: (Volume1 is a prefix of Volume10)
  EXPECT_EQ(DevicePathToDos(u"\\device\\harddiskvolume1\\a", devices), u"C:\\a");
  EXPECT_EQ(DevicePathToDos(u"\\Device\\Mup\\server\\share\\z.dll", devices),
            u"\\\\server\\share\\z.dll");
  EXPECT_EQ(DevicePathToDos(u"\\??\\C:\\windows\\system32\\x.dll", devices),
            u"C:\\windows\\system32\\x.dll");
  EXPECT_EQ(DevicePathToDos(u"\\Device\\HarddiskVolume7\\q.dll", devices),
            u"\\Device\\HarddiskVolume7\\q.dll");  // no drive: kept
}

TEST(ProcRender, TcpStatesAreLinuxs) {
  const std::map<uint32_t, std::string_view> want = {
      {kMibTcpClosed, "close"},         {kMibTcpListen, "listen"},
      {kMibTcpSynSent, "syn_sent"},     {kMibTcpSynRcvd, "syn_recv"},
      {kMibTcpEstab, "established"},    {kMibTcpFinWait1, "fin_wait1"},
      {kMibTcpFinWait2, "fin_wait2"},   {kMibTcpCloseWait, "close_wait"},
      {kMibTcpClosing, "closing"},      {kMibTcpLastAck, "last_ack"},
      {kMibTcpTimeWait, "time_wait"},   {kMibTcpDeleteTcb, "close"},
      {99, "close"}};
  for (auto [mib, name] : want) EXPECT_EQ(TcpStateName(LinuxTcpState(mib), false), name) << mib;
}

std::array<uint8_t, 16> Ip(std::string_view text) {
  auto ip = ParseIp(text);
  EXPECT_TRUE(ip) << text;
  return ip ? ip->bytes : std::array<uint8_t, 16>{};
}

std::vector<SocketFacts> Sockets() {
  std::vector<SocketFacts> s(5);
  s[0] = {false, false, Ip("127.0.0.1"), Ip("192.0.2.7"), 49152, 443,
          LinuxTcpState(kMibTcpEstab), 4242};
  s[1] = {false, false, Ip("0.0.0.0"), Ip("0.0.0.0"), 135, 0, LinuxTcpState(kMibTcpListen), 900};
  s[2] = {false, true, Ip("2001:db8::1"), Ip("2001:db8:ffff::c2"), 50000, 8443,
          LinuxTcpState(kMibTcpSynSent), 4242};
  s[3] = {true, false, Ip("10.0.0.5"), {}, 5353, 0, kUdpUnconnectedState, 1200};
  s[4] = {false, false, Ip("127.0.0.1"), Ip("192.0.2.8"), 49153, 80, LinuxTcpState(kMibTcpTimeWait),
          0};  // TIME_WAIT: no owner
  return s;
}

std::vector<NetSocket> Parse(const std::string& text, bool v6) {
  std::vector<NetSocket> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (auto s = ParseNetLine(std::string_view(text).substr(i, j - i), v6)) out.push_back(*s);
    i = j + 1;
  }
  return out;
}

TEST(ProcRender, NetTablesRoundTripIpv4AndIpv6) {
  auto s = Sockets();
  auto tcp = Parse(RenderNetTable(s, false, false, 1 << 20), false);
  ASSERT_EQ(tcp.size(), 3u);
  EXPECT_EQ(FormatIp(tcp[0].local), "127.0.0.1");
  EXPECT_EQ(FormatIp(tcp[0].remote), "192.0.2.7");
  EXPECT_EQ(tcp[0].local_port, 49152);
  EXPECT_EQ(tcp[0].remote_port, 443);
  EXPECT_EQ(TcpStateName(tcp[0].state, false), "established");
  EXPECT_EQ(tcp[0].inode, SocketInode(s[0]));
  EXPECT_NE(tcp[0].inode, 0u);
  EXPECT_EQ(TcpStateName(tcp[1].state, false), "listen");
  EXPECT_EQ(tcp[2].inode, 0u);  // no owner
  auto tcp6 = Parse(RenderNetTable(s, false, true, 1 << 20), true);
  ASSERT_EQ(tcp6.size(), 1u);
  EXPECT_EQ(FormatIp(tcp6[0].local), "2001:db8::1");
  EXPECT_EQ(FormatIp(tcp6[0].remote), "2001:db8:ffff::c2");
  EXPECT_EQ(tcp6[0].remote_port, 8443);
  EXPECT_EQ(TcpStateName(tcp6[0].state, false), "syn_sent");
  auto udp = Parse(RenderNetTable(s, true, false, 1 << 20), false);
  ASSERT_EQ(udp.size(), 1u);
  EXPECT_EQ(FormatIp(udp[0].local), "10.0.0.5");
  EXPECT_EQ(udp[0].local_port, 5353);
  EXPECT_EQ(TcpStateName(udp[0].state, true), "listen");
  EXPECT_TRUE(Parse(RenderNetTable(s, true, true, 1 << 20), true).empty());
  // The header alone fits; rows that would pass the limit are left out.
  std::string header_only = RenderNetTable(s, false, false, 200);
  EXPECT_TRUE(Parse(header_only, false).empty());
  EXPECT_FALSE(header_only.empty());
}

TEST(ProcRender, SocketInodesAreStableAndLinkTheOwner) {
  auto s = Sockets();
  auto again = Sockets();
  again[0].state = LinuxTcpState(kMibTcpCloseWait);  // a state change keeps the inode
  EXPECT_EQ(SocketInode(s[0]), SocketInode(again[0]));
  std::set<uint64_t> distinct;
  for (const auto& x : s)
    if (x.owner_pid) distinct.insert(SocketInode(x));
  EXPECT_EQ(distinct.size(), 4u);
  for (uint64_t i : distinct) EXPECT_LT(i, uint64_t{1} << 48);
  auto fds = SocketFdTargets(s, 4242);
  EXPECT_EQ(fds, (std::vector<std::string>{"socket:[" + std::to_string(SocketInode(s[0])) + "]",
                                           "socket:[" + std::to_string(SocketInode(s[2])) + "]"}));
  EXPECT_TRUE(SocketFdTargets(s, 0).empty());
  EXPECT_TRUE(SocketFdTargets(s, 7).empty());
}

TEST(UidAssigner, RidFirstThenSyntheticNumbers) {
  UidAssigner a;
  EXPECT_EQ(a.Assign("S-1-5-18", "NT AUTHORITY\\SYSTEM"), 18u);
  EXPECT_EQ(a.Assign("S-1-5-21-1-2-3-1001", "HOST\\bob"), 1001u);
  EXPECT_EQ(a.Assign("S-1-5-18", "ignored"), 18u);  // the same SID, the same number
  // Another account with the same RID (a domain's 1001), and RID 0 (the
  // number every file has): the next synthetic numbers.
  EXPECT_EQ(a.Assign("S-1-5-21-9-9-9-1001", "CORP\\alice"), UidAssigner::kSyntheticUidBase);
  EXPECT_EQ(a.Assign("S-1-5-96-0-0", "Font Driver Host\\UMFD-0"), UidAssigner::kSyntheticUidBase + 1);
  EXPECT_EQ(a.Assign("not-a-sid-x", ""), UidAssigner::kSyntheticUidBase + 2);
  EXPECT_EQ(a.Name(18), "NT AUTHORITY\\SYSTEM");
  EXPECT_EQ(a.Name(1001), "HOST\\bob");
  EXPECT_EQ(a.Name(UidAssigner::kSyntheticUidBase), "CORP\\alice");
  EXPECT_EQ(a.Name(UidAssigner::kSyntheticUidBase + 2), "not-a-sid-x");  // no name: the SID
  EXPECT_FALSE(a.Name(0));
  EXPECT_FALSE(a.Name(1002));
}

// A process table that renders its answers as the Windows one does, read
// by the process and network sources.
class RenderedTable final : public ProcessTable {
 public:
  std::map<int64_t, ProcessFacts> procs;
  std::vector<SocketFacts> sockets;
  Result<std::vector<int64_t>> ListPids() const override {
    std::vector<int64_t> out;
    for (const auto& [pid, p] : procs) out.push_back(pid);
    return out;
  }
  Result<std::string> ReadFile(int64_t pid, std::string_view name, size_t max) const override {
    if (pid == 0 && name == "stat") return RenderSystemStat(kBoot);
    for (auto [file, udp, v6] : {std::tuple{"net/tcp", false, false}, std::tuple{"net/tcp6", false, true},
                                 std::tuple{"net/udp", true, false}, std::tuple{"net/udp6", true, true}})
      if (name == file) return RenderNetTable(sockets, udp, v6, max);
    auto it = procs.find(pid);
    if (it == procs.end()) return Status::NotFound("gone");
    if (name == "stat") return RenderStat(it->second, kBoot);
    if (name == "status") return RenderStatus(it->second);
    if (name == "cmdline") return RenderCmdline(it->second);
    return Status::Unsupported("not rendered");
  }
  Result<std::string> ReadLink(int64_t pid, std::string_view name) const override {
    auto it = procs.find(pid);
    if (it == procs.end()) return Status::NotFound("gone");
    if (name == "ns/net") return std::string(kNetNamespaceLink);
    if (name == "exe") {
      if (it->second.image_path.empty()) return Status::PermissionDenied("no access");
      return RenderExeLink(it->second);
    }
    return Status::NotFound("no link");
  }
  Result<std::vector<std::string>> ListFdTargets(int64_t pid) const override {
    return SocketFdTargets(sockets, pid);
  }
  Result<std::unique_ptr<ReadableFile>> OpenExecutable(int64_t) const override {
    return Status::Unsupported("not in this test");
  }
  Result<std::unique_ptr<ProcessMemory>> OpenMemory(int64_t) const override {
    return Status::Unsupported("not in this test");
  }
  int64_t SelfPid() const override { return 1; }
  int64_t ClockTicks() const override { return kTicksPerSecond; }
};

TEST(ProcRender, TheProcessSourceReadsRenderedProcesses) {
  RenderedTable t;
  t.procs[4242] = Notepad();
  ProcessFacts denied;  // another user's process this user may not open
  denied.pid = 5000;
  denied.ppid = 600;
  denied.image_name = u"svchost.exe";
  t.procs[5000] = denied;
  ProcessFacts system;
  system.pid = 4;
  system.image_name = u"System";
  system.system = true;
  t.procs[4] = system;
  const int64_t boot = BootTime(t);
  EXPECT_EQ(boot, kBoot);

  auto n = ReadProcess(t, LocalFileSystem(), 4242, boot);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->attrs.name, "notepad.exe");
  EXPECT_EQ(n->attrs.ppid, 1000);
  EXPECT_EQ(n->attrs.uid, 1001u);
  EXPECT_EQ(n->attrs.start_time, kBoot + 12);
  EXPECT_EQ(n->attrs.cmdline, "C:\\Windows\\System32\\notepad.exe C:\\Users\\bob\\my notes.txt");
  EXPECT_EQ(n->exe_link, "C:\\Windows\\System32\\notepad.exe");
  EXPECT_TRUE(SameProcess(t, *n));
  EXPECT_EQ(ProcessSubject(*n, SubjectKind::kProcess).name, "notepad.exe");
  // The name check compares with the image's name (without case), not the
  // whole path: no anomaly.
  ExecutableFacts facts;
  EXPECT_TRUE(AnomalyReasons(*n, facts, AnomalyOptions{}).empty());

  auto d = ReadProcess(t, LocalFileSystem(), 5000, boot);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->attrs.name, "svchost.exe");
  EXPECT_TRUE(d->exe_denied);
  EXPECT_EQ(d->attrs.user, "");
  EXPECT_EQ(d->attrs.start_time, kBoot);  // unknown creation time: tick 0

  auto s = ReadProcess(t, LocalFileSystem(), 4, boot);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(s->stat.kernel_thread());
  EXPECT_EQ(s->exe_link, "");
  EXPECT_EQ(ProcessSubject(*s, SubjectKind::kProcess).path, "[System]");
}

TEST(ProcRender, TheNetworkSourceMapsRenderedSocketsToTheirOwners) {
  RenderedTable t;
  t.procs[4242] = Notepad();
  t.sockets = Sockets();
  auto pids = t.ListPids();
  ASSERT_TRUE(pids.ok());
  SocketTables tables = ReadSockets(t, *pids);
  EXPECT_EQ(tables.namespaces, 1u);
  ASSERT_EQ(tables.sockets.size(), 5u);
  size_t owned = 0;
  for (const SocketRecord& r : tables.sockets) {
    ConnectionAttrs c = ConnectionOf(r);
    if (c.remote_ip == "192.0.2.7" || c.remote_ip == "2001:db8:ffff::c2") {
      ASSERT_EQ(r.owners.size(), 1u) << c.remote_ip;
      EXPECT_EQ(r.owners[0].pid, 4242);
      EXPECT_EQ(r.owners[0].start_ticks, 1234u);
      ++owned;
    } else {
      EXPECT_TRUE(r.owners.empty()) << c.remote_ip;  // owners not in the list, or none
    }
  }
  EXPECT_EQ(owned, 2u);
  std::vector<C2Ioc> iocs(1);  // the matcher keeps pointers into it
  iocs[0].indicator = "192.0.2.0/24";
  iocs[0].score = 80;
  C2Matcher c2(iocs);
  size_t hits = 0;
  for (const SocketRecord& r : tables.sockets) hits += ConnectionReason(r, c2).has_value();
  EXPECT_EQ(hits, 2u);  // the established one and the owner-less TIME_WAIT one
}

TEST(ProcRender, WindowsTemporaryFoldersAndPaths) {
  ProcessInfo info;
  info.attrs.name = "x.exe";
  ExecutableFacts facts;
  AnomalyOptions o;
  o.temp_dirs = {"C:\\Windows\\Temp", "C:\\Users\\*\\AppData\\Local\\Temp"};
  auto names = [&](const std::string& link, const std::string& arg0 = "x.exe") {
    info.exe_link = link;
    info.cmdline_raw = arg0 + '\0';
    std::vector<std::string> out;
    for (const Reason& r : AnomalyReasons(info, facts, o)) out.push_back(r.name);
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names("C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe"), V{"process_temp_directory"});
  EXPECT_EQ(names("c:\\users\\Bob\\appdata\\local\\temp\\sub\\x.exe"), V{"process_temp_directory"});
  EXPECT_EQ(names("C:\\WINDOWS\\Temp\\x.exe"), V{"process_temp_directory"});
  EXPECT_EQ(names("C:\\Windows\\Temp (deleted)"), V{"process_deleted_executable"});  // a file "Temp"
  EXPECT_EQ(names("C:\\Users\\bob\\AppData\\Local\\Programs\\x.exe"), V{});
  EXPECT_EQ(names("C:\\Windows\\TempX\\x.exe"), V{});
  EXPECT_EQ(names("/tmp/x.exe"), V{});  // a Linux folder is not a Windows one
  // The name compares with the image's base name without case.
  EXPECT_EQ(names("C:\\Apps\\X.EXE", "C:\\Apps\\X.EXE"), V{});
  EXPECT_EQ(names("C:\\Windows\\y.exe", "C:\\Windows\\y.exe"), V{"process_name_mismatch"});
  EXPECT_EQ(names("C:\\Users\\bob\\AppData\\Local\\Temp\\x.exe (deleted)"),
            (V{"process_deleted_executable", "process_temp_directory"}));
}

}  // namespace
}  // namespace harrier::platform::procfs
