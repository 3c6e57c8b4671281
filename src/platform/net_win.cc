// Windows (Winsock) implementation of net.h: the same contract as
// net_posix.cc. Sockets are non-blocking and every wait is a select() in
// slices of at most 100 ms, so the deadline and `abort` bound each call.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <algorithm>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "platform/net.h"
#include "platform/win_util.h"

namespace harrier::platform {
namespace {

// Winsock is started once and never stopped (it lives as long as the
// process).
bool StartWinsock() {
  static const bool ok = [] {
    WSADATA d;
    return WSAStartup(MAKEWORD(2, 2), &d) == 0;
  }();
  return ok;
}

std::string WsaText(int err) { return WinErrorText(static_cast<DWORD>(err)); }

// Waits until `s` is writable (or has an error) in short slices.
Status WaitWritable(SOCKET s, Deadline deadline, const std::atomic<bool>* abort,
                    const std::string& what) {
  for (;;) {
    if (abort && abort->load()) return Status::Cancelled(what + ": cancelled");
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Status::Timeout(what + ": timed out");
    fd_set wr, ex;
    FD_ZERO(&wr);
    FD_ZERO(&ex);
    FD_SET(s, &wr);
    FD_SET(s, &ex);
    const int64_t ms = std::min<int64_t>(left.count(), 100);
    timeval tv{static_cast<long>(ms / 1000), static_cast<long>((ms % 1000) * 1000)};
    int n = ::select(0, nullptr, &wr, &ex, &tv);
    if (n > 0) return Status::Ok();
    if (n == SOCKET_ERROR) return Status::IoError(what + ": " + WsaText(WSAGetLastError()));
  }
}

class WinConnection final : public Connection {
 public:
  WinConnection(SOCKET s, Transport t, std::string name) : s_(s), t_(t), name_(std::move(name)) {}
  ~WinConnection() override { ::closesocket(s_); }

