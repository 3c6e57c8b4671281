#include "platform/host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <ctime>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier::platform {

HostFacts LocalHostFacts() {
  HostFacts h;
  h.hostname = HostName();
  h.os_type = "linux";
  for (const char* path : {"/etc/os-release", "/usr/lib/os-release"}) {
    if (auto text = ReadTextFile(path, 64 * 1024); text.ok()) {
      h.os = ParseOsRelease(*text);
      break;
    }
  }
  struct utsname u;
  if (uname(&u) == 0) {
    h.kernel = u.release;
    h.architecture = u.machine;
  }
  struct ifaddrs* ifs = nullptr;
  if (getifaddrs(&ifs) == 0) {
    for (auto* i = ifs; i; i = i->ifa_next) {
      if (!i->ifa_addr || !(i->ifa_flags & IFF_UP) || (i->ifa_flags & IFF_LOOPBACK)) continue;
      char buf[INET6_ADDRSTRLEN] = {0};
      if (i->ifa_addr->sa_family == AF_INET) {
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, buf, sizeof buf);
      } else if (i->ifa_addr->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, buf, sizeof buf);
      } else {
        continue;
      }
      if (buf[0] && std::find(h.ips.begin(), h.ips.end(), buf) == h.ips.end()) h.ips.push_back(buf);
    }
    freeifaddrs(ifs);
  }
  h.uid = static_cast<uint32_t>(getuid());
  h.user = OwnerName(h.uid);
  h.pid = ProcessId();
  if (auto exe = RealPath("/proc/self/exe"); exe.ok()) h.executable = *exe;
  return h;
}

std::string NewScanId() {
  unsigned char b[16];
  size_t got = 0;
  while (got < sizeof b) {
    ssize_t n = getrandom(b + got, sizeof b - got, 0);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  if (got < sizeof b)
    return fmt::format("{:016x}{:08x}{:08x}", static_cast<uint64_t>(std::time(nullptr)),
                       static_cast<uint32_t>(getpid()), static_cast<uint32_t>(clock()));
  std::string out;
  for (unsigned char c : b) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace harrier::platform
