// The JSONL reader behind `harrier report`: scans are shipped from fleets of
// possibly compromised machines, so every line is hostile input.
#include <sstream>
#include <string>

#include "core/diagnostics.h"
#include "fuzz/fuzz_target.h"
#include "report/fleet_doc.h"
#include "report/fleet_html.h"
#include "report/html_report.h"
#include "report/report_doc.h"

HARRIER_FUZZ_TARGET(jsonl)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  Diagnostics diag;
  diag.set_max_stored(16);
  ReportCollector c(8);
  (void)ReadJsonl(in, "fuzz", c, diag);
  ReportDoc doc = c.Finish();
  if (doc.findings.size() > 8) __builtin_trap();  // the bound holds
  // Again with a line limit inside the fuzzer's inputs (the default is
  // 16 MiB): long lines are skipped, the rest still reads.
  std::istringstream again(std::string(reinterpret_cast<const char*>(data), size));
  ReportCollector small(8);
  (void)ReadJsonl(again, "fuzz", small, diag, 256);
  if (small.Finish().findings.size() > 8) __builtin_trap();
  // The fleet reader (several scans per stream) and both pages on what it
  // read: the bounds hold across scans.
  std::istringstream fleet_in(std::string(reinterpret_cast<const char*>(data), size));
  FleetCollector fleet(8, 4, 16);
  (void)fleet.Read(fleet_in, "fuzz", diag);
  FleetDoc fd = fleet.Finish();
  size_t kept = 0;
  for (const auto& s : fd.scans) kept += s.findings.size();
  if (kept > 8 || fd.scans.size() > 4 || fd.indicators.Indicators().size() > 16) __builtin_trap();
  (void)RenderFleetHtml(fd);
  if (!fd.scans.empty()) (void)RenderHtml(fd.scans.front());
  return 0;
}
