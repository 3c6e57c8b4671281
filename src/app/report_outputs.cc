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
#include "report/html_report.h"
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
      "report", "Render a saved JSONL scan (harrier scan --jsonl) as HTML and/or CSV");
  rep->add_option("input", o->input, "JSONL file written by harrier scan --jsonl ('-' = stdin)")
      ->required();
  rep->add_option("--html", o->html, "Write the HTML report to FILE ('-' = stdout)");
  rep->add_option("--csv", o->csv, "Write the CSV report to FILE ('-' = stdout)");
  rep->add_option("--html-max-findings", o->html_max_findings,
                  "Findings kept for the HTML report, highest score first")
      ->default_val(10000);
  rep->add_option("--max-line-size", o->max_line_size,
                  "Longest input line read; longer lines are skipped and reported (K/M/G)")
      ->default_val("16M");
  return rep;
}

int RunReportCommand(const ReportCommandOptions& o) {
  if (o.html.empty() && o.csv.empty()) {
    std::cerr << "harrier report: nothing to write: give --html FILE and/or --csv FILE\n";
    return kExitUsage;
  }
  auto max_line = ParseSize(o.max_line_size);
  if (!max_line.ok() || *max_line == 0) {
    std::cerr << "harrier report: --max-line-size: expected a size such as 16M\n";
    return kExitUsage;
  }
  std::ifstream file;
  std::istream* in = &std::cin;
  if (o.input != "-") {
    file.open(o.input, std::ios::binary);
    if (!file) {
      std::cerr << "harrier report: cannot read " << TerminalSafe(o.input) << "\n";
      return kExitUsage;
    }
    in = &file;
  }
  // CSV rows stream out in input order (like a live scan's); the HTML keeps
  // the bounded top N.
  std::unique_ptr<platform::OutputFile> csv;
  Status csv_error = Status::Ok();
  auto csv_write = [&](const std::string& text) {
    if (o.csv == "-") {
      if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() && csv_error.ok())
        csv_error = Status::IoError("standard output: write failed");
    } else if (csv_error.ok()) {
      csv_error = csv->Write(text);
    }
  };
  if (!o.csv.empty()) {
    if (o.csv != "-") {
      auto f = platform::CreateOutputFile(o.csv, platform::Publish::kOnClose);
      if (!f.ok()) {
        std::cerr << "harrier report: cannot write " << TerminalSafe(f.status().message()) << "\n";
        return kExitUsage;
      }
      csv = std::move(*f);
    }
    csv_write(CsvHeader());
  }
  ReportCollector collector(o.html.empty() ? 0 : o.html_max_findings);
  if (!o.csv.empty())
    collector.set_finding_observer([&](const Finding& f) {
      // The host of a finding is the scan's (every finding of a JSONL has it).
      csv_write(CsvRow(f, f.host));
    });
  Diagnostics diag;
  diag.SetListener([](const Diagnostic& d) {
    std::cerr << fmt::format("harrier report: {}: {}\n", TerminalSafe(d.where),
                             TerminalSafe(d.message));
  });
  Status st = ReadJsonl(*in, o.input == "-" ? "<stdin>" : o.input, collector, diag, *max_line);
  if (!o.csv.empty() && csv_error.ok()) {
    if (csv) csv_error = csv->Close();
    else if (std::fflush(stdout) != 0) csv_error = Status::IoError("standard output: write failed");
  }
  if (!st.ok() || !csv_error.ok()) {
    std::cerr << "harrier report: " << TerminalSafe(st.ok() ? csv_error.message() : st.message())
              << "\n";
    return st.ok() ? kExitOutputError : kExitUsage;
  }
  ReportDoc doc = collector.Finish();
  if (!o.html.empty()) {
    if (Status w = WriteTextFile(o.html, RenderHtml(doc)); !w.ok()) {
      std::cerr << "harrier report: " << TerminalSafe(w.message()) << "\n";
      return kExitOutputError;
    }
  }
  if (!doc.summary)
    std::cerr << "harrier report: the input has no summary object: the scan did not finish\n";
  return doc.input_problems > 0 || !doc.summary ? kExitIncomplete : kExitClean;
}

}  // namespace harrier
