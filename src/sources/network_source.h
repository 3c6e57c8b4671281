// The network source: the TCP and UDP sockets (IPv4 and IPv6) of every
// network namespace, mapped to the processes that hold them, and the
// entries of the hosts file, matched against the C2 indicators; with
// --resolve (and only then) also the addresses the C2 host names resolve to.
//
// /proc/net/* shows only the reader's own network namespace, so the tables
// are read once per namespace through a process inside it
// (/proc/PID/net/tcp, namespace from /proc/PID/ns/net); a socket belongs to
// the processes whose descriptors link to "socket:[INODE]". Nothing here
// queries DNS.
// Thread-safety: C2Matcher is immutable after construction and may be
// shared; ReadSockets is safe to call concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/finding.h"
#include "platform/proc.h"
#include "signatures/ioc.h"
#include "sources/proc_parse.h"

namespace harrier {

// The network forms of the C2 indicators: addresses and CIDR ranges
// ("192.0.2.7", "198.51.100.0/24", "2001:db8::/32"), and host names (a
// domain, or the host of a URL indicator).
class C2Matcher {
 public:
  explicit C2Matcher(const std::vector<C2Ioc>& iocs);
  // The indicator whose address or range holds `ip` (an IPv4-mapped IPv6
  // address counts as IPv4), the first in load order; null when none.
  // With `via`, sets it to the indicator name an address was resolved from
  // (AddResolved), or clears it.
  const C2Ioc* MatchIp(const IpAddress& ip, std::string* via = nullptr) const;
  // The indicator that is `host` or a parent domain of it
  // (evil.com matches a.evil.com, not notevil.com), ASCII case-insensitive.
  const C2Ioc* MatchHost(std::string_view host) const;
  size_t ranges() const { return ranges_.size(); }
  size_t hosts() const { return hosts_.size(); }
  // The host names of the indicators (lower case), for --resolve.
  std::vector<std::string> HostNames() const;
  // `ip` was resolved from the host indicator `name` (--resolve): a
  // connection to it matches that indicator.
  void AddResolved(const IpAddress& ip, const std::string& name);

 private:
  struct Resolved {
    IpAddress ip;
    const C2Ioc* ioc;
    std::string name;
  };
  std::vector<Resolved> resolved_;
  std::vector<std::pair<IpRange, const C2Ioc*>> ranges_;
  std::map<std::string, const C2Ioc*, std::less<>> hosts_;  // lower case
};

// A process holding a socket: its pid and start time (stat ticks), read
// before its descriptors were listed and unchanged after, so a PID reused
// meanwhile is told apart (compare ProcessInfo::stat.start_ticks).
struct SocketOwner {
  int64_t pid = 0;
  uint64_t start_ticks = 0;
};

// One socket as read, with the processes holding it.
struct SocketRecord {
  NetSocket socket;
  bool udp = false;
  std::vector<SocketOwner> owners;  // empty: not mapped (no permission, or closed meanwhile)
};

struct SocketTables {
  std::vector<SocketRecord> sockets;
  uint64_t namespaces = 0;          // namespaces whose tables were read
  uint64_t namespaces_skipped = 0;  // namespaces no process of which could be read
};

// Reads the socket tables of every network namespace reachable through
// `pids`, and maps socket inodes to those pids.
SocketTables ReadSockets(const platform::ProcessTable& table, const std::vector<int64_t>& pids);

// The reason a socket's remote address is a C2 indicator (kind "c2"), or
// nullopt. Listening sockets and unspecified addresses never match.
std::optional<Reason> ConnectionReason(const SocketRecord& s, const C2Matcher& c2);

// The connection attributes of a socket, for its Subject.
ConnectionAttrs ConnectionOf(const SocketRecord& s);

// The reasons of a hosts file: one per entry whose name is a C2 host or
// whose address is a C2 address (kind "c2", details: the line).
std::vector<Reason> HostsReasons(const std::vector<HostsEntry>& entries, const C2Matcher& c2);

}  // namespace harrier
