// A report as data: the JSON objects of the documented JSONL schema
// (docs/report-format.md) collected for renderers that need the whole scan
// at once (HTML). The live scan (HtmlReporter) and `harrier report` (a saved
// JSONL) fill the same collector, so both render the same page.
//
// Memory is bounded: only the top `max_findings` findings by score are kept
// (the rest are counted), and the first kMaxDiagnostics diagnostics.
// Thread-safety: none; one thread fills a collector.
#pragma once

#include <cstdint>
#include <functional>
#include <istream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/diagnostics.h"
#include "core/status.h"

namespace harrier {

using OJson = nlohmann::ordered_json;

struct ReportDoc {
  OJson start;    // the scan_start object; null when absent
  OJson summary;  // the summary object; null when absent (scan killed)
  std::vector<OJson> findings;       // kept findings, by score desc, then path
  uint64_t findings_total = 0;       // all findings offered
  uint64_t findings_dropped = 0;     // offered but not kept (max_findings)
  std::vector<OJson> diagnostics;    // first kMaxDiagnostics
  uint64_t diagnostics_total = 0;
  uint64_t input_problems = 0;       // malformed JSONL lines (harrier report)
};

class ReportCollector {
 public:
  static constexpr size_t kDefaultMaxFindings = 10000;
  static constexpr size_t kMaxDiagnostics = 500;
  explicit ReportCollector(size_t max_findings = kDefaultMaxFindings)
      : max_findings_(max_findings) {}

  void SetStart(OJson j) { doc_.start = std::move(j); }
  void SetSummary(OJson j) { doc_.summary = std::move(j); }
  void AddFinding(OJson j);
  void AddDiagnostic(OJson j);
  void AddInputProblem() { ++doc_.input_problems; }
  // Sees every finding offered, kept or not (e.g. to stream CSV rows).
  void set_finding_observer(std::function<void(const OJson&)> f) { observer_ = std::move(f); }

  // Sorts the kept findings; the collector is empty afterwards.
  ReportDoc Finish();

 private:
  size_t max_findings_;
  std::function<void(const OJson&)> observer_;
  ReportDoc doc_;  // findings kept as a min-heap on (score, -path) until Finish
};

// Schema accessors that never throw: a missing key or a wrong type gives
// the fallback (input may be any JSON).
const OJson* JsonAt(const OJson& j, std::initializer_list<const char*> keys);
std::string JsonStr(const OJson& j, std::initializer_list<const char*> keys,
                    std::string fallback = "");
double JsonNum(const OJson& j, std::initializer_list<const char*> keys, double fallback = 0);

// The path a report shows for a finding object: file.path for a walked file,
// the whole chain (harrier.subject.display) for an archive member.
std::string JsonFindingPath(const OJson& f);

// Reads a JSONL stream (`name` for messages) into `c`. A line that is not a
// JSON object of a known harrier.type is reported to `diag` as
// "name:line" and skipped. Returns an error only when the stream fails.
Status ReadJsonl(std::istream& in, const std::string& name, ReportCollector& c,
                 Diagnostics& diag);

}  // namespace harrier
