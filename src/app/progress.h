// Progress line on stderr (only when stderr is a TTY): percentage, bar,
// files and bytes done of the total, rate, ETA and the path being scanned.
// Redrawn by its own thread every 200 ms. The total comes from a metadata
// pre-count that walks ahead of the scan (PreCount), then, once the scan's
// own walk has finished, from what it queued (exact); before either is
// known the line says "counting". Cleared (the line erased) when the
// display is destroyed, on Ctrl-C too.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "report/console.h"

namespace harrier {

struct ProgressSnapshot {
  uint64_t files = 0, bytes = 0;  // files met and bytes read so far
  // The work ahead in the units ProgressState::AddDone counts (bytes of the
  // files within the size limit): 0 while unknown.
  uint64_t bytes_total = 0;
  uint64_t files_total = 0;       // files the total covers; 0 while unknown
  uint64_t files_counted = 0;     // while counting: files the pre-count has met
  uint64_t findings = 0;
};

// The text of one progress line for `s`, `done` units done after `secs`
// seconds, at most `width` columns, ending with `path` when room is left.
// Pure (for tests).
std::string ProgressLine(const ProgressSnapshot& s, uint64_t done, double secs, int width,
                         const std::string& path);

// Shared between workers (writers) and the display (reader).
class ProgressState {
 public:
  void SetCurrent(size_t worker, const std::string& path);
  std::string Current();
  void AddDone(uint64_t bytes) { done_bytes_ += bytes; }
  uint64_t done_bytes() const { return done_bytes_.load(); }

 private:
  std::mutex mu_;
  std::string current_;
  std::atomic<uint64_t> done_bytes_{0};
};

class ProgressDisplay {
 public:
  ProgressDisplay(Console& console, ProgressState& state, std::function<ProgressSnapshot()> snap);
  ~ProgressDisplay();  // stops the thread and clears the line

 private:
  void Loop();
  Console& console_;
  ProgressState& state_;
  std::function<ProgressSnapshot()> snap_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace harrier
