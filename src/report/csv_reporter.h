// --csv FILE: one line per finding, RFC 4180 (CRLF line ends, fields with
// , " CR LF quoted, quotes doubled). Columns (docs/report-format.md):
//   host,level,score,path,size,sha256,md5,reasons,scan_start
// The same columns serve one scan and a fleet (`harrier report` of many
// scans): host and scan_start (RFC 3339 UTC, empty when unknown) say which
// scan a row belongs to. --csv-hosts writes one summary row per scan
// (CsvHostsHeader / CsvHostRow).
// Spreadsheet formula injection is neutralised: a text cell starting with
// = + - @ TAB or CR gets a leading '. Control characters and invalid UTF-8
// are written as "\xNN". Rows are produced from the JSONL finding object,
// so a live scan and `harrier report --csv` write identical rows.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "core/status.h"
#include "report/report_doc.h"
#include "report/reporter.h"

namespace harrier {

std::string CsvHeader();                      // with CRLF
// `hostname` when the finding names none; `scan_start` 0 = unknown.
std::string CsvRow(const Finding& finding, const std::string& hostname,
                   int64_t scan_start = 0);  // with CRLF
std::string CsvCell(std::string_view text);   // one text cell, quoted as needed

// The per-scan summary CSV (harrier report --csv-hosts), with CRLF:
//   host,verdict,alert,warning,notice,max_score,scan_start,duration_s,
//   files_seen,files_scanned,files_skipped,errors,finished,harrier_version,
//   signature_digest,paths
std::string CsvHostsHeader();
std::string CsvHostRow(const ReportDoc& scan);

// Written to a temporary file next to FILE and renamed onto it when the
// scan ends (platform::CreateOutputFile): an interrupted or failed run never
// leaves half a CSV, and an existing FILE stays until the new one is whole.
class CsvReporter final : public Reporter {
 public:
  static Result<std::unique_ptr<CsvReporter>> Open(const std::string& path);
  explicit CsvReporter(std::unique_ptr<platform::OutputFile> f) : file_(std::move(f)) {}
  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void End(const ScanSummary& summary) override;
  Status output_status() const override { return error_; }
  std::vector<platform::FileId> output_ids() const override { return {file_->id()}; }

 private:
  void Write(const std::string& text);
  std::unique_ptr<platform::OutputFile> file_;
  std::string hostname_;
  int64_t start_time_ = 0;
  Status error_ = Status::Ok();
};

}  // namespace harrier
