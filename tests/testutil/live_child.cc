// The child processes of the live-check tests (tests/e2e/live_test.cc).
//
//   harrier_live_child heap PART...     the parts joined, in the middle of a
//                                       1 MiB heap buffer (a test marker is
//                                       passed in pieces, so it exists whole
//                                       only in this process's heap)
//   harrier_live_child sleep            nothing special
//   harrier_live_child connect IP PORT  holds a TCP connection
//   harrier_live_child memfd            re-runs itself from a memfd ("sleep")
//
// Each prints "ready\n" when set up and then waits until its standard input
// is closed (the test ends it so); after 120 s it exits on its own.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

char* volatile g_heap = nullptr;  // keeps the buffer alive and not optimised away

int Ready() {
  std::fputs("ready\n", stdout);
  std::fflush(stdout);
  char c;
  while (read(0, &c, 1) > 0) {
  }
  return 0;
}

int Memfd(const char* self) {
  int in = open("/proc/self/exe", O_RDONLY);
  int fd = memfd_create("harrier-live-test", 0);
  if (in < 0 || fd < 0) return 2;
  char buf[65536];
  ssize_t n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(fd, buf, static_cast<size_t>(n)) != n) return 2;
  close(in);
  char* argv[] = {const_cast<char*>(self), const_cast<char*>("sleep"), nullptr};
  fexecve(fd, argv, environ);
  return 3;
}

}  // namespace

int main(int argc, char** argv) {
  alarm(120);
  if (argc < 2) return 2;
  std::string mode = argv[1];
  if (mode == "heap") {
    constexpr size_t kSize = 1 << 20;
    g_heap = static_cast<char*>(std::malloc(kSize));
    std::memset(g_heap, 'h', kSize);
    size_t at = kSize / 2;
    for (int i = 2; i < argc; ++i) {
      size_t n = std::strlen(argv[i]);
      std::memcpy(g_heap + at, argv[i], n);
      at += n;
    }
    return Ready();
  }
  if (mode == "sleep") return Ready();
  if (mode == "connect" && argc == 4) {
    int s = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[3])));
    if (inet_pton(AF_INET, argv[2], &a.sin_addr) != 1) return 2;
    if (connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return 3;
    return Ready();
  }
  if (mode == "memfd") return Memfd(argv[0]);
  return 2;
}
