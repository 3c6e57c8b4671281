#include "report/report_doc.h"

#include <algorithm>

#include <fmt/format.h>

namespace harrier {
namespace {

// Deepest nesting of arrays and objects in a JSON text (strings skipped).
// nlohmann's parser recurses per level: a line of a few hundred thousand
// '[' would overflow the stack, so such lines are refused before parsing.
size_t JsonDepth(std::string_view text) {
  size_t depth = 0, max = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      max = std::max(max, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return max;
}

}  // namespace

bool FindingRanksBelow(const Finding& a, const Finding& b) {
  if (a.score != b.score) return a.score < b.score;
  return ChainRaw(a.subject) > ChainRaw(b.subject);
}

std::string FindingPath(const Finding& f) {
  const SubjectKind k = f.subject.kind;
  if (k == SubjectKind::kProcess || k == SubjectKind::kMemoryRegion ||
      k == SubjectKind::kConnection)
    return ChainDisplay(f.subject);  // "process 4242 /usr/bin/x", ...
  return f.subject.containers.empty() ? f.subject.path : ChainDisplay(f.subject);
}

ScanSummary ReportDoc::EffectiveSummary() const {
  if (summary) return *summary;
  ScanSummary s;
  s.interrupted = true;  // no summary: the scan did not finish
  s.findings = offered_by_level;
  s.rules = info.rules;
  return s;
}

void ReportCollector::SetStart(const ScanInfo& info) {
  doc_.info = info;
  doc_.has_start = true;
}

void ReportDoc::ApplySummary(const ScanSummary& s, const ScanInfo& with) {
  summary = s;
  if (!with.hostname.empty()) info.hostname = with.hostname;
  if (!with.version.empty()) info.version = with.version;
  if (!with.paths.empty()) info.paths = with.paths;
  if (with.start_time) info.start_time = with.start_time;
  if (info.scan_id.empty()) info.scan_id = with.scan_id;
  if (!has_start) info.host = with.host;  // the start line was lost
  info.rules = s.rules;
}

void ReportCollector::SetSummary(const ScanSummary& s, const ScanInfo& info) {
  doc_.ApplySummary(s, info);
}

void ReportCollector::AddFinding(Finding f) {
  ++doc_.findings_total;
  ++doc_.offered_by_level[static_cast<size_t>(f.level)];
  doc_.max_score = std::max(doc_.max_score, f.score);
  if (observer_) observer_(f);
  auto& h = doc_.findings;
  // Min-heap: the front is the lowest-ranked kept finding.
  auto above = [](const Finding& a, const Finding& b) { return FindingRanksBelow(b, a); };
  if (max_findings_ == 0) {
    ++doc_.findings_dropped;
    return;
  }
  if (h.size() < max_findings_) {
    h.push_back(std::move(f));
    std::push_heap(h.begin(), h.end(), above);
    return;
  }
  ++doc_.findings_dropped;
  if (!FindingRanksBelow(h.front(), f)) return;
  std::pop_heap(h.begin(), h.end(), above);
  h.back() = std::move(f);
  std::push_heap(h.begin(), h.end(), above);
}

void ReportCollector::AddDiagnostic(Diagnostic d) {
  if (doc_.diagnostics.size() < kMaxDiagnostics) doc_.diagnostics.push_back(std::move(d));
  ++doc_.diagnostics_total;
}

ReportDoc ReportCollector::Finish() {
  std::sort(doc_.findings.begin(), doc_.findings.end(),
            [](const Finding& a, const Finding& b) { return FindingRanksBelow(b, a); });
  ReportDoc out = std::move(doc_);
  doc_ = ReportDoc{};
  return out;
}

namespace {
// std::getline with a bound: a longer line is consumed to its end but not
// kept (*too_long set). False at the end of the input.
bool BoundedGetline(std::istream& in, std::string* line, uint64_t max_bytes, bool* too_long) {
  line->clear();
  *too_long = false;
  std::streambuf* sb = in.rdbuf();
  bool any = false;
  for (;;) {
    int ch;
    try {
      ch = sb->sbumpc();
    } catch (...) {  // libstdc++'s filebuf throws on a read error (EISDIR, EIO)
      in.setstate(std::ios::badbit);
      return false;
    }
    if (ch == std::char_traits<char>::eof()) {
      if (!any) in.setstate(std::ios::eofbit);
      return any;
    }
    any = true;
    if (ch == '\n') return true;
    if (line->size() < max_bytes) line->push_back(static_cast<char>(ch));
    else *too_long = true;
  }
}
}  // namespace

Status ReadJsonlInto(std::istream& in, const std::string& name, JsonlSink& sink,
                     Diagnostics& diag, uint64_t max_line_bytes) {
  std::string line;
  uint64_t n = 0;
  bool too_long = false;
  while (BoundedGetline(in, &line, max_line_bytes, &too_long)) {
    ++n;
    if (too_long) {
      diag.Error(fmt::format("{}:{}", name, n),
                 fmt::format("line longer than {} bytes (--max-line-size): skipped", max_line_bytes));
      sink.OnInputProblem(n);
      continue;
    }
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto where = [&] { return fmt::format("{}:{}", name, n); };
    if (JsonDepth(line) > kMaxJsonDepth) {
      diag.Error(where(), fmt::format("nested deeper than {} levels", kMaxJsonDepth));
      sink.OnInputProblem(n);
      continue;
    }
    OJson j = OJson::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      diag.Error(where(), "not a JSON object");
      sink.OnInputProblem(n);
      continue;
    }
    JsonTypeCheck types;
    std::string type = JsonStr(j, {"harrier", "type"});
    if (type == "finding") {
      if (!JsonAt(j, {"file", "path"}) || !JsonAt(j, {"harrier", "score"})) {
        diag.Error(where(), "finding without file.path or harrier.score");
        sink.OnInputProblem(n);
        continue;
      }
      sink.OnFinding(FindingFromJson(j), n);
    } else if (type == "summary") {
      sink.OnSummary(SummaryFromJson(j), ScanInfoFromJson(j), n);
    } else if (type == "scan_start") {
      sink.OnStart(ScanInfoFromJson(j), n);
    } else if (type == "diagnostic") {
      sink.OnDiagnostic(DiagnosticFromJson(j), n);
    } else {
      diag.Error(where(), type.empty() ? "no harrier.type" : "unknown harrier.type '" + type + "'");
      sink.OnInputProblem(n);
    }
    if (!types.problems().empty()) {
      std::string list;
      for (const auto& p : types.problems()) list += (list.empty() ? "" : "; ") + p;
      diag.Error(where(), "wrong types (read as far as possible): " + list);
      sink.OnInputProblem(n);
    }
  }
  if (in.bad()) return Status::IoError(fmt::format("read {}: I/O error", name));
  return Status::Ok();
}

namespace {
// Everything into one collector: one scan per stream.
class CollectorSink final : public JsonlSink {
 public:
  explicit CollectorSink(ReportCollector& c) : c_(c) {}
  void OnStart(const ScanInfo& info, uint64_t) override { c_.SetStart(info); }
  void OnFinding(Finding f, uint64_t) override { c_.AddFinding(std::move(f)); }
  void OnSummary(const ScanSummary& s, const ScanInfo& info, uint64_t) override {
    c_.SetSummary(s, info);
  }
  void OnDiagnostic(Diagnostic d, uint64_t) override { c_.AddDiagnostic(std::move(d)); }
  void OnInputProblem(uint64_t) override { c_.AddInputProblem(); }

 private:
  ReportCollector& c_;
};
}  // namespace

Status ReadJsonl(std::istream& in, const std::string& name, ReportCollector& c,
                 Diagnostics& diag, uint64_t max_line_bytes) {
  CollectorSink sink(c);
  return ReadJsonlInto(in, name, sink, diag, max_line_bytes);
}

}  // namespace harrier
