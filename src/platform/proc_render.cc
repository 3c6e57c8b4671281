// proc_render.h: Win32 facts rendered as Linux /proc text (no OS calls).
#include "platform/proc_render.h"

#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "core/utf8.h"

namespace harrier::platform::procfs {
namespace {

constexpr uint64_t kFileTimePerTick = kFileTimePerSecond / static_cast<uint64_t>(kTicksPerSecond);
constexpr uint64_t kInodeMask = (uint64_t{1} << 48) - 1;

char16_t AsciiLower(char16_t c) { return c >= u'A' && c <= u'Z' ? static_cast<char16_t>(c + 32) : c; }

bool StartsWithNoCase(std::u16string_view s, std::u16string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (AsciiLower(s[i]) != AsciiLower(prefix[i])) return false;
  return true;
}

// One address as the kernel prints it: each 32-bit word as the host stores it.
std::string NetAddress(const std::array<uint8_t, 16>& bytes, bool v6) {
  std::string out;
  for (size_t w = 0; w < (v6 ? 4u : 1u); ++w) {
    uint32_t word;
    std::memcpy(&word, bytes.data() + w * 4, 4);
    out += fmt::format("{:08X}", word);
  }
  return out;
}

void Fnv(uint64_t* h, const void* data, size_t n) {
  const auto* p = static_cast<const uint8_t*>(data);
  for (size_t i = 0; i < n; ++i) {
    *h ^= p[i];
    *h *= 1099511628211ull;
  }
}

}  // namespace

std::string Utf16ToUtf8(std::u16string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    uint32_t c = text[i];
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (static_cast<uint32_t>(text[i + 1]) - 0xDC00);
      ++i;
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      c = 0xFFFD;  // unpaired surrogate
    }
    AppendUtf8(c, &out);
  }
  return out;
}

int64_t FileTimeToUnixSeconds(uint64_t filetime) {
  if (filetime < kFileTimeUnixEpoch) return 0;
  return static_cast<int64_t>((filetime - kFileTimeUnixEpoch) / kFileTimePerSecond);
}

std::string RenderStat(const ProcessFacts& p, int64_t boot_unix_seconds) {
  uint64_t start_ticks = 0;
  if (p.creation_time && boot_unix_seconds >= 0) {
    const uint64_t boot = kFileTimeUnixEpoch +
                          static_cast<uint64_t>(boot_unix_seconds) * kFileTimePerSecond;
    if (*p.creation_time > boot) start_ticks = (*p.creation_time - boot) / kFileTimePerTick;
  }
  // Fields 3-22 of proc(5) and two more: state ppid pgrp session tty_nr
  // tpgid flags minflt cminflt majflt cmajflt utime stime cutime cstime
  // priority nice num_threads itrealvalue starttime vsize rss.
  return fmt::format("{} ({}) R {} {} {} 0 -1 {} 0 0 0 0 0 0 0 0 20 0 1 0 {} 0 0\n", p.pid,
                     Utf16ToUtf8(p.image_name), p.ppid, p.pid, p.pid,
                     p.system ? kKernelThreadFlag : 0, start_ticks);
}

std::string RenderStatus(const ProcessFacts& p) {
  std::string out = fmt::format("Name:\t{}\nState:\tR (running)\nTgid:\t{}\nPid:\t{}\nPPid:\t{}\n",
                                Utf16ToUtf8(p.image_name), p.pid, p.pid, p.ppid);
  if (p.uid) out += fmt::format("Uid:\t{0}\t{0}\t{0}\t{0}\n", *p.uid);
  return out;
}

std::string RenderCmdline(const ProcessFacts& p) {
  std::string out;
  for (const auto& a : p.args) {
    out += Utf16ToUtf8(a);
    out.push_back('\0');
  }
  return out;
}

std::string RenderExeLink(const ProcessFacts& p) {
  if (p.image_path.empty()) return "";
  std::string out = Utf16ToUtf8(p.image_path);
  if (p.image_deleted) out += " (deleted)";
  return out;
}

