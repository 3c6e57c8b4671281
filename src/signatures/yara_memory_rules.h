// The YARA rules that are run on process memory, and the rule set compiled
// from them (docs/scanning.md, "Which rules run on memory").
//
// Process memory is not a file: it has no file name, no size, no header at
// offset 0, and its offsets are virtual addresses. A rule that needs any of
// that would never match there, or match by accident, so it runs on files
// only. A rule runs on memory when
//  * its meta has scan_context = "memory" (the signature-base / THOR
//    convention; any value containing "memory", e.g. "file,memory"), or
//  * it has no scan_context meta and its condition uses none of: filesize,
//    entrypoint, the integer readers (uint16(0), int32be(...), ...), a string
//    at or in a fixed place (`at`, `in`), the externals (filename, filepath,
//    extension, filetype, owner, md5, filemode), or an imported module (pe,
//    elf, math, hash, ...: they parse or hash "the file").
// A rule with scan_context meta not naming memory ("file") never does. A
// rule that names a file-only rule of its namespace is file-only too; a
// file-only global rule takes its whole namespace off memory; and so does a
// source the splitter cannot read. The generated C2 rules (kC2Namespace) are
// not run on memory: C2 indicators are checked against the connections and
// the hosts file instead, since a process's memory holds every name it has
// merely seen (a browser, a resolver, a log shipper).
// Thread-safety: every method may be called from any thread; the analysis
// and the compiled set are made once, on first use (a scan of files never
// pays for them).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "signatures/yara_rules.h"

namespace harrier {

class MemoryRules {
 public:
  // `sources` as compiled (YaraSource::name is the namespace).
  explicit MemoryRules(std::vector<YaraSource> sources);
  // Whether the rule `name` of namespace `ns` runs on memory.
  bool RunsOnMemory(std::string_view ns, std::string_view name) const;
  // The sources cut down to the rules that run on memory (namespaces with
  // none are dropped).
  std::vector<YaraSource> MemorySources() const;
  // MemorySources compiled as CompileYara does (a file that fails is left
  // out, undefined externals are defined empty), shared by all workers;
  // null when no rule runs on memory.
  std::shared_ptr<const YaraRules> Rules() const;
  // How many rules run on memory / were left out (after the analysis).
  size_t memory_rules() const;
  size_t file_only_rules() const;

 private:
  void Analyse() const;

  std::vector<YaraSource> sources_;
  mutable std::once_flag analysed_;
  mutable std::unordered_set<std::string> memory_;     // ns + '\0' + name
  mutable size_t file_only_ = 0;
  mutable std::once_flag compiled_;
  mutable std::shared_ptr<const YaraRules> rules_;
};

}  // namespace harrier
