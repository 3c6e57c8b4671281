// IOC line parsers (hash, filename, C2) and the filename-IOC regex set built
// from them: signature folders come from third parties.
#include <string_view>

#include "core/diagnostics.h"
#include "fuzz/fuzz_target.h"
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
  (void)ParseC2Iocs(text, "fuzz", diag);
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
