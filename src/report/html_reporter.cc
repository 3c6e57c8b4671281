#include "report/html_reporter.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "report/html_report.h"
#include "report/json_util.h"

namespace harrier {

Result<std::unique_ptr<HtmlReporter>> HtmlReporter::Open(const std::string& path,
                                                         size_t max_findings, Console& console) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  return std::make_unique<HtmlReporter>(f, path, max_findings, console);
}

HtmlReporter::~HtmlReporter() {
  if (file_) std::fclose(file_);
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
  std::string html = RenderHtml(collector_.Finish());
  size_t n = std::fwrite(html.data(), 1, html.size(), file_);
  int rc = std::fclose(file_);
  file_ = nullptr;
  if (n != html.size() || rc != 0)
    console_.Err(fmt::format("harrier: writing HTML report {} failed: {}\n", path_,
                             std::strerror(errno)));
}

Status WriteTextFile(const std::string& path, std::string_view text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    return std::fflush(stdout) == 0 ? Status::Ok() : Status::IoError("write stdout failed");
  }
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  size_t n = std::fwrite(text.data(), 1, text.size(), f);
  if (std::fclose(f) != 0 || n != text.size())
    return Status::IoError(fmt::format("write {} failed: {}", path, std::strerror(errno)));
  return Status::Ok();
}

}  // namespace harrier
