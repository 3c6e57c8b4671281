#include "report/jsonl_reporter.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "report/json_util.h"

namespace harrier {

JsonlReporter::JsonlReporter(std::FILE* file, bool close_on_end, Console* console,
                             bool with_diagnostics)
    : file_(file), close_(close_on_end), console_(console), with_diagnostics_(with_diagnostics) {}

JsonlReporter::~JsonlReporter() {
  if (close_ && file_) std::fclose(file_);
}

Result<std::unique_ptr<JsonlReporter>> JsonlReporter::Open(const std::string& path,
                                                           Console& console,
                                                           bool with_diagnostics) {
  if (path == "-")
    return std::make_unique<JsonlReporter>(stdout, false, &console, with_diagnostics);
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  return std::make_unique<JsonlReporter>(f, true, nullptr, with_diagnostics);
}

void JsonlReporter::Write(const std::string& line) {
  if (console_) {
    console_->Out(line);
  } else {
    std::fwrite(line.data(), 1, line.size(), file_);
  }
}

void JsonlReporter::Flush() {
  if (console_) console_->Flush();
  else std::fflush(file_);
}

void JsonlReporter::Begin(const ScanInfo& info) {
  info_ = info;
  Write(ScanStartToJson(info).dump() + "\n");
  Flush();
}

// Each finding reaches the file (or pipe) at once: a scan that is killed,
// or crashes on hostile input, loses nothing it had found.
void JsonlReporter::OnFinding(const Finding& f) {
  Write(FindingToJson(f, info_.hostname).dump() + "\n");
  Flush();
}

void JsonlReporter::OnDiagnostic(const Diagnostic& d) {
  if (!with_diagnostics_ || d.severity == Diagnostic::Severity::kInfo) return;
  Write(DiagnosticToJson(d).dump() + "\n");
}

void JsonlReporter::End(const ScanSummary& s) {
  Write(SummaryToJson(s, info_).dump() + "\n");
  Flush();
}

}  // namespace harrier
