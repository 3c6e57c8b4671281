// RPM package headers and RPM version order, for the rpm inventory check
// (rpm_check.cc, docs/checks.md "inventory.rpm").
//
// A header blob is what rpm >= 4.16 stores per installed package in the
// `blob` column of rpmdb.sqlite's Packages table: the header without the
// 8-byte magic of a package file:
//   int32 il, int32 dl                    (big-endian: index entries, data bytes)
//   il x { int32 tag, type, offset, count } (16 bytes each, big-endian)
//   dl bytes of data                      (entry offsets point here)
// The blob is untrusted input (it comes from the scanned host or image):
// sizes are capped (kMaxIndexEntries, kMaxDataBytes), every offset is checked
// against the data area, strings must end in a NUL inside it, and a
// malformed blob is an error value (fuzz target `rpm`).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier::rpm {

// rpm's own sanity limits (hdrchkTags / hdrchkData): more index entries or
// data bytes than this is a corrupt header, not a big one.
inline constexpr uint32_t kMaxIndexEntries = 0xffff;
inline constexpr uint32_t kMaxDataBytes = 0x0fffffff;
// Longer name/version/release/arch/sourcerpm values are cut to this.
inline constexpr size_t kMaxFieldBytes = 1024;

// The tags read (rpmtag.h numbering).
inline constexpr int32_t kTagName = 1000;
inline constexpr int32_t kTagVersion = 1001;
inline constexpr int32_t kTagRelease = 1002;
inline constexpr int32_t kTagEpoch = 1003;
inline constexpr int32_t kTagArch = 1022;
inline constexpr int32_t kTagSourceRpm = 1044;
// Entry types (rpmTagType).
inline constexpr uint32_t kTypeInt32 = 4;
inline constexpr uint32_t kTypeString = 6;

struct Package {
  std::string name, version, release;
  std::optional<uint32_t> epoch;  // absent: no Epoch tag (compares as 0)
  std::string arch;               // "" when absent (gpg-pubkey pseudo packages)
  std::string sourcerpm;          // e.g. "xz-5.6.1-1.fc40.src.rpm"; "" when absent
  // "[E:]V-R", as rpm -q --qf '%{EVR}' prints it.
  std::string Evr() const;
  // The source package's name: sourcerpm without ".src.rpm"/".nosrc.rpm"
  // and its version and release ("xz-5.6.1-1.fc40.src.rpm" -> "xz"); "" if
  // sourcerpm is absent or not of that shape.
  std::string SourceName() const;
};

// Parses one header blob. Name, version and release are required; a
// required or read tag of the wrong type or count, an offset outside the
// data area, a string without its NUL, or a blob whose size is not
// 8 + 16 * il + dl is Corrupt. When a tag occurs twice the later index
// entry wins (rpm: entries added after the immutable region replace it).
Result<Package> ParseHeaderBlob(std::span<const uint8_t> blob);

// rpmvercmp: compares two version (or release) strings segment by segment.
// Segments are maximal runs of ASCII digits or ASCII letters; other bytes
// separate them. Numeric segments compare as numbers (leading zeros
// ignored) and are newer than alphabetic ones; alphabetic segments compare
// bytewise. '~' sorts before everything, even the end of the string
// ("1.0~rc1" < "1.0"); '^' sorts after the end of the string but before
// anything else ("1.0" < "1.0^git1" < "1.0.1"). When all segments are
// equal, the string with segments left over is newer; "1.0" == "1_0".
// Returns -1, 0 or 1; antisymmetric.
int CompareVersions(std::string_view a, std::string_view b);

// An EVR "[epoch:]version[-release]" as an advisory writes it. A part that
// is absent stays unset: as a bound, it is not compared (see InBound).
struct Evr {
  std::optional<uint64_t> epoch;
  std::string_view version;
  std::optional<std::string_view> release;
};
// Splits at the first ':' (if all digits before it) and the last '-'.
// REQUIRES: `s` outlives the result.
Evr ParseEvr(std::string_view s);

// rpm's EVR order: epoch (absent = 0), then version, then release (absent =
// empty) with CompareVersions. Returns -1, 0 or 1; antisymmetric.
int CompareEvr(const Evr& a, const Evr& b);

// How the installed package compares with an advisory bound: the epoch only
// when the bound names one, the release only when the bound names one (as rpm
// matches "xz <= 5.6.1" against every 5.6.1 release). Returns -1, 0 or 1.
int CompareToBound(const Package& p, const Evr& bound);

}  // namespace harrier::rpm
