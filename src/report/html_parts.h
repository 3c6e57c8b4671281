// Pieces shared by the single-scan page (html_report.cc) and the fleet page
// (fleet_html.cc); internal to the HTML renderers. Every function returns
// markup in which all text taken from a report is HTML-escaped.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "report/fleet_doc.h"
#include "report/report_doc.h"

namespace harrier::html_parts {

// Display-safe text: valid UTF-8, control characters as "\xNN" (not escaped
// for HTML; HtmlEscape does both).
std::string Disp(std::string_view bytes);

struct VerdictView {
  std::string css;    // "v-alert", ...
  std::string title;  // "ALERT: indicators of compromise found"
};
// The banner wording of a scan's verdict (VerdictFor decides).
VerdictView VerdictOf(const ReportDoc& doc);
// The CSS class of a fleet verdict: "v-alert", "v-unfinished", ...
std::string VerdictCss(HostVerdict v);

std::string FormatDuration(double seconds);

// <!DOCTYPE> up to and including <body>, with the Content-Security-Policy
// that allows exactly the page's inline style and script.
std::string PageHead(std::string_view title_text, std::string_view version);
// The footer, the script and </html>.
std::string PageFoot(std::string_view version);

// The host-details card: host, when, how long, paths, Harrier version,
// signatures (and the host facts the report carries).
std::string HostCard(const ReportDoc& doc);
// The coverage card: what was scanned and skipped, and why.
std::string CoverageCard(const ReportDoc& doc);

// "What to do next": each remediation text once, most severe first, with
// the indicators that call for it; `hosts` > 0 adds a host count column.
// A short fallback when no remediation text is known.
std::string NextSteps(const std::vector<RemediationStat>& items, bool show_hosts,
                      std::string_view verdict_css);

// A findings table with its toolbar (filter box, level check boxes, expand
// all), rows rendered server-side: readable without JavaScript, which only
// sorts and filters. `id` is the table's element id (unique in the page).
std::string FindingsBlock(const ReportDoc& doc, std::string_view id);

// "By indicator": each indicator of the kept findings once, with the files
// it hit (at most kMaxFilesPerIndicator each; the rest counted).
inline constexpr size_t kMaxFilesPerIndicator = 50;
std::string IndicatorGroups(const std::vector<Finding>& findings);

// Problems during the scan (diagnostics), or "" when there are none.
std::string DiagnosticsCard(const ReportDoc& doc);

// The path shown for a finding (a mapped Windows volume as C:\..., an
// archive member with its chain) and the raw path when it differs.
std::string DisplayPathOf(const Finding& f);
std::string RawPathOf(const Finding& f);

// The expandable details of one finding: raw path, metadata, hashes, and
// every reason with its strings, details and remediation.
std::string FindingDetailHtml(const Finding& f);

// Remediation statistics of some findings (all on one host).
std::vector<RemediationStat> RemediationsOf(const std::vector<Finding>& findings);

}  // namespace harrier::html_parts
