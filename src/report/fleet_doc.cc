#include "report/fleet_doc.h"

#include <algorithm>
#include <tuple>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier {

namespace {
void InsertSorted(std::vector<uint32_t>& v, uint32_t x) {
  auto it = std::lower_bound(v.begin(), v.end(), x);
  if (it == v.end() || *it != x) v.insert(it, x);
}
}  // namespace

std::string IndicatorLabel(ReasonKind kind, const std::string& name) {
  return fmt::format("{} {}", ReasonKindName(kind), name);
}

uint32_t IndicatorTally::HostId(const std::string& hostname) {
  auto [it, inserted] = host_ids_.try_emplace(hostname, static_cast<uint32_t>(host_ids_.size()));
  return it->second;
}

void IndicatorTally::Add(const Finding& f, uint32_t host_id) {
  for (const Reason& r : f.reasons) {
    auto key = std::make_pair(static_cast<int>(r.kind), r.name);
    auto it = indicators_.find(key);
    if (it == indicators_.end()) {
      if (indicators_.size() >= max_entries_) {
        ++dropped_;
        continue;
      }
      IndicatorStat s;
      s.kind = r.kind;
      s.name = r.name;
      s.description = r.description;
      it = indicators_.emplace(key, std::move(s)).first;
    }
    IndicatorStat& s = it->second;
    ++s.findings;
    s.max_score = std::max(s.max_score, f.score);
    s.max_level = std::max(s.max_level, f.level);
    if (s.remediation.empty()) s.remediation = r.remediation;
    InsertSorted(s.hosts, host_id);
    if (r.remediation.empty()) continue;
    auto rit = remediations_.find(r.remediation);
    if (rit == remediations_.end()) {
      if (remediations_.size() >= max_entries_) continue;  // indicator counted above
      RemediationStat rs;
      rs.text = r.remediation;
      rit = remediations_.emplace(r.remediation, std::move(rs)).first;
    }
    RemediationStat& rs = rit->second;
    rs.max_level = std::max(rs.max_level, f.level);
    rs.max_score = std::max(rs.max_score, f.score);
    InsertSorted(rs.hosts, host_id);
    std::string label = IndicatorLabel(r.kind, r.name);
    if (rs.indicators.size() < RemediationStat::kMaxNames &&
        std::find(rs.indicators.begin(), rs.indicators.end(), label) == rs.indicators.end())
      rs.indicators.push_back(std::move(label));
  }
}

std::vector<IndicatorStat> IndicatorTally::Indicators() const {
  std::vector<IndicatorStat> out;
  out.reserve(indicators_.size());
  for (const auto& [k, v] : indicators_) out.push_back(v);
  std::stable_sort(out.begin(), out.end(), [](const IndicatorStat& a, const IndicatorStat& b) {
    return std::make_tuple(a.hosts.size(), a.findings, a.max_score) >
           std::make_tuple(b.hosts.size(), b.findings, b.max_score);
  });
  return out;
}

std::vector<RemediationStat> IndicatorTally::Remediations() const {
  std::vector<RemediationStat> out;
  out.reserve(remediations_.size());
  for (const auto& [k, v] : remediations_) out.push_back(v);
  std::stable_sort(out.begin(), out.end(), [](const RemediationStat& a, const RemediationStat& b) {
    return std::make_tuple(a.max_level, a.max_score, a.hosts.size()) >
           std::make_tuple(b.max_level, b.max_score, b.hosts.size());
  });
  return out;
}

FleetCollector::FleetCollector(size_t max_findings, size_t max_scans, size_t max_indicators)
    : max_findings_(max_findings), max_scans_(max_scans), max_indicators_(max_indicators) {
  doc_.indicators = IndicatorTally(max_indicators);
}

void FleetCollector::Open(std::string origin) {
  if (scans_.size() >= max_scans_) {
    overflow_ = true;
    ++doc_.scans_dropped;
    overflow_scan_ = ReportDoc{};
    overflow_scan_.origin = std::move(origin);
    return;
  }
  overflow_ = false;
  scans_.emplace_back();
  scans_.back().origin = std::move(origin);
}

ReportDoc* FleetCollector::current() { return overflow_ ? &overflow_scan_ : &scans_.back(); }

