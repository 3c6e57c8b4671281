// Outgoing network connections for event forwarding (--syslog). The
// interface is portable; net_posix.cc implements it with BSD sockets (a
// Windows port adds net_win.cc with Winsock). Every call is bounded in time
// and can be interrupted, so a dead or slow collector never stalls a caller
// for longer than the deadline it passed.
// Thread-safety: a Connection is used by one thread at a time.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier::platform {

enum class Transport { kUdp, kTcp };

struct Endpoint {
  std::string host;  // name or address ("[::1]" brackets removed)
  uint16_t port = 0;
};

// Parses "HOST:PORT", "[V6ADDR]:PORT". Fails on a missing or bad port.
Result<Endpoint> ParseEndpoint(std::string_view text);

using Deadline = std::chrono::steady_clock::time_point;

// Resolves host names to their addresses ("192.0.2.7", "2001:db8::1") with
// the system resolver, all names at once; a name not answered by `deadline`
// (or unknown) gets none. This sends DNS queries: only `harrier scan
// --resolve` calls it. Result i belongs to names[i].
std::vector<std::vector<std::string>> ResolveNames(const std::vector<std::string>& names,
                                                   Deadline deadline);

class Connection {
 public:
  // Resolves and connects (UDP: sets the default peer). Gives up at
  // `deadline` or when `abort` becomes true.
  static Result<std::unique_ptr<Connection>> Open(const Endpoint& ep, Transport t,
                                                  Deadline deadline,
                                                  const std::atomic<bool>* abort);
  virtual ~Connection() = default;
  // Sends all of `data` (TCP) or one datagram (UDP). On timeout or abort a
  // TCP stream may hold part of `data`: the caller must close the
  // connection, since the framing is then broken.
  virtual Status Send(std::string_view data, Deadline deadline,
                      const std::atomic<bool>* abort) = 0;
  // UDP has no delivery confirmation, but a peer host that refuses a
  // datagram (ICMP port unreachable) leaves an error on the socket: returns
  // that error (and clears it), waiting up to `wait` for it to arrive. Ok
  // when none arrived (the datagram may still be lost on the way); always
  // Ok for TCP.
  virtual Status CheckRefused(std::chrono::milliseconds wait) { return Status::Ok(); }
};

// True for the error of a send that the peer host refused (UDP: ICMP port
// unreachable reported on the next send).
bool IsRefused(const Status& send_error);

}  // namespace harrier::platform
