#include "app/report_outputs.h"

#include <fstream>
#include <iostream>

#include <fmt/format.h>

#include "app/cli_help.h"
#include "core/finding.h"
#include "core/units.h"
#include "platform/fs.h"
#include "platform/net.h"
#include "report/csv_reporter.h"
#include "report/fleet_doc.h"
#include "report/fleet_html.h"
#include "report/html_report.h"
#include "report/json_util.h"
#include "report/html_reporter.h"
#include "report/report_doc.h"
#include "report/syslog_reporter.h"
#include "report/text_reporter.h"

namespace harrier {

std::string DefaultLogPath(const std::string& dir, std::string_view host, const std::string& stamp) {
  std::string h;
  for (char c : host.substr(0, 64)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    h.push_back(ok ? c : '_');
  }
  if (h.empty() || h == "." || h == "..") h = "host";
  return platform::JoinPath(dir.empty() ? "." : dir, h + "_harrier_" + stamp + ".jsonl");
}

void AddReportOutputFlags(CLI::App* sc, ReportOutputOptions* o) {
  sc->add_option("--html", o->html,
                 "Write a self-contained HTML report to FILE (written when the scan ends)")
      ->group(kGroupOutput)->type_name("FILE");
  sc->add_option("--html-max-findings", o->html_max_findings,
                 "Findings kept for the HTML report, highest score first (the rest are counted)")
      ->default_val(10000)
      ->group(kGroupOutput);
  sc->add_option("--csv", o->csv, "Write one CSV line per finding to FILE")
      ->group(kGroupOutput)->type_name("FILE");
  sc->add_option("--syslog", o->syslog,
                 "Send one message per finding plus the summary to HOST:PORT")
      ->group(kGroupOutput)->type_name("HOST:PORT");
  sc->add_option("--syslog-proto", o->syslog_proto, "Syslog transport")
      ->check(CLI::IsMember({"udp", "tcp"}))
      ->default_val("udp")
      ->group(kGroupOutput);
  sc->add_option("--syslog-format", o->syslog_format, "Syslog message format")
      ->check(CLI::IsMember({"rfc5424", "cef", "json"}))
      ->default_val("rfc5424")
      ->group(kGroupOutput);
  sc->add_option("--syslog-queue", o->syslog_queue,
                 "Messages buffered for a slow collector before dropping (counted)")
      ->default_val(10000)
      ->group(kGroupOutput);
  sc->add_option("--syslog-timeout", o->syslog_timeout,
                 "Seconds per connect/send and per end-of-scan flush")
      ->default_val(5)
      ->group(kGroupOutput)->type_name("SEC");
}

Status AddReportOutputs(const ReportOutputOptions& o, Console& console, MultiReporter& reporter) {
  if (!o.html.empty()) {
    auto h = HtmlReporter::Open(o.html, o.html_max_findings);
    if (!h.ok()) return h.status();
    reporter.Add(std::move(*h));
  }
  if (!o.csv.empty()) {
    auto c = CsvReporter::Open(o.csv);
    if (!c.ok()) return c.status();
    reporter.Add(std::move(*c));
  }
  if (!o.syslog.empty()) {
    auto ep = platform::ParseEndpoint(o.syslog);
    if (!ep.ok()) return Status::InvalidArgument("--syslog: " + ep.status().message());
    if (o.syslog_queue == 0 || !(o.syslog_timeout > 0))
      return Status::InvalidArgument("--syslog-queue and --syslog-timeout must be positive");
    SyslogOptions so;
    so.endpoint = *ep;
    so.transport = o.syslog_proto == "tcp" ? platform::Transport::kTcp : platform::Transport::kUdp;
    so.format = o.syslog_format == "cef"    ? SyslogFormat::kCef
                : o.syslog_format == "json" ? SyslogFormat::kJson
                                            : SyslogFormat::kRfc5424;
    so.queue_capacity = o.syslog_queue;
    so.timeout_s = o.syslog_timeout;
    reporter.Add(std::make_unique<SyslogReporter>(so, console));
  }
  return Status::Ok();
}

CLI::App* AddReportCommand(CLI::App& app, ReportCommandOptions* o) {
  auto* rep = app.add_subcommand(
      "report",
      "Render saved JSONL scans (harrier scan --jsonl) as HTML and/or CSV; several scans "
      "(files, folders, or one stream holding several) give a fleet report");
  rep->add_option("input", o->inputs,
                  "JSONL files written by harrier scan, folders of *.jsonl files, '-' = stdin")
      ->required();
  rep->add_option("--html", o->html, "Write the HTML report to FILE ('-' = stdout)");
  rep->add_option("--csv", o->csv,
                  "Write the CSV report (one row per finding, with host and scan start) to FILE "
                  "('-' = stdout)");
  rep->add_option("--csv-hosts", o->csv_hosts,
                  "Write one CSV summary row per scan (host, verdict, counts) to FILE");
  rep->add_option("--html-max-findings", o->html_max_findings,
                  "Findings kept for the HTML report (all scans together), highest score first")
      ->default_val(10000);
  rep->add_option("--max-scans", o->max_scans,
                  "Scans kept for the HTML report and --csv-hosts; later ones are counted (their "
                  "findings still go to --csv)")
      ->default_val(10000);
  rep->add_option("--max-line-size", o->max_line_size,
                  "Longest input line read; longer lines are skipped and reported (K/M/G)")
      ->default_val("16M");
  return rep;
}

namespace {
// A CSV output: a file published when complete, or stdout ("-").
class CsvOut {
 public:
  Status Open(const std::string& path) {
    path_ = path;
    if (path.empty() || path == "-") return Status::Ok();
    auto f = platform::CreateOutputFile(path, platform::Publish::kOnClose);
    if (!f.ok()) return Status::IoError(fmt::format("cannot write {}", f.status().message()));
    file_ = std::move(*f);
    return Status::Ok();
  }
  bool on() const { return !path_.empty(); }
  void Write(const std::string& text) {
    if (!on() || !error_.ok()) return;
    if (file_) {
      error_ = file_->Write(text);
    } else if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size()) {
      error_ = Status::IoError("standard output: write failed");
    }
  }
  Status Close() {
    if (!on() || !error_.ok()) return error_;
    if (file_) return error_ = file_->Close();
    if (std::fflush(stdout) != 0) error_ = Status::IoError("standard output: write failed");
    return error_;
  }

