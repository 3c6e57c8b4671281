// IOC line parsers (hash, filename, C2), the filename-IOC regex set and the
// C2 matcher built from them: signature folders come from third parties.
#include <string_view>

#include "core/diagnostics.h"
#include "fuzz/fuzz_target.h"
#include "signatures/c2_matcher.h"
#include "signatures/ioc.h"
#include "signatures/path_matcher.h"

HARRIER_FUZZ_TARGET(ioc)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  diag.set_max_stored(16);
  for (const HashIoc& h : ParseHashIocs(text, "fuzz", diag)) {
    // Invariant: only well-formed lowercase digests come out.
    if (h.hex.size() != 32 && h.hex.size() != 40 && h.hex.size() != 64) __builtin_trap();
    for (char c : h.hex)
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) __builtin_trap();
  }
  // C2 indicators: the vectorscan matcher and its plain twin agree on the
  // input itself (which contains the indicators, in every case and form the
  // mutations produce).
  auto c2 = ParseC2Iocs(text, "fuzz", diag);
  if (c2.size() > 64) c2.resize(64);
  if (auto cm = C2Matcher::Build(c2); cm.ok()) {
    auto scratch = (*cm)->NewScratch();
    if (!scratch.ok()) __builtin_trap();
    std::vector<C2Hit> hits;
    std::span<const uint8_t> bytes(data, size);
    if (!(*cm)->Scan(bytes, **scratch, 4, &hits).ok()) __builtin_trap();
    if (hits != C2Matcher::ScanSlow(c2, bytes, 4)) __builtin_trap();
  }
  auto names = ParseFilenameIocs(text, "fuzz", diag);
  if (names.size() > 64) names.resize(64);  // bound RE2 compile time per input
  PathMatcher m;
  m.Add(std::move(names), diag);
  if (m.Compile().ok()) {
    std::string_view subject = text.substr(0, 256);
    auto fast = m.Match(subject, subject);
    auto slow = m.MatchSlow(subject, subject);
    if (fast != slow) __builtin_trap();  // the set and its reference twin agree
  }
  return 0;
}
