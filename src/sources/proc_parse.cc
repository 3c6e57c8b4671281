#include "sources/proc_parse.h"

#ifdef _WIN32
#include <ws2tcpip.h>  // inet_pton, inet_ntop
#else
#include <arpa/inet.h>
#endif

#include <charconv>
#include <cstring>

#include <fmt/format.h>

namespace harrier {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Splits on runs of spaces and tabs, at most `max` fields (the last takes
// the rest, untrimmed of inner spaces).
std::vector<std::string_view> Fields(std::string_view s, size_t max) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size() && out.size() < max) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i >= s.size()) break;
    if (out.size() + 1 == max) {
      out.push_back(Trim(s.substr(i)));
      break;
    }
    size_t j = i;
    while (j < s.size() && s[j] != ' ' && s[j] != '\t') ++j;
    out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

template <typename T>
bool ParseInt(std::string_view s, T* out, int base = 10) {
  if (s.empty()) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out, base);
  return ec == std::errc() && p == s.data() + s.size();
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  size_t open = text.find('(');
  size_t close = text.rfind(')');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open)
    return std::nullopt;
  ProcStat st;
  if (!ParseInt(Trim(text.substr(0, open)), &st.pid)) return std::nullopt;
  st.comm = std::string(text.substr(open + 1, close - open - 1));
  // Fields after the name, numbered as proc(5) numbers them from 3 (state).
  auto f = Fields(text.substr(close + 1), 64);
  if (f.size() < 20) return std::nullopt;
  if (f[0].size() != 1) return std::nullopt;
  st.state = f[0][0];
  if (!ParseInt(f[1], &st.ppid)) return std::nullopt;      // field 4
  if (!ParseInt(f[6], &st.flags)) return std::nullopt;     // field 9
  if (!ParseInt(f[19], &st.start_ticks)) return std::nullopt;  // field 22
  return st;
}

