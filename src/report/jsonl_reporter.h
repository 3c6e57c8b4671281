// JSON Lines: one object per finding, optional diagnostics, and a final
// summary object (schema: docs/report-format.md). Always valid JSON: bytes
// that are not UTF-8 are written as the text "\xNN".
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"
#include "report/console.h"
#include "report/reporter.h"

namespace harrier {

class JsonlReporter final : public Reporter {
 public:
  // Writes to `file` when non-null, else to stdout through `console` (so
  // progress output is cleared first).
  JsonlReporter(std::unique_ptr<platform::OutputFile> file, Console* console,
                bool with_diagnostics);
  // "-" is stdout. A file is created safely (platform::CreateOutputFile)
  // and published at once, so it grows as findings arrive; every finding is
  // flushed to the OS as it is written (a killed scan loses none) and the
  // file is fsynced when the scan ends.
  static Result<std::unique_ptr<JsonlReporter>> Open(const std::string& path, Console& console,
                                                     bool with_diagnostics);

  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;
  Status output_status() const override;
  std::vector<platform::FileId> output_ids() const override;

 private:
  void Write(const std::string& line);
  void Flush();
  std::unique_ptr<platform::OutputFile> file_;
  Console* console_;
  bool with_diagnostics_;
  ScanInfo info_;
  Status error_ = Status::Ok();
};

}  // namespace harrier
