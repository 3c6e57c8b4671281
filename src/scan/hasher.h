// MD5, SHA1 and SHA256 of one buffer, or of a stream of blocks, in one pass (OpenSSL EVP), chunked so
// the three digests share each chunk while it is in cache.
// Thread-safety: one Hasher per worker.
#pragma once

#include <span>

#include "core/finding.h"

namespace harrier {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;
  // One buffer at once.
  Hashes Compute(std::span<const uint8_t> data);
  // Streamed: Begin, Update per block in order, Finish.
  void Begin();
  void Update(std::span<const uint8_t> data);
  Hashes Finish();

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace harrier