std::string RenderSystemStat(int64_t boot_unix_seconds) {
  return fmt::format("btime {}\n", boot_unix_seconds);
}

std::string RegionPermissions(const RegionFacts& r) {
  const uint32_t base = r.protect & 0xFF;
  const bool none = (r.protect & kPageGuard) != 0 || base == kPageNoAccess || base == 0;
  const bool read = !none && base != kPageExecute;
  const bool write = !none && (base == kPageReadWrite || base == kPageWriteCopy ||
                               base == kPageExecuteReadWrite || base == kPageExecuteWriteCopy);
  const bool exec = !none && (base == kPageExecute || base == kPageExecuteRead ||
                              base == kPageExecuteReadWrite || base == kPageExecuteWriteCopy);
  const bool copy_on_write = base == kPageWriteCopy || base == kPageExecuteWriteCopy;
  const bool shared = r.type == RegionType::kMapped && !copy_on_write;
  std::string out = "----";
  if (read) out[0] = 'r';
  if (write) out[1] = 'w';
  if (exec) out[2] = 'x';
  out[3] = shared ? 's' : 'p';
  return out;
}

std::string RenderMaps(std::span<const RegionFacts> regions, size_t max_bytes) {
  std::string out;
  for (const RegionFacts& r : regions) {
    std::string path;
    if (r.type != RegionType::kPrivate && !r.path.empty()) {
      path = Utf16ToUtf8(r.path);
      if (r.path_deleted) path += " (deleted)";
    }
    const uint64_t offset = r.base >= r.allocation_base ? r.base - r.allocation_base : 0;
    std::string line = fmt::format("{:08x}-{:08x} {} {:08x} 00:00 0", r.base, r.base + r.size,
                                   RegionPermissions(r), offset);
    if (!path.empty()) {  // the kernel pads the path to column 73
      line.append(line.size() < 72 ? 73 - line.size() : 1, ' ');
      line += path;
    }
    line.push_back('\n');
    if (out.size() + line.size() > max_bytes) break;
    out += line;
  }
  return out;
}

std::u16string DevicePathToDos(
    std::u16string_view device_path,
    std::span<const std::pair<std::u16string, std::u16string>> dos_devices) {
  for (const auto& [drive, device] : dos_devices) {
    if (device.empty() || !StartsWithNoCase(device_path, device)) continue;
    if (device_path.size() > device.size() && device_path[device.size()] != u'\\') continue;
    return drive + std::u16string(device_path.substr(device.size()));
  }
  constexpr std::u16string_view kDosPrefix = u"\\??\\";  // an NT path of a drive path (wine)
  if (device_path.rfind(kDosPrefix, 0) == 0)
    return std::u16string(device_path.substr(kDosPrefix.size()));
  constexpr std::u16string_view kMup = u"\\Device\\Mup\\";
  if (StartsWithNoCase(device_path, kMup))
    return u"\\\\" + std::u16string(device_path.substr(kMup.size()));
  return std::u16string(device_path);
}

uint8_t LinuxTcpState(uint32_t mib_state) {
  switch (mib_state) {
    case kMibTcpEstab: return 1;      // TCP_ESTABLISHED
    case kMibTcpSynSent: return 2;    // TCP_SYN_SENT
    case kMibTcpSynRcvd: return 3;    // TCP_SYN_RECV
    case kMibTcpFinWait1: return 4;   // TCP_FIN_WAIT1
    case kMibTcpFinWait2: return 5;   // TCP_FIN_WAIT2
    case kMibTcpTimeWait: return 6;   // TCP_TIME_WAIT
    case kMibTcpCloseWait: return 8;  // TCP_CLOSE_WAIT
    case kMibTcpLastAck: return 9;    // TCP_LAST_ACK
    case kMibTcpListen: return 10;    // TCP_LISTEN
    case kMibTcpClosing: return 11;   // TCP_CLOSING
    case kMibTcpClosed:
    case kMibTcpDeleteTcb:
    default: return 7;                // TCP_CLOSE
  }
}

