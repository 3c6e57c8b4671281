#include "update/https_fetch.h"

#include <memory>
#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

namespace harrier {
namespace {

struct Sink {
  std::string body;
  uint64_t max_bytes = 0;
  bool too_large = false;
  const std::atomic<bool>* cancel = nullptr;
};

size_t OnData(char* data, size_t size, size_t n, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const size_t bytes = size * n;
  if (sink->body.size() + bytes > sink->max_bytes) {
    sink->too_large = true;
    return 0;  // libcurl then fails with CURLE_WRITE_ERROR
  }
  sink->body.append(data, bytes);
  return bytes;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* sink = static_cast<Sink*>(user);
  return sink->cancel && sink->cancel->load() ? 1 : 0;
}

bool IsHttps(const std::string& url) {
  if (url.size() < 8) return false;
  std::string scheme = url.substr(0, 8);
  for (char& c : scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return scheme == "https://";
}

}  // namespace

Result<std::string> HttpsGet(const std::string& url, const FetchOptions& opts) {
  if (!IsHttps(url))
    return Status::InvalidArgument(fmt::format("'{}': only https:// URLs are fetched", url));
  static std::once_flag init;
  std::call_once(init, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return Status::IoError("libcurl: cannot start a transfer");
  CURL* c = curl.get();
  Sink sink;
  sink.max_bytes = opts.max_bytes;
  sink.cancel = opts.cancel;
  char errbuf[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, static_cast<long>(opts.max_redirects));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!opts.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, opts.ca_file.c_str());
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(opts.connect_timeout_s));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(opts.timeout_s));
  if (opts.stall_timeout_s > 0) {
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1024L);
    curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, static_cast<long>(opts.stall_timeout_s));
  }
  curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(opts.max_bytes));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnData);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &sink);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "harrier/" HARRIER_VERSION);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // Decompressing Content-Encoding would let a small response grow; an
  // archive is fetched as it is.
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, nullptr);
  CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (sink.too_large || rc == CURLE_FILESIZE_EXCEEDED)
    return Status::ResourceExhausted(
        fmt::format("{}: download larger than --max-download-bytes {}", url, opts.max_bytes));
  if (rc == CURLE_ABORTED_BY_CALLBACK) return Status::Cancelled(url + ": interrupted");
  if (rc == CURLE_OPERATION_TIMEDOUT)
    return Status::Timeout(fmt::format("{}: {}", url, errbuf[0] ? errbuf : "timed out"));
  if (rc != CURLE_OK)
    return Status::IoError(
        fmt::format("{}: {}", url, errbuf[0] ? errbuf : curl_easy_strerror(rc)));
  if (status == 404) return Status::NotFound(fmt::format("{}: HTTP 404 (not found)", url));
  if (status >= 400 || status < 200)
    return Status::IoError(fmt::format("{}: HTTP status {}", url, status));
  return std::move(sink.body);
}

}  // namespace harrier
