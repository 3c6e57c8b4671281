// The YARA rules whose condition can take long to evaluate, and the rule set
// without them that the retry after a timeout scans with
// (scan/yara_scanner.h, YaraLimits).
//
// libyara reports no rule of a scan that timed out, not even the rules it
// had already found matching (it calls back only after evaluating every
// condition). The scanner therefore evaluates the file once more with the
// whole rule set less these rules:
//  * every rule with a loop (`for ... in`, `for ... of`): the only
//    construct whose cost is not bounded by the size of the file or the
//    number of string matches (`for all i in (0..filesize)` nested twice
//    runs for hours on a 1 MB file);
//  * so that the others never gain a match by it, every rule of the same
//    namespace that names one of those (directly or through others: with
//    the rule gone it would not compile, and with it undefined it could
//    only lose a match anyway); and every rule of a namespace whose global
//    rule is one of them (a global rule left out would no longer veto its
//    namespace), or of a source the splitter cannot read (yara_source.h).
// The retry set is compiled from the sources, not copied from a compiled
// set: yr_rules_save_stream rewrites the arena's pointers while it writes,
// under the feet of the scanners of a shared set.
// Thread-safety: every method may be called from any thread; the analysis
// and the retry set are made once, on first use (a scan without timeouts
// never pays for them).
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "signatures/yara_rules.h"

namespace harrier {

class LongRunningRules {
 public:
  // `sources` as compiled (YaraSource::name is the namespace).
  explicit LongRunningRules(std::vector<YaraSource> sources);
  // Whether the rule `name` of namespace `ns` is one of them.
  bool Contains(std::string_view ns, std::string_view name) const;
  // Every one of them, as namespace + '\0' + name, plus namespace + '\0' +
  // '*' for a whole namespace, sorted (for tests and diagnostics).
  std::vector<std::string> List() const;
  // The sources without them: left-out rules are cut out, a left-out
  // namespace is dropped.
  std::vector<YaraSource> RetrySources() const;
  // RetrySources compiled as CompileYara does (a file that fails is left
  // out, undefined externals are defined empty), shared by all workers;
  // null when nothing is left out (the retry would be the same scan) or it
  // cannot be compiled.
  std::shared_ptr<const YaraRules> RetryRules() const;

 private:
  void Analyse() const;

  std::vector<YaraSource> sources_;
  mutable std::once_flag analysed_;
  mutable std::unordered_set<std::string> rules_;       // ns + '\0' + name
  mutable std::unordered_set<std::string> namespaces_;  // every rule of these
  mutable std::once_flag compiled_;
  mutable std::shared_ptr<const YaraRules> retry_;
};

}  // namespace harrier
