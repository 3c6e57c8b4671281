// Native checks: detection logic that rules express poorly (PE Authenticode
// padding, software inventory, ...). A check sees the one buffer the scanner
// read and appends Reasons; it never reads the file again.
// Thread-safety: Run() is const and called concurrently from all workers.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "checks/dpkg.h"
#include "checks/rpmdb.h"
#include "core/diagnostics.h"
#include "core/finding.h"

namespace harrier {

struct FileContext {
  const Subject& subject;         // what is checked (a file, an archive member, ...)
  std::string_view unix_form;     // path with '/' (mapped root if any)
  std::string_view windows_form;  // path with '\' (e.g. "C:\Users\..")
  std::span<const uint8_t> data;  // whole file content (<= max-file-size)
  std::string_view filetype;      // scan/filetype.h names, "" if unknown
  const Hashes& hashes;
  // Where a check reports what it could not read (e.g. a corrupt package
  // database); null in callers without diagnostics (then it stays silent).
  Diagnostics* diag = nullptr;
};

class Check {
 public:
  virtual ~Check() = default;
  virtual std::string_view id() const = 0;  // stable, e.g. "pe.authenticode_padding"
  virtual void Run(const FileContext& ctx, std::vector<Reason>* out) const = 0;
  // A file the check needs read whatever the default selection says (e.g.
  // var/lib/dpkg/status); `unix_path` is the path with '/' separators.
  virtual bool Wants(std::string_view unix_path) const {
    (void)unix_path;
    return false;
  }
};

struct CheckData;  // checks/check_data.h

// Bounds of the package-database readers, each a command-line option
// (docs/checks.md, "Limits"): the databases are untrusted input.
struct PackageDbLimits {
  uint64_t max_packages = dpkg::kMaxPackages;           // --max-packages: stanzas / rows read
  uint64_t max_rpm_header_bytes = rpm::kMaxBlobBytes;  // --rpm-max-header-size
  uint64_t max_sqlite_steps = rpm::kMaxSqliteSteps;    // --rpm-max-steps: VM steps per database
};

class CheckRegistry {
 public:
  void Add(std::unique_ptr<Check> c) { checks_.push_back(std::move(c)); }
  const std::vector<std::unique_ptr<Check>>& checks() const { return checks_; }
  bool Wants(std::string_view unix_path) const {
    for (const auto& c : checks_)
      if (c->Wants(unix_path)) return true;
    return false;
  }
  // Keeps the data the checks point into alive as long as the registry.
  void Hold(std::shared_ptr<const CheckData> d) { data_ = std::move(d); }

 private:
  std::vector<std::unique_ptr<Check>> checks_;
  std::shared_ptr<const CheckData> data_;
};

// The checks Harrier runs by default (see docs/checks.md), built on `data`
// (loaded from the packs' checks/ folders, see check_data.h). Null data: no native checks
// (e.g. --no-builtin).
CheckRegistry DefaultChecks(std::shared_ptr<const CheckData> data,
                            const PackageDbLimits& limits = {});

}  // namespace harrier
