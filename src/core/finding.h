// The Finding model shared by checks, scoring and reporters, plus the
// per-scan summary. Plain values; safe to move between threads.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/subject.h"

namespace harrier {

// Verdict levels, ordered. Thresholds live in ScoreOptions (score/score.h).
enum class Level { kNone = 0, kNotice = 1, kWarning = 2, kAlert = 3 };
std::string_view LevelName(Level level);         // "none", "notice", ...
std::string_view LevelLabel(Level level);        // "CLEAN", "NOTICE", ...

// Why a file or member was not (fully) scanned. Every file and member seen is
// either scanned or counted under exactly one of these.
enum class SkipReason {
  kSize = 0,      // larger than --max-file-size
  kType,          // not selected by the default file selection (see --all-files)
  kExcluded,      // --exclude / exclude file / own signature or report paths
  kPermission,    // EACCES/EPERM on open or read
  kSpecialFile,   // FIFO, socket, block/char device
  kSymlink,       // symlink not followed (default)
  kPseudoFs,      // directory on proc/sysfs/devtmpfs/... (counted per mount)
  kOtherFs,       // --one-file-system boundary (counted per mount)
  kNetworkFs,     // nfs/cifs/sshfs/... (counted per mount)
  kTimeout,       // YARA per-file timeout hit (hash/name checks still ran)
  kError,         // vanished, changed during read, I/O error
  // Members of archives and installers (sources/archive_source.h):
  kEncrypted,     // encrypted member (no password is tried)
  kUnsupported,   // format, compression or filter the libraries cannot read
  kCorrupt,       // truncated or malformed container: members after the damage
  kDepth,         // nested deeper than --archive-max-depth
  kRatio,         // expands beyond --archive-max-ratio of its compressed size
  kLimit,         // --archive-max-members or --archive-max-total reached
  // Entries of disk images (sources/image_source.h):
  kUnrecoverable, // a deleted file whose content is gone (--deleted)
  // Listed by the walk, no longer there when opened (temporary files of
  // running programs). Counted, not a gap: nothing that exists went unread.
  kVanished,
  kCount
};
constexpr size_t kSkipReasonCount = static_cast<size_t>(SkipReason::kCount);
std::string_view SkipReasonName(SkipReason r);  // "size", "type", ...
// Non-zero counts by reason as one line, "3 size, 1 permission" ("" when
// all are zero), in reason order. For summaries.
std::string SkipCountsText(const std::array<uint64_t, kSkipReasonCount>& counts);

struct StringHit {
  std::string identifier;  // "$s1"
  uint64_t offset = 0;
  std::string data;        // raw bytes, capped (see kMaxHitBytes)
};

// What kind of evidence a Reason is.
enum class ReasonKind { kHash = 0, kFilename, kYara, kC2, kCheck };
std::string_view ReasonKindName(ReasonKind k);  // "hash", "filename", "yara", "c2", "check"
// The kind named `name` (as ReasonKindName prints it); kYara when unknown.
ReasonKind ReasonKindFromName(std::string_view name);

// One reason a subject scored: a hash IOC, a filename IOC, a YARA rule, a C2
// indicator in the content, or a native check.
struct Reason {
  ReasonKind kind = ReasonKind::kYara;
  std::string name;         // rule name, IOC value or check id
  std::string description;
  int score = 0;            // sub-score, may be negative for filename IOCs
  std::string source;       // where the signature came from: "file:line"
  std::vector<StringHit> strings;  // capped
  std::string remediation;  // what the admin should do; may be empty
  std::vector<std::pair<std::string, std::string>> details;  // extra evidence
  // Where the signature is documented: each YARA meta `reference` /
  // `references` (a value made only of URLs is split into them), and the
  // URLs in an IOC's description. May be empty.
  std::vector<std::string> references;
  // The other signature files that load the same indicator ("file:line",
  // a YARA rule's namespace), in load order: a copy of a built-in IOC in a
  // --signatures folder, the `\\` and `/` twins of one filename pattern.
  // Such reasons are merged into this one and counted once
  // (MergeDuplicateReasons, score/score.h).
  std::vector<std::string> also_from;
};

// The http(s) URLs in `text`, in order, each once; a URL ends at white
// space, a quote, '<', '>' or ';', and trailing ".,)]" are not part of it.
std::vector<std::string> UrlsIn(std::string_view text);
// A YARA `reference` meta as Reason::references entries: the URLs when the
// value holds nothing else (separated by white space, ',' or ';'), else the
// trimmed value as one entry ("" gives none).
std::vector<std::string> ReferencesFromMeta(std::string_view value);

struct Hashes {
  std::string md5, sha1, sha256;  // lowercase hex; empty if not read
};

struct Finding {
  Subject subject;
  // The host it was found on when read back from a report (`harrier
  // report`); empty in a live scan, whose reporters take ScanInfo::hostname.
  std::string host;
  Hashes hashes;
  std::string filetype;     // e.g. "EXE", "ELF"; empty if unknown
  std::vector<Reason> reasons;  // sorted by score, descending
  double score = 0;
  Level level = Level::kNone;
  // Set when a false-positive filter or a hash allow-list entry holds the
  // finding back: it is counted in the summary (ScanSummary::suppressed),
  // never reported. The value names why: "filter FILE:LINE" or "allow-list
  // FILE:LINE". Empty: reported.
  std::string suppressed_by;
  bool allowlisted = false;  // suppressed by a hash allow-list entry
  // Reasons a per-rule false-positive filter removed from this finding
  // (counted in ScanSummary::suppressed.reasons).
  uint32_t filtered_reasons = 0;
};

// Findings held back by false-positive filters and hash allow-lists
// (docs/signatures.md, "False-positive filters"): counted, never dropped
// silently.
struct SuppressedCounts {
  uint64_t by_filter = 0;     // whole findings a regex filter matched
  uint64_t by_allowlist = 0;  // findings of files whose hash is allow-listed
  uint64_t reasons = 0;       // reasons a per-rule filter removed
  uint64_t total() const { return by_filter + by_allowlist; }
};

struct RuleStats {
  uint64_t yara_files = 0, yara_files_failed = 0, yara_rules = 0;
  uint64_t hash_iocs = 0, filename_iocs = 0, c2_iocs = 0, fp_hashes = 0;
  uint64_t fp_filters = 0;           // false-positive regex filters loaded
  uint64_t ioc_lines_failed = 0;
  std::vector<std::string> sources;  // signature folders, in load order
  std::vector<std::string> packs;    // incident pack ids, in load order
  std::string digest;                // content digest of all signatures
  bool rules_from_cache = false;     // YARA rules loaded from the compiled-rules cache
};

// What the live checks of a running host covered (harrier scan --live).
// Invariant: processes_seen == processes_scanned + skipped total + exited.
struct LiveSummary {
  bool processes = false;  // process checks ran (executables, anomalies)
  bool memory = false;     // process memory was scanned with YARA
  bool network = false;    // sockets and the hosts file were checked
  uint64_t processes_seen = 0;
  uint64_t processes_scanned = 0;  // every enabled check of the process ran
  // Not (fully) checked: permission (another user's process without root),
  // timeout (--process-timeout), error, excluded (Harrier itself).
  std::array<uint64_t, kSkipReasonCount> skipped{};
  uint64_t exited = 0;             // gone before it was checked (or its PID reused)
  uint64_t executables = 0;        // distinct executables given the file checks
  uint64_t regions = 0;            // memory regions read
  uint64_t regions_skipped = 0;    // regions not read (file images, devices; docs/scanning.md)
  uint64_t memory_bytes = 0;       // bytes of process memory scanned
  uint64_t connections = 0;        // TCP/UDP sockets checked, all namespaces
  uint64_t connections_unmapped = 0;  // of those, not mapped to a process
  uint64_t namespaces = 0;         // network namespaces read
  uint64_t namespaces_skipped = 0; // network namespaces not readable (permission)
  uint64_t hosts_entries = 0;      // names checked in the hosts file
  double duration_s = 0;

