// Parsers of /proc and hosts text: hostile process names, host byte order
// of socket addresses, IPv6 words, CIDR ranges, maps lines, hosts entries.
#include "sources/proc_parse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "sources/network_source.h"
#include "sources/process_source.h"

namespace harrier {
namespace {

TEST(ProcParse, StatNameWithParenthesesAndSpacesCannotShiftFields) {
  auto st = ParseProcStat(
      "4242 (evil) S 1 (x) R) S 77 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 1 0 987654 1 2\n");
  ASSERT_TRUE(st);
  EXPECT_EQ(st->pid, 4242);
  EXPECT_EQ(st->comm, "evil) S 1 (x) R");
  EXPECT_EQ(st->state, 'S');
  EXPECT_EQ(st->ppid, 77);
  EXPECT_EQ(st->start_ticks, 987654u);
  EXPECT_FALSE(st->kernel_thread());
  auto k = ParseProcStat("2 (kthreadd) S 0 0 0 0 -1 2129984 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n");
  ASSERT_TRUE(k);
  EXPECT_TRUE(k->kernel_thread());
  EXPECT_FALSE(ParseProcStat("12 (x S 1"));
  EXPECT_FALSE(ParseProcStat("12 (x) S 1 2 3"));
  EXPECT_FALSE(ParseProcStat(""));
}

TEST(ProcParse, StatusUidBootTimeCmdlineEnviron) {
  EXPECT_EQ(ParseStatusUid("Name:\tx\nUid:\t1000\t1001\t1002\t1003\n"), 1000u);
  EXPECT_FALSE(ParseStatusUid("Name:\tx\n"));
  EXPECT_EQ(ParseBootTime("cpu 1\nbtime 1700000000\nprocesses 9\n"), 1700000000);
  std::string raw("/bin/sh\0-c\0echo hi\0", 19);
  EXPECT_EQ(JoinCmdline(raw), "/bin/sh -c echo hi");
  EXPECT_EQ(CmdlineArgs(raw, 2), (std::vector<std::string>{"/bin/sh", "-c"}));
  std::string env("A=1\0LD_PRELOAD=/x.so\0LD_PRELOADX=no\0", 35);
  EXPECT_EQ(FindEnv(env, "LD_PRELOAD"), "/x.so");
  EXPECT_FALSE(FindEnv(env, "B"));
  EXPECT_FALSE(FindEnv(std::string("LD_PRELOADX=1\0", 14), "LD_PRELOAD"));
}

TEST(ProcParse, MapsLines) {
  auto r = ParseMapsLine("7f0c4a1e3000-7f0c4a205000 rw-p 00000000 00:00 0          [heap]");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, 0x7f0c4a1e3000u);
  EXPECT_EQ(r->end, 0x7f0c4a205000u);
  EXPECT_TRUE(r->read && r->write && !r->exec && !r->shared);
  EXPECT_EQ(r->path, "[heap]");
  auto f = ParseMapsLine("400000-401000 r-xp 00001000 08:01 1234  /opt/my app/x (deleted)");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->path, "/opt/my app/x (deleted)");
  EXPECT_TRUE(f->deleted());
  EXPECT_EQ(f->inode, 1234u);
  EXPECT_EQ(DescribeRegion(*f), "400000-401000 r-xp /opt/my app/x (deleted)");
  auto anon = ParseMapsLine("1000-2000 ---p 00000000 00:00 0");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->path, "");
  EXPECT_FALSE(ParseMapsLine("2000-1000 rw-p 0 00:00 0"));  // end before start
  EXPECT_FALSE(ParseMapsLine("zz-1000 rw-p 0 00:00 0"));
  EXPECT_EQ(ParseMaps("1000-2000 rw-p 0 00:00 0\njunk\n3000-4000 r--p 0 00:00 0\n").size(), 2u);
}

