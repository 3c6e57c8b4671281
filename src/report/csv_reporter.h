// --csv FILE: one line per finding, RFC 4180 (CRLF line ends, fields with
// , " CR LF quoted, quotes doubled). Columns (docs/report-format.md):
//   host,level,score,path,size,sha256,md5,reasons
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
std::string CsvRow(const Finding& finding, const std::string& hostname);  // with CRLF
std::string CsvCell(std::string_view text);   // one text cell, quoted as needed

class CsvReporter final : public Reporter {
 public:
  static Result<std::unique_ptr<CsvReporter>> Open(const std::string& path);
  explicit CsvReporter(std::FILE* f) : file_(f) {}
  ~CsvReporter() override;
  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void End(const ScanSummary& summary) override;

 private:
  std::FILE* file_;
  std::string hostname_;
};

}  // namespace harrier