  bool ran() const { return processes || memory || network; }
  uint64_t skipped_total() const;
};

struct ScanSummary {
  // Invariants: files_seen == files_scanned + skipped_total();
  // members_seen == members_scanned + skipped_members_total().
  uint64_t files_seen = 0;      // regular + special + symlinks met by the walk
  uint64_t files_scanned = 0;   // content read and checked
  // Of files_scanned: known clean from the --cache database (same path,
  // dev, inode, size, mtime, ctime, signature digest) and not read again.
  uint64_t files_from_cache = 0;
  uint64_t bytes_scanned = 0;
  uint64_t dirs_seen = 0;
  std::array<uint64_t, kSkipReasonCount> skipped{};       // files, by reason
  std::array<uint64_t, kSkipReasonCount> skipped_dirs{};  // directories/mounts not entered
  // Inside archives and installers (all nesting levels together).
  uint64_t containers_opened = 0;  // files and members read as a container
  uint64_t members_seen = 0;
  uint64_t members_scanned = 0;
  uint64_t member_bytes_scanned = 0;  // uncompressed bytes checked
  std::array<uint64_t, kSkipReasonCount> skipped_members{};
  // Disk images (--image): the images read, their volumes (partitions, or
  // the whole image for a bare file system) and the entries of their file
  // systems (files and NTFS data streams). Archives inside images count as
  // containers and members above.
  struct Images {
    uint64_t opened = 0;       // images libtsk read
    uint64_t failed = 0;       // images that could not be opened (an error each)
    uint64_t volumes = 0;      // volumes seen
    uint64_t filesystems = 0;  // file systems walked
    std::array<uint64_t, kSkipReasonCount> skipped_volumes{};  // not walked, by reason
    uint64_t entries_seen = 0;
    uint64_t entries_scanned = 0;
    uint64_t entry_bytes_scanned = 0;
    std::array<uint64_t, kSkipReasonCount> skipped_entries{};
    uint64_t deleted_scanned = 0;  // of entries_scanned: deleted files (--deleted)
    uint64_t skipped_entries_total() const;
  } images;
  uint64_t errors = 0;          // diagnostics of severity error during the scan
  std::array<uint64_t, 4> findings{};  // by Level
  SuppressedCounts suppressed;         // findings held back by FP filters / allow-lists
  double duration_s = 0;
  bool interrupted = false;
  RuleStats rules;
  // Delivery of the live event stream (--syslog), filled in by its reporter
  // just before End (Reporter::AddDeliveryStats). Drops do not make the scan
  // incomplete: the scan itself is whole, only the forwarding lost events.
  struct Forwarding {
    bool enabled = false;
    uint64_t sent = 0;      // messages handed to the socket
    uint64_t dropped = 0;   // queue full, collector unreachable or too slow
  } syslog;
  // The live checks (processes, memory, network); ran() false for a scan of
  // paths only.
  LiveSummary live;
  // Reports that could not be written completely so far ("FILE: write: No
  // space left on device"), filled in by MultiReporter just before End so
  // that the reports that still work say so. Such a scan ends with exit
  // code kExitOutputError whatever the verdict.
  std::vector<std::string> output_errors;

