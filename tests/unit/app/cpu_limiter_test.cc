// --cpu-limit: after Pace() a worker's CPU time is at most its share of the
// wall time since it started. A lower bound on the time slept, so load on
// the machine cannot make it fail (a busy host only adds wall time).
#include "app/cpu_limiter.h"

#include <gtest/gtest.h>

#include <time.h>

#include <chrono>

namespace harrier {
namespace {

int64_t ThreadCpuNs() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TEST(CpuLimiter, PaceSleepsUntilTheShareOfWallTimeIsKept) {
  auto wall0 = std::chrono::steady_clock::now();
  int64_t cpu0 = ThreadCpuNs();
  CpuLimiter limiter(/*pct=*/50, /*workers=*/2);  // a quarter of a core for this worker
  ASSERT_TRUE(limiter.enabled());
  volatile uint64_t sink = 0;
  while (ThreadCpuNs() - cpu0 < 100'000'000) sink = sink + 1;  // 100 ms of CPU
  // The CPU Pace can see: measured before it (CPU spent inside Pace, e.g.
  // on a loaded machine, is not the limiter's to pay back; counting it made
  // this test fail under load). Waiting longer than owed only adds wall time,
  // so a busy machine cannot make the bound below fail.
  double cpu_s = (ThreadCpuNs() - cpu0) / 1e9;
  limiter.Pace();
  double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall0).count();
  // cpu <= 0.25 * wall, less the 2 ms the limiter lets go.
  EXPECT_GE(wall_s, cpu_s / 0.25 - 0.01) << "cpu " << cpu_s << " s, wall " << wall_s << " s";
}

TEST(CpuLimiter, OffWhenNoLimitOrAWholeCorePerWorker) {
  EXPECT_FALSE(CpuLimiter(0, 2).enabled());
  EXPECT_FALSE(CpuLimiter(200, 2).enabled());
  EXPECT_TRUE(CpuLimiter(150, 2).enabled());
  // Disabled: Pace returns at once.
  CpuLimiter off(0, 1);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 1000; ++i) off.Pace();
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

}  // namespace
}  // namespace harrier
