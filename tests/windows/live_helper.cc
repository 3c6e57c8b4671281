// The process the Windows end-to-end test's live check looks at
// (tests/windows/run.sh, make test-windows):
//
//   harrier_live_helper.exe IP PORT SECONDS PART...
//
// Joins the PARTs into one string in the middle of a 1 MiB heap buffer (the
// test passes a synthetic marker in pieces, so it exists whole only in this
// process's heap, never in this file or in a command line), opens a TCP
// connection to IP:PORT, prints "ready PID" (its Windows process id) and
// stays until SECONDS have passed or the connection is closed by the peer.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

char* volatile g_heap = nullptr;  // keeps the buffer alive and not optimised away

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s IP PORT SECONDS PART...\n", argv[0]);
    return 2;
  }
  constexpr size_t kSize = 1 << 20;
  std::string marker;
  for (int i = 4; i < argc; ++i) marker += argv[i];
  g_heap = static_cast<char*>(std::malloc(kSize));
  if (!g_heap || marker.size() >= kSize / 2) return 2;
  std::memset(g_heap, 0, kSize);
  std::memcpy(g_heap + kSize / 2, marker.data(), marker.size());

  WSADATA wsa;
  if (WSAStartup(MAKEWORD(2, 2), &wsa) != 0) return 3;
  SOCKET s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<u_short>(std::atoi(argv[2])));
  if (s == INVALID_SOCKET || inet_pton(AF_INET, argv[1], &to.sin_addr) != 1 ||
      connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    std::fprintf(stderr, "connect to %s:%s failed: %d\n", argv[1], argv[2], WSAGetLastError());
    return 3;
  }
  std::printf("ready %lu\n", static_cast<unsigned long>(GetCurrentProcessId()));
  std::fflush(stdout);
  // Wait: a recv that returns ends it (the peer closed), else the timeout.
  DWORD timeout_ms = static_cast<DWORD>(std::atoi(argv[3])) * 1000;
  setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, reinterpret_cast<const char*>(&timeout_ms),
             sizeof timeout_ms);
  char c;
  recv(s, &c, 1, 0);
  closesocket(s);
  WSACleanup();
  return g_heap[kSize / 2] == marker[0] ? 0 : 4;
}
