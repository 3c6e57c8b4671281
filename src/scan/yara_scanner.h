// YaraScanner: one per worker, created from the shared frozen YaraRules and
// reused across files (YARA-X model: Rules shared, Scanner per thread).
// Thread-safety: not thread-safe; one instance per thread.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/status.h"
#include "scan/content.h"
#include "signatures/ioc.h"
#include "signatures/yara_long_running.h"
#include "signatures/yara_prefilter.h"
#include "signatures/yara_rules.h"

struct YR_SCAN_CONTEXT;

namespace harrier {

// External variable values for one file (see kYaraExternals).
struct YaraExternalValues {
  std::string filename, filepath, extension, filetype, owner, md5;
  int64_t filemode = 0;
};

struct YaraLimits {
  int timeout_s = 60;           // per file; 0 = none
  size_t max_strings = 8;       // string hits kept per rule
  size_t max_hit_bytes = 64;    // bytes kept per hit
  // libyara fast mode (SCAN_FLAGS_FAST_MODE): a string used only as a
  // boolean ($a, not #a/@a/!a/`for`) stops being searched after its first
  // match. libyara marks such strings itself (STRING_FLAGS_SINGLE_MATCH), so
  // which rules match cannot change; only the hit lists in findings get
  // shorter (the first hit per string). Off in --yara-reference.
  bool fast_mode = true;
  // libyara reports no rule of a scan that timed out (not even those it
  // had found matching). When the timeout hit while conditions were being
  // evaluated (the string search had finished) and the set holds some of
  // these rules (yara_long_running.h: the rules with loops, which are what
  // runs that long), the file is scanned once more, with a fresh timeout,
  // with the whole rule set less these rules (LongRunningRules::RetryRules,
  // compiled on the first timeout of the scan and shared). Its matches are
  // kept: a subset of what the whole set would match, which lacks any rule
  // with a loop (also one that had matched before the timeout). Null: no
  // retry. A file can so take up to twice timeout_s.
  std::shared_ptr<const LongRunningRules> long_running;
};

class YaraScanner {
 public:
  // `c2` is the indicator list the generated C2 rules (namespace
  // kC2Namespace, signature_set.h) were built from, e.g. an aliasing pointer
  // to SignatureSet::c2; null when `rules` has no generated C2 rules.
  static Result<std::unique_ptr<YaraScanner>> Create(
      std::shared_ptr<const YaraRules> rules, const YaraLimits& limits,
      std::shared_ptr<const std::vector<C2Ioc>> c2 = nullptr);
  ~YaraScanner();

  // Appends one Reason per matching rule: type "yara", score from meta
  // `score` (default 75), description, matched strings with offsets.
  // A matching generated C2 rule instead gives one Reason per string $c<i>
  // whose indicator c2[i] occurs in `data` as c2_indicator.h defines (the
  // rule's own match is only a candidate): type "c2", name, description and
  // source of c2[i], the rule's score, the places it occurs (identifier
  // "$ioc"; the first only in fast mode). C2 reasons come after all others,
  // ordered by indicator index. Returns
  // Timeout when the per-file timeout hit, with the reasons of the retry
  // without the long-running rules (YaraLimits::long_running), and other
  // errors as Status.
  Status Scan(std::span<const uint8_t> data, const YaraExternalValues& ext,
              std::vector<Reason>* out);

  // The same over non-contiguous content (libyara's block scanning): each
  // block is handed to `on_block` as YARA first reads it (e.g. to hash it),
  // so the blocks are read once for the search; conditions that look at the
  // first bytes and C2 candidates need the reader to Rewind. Strings cannot
  // match across a gap between blocks; `filesize` is blocks.size(). An error
  // of the block reader ends the scan with that error (reasons found so far
  // are kept). No retry after a timeout.
  using BlockObserver = std::function<void(const ContentBlock&)>;
  Status ScanBlocks(BlockReader& blocks, const YaraExternalValues& ext, std::vector<Reason>* out,
                    const BlockObserver& on_block);

  // Rule identifiers that matched in the last Scan (namespace:rule), for
  // differential tests against the yara CLI. A generated C2 rule appears
  // once however many of its indicators matched, and only when one did
  // (not for a candidate alone).
  const std::vector<std::string>& last_rule_ids() const { return last_ids_; }

 private:
  YaraScanner(std::shared_ptr<const YaraRules> rules, YR_SCAN_CONTEXT* s, YaraLimits limits,
              std::shared_ptr<const std::vector<C2Ioc>> c2);
  // The scanner of the retry after a timeout, made on first use; null
  // when there is none (no list, no rule of it in the set, no retry set).
  YR_SCAN_CONTEXT* RetryScanner();
  std::shared_ptr<const YaraRules> rules_;
  YR_SCAN_CONTEXT* scanner_;
  YaraLimits limits_;
  std::shared_ptr<const std::vector<C2Ioc>> c2_;
  // The retry after a timeout: the shared retry set and this worker's
  // scanner of it; made on the first retry.
  std::shared_ptr<const YaraRules> retry_rules_;
  YR_SCAN_CONTEXT* retry_scanner_ = nullptr;
  bool retry_unavailable_ = false;
  std::vector<std::string> last_ids_;
  // C2 reasons of the current Scan, keyed by indicator index (reused).
  std::vector<std::pair<size_t, Reason>> c2_reasons_;
};

// Switches the prefilter rules (yara_prefilter.h) of one worker's private
// copy of a rule set (YaraRules::Clone) on and off. Rules of the prefilter
// that the set does not hold are ignored.
// Thread-safety: not thread-safe; the copy must not be shared.
class YaraRuleSwitch {
 public:
  YaraRuleSwitch(const YaraRules& copy, const std::vector<PrefilterRule>& rules);
  // Enables exactly the prefilter rules r with enable[r] != 0 (all others
  // of the set stay as they are: enabled). Touches only rules that change.
  void Apply(const std::vector<uint8_t>& enable);
  YaraRuleSwitch(YaraRuleSwitch&&) = default;
  size_t mapped() const { return mapped_; }
  // Indices (into the constructor's vector) of the rules the set holds.
  std::vector<size_t> mapped_indices() const {
    std::vector<size_t> v;
    for (size_t i = 0; i < rule_.size(); ++i)
      if (rule_[i]) v.push_back(i);
    return v;
  }
  // A switch over the rules `indices` of this one, in that order, followed
  // by `absent` rules the set does not hold (without mapping names again).
  YaraRuleSwitch Select(const std::vector<size_t>& indices, size_t absent) const;

 private:
  YaraRuleSwitch() = default;
  std::vector<void*> rule_;       // YR_RULE* per prefilter rule, or null
  std::vector<uint8_t> enabled_;  // current state per prefilter rule
  size_t mapped_ = 0;
};

constexpr int kDefaultYaraScore = 75;

}  // namespace harrier
