#include "report/syslog_reporter.h"


#include <fmt/format.h>

#include "platform/fs.h"
#include "report/json_util.h"
#include "report/text_reporter.h"

namespace harrier {
namespace {
// Largest UDP payload we send; bigger messages are dropped (counted) rather
// than truncated, since a cut JSON or CEF record would not parse.
constexpr size_t kMaxUdpMessage = 65000;
// How long the last UDP datagram waits for a refusal before it counts as sent.
constexpr std::chrono::milliseconds kRefusalWait{100};
}  // namespace

SyslogReporter::SyslogReporter(SyslogOptions opts, Console& console)
    : opts_(std::move(opts)), console_(console) {
  sender_ = std::thread([this] { SenderLoop(); });
}

SyslogReporter::~SyslogReporter() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  abort_ = true;
  cv_.notify_all();
  if (sender_.joinable()) sender_.join();
}

std::chrono::steady_clock::duration SyslogReporter::Timeout() const {
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(opts_.timeout_s));
}

void SyslogReporter::Begin(const ScanInfo& info) {
  info_ = info;
  ctx_.hostname = info.hostname;
  ctx_.scan = info;
  ctx_.version = info.version;
  ctx_.pid = platform::ProcessId();
}

void SyslogReporter::Enqueue(std::string message) {
  if (opts_.transport == platform::Transport::kUdp && message.size() > kMaxUdpMessage) {
    ++dropped_;
    return;
  }
  if (opts_.transport == platform::Transport::kTcp) message = OctetCountingFrame(message);
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= opts_.queue_capacity) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(message));
  }
  cv_.notify_all();
}

void SyslogReporter::OnFinding(const Finding& f) {
  Enqueue(SyslogFinding(opts_.format, f, ctx_));
}

void SyslogReporter::SenderLoop() {
  std::unique_ptr<platform::Connection> conn;
  auto next_connect = std::chrono::steady_clock::time_point{};
  // A UDP datagram is counted when the next one goes out, or after
  // kRefusalWait with nothing more to send, unless the collector's host
  // refused it by then (Connection::CheckRefused).
  bool unconfirmed = false;
  bool last_settled_sent = false;  // the datagram just settled counted as sent
  auto settle = [&](std::chrono::milliseconds wait) {
    last_settled_sent = false;
    if (!unconfirmed) return;
    unconfirmed = false;
    Status d = conn ? conn->CheckRefused(wait) : Status::Ok();
    if (d.ok()) {
      ++sent_;
      last_settled_sent = true;
    } else {
      ++dropped_;
      std::lock_guard lock(mu_);
      last_error_ = d.message();
    }
  };
  for (;;) {
    std::string msg;
    bool settle_only = false;
    {
      std::unique_lock lock(mu_);
      if (unconfirmed && queue_.empty()) {
        settle_only = true;  // stays busy_: Drain waits for the verdict
      } else {
        busy_ = false;
        cv_.notify_all();
        cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
        if (stop_) return;
        msg = std::move(queue_.front());
        queue_.pop_front();
        busy_ = true;
      }
    }
    if (settle_only) {
      settle(kRefusalWait);
      continue;
    }
    settle(std::chrono::milliseconds(0));
    Status st;
    if (!conn) {
      // Reconnect at most once per second; the message waits for it (the
      // queue, not the scan, absorbs an outage).
      while (std::chrono::steady_clock::now() < next_connect && !abort_.load())
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      auto now = std::chrono::steady_clock::now();
      auto c = platform::Connection::Open(opts_.endpoint, opts_.transport, now + Timeout(), &abort_);
      if (c.ok()) conn = std::move(*c);
      else st = c.status(), next_connect = now + std::chrono::seconds(1);
    }
    if (conn) {
      st = conn->Send(msg, std::chrono::steady_clock::now() + Timeout(), &abort_);
      // A refusal that arrived after the settle above belongs to the datagram
      // before: the kernel reports it on this send, which did not go out.
      // Count that one as dropped and send this one again.
      if (!st.ok() && last_settled_sent && platform::IsRefused(st)) {
        --sent_;
        ++dropped_;
        last_settled_sent = false;
        st = conn->Send(msg, std::chrono::steady_clock::now() + Timeout(), &abort_);
      }
      if (!st.ok()) {
        conn.reset();
        next_connect = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
    }
    if (st.ok() && opts_.transport == platform::Transport::kUdp) {
      unconfirmed = true;
    } else if (st.ok()) {
      ++sent_;
    } else {
      ++dropped_;
      std::lock_guard lock(mu_);
      last_error_ = st.message();
    }
  }
}

bool SyslogReporter::Drain() {
  std::unique_lock lock(mu_);
  bool drained = cv_.wait_for(lock, Timeout(), [&] { return queue_.empty() && !busy_; });
  if (drained) return true;
  dropped_ += queue_.size();
  queue_.clear();
  abort_ = true;  // the message in flight fails at once and is counted
  cv_.wait(lock, [&] { return !busy_; });
  abort_ = false;
  return false;
}

void SyslogReporter::AddDeliveryStats(ScanSummary* summary) {
  Drain();
  summary->syslog.enabled = true;
  summary->syslog.sent = sent_;
  summary->syslog.dropped = dropped_;
}

void SyslogReporter::End(const ScanSummary& s) {
  uint64_t dropped_before = dropped_;
  Enqueue(SyslogSummary(opts_.format, s, info_, ctx_));
  Drain();
  std::string err;
  {
    std::lock_guard lock(mu_);
    stop_ = true;
    err = last_error_;
  }
  cv_.notify_all();
  sender_.join();
  if (dropped_ > dropped_before)
    console_.Err("harrier: syslog: the summary message could not be delivered" +
                 (err.empty() ? std::string() : ": " + TerminalSafe(err)) + "\n");
  else if (dropped_ > 0)
    console_.Err(fmt::format("harrier: syslog: {} of {} messages dropped{}\n", dropped_.load(),
                             dropped_.load() + sent_.load(),
                             err.empty() ? "" : " (last error: " + TerminalSafe(err) + ")"));
}

}  // namespace harrier