  Status Send(std::string_view data, Deadline deadline, const std::atomic<bool>* abort) override {
    while (!data.empty()) {
      int want = static_cast<int>(std::min<size_t>(data.size(), 1 << 20));
      int n = ::send(s_, data.data(), want, 0);
      if (n != SOCKET_ERROR) {
        if (t_ == Transport::kUdp) return Status::Ok();
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      int err = WSAGetLastError();
      if (err != WSAEWOULDBLOCK)
        return Status::IoError(fmt::format("send to {}: {}", name_, WsaText(err)));
      if (Status s = WaitWritable(s_, deadline, abort, "send to " + name_); !s.ok()) return s;
    }
    return Status::Ok();
  }

  Status CheckRefused(std::chrono::milliseconds wait) override {
    if (t_ != Transport::kUdp) return Status::Ok();
    // Winsock reports an ICMP port unreachable as WSAECONNRESET on the next
    // receive: peek for it.
    fd_set rd;
    FD_ZERO(&rd);
    FD_SET(s_, &rd);
    timeval tv{static_cast<long>(wait.count() / 1000), static_cast<long>((wait.count() % 1000) * 1000)};
    if (::select(0, &rd, nullptr, nullptr, &tv) <= 0) return Status::Ok();
    char b;
    if (::recv(s_, &b, 1, MSG_PEEK) == SOCKET_ERROR) {
      int err = WSAGetLastError();
      if (err == WSAECONNRESET || err == WSAECONNREFUSED)
        return Status::IoError(fmt::format("send to {}: {}", name_, WsaText(WSAECONNREFUSED)));
    }
    return Status::Ok();
  }

 private:
  SOCKET s_;
  Transport t_;
  std::string name_;
};

}  // namespace

bool IsRefused(const Status& send_error) {
  const std::string_view m = send_error.message();
  const std::string refused = WsaText(WSAECONNREFUSED);
  return m.size() >= refused.size() && m.substr(m.size() - refused.size()) == refused;
}

Result<std::unique_ptr<Connection>> Connection::Open(const Endpoint& ep, Transport t,
                                                     Deadline deadline,
                                                     const std::atomic<bool>* abort) {
  std::string name = fmt::format("{}:{}", ep.host, ep.port);
  if (!StartWinsock()) return Status::IoError(fmt::format("connect {}: Winsock did not start", name));
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = t == Transport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* res = nullptr;
  int rc = ::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &res);
  if (rc != 0) return Status::NotFound(fmt::format("resolve {}: {}", name, WsaText(rc)));
  Status last = Status::IoError(fmt::format("connect {}: no address", name));
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    SOCKET s = ::WSASocketW(ai->ai_family, ai->ai_socktype, ai->ai_protocol, nullptr, 0,
                            WSA_FLAG_NO_HANDLE_INHERIT);
    if (s == INVALID_SOCKET) {
      last = Status::IoError(fmt::format("socket for {}: {}", name, WsaText(WSAGetLastError())));
      continue;
    }
    u_long nonblocking = 1;
    ::ioctlsocket(s, FIONBIO, &nonblocking);
    if (::connect(s, ai->ai_addr, static_cast<int>(ai->ai_addrlen)) == 0) {
      ::freeaddrinfo(res);
      return std::unique_ptr<Connection>(std::make_unique<WinConnection>(s, t, name));
    }
    int err = WSAGetLastError();
    if (err == WSAEWOULDBLOCK) {
      Status w = WaitWritable(s, deadline, abort, "connect " + name);
      int so_err = 0;
      int len = sizeof so_err;
      if (w.ok() &&
          ::getsockopt(s, SOL_SOCKET, SO_ERROR, reinterpret_cast<char*>(&so_err), &len) == 0 &&
          so_err == 0) {
        ::freeaddrinfo(res);
        return std::unique_ptr<Connection>(std::make_unique<WinConnection>(s, t, name));
      }
      last = w.ok() ? Status::IoError(fmt::format("connect {}: {}", name, WsaText(so_err))) : w;
    } else {
      last = Status::IoError(fmt::format("connect {}: {}", name, WsaText(err)));
    }
    ::closesocket(s);
  }
  ::freeaddrinfo(res);
  return last;
}

// Each name is looked up on a thread of its own (getaddrinfo blocks); the
// caller waits until all answered or the deadline passed. Threads still
// running then are detached and write into state they share with nobody
// who waits any more.
std::vector<std::vector<std::string>> ResolveNames(const std::vector<std::string>& names,
                                                   Deadline deadline) {
  const size_t n = names.size();
  std::vector<std::vector<std::string>> out(n);
  if (n == 0 || !StartWinsock()) return out;
  struct Shared {
    std::mutex mu;
    std::condition_variable cv;
    std::vector<std::vector<std::string>> found;
    size_t done = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->found.resize(n);
  for (size_t i = 0; i < n; ++i) {
    std::thread([shared, i, name = names[i]] {
      addrinfo hints{};
      hints.ai_socktype = SOCK_STREAM;
      addrinfo* res = nullptr;
      std::vector<std::string> addrs;
      if (::getaddrinfo(name.c_str(), nullptr, &hints, &res) == 0) {
        for (addrinfo* a = res; a; a = a->ai_next) {
          char buf[INET6_ADDRSTRLEN];
          const void* addr =
              a->ai_family == AF_INET
                  ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr)
                  : static_cast<const void*>(
                        &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr);
          if (inet_ntop(a->ai_family, addr, buf, sizeof buf)) addrs.emplace_back(buf);
        }
        ::freeaddrinfo(res);
      }
      std::lock_guard lock(shared->mu);
      shared->found[i] = std::move(addrs);
      ++shared->done;
      shared->cv.notify_all();
    }).detach();
  }
  std::unique_lock lock(shared->mu);
  shared->cv.wait_until(lock, deadline, [&] { return shared->done == n; });
  out = shared->found;
  return out;
}

}  // namespace harrier::platform
