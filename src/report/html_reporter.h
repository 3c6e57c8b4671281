// --html FILE: collects the scan (top N findings by score, bounded) and
// writes the self-contained HTML page (html_report.h) at End. A temporary
// file next to FILE is created at Open, so a bad path fails before the scan
// starts and the walker can exclude it; it is renamed onto FILE when the
// page is complete, so an existing report stays until then.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"
#include "report/console.h"
#include "report/report_doc.h"
#include "report/reporter.h"

namespace harrier {

class HtmlReporter final : public Reporter {
 public:
  // `max_findings`: findings kept for the page (--html-max-findings); the
  // rest are counted and the page says so.
  static Result<std::unique_ptr<HtmlReporter>> Open(const std::string& path, size_t max_findings);
  HtmlReporter(std::unique_ptr<platform::OutputFile> file, size_t max_findings)
      : file_(std::move(file)), collector_(max_findings) {}

  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;
  Status output_status() const override { return error_; }
  std::vector<platform::FileId> output_ids() const override { return {file_->id()}; }

 private:
  std::unique_ptr<platform::OutputFile> file_;
  ReportCollector collector_;
  ScanInfo info_;
  Status error_ = Status::Ok();
};

// Writes `text` to `path` ("-" = stdout) through platform::CreateOutputFile
// (temporary file, renamed when complete); used by `harrier report`.
Status WriteTextFile(const std::string& path, std::string_view text);

}  // namespace harrier
