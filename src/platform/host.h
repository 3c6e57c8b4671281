// Facts about the machine running the scan, for the reports (ECS host.*,
// user.*, process.*): read once at scan start, best effort — a fact that
// cannot be read is left empty, never an error.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harrier::platform {

struct OsRelease {
  std::string id;           // "debian" (ECS host.os.platform)
  std::string id_like;      // "debian" / "rhel fedora"
  std::string name;         // "Debian GNU/Linux"
  std::string version;      // VERSION_ID "12"
  std::string pretty_name;  // "Debian GNU/Linux 12 (bookworm)"
};

// Parses os-release(5) text: KEY=value lines, values optionally in double or
// single quotes with backslash escapes inside double quotes; comments,
// blank and malformed lines are ignored. Pure; for tests and fuzzing.
OsRelease ParseOsRelease(std::string_view text);

struct HostFacts {
  std::string hostname;
  std::string os_type;        // "linux"
  OsRelease os;               // /etc/os-release, else /usr/lib/os-release
  std::string kernel;         // uname release, "6.1.0-18-amd64"
  std::string architecture;   // uname machine, "x86_64"
  std::vector<std::string> ips;  // addresses of the up interfaces, loopback excluded
  std::string user;           // the scanning user's name (or uid as text)
  uint32_t uid = 0;
  int pid = 0;                // the scanning process
  std::string executable;     // its executable path
};

// The facts of this machine and process. Reads /etc/os-release, uname(2),
// getifaddrs(3); at most a few KiB of reading, no network.
HostFacts LocalHostFacts();

// 32 lowercase hex digits from the kernel's random source (getrandom), to
// identify one scan across its report lines. Falls back to time and pid
// (still unique per host and second) if the source fails.
std::string NewScanId();

}  // namespace harrier::platform
