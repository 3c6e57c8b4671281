// Loading signature folders in the signature-base / LOKI / THOR layout:
//
//   DIR/yara/**.yar|.yara      YARA rules (recursive)
//   DIR/iocs/**                IOC files; the file name picks the parser:
//                              "falsepositive" > "hash" > "filename" > "c2"
//   DIR/config/*false_positive*, DIR/config/*fp-filter*   (LOKI layout)
//                              false-positive filters (fp_filter.h)
//
// Files named *falsepositive* / *false_positive* / *fp-filter* / *fp_filter*
// hold hash allow-list lines and regex filter lines (fp_filter.h).
//
// A folder with neither yara/ nor iocs/ is read flat: its *.yar/*.yara files
// are rules and its other files are IOC files by name. Files that match no
// type (e.g. keywords.txt, README) are listed as ignored.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "signatures/signature_set.h"

namespace harrier {

struct LoadOptions {
  std::vector<std::string> folders;   // in order; the built-in folder first if used
  uint64_t max_rule_file_bytes = 64ULL << 20;  // larger rule/IOC files are refused
  // Compiled-rules cache folder (signatures/rules_cache.h); empty = compile
  // every time. The CLI passes DefaultCacheDir() unless --no-rules-cache.
  std::string rules_cache_dir;
  // Build the partitioned YARA sets of the fast path (yara_partition.h).
  // Off for --yara-reference, which evaluates every rule on every file.
  bool partition_yara = true;
  // YaraPartition::Options::lean_gate_min (--yara-lean-gate-min).
  size_t lean_gate_min = 16;
  // When set, the source of each class's rule set is written there as
  // set-<class>.yar (`harrier rules check --dump-partition DIR`).
  std::string partition_dump_dir;
  // --fp-filter FILE (repeatable): false-positive filter / hash allow-list
  // files (fp_filter.h) loaded after the folders. A missing file fails the
  // load; a bad line is an error diagnostic at file:line.
  std::vector<std::string> fp_filter_files;
  // Stop once stats.digest, stats.sources and packs are known: IOCs are
  // parsed (the generated C2 rules are part of the digest) but no YARA rule
  // is compiled, cached or partitioned (`harrier --version`).
  bool digest_only = false;
};

struct LoadReport {
  struct FileResult {
    std::string path;
    std::string kind;     // "yara", "hash", "fp-hash", "filename", "c2", "ignored"
    uint64_t entries = 0; // rules or IOC lines loaded (YARA: counted at the end)
    uint64_t errors = 0;
  };
  std::vector<FileResult> files;
};

// Loads and freezes. Fails only when a folder does not exist or nothing
// could be compiled at all; bad files/lines are diagnostics.
Result<std::shared_ptr<const SignatureSet>> LoadSignatures(const LoadOptions& opts,
                                                           Diagnostics& diag,
                                                           LoadReport* report = nullptr);

// The built-in rules folder: $HARRIER_RULES if set; else the rules the
// binary carries ("builtin:/rules", embedded.h) when it carries any; else next to the
// installed binary (<exe>/../share/harrier/rules); else the build tree
// (<exe>/../rules); else the source tree this binary was built from.
// Returns NotFound when none exists.
Result<std::string> FindBuiltinRules();

}  // namespace harrier
