// The scan pipeline: walker threads -> bounded queue -> scan workers ->
// one serialised reporter. Owns progress display and cancellation.
//
//   walk (WalkOptions.threads) ──► queue (queue_capacity) ──► workers
//   (threads, one FileScanner each) ──► Reporter (under one mutex)
//
// Memory is bounded by queue_capacity paths plus one read buffer per
// worker; nothing per file is kept after it is reported.
#pragma once

#include <atomic>
#include <memory>
#include <ostream>

#include "app/scan_cache.h"
#include "checks/check.h"
#include "core/diagnostics.h"
#include "core/finding.h"
#include "report/console.h"
#include "report/reporter.h"
#include "scan/file_scanner.h"
#include "signatures/signature_set.h"
#include "walk/walker.h"

namespace harrier {

struct PipelineOptions {
  WalkOptions walk;
  ScanConfig scan;
  size_t threads = 2;              // scan workers (--threads)
  size_t queue_capacity = 4096;    // files between walker and workers
  bool progress = true;            // progress line (only shown on a TTY)
  // --cpu-limit PCT: share of one core for all workers together (0 = off);
  // see app/cpu_limiter.h.
  double cpu_limit_pct = 0;
  // --cache: files known clean are not read again; clean results are
  // recorded. Not owned; null = no cache.
  ScanCache* cache = nullptr;
  // --yara-matches FILE: one "namespace:rule path" line per YARA match (the
  // yara CLI's -e format), for differential checks. Not owned; may be null.
  std::ostream* yara_matches = nullptr;
};

// Runs the scan to the end or until `cancel` becomes true. Calls
// reporter.Begin/OnFinding/OnDiagnostic/End. Returns the summary (also
// passed to End).
ScanSummary RunPipeline(const PipelineOptions& opts, std::shared_ptr<const SignatureSet> sigs,
                        const CheckRegistry& checks, Reporter& reporter, const ScanInfo& info,
                        Console& console, Diagnostics& diag, const std::atomic<bool>& cancel);

}  // namespace harrier
