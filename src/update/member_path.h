// The names of archive members that a signature update may write: a member
// name from a downloaded archive is untrusted input, and it must never name
// a file outside the folder the archive is unpacked into.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

// Limits on one member name (a GitHub archive's names are far shorter).
inline constexpr size_t kMaxMemberPathBytes = 1024;
inline constexpr size_t kMaxMemberPathDepth = 32;
inline constexpr size_t kMaxMemberComponentBytes = 255;

// The relative path a member named `name` is written to, normalised to
// "a/b/c": empty and "." components are dropped (a trailing '/' marks a
// folder in tar and zip). Refused (InvalidArgument, the message says why and
// the caller adds the member name):
//  * an absolute name ("/x", and "C:..." drive names),
//  * any ".." component,
//  * a backslash (a Windows separator: "..\x" would be one odd name here and
//    a traversal elsewhere), a NUL or another control character,
//  * a name that is empty after normalising ("./"),
//  * a name beyond the limits above.
// A confined name never leaves the folder however the components are joined:
// none is "..", empty, or holds a separator.
Result<std::string> ConfineMemberPath(std::string_view name);

}  // namespace harrier