std::optional<uint32_t> ParseStatusUid(std::string_view text) {
  for (std::string_view line : Lines(text)) {
    if (line.substr(0, 4) != "Uid:") continue;
    auto f = Fields(line.substr(4), 5);
    uint32_t uid;
    if (!f.empty() && ParseInt(f[0], &uid)) return uid;
    return std::nullopt;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseBootTime(std::string_view text) {
  for (std::string_view line : Lines(text)) {
    if (line.substr(0, 6) != "btime ") continue;
    int64_t t;
    if (ParseInt(Trim(line.substr(6)), &t)) return t;
  }
  return std::nullopt;
}

std::string JoinCmdline(std::string_view raw) {
  while (!raw.empty() && raw.back() == '\0') raw.remove_suffix(1);
  std::string out(raw);
  for (char& c : out)
    if (c == '\0') c = ' ';
  return out;
}

std::vector<std::string> CmdlineArgs(std::string_view raw, size_t n) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < raw.size() && out.size() < n) {
    size_t j = raw.find('\0', i);
    if (j == std::string_view::npos) j = raw.size();
    out.emplace_back(raw.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

std::optional<std::string> FindEnv(std::string_view env_block, std::string_view name) {
  size_t i = 0;
  while (i < env_block.size()) {
    size_t j = env_block.find('\0', i);
    if (j == std::string_view::npos) j = env_block.size();
    std::string_view kv = env_block.substr(i, j - i);
    if (kv.size() > name.size() && kv.substr(0, name.size()) == name && kv[name.size()] == '=')
      return std::string(kv.substr(name.size() + 1));
    i = j + 1;
  }
  return std::nullopt;
}

bool MapsRegion::deleted() const {
  constexpr std::string_view kDel = " (deleted)";
  return path.size() >= kDel.size() && path.compare(path.size() - kDel.size(), kDel.size(), kDel) == 0;
}

std::optional<MapsRegion> ParseMapsLine(std::string_view line) {
  auto f = Fields(line, 6);
  if (f.size() < 5) return std::nullopt;
  MapsRegion r;
  size_t dash = f[0].find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  if (!ParseInt(f[0].substr(0, dash), &r.start, 16) ||
      !ParseInt(f[0].substr(dash + 1), &r.end, 16) || r.end < r.start)
    return std::nullopt;
  if (f[1].size() != 4) return std::nullopt;
  r.read = f[1][0] == 'r';
  r.write = f[1][1] == 'w';
  r.exec = f[1][2] == 'x';
  r.shared = f[1][3] == 's';
  if (!ParseInt(f[2], &r.offset, 16)) return std::nullopt;
  if (!ParseInt(f[4], &r.inode)) return std::nullopt;
  if (f.size() == 6) r.path = std::string(f[5]);
  return r;
}

std::vector<MapsRegion> ParseMaps(std::string_view text) {
  std::vector<MapsRegion> out;
  for (std::string_view line : Lines(text))
    if (auto r = ParseMapsLine(line)) out.push_back(std::move(*r));
  return out;
}

std::string DescribeRegion(const MapsRegion& r) {
  return fmt::format("{:x}-{:x} {}{}{}{}{}{}", r.start, r.end, r.read ? 'r' : '-',
                     r.write ? 'w' : '-', r.exec ? 'x' : '-', r.shared ? 's' : 'p',
                     r.path.empty() ? "" : " ", r.path);
}

std::optional<IpAddress> ParseIp(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  char buf[64];
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  IpAddress ip;
  if (inet_pton(AF_INET, buf, ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::string FormatIp(const IpAddress& ip) {
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(ip.v6 ? AF_INET6 : AF_INET, ip.bytes.data(), buf, sizeof buf)) return "?";
  return buf;
}

IpAddress Unmapped(const IpAddress& ip) {
  static constexpr uint8_t kPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (!ip.v6 || std::memcmp(ip.bytes.data(), kPrefix, 12) != 0) return ip;
  IpAddress v4;
  std::memcpy(v4.bytes.data(), ip.bytes.data() + 12, 4);
  return v4;
}

bool IsUnspecified(const IpAddress& ip) {
  size_t n = ip.v6 ? 16 : 4;
  for (size_t i = 0; i < n; ++i)
    if (ip.bytes[i]) return false;
  return true;
}

bool IpRange::Contains(const IpAddress& addr) const {
  IpAddress ip = Unmapped(addr);
  if (ip.v6 != base.v6) return false;
  int full = prefix / 8, rest = prefix % 8;
  if (std::memcmp(ip.bytes.data(), base.bytes.data(), static_cast<size_t>(full)) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
  return (ip.bytes[static_cast<size_t>(full)] & mask) == base.bytes[static_cast<size_t>(full)];
}

std::optional<IpRange> ParseIpRange(std::string_view text) {
  size_t slash = text.find('/');
  auto ip = ParseIp(text.substr(0, slash));
  if (!ip) return std::nullopt;
  IpRange r;
  r.base = Unmapped(*ip);
  const int max = r.base.v6 ? 128 : 32;
  r.prefix = max;
  if (slash != std::string_view::npos) {
    int p;
    if (!ParseInt(text.substr(slash + 1), &p) || p < 0 || p > (ip->v6 ? 128 : 32))
      return std::nullopt;
    // A mapped IPv6 prefix (::ffff:10.0.0.0/104) counts as the IPv4 one.
    r.prefix = ip->v6 && !r.base.v6 ? std::max(0, p - 96) : p;
  }
  for (int bit = r.prefix; bit < max; ++bit)
    r.base.bytes[static_cast<size_t>(bit / 8)] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  return r;
}

namespace {

// "0100007F:0277" (v4) or 32 hex digits + ":PORT" (v6): each group of 8 hex
// digits is one 32-bit word as the host stores it.
bool ParseNetAddress(std::string_view s, bool v6, IpAddress* ip, uint16_t* port) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view hex = s.substr(0, colon);
  if (hex.size() != (v6 ? 32u : 8u)) return false;
  ip->v6 = v6;
  for (size_t w = 0; w < hex.size() / 8; ++w) {
    uint32_t word;
    if (!ParseInt(hex.substr(w * 8, 8), &word, 16)) return false;
    std::memcpy(ip->bytes.data() + w * 4, &word, 4);  // host byte order, as printed
  }
  uint32_t p;
  if (!ParseInt(s.substr(colon + 1), &p, 16) || p > 0xffff) return false;
  *port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

std::optional<NetSocket> ParseNetLine(std::string_view line, bool v6) {
  auto f = Fields(line, 11);
  if (f.size() < 10) return std::nullopt;
  if (f[0].empty() || f[0].back() != ':') return std::nullopt;  // header or junk
  NetSocket s;
  if (!ParseNetAddress(f[1], v6, &s.local, &s.local_port)) return std::nullopt;
  if (!ParseNetAddress(f[2], v6, &s.remote, &s.remote_port)) return std::nullopt;
  uint32_t st;
  if (!ParseInt(f[3], &st, 16) || st > 0xff) return std::nullopt;
  s.state = static_cast<uint8_t>(st);
  if (!ParseInt(f[7], &s.uid)) return std::nullopt;
  auto inode = Fields(f[9], 1);
  if (inode.empty() || !ParseInt(inode[0], &s.inode)) return std::nullopt;
  return s;
}

std::string_view TcpStateName(uint8_t state, bool udp) {
  if (udp) return state == 1 ? "established" : state == 7 ? "listen" : "other";
  switch (state) {
    case 1: return "established";
    case 2: return "syn_sent";
    case 3: return "syn_recv";
    case 4: return "fin_wait1";
    case 5: return "fin_wait2";
    case 6: return "time_wait";
    case 7: return "close";
    case 8: return "close_wait";
    case 9: return "last_ack";
    case 10: return "listen";
    case 11: return "closing";
    default: return "other";
  }
}

std::vector<HostsEntry> ParseHosts(std::string_view text, size_t max_entries) {
  std::vector<HostsEntry> out;
  size_t n = 0;
  for (std::string_view line : Lines(text)) {
    ++n;
    if (out.size() >= max_entries) break;
    if (size_t hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto f = Fields(line, 1024);
    if (f.size() < 2) continue;
    HostsEntry e;
    e.line = n;
    e.address = std::string(f[0]);
    for (size_t i = 1; i < f.size(); ++i) e.names.emplace_back(f[i]);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace harrier
