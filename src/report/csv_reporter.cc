#include "report/csv_reporter.h"

#include <fmt/format.h>

#include "report/fleet_doc.h"
#include "report/json_util.h"
#include "report/report_doc.h"

namespace harrier {

std::string CsvCell(std::string_view text) {
  std::string s = SafeUtf8(text);
  std::string v;
  v.reserve(s.size() + 2);
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) v += fmt::format("\\x{:02x}", c);
    else v += static_cast<char>(c);
  }
  // OWASP CSV injection: = + - @ (and TAB/CR, already escaped above) start a
  // formula in Excel/LibreOffice/Sheets.
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v.insert(0, "'");
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

std::string CsvHeader() {
  return "host,level,score,path,size,sha256,md5,reasons,scan_start\r\n";
}

std::string CsvRow(const Finding& f, const std::string& hostname, int64_t scan_start) {
  std::string reasons;
  for (const auto& r : f.reasons) {
    if (!reasons.empty()) reasons += " | ";
    reasons += fmt::format("[{}] {} {}", r.score, ReasonKindName(r.kind), r.name);
    if (!r.description.empty()) reasons += ": " + r.description;
  }
  return fmt::format("{},{},{},{},{},{},{},{},{}\r\n", CsvCell(f.host.empty() ? hostname : f.host),
                     CsvCell(LevelName(f.level)), fmt::format("{:.0f}", f.score),
                     CsvCell(FindingPath(f)), f.subject.file.size, CsvCell(f.hashes.sha256),
                     CsvCell(f.hashes.md5), CsvCell(reasons),
                     scan_start ? IsoTime(scan_start) : "");
}

std::string CsvHostsHeader() {
  return "host,verdict,alert,warning,notice,max_score,scan_start,duration_s,files_seen,"
         "files_scanned,files_skipped,errors,finished,harrier_version,signature_digest,paths\r\n";
}

std::string CsvHostRow(const ReportDoc& scan) {
  const ScanSummary s = scan.EffectiveSummary();
  const bool done = scan.summary.has_value();
  std::string paths;
  for (const auto& p : scan.info.paths) paths += (paths.empty() ? "" : " | ") + p;
  auto n = [&](uint64_t v) { return done ? std::to_string(v) : std::string(); };
  std::string verdict(HostVerdictName(HostVerdictOf(scan)));
  for (char& c : verdict) c = static_cast<char>(c - 'A' + 'a');
  return fmt::format(
      "{},{},{},{},{},{:.0f},{},{},{},{},{},{},{},{},{},{}\r\n", CsvCell(scan.info.hostname),
      verdict, s.findings[static_cast<size_t>(Level::kAlert)],
      s.findings[static_cast<size_t>(Level::kWarning)],
      s.findings[static_cast<size_t>(Level::kNotice)], scan.max_score,
      scan.info.start_time ? IsoTime(scan.info.start_time) : "",
      done ? fmt::format("{:.1f}", scan.summary->duration_s) : "", n(s.files_seen),
      n(s.files_scanned), n(s.skipped_total()), n(s.errors), done ? "true" : "false",
      CsvCell(scan.info.version), CsvCell(scan.info.rules.digest), CsvCell(paths));
}

Result<std::unique_ptr<CsvReporter>> CsvReporter::Open(const std::string& path) {
  auto f = platform::CreateOutputFile(path, platform::Publish::kOnClose);
  if (!f.ok()) return Status::IoError(fmt::format("cannot write {}", f.status().message()));
  return std::make_unique<CsvReporter>(std::move(*f));
}

void CsvReporter::Write(const std::string& text) {
  if (error_.ok()) error_ = file_->Write(text);
}

void CsvReporter::Begin(const ScanInfo& info) {
  hostname_ = info.hostname;
  start_time_ = info.start_time;
  Write(CsvHeader());
}

void CsvReporter::OnFinding(const Finding& f) { Write(CsvRow(f, hostname_, start_time_)); }

void CsvReporter::End(const ScanSummary&) {
  if (error_.ok()) error_ = file_->Close();
}

}  // namespace harrier
