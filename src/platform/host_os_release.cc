// os-release(5) parsing (host.h): pure, the same on every platform.
#include <string>
#include <string_view>

#include "platform/host.h"

namespace harrier::platform {

namespace {

std::string Unquote(std::string_view v) {
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') return std::string(v.substr(1, v.size() - 2));
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    std::string out;
    for (size_t i = 1; i + 1 < v.size(); ++i) {
      if (v[i] == '\\' && i + 2 < v.size()) ++i;
      out += v[i];
    }
    return out;
  }
  return std::string(v);
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

}  // namespace

OsRelease ParseOsRelease(std::string_view text) {
  OsRelease r;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string line = Trim(text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos));
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    std::string key = line.substr(0, eq);
    std::string value = Unquote(std::string_view(line).substr(eq + 1));
    // Values are short in practice; cap what a hostile file can make us keep.
    if (value.size() > 256) value.resize(256);
    if (key == "ID") r.id = value;
    else if (key == "ID_LIKE") r.id_like = value;
    else if (key == "NAME") r.name = value;
    else if (key == "VERSION_ID") r.version = value;
    else if (key == "PRETTY_NAME") r.pretty_name = value;
  }
  return r;
}

}  // namespace harrier::platform
