// Partitioned YARA rule sets: the fast path of a scan (issue 5), at run
// time. The plan (yara_partition_plan.h) sorts files into classes by their
// first bytes and their size and says which rules each class's set holds;
// YaraPartition holds the plan, compiles or loads each class's set (and its
// lean variant for the literal prefilter) on first use, and picks the set
// of a file. Why each file is scanned with exactly one set and still gets
// the matches of the whole set: the soundness contract in
// yara_partition_plan.h.
// Thread-safety: immutable after construction; shared by all workers.
#pragma once

#include <cstdint>
#include <atomic>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/diagnostics.h"
#include "signatures/yara_partition_plan.h"
#include "signatures/yara_prefilter.h"
#include "signatures/yara_rules.h"

namespace harrier {

// The partitioned sets of one signature set. Sets are compiled (or loaded
// from the compiled-rules cache) on first use, so a scan pays only for the
// classes its files fall into: startup reads one small plan file when the
// cache is warm, and memory holds only the sets in use.
//
// Cache layout (in the compiled-rules cache folder): with KEY = the
// signature digest + the plan limits (PartitionOptions) + kPartitionFormat,
// part-KEY.meta (plan, class -> set map, statistics) and part-KEY-<set>.yarc,
// each written with WriteFileAtomically; the 4 newest keys are kept
// (rules_cache.h). A missing or unreadable set file is compiled again.
// Thread-safety: Set() may be called from any thread; everything else is
// immutable after Create.
class YaraPartition {
 public:
  struct Options {
    std::string cache_dir;  // empty: no cache
    std::string digest;     // signature digest (cache key, with the plan limits)
    PartitionOptions plan;  // limits of the plan
    // Lean sets leave out the prefilter rules whose gate literals are all
    // at least this long (rare in benign files; measured in
    // docs/performance.md), besides the slow ones. 0: only the slow ones.
    size_t lean_gate_min = 16;
  };
  // Uses the cached plan when there is one, else analyses `sources` now.
  // `fallback` (the unpartitioned rules) serves any set that fails to
  // compile, and gives the extra externals to define.
  static std::shared_ptr<const YaraPartition> Create(std::vector<YaraSource> sources,
                                                     YaraRulesHandle fallback,
                                                     const Options& opts);

  const PartitionPlan& plan() const { return plan_; }
  size_t set_count() const { return set_count_; }
  const std::vector<uint32_t>& set_of_class() const { return set_of_class_; }
  size_t set_index_for(std::span<const uint8_t> data) const {
    return set_of_class_[plan_.ClassOf(data)];
  }
  // The rules of set `idx`, compiled or loaded on first use.
  std::shared_ptr<const YaraRules> Set(size_t idx) const;
  // A private copy of the lean variant of set `idx` (loaded from the cache,
  // or compiled) for one worker that switches its rules on and off: the
  // set without the prefilter rules of LeanLeftOut, for files in which none
  // of their gate literals occurs; null when it does not compile; compiled on first use and cached as
  // part-KEY-<set>-lean-<digest of the left-out rule names>.yarc, so that a
  // change of the prefilter analysis can never load a stale lean set.
  std::shared_ptr<const YaraRules> PrivateLeanCopy(size_t idx) const;
  // The prefilter rules left out of the lean sets (namespace + '\0' +
  // name): the slow ones and those gated by long literals only
  // (Options::lean_gate_min). Leaving a rule out saves its strings in the
  // search, their verification and its condition; a file in which one of
  // their gate literals occurs takes the whole class set instead.
  const std::unordered_set<std::string>& LeanLeftOut() const;
  // Statistics; sets_failed counts the sets replaced by the fallback so far.
  PartitionStats stats() const;
  bool plan_from_cache() const { return plan_from_cache_; }
  // The analysis result (runs it if the plan came from the cache).
  const PartitionSources& Sources() const;
  // The prefilter rules of the whole rule set (yara_prefilter.h), found on
  // first use from the sources. They keep their namespace and name in every
  // class set that holds them; each worker searches the literals of the
  // ones its set holds.
  const std::vector<PrefilterRule>& PrefilterRules() const;

 private:
  struct Slot {
    std::once_flag once;
    std::shared_ptr<const YaraRules> rules;
  };
  std::shared_ptr<const YaraRules> Build(size_t idx) const;
  // Set `idx` (or its lean variant) from the cache, else compiled and
  // cached; null when it cannot be had.
  std::shared_ptr<const YaraRules> LoadOrCompile(size_t idx, bool lean) const;
  const std::string& LeanDigest() const;  // of LeanLeftOut, for file names
  void SaveMeta() const;
  bool LoadMeta();

  std::vector<YaraSource> sources_;
  YaraRulesHandle fallback_;  // loaded only when a set falls back
  Options opts_;
  PartitionPlan plan_;
  size_t set_count_ = 0;
  std::vector<uint32_t> set_of_class_;
  std::vector<uint32_t> first_class_of_set_;
  PartitionStats stats_;
  bool plan_from_cache_ = false;
  mutable std::once_flag prefiltered_;
  mutable std::vector<PrefilterRule> prefilter_;
  mutable std::once_flag left_out_once_;
  mutable std::unordered_set<std::string> left_out_;
  mutable std::string left_out_digest_;  // SHA-256 of the sorted names, 16 hex
  mutable std::once_flag analysed_;
  mutable PartitionSources analysis_;
  mutable std::unique_ptr<Slot[]> slots_;
  mutable std::atomic<uint64_t> sets_failed_{0};
};

// Version of the partitioning; part of the cache key.
inline constexpr int kPartitionFormat = 2;

}  // namespace harrier