void FleetCollector::AddFinding(Finding f) {
  ReportDoc* scan = current();
  ++scan->findings_total;
  ++scan->offered_by_level[static_cast<size_t>(f.level)];
  scan->max_score = std::max(scan->max_score, f.score);
  const std::string& host = f.host.empty() ? scan->info.hostname : f.host;
  doc_.indicators.Add(f, doc_.indicators.HostId(host));
  if (observer_) observer_(f, *scan);
  if (overflow_ || max_findings_ == 0) return;
  // Min-heap: the front ranks lowest of all kept findings.
  auto above = [](const Kept& a, const Kept& b) {
    if (FindingRanksBelow(a.finding, b.finding)) return false;
    if (FindingRanksBelow(b.finding, a.finding)) return true;
    return a.scan < b.scan;
  };
  Kept k{static_cast<uint32_t>(scans_.size() - 1), std::move(f)};
  if (kept_.size() < max_findings_) {
    kept_.push_back(std::move(k));
    std::push_heap(kept_.begin(), kept_.end(), above);
    return;
  }
  if (!above(k, kept_.front())) return;  // ranks below everything kept
  std::pop_heap(kept_.begin(), kept_.end(), above);
  kept_.back() = std::move(k);
  std::push_heap(kept_.begin(), kept_.end(), above);
}

// Turns one stream's lines into scans of the collector.
class FleetSink final : public JsonlSink {
 public:
  FleetSink(FleetCollector& c, const std::string& name, Diagnostics& diag)
      : c_(c), name_(name), diag_(diag) {}

  void OnStart(const ScanInfo& info, uint64_t line) override {
    c_.Open(Where(line));
    open_ = true;
    finished_ = false;
    ReportDoc* d = c_.current();
    d->info = info;
    d->has_start = true;
  }
  void OnFinding(Finding f, uint64_t line) override {
    Need(line, "finding");
    c_.AddFinding(std::move(f));
  }
  void OnSummary(const ScanSummary& s, const ScanInfo& info, uint64_t line) override {
    Need(line, "summary");
    c_.current()->ApplySummary(s, info);
    finished_ = true;
  }
  void OnDiagnostic(Diagnostic d, uint64_t line) override {
    Need(line, "diagnostic");
    ReportDoc* doc = c_.current();
    ++doc->diagnostics_total;
    if (c_.diagnostics_kept_ < ReportCollector::kMaxDiagnostics && !c_.overflow_) {
      ++c_.diagnostics_kept_;
      doc->diagnostics.push_back(std::move(d));
    }
  }
  void OnInputProblem(uint64_t) override {
    ++c_.doc_.input_problems;
    if (open_) ++c_.current()->input_problems;
  }

 private:
  std::string Where(uint64_t line) const { return fmt::format("{}:{}", name_, line); }
  // A line that belongs to an open scan: opens one without a start when
  // there is none, or when the current one already ended with its summary.
  void Need(uint64_t line, const char* what) {
    if (open_ && !finished_) return;
    const bool after_summary = open_;
    if (after_summary)
      diag_.Error(Where(line), fmt::format("{} after the summary of the scan read from {}: read "
                                           "as a scan without scan_start",
                                           what, c_.current()->origin));
    c_.Open(Where(line));
    open_ = true;
    finished_ = false;
    // A stream that starts without scan_start (cut at the front) is read
    // as before; only a line after a summary breaks the format.
    if (after_summary) OnInputProblem(line);
  }

  FleetCollector& c_;
  const std::string& name_;
  Diagnostics& diag_;
  bool open_ = false;      // a scan of this stream is open
  bool finished_ = false;  // it has its summary
};

Status FleetCollector::Read(std::istream& in, const std::string& name, Diagnostics& diag,
                            uint64_t max_line_bytes) {
  FleetSink sink(*this, name, diag);
  return ReadJsonlInto(in, name, sink, diag, max_line_bytes);
}

FleetDoc FleetCollector::Finish() {
  for (Kept& k : kept_) scans_[k.scan].findings.push_back(std::move(k.finding));
  kept_.clear();
  for (ReportDoc& s : scans_) {
    std::sort(s.findings.begin(), s.findings.end(),
              [](const Finding& a, const Finding& b) { return FindingRanksBelow(b, a); });
    s.findings_dropped = s.findings_total - s.findings.size();
  }
  std::stable_sort(scans_.begin(), scans_.end(), [](const ReportDoc& a, const ReportDoc& b) {
    return std::tie(a.info.start_time, a.info.hostname) <
           std::tie(b.info.start_time, b.info.hostname);
  });
  FleetDoc out = std::move(doc_);
  out.scans = std::move(scans_);
  doc_ = FleetDoc{};
  doc_.indicators = IndicatorTally(max_indicators_);
  scans_.clear();
  diagnostics_kept_ = 0;
  return out;
}

