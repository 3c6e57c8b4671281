// A report as data: the typed model (Finding, ScanInfo, ScanSummary,
// Diagnostic) of one scan collected for renderers that need the whole scan
// at once (HTML). The live scan (HtmlReporter) and `harrier report` (a saved
// JSONL, read back into the same types by ReadJsonl) fill the same
// collector, so both render the same page.
//
// Memory is bounded: only the top `max_findings` findings by score are kept
// (the rest are counted), and the first kMaxDiagnostics diagnostics.
// Thread-safety: none; one thread fills a collector.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "core/status.h"
#include "report/json_util.h"
#include "report/reporter.h"

namespace harrier {


struct ReportDoc {
  ScanInfo info;                      // who scanned what; from scan_start and the summary
  bool has_start = false;             // a scan_start was seen
  std::optional<ScanSummary> summary; // none: the scan did not finish (killed)
  std::vector<Finding> findings;      // kept findings, by score desc, then path
  uint64_t findings_total = 0;        // all findings offered
  uint64_t findings_dropped = 0;      // offered but not kept (max_findings)
  std::array<uint64_t, 4> offered_by_level{};  // all findings offered, by Level
  double max_score = 0;               // highest score of all findings offered
  std::vector<Diagnostic> diagnostics;  // first kMaxDiagnostics
  uint64_t diagnostics_total = 0;
  uint64_t input_problems = 0;        // malformed JSONL lines (harrier report)
  // Where the scan was read from ("scan.jsonl:1", the line of its
  // scan_start or first line; `harrier report` only), for messages.
  std::string origin;

  // Takes the summary; `with` (what the summary line repeats: host, paths,
  // version, ...) completes what the start said.
  void ApplySummary(const ScanSummary& s, const ScanInfo& with);

  // The summary, or for a scan that did not finish one made from the
  // findings offered (kept or not) and marked interrupted: what VerdictFor
  // decides on.
  ScanSummary EffectiveSummary() const;
};

class ReportCollector {
 public:
  static constexpr size_t kDefaultMaxFindings = 10000;
  static constexpr size_t kMaxDiagnostics = 500;
  explicit ReportCollector(size_t max_findings = kDefaultMaxFindings)
      : max_findings_(max_findings) {}

  void SetStart(const ScanInfo& info);
  // `info` completes what the start said (paths, version, rules).
  void SetSummary(const ScanSummary& s, const ScanInfo& info);
  void AddFinding(Finding f);
  void AddDiagnostic(Diagnostic d);
  void AddInputProblem() { ++doc_.input_problems; }
  // Sees every finding offered, kept or not (e.g. to stream CSV rows).
  void set_finding_observer(std::function<void(const Finding&)> f) { observer_ = std::move(f); }

  // Sorts the kept findings; the collector is empty afterwards.
  ReportDoc Finish();

 private:
  size_t max_findings_;
  std::function<void(const Finding&)> observer_;
  ReportDoc doc_;  // findings kept as a min-heap on (score, -path) until Finish
};

// True when `a` ranks below `b` in a report: lower score; equal score:
// later path. Reports list findings highest rank first.
bool FindingRanksBelow(const Finding& a, const Finding& b);

// The path a report shows for a finding: the host path of a walked file, the
// whole chain for an archive member ("a.zip › dir/b.exe").
std::string FindingPath(const Finding& f);

// JSONL lines nested deeper than this are input problems (Harrier writes 5).
inline constexpr size_t kMaxJsonDepth = 64;

// The longest JSONL line `harrier report` reads (--max-line-size): Harrier
// writes lines of a few KiB; a finding with many matched strings stays far
// below this.
inline constexpr uint64_t kDefaultMaxJsonlLine = 16ull << 20;

// Receives the typed objects of a JSONL stream in input order (ReadJsonlInto).
// `line` is the 1-based line number in the stream.
class JsonlSink {
 public:
  virtual ~JsonlSink() = default;
  virtual void OnStart(const ScanInfo& info, uint64_t line) = 0;
  virtual void OnFinding(Finding f, uint64_t line) = 0;
  // `info` is what the summary repeats of the start (paths, version, rules).
  virtual void OnSummary(const ScanSummary& s, const ScanInfo& info, uint64_t line) = 0;
  virtual void OnDiagnostic(Diagnostic d, uint64_t line) = 0;
  // A line that could not be read (already reported to the Diagnostics).
  virtual void OnInputProblem(uint64_t line) = 0;
};

// The reader behind ReadJsonl, for any sink: the same line limits, checks
// and messages.
Status ReadJsonlInto(std::istream& in, const std::string& name, JsonlSink& sink,
                     Diagnostics& diag, uint64_t max_line_bytes = kDefaultMaxJsonlLine);

// Reads a JSONL stream (`name` for messages) into `c`, as typed objects. A
// line that is not a JSON object of a known harrier.type, or is longer than
// `max_line_bytes` (never held in memory beyond that), is reported to `diag`
// as "name:line" and skipped; a known line with values of the wrong type is
// read as far as possible and reported. Each counts as an input problem.
// Returns an error only when the stream fails.
Status ReadJsonl(std::istream& in, const std::string& name, ReportCollector& c,
                 Diagnostics& diag, uint64_t max_line_bytes = kDefaultMaxJsonlLine);

}  // namespace harrier
