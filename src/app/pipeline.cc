#include "app/pipeline.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "app/cpu_limiter.h"
#include "app/progress.h"
#include "core/units.h"
#include "scan/filetype.h"

namespace harrier {
namespace {

// A walked file (path, stat), or an entry of a disk image read by the image
// source on the producer thread (entry set: its subject and content, or the
// reason it was not read).
struct ImageEntryItem {
  Subject subject;
  std::vector<uint8_t> content;
  std::optional<SkipReason> skipped;
  std::string detail;
};
struct WorkItem {
  std::string path;
  platform::StatInfo st;
  platform::FileOpener open;  // exactly the walked file, relative to its directory
  std::unique_ptr<ImageEntryItem> entry;
  uint64_t content_bytes() const { return entry ? entry->content.size() : 0; }
};

class BoundedQueue {
 public:
  static constexpr size_t kWakeBatch = 16;
  static constexpr std::chrono::milliseconds kIdlePoll{2};
  // cap: items; byte_cap: content bytes of image entries held (an entry
  // larger than byte_cap is still let in when the queue holds no content).
  BoundedQueue(size_t cap, uint64_t byte_cap) : cap_(cap), byte_cap_(byte_cap) {}
  // Blocks while full; returns false when closed/cancelled.
  bool Push(WorkItem item, const std::atomic<bool>& cancel) {
    std::unique_lock lock(mu_);
    const uint64_t n = item.content_bytes();
    auto full = [&] {
      return q_.size() >= cap_ || (n > 0 && bytes_ > 0 && bytes_ + n > byte_cap_);
    };
    // `cancel` is set from a signal handler, which cannot notify: poll it, or
    // a walker blocked on a full queue would never see Ctrl-C (regression
    // test CtrlC.InterruptsWhileQueueIsFull).
    while (full() && !closed_ && !cancel.load()) {
      ++full_waiters_;
      not_full_.wait_for(lock, std::chrono::milliseconds(50));
      --full_waiters_;
    }
    if (closed_ || cancel.load()) return false;
    bytes_ += n;
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
    const uint64_t n = out->content_bytes();
    bytes_ -= n;
    // Wake a blocked producer only once the queue is half empty: waking it
    // at every pop of a full queue costs a futex wake and two context
    // switches per file (measured: ~3 % of a scan of small files). Content
    // leaving wakes it at once: an image's producer waits on bytes.
    if (full_waiters_ > 0 && (q_.size() <= cap_ / 2 || n > 0)) not_full_.notify_all();
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
  uint64_t byte_cap_;
  uint64_t bytes_ = 0;       // content bytes held
  size_t full_waiters_ = 0;  // producers blocked in Push
  bool closed_ = false;
};

struct Counters {
  std::atomic<uint64_t> seen{0}, scanned{0}, bytes{0}, dirs{0}, from_cache{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped{}, skipped_dirs{};
  std::atomic<uint64_t> containers{0}, members_seen{0}, members_scanned{0}, member_bytes{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_members{};
  std::atomic<uint64_t> images_opened{0}, images_failed{0}, volumes{0}, filesystems{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_volumes{};
  std::atomic<uint64_t> entries_seen{0}, entries_scanned{0}, entry_bytes{0}, deleted_scanned{0};
  std::array<std::atomic<uint64_t>, kSkipReasonCount> skipped_entries{};
  std::array<std::atomic<uint64_t>, 4> findings{};
  // Held back by false-positive filters / allow-lists (never reported).
  std::atomic<uint64_t> suppressed_filter{0}, suppressed_allowlist{0}, filtered_reasons{0};
  std::atomic<uint64_t> bytes_queued{0};
  std::atomic<uint64_t> files_walked{0};  // files the walk met (queued or skipped)
  std::atomic<bool> walk_done{false};
};

class Sink final : public WalkSink {
 public:
  Sink(BoundedQueue& q, Counters& c, const ScanConfig& cfg, const std::atomic<bool>& cancel)
      : q_(q), c_(c), cfg_(cfg), cancel_(cancel) {}
  void OnFile(std::string path, const platform::StatInfo& st,
              platform::FileOpener open) override {
    if (st.size <= cfg_.max_file_size) c_.bytes_queued += st.size;
    ++c_.files_walked;
    q_.Push({std::move(path), st, std::move(open), nullptr}, cancel_);
  }
  void OnSkip(const std::string&, SkipReason reason, bool is_file) override {
    size_t i = static_cast<size_t>(reason);
    if (is_file) {
      ++c_.seen;
      ++c_.files_walked;
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

// The progress line's pre-count: walks the same roots with the same
// options as the scan, from metadata alone, and adds up what the scan's
// Sink and workers will count (files met; bytes of the files within the
// size limit), so the display has a total long before the scan's own walk,
// which the bounded queue holds back, is done. Opens nothing but
// directories; its diagnostics are dropped (the scan's walk reports them).
class PreCountSink final : public WalkSink {
 public:
  explicit PreCountSink(uint64_t max_file_size) : max_file_size_(max_file_size) {}
  void OnFile(std::string, const platform::StatInfo& st, platform::FileOpener) override {
    ++files;
    if (st.size <= max_file_size_) bytes += st.size;
  }
  void OnSkip(const std::string&, SkipReason, bool is_file) override {
    if (is_file) ++files;
  }
  void OnDirectory(const std::string&) override {}
  std::atomic<uint64_t> files{0}, bytes{0};

 private:
  uint64_t max_file_size_;
};

class PreCount {
 public:
  PreCount(const WalkOptions& walk, uint64_t max_file_size) : sink_(max_file_size) {
    WalkOptions w = walk;
    w.threads = 1;  // metadata only: one thread keeps well ahead of the scan
    thread_ = std::thread([this, w] {
      Diagnostics dropped;
      Walk(w, sink_, dropped, stop_);
      if (!stop_.load()) done_ = true;
    });
  }
  ~PreCount() { Stop(); }
  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  bool done() const { return done_.load(); }
  uint64_t files() const { return sink_.files.load(); }
  uint64_t bytes() const { return sink_.bytes.load(); }

 private:
  PreCountSink sink_;
  std::atomic<bool> stop_{false}, done_{false};
  std::thread thread_;
};

// What a worker needs to report a subject (file or member).
struct ReportTarget {
  Counters& c;
  Reporter& reporter;
  std::mutex& mu;
  std::ostream* yara_matches;
  void Finding(harrier::Finding&& f) {
    c.filtered_reasons += f.filtered_reasons;
    if (!f.suppressed_by.empty()) {
      ++(f.allowlisted ? c.suppressed_allowlist : c.suppressed_filter);
      return;
    }
    ++c.findings[static_cast<size_t>(f.level)];
    std::lock_guard lock(mu);
    reporter.OnFinding(f);
  }
  void YaraIds(const std::vector<std::string>& ids, const std::string& where) {
    if (!yara_matches || ids.empty()) return;
    std::lock_guard lock(mu);
    for (const auto& id : ids) *yara_matches << id << ' ' << where << '\n';
  }
};

// The members of one container, scanned like files and expanded in turn
// when they are containers (depth-first, up to the depth limit). One per
// container being read; lives on the worker's stack.
class MemberScan final : public MemberSink {
 public:
  MemberScan(SubjectScanner& scanner, const PipelineOptions& opts, ReportTarget& out,
             ContainerBudget& budget, int depth, Diagnostics& diag,
             const std::atomic<bool>& cancel)
      : scanner_(scanner), opts_(opts), out_(out), budget_(budget), depth_(depth), diag_(diag),
        cancel_(cancel) {}

  // Reads `data` of `container` as a container when it is one. Returns false
  // when a member had reasons or could not be checked (the walked file is
  // then not remembered as clean by --cache).
  static bool Expand(SubjectScanner& scanner, const PipelineOptions& opts, ReportTarget& out,
                     ContainerBudget& budget, int depth, const Subject& container,
                     std::span<const uint8_t> data, Diagnostics& diag,
                     const std::atomic<bool>& cancel) {
    auto format = DetectContainer(data);
    bool image = !format && opts.images_in_archives && LooksLikeDiskImage(data);
    if (!format && !image) return true;
    if (depth >= opts.archive_limits.max_depth) {
      // A container below the depth limit: scanned as a member, not opened;
      // its members count as one skip "depth".
      ++out.c.members_seen;
      ++out.c.skipped_members[static_cast<size_t>(SkipReason::kDepth)];
      diag.Info(ChainRaw(container), fmt::format("container not opened: nested deeper than {} "
                                                 "(--archive-max-depth)",
                                                 opts.archive_limits.max_depth));
      return true;
    }
    if (image) return ExpandImage(scanner, opts, out, budget, depth, container, data, diag, cancel);
    MemberScan sink(scanner, opts, out, budget, depth + 1, diag, cancel);
    ExpandResult r =
        ExpandContainer(container, data, *format, opts.archive_limits, budget, sink, cancel);
    if (r.opened) ++out.c.containers;
    return sink.clean_;
  }

  // A disk image held in memory (a member, or an entry of another image):
  // its entries are scanned here, on this worker, and expanded in turn.
  static bool ExpandImage(SubjectScanner& scanner, const PipelineOptions& opts, ReportTarget& out,
                          ContainerBudget& budget, int depth, const Subject& container,
                          std::span<const uint8_t> data, Diagnostics& diag,
                          const std::atomic<bool>& cancel);

  // A walked file over --max-file-size (already counted as a file skipped
  // "size") or checked as blocks (over --block-threshold): opened from disk
  // (with the walker's opener) when it is a container up to
  // --archive-max-size. Returns false as Expand does.
  static bool ExpandLargeFile(SubjectScanner& scanner, const PipelineOptions& opts,
                              ReportTarget& out, const Subject& container,
                              const platform::FileOpener& open, Diagnostics& diag,
                              const std::atomic<bool>& cancel) {
    if (container.file.size > opts.archive_max_size || !open) return true;
    auto f = open();
    if (!f.ok()) return true;  // the file is already counted; opening it is a bonus
    std::vector<uint8_t> head(kContainerProbeBytes);
    size_t got = 0;
    while (got < head.size()) {
      auto n = (*f)->Read({head.data() + got, head.size() - got});
      if (!n.ok() || *n == 0) break;
      got += *n;
    }
    head.resize(got);
    auto format = DetectContainer(head);
    if (!format) return true;
    ContainerBudget budget{opts.archive_limits.max_total_bytes};
    MemberScan sink(scanner, opts, out, budget, 1, diag, cancel);
    ExpandResult r = ExpandContainerFile(container, **f, (*f)->stat().size, *format,
                                         opts.archive_limits, budget, sink, cancel);
    if (r.opened) ++out.c.containers;
    return sink.clean_;
  }

  // Neither selected by the default file selection nor a container: not
  // worth decompressing.
  std::optional<SkipReason> Screen(const Subject& m, std::span<const uint8_t> head) override {
    if (scanner_.Selected(m, head) || DetectContainer(head)) return std::nullopt;
    return SkipReason::kType;
  }

  bool OnMember(Subject m, std::span<const uint8_t> data) override {
    ++out_.c.members_seen;
    std::vector<Reason> reasons = scanner_.PathReasons(m);
    ScanOutcome o;
    std::span<const uint8_t> head = data.subspan(0, std::min(data.size(), kFileTypeHeaderBytes));
    bool selected = scanner_.Selected(m, head, &reasons);
    // Kept for the nested expansion below (the outcome takes the subject).
    Subject self = m;
    if (!selected) o = scanner_.Skipped(std::move(m), std::move(reasons), SkipReason::kType);
    else o = scanner_.Check(std::move(m), std::move(reasons), Content::Buffer(data), diag_);
    Account(o);
    if (selected) out_.YaraIds(scanner_.last_yara_ids(), ChainRaw(self));
    if (o.finding) out_.Finding(std::move(*o.finding));
    // Containers are opened whether or not the default selection picked them
    // by name or type: what they hold is what matters.
    if (!cancel_.load(std::memory_order_relaxed))
      clean_ &= Expand(scanner_, opts_, out_, budget_, depth_, self, data, diag_, cancel_);
    return !cancel_.load(std::memory_order_relaxed);
  }

  void OnMemberSkipped(Subject m, SkipReason why, std::string detail) override {
    ++out_.c.members_seen;
    std::string where = ChainRaw(m);
    if (why == SkipReason::kCorrupt || why == SkipReason::kUnsupported)
      diag_.Warning(where, detail);
    else
      diag_.Info(where, detail);
    std::vector<Reason> reasons = scanner_.PathReasons(m);
    ScanOutcome o = scanner_.Skipped(std::move(m), std::move(reasons), why);
    Account(o, /*report=*/true);
  }

 private:
  void Account(ScanOutcome& o, bool report = false) {
    if (o.scanned) ++out_.c.members_scanned;
    if (o.skipped) ++out_.c.skipped_members[static_cast<size_t>(*o.skipped)];
    out_.c.member_bytes += o.bytes;
    if (!o.clean && (o.scanned || o.skipped == SkipReason::kError ||
                     o.skipped == SkipReason::kTimeout))
      clean_ = false;
    if (o.finding) clean_ = false;
    if (report && o.finding) out_.Finding(std::move(*o.finding));
  }

  SubjectScanner& scanner_;
  const PipelineOptions& opts_;
  ReportTarget& out_;
  ContainerBudget& budget_;
  int depth_;
  Diagnostics& diag_;
  const std::atomic<bool>& cancel_;
  bool clean_ = true;
};

// An image entry is read when the default selection picks it or it is a
// container or a disk image to open: otherwise it is skipped "type" on its
// first bytes.
std::optional<SkipReason> ScreenImageEntry(const SubjectScanner& scanner, const Subject& e,
                                           std::span<const uint8_t> head) {
  if (scanner.Selected(e, head) || DetectContainer(head) || LooksLikeDiskImage(head))
    return std::nullopt;
  return SkipReason::kType;
}

// Counts and reports one image volume.
void AccountVolume(Counters& c, const VolumeReport& v, const std::string& where,
                   Diagnostics& diag) {
  ++c.volumes;
  if (!v.skipped) {
    ++c.filesystems;
    // Listed with -v: the numbers --partition takes.
    diag.Info(where, fmt::format("{}: {}, {} at byte {}{}", v.name, v.filesystem,
                                 FormatBytes(v.size), v.offset,
                                 v.drive.empty() ? "" : ", shown as " + v.drive));
    return;
  }
  ++c.skipped_volumes[static_cast<size_t>(*v.skipped)];
  std::string msg = fmt::format("{} not scanned: {}", v.name, v.detail);
  if (*v.skipped == SkipReason::kExcluded || *v.skipped == SkipReason::kType)
    diag.Info(where, msg);
  else
    diag.Warning(where, msg);
}

// One entry of a disk image, read or skipped by the image source: checked
// like a file, then opened when it is a container (archives and images
// inside images). Returns false when it had reasons or could not be checked.
bool ScanImageEntry(SubjectScanner& scanner, const PipelineOptions& opts, ReportTarget& out,
                    ImageEntryItem& e, Diagnostics& diag, const std::atomic<bool>& cancel) {
  Counters& c = out.c;
  ++c.entries_seen;
  std::vector<Reason> reasons = scanner.PathReasons(e.subject);
  if (e.skipped) {
    std::string where = ChainRaw(e.subject);
    if (*e.skipped == SkipReason::kCorrupt) diag.Warning(where, e.detail);
    else diag.Info(where, e.detail);
    ScanOutcome o = scanner.Skipped(std::move(e.subject), std::move(reasons), *e.skipped);
    ++c.skipped_entries[static_cast<size_t>(*o.skipped)];
    bool clean = !o.finding;
    if (o.finding) out.Finding(std::move(*o.finding));
    return clean;
  }
  std::span<const uint8_t> data = e.content;
  std::span<const uint8_t> head = data.subspan(0, std::min(data.size(), kFileTypeHeaderBytes));
  bool selected = scanner.Selected(e.subject, head);
  bool deleted = e.subject.deleted;
  Subject self = e.subject;  // kept for the expansion (the outcome takes the subject)
  ScanOutcome o = selected
                      ? scanner.Check(std::move(e.subject), std::move(reasons), Content::Buffer(data), diag)
                      : scanner.Skipped(std::move(e.subject), std::move(reasons), SkipReason::kType);
  if (o.scanned) {
    ++c.entries_scanned;
    if (deleted) ++c.deleted_scanned;
  }
  if (o.skipped) ++c.skipped_entries[static_cast<size_t>(*o.skipped)];
  c.entry_bytes += o.bytes;
  if (selected) out.YaraIds(scanner.last_yara_ids(), ChainRaw(self));
  bool clean = o.clean || (!o.scanned && o.skipped == SkipReason::kType && !o.finding);
  if (o.finding) out.Finding(std::move(*o.finding));
  if (opts.archives && !cancel.load(std::memory_order_relaxed)) {
    ContainerBudget budget{opts.archive_limits.max_total_bytes};
    clean &= MemberScan::Expand(scanner, opts, out, budget, 0, self, data, diag, cancel);
  }
  return clean;
}

// The entries of an image inside an archive or another image, scanned at
// once on the worker that holds the image.
class NestedImageScan final : public ImageSink {
 public:
  NestedImageScan(SubjectScanner& scanner, const PipelineOptions& opts, ReportTarget& out,
                  Diagnostics& diag, const std::atomic<bool>& cancel, std::string where)
      : scanner_(scanner), opts_(opts), out_(out), diag_(diag), cancel_(cancel),
        where_(std::move(where)) {}
  std::optional<SkipReason> Screen(const Subject& e, std::span<const uint8_t> head) override {
    return ScreenImageEntry(scanner_, e, head);
  }
  uint64_t MaxEntryBytes(const Subject& e, uint64_t limit) override {
    return scanner_.ReadLimit(e, limit);
  }
  bool OnEntry(Subject e, std::vector<uint8_t> content) override {
    ImageEntryItem item{std::move(e), std::move(content), std::nullopt, {}};
    clean_ &= ScanImageEntry(scanner_, opts_, out_, item, diag_, cancel_);
    return !cancel_.load(std::memory_order_relaxed);
  }
  void OnEntrySkipped(Subject e, SkipReason why, std::string detail) override {
    ImageEntryItem item{std::move(e), {}, why, std::move(detail)};
    clean_ &= ScanImageEntry(scanner_, opts_, out_, item, diag_, cancel_);
  }
  void OnVolume(const VolumeReport& v) override { AccountVolume(out_.c, v, where_, diag_); }
  bool clean() const { return clean_; }

 private:
  SubjectScanner& scanner_;
  const PipelineOptions& opts_;
  ReportTarget& out_;
  Diagnostics& diag_;
  const std::atomic<bool>& cancel_;
  std::string where_;
  bool clean_ = true;
};

bool MemberScan::ExpandImage(SubjectScanner& scanner, const PipelineOptions& opts,
                             ReportTarget& out, ContainerBudget& budget, int depth,
                             const Subject& container, std::span<const uint8_t> data,
                             Diagnostics& diag, const std::atomic<bool>& cancel) {
  // The image's bytes are already in memory; what its entries hold counts
  // against the same budget as an archive's members.
  if (data.size() > budget.bytes_left) {
    ++out.c.members_seen;
    ++out.c.skipped_members[static_cast<size_t>(SkipReason::kLimit)];
    diag.Info(ChainRaw(container), "disk image not opened: --archive-max-total reached");
    return true;
  }
  budget.bytes_left -= data.size();
  NestedImageScan sink(scanner, opts, out, diag, cancel, ChainRaw(container));
  ImageOptions io = opts.image;
  io.partition = 0;  // --partition names a volume of the images given with --image
  ImageResult r = ScanImageBuffer(container, data, io, sink, cancel);
  (void)depth;
  if (!r.opened) return true;  // not an image after all: checked as a member already
  ++out.c.images_opened;
  return sink.clean();
}

// The images given with --image, read on the producer thread; their entries
// go to the workers through the queue with their content.
class ImageProducer final : public ImageSink {
 public:
  ImageProducer(BoundedQueue& q, Counters& c, SubjectScanner& screen, Diagnostics& diag,
                const std::atomic<bool>& cancel, std::string where)
      : q_(q), c_(c), screen_(screen), diag_(diag), cancel_(cancel), where_(std::move(where)) {}
  std::optional<SkipReason> Screen(const Subject& e, std::span<const uint8_t> head) override {
    return ScreenImageEntry(screen_, e, head);
  }
  uint64_t MaxEntryBytes(const Subject& e, uint64_t limit) override {
    return screen_.ReadLimit(e, limit);
  }
  bool OnEntry(Subject e, std::vector<uint8_t> content) override {
    c_.bytes_queued += content.size();
    WorkItem w;
    w.entry = std::make_unique<ImageEntryItem>(
        ImageEntryItem{std::move(e), std::move(content), std::nullopt, {}});
    return q_.Push(std::move(w), cancel_);
  }
  void OnEntrySkipped(Subject e, SkipReason why, std::string detail) override {
    WorkItem w;
    w.entry = std::make_unique<ImageEntryItem>(ImageEntryItem{std::move(e), {}, why, std::move(detail)});
    q_.Push(std::move(w), cancel_);
  }
  void OnVolume(const VolumeReport& v) override { AccountVolume(c_, v, where_, diag_); }

 private:
  BoundedQueue& q_;
  Counters& c_;
  SubjectScanner& screen_;
  Diagnostics& diag_;
  const std::atomic<bool>& cancel_;
  std::string where_;
};

// Reads each image given with --image on this (the producer) thread.
void ReadImages(const PipelineOptions& opts, const std::shared_ptr<const SignatureSet>& sigs,
                const CheckRegistry& checks, BoundedQueue& queue, Counters& c, Diagnostics& diag,
                const std::atomic<bool>& cancel) {
  // Screens entries by their first bytes (the default file selection) so
  // that unselected ones are not read; it never scans.
  auto screen = SubjectScanner::Create(sigs, &checks, opts.scan);
  if (!screen.ok()) {
    diag.Error("images", screen.status().ToString());
    return;
  }
  for (const std::string& path : opts.images) {
    if (cancel.load()) break;
    Subject image;
    image.path = path;
    image.name = std::string(opts.walk.fs->BaseName(path));
    ImageProducer sink(queue, c, **screen, diag, cancel, path);
    ImageResult r = ScanImage(image, path, opts.image, sink, cancel);
    if (r.opened) {
      ++c.images_opened;
    } else {
      ++c.images_failed;
      diag.Error(path, r.error);
    }
  }
}

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
  // The live checks first: processes and connections change while files wait.
  LiveSummary live;
  if (opts.live.enabled() && !cancel.load()) {
    ReportTarget target{c, reporter, report_mu, nullptr};
    live = RunLiveChecks(opts.live, opts.scan, sigs, checks, *opts.walk.fs,
                         std::max<size_t>(1, opts.threads),
                         [&](Finding&& f) { target.Finding(std::move(f)); }, diag, cancel);
  }
  // Image entries in flight hold their content: a few per worker.
  BoundedQueue queue(opts.queue_capacity,
                     std::max<uint64_t>(64ULL << 20, (opts.threads + 2) * opts.image.max_entry_bytes));
  ProgressState progress_state;
  Sink sink(queue, c, opts.scan, cancel);

  std::vector<std::thread> workers;
  size_t nworkers = std::max<size_t>(1, opts.threads);
  for (size_t i = 0; i < nworkers; ++i) {
    workers.emplace_back([&, i] {
      auto scanner = FileScanner::Create(sigs, &checks, opts.scan, *opts.walk.fs);
      if (!scanner.ok()) {
        diag.Error("worker", scanner.status().ToString());
        return;
      }
      CpuLimiter limiter(opts.cpu_limit_pct, nworkers);
      ReportTarget target{c, reporter, report_mu, opts.yara_matches};
      WorkItem item;
      while (queue.Pop(&item, cancel)) {
        if (item.entry) {
          progress_state.SetCurrent(i, ChainRaw(item.entry->subject));
          uint64_t n = item.entry->content.size();
          ScanImageEntry((*scanner)->subjects(), opts, target, *item.entry, diag, cancel);
          progress_state.AddDone(n);
          limiter.Pace();
          continue;
        }
        progress_state.SetCurrent(i, item.path);
        ++c.seen;
        if (opts.cache && opts.cache->IsClean(item.path, item.st)) {
          ++c.scanned;
          ++c.from_cache;
          progress_state.AddDone(item.st.size <= opts.scan.max_file_size ? item.st.size : 0);
          limiter.Pace();
          continue;
        }
        FileOutcome o = item.open ? (*scanner)->Scan(item.path, item.st, item.open, diag)
                                  : (*scanner)->Scan(item.path, item.st, diag);
        target.YaraIds((*scanner)->last_yara_ids(), item.path);
        if (o.scanned) ++c.scanned;
        if (o.skipped) ++c.skipped[static_cast<size_t>(*o.skipped)];
        c.bytes += o.bytes;
        if (o.finding) target.Finding(std::move(*o.finding));
        bool clean = o.clean;
        if (opts.archives && !cancel.load()) {
          if (!(*scanner)->last_content().empty()) {
            ContainerBudget budget{opts.archive_limits.max_total_bytes};
            clean &= MemberScan::Expand((*scanner)->subjects(), opts, target, budget, 0,
                                        (*scanner)->last_subject(), (*scanner)->last_content(),
                                        diag, cancel);
          } else if (o.skipped == SkipReason::kSize || (*scanner)->last_read_as_blocks()) {
            clean &= MemberScan::ExpandLargeFile((*scanner)->subjects(), opts, target,
                                                 (*scanner)->last_subject(), item.open, diag,
                                                 cancel);
          }
        }
        if (opts.cache && clean) opts.cache->MarkClean(item.path, item.st);
        progress_state.AddDone(item.st.size <= opts.scan.max_file_size ? item.st.size : 0);
        limiter.Pace();
      }
    });
  }

  std::unique_ptr<ProgressDisplay> display;
  std::unique_ptr<PreCount> precount;
  if (opts.progress && console.stderr_tty()) {
    // Disk images have no cheap pre-count: their total is known when read.
    if (!opts.walk.roots.empty() && opts.images.empty())
      precount = std::make_unique<PreCount>(opts.walk, opts.scan.max_file_size);
    display = std::make_unique<ProgressDisplay>(console, progress_state, [&] {
      ProgressSnapshot s;
      s.files = c.seen.load() + c.entries_seen.load();
      s.bytes = c.bytes.load() + c.entry_bytes.load();
      if (c.walk_done.load()) {
        s.bytes_total = c.bytes_queued.load();
        s.files_total = c.files_walked.load() + c.entries_seen.load();
      } else if (precount && precount->done()) {
        // Files may appear or vanish between the two walks: never below
        // what the scan has already met.
        s.bytes_total = std::max(precount->bytes(), c.bytes_queued.load());
        s.files_total = std::max(precount->files(), s.files);
      } else if (precount) {
        s.files_counted = precount->files();
      }
      s.findings = c.findings[2].load() + c.findings[3].load();
      return s;
    });
  }

  if (!opts.walk.roots.empty()) Walk(opts.walk, sink, diag, cancel);
  if (precount) precount->Stop();  // the scan's walk now knows the exact total
  if (!opts.images.empty()) ReadImages(opts, sigs, checks, queue, c, diag, cancel);
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
  s.suppressed.by_filter = c.suppressed_filter;
  s.suppressed.by_allowlist = c.suppressed_allowlist;
  s.suppressed.reasons = c.filtered_reasons;
  s.containers_opened = c.containers;
  s.members_seen = c.members_seen;
  s.members_scanned = c.members_scanned;
  s.member_bytes_scanned = c.member_bytes;
  for (size_t i = 0; i < kSkipReasonCount; ++i) s.skipped_members[i] = c.skipped_members[i];
  s.images.opened = c.images_opened;
  s.images.failed = c.images_failed;
  s.images.volumes = c.volumes;
  s.images.filesystems = c.filesystems;
  s.images.entries_seen = c.entries_seen;
  s.images.entries_scanned = c.entries_scanned;
  s.images.entry_bytes_scanned = c.entry_bytes;
  s.images.deleted_scanned = c.deleted_scanned;
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    s.images.skipped_volumes[i] = c.skipped_volumes[i];
    s.images.skipped_entries[i] = c.skipped_entries[i];
  }
  s.errors = diag.error_count() - errors_before;
  s.interrupted = cancel.load();
  s.rules = sigs->stats;
  s.live = live;
  s.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  {
    std::lock_guard lock(report_mu);
    diag.SetListener(nullptr);
    reporter.End(s);
  }
  return s;
}

}  // namespace harrier
