// Signatures carried inside the binary. A self-contained build (`make dist`)
// links a payload (cmake/embedded_payload.S.in): an xz-compressed tar holding
//   rules/...   the built-in rules folder, and
//   cache/...   the compiled-rules cache entries made from it at build time
//               (rules_cache.h, yara_partition.h),
// so the binary needs no rules folder on disk and its first scan compiles
// nothing. Compressed, the rule texts are not plain text an antivirus could
// quarantine. Normal builds link no payload and these functions do nothing.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>

#include "core/status.h"

namespace harrier {

// The linked payload, empty when the binary carries none.
std::span<const uint8_t> EmbeddedPayload();

// Unpacks an xz/gzip tar (or any archive libarchive reads) held in memory:
// regular files only, "/"-rooted paths with "./" and a leading "/" removed.
// Fails on a damaged archive, a member path with "..", or more than
// `max_bytes` of content.
Result<std::map<std::string, std::string>> UnpackPayload(std::span<const uint8_t> payload,
                                                         uint64_t max_bytes);

// Mounts the payload as the memory tree (platform/memory_tree.h):
// "builtin:/rules" is then the built-in rules folder (FindBuiltinRules) and
// "builtin:/cache" its compiled rules (EmbeddedRulesCacheDir). Returns false
// when there is no payload; a damaged one is an error.
// REQUIRES: called once at start-up, before other threads run.
Result<bool> MountEmbeddedSignatures();

// "builtin:/cache" when a mounted payload carries compiled rules, else "".
std::string EmbeddedRulesCacheDir();

}  // namespace harrier
