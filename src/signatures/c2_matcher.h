// C2Matcher: the C2 indicators (domains, IPs, URLs) searched in file content
// with vectorscan (Hyperscan API) literal databases (one per form), so they
// cost two fast passes instead of thousands of YARA strings in every rule set.
//
// Semantics are those of a YARA text string with the modifiers
// `ascii wide nocase fullword` (the form the indicators had as generated
// YARA rules, C2RulesSource, which stays the slow twin and is what
// --yara-reference uses):
//  * ascii: the indicator's bytes; wide: each byte followed by 0x00;
//  * nocase: ASCII letters match either case; other bytes exactly;
//  * fullword (libyara 4.2 scan.c): an ascii hit is dropped when the byte
//    before or after it is an ASCII letter or digit; a wide hit when the two
//    bytes before it are <alnum, 0x00> or the two after it are <alnum, 0x00>;
//  * every offset counts (overlapping hits are reported).
// Thread-safety: the matcher is immutable and shared; each thread scans
// with its own Scratch.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "core/status.h"
#include "signatures/ioc.h"

struct hs_database;
struct hs_scratch;

namespace harrier {

struct C2Hit {
  uint32_t ioc;     // index into the indicator list
  uint64_t offset;  // first byte of the hit
  uint32_t length;  // bytes matched (2x the indicator for wide)
  bool wide;
  bool operator==(const C2Hit&) const = default;
};

class C2Matcher {
 public:
  class Scratch {
   public:
    ~Scratch();
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;

   private:
    friend class C2Matcher;
    explicit Scratch(hs_scratch* s) : s_(s) {}
    hs_scratch* s_;
  };

  // Empty indicators are ignored. Error only if vectorscan refuses the set.
  static Result<std::unique_ptr<C2Matcher>> Build(const std::vector<C2Ioc>& iocs);
  ~C2Matcher();
  C2Matcher(const C2Matcher&) = delete;
  C2Matcher& operator=(const C2Matcher&) = delete;

  Result<std::unique_ptr<Scratch>> NewScratch() const;

  // Replaces *out with the hits, sorted by (ioc, offset, wide), at most
  // `max_per_ioc` per indicator (the first ones by offset; 0 = no limit).
  Status Scan(std::span<const uint8_t> data, Scratch& scratch, size_t max_per_ioc,
              std::vector<C2Hit>* out) const;

  // The slow twin: a plain search with the same semantics, for tests and
  // the fuzz target.
  static std::vector<C2Hit> ScanSlow(const std::vector<C2Ioc>& iocs,
                                     std::span<const uint8_t> data, size_t max_per_ioc);

 private:
  C2Matcher() = default;
  hs_database* db_[2] = {nullptr, nullptr};  // ascii, wide (ids 2i, 2i+1)
  std::vector<uint32_t> lengths_;  // per pattern id (2*ioc + wide)
};

}  // namespace harrier