TEST(ProcParse, RegionSelection) {
  auto sel = [](const char* line, bool all = false) {
    return RegionSelected(*ParseMapsLine(line), all);
  };
  EXPECT_TRUE(sel("1000-2000 rw-p 00000000 00:00 0 [heap]"));
  EXPECT_TRUE(sel("1000-2000 rw-p 00000000 00:00 0"));
  EXPECT_TRUE(sel("1000-2000 rwxp 00000000 00:00 0"));
  EXPECT_FALSE(sel("1000-2000 ---p 00000000 00:00 0"));  // a reservation
  EXPECT_FALSE(sel("1000-2000 r--p 00000000 00:00 0 [vvar]"));
  EXPECT_FALSE(sel("1000-2000 rw-s 00000000 00:05 9 /dev/dri/card0"));  // a device
  EXPECT_FALSE(sel("1000-2000 r-xp 00000000 08:01 9 /usr/lib/libc.so.6"));  // a file image
  EXPECT_TRUE(sel("1000-2000 r-xp 00000000 08:01 9 /usr/lib/libc.so.6", true));
  EXPECT_TRUE(sel("1000-2000 rw-p 00001000 08:01 9 /usr/lib/libc.so.6"));  // relocated data
  EXPECT_TRUE(sel("1000-2000 r-xp 00000000 08:01 9 /tmp/x (deleted)"));
  EXPECT_TRUE(sel("1000-2000 r-xp 00000000 00:01 9 /memfd:x (deleted)"));
  EXPECT_TRUE(sel("1000-2000 rw-s 00000000 00:1a 9 /dev/shm/x"));
}

// A word of /proc/net/tcp as this host prints it.
std::string HostHex(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  uint8_t bytes[4] = {a, b, c, d};
  uint32_t w;
  std::memcpy(&w, bytes, 4);
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08X", w);
  return buf;
}

TEST(ProcParse, NetLinesUseHostByteOrder) {
  // 127.0.0.2 prints as 0200007F on little-endian x86: built here from the
  // bytes, so the test holds on any host.
  std::string line = "   3: " + HostHex(127, 0, 0, 1) + ":9C40 " + HostHex(127, 0, 0, 2) +
                     ":1F90 01 00000000:00000000 00:00000000 00000000  1000        0 55667 1 "
                     "0000000000000000 20 4 30 10 -1";
  auto s = ParseNetLine(line, false);
  ASSERT_TRUE(s);
  EXPECT_EQ(FormatIp(s->local), "127.0.0.1");
  EXPECT_EQ(FormatIp(s->remote), "127.0.0.2");
  EXPECT_EQ(s->local_port, 40000);
  EXPECT_EQ(s->remote_port, 8080);
  EXPECT_EQ(s->state, 1);
  EXPECT_EQ(s->uid, 1000u);
  EXPECT_EQ(s->inode, 55667u);
  EXPECT_EQ(TcpStateName(s->state, false), "established");
  EXPECT_EQ(TcpStateName(10, false), "listen");
  EXPECT_EQ(TcpStateName(7, true), "listen");
  // The header line and junk are not sockets.
  EXPECT_FALSE(ParseNetLine("  sl  local_address rem_address   st tx_queue rx_queue tr", false));
  EXPECT_FALSE(ParseNetLine("   3: 0100007F:XYZ 00000000:0000 0A 0:0 0:0 0 0 0 1", false));
}

TEST(ProcParse, NetLinesIpv6WordsAndMappedAddresses) {
  // ::ffff:127.0.0.2 as four host-order words.
  std::string v6 = HostHex(0, 0, 0, 0) + HostHex(0, 0, 0, 0) + HostHex(0, 0, 0xff, 0xff) +
                   HostHex(127, 0, 0, 2);
  std::string line = "   0: " + std::string(32, '0') + ":0016 " + v6 +
                     ":01BB 01 00000000:00000000 00:00000000 00000000     0        0 4242 1";
  auto s = ParseNetLine(line, true);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->remote.v6);
  EXPECT_EQ(FormatIp(s->remote), "::ffff:127.0.0.2");
  EXPECT_EQ(FormatIp(Unmapped(s->remote)), "127.0.0.2");
  EXPECT_TRUE(IsUnspecified(s->local));
  EXPECT_EQ(s->remote_port, 443);
}

