// Read-once: the single place where file content enters Harrier.
//
// The rule (docs/scanning.md): a file up to the block threshold
// (--block-threshold, default 64 MiB) is read with read() into one
// per-worker buffer that is reused across files; a larger one is read as
// blocks (kFileBlockBytes, overlapping by kFileBlockOverlap) from the open
// descriptor, so memory does not grow with file size. mmap is never used, so
// a file truncated while we read it cannot SIGBUS the process. The reader
// first reads kFileTypeHeaderBytes, lets the caller decide from them
// (default file selection), then reads the rest (or hands out the blocks).
// A file that shrinks below its stat size while read is a kChanged error;
// one that grows is read up to the stat size seen at open only.
// Sparse files: the blocks skip holes (SEEK_DATA/SEEK_HOLE through the
// platform): a hole is a gap between blocks, never read.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/content.h"
#include "core/status.h"
#include "platform/fs.h"

namespace harrier {

// Block geometry of large files. Memory per worker for block content:
// one block plus the overlap, and a copy of the first block (for conditions
// that read the file's first bytes, see FileBlocks).
inline constexpr size_t kFileBlockBytes = 4u << 20;
inline constexpr size_t kFileBlockOverlap = 64u << 10;

// The blocks of one open file. Each block but the first of a data extent
// starts kFileBlockOverlap bytes before the end of the previous one (a match
// across a block edge up to that length is found); holes (sparse files) are
// gaps. Rewind starts again; while libyara evaluates conditions it sees the
// first block only (a cached copy: no I/O), see looks_see_first_block_only.
class FileBlocks final : public BlockReader {
 public:
  // `buf` and `first` are the worker's reused buffers.
  FileBlocks(std::unique_ptr<platform::ReadableFile> f, std::string path,
             std::vector<uint8_t>* buf, std::vector<uint8_t>* first);
  bool Next(ContentBlock* out) override;
  const Status& status() const override { return status_; }
  bool Rewind() override;
  bool looks_see_first_block_only() const override { return true; }
  uint64_t size() const override { return size_; }
  // Blocks read from the file so far (for tests: holes are not read).
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  std::unique_ptr<platform::ReadableFile> f_;
  std::string path_;
  std::vector<uint8_t>& buf_;
  std::vector<uint8_t>& first_;
  uint64_t size_;
  bool sparse_;
  uint64_t pos_ = 0;       // next byte to read
  uint64_t ext_end_ = 0;   // end of the current data extent
  bool seek_ = true;       // the descriptor's position is not pos_
  uint64_t last_end_ = 0;  // end of the last block handed out
  size_t last_len_ = 0;    // its length (0: none, or it came from first_)
  bool first_cached_ = false;
  uint64_t first_offset_ = 0;
  bool serve_first_ = false;  // the next Next hands out the cached first block
  bool tail_in_place_ = false;  // the overlap for the next block is already at buf_[0]
  uint64_t bytes_read_ = 0;
  Status status_;
};

class FileReader {
 public:
  // Returns false to stop after the header (file not selected).
  using HeaderDecision = std::function<bool(std::span<const uint8_t> header)>;

  enum class Outcome { kRead, kNotSelected };
  struct ReadResult {
    Outcome outcome = Outcome::kRead;
    platform::StatInfo stat;  // fstat after open
  };

  // Opens the file with `open` (the walker's opener: exactly the listed
  // file) and reads it: into the internal buffer when its size is at most
  // `block_threshold`, else as blocks (blocks()). `path` is for messages.
  // A file grown beyond `max_bytes` since the walk is a kChanged error.
  Result<ReadResult> Read(const platform::FileOpener& open, const std::string& path,
                          uint64_t max_bytes, uint64_t block_threshold,
                          const HeaderDecision& decide);

  // Opens `path` by name (no block threshold): for tests and callers without
  // a walker. REQUIRES: expected_size <= max_bytes.
  Result<ReadResult> Read(const platform::FileSystem& fs, const std::string& path,
                          uint64_t expected_size, uint64_t max_bytes, bool follow_symlinks,
                          const HeaderDecision& decide);

  // The content of the last successful kRead, when it was read whole.
  std::span<const uint8_t> data() const { return {buf_.data(), size_}; }
  // The block content of the last successful kRead of a file over the
  // threshold (null otherwise). Valid until the next Read.
  FileBlocks* blocks() { return blocks_.get(); }

  // Drops the buffers when they grew beyond `keep` bytes (bounded memory
  // after one big file).
  void Trim(size_t keep);

 private:
  std::vector<uint8_t> buf_;
  size_t size_ = 0;
  std::vector<uint8_t> block_buf_, first_buf_;
  std::unique_ptr<FileBlocks> blocks_;
};

}  // namespace harrier
