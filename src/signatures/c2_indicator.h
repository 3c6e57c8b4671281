// What a C2 indicator matches in file content. The generated C2 rules
// (C2RulesSource, signature_set.h) only find candidates: the indicator's
// bytes, ascii or wide (UTF-16LE), in any ASCII case. FindC2Matches decides
// which of those places are the indicator:
//  * a domain or IP address (no "://", no '/', '?' or '#') matches itself
//    and its subdomains: the character before it is not a host character
//    (letter, digit, '-', '_'), '.' being allowed for a domain (a.evil.com)
//    but not for an IPv4 address (5.1.2.3.4); and the host does not go on
//    after it: the next character is not a host character nor a '.'
//    followed by one (evil.com.au). A trailing '.', ':' (port) or '/' ends it.
//    So evil.com matches "evil.com", "a.evil.com", "evil.com:443/x" and
//    "evil.com." but not "notevil.com", "not-evil.com", "under_evil.com",
//    "evil.community" or "evil.com.au".
//  * a URL (SCHEME://...) matches where a URL starts with it: the character
//    before it is not a scheme character (letter, digit, '+', '.', '-').
//    When it has a path, query or fragment ('/', '?' or '#' after the
//    host), anything may follow (its own prefix: https://e.com/gate matches
//    "https://e.com/gate.php?id=1"); when it ends in the host or port, the
//    host may not go on, as for a domain (https://e.com does not match
//    "https://e.com.au/").
//  * a domain with a path and no scheme (evil.com/gate) has the domain's
//    rule before it and the URL's prefix rule after it.
// Characters are compared ASCII-case-insensitively. In wide content a
// neighbour is the 2-byte unit before or after; a unit that is not an ASCII
// character (high byte not 0), and a lone byte at either end of the data,
// count as a boundary.
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace harrier {

struct C2Match {
  uint64_t offset = 0;  // in the data
  size_t length = 0;    // bytes: the indicator's length, twice that when wide
};

// Appends to *out the first `max_matches` places (by offset, ascii and wide
// together) where `indicator` matches `data`; returns whether it matches
// anywhere (also when max_matches is 0, which appends nothing). Stops
// searching once that is known.
bool FindC2Matches(std::string_view indicator, std::span<const uint8_t> data, size_t max_matches,
                   std::vector<C2Match>* out);

}  // namespace harrier
