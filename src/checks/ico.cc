#include "checks/ico.h"

#include <algorithm>

namespace harrier::ico {
namespace {

constexpr uint8_t kPngSig[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

bool IsPng(std::span<const uint8_t> d) {
  return d.size() >= 8 && std::equal(std::begin(kPngSig), std::end(kPngSig), d.begin());
}
uint32_t Be32(std::span<const uint8_t> d, uint64_t o) {
  return (uint32_t(d[o]) << 24) | (uint32_t(d[o + 1]) << 16) | (uint32_t(d[o + 2]) << 8) | d[o + 3];
}
uint32_t Le32(std::span<const uint8_t> d, uint64_t o) {
  return uint32_t(d[o]) | (uint32_t(d[o + 1]) << 8) | (uint32_t(d[o + 2]) << 16) |
         (uint32_t(d[o + 3]) << 24);
}
uint16_t Le16(std::span<const uint8_t> d, uint64_t o) { return uint16_t(d[o] | (d[o + 1] << 8)); }

void AddTrailer(std::vector<Trailer>* t, uint64_t from, uint64_t to) {
  if (to > from) t->push_back({from, to - from});
}

}  // namespace

std::optional<uint64_t> PngEnd(std::span<const uint8_t> png) {
  if (!IsPng(png)) return std::nullopt;
  uint64_t pos = 8;
  for (size_t i = 0; i < kMaxPngChunks; ++i) {
    if (pos > png.size() || png.size() - pos < 12) return std::nullopt;
    uint64_t len = Be32(png, pos);
    bool iend =
        png[pos + 4] == 'I' && png[pos + 5] == 'E' && png[pos + 6] == 'N' && png[pos + 7] == 'D';
    uint64_t next = pos + 12 + len;  // length, type, data, CRC
    if (next > png.size()) return std::nullopt;
    if (iend) return next;
    pos = next;
  }
  return std::nullopt;
}

Result<ImageLayout> Parse(std::span<const uint8_t> d) {
  ImageLayout out;
  if (IsPng(d)) {
    out.kind = ImageLayout::Kind::kPng;
    out.entries = 1;
    auto end = PngEnd(d);
    if (!end) {
      out.truncated = true;
      out.image_end = d.size();
      return out;
    }
    out.image_end = *end;
    AddTrailer(&out.trailers, *end, d.size());
    return out;
  }
  if (d.size() < 6 || Le16(d, 0) != 0 || (Le16(d, 2) != 1 && Le16(d, 2) != 2) || Le16(d, 4) == 0)
    return Status::InvalidArgument("not an ICO/CUR or PNG file");
  size_t count = std::min<size_t>(Le16(d, 4), kMaxIcoEntries);
  if (6 + 16 * static_cast<uint64_t>(count) > d.size())
    return Status::InvalidArgument("ICO directory larger than the file");
  uint64_t last_end = 6 + 16 * static_cast<uint64_t>(count);
  for (size_t i = 0; i < count; ++i) {
    uint64_t e = 6 + 16 * static_cast<uint64_t>(i);
    uint64_t size = Le32(d, e + 8), off = Le32(d, e + 12);
    uint64_t end = off + size;
    if (off > d.size() || end > d.size()) {
      out.truncated = true;
      end = std::min<uint64_t>(end, d.size());
      if (off > d.size()) continue;
    }
    ++out.entries;
    auto img = d.subspan(off, end - off);
    if (auto png_end = PngEnd(img)) AddTrailer(&out.trailers, off + *png_end, end);
    last_end = std::max(last_end, end);
  }
  out.image_end = last_end;
  AddTrailer(&out.trailers, last_end, d.size());
  std::sort(out.trailers.begin(), out.trailers.end(),
            [](const Trailer& a, const Trailer& b) { return a.offset < b.offset; });
  return out;
}

size_t Base64Run(std::span<const uint8_t> s) {
  size_t n = 0;
  while (n < s.size()) {
    uint8_t c = s[n];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/' || c == '-' || c == '_';
    if (!ok) break;
    ++n;
  }
  // Up to two '=' of padding.
  size_t pad = 0;
  while (n < s.size() && pad < 2 && s[n] == '=') ++n, ++pad;
  return n;
}

std::optional<uint64_t> Base64DecodedSize(std::span<const uint8_t> run) {
  uint64_t n = run.size();
  while (n > 0 && run[n - 1] == '=') --n;
  if (n % 4 == 1) return std::nullopt;
  return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1);
}

}  // namespace harrier::ico
