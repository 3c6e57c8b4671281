// Partitioned YARA rule sets, the analysis: how files are sorted into
// classes and which rules each class's set holds, built from the rule
// sources (issue 5). The sets themselves are compiled, cached and handed
// out by YaraPartition (yara_partition.h).
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
// Thread-safety: pure functions; PartitionPlan is a value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

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

}  // namespace harrier
