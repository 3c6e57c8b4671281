// The manifest of an installed signature set (STORE/sets/<id>/manifest.json):
// where the set came from, how it was verified, and what loaded from it when
// it was installed. Written by `harrier update`, read by `harrier scan`,
// `harrier signatures` and `harrier bundle`. The store's ownership checks
// (store.h) decide whether a manifest is trusted; the parser still treats
// the text as untrusted input (bounded, every field checked).
// Thread-safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

inline constexpr int kManifestFormat = 1;
inline constexpr size_t kMaxManifestBytes = 64 * 1024;

struct SetManifest {
  std::string id;             // the folder name below STORE/sets/ ([A-Za-z0-9._-], no "..")
  std::string source;         // the URL fetched, or the absolute path of the bundle imported
  std::string sha256;         // of the archive as fetched (64 lowercase hex digits)
  uint64_t archive_bytes = 0;
  int64_t fetched_at = 0;     // seconds since the epoch (UTC)
  // What was checked beyond the member names and the test load:
  // "sha256 (--sha256)", "sha256 (published)", "signature (KEY FILE)", joined by ", ";
  // "" when the source offered nothing to check against.
  std::string verified;
  std::string top_folder;     // the single top folder stripped from member names ("" = none)
  // The test load when installed (loader.h RuleStats).
  uint64_t yara_files = 0, yara_files_failed = 0, yara_rules = 0;
  uint64_t hash_iocs = 0, filename_iocs = 0, c2_iocs = 0;
  uint64_t fp_entries = 0;    // false-positive hashes and filters
  uint64_t load_errors = 0;   // accepted up to --max-rule-errors
  friend bool operator==(const SetManifest&, const SetManifest&) = default;
};

// A set id is safe as one path component: 1..128 bytes of [A-Za-z0-9._-],
// not "." or "..".
bool IsValidSetId(std::string_view id);
bool IsSha256Hex(std::string_view hex);  // 64 lowercase hex digits

// JSON text (one object, a trailing newline).
std::string ManifestToJson(const SetManifest& m);

// Corrupt (naming the field) for text that is not a manifest of this
// format: not JSON, larger than kMaxManifestBytes, a missing or mistyped
// field, an id that is not IsValidSetId, a sha256 that is not IsSha256Hex.
// Unknown fields are ignored (a newer Harrier may add some).
Result<SetManifest> ParseManifest(std::string_view text);

}  // namespace harrier
