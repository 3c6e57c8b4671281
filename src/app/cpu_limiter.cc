#include "app/cpu_limiter.h"

#include <time.h>

#include <thread>

namespace harrier {
namespace {

constexpr int64_t kMinSleepNs = 2'000'000;  // 2 ms: below this, keep working

int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int64_t CpuLimiter::ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

CpuLimiter::CpuLimiter(double pct, size_t workers) {
  if (pct <= 0 || workers == 0) return;
  double share = pct / 100.0 / static_cast<double>(workers);
  if (share >= 1.0) return;
  share_ = share;
  cpu_start_ns_ = ThreadCpuNs();
  wall_start_ns_ = MonotonicNs();
}

void CpuLimiter::Pace() {
  if (share_ <= 0) return;
  // Target: cpu_used <= share * wall_elapsed. Sleep the difference.
  int64_t cpu = ThreadCpuNs() - cpu_start_ns_;
  int64_t wall = MonotonicNs() - wall_start_ns_;
  int64_t owed = static_cast<int64_t>(static_cast<double>(cpu) / share_) - wall;
  if (owed >= kMinSleepNs) std::this_thread::sleep_for(std::chrono::nanoseconds(owed));
}

}  // namespace harrier
