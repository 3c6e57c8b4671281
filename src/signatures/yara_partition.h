// Partitioned YARA rule sets: the fast path of a scan (issue 5).
//
// libyara evaluates every rule's condition, runs every imported module and
// searches every rule's strings on every file. Most signature-base rules can
// only match a certain kind of file (`uint16(0) == 0x5a4d and ...`,
// `filesize < 200KB and ...`, `pe.imphash() == "..."`). The partitioner
// sorts files into classes by their first bytes and their size, and builds
// one rule set per class that holds only the rules that can match some file
// of the class. Each file is scanned with exactly one set.
//
// Soundness contract (what makes the match set identical to evaluating
// every rule on every file, the --yara-reference twin):
//  * a condition is read as a tree of top-level `and` / `or` (with
//    parentheses); every other subexpression, including anything under
//    `not`, a `for`, `of` or a comparison, is a leaf;
//  * a leaf is decided for a class only when its value is the same
//    (false, or undefined) on every file of the class:
//      - magic gates `uintN[be](K) == C` (either operand order) against the
//        class's header prefix or its exclusion of the table's magics;
//      - size gates `filesize <|<=|>|>=|== N[KB|MB]` against the class's
//        size interval;
//      - leaves that use only the `pe` module, constants and their own loop
//        variables: on a file that does not start with "MZ" libyara's pe
//        module sets nothing from the data, so such a leaf has one value on
//        every non-MZ file; it is taken from libyara itself (probe rules
//        scanned against a non-MZ buffer);
//      - references to rules of the same namespace that were decided;
//  * in YARA's three-valued logic `and` / `or` treat undefined like false
//    (`U or X` = X, `U and X` = false, verified against libyara 4.2.3 in
//    tests), so a subtree that is false-or-undefined on the whole class can
//    be replaced by `false` there without changing any rule's result; a rule
//    whose root is replaced is left out of the class's set;
//  * a false global rule leaves out its whole namespace; the namespace's
//    other global rules and every rule still referenced are kept;
//  * imports no kept rule uses any more are dropped (this is where most of
//    the per-file time goes: libyara rebuilds the pe module for every file
//    of a set that imports it);
//  * a file the splitter does not understand, or a set that fails to
//    compile, falls back to the unpartitioned rules (slower, never wrong).
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
#include "signatures/yara_prefilter.h"
#include "signatures/yara_rules.h"

namespace harrier {

// How files are sorted into classes. Class index =
// type * (size_cuts.size() + 1) + bucket, where type indexes `magics` (the
// longest magic that prefixes the file) or is magics.size() ("other"), and
// bucket b holds sizes in [size_cuts[b-1], size_cuts[b]).
struct PartitionPlan {
  std::vector<std::string> magics;  // header prefixes, bytes
  std::vector<uint64_t> size_cuts;  // ascending, > 0

  size_t types() const { return magics.size() + 1; }
  size_t buckets() const { return size_cuts.size() + 1; }
  size_t classes() const { return types() * buckets(); }
  size_t ClassOf(std::span<const uint8_t> data) const;
  // "MZ/<16384" style label for diagnostics and docs.
  std::string Label(size_t cls) const;
};

struct PartitionStats {
  uint64_t files = 0;
  uint64_t files_unsplit = 0;  // kept whole in every set (splitter refused)
  uint64_t rules = 0;
  uint64_t leaves_magic = 0, leaves_size = 0, leaves_pe = 0, leaves_ref = 0;
  uint64_t probe_leaves = 0;   // distinct pe-only leaves probed
  uint64_t sets = 0;           // distinct rule sets compiled
  uint64_t sets_failed = 0;    // fell back to the unpartitioned rules
  std::vector<uint64_t> rules_per_class;
  std::vector<bool> pe_per_class;  // class set imports pe
};

// The sources of one class's rule set (one entry per namespace kept).
struct PartitionSources {
  PartitionPlan plan;
  std::vector<std::vector<YaraSource>> per_class;
  PartitionStats stats;
};

// Limits of the plan (defaults documented in docs/performance.md).
// A magic (size bound) makes a class (cut) when it gates at least
// max(min_*_rules, *_permille / 1000 of all rules): for signature-base's
// 5,883 rules that is 38 and 15 rules, for the 33 built-in rules 3 and 3.
struct PartitionOptions {
  size_t max_magics = 4;          // type classes besides "other"
  size_t min_magic_rules = 3;
  size_t magic_permille = 6;
  size_t max_cuts = 4;            // size buckets - 1
  uint64_t min_cut_rules = 3;
  size_t cut_permille = 2;
};

// Chooses the plan from the gates found in `sources` and builds each
// class's sources. `sources` are the files that compiled together (the
// reference set), with the same namespaces.
PartitionSources PartitionYaraSources(const std::vector<YaraSource>& sources,
                                      const PartitionOptions& opts = {});

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
inline constexpr int kPartitionFormat = 1;

}  // namespace harrier