  uint64_t skipped_total() const;
  uint64_t skipped_members_total() const;
  // Incomplete: interrupted, errors, files or members we could not check
  // (permission, timeout, error skips), or directories we could not enter
  // (permission, error); in disk images also entries libtsk could not read
  // (corrupt) and volumes with no or an unsupported file system, an
  // encrypted one, or a damaged one; processes we could not check. Size, type, exclusion and archive-limit
  // skips, and deleted files whose content is gone, are choices or facts,
  // not gaps: they are counted but do not make a scan incomplete.
  bool incomplete() const;
};

// The verdict of a scan, derived in exactly one place (VerdictFor); every
// report prints it and the exit code follows it. Findings win over
// incompleteness: a scan that found an Alert and could not read a file is
// an Alert.
enum class Verdict { kClean = 0, kIncomplete, kWarning, kAlert };
Verdict VerdictFor(const ScanSummary& s);
std::string_view VerdictName(Verdict v);  // "clean", "incomplete", "warning", "alert"
// The verdict named `name`, or kIncomplete when unknown (a report that cannot
// say is not clean).
Verdict VerdictFromName(std::string_view name);

// Exit codes (README): findings win over incompleteness.
constexpr int kExitClean = 0;
constexpr int kExitFindings = 1;
constexpr int kExitUsage = 2;
constexpr int kExitIncomplete = 3;
// A requested report (--jsonl, --html, --csv, or stdout) could not be
// written completely: results were lost. Wins over every other code.
constexpr int kExitOutputError = 4;
int ExitCodeFor(Verdict v);
int ExitCodeFor(const ScanSummary& s);

}  // namespace harrier
