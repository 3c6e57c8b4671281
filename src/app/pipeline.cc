#include "app/pipeline.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "app/cpu_limiter.h"
#include "app/progress.h"

namespace harrier {
namespace {

struct WorkItem {
  std::string path;
  platform::StatInfo st;
};

class BoundedQueue {
 public:
  static constexpr size_t kWakeBatch = 16;
  static constexpr std::chrono::milliseconds kIdlePoll{2};
  explicit BoundedQueue(size_t cap) : cap_(cap) {}
  // Blocks while full; returns false when closed/cancelled.
  bool Push(WorkItem item, const std::atomic<bool>& cancel) {
    std::unique_lock lock(mu_);
    // `cancel` is set from a signal handler, which cannot notify: poll it, or
    // a walker blocked on a full queue would never see Ctrl-C (regression
    // test CtrlC.InterruptsWhileQueueIsFull).
    while (q_.size() >= cap_ && !closed_ && !cancel.load()) {
      ++full_waiters_;
      not_full_.wait_for(lock, std::chrono::milliseconds(50));
      --full_waiters_;
    }
    if (closed_ || cancel.load()) return false;
    q_.push_back(std::move(item));
    // Wake an idle worker once a batch has queued up: when workers are
    // faster than the walk (files from --cache, excluded files), waking one
    // per file costs two context switches per file. An idle worker also
    // looks by itself every kIdlePoll, so a slow walk delays a file by at
    // most that.
    if (q_.size() >= kWakeBatch) not_empty_.notify_one();
    return true;
  }
  bool Pop(WorkItem* out, const std::atomic<bool>& cancel) {
    std::unique_lock lock(mu_);
    while (q_.empty() && !closed_) {
      if (cancel.load()) return false;
      not_empty_.wait_for(lock, kIdlePoll, [&] { return !q_.empty() || closed_; });
    }
    if (q_.empty() || cancel.load()) return false;
    *out = std::move(q_.front());
    q_.pop_front();
    // Wake a blocked producer only once the queue is half empty: waking it
    // at every pop of a full queue costs a futex wake and two context
    // switches per file (measured: ~3 % of a scan of small files).
    if (full_waiters_ > 0 && q_.size() <= cap_ / 2) not_full_.notify_all();
    return true;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }
  void WakeAll() {
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_empty_, not_full_;
  std::deque<WorkItem> q_;
  size_t cap_;
  size_t full_waiters_ = 0;  // producers blocked in Push
  bool closed_ = false;
};

struct Counters {
  std::atomic<uint64_t> seen{0}, scanned{0}, bytes{0}, dirs{0}, from_cache{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped{}, skipped_dirs{};
  std::array<std::atomic<uint64_t>, 4> findings{};
  std::atomic<uint64_t> bytes_queued{0};
  std::atomic<bool> walk_done{false};
};

class Sink final : public WalkSink {
 public:
  Sink(BoundedQueue& q, Counters& c, const ScanConfig& cfg, const std::atomic<bool>& cancel)
      : q_(q), c_(c), cfg_(cfg), cancel_(cancel) {}
  void OnFile(std::string path, const platform::StatInfo& st) override {
    if (st.size <= cfg_.max_file_size) c_.bytes_queued += st.size;
    q_.Push({std::move(path), st}, cancel_);
  }
  void OnSkip(const std::string&, SkipReason reason, bool is_file) override {
    size_t i = static_cast<size_t>(reason);
    if (is_file) {
      ++c_.seen;
      ++c_.skipped[i];
    } else {
      ++c_.skipped_dirs[i];
    }
  }
  void OnDirectory(const std::string&) override { ++c_.dirs; }

