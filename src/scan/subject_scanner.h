// SubjectScanner: the scan stage. Runs every check on one subject's content
// without knowing where it came from (a walked file, an archive member, later
// a process region): filename IOCs on the subject's path (before any read),
// then hashes, hash IOCs, YARA (with the externals signature-base expects),
// C2 indicators, native checks, and the score.
// One instance per worker thread; the SignatureSet and CheckRegistry are
// shared read-only.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/dpkg_index.h"
#include "core/diagnostics.h"
#include "core/finding.h"
#include "scan/content.h"
#include "scan/hasher.h"
#include "scan/intel_context.h"
#include "scan/path_forms.h"
#include "scan/yara_scanner.h"
#include "score/score.h"
#include "signatures/literal_filter.h"
#include "signatures/signature_set.h"

namespace harrier {

struct ScanConfig {
  uint64_t max_file_size = 32ULL << 20;  // --max-file-size; larger: skipped "size"
  // --max-package-db-size: a file a native check reads by its path (a dpkg
  // status file, an rpmdb.sqlite) is read whole up to this size, above
  // --max-file-size and --block-threshold (see ReadLimit).
  uint64_t max_package_db_size = 256ULL << 20;
  bool all_files = false;                // --all-files: no type selection
  // The default selection also takes the files the loaded rules and IOCs
  // name (signatures/rule_selection.h, filename IOC matches); off with
  // --no-rule-selection.
  bool rule_selection = true;
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
  // Intel material and blocking contexts (intel_context.h).
  ContextOptions context;
  // Installed-file integrity (checks/dpkg_index.h): what dpkg recorded for
  // the Linux roots of the scan; null = not checked (--no-package-integrity).
  std::shared_ptr<const dpkg::PackageIndex> packages;
  int package_integrity_score = 65;  // Warning
  Level report_level = Level::kNotice;   // findings below are not reported
  std::vector<RootMapping> roots;        // mounted-image volume roots
  size_t keep_buffer_bytes = 64ULL << 20;  // reader buffer kept between files
  // --block-threshold: a file larger than this is read and checked as
  // blocks (scan/reader.h), so memory does not grow with file size.
  uint64_t block_threshold = 64ULL << 20;
};

struct ScanOutcome {
  bool scanned = false;                 // content read and all checks ran
  std::optional<SkipReason> skipped;    // exactly one of scanned / skipped
  uint64_t bytes = 0;                   // bytes checked
  std::optional<Finding> finding;       // level >= report_level
  // Read in full, every check ran, and no reason of any level: the only
  // outcome the --cache database may remember as clean.
  bool clean = false;
};

using FileOutcome = ScanOutcome;

class SubjectScanner {
 public:
  static Result<std::unique_ptr<SubjectScanner>> Create(std::shared_ptr<const SignatureSet> sigs,
                                                        const CheckRegistry* checks,
                                                        const ScanConfig& config);

  // Filename IOCs on the subject's path forms: a walked file's path with its
  // volume-root mapping (fills subject.display_root), an image entry's path
  // in its volume (with its drive, "C:\..."), a member's own path inside its
  // container ("/" + path, and its Windows form). Needs no content.
  std::vector<Reason> PathReasons(Subject& subject) const;
  // The path forms of a subject that PathReasons and the native checks match.
  PathForms FormsOf(const Subject& subject) const;

  // The size up to which `subject` is read whole: `limit` (the caller's
  // --max-file-size or in-memory bound), or ScanConfig::max_package_db_size
  // when that is larger and a native check reads the subject by its path.
  uint64_t ReadLimit(const Subject& subject, uint64_t limit) const;

  // The default file selection (filetype.h) for a subject whose first bytes
  // are `header`: true when it is scanned (always with --all-files).
  // Also selected: a subject whose path a filename IOC with a positive score
  // matched (`path_reasons`, its PathReasons; null: matched here), and one
  // whose name, extension or path a loaded YARA rule tests.
  bool Selected(const Subject& subject, std::span<const uint8_t> header,
                const std::vector<Reason>* path_reasons = nullptr) const;

  // Checks `content` of `subject`; `reasons` are its PathReasons. The outcome
  // carries the finding when the score reaches the report level.
  ScanOutcome Check(Subject subject, std::vector<Reason> reasons, const Content& content,
                    Diagnostics& diag);

  // Process memory: `blocks` (at virtual addresses) against the rules that
  // run on memory (signatures/yara_memory_rules.h), with no hashes, no
  // native checks and all externals empty. `reasons` are scored together
  // with what YARA finds. A block reader error or YARA timeout is an
  // outcome skipped "error" / "timeout" with the reasons found so far.
  ScanOutcome CheckMemory(Subject subject, std::vector<Reason> reasons, BlockReader& blocks,
                          Diagnostics& diag);
  // Whether any rule runs on memory (else CheckMemory finds nothing).
  bool HasMemoryRules();

  // A subject not read (`why`): scores its path reasons only.
  ScanOutcome Skipped(Subject subject, std::vector<Reason> reasons, SkipReason why) const;

  // Rule ids matched by YARA in the last Check (for differential tests).
  const std::vector<std::string>& last_yara_ids() const;
  const ScanConfig& config() const { return config_; }

 private:
  SubjectScanner(std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
                 const ScanConfig& config);
  std::optional<Finding> Finish(Finding f) const;
  std::shared_ptr<const SignatureSet> sigs_;
  const CheckRegistry* checks_;
  const ScanConfig& config_;
  Hasher hasher_;
  // The scanner for this content's class (partitioned sets) or the one
  // scanner of the whole rule set (--yara-reference, block content, or no
  // partition).
  Result<YaraScanner*> ScannerFor(std::span<const uint8_t> data);
  Result<YaraScanner*> WholeScanner();
  // The C2 indicators behind the generated harrier_c2 rules (shares ownership
  // of the signature set).
  std::shared_ptr<const std::vector<C2Ioc>> C2List() const {
    return std::shared_ptr<const std::vector<C2Ioc>>(sigs_, &sigs_->c2);
  }
  std::unique_ptr<YaraScanner> yara_;
  std::unique_ptr<YaraScanner> memory_yara_;  // made on the first CheckMemory
  bool memory_unavailable_ = false;           // no rule runs on memory
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
  YaraScanner* last_yara_ = nullptr;   // the scanner of the last Check, if it ran YARA
  std::vector<std::string> no_ids_;
};

}  // namespace harrier
