// CheckData: the indicators and thresholds the native checks use, loaded
// once at startup from the incident packs' checks/ folders
// (rules/packs/*/checks/*.json and --signatures packs) and
// shared read-only by all workers. Code holds no indicator (STYLE rule 10):
// serials, versions, names, dates, tags and scores come from here.
//
// Format: JSON with // comments, documented in rules/README.md and
// docs/checks.md. Several files merge (lists append, scalar sections: the
// last file wins). Errors carry the file name and are diagnostics; a bad
// entry is skipped and the rest still loads.
// Thread-safety: immutable after Load().
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/status.h"

namespace harrier {

struct PaddingTag {
  std::string name;
  std::string bytes;  // raw bytes decoded from "hex"
  std::string source;
};

struct PaddingData {
  bool enabled = false;
  std::string source, remediation;
  uint32_t alignment = 8;
  int score_padding = 50, score_high_entropy = 75, score_tag = 95;
  double high_entropy_bits = 7.0;
  uint64_t high_entropy_min_bytes = 64;
  std::vector<PaddingTag> tags;
};

struct SignerData {
  std::string id, name, source, remediation;
  std::string subject_contains, issuer_contains;  // case-insensitive; may be empty
  std::string serial;                             // lower-case hex, no leading zeros
  // 3CX style: Alert when the PE's version names an affected build of this product.
  std::string affected_product;
  int score_affected_build = 0;
  std::optional<int64_t> window_start, window_end;  // [start, end)
  int score_in_window = 0;
  // Trading Technologies style: Alert when signed after this time.
  std::optional<int64_t> signed_after;
  int score_after = 0;
};

struct IconData {
  bool enabled = false;
  std::string source, remediation;
  std::string marker = "$";
  uint64_t min_base64_chars = 16;
  uint64_t layout_prefix_bytes = 20;
  int score = 85;
};

struct ProductData {
  std::string id, name, source, remediation;
  std::vector<std::string> windows_product_names, windows_exe_names, affected_windows;
  std::vector<std::string> macos_bundle_names, macos_bundle_ids, affected_macos;
  std::vector<std::string> fixed;
  // score_clean: a build not in the affected list (the product is hunted,
  // not every build is bad: a Warning at most), with remediation_clean.
  int score_affected = 95, score_clean = 0;
  std::string remediation_clean;
};

struct RetiredProductData {
  std::string id, name, source, remediation;
  std::vector<std::string> product_names, installer_prefixes, install_dirs;
  int score = 85;
};

// The RPM side of a package advisory ("rpm": {...}), for the rpm inventory
// (checks/rpm.h): packages named in `packages` (or built from a source
// package in `source_packages`, the name part of SOURCERPM) whose installed
// EVR lies in [affected_min, affected_max] (RPM order, both inclusive; a
// bound without "E:" or "-R" does not compare the epoch or the release).
// Empty source / remediation and no score: the advisory's own.
struct RpmAdvisoryData {
  std::vector<std::string> packages, source_packages;
  std::string affected_min, affected_max, fixed;
  std::string source, remediation;
  std::optional<int> score;
};

// An installed-package advisory for the dpkg inventory (checks/dpkg.h):
// binary packages (or any package built from one of `source_packages`)
// whose installed version lies in [affected_min, affected_max] (Debian
// version order, both inclusive); and, when `rpm` is set, for the rpm
// inventory. An advisory may have only the rpm side (packages,
// source_packages and the bounds then empty).
struct PackageAdvisoryData {
  std::string id, name, cve, source, remediation, description;
  std::vector<std::string> packages, source_packages;
  std::string affected_min, affected_max, fixed;
  int score = 95;
  std::optional<RpmAdvisoryData> rpm;
  bool has_dpkg() const { return !packages.empty() || !source_packages.empty(); }
};

struct CheckData {
  PaddingData padding;
  std::vector<PackageAdvisoryData> package_advisories;
  bool HasDpkgAdvisories() const;
  bool HasRpmAdvisories() const;
  std::vector<SignerData> signers;
  IconData icon;
  std::vector<ProductData> products;
  std::vector<RetiredProductData> retired;
  std::vector<std::string> files;  // loaded files, for reports and tests

  const ProductData* FindProduct(std::string_view id) const;
};

// Parses one JSON document into `data` (appending). `where` names it in
// diagnostics.
Status ParseCheckData(std::string_view json, const std::string& where, CheckData* data,
                      Diagnostics& diag);

// Loads every *.json under `dir` (sorted). A missing dir is NotFound.
Result<CheckData> LoadCheckData(const std::string& dir, Diagnostics& diag);
// Loads every *.json under each of `dirs` in order (the checks/ folders of
// the loaded incident packs, SignatureSet::check_dirs) into one CheckData;
// a folder that cannot be listed is an error diagnostic, the rest loads.
CheckData LoadCheckData(const std::vector<std::string>& dirs, Diagnostics& diag);
// The checks/ folders of the incident packs in RULES/packs/ (sorted): the
// built-in check data without loading the rest of the signatures (tests,
// fuzz targets). A scan takes SignatureSet::check_dirs instead.
std::vector<std::string> PackCheckDirs(const std::string& rules_dir);

// "18.12.416.0" -> "18.12.416": the first three dot-separated numeric parts
// (fewer if absent), leading zeros and spaces dropped; "" if not numeric.
std::string NormalizeVersion(std::string_view v);
bool VersionIn(std::string_view version, const std::vector<std::string>& list);

}  // namespace harrier
