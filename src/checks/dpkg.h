// The dpkg status database (var/lib/dpkg/status) and Debian version order.
// The status file is untrusted input (it comes from the scanned host or
// image): every field is bounded, the parser never reads outside the span
// and stops after `max_packages` stanzas (fuzz target `dpkg`).
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace harrier::dpkg {

inline constexpr size_t kMaxPackages = 200000;  // default of --max-packages: stanzas read
inline constexpr size_t kMaxFieldBytes = 1024;  // longer Package/Version/... values are cut

struct Package {
  std::string name;      // Package:
  std::string version;   // Version:
  std::string source;    // Source: without a "(version)" suffix; "" when absent
  std::string arch;      // Architecture:
  std::string status;    // Status: e.g. "install ok installed"
  uint64_t line = 0;     // 1-based line of the stanza's first field
  bool installed() const;  // status word 3 is installed / half-configured / unpacked ...
};

struct ParseResult {
  std::vector<Package> packages;
  bool truncated = false;  // more than `max_packages` stanzas
};

ParseResult ParseStatus(std::span<const uint8_t> data, size_t max_packages = kMaxPackages);

// Debian version comparison (deb-version(7)): epoch, upstream version,
// revision; '~' sorts before everything, letters before non-letters.
// Returns <0, 0, >0. Malformed versions compare as strings of their parts.
int CompareVersions(std::string_view a, std::string_view b);

}  // namespace harrier::dpkg