HostVerdict HostVerdictOf(const ReportDoc& scan) {
  if (!scan.summary) return HostVerdict::kUnfinished;
  switch (VerdictFor(*scan.summary)) {
    case Verdict::kAlert: return HostVerdict::kAlert;
    case Verdict::kWarning: return HostVerdict::kWarning;
    case Verdict::kIncomplete: return HostVerdict::kIncomplete;
    case Verdict::kClean: break;
  }
  return scan.summary->findings[static_cast<size_t>(Level::kNotice)] ? HostVerdict::kNotice
                                                                     : HostVerdict::kClean;
}

std::string_view HostVerdictName(HostVerdict v) {
  switch (v) {
    case HostVerdict::kAlert: return "ALERT";
    case HostVerdict::kWarning: return "WARNING";
    case HostVerdict::kUnfinished: return "UNFINISHED";
    case HostVerdict::kIncomplete: return "INCOMPLETE";
    case HostVerdict::kNotice: return "NOTICE";
    case HostVerdict::kClean: return "CLEAN";
  }
  return "UNKNOWN";
}

std::vector<size_t> FleetDoc::WorstFirst() const {
  auto rank = [&](const ReportDoc& d) {
    HostVerdict v = HostVerdictOf(d);
    if (v == HostVerdict::kUnfinished) {
      const auto& n = d.offered_by_level;
      if (n[static_cast<size_t>(Level::kAlert)]) return static_cast<int>(HostVerdict::kAlert);
      if (n[static_cast<size_t>(Level::kWarning)]) return static_cast<int>(HostVerdict::kWarning);
    }
    return static_cast<int>(v);
  };
  std::vector<size_t> order(scans.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    const ReportDoc& a = scans[x];
    const ReportDoc& b = scans[y];
    auto ka = std::make_tuple(rank(a), a.max_score,
                              a.EffectiveSummary().findings[static_cast<size_t>(Level::kAlert)]);
    auto kb = std::make_tuple(rank(b), b.max_score,
                              b.EffectiveSummary().findings[static_cast<size_t>(Level::kAlert)]);
    if (ka != kb) return ka > kb;
    return std::tie(a.info.hostname, a.info.start_time) < std::tie(b.info.hostname, b.info.start_time);
  });
  return order;
}

Result<std::vector<std::string>> ExpandReportInputs(const std::vector<std::string>& inputs) {
  std::vector<std::string> out;
  for (const std::string& in : inputs) {
    if (in == "-") {
      if (std::find(out.begin(), out.end(), "-") != out.end())
        return Status::InvalidArgument("standard input ('-') given twice");
      out.push_back(in);
      continue;
    }
    auto st = platform::Stat(in);
    if (!st.ok()) return st.status();
    if (st->type != platform::FileType::kDirectory) {
      out.push_back(in);
      continue;
    }
    auto dir = platform::Directory::Open(in, /*follow=*/true);
    if (!dir.ok()) return dir.status();
    std::vector<std::string> names;
    platform::DirEntry e;
    while ((*dir)->Next(&e)) {
      if (e.name.size() <= 6 || e.name.compare(e.name.size() - 6, 6, ".jsonl") != 0) continue;
      // A link is followed to see what it names: the folder is the
      // analyst's own collection of scans.
      auto s = e.stat.ok() && e.stat->type == platform::FileType::kSymlink
                   ? (*dir)->StatEntry(e.name)
                   : e.stat;
      if (s.ok() && s->type == platform::FileType::kRegular) names.push_back(e.name);
    }
    if (!(*dir)->status().ok()) return (*dir)->status();
    if (names.empty()) return Status::NotFound(fmt::format("{}: no *.jsonl file in the folder", in));
    std::sort(names.begin(), names.end());
    for (const auto& n : names) out.push_back(platform::JoinPath(in, n));
  }
  return out;
}

}  // namespace harrier
