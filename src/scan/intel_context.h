// Intel material and blocking contexts: content that names indicators
// without being an infection (docs/detections.md, "When an indicator is not
// an infection").
//
// Two questions are asked of a subject whose content matched C2 indicators
// or YARA rules, after every check ran and before it is scored:
//
//  1. Is the file intel material — a collection of indicators or signatures?
//     YARA / Sigma / Suricata rule syntax, IOC-list syntax (one indicator per
//     line, signature-base "VALUE;SCORE" lines, hash lists), STIX / MISP /
//     OpenIOC / IOC-CSV exports, Harrier's own reports (JSONL, HTML, CSV,
//     text), or at least `min_indicators` distinct loaded indicators in one
//     non-executable file that is not an activity record. Then its C2 and
//     YARA reasons are folded into one Notice reason ("indicator list /
//     signature file: N indicators") that names them and says why.
//  2. Does each C2 indicator occur only in a blocking context (a hosts entry
//     to 0.0.0.0 / 127.x / ::, dnsmasq address=/x/0.0.0.0, Unbound local-zone
//     / local-data, an RPZ CNAME ., a squid ACL used by http_access deny, an
//     iptables / nft / ufw / route drop rule, an adblock ||x^ line)? Then the
//     reason keeps score 0 as evidence and one Notice reason says the host
//     blocks it: evidence of defence, not of compromise.
//
//  3. Outside activity records: does each remaining C2 indicator occur only
//     in sentences (IsProseLine) or blocking lines? Then it is a mention in
//     notes or documentation: score 0 as evidence, one Notice reason.
// Executables (EXE, ELF, Mach-O) are never intel material, and activity
// records (shell and browser histories, logs, SQLite databases, the hosts
// file) never count as collections: there one C2 indicator is a trace.
// Hash, filename and native-check reasons are never changed.
// Thread-safety: pure functions.
#pragma once

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/finding.h"

namespace harrier {

struct ContextOptions {
  // Off: every reason keeps its score (--no-intel-context).
  bool enabled = true;
  // Distinct loaded indicators (C2 indicators found + hash IOC values written
  // in the text) that make a non-executable, non-activity file a collection
  // (--intel-min-indicators).
  size_t min_indicators = 4;
  // IOC-list syntax: at least this many list lines, and at least this
  // fraction of the file's non-blank, non-comment lines.
  size_t min_list_lines = 2;
  double list_line_fraction = 0.5;
  // Only this many bytes from the start are read for syntax (a marker or a
  // rule header further in is not seen; indicators are counted everywhere).
  size_t max_syntax_bytes = 4u << 20;
  // The score of the one reason that replaces the folded reasons (Notice).
  int material_score = 45;
  // The score of the one reason for indicators in blocking contexts (Notice).
  int blocked_score = 40;
  // The score of the one reason for indicators mentioned only in prose
  // sentences of a document (Notice).
  int mention_score = 40;
};

enum class MaterialKind {
  kNone = 0,
  kYaraRules,       // YARA rule source
  kDetectionRules,  // Sigma, Suricata / Snort rules
  kIocList,         // one indicator per line, signature-base IOC lines
  kIntelExport,     // STIX, MISP, OpenIOC, IOC CSV
  kHarrierReport,   // Harrier's own JSONL / HTML / CSV / text report
  kCollection,      // many distinct loaded indicators in one document
};
std::string_view MaterialKindName(MaterialKind k);  // "yara_rules", ...

struct MaterialVerdict {
  MaterialKind kind = MaterialKind::kNone;
  std::string evidence;  // why, for the finding ("12 YARA rule headers ...")
};

// Files whose content records what the host did: shell / REPL histories,
// browser histories and other SQLite databases, logs (*.log, *.log.N,
// files below a log/ or logs/ folder, access_log, syslog, journal files),
// packet captures, and the hosts file. `name` is the file name, `path` the
// full path (any separator), `filetype` the DetectFileType name.
bool IsActivityRecord(std::string_view name, std::string_view path, std::string_view filetype);

// Whether `line` reads as a sentence of prose (notes, a report,
// documentation) rather than a log entry, a command, code or configuration:
// after quote / list / heading markers and without markdown code spans, at
// least 6 words of letters that make up at least half of its tokens; no
// leading date, time, address, epoch, '[' or syslog month and no hh:mm:ss
// anywhere (a log line); no shell operator, option (-x, --x), assignment (=), call (name(),
// "$(" or block brace (code). docs/detections.md.
bool IsProseLine(std::string_view line);

// Executables by type name (never intel material).
bool IsExecutableType(std::string_view filetype);

// Classification by syntax alone (no indicators needed); kCollection is
// never returned here.
MaterialVerdict DetectMaterialSyntax(std::span<const uint8_t> data, const ContextOptions& opts);

// Whether `line` (one line of ASCII text, no line end) uses `indicator` in a
// blocking context; `text` is the whole file (for squid: is the ACL used by
// an http_access deny?). Returns the context's name ("hosts sinkhole",
// "dnsmasq address", "unbound local-zone", "unbound local-data", "rpz",
// "squid deny acl", "firewall drop rule", "adblock filter") or "" when it is
// not one. Comparisons ignore ASCII case.
std::string BlockingContext(std::string_view line, std::string_view indicator,
                            std::string_view text);

// Distinct values in `data` that look like MD5 / SHA1 / SHA256 hex digests
// (a whole hex word of 32, 40 or 64 characters) and for which `known`
// returns true, in order of first occurrence (at most `max` values).
template <typename Known>
std::vector<std::string> KnownHashStrings(std::span<const uint8_t> data, Known known,
                                          size_t max = 100000);

// Rewrites `f`'s reasons (before scoring) as the header describes. `data` is
// the content every check read; `known_hashes` counts hash IOC values
// written in it (a callable taking a lowercase hex string).
struct ContextInput {
  std::span<const uint8_t> data;
  std::string_view name, path, filetype;
};
void ApplyIntelContext(Finding& f, const ContextInput& in,
                       const std::function<bool(const std::string&)>& known_hash,
                       const ContextOptions& opts);

// ---- implementation of the template ----
namespace intel_detail {
inline bool IsHex(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
inline bool IsWordByte(uint8_t c) {
  return IsHex(c) || (c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z') || c == '_';
}
}  // namespace intel_detail

template <typename Known>
std::vector<std::string> KnownHashStrings(std::span<const uint8_t> data, Known known, size_t max) {
  std::vector<std::string> out;
  size_t i = 0;
  const size_t n = data.size();
  while (i < n && out.size() < max) {
    if (!intel_detail::IsHex(data[i]) || (i > 0 && intel_detail::IsWordByte(data[i - 1]))) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < n && intel_detail::IsHex(data[j])) ++j;
    size_t len = j - i;
    bool word_end = j == n || !intel_detail::IsWordByte(data[j]);
    if (word_end && (len == 32 || len == 40 || len == 64)) {
      std::string h(reinterpret_cast<const char*>(data.data() + i), len);
      for (char& c : h) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      if (known(h)) {
        bool seen = false;
        for (const auto& o : out) seen = seen || o == h;
        if (!seen) out.push_back(std::move(h));
      }
    }
    i = j;
  }
  return out;
}

}  // namespace harrier
