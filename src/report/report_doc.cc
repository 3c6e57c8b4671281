#include "report/report_doc.h"

#include <algorithm>

#include <fmt/format.h>

namespace harrier {
namespace {

// True when a ranks below b (lower score; equal score: later path).
bool RanksBelow(const OJson& a, const OJson& b) {
  double sa = JsonNum(a, {"harrier", "score"}), sb = JsonNum(b, {"harrier", "score"});
  if (sa != sb) return sa < sb;
  return JsonStr(a, {"file", "path"}) > JsonStr(b, {"file", "path"});
}

}  // namespace

const OJson* JsonAt(const OJson& j, std::initializer_list<const char*> keys) {
  const OJson* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

std::string JsonStr(const OJson& j, std::initializer_list<const char*> keys, std::string fallback) {
  const OJson* v = JsonAt(j, keys);
  if (!v) return fallback;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_number() || v->is_boolean()) return v->dump();
  return fallback;
}

double JsonNum(const OJson& j, std::initializer_list<const char*> keys, double fallback) {
  const OJson* v = JsonAt(j, keys);
  return v && v->is_number() ? v->get<double>() : fallback;
}

void ReportCollector::AddFinding(OJson j) {
  ++doc_.findings_total;
  if (observer_) observer_(j);
  auto& h = doc_.findings;
  // Min-heap: the front is the lowest-ranked kept finding.
  auto above = [](const OJson& a, const OJson& b) { return RanksBelow(b, a); };
  if (max_findings_ == 0) {
    ++doc_.findings_dropped;
    return;
  }
  if (h.size() < max_findings_) {
    h.push_back(std::move(j));
    std::push_heap(h.begin(), h.end(), above);
    return;
  }
  ++doc_.findings_dropped;
  if (!RanksBelow(h.front(), j)) return;
  std::pop_heap(h.begin(), h.end(), above);
  h.back() = std::move(j);
  std::push_heap(h.begin(), h.end(), above);
}

void ReportCollector::AddDiagnostic(OJson j) {
  if (doc_.diagnostics.size() < kMaxDiagnostics) doc_.diagnostics.push_back(std::move(j));
  ++doc_.diagnostics_total;
}

ReportDoc ReportCollector::Finish() {
  std::sort(doc_.findings.begin(), doc_.findings.end(),
            [](const OJson& a, const OJson& b) { return RanksBelow(b, a); });
  ReportDoc out = std::move(doc_);
  doc_ = ReportDoc{};
  return out;
}

std::string JsonFindingPath(const OJson& f) {
  std::string kind = JsonStr(f, {"harrier", "subject", "kind"}, "file");
  if (kind != "file") {
    std::string d = JsonStr(f, {"harrier", "subject", "display"});
    if (!d.empty()) return d;
  }
  return JsonStr(f, {"file", "path"});
}

Status ReadJsonl(std::istream& in, const std::string& name, ReportCollector& c,
                 Diagnostics& diag) {
  std::string line;
  uint64_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    auto where = [&] { return fmt::format("{}:{}", name, n); };
    OJson j = OJson::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      diag.Error(where(), "not a JSON object");
      c.AddInputProblem();
      continue;
    }
    std::string type = JsonStr(j, {"harrier", "type"});
    if (type == "finding") {
      if (!JsonAt(j, {"file", "path"}) || !JsonAt(j, {"harrier", "score"})) {
        diag.Error(where(), "finding without file.path or harrier.score");
        c.AddInputProblem();
        continue;
      }
      c.AddFinding(std::move(j));
    } else if (type == "summary") {
      c.SetSummary(std::move(j));
    } else if (type == "scan_start") {
      c.SetStart(std::move(j));
    } else if (type == "diagnostic") {
      c.AddDiagnostic(std::move(j));
    } else {
      diag.Error(where(), type.empty() ? "no harrier.type" : "unknown harrier.type '" + type + "'");
      c.AddInputProblem();
    }
  }
  if (in.bad()) return Status::IoError(fmt::format("read {}: I/O error", name));
  return Status::Ok();
}

}  // namespace harrier
