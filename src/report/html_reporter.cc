#include "report/html_reporter.h"

#include <fmt/format.h>

#include "report/html_report.h"
#include "report/json_util.h"

namespace harrier {

Result<std::unique_ptr<HtmlReporter>> HtmlReporter::Open(const std::string& path,
                                                         size_t max_findings) {
  auto f = platform::CreateOutputFile(path, platform::Publish::kOnClose);
  if (!f.ok()) return Status::IoError(fmt::format("cannot write {}", f.status().message()));
  return std::make_unique<HtmlReporter>(std::move(*f), max_findings);
}

void HtmlReporter::Begin(const ScanInfo& info) {
  info_ = info;
  collector_.SetStart(info);
}

void HtmlReporter::OnFinding(const Finding& f) {
  collector_.AddFinding(f);
}

void HtmlReporter::OnDiagnostic(const Diagnostic& d) {
  if (d.severity == Diagnostic::Severity::kInfo) return;
  collector_.AddDiagnostic(d);
}

void HtmlReporter::End(const ScanSummary& summary) {
  collector_.SetSummary(summary, info_);
  error_ = file_->Write(RenderHtml(collector_.Finish()));
  if (error_.ok()) error_ = file_->Close();
}

Status WriteTextFile(const std::string& path, std::string_view text) {
  if (path == "-") {
    bool ok = std::fwrite(text.data(), 1, text.size(), stdout) == text.size();
    return std::fflush(stdout) == 0 && ok ? Status::Ok()
                                          : Status::IoError("standard output: write failed");
  }
  auto f = platform::CreateOutputFile(path, platform::Publish::kOnClose);
  if (!f.ok()) return Status::IoError(fmt::format("cannot write {}", f.status().message()));
  if (Status w = (*f)->Write(text); !w.ok()) return w;
  return (*f)->Close();
}

}  // namespace harrier