 private:
  BoundedQueue& q_;
  Counters& c_;
  const ScanConfig& cfg_;
  const std::atomic<bool>& cancel_;
};

}  // namespace

ScanSummary RunPipeline(const PipelineOptions& opts, std::shared_ptr<const SignatureSet> sigs,
                        const CheckRegistry& checks, Reporter& reporter, const ScanInfo& info,
                        Console& console, Diagnostics& diag, const std::atomic<bool>& cancel) {
  auto t0 = std::chrono::steady_clock::now();
  std::mutex report_mu;
  const uint64_t errors_before = diag.error_count();
  reporter.Begin(info);
  diag.SetListener([&](const Diagnostic& d) {
    std::lock_guard lock(report_mu);
    reporter.OnDiagnostic(d);
  });

  Counters c;
  BoundedQueue queue(opts.queue_capacity);
  ProgressState progress_state;
  Sink sink(queue, c, opts.scan, cancel);

  std::vector<std::thread> workers;
  size_t nworkers = std::max<size_t>(1, opts.threads);
  for (size_t i = 0; i < nworkers; ++i) {
    workers.emplace_back([&, i] {
      auto scanner = FileScanner::Create(sigs, &checks, opts.scan);
      if (!scanner.ok()) {
        diag.Error("worker", scanner.status().ToString());
        return;
      }
      CpuLimiter limiter(opts.cpu_limit_pct, nworkers);
      WorkItem item;
      while (queue.Pop(&item, cancel)) {
        progress_state.SetCurrent(i, item.path);
        ++c.seen;
        if (opts.cache && opts.cache->IsClean(item.path, item.st)) {
          ++c.scanned;
          ++c.from_cache;
          progress_state.AddDone(0);
          limiter.Pace();
          continue;
        }
        FileOutcome o = (*scanner)->Scan(item.path, item.st, diag);
        if (opts.cache && o.clean) opts.cache->MarkClean(item.path, item.st);
        if (opts.yara_matches && !(*scanner)->last_yara_ids().empty()) {
          std::lock_guard lock(report_mu);
          for (const auto& id : (*scanner)->last_yara_ids())
            *opts.yara_matches << id << ' ' << item.path << '\n';
        }
        if (o.scanned) ++c.scanned;
        if (o.skipped) ++c.skipped[static_cast<size_t>(*o.skipped)];
        c.bytes += o.bytes;
        progress_state.AddDone(item.st.size <= opts.scan.max_file_size ? item.st.size : 0);
        if (o.finding) {
          ++c.findings[static_cast<size_t>(o.finding->level)];
          std::lock_guard lock(report_mu);
          reporter.OnFinding(*o.finding);
        }
        limiter.Pace();
      }
    });
  }

  std::unique_ptr<ProgressDisplay> display;
  if (opts.progress && console.stderr_tty()) {
    display = std::make_unique<ProgressDisplay>(console, progress_state, [&] {
      ProgressSnapshot s;
      s.files = c.seen.load();
      s.bytes = c.bytes.load();
      s.bytes_total = c.walk_done.load() ? c.bytes_queued.load() : 0;
      s.findings = c.findings[2].load() + c.findings[3].load();
      return s;
    });
  }

  Walk(opts.walk, sink, diag, cancel);
  c.walk_done = true;
  queue.Close();
  for (auto& w : workers) w.join();
  display.reset();
  console.ClearProgress();

  ScanSummary s;
  s.files_seen = c.seen;
  s.files_scanned = c.scanned;
  s.files_from_cache = c.from_cache;
  s.bytes_scanned = c.bytes;
  s.dirs_seen = c.dirs;
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    s.skipped[i] = c.skipped[i];
    s.skipped_dirs[i] = c.skipped_dirs[i];
  }
  for (size_t i = 0; i < 4; ++i) s.findings[i] = c.findings[i];
  s.errors = diag.error_count() - errors_before;
  s.interrupted = cancel.load();
  s.rules = sigs->stats;
  s.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  {
    std::lock_guard lock(report_mu);
    diag.SetListener(nullptr);
    reporter.End(s);
  }
  return s;
}

}  // namespace harrier
