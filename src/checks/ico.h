// ICO / PNG structure parser for the ICONIC dead-drop check: where does the
// image data end, and what follows it?
//
// ICO: ICONDIR (reserved 0, type 1 icon or 2 cursor, count) then `count`
// 16-byte ICONDIRENTRY records (bytes in resource, image offset). The image
// data ends at the largest offset + size. An entry whose data is a PNG ends
// at the end of its IEND chunk (bytes after IEND inside the declared size are
// trailing data too). PNG: the signature, then chunks up to IEND.
//
// Untrusted input: every offset/size is checked against the buffer; at most
// kMaxIcoEntries entries and kMaxPngChunks chunks are walked.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"

namespace harrier::ico {

constexpr size_t kMaxIcoEntries = 256;
constexpr size_t kMaxPngChunks = 100000;

struct Trailer {
  uint64_t offset = 0;  // first byte after an image's data
  uint64_t size = 0;    // bytes from offset to the end of that region
};

struct ImageLayout {
  enum class Kind { kIco, kPng } kind = Kind::kIco;
  size_t entries = 0;      // ICO entries parsed (1 for PNG)
  uint64_t image_end = 0;  // end of the last image's data
  bool truncated = false;  // some declared data lies beyond the buffer
  // Regions after image data: after IEND inside a PNG entry, and after the
  // last image to the end of the file. Sorted by offset, non-empty.
  std::vector<Trailer> trailers;
};

// End offset of the IEND chunk of the PNG at data[0] (signature included),
// or nullopt when the chunk walk fails before IEND.
std::optional<uint64_t> PngEnd(std::span<const uint8_t> png);

// InvalidArgument when `data` is neither an ICO/CUR directory nor a PNG.
Result<ImageLayout> Parse(std::span<const uint8_t> data);

// Length of the run of base64 characters (A-Z a-z 0-9 + / and '=' padding)
// at the start of `s`; URL-safe '-' '_' accepted too.
size_t Base64Run(std::span<const uint8_t> s);
// Decoded byte count of a base64 run (ignoring padding); nullopt when the
// run cannot be valid base64 (length % 4 == 1).
std::optional<uint64_t> Base64DecodedSize(std::span<const uint8_t> run);

}  // namespace harrier::ico
