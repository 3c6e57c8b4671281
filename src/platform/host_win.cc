// Windows implementation of host.h: the version from the registry
// (CurrentVersion: ProductName, DisplayVersion, CurrentBuild), addresses
// from GetAdaptersAddresses, the user from GetUserNameW, the scan id from
// the system's random generator (BCryptGenRandom).
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <bcrypt.h>

#include <algorithm>
#include <ctime>
#include <vector>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/host.h"
#include "platform/win_util.h"

namespace harrier::platform {
namespace {

std::string RegString(const wchar_t* key, const wchar_t* value) {
  wchar_t buf[512];
  DWORD size = sizeof buf;
  if (RegGetValueW(HKEY_LOCAL_MACHINE, key, value, RRF_RT_REG_SZ, nullptr, buf, &size) !=
      ERROR_SUCCESS)
    return "";
  return Narrow(buf);
}

}  // namespace

HostFacts LocalHostFacts() {
  HostFacts h;
  h.hostname = HostName();
  h.os_type = "windows";
  const wchar_t* kCv = L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion";
  h.os.id = "windows";
  h.os.name = RegString(kCv, L"ProductName");
  std::string display = RegString(kCv, L"DisplayVersion");
  if (display.empty()) display = RegString(kCv, L"ReleaseId");
  h.os.version = display;
  h.os.pretty_name = display.empty() ? h.os.name : fmt::format("{} {}", h.os.name, display);
  std::string build = RegString(kCv, L"CurrentBuild");
  h.kernel = build.empty() ? "" : fmt::format("10.0.{}", build);
  SYSTEM_INFO si;
  GetNativeSystemInfo(&si);
  switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64: h.architecture = "x86_64"; break;
    case PROCESSOR_ARCHITECTURE_ARM64: h.architecture = "arm64"; break;
    case PROCESSOR_ARCHITECTURE_INTEL: h.architecture = "x86"; break;
    default: h.architecture = "unknown";
  }
  ULONG size = 16 * 1024;
  std::vector<unsigned char> buf(size);
  ULONG rc = ERROR_BUFFER_OVERFLOW;
  for (int i = 0; i < 3 && rc == ERROR_BUFFER_OVERFLOW; ++i) {
    buf.resize(size);
    rc = GetAdaptersAddresses(AF_UNSPEC,
                              GAA_FLAG_SKIP_ANYCAST | GAA_FLAG_SKIP_MULTICAST |
                                  GAA_FLAG_SKIP_DNS_SERVER,
                              nullptr, reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()), &size);
  }
  if (rc == NO_ERROR) {
    for (auto* a = reinterpret_cast<IP_ADAPTER_ADDRESSES*>(buf.data()); a; a = a->Next) {
      if (a->OperStatus != IfOperStatusUp || a->IfType == IF_TYPE_SOFTWARE_LOOPBACK) continue;
      for (auto* u = a->FirstUnicastAddress; u; u = u->Next) {
        char text[INET6_ADDRSTRLEN] = {0};
        const sockaddr* sa = u->Address.lpSockaddr;
        if (sa->sa_family == AF_INET)
          inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text);
        else if (sa->sa_family == AF_INET6)
          inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text,
                    sizeof text);
        if (text[0] && std::find(h.ips.begin(), h.ips.end(), text) == h.ips.end())
          h.ips.push_back(text);
      }
    }
  }
  wchar_t user[257];
  DWORD user_len = 257;
  if (GetUserNameW(user, &user_len) && user_len > 0) h.user = Narrow(user);
  h.uid = 0;
  h.pid = ProcessId();
  std::wstring exe(32768, L'\0');
  DWORD n = GetModuleFileNameW(nullptr, exe.data(), static_cast<DWORD>(exe.size()));
  if (n > 0 && n < exe.size()) {
    exe.resize(n);
    h.executable = WithoutLongPrefix(Narrow(exe));
  }
  return h;
}

std::string NewScanId() {
  unsigned char b[16];
  if (BCryptGenRandom(nullptr, b, sizeof b, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0)
    return fmt::format("{:016x}{:08x}{:08x}", static_cast<uint64_t>(std::time(nullptr)),
                       static_cast<uint32_t>(GetCurrentProcessId()),
                       static_cast<uint32_t>(GetTickCount()));
  std::string out;
  for (unsigned char c : b) out += fmt::format("{:02x}", c);
  return out;
}

}  // namespace harrier::platform
