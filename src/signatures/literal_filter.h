// The scan-time half of the literal prefilter (yara_prefilter.h): finds,
// per file, which prefilter rules have a literal of their gate in the data.
// Thread-safety: immutable after construction; Match uses caller scratch.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "signatures/yara_prefilter.h"

namespace harrier {

// Exact multi-literal search over ASCII-case-folded data: a literal of 8 or
// more bytes is keyed by its first 8 bytes, a shorter one by its first 4.
// At every position a small bit filter on the first 4 bytes (L1-sized)
// rejects most positions; the others pass a second bit filter per key kind,
// then a hash lookup and a compare.
class LiteralFilter {
 public:
  explicit LiteralFilter(const std::vector<PrefilterRule>& rules);
  size_t rule_count() const { return rule_count_; }
  // Sets (*hit)[r] = 1 for every rule r (index into the constructor's
  // vector) with a literal in `data`, 0 for the others. `scratch` holds the
  // folded copy of the data (reused across calls).
  void Match(std::span<const uint8_t> data, std::vector<uint8_t>* hit,
             std::vector<uint8_t>* scratch) const;

 private:
  struct Slot {
    uint64_t key = 0;
    uint32_t begin = 0, count = 0;  // range in Table::lits; count 0 = empty
  };
  struct Table {
    std::vector<uint64_t> bits;   // 2^kFilterBits filter on the key hash
    std::vector<Slot> slots;      // open addressing, power of two
    std::vector<uint32_t> lits;   // literal indices grouped by key
    bool MayHave(uint64_t key) const;
  };
  void Lookup(const Table& t, uint64_t key, const uint8_t* p, size_t left,
              std::vector<uint8_t>* hit) const;

  size_t rule_count_ = 0;
  std::vector<std::string> lit_;     // folded literal bytes
  std::vector<uint32_t> lit_rule_;   // literal -> rule index
  Table long_, short_;               // >= 8 bytes, 4..7 bytes
  std::vector<uint64_t> prefix_bits_;  // first 4 bytes of every literal (hashed)
};

}  // namespace harrier
