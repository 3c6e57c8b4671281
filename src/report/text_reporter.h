// Human-readable report: findings as they arrive, then the verdict and a
// summary. Colour only on a TTY (and never with NO_COLOR). Every byte taken
// from the scanned machine is shown escaped (no terminal control sequences).
#pragma once

#include "report/console.h"
#include "report/reporter.h"

namespace harrier {

struct TextOptions {
  bool show_warnings = false;  // print warning diagnostics (errors always)
  bool quiet = false;          // summary only
  // Write the report (summary included) to stderr: stdout carries another
  // format (`--jsonl -`), which must stay parseable line by line.
  bool to_stderr = false;
};

class TextReporter final : public Reporter {
 public:
  TextReporter(Console& console, TextOptions opts) : console_(console), opts_(opts) {}
  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;
  // A text report on stdout that cannot be written (`> full disk`) is a
  // lost report too.
  Status output_status() const override {
    return opts_.to_stderr ? Status::Ok() : console_.stdout_status();
  }

 private:
  std::string Paint(std::string_view text, const char* code) const;
  void Write(std::string_view text);
  Console& console_;
  TextOptions opts_;
  ScanInfo info_;
  uint64_t diag_suppressed_ = 0;
};

// Terminal-safe text: valid UTF-8 printable characters pass; C0 control
// characters, DEL and invalid bytes become \xNN; C1 controls (U+0080-U+009F)
// and bidirectional/line formatting controls (U+061C, U+200E, U+200F,
// U+2028-U+202E, U+2066-U+2069) become \uXXXX.
std::string TerminalSafe(std::string_view bytes);

}  // namespace harrier
