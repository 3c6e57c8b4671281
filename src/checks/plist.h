// Minimal, safe reader for property lists (Info.plist), XML or binary
// (bplist00): the string values of the keys of the top-level dict. Not a
// general plist parser: nested dicts/arrays are skipped, not read. Input is
// untrusted; both readers are linear and bounded by the buffer (the binary
// one follows no reference beyond the top-level dict's own, so a crafted
// object graph cannot recurse or loop), nothing is allocated beyond the
// returned strings. Fuzz target `plist`.
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
// (entities &amp; &lt; &gt; &quot; &apos; decoded), or the top-level dict's
// string-keyed string values of a binary plist (ASCII and UTF-16 strings,
// returned as UTF-8), in the dict's order. Keys whose value is not a string
// are skipped. InvalidArgument when `data` is neither, or a binary plist is
// damaged (offsets, sizes or references outside the file) or its top-level
// object is not a dict.
Result<std::vector<std::pair<std::string, std::string>>> TopLevelStrings(
    std::span<const uint8_t> data);

// Convenience: the value of `key`, if present.
std::optional<std::string> Find(const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view key);

}  // namespace harrier::plist
