// The live checks of a running host (harrier scan --live, or no path on a
// live host): processes (their executables through the file checks, once
// per distinct executable, and how they run), process memory (YARA with the
// rules that run on memory), and the network (sockets of every namespace and
// the hosts file against the C2 indicators). Wires the process and network
// sources (src/sources/) to the scan stage; every OS call goes through a
// platform::ProcessTable and FileSystem.
//
// Harrier's own process is never read (counted as skipped "excluded"), and
// neither is the memory of another process running the same Harrier
// executable (another scan holds the same rule strings in its heap).
// Thread-safety: RunLiveChecks uses `threads` threads of its own and calls
// `report` from any of them, one call at a time per thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checks/check.h"
#include "core/diagnostics.h"
#include "core/finding.h"
#include "platform/fs.h"
#include "platform/proc.h"
#include "scan/subject_scanner.h"
#include "signatures/signature_set.h"
#include "sources/process_source.h"

namespace harrier {

struct LiveOptions {
  bool processes = false;  // process checks (--live; off with --no-processes)
  bool memory = true;      // with processes: their memory (off with --no-memory)
  bool network = false;    // sockets and hosts file (--live; off with --no-network)
  // --pid: check only these processes (and their sockets); empty = all.
  std::vector<int64_t> pids;
  // --process-timeout: seconds for one process's memory scan (0 = none);
  // when hit, the process counts as skipped "timeout" with what was found.
  int process_timeout_s = 30;
  MemoryScanOptions memory_scan;  // block size, overlap, --memory-all-regions
  AnomalyOptions anomalies;
  std::string hosts_file = platform::SystemHostsFile();  // --hosts-file
  // --resolve: the C2 host names are resolved (DNS queries!) and connections
  // to their addresses match too; all names at once, for at most
  // resolve_timeout_s (--resolve-timeout) seconds. Off by default.
  bool resolve = false;
  int resolve_timeout_s = 10;
  // The system-wide preload list; "" (not checked) on Windows.
  std::string ld_so_preload = platform::SystemPreloadFile();
  // Not owned; the machine's own when null.
  const platform::ProcessTable* table = nullptr;
  bool enabled() const { return processes || network; }
};

using LiveReport = std::function<void(Finding&&)>;

// Runs the enabled live checks and returns what they covered. `config` is
// the file scan's (executables get the same checks as files).
LiveSummary RunLiveChecks(const LiveOptions& opts, const ScanConfig& config,
                          std::shared_ptr<const SignatureSet> sigs, const CheckRegistry& checks,
                          const platform::FileSystem& fs, size_t threads, const LiveReport& report,
                          Diagnostics& diag, const std::atomic<bool>& cancel);

}  // namespace harrier
