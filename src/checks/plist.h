// Minimal, safe reader for XML property lists (Info.plist): the string value
// of a key in the top-level dict. Not a general plist parser: no nesting
// semantics beyond skipping nested dicts/arrays, no binary plists (bplist00
// returns Unsupported). Input is untrusted; the scan is linear and bounded by
// the buffer, nothing is allocated beyond the returned strings.
// Thread-safety: pure functions.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace harrier::plist {

// Top-level <key>K</key><string>V</string> pairs of an XML plist, in order
// (entities &amp; &lt; &gt; &quot; &apos; decoded). Keys whose value is not a
// <string> are skipped. InvalidArgument when `data` is not an XML plist.
Result<std::vector<std::pair<std::string, std::string>>> TopLevelStrings(
    std::span<const uint8_t> data);

// Convenience: the value of `key`, if present.
std::optional<std::string> Find(const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view key);

}  // namespace harrier::plist
