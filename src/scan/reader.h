// Read-once: the single place where file content enters Harrier.
//
// The rule (docs/scanning.md): every file is read with read() into one
// per-worker buffer that is reused across files; mmap is never used, so a
// file truncated while we read it cannot SIGBUS the process. The buffer is
// bounded by --max-file-size, which the filter enforced from metadata.
// The reader first reads kFileTypeHeaderBytes, lets the caller decide from
// them (default file selection), then reads the rest into the same buffer.
// A file that shrinks below its stat size while read is a kChanged error;
// one that grows is read up to the stat size (what the walk saw) only.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "platform/fs.h"

namespace harrier {

class FileReader {
 public:
  // Returns false to stop after the header (file not selected).
  using HeaderDecision = std::function<bool(std::span<const uint8_t> header)>;

  enum class Outcome { kRead, kNotSelected };
  struct ReadResult {
    Outcome outcome = Outcome::kRead;
    platform::StatInfo stat;  // fstat after open
  };

  // Reads `path` (expected size `expected_size` from the walk) into the
  // internal buffer. REQUIRES: expected_size <= max_bytes.
  Result<ReadResult> Read(const platform::FileSystem& fs, const std::string& path,
                          uint64_t expected_size, uint64_t max_bytes, bool follow_symlinks,
                          const HeaderDecision& decide);

  // The content of the last successful kRead.
  std::span<const uint8_t> data() const { return {buf_.data(), size_}; }

  // Drops the buffer when it grew beyond `keep` bytes (bounded memory after
  // one big file).
  void Trim(size_t keep);

 private:
  std::vector<uint8_t> buf_;
  size_t size_ = 0;
};

}  // namespace harrier
