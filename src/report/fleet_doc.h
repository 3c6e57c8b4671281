// Many scans as data: `harrier report` reads one or more JSONL streams
// (files, folders of them, stdin), each holding one or more scans one after
// the other, into a FleetDoc: one ReportDoc per scan plus the indicators
// counted across all of them. The HTML and CSV renderers of a fleet read it.
//
// A scan starts at a `scan_start` line; findings, diagnostics and the
// summary that follow belong to it. Lines before the first scan_start of a
// stream open a scan without a start (a stream cut at the front); a line
// after a scan's summary (which is always its last line) does too, and is
// reported as an input problem.
//
// Memory is bounded: the FleetCollector keeps the `max_findings` highest-
// ranked findings of all scans together (the rest are counted per scan),
// the first ReportCollector::kMaxDiagnostics diagnostics of all scans, at
// most `max_scans` scans (findings of later scans are still offered to the
// observer, e.g. for CSV rows) and at most `max_indicators` distinct
// indicators and remediation texts in the IndicatorTally.
// Thread-safety: none; one thread fills a collector.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "core/status.h"
#include "report/report_doc.h"

namespace harrier {

// One indicator (reason type + name) across all scans.
struct IndicatorStat {
  ReasonKind kind = ReasonKind::kYara;
  std::string name;
  std::string description;          // the first one seen
  std::string remediation;          // the first non-empty one seen
  uint64_t findings = 0;            // findings it is a reason of
  double max_score = 0;             // highest total score of those findings
  Level max_level = Level::kNone;   // highest level of those findings
  std::vector<uint32_t> hosts;      // host ids (IndicatorTally::HostId), sorted, unique
};

// One "what to do" text, with the indicators that call for it.
struct RemediationStat {
  std::string text;
  Level max_level = Level::kNone;
  double max_score = 0;
  std::vector<std::string> indicators;  // "TYPE NAME", each once, first kMaxNames
  std::vector<uint32_t> hosts;          // host ids, sorted, unique
  static constexpr size_t kMaxNames = 20;
};

// Counts indicators and remediation texts over every finding offered (kept
// for the page or not). Bounded by `max_entries` distinct indicators and
// as many remediation texts; reasons beyond are counted in dropped().
class IndicatorTally {
 public:
  static constexpr size_t kDefaultMaxEntries = 10000;
  IndicatorTally() = default;
  explicit IndicatorTally(size_t max_entries) : max_entries_(max_entries) {}

  // The id of a host name (distinct names get distinct ids, from 0).
  uint32_t HostId(const std::string& hostname);
  void Add(const Finding& f, uint32_t host_id);

  // Most hosts first, then most findings, highest score, type and name.
  std::vector<IndicatorStat> Indicators() const;
  // Most severe first (level, then score), then most hosts, then text.
  std::vector<RemediationStat> Remediations() const;
  uint64_t dropped() const { return dropped_; }
  size_t host_count() const { return host_ids_.size(); }

 private:
  size_t max_entries_ = kDefaultMaxEntries;
  std::map<std::string, uint32_t> host_ids_;
  std::map<std::pair<int, std::string>, IndicatorStat> indicators_;
  std::map<std::string, RemediationStat> remediations_;
  uint64_t dropped_ = 0;
};

// "yara", "hash", ... with the indicator name: the key shown to users.
std::string IndicatorLabel(ReasonKind kind, const std::string& name);

// A scan's verdict as the fleet overview words it. The order is severity:
// an unfinished scan (no summary) ranks above a complete incomplete one.
enum class HostVerdict { kClean, kNotice, kIncomplete, kUnfinished, kWarning, kAlert };
HostVerdict HostVerdictOf(const ReportDoc& scan);
std::string_view HostVerdictName(HostVerdict v);  // "ALERT", "UNFINISHED", ...

struct FleetDoc {
  // Ordered by start time (unknown first), then host name, then input order.
  std::vector<ReportDoc> scans;
  IndicatorTally indicators;
  uint64_t scans_dropped = 0;    // scans beyond max_scans: counted, not kept
  uint64_t input_problems = 0;   // lines that could not be read, all inputs

  // Indexes into `scans`, worst first: verdict (an unfinished scan with alert
  // or warning findings ranks with those), highest score, most alerts, then
  // host name and start time.
  std::vector<size_t> WorstFirst() const;
};

class FleetCollector {
 public:
  static constexpr size_t kDefaultMaxScans = 10000;
  FleetCollector(size_t max_findings, size_t max_scans = kDefaultMaxScans,
                 size_t max_indicators = IndicatorTally::kDefaultMaxEntries);

  // Sees every finding offered, with the scan it belongs to (e.g. to stream
  // CSV rows): `scan` is what is known of that scan so far.
  using Observer = std::function<void(const Finding&, const ReportDoc& scan)>;
  void set_finding_observer(Observer f) { observer_ = std::move(f); }

  // Reads one JSONL stream (`name` for messages: "name:line"); scans do not
  // continue across streams. Problems are reported to `diag` and counted;
  // returns an error only when the stream fails.
  Status Read(std::istream& in, const std::string& name, Diagnostics& diag,
              uint64_t max_line_bytes = kDefaultMaxJsonlLine);

  // Sorts scans and their kept findings; the collector is empty afterwards.
  FleetDoc Finish();

 private:
  friend class FleetSink;
  struct Kept {
    uint32_t scan;
    Finding finding;
  };
  // Opens a scan (REQUIRES: origin names its first line).
  void Open(std::string origin);
  ReportDoc* current();  // nullptr when the current scan is over max_scans
  void AddFinding(Finding f);

  size_t max_findings_;
  size_t max_scans_;
  size_t max_indicators_;
  Observer observer_;
  std::vector<ReportDoc> scans_;   // findings live in kept_ until Finish
  bool overflow_ = false;          // the current scan is beyond max_scans
  ReportDoc overflow_scan_;        // what the observer sees of such a scan
  std::vector<Kept> kept_;         // min-heap over all scans
  uint64_t diagnostics_kept_ = 0;
  FleetDoc doc_;
};

// Inputs of `harrier report`: "-" (stdin) stays; a folder becomes every
// regular `*.jsonl` file directly in it, sorted by name (not recursive; an
// error when there is none); a file stays. Errors name the input.
Result<std::vector<std::string>> ExpandReportInputs(const std::vector<std::string>& inputs);

}  // namespace harrier
