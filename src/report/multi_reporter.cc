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
  for (auto& r : reporters_) r->End(full);
}

}  // namespace harrier
