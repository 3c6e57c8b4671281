// YaraRules: a frozen, compiled libyara rule set shared read-only by all
// scan workers (each worker creates its own scanner from it).
//
// Compilation contract:
//  * the externals signature-base rules use are defined before compiling:
//    filename, filepath, extension, filetype, owner, md5 (strings) and
//    filemode (integer); see kYaraExternals;
//  * any other identifier a file reports as undefined is defined as an empty
//    string external for that compilation, so an unknown external never
//    fails a file;
//  * each file gets its own namespace (the file's path), so rule names may
//    repeat across files as they do across independent rule sets;
//  * a file that does not compile is reported (file:line: message) and left
//    out; every other file still loads.
// Thread-safety: immutable after CompileYara returns.
#pragma once

#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/status.h"

struct YR_RULES;
struct _YR_COMPILER;
typedef struct _YR_COMPILER YR_COMPILER;

namespace harrier {

struct YaraExternal {
  const char* name;
  bool is_integer;
};
inline constexpr YaraExternal kYaraExternals[] = {
    {"filename", false}, {"filepath", false}, {"extension", false}, {"filetype", false},
    {"owner", false},    {"md5", false},      {"filemode", true},
};

// RAII for yr_initialize/yr_finalize (reference counted by libyara).
class YaraLibrary {
 public:
  YaraLibrary();
  ~YaraLibrary();
  YaraLibrary(const YaraLibrary&) = delete;
  YaraLibrary& operator=(const YaraLibrary&) = delete;
  bool ok() const { return ok_; }

 private:
  bool ok_ = false;
};

struct YaraSource {
  std::string name;   // path for diagnostics; also the namespace
  std::string text;   // rule source
};

struct YaraCompileStats {
  uint64_t files = 0;
  uint64_t files_failed = 0;
  uint64_t rules = 0;
  std::vector<std::string> auto_externals;  // undefined identifiers defined empty
  std::vector<bool> source_ok;  // per source: compiled (in the final set)
};

class YaraRules {
 public:
  ~YaraRules();
  YR_RULES* get() const { return rules_; }
  uint64_t rule_count() const { return rule_count_; }
  // Names of extra string externals defined while compiling (beyond
  // kYaraExternals); scanners define them empty too.
  const std::vector<std::string>& extra_externals() const { return extra_; }

  // Serialised rules (yr_rules_save_stream format) for the compiled-rules
  // cache. REQUIRES: no scanner uses this set yet (libyara rewrites the
  // arena's pointers while it writes).
  Result<std::string> Serialize() const;
  // Rules from Serialize()'s bytes; Corrupt when libyara refuses them.
  static Result<std::shared_ptr<const YaraRules>> Deserialize(std::string_view bytes,
                                                              std::vector<std::string> extra);

 private:
  friend Result<std::shared_ptr<const YaraRules>> CompileYara(const std::vector<YaraSource>&,
                                                              Diagnostics&, YaraCompileStats*);
  friend Result<std::shared_ptr<const YaraRules>> CompileYaraStrict(
      const std::vector<YaraSource>&, const std::vector<std::string>&);
  YaraRules(YR_RULES* r, std::vector<std::string> extra);
  // Takes the rules out of a compiler that compiled without errors.
  static Result<std::shared_ptr<const YaraRules>> Freeze(YR_COMPILER* compiler,
                                                         std::shared_ptr<YaraLibrary> lib,
                                                         std::vector<std::string> extra,
                                                         YaraCompileStats& stats);
  std::shared_ptr<YaraLibrary> lib_;
  YR_RULES* rules_ = nullptr;
  uint64_t rule_count_ = 0;
  std::vector<std::string> extra_;
};

// A handle on a whole rule set that may be loaded on first use: the
// compiled-rules cache gives the scanner its rule count and extra externals
// at startup and the rules themselves only when something needs them (the
// fast path usually does not: it scans with the partitioned sets). Copies
// share one state. Thread-safety: rules() may be called from any thread.
class YaraRulesHandle {
 public:
  YaraRulesHandle() = default;
  YaraRulesHandle(std::shared_ptr<const YaraRules> rules);  // NOLINT: loaded already
  // `load` runs at most once, on the first rules(); it returns null when the
  // rules cannot be had (then rules() is null).
  static YaraRulesHandle Lazy(std::function<std::shared_ptr<const YaraRules>()> load,
                              uint64_t rule_count, std::vector<std::string> extra);
  // True when there is a rule set (loaded or not).
  explicit operator bool() const { return state_ != nullptr; }
  std::shared_ptr<const YaraRules> rules() const;
  operator std::shared_ptr<const YaraRules>() const { return rules(); }  // NOLINT
  const YaraRules* operator->() const { return rules().get(); }
  // Known without loading.
  uint64_t rule_count() const;
  const std::vector<std::string>& extra_externals() const;
  bool loaded() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Compiles all sources. Returns an error Status only when nothing usable
// could be built (e.g. libyara failed to initialise); bad files are
// diagnostics. An empty source list yields an empty (valid) rule set.
Result<std::shared_ptr<const YaraRules>> CompileYara(const std::vector<YaraSource>& sources,
                                                     Diagnostics& diag,
                                                     YaraCompileStats* stats);

// Compiles sources that are known to compile (e.g. rewritten from a set
// CompileYara accepted) with the given extra string externals. Any error
// fails the whole set; nothing is reported.
Result<std::shared_ptr<const YaraRules>> CompileYaraStrict(const std::vector<YaraSource>& sources,
                                                           const std::vector<std::string>& extra);

}  // namespace harrier
