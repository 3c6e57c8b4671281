// The HTML report: one self-contained page (no network requests, no external
// assets) rendered from a ReportDoc. The summary panels and charts are
// rendered here, HTML-escaped; the findings travel as JSON in a
// <script type="application/json"> block and are drawn by a small inline
// script using textContent only. A Content-Security-Policy allows exactly
// that script and style (by sha256), nothing else, so markup smuggled in via
// file names or matched strings cannot run even if an escape were missed.
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

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

// The compact per-finding object the page script reads (fixed shape, all
// strings display-safe); exposed for tests.
OJson FindingView(const Finding& finding);

}  // namespace harrier
