// The HTML report: one self-contained page (no network requests, no external
// assets) rendered from a ReportDoc. Everything, the findings table
// included, is rendered here with every text HTML-escaped, so the page reads
// without JavaScript; a small inline script only sorts and filters the rows
// (it moves existing nodes and sets textContent, never parses markup). A
// Content-Security-Policy allows exactly that script and style (by sha256),
// nothing else, so markup smuggled in via file names or matched strings
// cannot run even if an escape were missed. The fleet page (many scans) is
// report/fleet_html.h.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "report/json_util.h"
#include "report/report_doc.h"

namespace harrier {

std::string RenderHtml(const ReportDoc& doc);

// Text for HTML element content and quoted attribute values: & < > " '
// escaped; invalid UTF-8 and control characters shown as "\xNN".
std::string HtmlEscape(std::string_view bytes);

// JSON for embedding in a <script> element: < > & U+2028 U+2029 written as
// \u escapes, so "</script>" or "<!--" in a string cannot end the element.
std::string JsonForScript(const OJson& j);

// "sha256-<base64>" of `text`, as used in CSP source lists.
std::string CspHash(std::string_view text);

// One row of a findings table: level, score, the displayed path expanding to
// the details, top reason, type, modification time. Exposed for tests.
std::string FindingRowHtml(const Finding& finding);

}  // namespace harrier