TEST(ProcParse, IpRanges) {
  auto r = ParseIpRange("10.1.2.3/8");
  ASSERT_TRUE(r);
  EXPECT_EQ(FormatIp(r->base), "10.0.0.0");
  EXPECT_TRUE(r->Contains(*ParseIp("10.255.0.1")));
  EXPECT_FALSE(r->Contains(*ParseIp("11.0.0.1")));
  EXPECT_TRUE(r->Contains(*ParseIp("::ffff:10.9.9.9")));  // mapped counts as IPv4
  auto one = ParseIpRange("192.0.2.7");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->Contains(*ParseIp("192.0.2.7")));
  EXPECT_FALSE(one->Contains(*ParseIp("192.0.2.70")));
  auto odd = ParseIpRange("127.0.0.8/30");
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->Contains(*ParseIp("127.0.0.11")));
  EXPECT_FALSE(odd->Contains(*ParseIp("127.0.0.12")));
  EXPECT_FALSE(odd->Contains(*ParseIp("127.0.0.7")));
  auto v6 = ParseIpRange("2001:db8::/32");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->Contains(*ParseIp("2001:db8:1::5")));
  EXPECT_FALSE(v6->Contains(*ParseIp("2001:db9::5")));
  EXPECT_FALSE(v6->Contains(*ParseIp("10.0.0.1")));
  EXPECT_FALSE(ParseIpRange("10.0.0.0/33"));
  EXPECT_FALSE(ParseIpRange("evil.com"));
  EXPECT_FALSE(ParseIpRange("10.0.0.0/"));
}

TEST(ProcParse, HostsEntriesAndC2Matching) {
  auto entries = ParseHosts(
      "# comment\n127.0.0.1\tlocalhost\n\n192.0.2.1 a.Evil.example.  b # trailing\n"
      "10.0.0.1\n198.51.100.7 clean.example\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1].line, 4u);
  EXPECT_EQ(entries[1].names, (std::vector<std::string>{"a.Evil.example.", "b"}));
  std::vector<C2Ioc> iocs = {{"evil.example", 80, "d", "t:1"},
                             {"198.51.100.0/24", 70, "", "t:2"},
                             {"https://gate.example/x.php", 75, "", "t:3"}};
  C2Matcher m(iocs);
  EXPECT_EQ(m.MatchHost("EVIL.example"), &iocs[0]);
  EXPECT_EQ(m.MatchHost("x.evil.example"), &iocs[0]);
  EXPECT_EQ(m.MatchHost("notevil.example"), nullptr);
  EXPECT_EQ(m.MatchHost("evil.example.com"), nullptr);
  EXPECT_EQ(m.MatchHost("gate.example"), &iocs[2]);
  auto reasons = HostsReasons(entries, m);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].name, "evil.example");
  EXPECT_EQ(reasons[1].name, "198.51.100.0/24");
  // --resolve: an address a C2 host name resolved to matches that indicator.
  SocketRecord s;
  s.socket.remote = *ParseIp("203.0.113.5");
  s.socket.state = 1;
  EXPECT_FALSE(ConnectionReason(s, m));
  m.AddResolved(*ParseIp("203.0.113.5"), "evil.example");
  auto r = ConnectionReason(s, m);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->name, "evil.example");
  EXPECT_NE(std::find(r->details.begin(), r->details.end(),
                      std::pair<std::string, std::string>{"resolved_from", "evil.example"}),
            r->details.end());
  s.socket.state = 10;  // listening: never a connection to C2
  EXPECT_FALSE(ConnectionReason(s, m));
}

}  // namespace
}  // namespace harrier
