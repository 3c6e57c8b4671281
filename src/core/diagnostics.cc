#include "core/diagnostics.h"

namespace harrier {

std::string_view SeverityName(Diagnostic::Severity s) {
  switch (s) {
    case Diagnostic::Severity::kInfo: return "info";
    case Diagnostic::Severity::kWarning: return "warning";
    case Diagnostic::Severity::kError: return "error";
  }
  return "error";
}

void Diagnostics::SetListener(Listener l) {
  std::lock_guard lock(mu_);
  listener_ = std::move(l);
}

void Diagnostics::Add(Diagnostic d) {
  std::lock_guard lock(mu_);
  if (d.severity == Diagnostic::Severity::kError) ++errors_;
  if (d.severity == Diagnostic::Severity::kWarning) ++warnings_;
  if (listener_) listener_(d);
  if (items_.size() < max_stored_) items_.push_back(std::move(d));
}

std::vector<Diagnostic> Diagnostics::Snapshot() const {
  std::lock_guard lock(mu_);
  return items_;
}

uint64_t Diagnostics::error_count() const {
  std::lock_guard lock(mu_);
  return errors_;
}

uint64_t Diagnostics::warning_count() const {
  std::lock_guard lock(mu_);
  return warnings_;
}

}  // namespace harrier
