#include "signatures/c2_indicator.h"

#include <algorithm>
#include <functional>
#include <vector>

namespace harrier {
namespace {

uint8_t Fold(uint8_t c) { return c >= 'A' && c <= 'Z' ? static_cast<uint8_t>(c + 32) : c; }
struct FoldHash {
  size_t operator()(uint8_t c) const { return Fold(c); }
};
struct FoldEqual {
  bool operator()(uint8_t a, uint8_t b) const { return Fold(a) == Fold(b); }
};

bool IsAlpha(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(int c) { return IsAlpha(c) || (c >= '0' && c <= '9'); }
bool IsHostChar(int c) { return IsAlnum(c) || c == '-' || c == '_'; }
bool IsSchemeChar(int c) { return IsAlnum(c) || c == '+' || c == '.' || c == '-'; }

// How one indicator is bounded (c2_indicator.h).
struct Bounds {
  bool url = false;     // starts with SCHEME://
  bool ipv4 = false;    // the host is a dotted quad: no subdomains
  bool prefix = false;  // has a path, query or fragment: anything may follow
};

bool IsIpv4(std::string_view host) {
  int parts = 0;
  size_t digits = 0;
  for (char c : host) {
    if (c >= '0' && c <= '9') {
      if (++digits > 3) return false;
    } else if (c == '.' && digits > 0) {
      ++parts;
      digits = 0;
    } else {
      return false;
    }
  }
  return digits > 0 && parts == 3;
}

Bounds BoundsOf(std::string_view ind) {
  Bounds b;
  size_t host_begin = 0;
  size_t sep = ind.find("://");
  if (sep != std::string_view::npos && sep > 0 && IsAlpha(static_cast<unsigned char>(ind[0])) &&
      std::all_of(ind.begin(), ind.begin() + static_cast<ptrdiff_t>(sep),
                  [](char c) { return IsSchemeChar(static_cast<unsigned char>(c)); })) {
    b.url = true;
    host_begin = sep + 3;
  }
  size_t host_end = ind.find_first_of("/?#", host_begin);
  b.prefix = host_end != std::string_view::npos;
  if (!b.url) {
    std::string_view host = ind.substr(0, host_end);
    b.ipv4 = IsIpv4(host.substr(0, host.find(':')));
  }
  return b;
}

constexpr int kNoUnit = -1;       // past either end of the data
constexpr int kNonAscii = 0x100;  // a wide unit whose high byte is not 0

// The character of the `width`-byte unit at byte `pos`.
int UnitAt(std::span<const uint8_t> data, size_t pos, size_t width) {
  if (pos > data.size() || data.size() - pos < width) return kNoUnit;
  if (width == 2 && data[pos + 1] != 0) return kNonAscii;
  return data[pos];
}

bool BoundaryBefore(std::span<const uint8_t> data, size_t pos, size_t width, const Bounds& b) {
  if (pos < width) return true;
  int c = UnitAt(data, pos - width, width);
  if (b.url) return !IsSchemeChar(c);
  return !IsHostChar(c) && !(b.ipv4 && c == '.');
}

bool BoundaryAfter(std::span<const uint8_t> data, size_t end, size_t width, const Bounds& b) {
  if (b.prefix) return true;
  int c = UnitAt(data, end, width);
  if (IsHostChar(c)) return false;
  return c != '.' || !IsHostChar(UnitAt(data, end + width, width));
}

// Appends the first `limit` matches of `pattern` (the indicator as it is
// stored: width 1 ascii, 2 wide).
void Search(const std::vector<uint8_t>& pattern, size_t width, const Bounds& b,
            std::span<const uint8_t> data, size_t limit, std::vector<C2Match>* found) {
  std::boyer_moore_horspool_searcher searcher(pattern.begin(), pattern.end(), FoldHash{},
                                              FoldEqual{});
  auto it = data.begin();
  while (found->size() < limit && it != data.end()) {
    auto hit = searcher(it, data.end()).first;
    if (hit == data.end()) break;
    size_t pos = static_cast<size_t>(hit - data.begin());
    if (BoundaryBefore(data, pos, width, b) && BoundaryAfter(data, pos + pattern.size(), width, b))
      found->push_back({pos, pattern.size()});
    it = hit + 1;
  }
}

}  // namespace

bool FindC2Matches(std::string_view indicator, std::span<const uint8_t> data, size_t max_matches,
                   std::vector<C2Match>* out) {
  if (indicator.empty()) return false;
  const Bounds b = BoundsOf(indicator);
  const size_t limit = std::max<size_t>(max_matches, 1);
  std::vector<uint8_t> ascii(indicator.begin(), indicator.end()), wide;
  for (uint8_t c : ascii) wide.insert(wide.end(), {c, 0});
  std::vector<C2Match> a, w;
  Search(ascii, 1, b, data, limit, &a);
  if (max_matches == 0 && !a.empty()) return true;
  Search(wide, 2, b, data, limit, &w);
  std::vector<C2Match> all(a.size() + w.size());
  std::merge(a.begin(), a.end(), w.begin(), w.end(), all.begin(),
             [](const C2Match& x, const C2Match& y) { return x.offset < y.offset; });
  all.resize(std::min(all.size(), max_matches));
  out->insert(out->end(), all.begin(), all.end());
  return !a.empty() || !w.empty();
}

}  // namespace harrier
