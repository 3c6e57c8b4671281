#include "sources/network_source.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>

namespace harrier {
namespace {

constexpr size_t kNetTableBytes = 64 << 20;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The host of an indicator that names one: a domain, or a URL's host;
// empty for addresses and anything else.
std::string HostOf(std::string_view ind) {
  if (size_t scheme = ind.find("://"); scheme != std::string_view::npos)
    ind = ind.substr(scheme + 3);
  size_t end = ind.find_first_of("/?#:");
  if (end != std::string_view::npos) ind = ind.substr(0, end);
  if (size_t at = ind.rfind('@'); at != std::string_view::npos) ind = ind.substr(at + 1);
  while (!ind.empty() && ind.back() == '.') ind.remove_suffix(1);
  if (ind.find('.') == std::string_view::npos || ParseIp(ind)) return "";
  for (char c : ind)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.'))
      return "";
  return Lower(ind);
}

Reason C2Reason(const C2Ioc& ioc) {
  Reason r;
  r.kind = ReasonKind::kC2;
  r.name = ioc.indicator;
  r.score = ioc.score;
  r.description = ioc.description;
  r.source = ioc.source;
  return r;
}

}  // namespace

C2Matcher::C2Matcher(const std::vector<C2Ioc>& iocs) {
  for (const C2Ioc& ioc : iocs) {
    std::string_view ind = ioc.indicator;
    if (auto range = ParseIpRange(ind)) {
      ranges_.emplace_back(*range, &ioc);
      continue;
    }
    if (std::string host = HostOf(ind); !host.empty()) hosts_.emplace(std::move(host), &ioc);
  }
}

const C2Ioc* C2Matcher::MatchIp(const IpAddress& ip, std::string* via) const {
  if (via) via->clear();
  for (const auto& [range, ioc] : ranges_)
    if (range.Contains(ip)) return ioc;
  const IpAddress plain = Unmapped(ip);
  for (const Resolved& r : resolved_) {
    if (r.ip == plain) {
      if (via) *via = r.name;
      return r.ioc;
    }
  }
  return nullptr;
}

std::vector<std::string> C2Matcher::HostNames() const {
  std::vector<std::string> out;
  for (const auto& [name, ioc] : hosts_) out.push_back(name);
  return out;
}

void C2Matcher::AddResolved(const IpAddress& ip, const std::string& name) {
  auto it = hosts_.find(name);
  if (it == hosts_.end()) return;
  resolved_.push_back({Unmapped(ip), it->second, name});
}

const C2Ioc* C2Matcher::MatchHost(std::string_view host) const {
  std::string h = Lower(host);
  while (!h.empty() && h.back() == '.') h.pop_back();
  std::string_view v = h;
  for (;;) {  // the name itself, then each parent domain
    if (auto it = hosts_.find(v); it != hosts_.end()) return it->second;
    size_t dot = v.find('.');
    if (dot == std::string_view::npos) return nullptr;
    v.remove_prefix(dot + 1);
  }
}

SocketTables ReadSockets(const platform::ProcessTable& table, const std::vector<int64_t>& pids) {
  SocketTables out;
  // Namespace -> the processes in it (in pid order); socket inode -> pids.
  std::map<std::string, std::vector<int64_t>> by_ns;
  std::unordered_map<uint64_t, std::vector<SocketOwner>> owners;
  auto start_ticks = [&](int64_t pid) -> std::optional<uint64_t> {
    auto text = table.ReadFile(pid, "stat", 64 << 10);
    if (!text.ok()) return std::nullopt;
    auto st = ParseProcStat(*text);
    if (!st || st->pid != pid) return std::nullopt;
    return st->start_ticks;
  };
  for (int64_t pid : pids) {
    auto ns = table.ReadLink(pid, "ns/net");
    if (ns.ok()) by_ns[*ns].push_back(pid);
    auto before = start_ticks(pid);
    if (!before) continue;
    auto fds = table.ListFdTargets(pid);
    if (!fds.ok() || start_ticks(pid) != before) continue;  // gone or reused meanwhile
    for (const std::string& t : *fds) {
      constexpr std::string_view kSock = "socket:[";
      if (t.rfind(kSock, 0) != 0 || t.back() != ']') continue;
      uint64_t inode = 0;
      bool ok = true;
      for (size_t i = kSock.size(); i + 1 < t.size(); ++i) {
        if (t[i] < '0' || t[i] > '9') ok = false;
        else inode = inode * 10 + static_cast<uint64_t>(t[i] - '0');
      }
      if (ok) owners[inode].push_back({pid, *before});
    }
  }
  if (by_ns.empty()) by_ns[""].push_back(0);  // no namespace readable: our own (/proc/net)
  std::set<std::pair<uint64_t, bool>> seen;  // (inode, udp): a socket once
  for (const auto& [ns, members] : by_ns) {
    bool read_any = false;
    for (int64_t pid : members) {  // the first member whose tables can be read
      bool ok = true;
      std::vector<SocketRecord> found;
      for (auto [name, v6, udp] : {std::tuple{"net/tcp", false, false},
                                   std::tuple{"net/tcp6", true, false},
                                   std::tuple{"net/udp", false, true},
                                   std::tuple{"net/udp6", true, true}}) {
        auto text = table.ReadFile(pid, name, kNetTableBytes);
        if (!text.ok()) {
          // No IPv6 in this kernel: the v6 files are absent.
          if (text.status().code() == Status::Code::kNotFound && v6) continue;
          ok = false;
          break;
        }
        size_t i = 0;
        while (i < text->size()) {
          size_t j = text->find('\n', i);
          if (j == std::string::npos) j = text->size();
          if (auto s = ParseNetLine(std::string_view(*text).substr(i, j - i), v6)) {
            SocketRecord r;
            r.socket = *s;
            r.udp = udp;
            found.push_back(std::move(r));
          }
          i = j + 1;
        }
      }
      if (!ok) continue;
      read_any = true;
      for (auto& r : found) {
        // inode 0: a socket without a file (TIME_WAIT): no owner, one entry each.
        if (r.socket.inode != 0 && !seen.insert({r.socket.inode, r.udp}).second) continue;
        if (auto it = owners.find(r.socket.inode); it != owners.end() && r.socket.inode != 0)
          r.owners = it->second;
        out.sockets.push_back(std::move(r));
      }
      break;
    }
    if (read_any) ++out.namespaces;
    else ++out.namespaces_skipped;
  }
  return out;
}

std::optional<Reason> ConnectionReason(const SocketRecord& s, const C2Matcher& c2) {
  if (IsUnspecified(s.socket.remote)) return std::nullopt;
  if (!s.udp && s.socket.state == 10) return std::nullopt;  // listening
  std::string via;
  const C2Ioc* ioc = c2.MatchIp(s.socket.remote, &via);
  if (!ioc) return std::nullopt;
  Reason r = C2Reason(*ioc);
  if (!via.empty()) r.details.emplace_back("resolved_from", via);
  r.details.emplace_back("remote", fmt::format("{} port {}", FormatIp(Unmapped(s.socket.remote)),
                                               s.socket.remote_port));
  return r;
}

ConnectionAttrs ConnectionOf(const SocketRecord& s) {
  ConnectionAttrs c;
  c.transport = s.udp ? "udp" : "tcp";
  c.state = std::string(TcpStateName(s.socket.state, s.udp));
  c.local_ip = FormatIp(Unmapped(s.socket.local));
  c.remote_ip = FormatIp(Unmapped(s.socket.remote));
  c.local_port = s.socket.local_port;
  c.remote_port = s.socket.remote_port;
  c.inode = s.socket.inode;
  return c;
}

std::vector<Reason> HostsReasons(const std::vector<HostsEntry>& entries, const C2Matcher& c2) {
  std::vector<Reason> out;
  for (const HostsEntry& e : entries) {
    const C2Ioc* ioc = nullptr;
    std::string what;
    for (const auto& name : e.names) {
      if ((ioc = c2.MatchHost(name))) {
        what = name;
        break;
      }
    }
    if (!ioc) {
      if (auto ip = ParseIp(e.address); ip && (ioc = c2.MatchIp(*ip))) what = e.address;
    }
    if (!ioc) continue;
    Reason r = C2Reason(*ioc);
    std::string line = e.address;
    for (const auto& n : e.names) line += " " + n;
    r.details.emplace_back("line", fmt::format("{}: {}", e.line, line));
    r.details.emplace_back("matched", what);
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace harrier
