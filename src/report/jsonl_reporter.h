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
  // `file` is owned when close_on_end; `console` non-null when writing to
  // stdout (so progress output is cleared first).
  JsonlReporter(std::FILE* file, bool close_on_end, Console* console, bool with_diagnostics);
  ~JsonlReporter() override;
  static Result<std::unique_ptr<JsonlReporter>> Open(const std::string& path, Console& console,
                                                     bool with_diagnostics);

  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;

 private:
  void Write(const std::string& line);
  void Flush();
  std::FILE* file_;
  bool close_;
  Console* console_;
  bool with_diagnostics_;
  ScanInfo info_;
};

}  // namespace harrier
