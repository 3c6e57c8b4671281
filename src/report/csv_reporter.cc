#include "report/csv_reporter.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "report/json_util.h"

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

std::string CsvHeader() { return "host,level,score,path,size,sha256,md5,reasons\r\n"; }

std::string CsvRow(const OJson& f) {
  std::string reasons;
  if (const OJson* rs = JsonAt(f, {"harrier", "reasons"}); rs && rs->is_array()) {
    for (const auto& r : *rs) {
      if (!reasons.empty()) reasons += " | ";
      reasons += fmt::format("[{}] {} {}", JsonStr(r, {"score"}), JsonStr(r, {"type"}),
                             JsonStr(r, {"name"}));
      std::string d = JsonStr(r, {"description"});
      if (!d.empty()) reasons += ": " + d;
    }
  }
  double score = JsonNum(f, {"harrier", "score"});
  return fmt::format("{},{},{},{},{},{},{},{}\r\n", CsvCell(JsonStr(f, {"host", "hostname"})),
                     CsvCell(JsonStr(f, {"harrier", "level"})), fmt::format("{:.0f}", score),
                     CsvCell(JsonFindingPath(f)), JsonStr(f, {"file", "size"}, "0"),
                     CsvCell(JsonStr(f, {"file", "hash", "sha256"})),
                     CsvCell(JsonStr(f, {"file", "hash", "md5"})), CsvCell(reasons));
}

Result<std::unique_ptr<CsvReporter>> CsvReporter::Open(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) return Status::IoError(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
  return std::make_unique<CsvReporter>(f);
}

CsvReporter::~CsvReporter() {
  if (file_) std::fclose(file_);
}

void CsvReporter::Begin(const ScanInfo& info) {
  hostname_ = info.hostname;
  std::string h = CsvHeader();
  std::fwrite(h.data(), 1, h.size(), file_);
}

void CsvReporter::OnFinding(const Finding& f) {
  std::string row = CsvRow(FindingToJson(f, hostname_));
  std::fwrite(row.data(), 1, row.size(), file_);
}

void CsvReporter::End(const ScanSummary&) { std::fflush(file_); }

}  // namespace harrier
