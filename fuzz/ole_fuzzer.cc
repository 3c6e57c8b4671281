// OLE compound files (MSI installers, legacy Office documents, .msg): the
// header / directory pre-check, libgsf's parser behind it, MSI name
// decoding, the Ole10Native (OLE1 Package) parser and the limits. Also the
// name decoder on the raw input, in both modes.
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "sources/ole_reader.h"

HARRIER_FUZZ_TARGET(ole)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::span<const uint8_t> in(data, size);
  OleLimits limits;
  limits.max_streams = 256;
  limits.max_stream_bytes = 1 << 20;
  limits.max_total_bytes = 4 << 20;
  limits.max_depth = 8;
  uint64_t visited = 0, bytes = 0;
  auto r = ForEachOleStream(in, limits, [&](OleStream&& s) {
    ++visited;
    bytes += s.data.size();
    // Paths are printable ASCII or UTF-8 (escapes keep control bytes out).
    for (char c : s.path)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) __builtin_trap();
    if (s.data.size() > limits.max_stream_bytes) __builtin_trap();
    return true;
  });
  if (r.ok() && (r->streams != visited || r->streams > limits.max_streams)) __builtin_trap();
  std::string_view text(reinterpret_cast<const char*>(data), size < 256 ? size : 256);
  (void)DecodeOleName(text, true);
  (void)DecodeOleName(text, false);
  return 0;
}
