// Content: the bytes of a subject, as the scan stage receives them (here in
// core so that every source can produce it). Either
// one contiguous buffer (files, archive members: everything up to
// --max-file-size) or a block iterator (process memory, very large objects),
// never both. The scan stage checks content without knowing its source.
#pragma once

#include <cstdint>
#include <span>

#include "core/status.h"

namespace harrier {

struct ContentBlock {
  uint64_t offset = 0;            // where the block starts in the subject
  std::span<const uint8_t> data;  // valid until the next call of Next/Rewind
};

// A source of blocks in increasing offset order. Blocks may leave gaps
// (unreadable memory) and may overlap the previous block by a few bytes (so a
// match across a block edge is not lost; libyara reports a match that lies
// wholly inside an overlap twice at most, at the same offset). libyara goes
// back to the first block while it evaluates conditions (`uint16(0)`,
// `entrypoint`, modules): a reader that can Rewind gives it that; one that
// cannot makes those conditions see no data (false), never a crash.
class BlockReader {
 public:
  virtual ~BlockReader() = default;
  // The next block; false at the end. An error ends the iteration and is
  // returned by status().
  virtual bool Next(ContentBlock* out) = 0;
  virtual const Status& status() const = 0;
  // Starts again at the first block; false when the reader cannot.
  virtual bool Rewind() { return false; }
  // True when libyara, going back while it evaluates conditions, is shown
  // the first block only (a file read from disk: every integer read or
  // module would otherwise read the file again). Offsets beyond the first
  // block then read as undefined in conditions. The full Rewind still
  // serves a complete second pass (C2 checks, hashes).
  virtual bool looks_see_first_block_only() const { return false; }
  // The subject's size as YARA's `filesize` sees it (end of the last block).
  virtual uint64_t size() const = 0;
};

struct Content {
  std::span<const uint8_t> buffer;  // the whole content, when blocks is null
  BlockReader* blocks = nullptr;    // not owned; read once by the scanner

  bool is_blocks() const { return blocks != nullptr; }
  static Content Buffer(std::span<const uint8_t> b) { return Content{b, nullptr}; }
  static Content Blocks(BlockReader* r) { return Content{{}, r}; }
};

}  // namespace harrier