 private:
  std::string path_;
  std::unique_ptr<platform::OutputFile> file_;
  Status error_ = Status::Ok();
};
}  // namespace

int RunReportCommand(const ReportCommandOptions& o) {
  if (o.html.empty() && o.csv.empty() && o.csv_hosts.empty()) {
    std::cerr << "harrier report: nothing to write: give --html FILE, --csv FILE and/or "
                 "--csv-hosts FILE\n";
    return kExitUsage;
  }
  int to_stdout = (o.html == "-") + (o.csv == "-") + (o.csv_hosts == "-");
  if (to_stdout > 1) {
    std::cerr << "harrier report: only one output can go to standard output ('-')\n";
    return kExitUsage;
  }
  auto max_line = ParseSize(o.max_line_size);
  if (!max_line.ok() || *max_line == 0) {
    std::cerr << "harrier report: --max-line-size: expected a size such as 16M\n";
    return kExitUsage;
  }
  if (o.max_scans == 0) {
    std::cerr << "harrier report: --max-scans must be positive\n";
    return kExitUsage;
  }
  auto inputs = ExpandReportInputs(o.inputs);
  if (!inputs.ok()) {
    std::cerr << "harrier report: cannot read " << TerminalSafe(inputs.status().message()) << "\n";
    return kExitUsage;
  }
  // Every input is opened before anything is written: a typo in the last
  // name does not leave a report of the others.
  std::vector<std::unique_ptr<std::ifstream>> files;
  for (const auto& name : *inputs) {
    if (name == "-") {
      files.push_back(nullptr);
      continue;
    }
    auto f = std::make_unique<std::ifstream>(name, std::ios::binary);
    if (!*f) {
      std::cerr << "harrier report: cannot read " << TerminalSafe(name) << "\n";
      return kExitUsage;
    }
    files.push_back(std::move(f));
  }
  // CSV rows stream out in input order (like a live scan's); the HTML keeps
  // the bounded top N.
  CsvOut csv, csv_hosts;
  for (auto [out, path] : {std::pair{&csv, &o.csv}, std::pair{&csv_hosts, &o.csv_hosts}}) {
    if (Status st = out->Open(*path); !st.ok()) {
      std::cerr << "harrier report: " << TerminalSafe(st.message()) << "\n";
      return kExitUsage;
    }
  }
  csv.Write(CsvHeader());
  FleetCollector collector(o.html.empty() ? 0 : o.html_max_findings, o.max_scans);
  if (csv.on())
    collector.set_finding_observer([&](const Finding& f, const ReportDoc& scan) {
      csv.Write(CsvRow(f, scan.info.hostname, scan.info.start_time));
    });
  Diagnostics diag;
  diag.SetListener([](const Diagnostic& d) {
    std::cerr << fmt::format("harrier report: {}: {}\n", TerminalSafe(d.where),
                             TerminalSafe(d.message));
  });
  for (size_t i = 0; i < files.size(); ++i) {
    const std::string& name = (*inputs)[i];
    std::istream& in = files[i] ? static_cast<std::istream&>(*files[i]) : std::cin;
    Status st = collector.Read(in, name == "-" ? "<stdin>" : name, diag, *max_line);
    if (!st.ok()) {
      std::cerr << "harrier report: " << TerminalSafe(st.message()) << "\n";
      return kExitUsage;
    }
  }
  FleetDoc fleet = collector.Finish();
  std::vector<size_t> order = fleet.WorstFirst();
  if (csv_hosts.on()) {
    csv_hosts.Write(CsvHostsHeader());
    for (size_t i : order) csv_hosts.Write(CsvHostRow(fleet.scans[i]));
  }
  for (CsvOut* out : {&csv, &csv_hosts}) {
    if (Status st = out->Close(); !st.ok()) {
      std::cerr << "harrier report: " << TerminalSafe(st.message()) << "\n";
      return kExitOutputError;
    }
  }
  bool unfinished = false;
  for (const ReportDoc& scan : fleet.scans) {
    if (scan.summary) continue;
    unfinished = true;
    std::cerr << fmt::format(
        "harrier report: {}: the scan of {} (started {}) has no summary object: the scan did "
        "not finish\n",
        TerminalSafe(scan.origin), TerminalSafe(scan.info.hostname.empty() ? "an unknown host" : scan.info.hostname),
        scan.info.start_time ? IsoTime(scan.info.start_time) : "at an unknown time");
  }
  if (fleet.scans_dropped)
    std::cerr << fmt::format(
        "harrier report: {} scan(s) beyond --max-scans {} are counted but not shown\n",
        fleet.scans_dropped, o.max_scans);
  if (fleet.scans.empty()) {
    // Nothing but problems (or empty inputs): the single page says so.
    std::cerr << "harrier report: the input holds no scan\n";
    unfinished = true;
    fleet.scans.emplace_back();
    fleet.scans.back().input_problems = fleet.input_problems;
  }
  if (!o.html.empty()) {
    // One scan: the single-scan page, which counts every unreadable line
    // (also those before its scan_start).
    const bool single = fleet.scans.size() == 1 && !fleet.scans_dropped;
    if (single) fleet.scans.front().input_problems = fleet.input_problems;
    std::string page = single ? RenderHtml(fleet.scans.front()) : RenderFleetHtml(fleet);
    if (Status w = WriteTextFile(o.html, page); !w.ok()) {
      std::cerr << "harrier report: " << TerminalSafe(w.message()) << "\n";
      return kExitOutputError;
    }
  }
  return fleet.input_problems > 0 || unfinished ? kExitIncomplete : kExitClean;
}

}  // namespace harrier
