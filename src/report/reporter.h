// Reporter: the output sink. The pipeline calls a reporter from one thread
// at a time (it serialises calls), so implementations need no locking.
// A new output format is a new Reporter; scan code never changes for it.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/diagnostics.h"
#include "core/finding.h"
#include "core/status.h"
#include "platform/fs.h"
#include "platform/host.h"

namespace harrier {

struct ScanInfo {
  std::string version;             // Harrier version
  std::string hostname;            // the name the reports give the scanned host
  std::vector<std::string> paths;  // scan roots
  int64_t start_time = 0;          // seconds since epoch
  RuleStats rules;
  // Identifies this scan on every JSONL line (32 lowercase hex digits,
  // random); empty in reports read from schema-2 files.
  std::string scan_id;
  // The machine and process that ran the scan (ECS host.*, user.*,
  // process.*); host.hostname is `hostname` above. Empty when unknown.
  platform::HostFacts host;
  std::vector<std::string> args;   // the command line, argv[0] first
};

class Reporter {
 public:
  virtual ~Reporter() = default;
  virtual void Begin(const ScanInfo& info) {}
  virtual void OnFinding(const Finding& f) = 0;
  virtual void OnDiagnostic(const Diagnostic& d) {}
  // Called on every reporter before any End: a reporter that forwards events
  // adds its own delivery counts (e.g. ScanSummary::syslog) so that every
  // report's summary shows them. May block for a bounded time (flush).
  virtual void AddDeliveryStats(ScanSummary* summary) {}
  virtual void End(const ScanSummary& summary) = 0;
  // The first error writing this reporter's output (sticky), naming the
  // file; Ok when all went well. Asked before End (for the summary) and
  // after it (End closes and publishes the file).
  virtual Status output_status() const { return Status::Ok(); }
  // The files this reporter writes (the walk must not scan them).
  virtual std::vector<platform::FileId> output_ids() const { return {}; }
};

// Fans out to several reporters.
class MultiReporter final : public Reporter {
 public:
  void Add(std::unique_ptr<Reporter> r) { reporters_.push_back(std::move(r)); }
  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void AddDeliveryStats(ScanSummary* summary) override;
  // Collects every reporter's delivery stats first, then calls End on each.
  void End(const ScanSummary& summary) override;
  // Every reporter's output error (after End: including closing), each
  // distinct message once.
  std::vector<Status> OutputFailures() const;
  std::vector<platform::FileId> output_ids() const override;

 private:
  std::vector<std::unique_ptr<Reporter>> reporters_;
};

}  // namespace harrier
