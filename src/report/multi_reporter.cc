#include "report/reporter.h"

namespace harrier {

void MultiReporter::Begin(const ScanInfo& info) {
  for (auto& r : reporters_) r->Begin(info);
}
void MultiReporter::OnFinding(const Finding& f) {
  for (auto& r : reporters_) r->OnFinding(f);
}
void MultiReporter::OnDiagnostic(const Diagnostic& d) {
  for (auto& r : reporters_) r->OnDiagnostic(d);
}
void MultiReporter::AddDeliveryStats(ScanSummary* s) {
  for (auto& r : reporters_) r->AddDeliveryStats(s);
}
void MultiReporter::End(const ScanSummary& s) {
  ScanSummary full = s;
  AddDeliveryStats(&full);
  for (const Status& st : OutputFailures()) full.output_errors.push_back(st.message());
  for (auto& r : reporters_) r->End(full);
}
std::vector<Status> MultiReporter::OutputFailures() const {
  std::vector<Status> out;
  for (const auto& r : reporters_) {
    Status st = r->output_status();
    if (st.ok()) continue;
    // Two reporters on one stream (text and --jsonl - on stdout) fail alike.
    bool seen = false;
    for (const auto& o : out) seen = seen || o.message() == st.message();
    if (!seen) out.push_back(st);
  }
  return out;
}
std::vector<platform::FileId> MultiReporter::output_ids() const {
  std::vector<platform::FileId> ids;
  for (const auto& r : reporters_) {
    auto v = r->output_ids();
    ids.insert(ids.end(), v.begin(), v.end());
  }
  return ids;
}

}  // namespace harrier
