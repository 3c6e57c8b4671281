// FileScanner: runs every check on one file from one read: filename IOCs
// (from the path, before reading), then read-once, hashes, hash IOCs,
// YARA, native checks, and the score. One instance per worker thread; the
// SignatureSet and CheckRegistry are shared read-only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "core/diagnostics.h"
#include "core/finding.h"
#include "platform/fs.h"
#include "scan/hasher.h"
#include "scan/path_forms.h"
#include "scan/reader.h"
#include "scan/yara_scanner.h"
#include "score/score.h"
#include "signatures/literal_filter.h"
#include "signatures/signature_set.h"

namespace harrier {

struct ScanConfig {
  uint64_t max_file_size = 32ULL << 20;  // --max-file-size; larger: skipped "size"
  bool all_files = false;                // --all-files: no type selection
  bool follow_symlinks = false;
  YaraLimits yara;                       // --yara-timeout etc.
  // --yara-reference: evaluate every rule on every file with one rule set
  // (the slow twin of the partitioned sets, for differential checks).
  bool yara_reference = false;
  // --yara-no-externals: all YARA externals empty/0, as the yara CLI run in
  // bench/run.sh defines them (for comparing match sets only).
  bool yara_no_externals = false;
  // --yara-prefilter-max-size: files up to this size get the literal
  // prefilter (yara_prefilter.h) on the fast path; 0 = off. Larger files
  // gain little or lose (the string search, not the conditions, is their
  // cost, and the literal search adds to it): measured in docs/performance.md.
  uint64_t yara_prefilter_max = 100ULL << 10;
  ScoreOptions score;
  Level report_level = Level::kNotice;   // findings below are not reported
  std::vector<RootMapping> roots;        // mounted-image volume roots
  size_t keep_buffer_bytes = 64ULL << 20;  // reader buffer kept between files
};

struct FileOutcome {
  bool scanned = false;                 // content read and all checks ran
  std::optional<SkipReason> skipped;    // exactly one of scanned / skipped
  uint64_t bytes = 0;                   // bytes read
  std::optional<Finding> finding;       // level >= report_level
  // Read in full, every check ran, and no reason of any level: the only
  // outcome the --cache database may remember as clean.
  bool clean = false;
};

class FileScanner {
 public:
  static Result<std::unique_ptr<FileScanner>> Create(std::shared_ptr<const SignatureSet> sigs,
                                                     const CheckRegistry* checks,
                                                     const ScanConfig& config);
  FileOutcome Scan(const std::string& path, const platform::StatInfo& st, Diagnostics& diag);

  // Rule ids matched by YARA in the last Scan (for differential tests).
  const std::vector<std::string>& last_yara_ids() const;

 private:
  FileScanner(std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
              const ScanConfig& config);
  std::shared_ptr<const SignatureSet> sigs_;
  const CheckRegistry* checks_;
  const ScanConfig& config_;
  FileReader reader_;
  Hasher hasher_;
  // The scanner for this file's class (partitioned sets) or the one
  // scanner of the whole rule set (--yara-reference, or no partition).
  Result<YaraScanner*> ScannerFor(std::span<const uint8_t> data);
  // The C2 indicators behind the generated harrier_c2 rules (shares ownership
  // of the signature set).
  std::shared_ptr<const std::vector<C2Ioc>> C2List() const {
    return std::shared_ptr<const std::vector<C2Ioc>>(sigs_, &sigs_->c2);
  }
  std::unique_ptr<YaraScanner> yara_;
  const YaraPartition* partition_ = nullptr;
  std::vector<std::unique_ptr<YaraScanner>> part_scanners_;  // by set index
  // Prefiltered scans (yara_prefilter.h): this worker's private copy of the
  // lean variant of a class set (by set index), its rule switch and literal
  // search, and the reused per-file buffers.
  struct PrefilteredSet {
    std::unique_ptr<YaraScanner> scanner;
    // Over the lean set's prefilter rules [0, switched), then the rules the
    // lean set leaves out (not switched: absent).
    std::unique_ptr<YaraRuleSwitch> rule_switch;
    std::unique_ptr<LiteralFilter> filter;
    size_t switched = 0;
    bool unavailable = false;  // set fell back: shared path
  };
  // The lean scanner with the file's rules switched on, or null when the
  // file needs the whole class set (a left-out rule's gate literal occurs, or
  // the set fell back to the unpartitioned rules).
  Result<YaraScanner*> PrefilteredScannerFor(size_t idx, std::span<const uint8_t> data);
  std::vector<PrefilteredSet> pre_sets_;
  std::vector<uint8_t> pre_hit_, pre_scratch_;
  YaraScanner* last_yara_ = nullptr;   // the scanner of the last Scan, if it ran YARA
  std::vector<std::string> no_ids_;
};

}  // namespace harrier
