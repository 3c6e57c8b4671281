// Compiled-rules cache: the YARA rules compiled from a signature set, saved
// with yr_rules_save and keyed by the signature digest
// (SignatureSet.stats.digest: the content and relative path of every loaded
// signature file plus Harrier's and libyara's versions). A warm start loads
// the saved rules instead of compiling (see docs/performance.md for times).
//
// Layout: DIR/rules-<digest>.yarc (yr_rules_save format) and
// DIR/rules-<digest>.meta (text: format version, YARA file count, rule
// count, generated C2 rule count, the extra externals defined while
// compiling). Both are sealed files (see WriteSealedFile below): written to
// temporary names and renamed, so a crashed or concurrent writer never
// leaves a torn entry; an entry that is corrupt, unsealed, or writable by
// others is treated as a miss and rewritten. Only the
// 4 newest entries are kept (older ones are deleted when one is written).
// Only sets in which every YARA file compiled are saved, so diagnostics of
// broken rule files are shown on every run.
//
// Default DIR: $XDG_CACHE_HOME/harrier, else ~/.cache/harrier
// (`--no-rules-cache` disables it).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "signatures/yara_rules.h"

struct evp_md_ctx_st;

namespace harrier {

std::string DefaultCacheDir();

// Streaming SHA-256 for cache keys: each Add is length-prefixed, so
// ("ab", "c") and ("a", "bc") differ. Not copyable.
class CacheDigest {
 public:
  CacheDigest();
  ~CacheDigest();
  CacheDigest(const CacheDigest&) = delete;
  CacheDigest& operator=(const CacheDigest&) = delete;
  void Add(std::string_view s);
  std::string Hex();  // lowercase hex; ends the digest

 private:
  ::evp_md_ctx_st* ctx_;  // OpenSSL EVP_MD_CTX
};

struct CachedRules {
  // Loaded on first use from the .yarc, which is opened now (so a later
  // prune or rewrite of the entry cannot take it away); a file that then
  // turns out corrupt gives null rules (YaraPartition and FileScanner treat
  // that as an error of the files that need them).
  YaraRulesHandle rules;
  uint64_t yara_files = 0;  // source files the entry was compiled from
  uint64_t c2_rules = 0;    // generated C2 rules among rules.rule_count()
};

// NotFound on a miss (also for an entry of an older format); other errors
// for unreadable or corrupt entries.
Result<CachedRules> LoadCachedRules(const std::string& dir, const std::string& digest);
Status SaveCachedRules(const std::string& dir, const std::string& digest,
                       const YaraRules& rules, uint64_t yara_files, uint64_t c2_rules);

// Sealed cache files, shared by the cache writers (this file and the
// partitioned sets, yara_partition.h). A compiled rule set decides what a
// scan can find, so a cache entry is trusted only when
//  * the file and its folder are owned by the user running the scan and
//    not writable by group or others (platform::ReadPrivateFile): another
//    user cannot plant or replace an entry; and
//  * its seal verifies: the content is followed by HMAC-SHA256 over it,
//    keyed with the signature digest the entry claims and the file's own
//    name, and the magic "HRSEAL1\n". A truncated, corrupted or swapped-in
//    file (another set's entry, another file of the same entry, a compiled
//    empty rule) fails. The digest is no secret: the seal stops mistakes
//    and naive tampering; the ownership check is what keeps other users
//    out.
// Anything else is a miss (NotFound) or an error that the caller treats as a
// miss: the rules are compiled again from the sources.
// Writing goes through platform::CreateOutputFile (0600, a temporary name
// and a rename), so a reader or a concurrent writer never sees a torn file.
Status WriteSealedFile(const std::string& path, std::string_view key, std::string_view content);
// The content of a sealed file (without its seal). NotFound when missing or
// not sealed at all (an older format); PermissionDenied for a file or folder
// others could have written; Corrupt for a seal that does not match (the
// content changed, or the entry of another signature set). `max_bytes`
// bounds the file.
Result<std::string> ReadSealedFile(const std::string& path, std::string_view key,
                                   uint64_t max_bytes);
// Checks and removes the seal of bytes read from `path` (as ReadSealedFile).
Result<std::string> Unseal(std::string bytes, const std::string& path, std::string_view key);
// The largest cache file read (a compiled rule set of signature-base is
// about 30 MB).
constexpr uint64_t kMaxCacheFileBytes = 1ull << 30;

// Deletes all but the `keep` newest entries of one kind in `dir`. An entry
// is a `<prefix>….meta` file (newest by mtime) and every file whose name
// starts with that name without ".meta"; the .meta goes first, since
// readers look for it first. Best effort: errors are ignored.
void PruneCacheEntries(const std::string& dir, std::string_view prefix, size_t keep);

}  // namespace harrier
