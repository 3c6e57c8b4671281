// Syslog message formats for --syslog (docs/report-format.md, "Syslog"):
// an RFC 5424 header carrying, as MSG, either a text line with structured
// data (rfc5424), an ArcSight CEF record (cef) or the JSONL object (json).
// Messages are built from the typed Finding and ScanSummary; the json format
// carries the JSONL object of json_util.h, so every channel has the same facts. Over TCP each message is framed by octet
// counting (RFC 6587 3.4.1): "<length> <message>".
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "report/report_doc.h"

namespace harrier {

enum class SyslogFormat { kRfc5424, kCef, kJson };

struct SyslogContext {
  std::string hostname;  // header HOSTNAME (sanitised to printable ASCII)
  std::string version;   // Harrier version (CEF Device Version)
  int pid = 0;
  ScanInfo scan;         // the context every JSON line carries (json format)
};

// Facility user (1); severity: alert 1, warning 4, notice 5, summary 6.
std::string SyslogFinding(SyslogFormat format, const Finding& finding, const SyslogContext& ctx);
std::string SyslogSummary(SyslogFormat format, const ScanSummary& summary, const ScanInfo& info,
                          const SyslogContext& ctx);

std::string OctetCountingFrame(std::string_view message);

// Escapes (exposed for tests).
std::string CefHeaderEscape(std::string_view s);     // \ and |; newlines -> space
std::string CefExtensionEscape(std::string_view s);  // \ and =; CR LF -> \r \n
std::string SdParamEscape(std::string_view s);       // " \ ]

}  // namespace harrier
