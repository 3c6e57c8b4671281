// HTTPS downloads for `harrier update` (libcurl). HTTPS only, also for every
// redirect (GitHub answers an archive URL with a redirect to its download
// host); the body is held in memory and bounded while it arrives.
// Thread-safety: HttpsGet may be called from several threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace harrier {

struct FetchOptions {
  // A PEM file of CA certificates trusted instead of the system's (a private
  // mirror; the tests' self-signed server). "" = the system's CA store.
  std::string ca_file;
  // The body may hold at most this many bytes: a larger Content-Length is
  // refused before the body, a body that grows beyond it is cut off.
  uint64_t max_bytes = 256ull << 20;
  int connect_timeout_s = 30;
  // The whole transfer (redirects included); 0 = no limit.
  int timeout_s = 600;
  // A transfer slower than 1 KiB/s for this long is given up (a stalled
  // server); 0 = never.
  int stall_timeout_s = 60;
  int max_redirects = 5;
  // Set (by Ctrl-C) to abort a transfer: Cancelled.
  const std::atomic<bool>* cancel = nullptr;
};

// GET `url`. Errors: InvalidArgument for a URL that is not https://;
// NotFound for HTTP 404 (a checksum or signature the server does not
// publish); IoError naming the HTTP status for other statuses >= 400, and
// naming libcurl's reason for TLS, DNS, connection and redirect errors;
// ResourceExhausted when the body exceeds max_bytes; Timeout; Cancelled.
Result<std::string> HttpsGet(const std::string& url, const FetchOptions& opts);

}  // namespace harrier
