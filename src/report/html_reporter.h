// --html FILE: collects the scan (top N findings by score, bounded) and
// writes the self-contained HTML page (html_report.h) at End. The file is
// created at Open, so a bad path fails before the scan starts and the walker
// can exclude it.
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
  static Result<std::unique_ptr<HtmlReporter>> Open(const std::string& path, size_t max_findings,
                                                    Console& console);
  HtmlReporter(std::FILE* file, std::string path, size_t max_findings, Console& console)
      : file_(file), path_(std::move(path)), collector_(max_findings), console_(console) {}
  ~HtmlReporter() override;

  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;

 private:
  std::FILE* file_;
  std::string path_;
  ReportCollector collector_;
  Console& console_;
  ScanInfo info_;
};

// Writes `text` to `path` ("-" = stdout); used by `harrier report`.
Status WriteTextFile(const std::string& path, std::string_view text);

}  // namespace harrier
