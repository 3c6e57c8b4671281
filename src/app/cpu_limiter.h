// CpuLimiter: per-worker duty cycle for --cpu-limit PCT.
//
// PCT is a share of one core for the whole scan (50 = half a core-second per
// second), split evenly over the W workers. Each worker measures its own
// thread CPU time (CLOCK_THREAD_CPUTIME_ID) and, after each file, sleeps
// until its CPU time is at most PCT/100/W of the wall time since it started
// (sleeps shorter than 2 ms are deferred). The walker threads are not
// limited; their cost is small beside reading, hashing and YARA. Long single
// files make the duty cycle coarse: the worker sleeps after the file.
// Linux/POSIX clock; on other platforms the same clocks exist in MinGW.
// Thread-safety: one instance per worker thread.
#pragma once

#include <chrono>
#include <cstdint>

namespace harrier {

class CpuLimiter {
 public:
  // pct: 1..100 of one core for the whole process; 0 (or >= 100*workers)
  // disables the limiter.
  CpuLimiter(double pct, size_t workers);
  // Call after each unit of work (a file).
  void Pace();
  bool enabled() const { return share_ > 0; }

 private:
  static int64_t ThreadCpuNs();
  double share_ = 0;         // fraction of one core for this worker
  int64_t cpu_start_ns_ = 0;
  int64_t wall_start_ns_ = 0;
};

}  // namespace harrier
