// The report outputs beyond text and JSONL: --html, --csv, --syslog for
// `harrier scan`, and the `harrier report SCAN.jsonl` command that renders
// HTML/CSV from a saved JSONL stream. Kept apart from cli.cc so that each
// output format's flags live with their wiring.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/status.h"
#include "report/console.h"
#include "report/reporter.h"

namespace harrier {

struct ReportOutputOptions {
  std::string html;                 // --html FILE
  size_t html_max_findings = 10000; // --html-max-findings N
  std::string csv;                  // --csv FILE
  std::string syslog;               // --syslog HOST:PORT
  std::string syslog_proto = "udp"; // --syslog-proto udp|tcp
  std::string syslog_format = "rfc5424";  // --syslog-format rfc5424|cef|json
  size_t syslog_queue = 10000;      // --syslog-queue N
  double syslog_timeout = 5;        // --syslog-timeout SECONDS
};

void AddReportOutputFlags(CLI::App* scan, ReportOutputOptions* o);

// The default scan log (written when no --jsonl is given, unless --no-log):
// DIR/HOST_harrier_STAMP.jsonl, where HOST is the host name with every byte
// outside [A-Za-z0-9._-] replaced by '_' (at most 64 bytes; "host" when
// empty) and STAMP is the local start time YYYYMMDD-HHMMSS. DIR "" = ".".
std::string DefaultLogPath(const std::string& dir, std::string_view host, const std::string& stamp);

// Opens the requested outputs and adds their reporters (whose output_ids()
// name the files the walker must not scan).
Status AddReportOutputs(const ReportOutputOptions& o, Console& console, MultiReporter& reporter);

struct ReportCommandOptions {
  std::vector<std::string> inputs;  // JSONL files, folders of them, "-" (stdin)
  std::string html;
  std::string csv;
  std::string csv_hosts;            // --csv-hosts FILE: one summary row per scan
  size_t html_max_findings = 10000;
  size_t max_scans = 10000;         // --max-scans N
  std::string max_line_size = "16M";  // --max-line-size
};

CLI::App* AddReportCommand(CLI::App& app, ReportCommandOptions* o);

// One scan renders the single-scan page; several (inputs may hold several
// scans each) render the fleet page. Exit codes: 0 rendered; 2 usage or I/O
// error; 3 rendered, but the input had malformed lines or a scan without
// summary (it did not finish); 4 an output could not be written.
int RunReportCommand(const ReportCommandOptions& o);

}  // namespace harrier
