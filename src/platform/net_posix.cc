#include "platform/net.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

namespace harrier::platform {
namespace {

// Waits for `events` on fd in short slices so `abort` is noticed quickly.
Status WaitFd(int fd, short events, Deadline deadline, const std::atomic<bool>* abort,
              const std::string& what) {
  for (;;) {
    if (abort && abort->load()) return Status::Cancelled(what + ": cancelled");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status::Timeout(what + ": timed out");
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (n > 0) return Status::Ok();
    if (n < 0 && errno != EINTR) return Status::IoError(what + ": " + std::strerror(errno));
  }
}

class PosixConnection final : public Connection {
 public:
  PosixConnection(int fd, Transport t, std::string name) : fd_(fd), t_(t), name_(std::move(name)) {}
  ~PosixConnection() override { ::close(fd_); }

  Status Send(std::string_view data, Deadline deadline, const std::atomic<bool>* abort) override {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n >= 0) {
        if (t_ == Transport::kUdp) return Status::Ok();
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (errno == EINTR) continue;
      if (errno != EAGAIN && errno != EWOULDBLOCK)
        return Status::IoError(fmt::format("send to {}: {}", name_, std::strerror(errno)));
      if (Status s = WaitFd(fd_, POLLOUT, deadline, abort, "send to " + name_); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status CheckRefused(std::chrono::milliseconds wait) override {
    if (t_ != Transport::kUdp) return Status::Ok();
    pollfd p{fd_, 0, 0};  // POLLERR is always reported
    if (wait.count() > 0) ::poll(&p, 1, static_cast<int>(wait.count()));
    int err = 0;
    socklen_t len = sizeof err;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err == 0) return Status::Ok();
    return Status::IoError(fmt::format("send to {}: {}", name_, std::strerror(err)));
  }

 private:
  int fd_;
  Transport t_;
  std::string name_;
};

}  // namespace

bool IsRefused(const Status& send_error) {
  const std::string_view m = send_error.message();
  const std::string_view refused = std::strerror(ECONNREFUSED);
  return m.size() >= refused.size() && m.substr(m.size() - refused.size()) == refused;
}

Result<std::unique_ptr<Connection>> Connection::Open(const Endpoint& ep, Transport t,
                                                     Deadline deadline,
                                                     const std::atomic<bool>* abort) {
  std::string name = fmt::format("{}:{}", ep.host, ep.port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = t == Transport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* res = nullptr;
  // getaddrinfo cannot be bounded portably; numeric addresses (the usual
  // case for a collector) resolve without the network.
  int rc = ::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &res);
  if (rc != 0) return Status::NotFound(fmt::format("resolve {}: {}", name, gai_strerror(rc)));
  Status last = Status::IoError(fmt::format("connect {}: no address", name));
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
    if (fd < 0) {
      last = Status::IoError(fmt::format("socket for {}: {}", name, std::strerror(errno)));
      continue;
    }
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
      ::freeaddrinfo(res);
      return std::unique_ptr<Connection>(std::make_unique<PosixConnection>(fd, t, name));
    }
    if (errno == EINPROGRESS) {
      Status w = WaitFd(fd, POLLOUT, deadline, abort, "connect " + name);
      int err = 0;
      socklen_t len = sizeof err;
      if (w.ok() && ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0) {
        ::freeaddrinfo(res);
        return std::unique_ptr<Connection>(std::make_unique<PosixConnection>(fd, t, name));
      }
      last = w.ok() ? Status::IoError(fmt::format("connect {}: {}", name, std::strerror(err))) : w;
    } else {
      last = Status::IoError(fmt::format("connect {}: {}", name, std::strerror(errno)));
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return last;
}

namespace {

std::vector<std::vector<std::string>> ResolveHere(const std::vector<std::string>& names,
                                                  Deadline deadline) {
  const size_t n = names.size();
  std::vector<std::vector<std::string>> out(n);
  if (n == 0) return out;
  // glibc's asynchronous getaddrinfo: every name in flight at once, so the
  // deadline bounds the whole lookup. The requests are never freed: glibc's
  // helper threads may still touch a request after it reports completion
  // (freeing them crashed at exit), and this runs once per scan.
  struct Request {
    gaicb cb{};
    addrinfo hints{};
    std::string name;
  };
  auto* reqs = new Request[n];
  std::vector<gaicb*> list(n);
  for (size_t i = 0; i < n; ++i) {
    reqs[i].name = names[i];
    reqs[i].hints.ai_socktype = SOCK_STREAM;
    reqs[i].cb.ar_name = reqs[i].name.c_str();
    reqs[i].cb.ar_request = &reqs[i].hints;
    list[i] = &reqs[i].cb;
  }
  if (getaddrinfo_a(GAI_NOWAIT, list.data(), static_cast<int>(n), nullptr) != 0) return out;
  for (;;) {
    std::vector<const gaicb*> pending;
    for (gaicb* r : list)
      if (gai_error(r) == EAI_INPROGRESS) pending.push_back(r);
    auto left = deadline - std::chrono::steady_clock::now();
    if (pending.empty() || left <= std::chrono::steady_clock::duration::zero()) break;
    auto ms = std::min<int64_t>(
        100, std::chrono::duration_cast<std::chrono::milliseconds>(left).count() + 1);
    timespec ts{0, static_cast<long>(ms) * 1000000};
    gai_suspend(pending.data(), static_cast<int>(pending.size()), &ts);
  }
  for (size_t i = 0; i < n; ++i) {
    int e = gai_error(list[i]);
    if (e == 0) {
      for (addrinfo* a = list[i]->ar_result; a; a = a->ai_next) {
        char buf[INET6_ADDRSTRLEN];
        const void* addr =
            a->ai_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
        if (inet_ntop(a->ai_family, addr, buf, sizeof buf)) out[i].emplace_back(buf);
      }
      freeaddrinfo(list[i]->ar_result);
    } else if (e == EAI_INPROGRESS) {
      gai_cancel(list[i]);
    }
  }
  return out;
}

}  // namespace

// The lookup runs in a forked child that reports "INDEX ADDRESS" lines on a
// pipe and leaves with _exit: glibc's getaddrinfo_a helper threads, which
// may still run after their requests completed or timed out, then never
// meet the scanner's exit handlers (in-process, the process crashed at exit
// now and then). A child that overruns the deadline is killed; whatever it
// reported by then counts.
std::vector<std::vector<std::string>> ResolveNames(const std::vector<std::string>& names,
                                                   Deadline deadline) {
  const size_t n = names.size();
  std::vector<std::vector<std::string>> out(n);
  if (n == 0) return out;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return out;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return out;
  }
  if (pid == 0) {
    close(fds[0]);
    auto found = ResolveHere(names, deadline);
    std::string text;
    for (size_t i = 0; i < n; ++i)
      for (const auto& a : found[i]) text += std::to_string(i) + " " + a + "\n";
    for (size_t off = 0; off < text.size();) {
      ssize_t w = write(fds[1], text.data() + off, text.size() - off);
      if (w <= 0) break;
      off += static_cast<size_t>(w);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string text;
  // A second past the deadline for the child to write what it has.
  const Deadline hard = deadline + std::chrono::seconds(1);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(hard - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd p{fds[0], POLLIN, 0};
    int r = poll(&p, 1, static_cast<int>(std::min<int64_t>(left.count(), 1000)));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char buf[4096];
    ssize_t got = read(fds[0], buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;  // EOF: the child is done
    text.append(buf, static_cast<size_t>(got));
    if (text.size() > (64u << 20)) break;  // never from a sane resolver
  }
  close(fds[0]);
  kill(pid, SIGKILL);  // harmless when it has exited (not yet reaped)
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) break;  // a cut last line is dropped
    std::string_view line(text.data() + pos, nl - pos);
    pos = nl + 1;
    size_t sp = line.find(' ');
    if (sp == std::string_view::npos) continue;
    size_t idx = 0;
    auto [end, ec] = std::from_chars(line.data(), line.data() + sp, idx);
    if (ec != std::errc() || end != line.data() + sp || idx >= n) continue;
    out[idx].emplace_back(line.substr(sp + 1));
  }
  return out;
}

}  // namespace harrier::platform
