#include "checks/dpkg.h"

#include <algorithm>
#include <cctype>

namespace harrier::dpkg {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Cut(std::string_view v) { return std::string(v.substr(0, kMaxFieldBytes)); }

int Order(char c) {
  if (std::isdigit(static_cast<unsigned char>(c))) return 0;
  if (std::isalpha(static_cast<unsigned char>(c))) return c;
  if (c == '~') return -1;
  if (c) return c + 256;
  return 0;
}

// dpkg's verrevcmp.
int VerRevCmp(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    int first_diff = 0;
    while ((i < a.size() && !std::isdigit(static_cast<unsigned char>(a[i]))) ||
           (j < b.size() && !std::isdigit(static_cast<unsigned char>(b[j])))) {
      int ac = i < a.size() ? Order(a[i]) : 0;
      int bc = j < b.size() ? Order(b[j]) : 0;
      if (ac != bc) return ac - bc;
      ++i;
      ++j;
    }
    while (i < a.size() && a[i] == '0') ++i;
    while (j < b.size() && b[j] == '0') ++j;
    while (i < a.size() && j < b.size() && std::isdigit(static_cast<unsigned char>(a[i])) &&
           std::isdigit(static_cast<unsigned char>(b[j]))) {
      if (!first_diff) first_diff = a[i] - b[j];
      ++i;
      ++j;
    }
    if (i < a.size() && std::isdigit(static_cast<unsigned char>(a[i]))) return 1;
    if (j < b.size() && std::isdigit(static_cast<unsigned char>(b[j]))) return -1;
    if (first_diff) return first_diff;
  }
  return 0;
}

struct Parsed {
  uint64_t epoch = 0;
  std::string_view upstream, revision;
};

Parsed Split(std::string_view v) {
  Parsed p;
  v = Trim(v);
  if (size_t colon = v.find(':'); colon != std::string_view::npos) {
    uint64_t e = 0;
    bool ok = colon > 0 && colon <= 9;
    for (size_t k = 0; ok && k < colon; ++k) {
      if (!std::isdigit(static_cast<unsigned char>(v[k]))) ok = false;
      else e = e * 10 + static_cast<uint64_t>(v[k] - '0');
    }
    if (ok) {
      p.epoch = e;
      v.remove_prefix(colon + 1);
    }
  }
  if (size_t dash = v.rfind('-'); dash != std::string_view::npos) {
    p.upstream = v.substr(0, dash);
    p.revision = v.substr(dash + 1);
  } else {
    p.upstream = v;
  }
  return p;
}

}  // namespace

bool Package::installed() const {
  // "want flag status": the third word; config-files / not-installed are gone.
  std::string_view s = status;
  size_t last = s.rfind(' ');
  std::string_view state = last == std::string_view::npos ? s : s.substr(last + 1);
  return state == "installed" || state == "half-configured" || state == "unpacked" ||
         state == "half-installed" || state == "triggers-awaited" || state == "triggers-pending";
}

int CompareVersions(std::string_view a, std::string_view b) {
  Parsed x = Split(a), y = Split(b);
  if (x.epoch != y.epoch) return x.epoch < y.epoch ? -1 : 1;
  if (int c = VerRevCmp(x.upstream, y.upstream)) return c < 0 ? -1 : 1;
  int c = VerRevCmp(x.revision, y.revision);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

ParseResult ParseStatus(std::span<const uint8_t> data, size_t max_packages) {
  ParseResult out;
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  Package cur;
  bool in_stanza = false;
  auto flush = [&] {
    if (in_stanza && !cur.name.empty()) {
      if (out.packages.size() >= max_packages) {
        out.truncated = true;
      } else {
        out.packages.push_back(std::move(cur));
      }
    }
    cur = Package{};
    in_stanza = false;
  };
  uint64_t line_no = 0;
  size_t i = 0;
  while (i < text.size() && !out.truncated) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(i, e - i);
    i = e + 1;
    ++line_no;
    if (Trim(line).empty()) {
      flush();
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') continue;  // continuation of a multi-line field
    size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    if (!in_stanza) cur.line = line_no;
    in_stanza = true;
    std::string_view key = line.substr(0, colon), value = Trim(line.substr(colon + 1));
    if (key == "Package") cur.name = Cut(value);
    else if (key == "Version") cur.version = Cut(value);
    else if (key == "Architecture") cur.arch = Cut(value);
    else if (key == "Status") cur.status = Cut(value);
    else if (key == "Source") cur.source = Cut(Trim(value.substr(0, value.find('('))));
  }
  flush();
  return out;
}

}  // namespace harrier::dpkg
