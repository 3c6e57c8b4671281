#include "app/progress.h"

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

void ProgressDisplay::Loop() {
  auto start = std::chrono::steady_clock::now();
  std::unique_lock lock(mu_);
  while (!cv_.wait_for(lock, std::chrono::milliseconds(200), [&] { return stop_; })) {
    ProgressSnapshot s = snap_();
    double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double rate = secs > 0 ? s.bytes / secs : 0;
    std::string eta = "walking";
    if (s.bytes_total > 0) {
      uint64_t done = state_.done_bytes();
      double left = s.bytes_total > done ? static_cast<double>(s.bytes_total - done) : 0;
      double dr = secs > 0 ? done / secs : 0;
      int e = dr > 0 ? static_cast<int>(left / dr) : 0;
      eta = fmt::format("ETA {}:{:02d}", e / 60, e % 60);
    }
    std::string head = fmt::format("{} files  {}  {}/s  {}  {} found  ", s.files, FormatBytes(s.bytes),
                                   FormatBytes(static_cast<uint64_t>(rate)), eta, s.findings);
    int width = platform::TerminalWidth(2);
    std::string path = TerminalSafe(state_.Current());
    int room = width - static_cast<int>(head.size()) - 1;
    if (room < 10) path.clear();
    else if (static_cast<int>(path.size()) > room) path = "..." + path.substr(path.size() - (room - 3));
    lock.unlock();
    console_.Progress(head + path);
    lock.lock();
  }
}

}  // namespace harrier
