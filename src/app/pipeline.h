// The scan pipeline: walker threads -> bounded queue -> scan workers ->
// one serialised reporter. Owns progress display and cancellation.
//
//   tree source (WalkOptions.threads) ──► queue (queue_capacity) ──► workers
//   (threads, one FileScanner each; archive members through the archive
//   source, nested up to the depth limit) ──► Reporter (under one mutex)
//
//   image source (--image, on the calling thread after the walk) ──► the same
//   queue, each entry with its content
//
// Memory is bounded by queue_capacity paths (each with its opener, which
// holds its directory's handle or a way to reopen it: walker.h) plus, per
// worker, one read buffer (at most --block-threshold; larger files are read
// as blocks) and one member buffer per nesting level (each at most
// min(--max-file-size, --block-threshold)), plus image entries in the queue
// (at most max(64 MiB, (threads + 2) × that) of content); nothing per file
// is kept after it is reported.
#pragma once

#include <atomic>
#include <memory>
#include <ostream>

#include "app/live_scan.h"
#include "app/scan_cache.h"
#include "checks/check.h"
#include "core/diagnostics.h"
#include "core/finding.h"
#include "report/console.h"
#include "report/reporter.h"
#include "scan/file_scanner.h"
#include "sources/archive_source.h"
#include "sources/image_source.h"
#include "signatures/signature_set.h"
#include "sources/walker.h"

namespace harrier {

struct PipelineOptions {
  WalkOptions walk;
  ScanConfig scan;
  // Members of archives and installers are scanned (--no-archives: off).
  bool archives = true;
  ContainerLimits archive_limits;  // --archive-max-*; max_member_bytes = max_file_size
  // --archive-max-size: a file over --max-file-size (skipped "size" as a
  // file) is still opened as a container up to this size: streamed from
  // disk through libarchive, or read into memory for an OLE file (MSI).
  uint64_t archive_max_size = 1ULL << 30;
  // --image: disk images read through the image source (their entries are
  // scanned like files), after the walk of walk.roots (which may be empty).
  std::vector<std::string> images;
  ImageOptions image;               // --partition, --deleted; max_entry_bytes = max_file_size
  // Disk images found inside archives and images are opened (raw images
  // only; with `archives`).
  bool images_in_archives = true;
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
  // Live checks of this host (processes, memory, network), run before the
  // file walk; off unless enabled (--live, or no path on a live host).
  LiveOptions live;
};

// Runs the scan to the end or until `cancel` becomes true. Calls
// reporter.Begin/OnFinding/OnDiagnostic/End. Returns the summary (also
// passed to End).
ScanSummary RunPipeline(const PipelineOptions& opts, std::shared_ptr<const SignatureSet> sigs,
                        const CheckRegistry& checks, Reporter& reporter, const ScanInfo& info,
                        Console& console, Diagnostics& diag, const std::atomic<bool>& cancel);

}  // namespace harrier
