// Diagnostics: the sink for everything that went wrong but did not stop us
// (a malformed IOC line, a YARA file that did not compile, an unreadable
// file). Each entry names where (file[:line]) and what.
// Thread-safety: Add() and Snapshot() may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace harrier {

struct Diagnostic {
  enum class Severity { kInfo, kWarning, kError };
  Severity severity = Severity::kError;
  std::string where;    // "path" or "path:line"; may hold non-UTF-8 bytes
  std::string message;
};

std::string_view SeverityName(Diagnostic::Severity s);

class Diagnostics {
 public:
  // Optional live listener (e.g. the reporter); called under the lock, in order.
  using Listener = std::function<void(const Diagnostic&)>;
  void SetListener(Listener l);

  void Add(Diagnostic d);
  void Error(std::string where, std::string message) {
    Add({Diagnostic::Severity::kError, std::move(where), std::move(message)});
  }
  void Warning(std::string where, std::string message) {
    Add({Diagnostic::Severity::kWarning, std::move(where), std::move(message)});
  }
  void Info(std::string where, std::string message) {
    Add({Diagnostic::Severity::kInfo, std::move(where), std::move(message)});
  }

  std::vector<Diagnostic> Snapshot() const;
  uint64_t error_count() const;
  uint64_t warning_count() const;

  // Entries beyond this many are counted but not stored (bounded memory on
  // a host with millions of unreadable files). Default 10,000.
  void set_max_stored(size_t n) { max_stored_ = n; }

 private:
  mutable std::mutex mu_;
  std::vector<Diagnostic> items_;
  Listener listener_;
  uint64_t errors_ = 0;
  uint64_t warnings_ = 0;
  size_t max_stored_ = 10000;
};

}  // namespace harrier