uint64_t SocketInode(const SocketFacts& s) {
  if (s.owner_pid == 0) return 0;
  uint64_t h = 14695981039346656037ull;
  const uint8_t kind[2] = {static_cast<uint8_t>(s.udp), static_cast<uint8_t>(s.v6)};
  Fnv(&h, kind, sizeof kind);
  Fnv(&h, s.local.data(), s.local.size());
  Fnv(&h, s.remote.data(), s.remote.size());
  const uint8_t ports[4] = {static_cast<uint8_t>(s.local_port >> 8),
                            static_cast<uint8_t>(s.local_port),
                            static_cast<uint8_t>(s.remote_port >> 8),
                            static_cast<uint8_t>(s.remote_port)};
  Fnv(&h, ports, sizeof ports);
  uint8_t pid[8];
  for (int i = 0; i < 8; ++i) pid[i] = static_cast<uint8_t>(static_cast<uint64_t>(s.owner_pid) >> (8 * i));
  Fnv(&h, pid, sizeof pid);
  h = (h ^ (h >> 48)) & kInodeMask;
  return h == 0 ? 1 : h;
}

std::string RenderNetTable(std::span<const SocketFacts> sockets, bool udp, bool v6,
                           size_t max_bytes) {
  std::string out =
      v6 ? "  sl  local_address                         remote_address                        "
           "st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
         : "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
           "timeout inode\n";
  if (out.size() > max_bytes) return "";
  size_t sl = 0;
  for (const SocketFacts& s : sockets) {
    if (s.udp != udp || s.v6 != v6) continue;
    std::string line = fmt::format(
        "{:4}: {}:{:04X} {}:{:04X} {:02X} 00000000:00000000 00:00000000 00000000 {:5} {:8} {} 1 "
        "0000000000000000 100 0 0 10 0\n",
        sl, NetAddress(s.local, v6), s.local_port, NetAddress(s.remote, v6), s.remote_port,
        s.state, 0, 0, SocketInode(s));
    if (out.size() + line.size() > max_bytes) break;
    out += line;
    ++sl;
  }
  return out;
}

std::vector<std::string> SocketFdTargets(std::span<const SocketFacts> sockets, int64_t pid) {
  std::vector<std::string> out;
  if (pid == 0) return out;
  for (const SocketFacts& s : sockets)
    if (s.owner_pid == pid) out.push_back(fmt::format("socket:[{}]", SocketInode(s)));
  return out;
}

uint32_t UidAssigner::Assign(std::string_view sid, std::string_view name) {
  std::lock_guard lock(mu_);
  if (auto it = by_sid_.find(sid); it != by_sid_.end()) return it->second;
  std::optional<uint32_t> rid;
  if (size_t dash = sid.rfind('-'); dash != std::string_view::npos) {
    uint32_t v = 0;
    std::string_view digits = sid.substr(dash + 1);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc() && p == digits.data() + digits.size() && !digits.empty()) rid = v;
  }
  uint32_t uid;
  if (rid && *rid != 0 && !names_.contains(*rid)) {
    uid = *rid;
  } else {
    while (names_.contains(next_synthetic_)) ++next_synthetic_;
    uid = next_synthetic_++;
  }
  names_[uid] = std::string(name.empty() ? sid : name);
  by_sid_.emplace(std::string(sid), uid);
  return uid;
}

std::optional<uint32_t> UidAssigner::Find(std::string_view sid) const {
  std::lock_guard lock(mu_);
  auto it = by_sid_.find(sid);
  if (it == by_sid_.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> UidAssigner::Name(uint32_t uid) const {
  std::lock_guard lock(mu_);
  auto it = names_.find(uid);
  if (it == names_.end()) return std::nullopt;
  return it->second;
}

}  // namespace harrier::platform::procfs
