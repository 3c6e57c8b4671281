// Parsers of the text the live checks read from /proc and /etc: process
// stat and status, command lines and environments, memory maps, the socket
// tables of /proc/PID/net/{tcp,tcp6,udp,udp6}, and hosts files. All input
// is untrusted (a process chooses its own name and command line; a hosts
// file may be anything): every parser is bounded, never throws, and has a
// fuzz target (fuzz/proc_parse_fuzzer.cc).
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace harrier {

// /proc/PID/stat. The name (comm) is between the first '(' and the last ')',
// so a process named "a) R 1 (" cannot shift the fields after it.
struct ProcStat {
  int64_t pid = 0;
  std::string comm;
  char state = '?';
  int64_t ppid = 0;
  uint64_t flags = 0;        // PF_* (0x00200000 = kernel thread)
  uint64_t start_ticks = 0;  // clock ticks after boot
  bool kernel_thread() const { return (flags & 0x00200000) != 0; }
};
std::optional<ProcStat> ParseProcStat(std::string_view text);

// The real uid of /proc/PID/status ("Uid:\t1000\t1000\t1000\t1000").
std::optional<uint32_t> ParseStatusUid(std::string_view text);

// "btime" of /proc/stat: the boot time in seconds since epoch.
std::optional<int64_t> ParseBootTime(std::string_view text);

// /proc/PID/cmdline: NUL-separated arguments joined by spaces (a trailing NUL
// dropped). A process that rewrote its arguments may have no NULs at all.
std::string JoinCmdline(std::string_view raw);
// The first `n` arguments of a raw cmdline.
std::vector<std::string> CmdlineArgs(std::string_view raw, size_t n);

// The value of `name` in a NUL-separated environment (/proc/PID/environ),
// or nullopt when it is not set.
std::optional<std::string> FindEnv(std::string_view env_block, std::string_view name);

// One line of /proc/PID/maps:
//   7f0c4a1e3000-7f0c4a205000 rw-p 00000000 00:00 0          [heap]
struct MapsRegion {
  uint64_t start = 0, end = 0;  // [start, end)
  bool read = false, write = false, exec = false, shared = false;
  uint64_t offset = 0;
  uint64_t inode = 0;
  std::string path;  // "" (anonymous), "[heap]", "/usr/lib/x.so", "/memfd:x (deleted)"
  uint64_t size() const { return end - start; }
  bool deleted() const;  // path ends in " (deleted)"
};
std::optional<MapsRegion> ParseMapsLine(std::string_view line);
// Every well-formed line; malformed lines are left out.
std::vector<MapsRegion> ParseMaps(std::string_view text);
// "7f0c4a1e3000-7f0c4a205000 rw-p [heap]" for reports.
std::string DescribeRegion(const MapsRegion& r);

// An IPv4 or IPv6 address in network byte order. IPv4 uses bytes [0, 4).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};
// "192.0.2.7", "2001:db8::1", "::ffff:192.0.2.7" (kept as IPv6; see
// Unmapped). Nullopt for anything else.
std::optional<IpAddress> ParseIp(std::string_view text);
std::string FormatIp(const IpAddress& ip);
// An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as its IPv4 address; any
// other address unchanged.
IpAddress Unmapped(const IpAddress& ip);
bool IsUnspecified(const IpAddress& ip);  // 0.0.0.0 or ::

// An address range: "192.0.2.0/24", "2001:db8::/32", or one address (its
// full prefix).
struct IpRange {
  IpAddress base;  // host bits cleared
  int prefix = 0;  // 0..32 (v4) or 0..128 (v6)
  bool Contains(const IpAddress& ip) const;  // an IPv4-mapped address counts as IPv4
};
std::optional<IpRange> ParseIpRange(std::string_view text);

// One line of /proc/net/tcp, tcp6, udp or udp6:
//   sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
//   0: 0100007F:0277 00000000:0000 0A ...
// The kernel prints each 32-bit word of an address as the host stores it
// (on little-endian x86 127.0.0.2 reads 0200007F), so the words are
// converted with the host's byte order.
struct NetSocket {
  IpAddress local, remote;
  uint16_t local_port = 0, remote_port = 0;
  uint8_t state = 0;  // TCP_* state number
  uint32_t uid = 0;
  uint64_t inode = 0;
};
// `v6` selects the 32-hex-digit address form. Nullopt for the header line
// and malformed lines.
std::optional<NetSocket> ParseNetLine(std::string_view line, bool v6);
// "established", "listen", ... for a TCP state number; UDP sockets report 1
// when connected and 7 (close) when not, named "established" and "listen".
std::string_view TcpStateName(uint8_t state, bool udp);

// One entry of a hosts file: "ADDRESS NAME [ALIASES...] # comment".
struct HostsEntry {
  size_t line = 0;  // 1-based
  std::string address;
  std::vector<std::string> names;
};
// Blank lines, comments and lines without a name are left out; at most
// `max_entries` entries are returned.
std::vector<HostsEntry> ParseHosts(std::string_view text, size_t max_entries = 100000);

}  // namespace harrier
