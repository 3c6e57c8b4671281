#include "report/jsonl_reporter.h"

#include <fmt/format.h>

#include "report/json_util.h"

namespace harrier {

JsonlReporter::JsonlReporter(std::unique_ptr<platform::OutputFile> file, Console* console,
                             bool with_diagnostics)
    : file_(std::move(file)), console_(console), with_diagnostics_(with_diagnostics) {}

Result<std::unique_ptr<JsonlReporter>> JsonlReporter::Open(const std::string& path,
                                                           Console& console,
                                                           bool with_diagnostics) {
  if (path == "-") return std::make_unique<JsonlReporter>(nullptr, &console, with_diagnostics);
  auto f = platform::CreateOutputFile(path, platform::Publish::kOnCreate);
  if (!f.ok()) return Status::IoError(fmt::format("cannot write {}", f.status().message()));
  return std::make_unique<JsonlReporter>(std::move(*f), nullptr, with_diagnostics);
}

void JsonlReporter::Write(const std::string& line) {
  if (!file_) {
    console_->Out(line);
  } else if (error_.ok()) {
    error_ = file_->Write(line);
  }
}

void JsonlReporter::Flush() {
  if (!file_) console_->Flush();
  else if (error_.ok()) error_ = file_->Flush();
}

Status JsonlReporter::output_status() const {
  if (!file_) return console_->stdout_status();
  return error_;
}

std::vector<platform::FileId> JsonlReporter::output_ids() const {
  if (!file_) return {};
  return {file_->id()};
}

void JsonlReporter::Begin(const ScanInfo& info) {
  info_ = info;
  Write(ScanStartToJson(info).dump() + "\n");
  Flush();
}

// Each finding reaches the file (or pipe) at once: a scan that is killed,
// or crashes on hostile input, loses nothing it had found.
void JsonlReporter::OnFinding(const Finding& f) {
  Write(FindingToJson(f, info_).dump() + "\n");
  Flush();
}

void JsonlReporter::OnDiagnostic(const Diagnostic& d) {
  if (!with_diagnostics_ || d.severity == Diagnostic::Severity::kInfo) return;
  Write(DiagnosticToJson(d, info_).dump() + "\n");
}

void JsonlReporter::End(const ScanSummary& s) {
  Write(SummaryToJson(s, info_).dump() + "\n");
  Flush();
  if (file_ && error_.ok()) error_ = file_->Close();
}

}  // namespace harrier
