// --syslog HOST:PORT: forwards one message per finding plus the summary to a
// collector over UDP or TCP (octet-counting framing), in the format of
// syslog_format.h.
//
// A broken or slow collector never stalls the scan: OnFinding only formats
// and appends to a bounded queue (full queue = message dropped and
// counted); one sender thread owns the connection. Every send and connect
// is bounded by `timeout`; a failed or timed-out send drops that message and
// closes the connection (a partial TCP frame cannot be continued), and
// reconnecting is tried at most once per second. At the end the queue gets
// `timeout` to drain before the summary counts are taken (what is still
// queued then is dropped), and the summary message another `timeout`: the
// scan's end is delayed by at most 2 x timeout.
// Thread-safety: Reporter calls are serialised by the pipeline; the sender
// thread shares only the queue (under mu_) and atomics.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "platform/net.h"
#include "report/console.h"
#include "report/reporter.h"
#include "report/syslog_format.h"

namespace harrier {

struct SyslogOptions {
  platform::Endpoint endpoint;
  platform::Transport transport = platform::Transport::kUdp;
  SyslogFormat format = SyslogFormat::kRfc5424;
  size_t queue_capacity = 10000;  // messages waiting for the sender
  double timeout_s = 5;           // per connect/send, and per end-of-scan flush
};

class SyslogReporter final : public Reporter {
 public:
  SyslogReporter(SyslogOptions opts, Console& console);
  ~SyslogReporter() override;

  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void AddDeliveryStats(ScanSummary* summary) override;
  void End(const ScanSummary& summary) override;

  uint64_t sent() const { return sent_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  void Enqueue(std::string message);
  void SenderLoop();
  // Waits until the queue is empty and nothing is in flight, or `timeout`;
  // then drops (and counts) whatever is left. Returns true when drained.
  bool Drain();
  std::chrono::steady_clock::duration Timeout() const;

  SyslogOptions opts_;
  Console& console_;
  SyslogContext ctx_;
  ScanInfo info_;

  std::mutex mu_;
  std::condition_variable cv_;      // queue changed / stop
  std::deque<std::string> queue_;   // framed messages
  bool busy_ = false;               // sender holds a message
  bool stop_ = false;
  std::string last_error_;          // under mu_
  std::atomic<bool> abort_{false};  // interrupts a send in flight
  std::atomic<uint64_t> sent_{0}, dropped_{0};
  std::thread sender_;
};

}  // namespace harrier
