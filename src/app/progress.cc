#include "app/progress.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>

#include "core/units.h"
#include "platform/fs.h"
#include "report/text_reporter.h"

namespace harrier {

void ProgressState::SetCurrent(size_t worker, const std::string& path) {
  if (worker != 0) return;  // one worker's path is enough for a display
  std::lock_guard lock(mu_);
  current_ = path;
}

std::string ProgressState::Current() {
  std::lock_guard lock(mu_);
  return current_;
}

ProgressDisplay::ProgressDisplay(Console& console, ProgressState& state,
                                 std::function<ProgressSnapshot()> snap)
    : console_(console), state_(state), snap_(std::move(snap)), thread_([this] { Loop(); }) {}

ProgressDisplay::~ProgressDisplay() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  console_.ClearProgress();
}

namespace {
std::string Clock(double seconds) {
  auto t = static_cast<uint64_t>(seconds < 0 ? 0 : seconds);
  if (t >= 3600) return fmt::format("{}:{:02d}:{:02d}", t / 3600, (t / 60) % 60, t % 60);
  return fmt::format("{}:{:02d}", t / 60, t % 60);
}
}  // namespace

std::string ProgressLine(const ProgressSnapshot& s, uint64_t done, double secs, int width,
                         const std::string& path) {
  double rate = secs > 0 ? s.bytes / secs : 0;
  std::string head;
  if (s.bytes_total > 0) {
    double frac = std::min(1.0, static_cast<double>(done) / static_cast<double>(s.bytes_total));
    constexpr int kBar = 20;
    int filled = static_cast<int>(frac * kBar);
    std::string bar = std::string(filled, '#') + std::string(kBar - filled, '.');
    // The rate of the work counted by the total (skipped files count as
    // done), over the whole run so far: steady, not the last second's.
    double work_rate = secs > 0 ? done / secs : 0;
    std::string eta = done > 0 && work_rate > 0 && secs >= 1
                          ? "ETA " + Clock((s.bytes_total - std::min(done, s.bytes_total)) / work_rate)
                          : "ETA --:--";
    head = fmt::format("{:3d}% [{}] {}/{} files  {}/s  {}  {} found  ",
                       static_cast<int>(frac * 100), bar, s.files, s.files_total,
                       FormatBytes(static_cast<uint64_t>(rate)), eta, s.findings);
  } else {
    head = fmt::format("{} files  {}  {}/s  counting ({} files so far)  {} found  ", s.files,
                       FormatBytes(s.bytes), FormatBytes(static_cast<uint64_t>(rate)),
                       s.files_counted, s.findings);
  }
  std::string shown = path;
  int room = width - static_cast<int>(head.size()) - 1;
  if (room < 10) shown.clear();
  else if (static_cast<int>(shown.size()) > room) shown = "..." + shown.substr(shown.size() - (room - 3));
  std::string line = head + shown;
  if (width > 0 && static_cast<int>(line.size()) > width - 1) line.resize(std::max(0, width - 1));
  return line;
}

void ProgressDisplay::Loop() {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stop_; })) {
    ProgressSnapshot s = snap_();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::string line = ProgressLine(s, state_.done_bytes(), secs, platform::TerminalWidth(2),
                                    TerminalSafe(state_.Current()));
    lock.unlock();
    console_.Progress(line);
    lock.lock();
  }
}

}  // namespace harrier
