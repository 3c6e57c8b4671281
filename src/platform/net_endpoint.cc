// ParseEndpoint (net.h): pure, the same on every platform.
#include <charconv>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "platform/net.h"

namespace harrier::platform {

Result<Endpoint> ParseEndpoint(std::string_view text) {
  Endpoint ep;
  std::string_view port;
  if (!text.empty() && text.front() == '[') {
    size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
      return Status::InvalidArgument(fmt::format("'{}': expected [ADDRESS]:PORT", text));
    ep.host = std::string(text.substr(1, close - 1));
    port = text.substr(close + 2);
  } else {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon)
      return Status::InvalidArgument(fmt::format("'{}': expected HOST:PORT", text));
    ep.host = std::string(text.substr(0, colon));
    port = text.substr(colon + 1);
  }
  unsigned v = 0;
  auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
  if (ep.host.empty() || ec != std::errc() || p != port.data() + port.size() || v == 0 || v > 65535)
    return Status::InvalidArgument(fmt::format("'{}': expected HOST:PORT with port 1-65535", text));
  ep.port = static_cast<uint16_t>(v);
  return ep;
}

}  // namespace harrier::platform
