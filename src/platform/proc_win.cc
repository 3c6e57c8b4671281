// Windows stand-in for the process table (proc.h). The live checks
// (--live: processes, their memory, network connections) read a /proc-shaped
// table; the Windows build has no implementation of it yet, so every call
// fails with Unsupported and a live scan reports that as an error (the scan
// is then incomplete, never silently without its live part).
#include <windows.h>

#include "platform/proc.h"

namespace harrier::platform {
namespace {

Status NotYet() {
  return Status::Unsupported(
      "live checks (processes, memory, connections) are not supported on Windows in this build");
}

class WinProcessTable final : public ProcessTable {
 public:
  Result<std::vector<int64_t>> ListPids() const override { return NotYet(); }
  Result<std::string> ReadFile(int64_t, std::string_view, size_t) const override {
    return NotYet();
  }
  Result<std::string> ReadLink(int64_t, std::string_view) const override { return NotYet(); }
  Result<std::vector<std::string>> ListFdTargets(int64_t) const override { return NotYet(); }
  Result<std::unique_ptr<ReadableFile>> OpenExecutable(int64_t) const override { return NotYet(); }
  Result<std::unique_ptr<ProcessMemory>> OpenMemory(int64_t) const override { return NotYet(); }
  int64_t SelfPid() const override { return static_cast<int64_t>(GetCurrentProcessId()); }
  int64_t ClockTicks() const override { return 100; }
};

}  // namespace

const ProcessTable& LocalProcessTable() {
  static const WinProcessTable table;
  return table;
}

}  // namespace harrier::platform
