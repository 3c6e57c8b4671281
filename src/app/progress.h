// Progress line on stderr (only when stderr is a TTY): files, bytes, rate,
// ETA (once the walk has finished and the total is known) and the path being
// scanned. Redrawn by its own thread every 200 ms.
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
  uint64_t files = 0, bytes = 0;
  uint64_t bytes_total = 0;  // 0 while unknown
  uint64_t findings = 0;
};

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
