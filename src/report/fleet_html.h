// The fleet page: many scans (hosts) in one self-contained HTML file, as
// `harrier report` renders it for several scans. An overview table of hosts
// by verdict (worst first), the indicators seen on most hosts, what to do
// next, and one section per scan with its details, coverage and findings
// (anchors #host-N from the overview). Rendered server-side and readable
// without JavaScript; the same escaping, script and Content-Security-Policy
// as the single-scan page (report/html_report.h).
// Thread-safety: pure function.
#pragma once

#include <string>

#include "report/fleet_doc.h"

namespace harrier {

// The most frequent indicators listed on the page; the rest are counted.
inline constexpr size_t kFleetIndicatorRows = 200;

std::string RenderFleetHtml(const FleetDoc& fleet);

}  // namespace harrier
