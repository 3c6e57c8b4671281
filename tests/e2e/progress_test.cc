// The progress line as a person at a terminal sees it: harrier runs on a
// pseudo-terminal (forkpty, no tmux), and the test reads every frame it
// draws. A frame is the text after "\r\033[K".
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <regex>

#include "testutil/testutil.h"

namespace harrier {
namespace {

using namespace harrier::testing;
using Clock = std::chrono::steady_clock;

struct Frame {
  double at_s;  // seconds after start when it was read
  std::string text;
};

struct PtyRun {
  int exit_code = -1;
  std::string raw;
  std::vector<Frame> frames;
};

// Runs harrier on a PTY of 200 columns; sends Ctrl-C (the terminal's
// interrupt character) once `interrupt_when` returns true for a frame.
PtyRun RunOnPty(const std::vector<std::string>& args,
                const std::function<bool(const Frame&)>& interrupt_when = nullptr,
                int timeout_s = 120) {
  PtyRun out;
  winsize ws{};
  ws.ws_col = 200;
  ws.ws_row = 50;
  int master = -1;
  std::vector<std::string> argv = {HarrierBinary()};
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  auto t0 = Clock::now();
  pid_t pid = forkpty(&master, nullptr, nullptr, &ws);
  if (pid == 0) {
    setenv("HARRIER_NO_LOG", "1", 1);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  if (pid < 0) return out;
  std::string pending;
  bool interrupted = false;
  auto elapsed = [&] { return std::chrono::duration<double>(Clock::now() - t0).count(); };
  for (;;) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      char buf[4096];
      ssize_t n = read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the child closed the terminal
      out.raw.append(buf, n);
      pending.append(buf, n);
      // Complete frames: text between one "\r\033[K" and the next.
      const std::string mark = "\r\033[K";
      size_t a;
      while ((a = pending.find(mark)) != std::string::npos) {
        size_t b = pending.find(mark, a + mark.size());
        if (b == std::string::npos) break;
        Frame f{elapsed(), pending.substr(a + mark.size(), b - a - mark.size())};
        pending.erase(0, b);
        if (!f.text.empty()) {
          out.frames.push_back(f);
          if (interrupt_when && !interrupted && interrupt_when(f)) {
            char ctrl_c = 3;
            EXPECT_EQ(write(master, &ctrl_c, 1), 1);
            interrupted = true;
          }
        }
      }
    }
    if (elapsed() > timeout_s) {
      kill(pid, SIGKILL);
      break;
    }
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(master);
  out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return out;
}

struct Eta {
  int percent;
  uint64_t files_done, files_total;
};

std::optional<Eta> ParseEta(const std::string& frame) {
  static const std::regex re(R"(^\s*(\d+)% \[[#.]{20}\] (\d+)/(\d+) files .* ETA (\d+:\d\d|--:--))");
  std::smatch m;
  if (!std::regex_search(frame, m, re)) return std::nullopt;
  return Eta{std::stoi(m[1]), std::stoull(m[2]), std::stoull(m[3])};
}

class ProgressPty : public ::testing::Test {
 protected:
  void SetUp() override {
    // Thousands of small files, scanned at a CPU limit so the scan lasts
    // seconds: long enough to watch, short enough for make test. A short
    // queue holds the scan's own walk back until near the end (as a large
    // tree does with the default queue), so an early total can only come
    // from the pre-count.
    for (int d = 0; d < 10; ++d)
      for (int i = 0; i < 150; ++i)
        tree_.Write("d" + std::to_string(d) + "/f" + std::to_string(i) + ".txt",
                    std::string(2048, static_cast<char>('a' + i % 26)));
  }
  std::vector<std::string> Args() const {
    return {"scan", "--all-files", "--cpu-limit", "10", "--threads", "1", "--queue-size", "16",
            tree_.path()};
  }
  TempDir tree_;
};

TEST_F(ProgressPty, PercentageAndEtaFromTheFirstSecondsOfAScan) {
  PtyRun r = RunOnPty(Args());
  ASSERT_EQ(r.exit_code, 0) << r.raw.substr(0, 2000);
  ASSERT_GE(r.frames.size(), 5u) << "the scan drew too few frames to judge: " << r.raw.substr(0, 2000);
  // The first frame that shows a total: early in the scan, not at its end.
  const Frame* first = nullptr;
  std::optional<Eta> eta;
  for (const auto& f : r.frames)
    if ((eta = ParseEta(f.text))) {
      first = &f;
      break;
    }
  ASSERT_NE(first, nullptr) << "no frame with a percentage:\n" << r.frames.front().text;
  EXPECT_EQ(eta->files_total, 1500u) << first->text;
  EXPECT_LT(eta->files_done, eta->files_total / 2) << "the total came late: " << first->text;
  EXPECT_LT(first->at_s, 10.0) << first->text;
  // An ETA with a time (not "--:--") follows while the scan still runs, and
  // the percentage only grows.
  bool timed = false;
  int last_pct = 0;
  for (const auto& f : r.frames) {
    auto e = ParseEta(f.text);
    if (!e) continue;
    EXPECT_GE(e->percent, last_pct) << f.text;
    last_pct = e->percent;
    if (f.text.find("ETA --:--") == std::string::npos && e->files_done < e->files_total) timed = true;
  }
  EXPECT_TRUE(timed) << "no ETA with a time before the end";
  // The progress line is erased before the summary: nothing of it is left
  // on the screen after the last redraw.
  size_t last = r.raw.rfind("\r\033[K");
  ASSERT_NE(last, std::string::npos);
  EXPECT_EQ(r.raw.find("% [", last), std::string::npos) << r.raw.substr(last, 400);
  EXPECT_NE(r.raw.find("Verdict", last), std::string::npos);
}

TEST_F(ProgressPty, CtrlCClearsTheLineAndWritesTheSummary) {
  PtyRun r = RunOnPty(Args(), [](const Frame& f) { return ParseEta(f.text).has_value(); });
  EXPECT_EQ(r.exit_code, 3) << "interrupted is incomplete\n" << r.raw.substr(r.raw.size() > 1500 ? r.raw.size() - 1500 : 0);
  size_t last = r.raw.rfind("\r\033[K");
  ASSERT_NE(last, std::string::npos);
  std::string tail = r.raw.substr(last + 4);
  EXPECT_EQ(tail.find("% ["), std::string::npos) << tail;
  EXPECT_NE(tail.find("Verdict"), std::string::npos) << tail;
  EXPECT_NE(tail.find("nterrupt"), std::string::npos) << tail;
}

// Without a terminal there is no progress line (and no pre-count).
TEST_F(ProgressPty, NothingIsDrawnIntoAPipe) {
  auto r = RunHarrier({"scan", "--all-files", tree_.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("\r\033[K"), std::string::npos);
  EXPECT_EQ(r.err.find("ETA"), std::string::npos);
}

}  // namespace
}  // namespace harrier
