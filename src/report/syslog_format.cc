#include "report/syslog_format.h"

#include <cmath>
#include <cstdio>
#include <ctime>

#include <fmt/format.h>

#include "core/units.h"
#include "platform/fs.h"
#include "report/json_util.h"
#include "report/report_doc.h"

namespace harrier {
namespace {

constexpr int kFacilityUser = 1;
// Private Enterprise Number for the structured-data ID. 32473 is the number
// RFC 5612 reserves for documentation examples; see docs/report-format.md.
constexpr std::string_view kSdId = "harrier@32473";

int SeverityFor(std::string_view level) {
  if (level == "alert") return 1;
  if (level == "warning") return 4;
  if (level == "notice") return 5;
  return 6;
}

// Printable US-ASCII only (RFC 5424 PRINTUSASCII), at most `max` chars;
// "-" (NILVALUE) when empty.
std::string HeaderField(std::string_view s, size_t max) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() == max) break;
    out += (c >= 33 && c <= 126) ? static_cast<char>(c) : '_';
  }
  return out.empty() ? "-" : out;
}

// Valid UTF-8 with control characters as "\xNN": one message, one line.
std::string OneLine(std::string_view s) {
  std::string in = SafeUtf8(s), out;
  for (unsigned char c : in) {
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

std::string Header(int severity, std::string_view timestamp, const SyslogContext& ctx,
                   std::string_view msgid) {
  return fmt::format("<{}>1 {} {} harrier {} {} ", kFacilityUser * 8 + severity,
                     HeaderField(timestamp, 64), HeaderField(ctx.hostname, 255), ctx.pid, msgid);
}

std::string Reasons(const Finding& f) {
  std::string out;
  for (const auto& r : f.reasons) {
    if (!out.empty()) out += "; ";
    out += fmt::format("[{}] {} {}", r.score, ReasonKindName(r.kind), SafeUtf8(r.name));
    if (!r.description.empty()) out += " (" + SafeUtf8(r.description) + ")";
  }
  return out;
}

// CEF "rt": milliseconds since the epoch, from the ISO-8601 @timestamp.
std::string EpochMillis(std::string_view iso) {
  std::tm tm{};
  std::string s(iso);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
    return "0";
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::to_string(platform::UtcTimeFromTm(tm) * 1000);
}

std::string CefRecord(std::string_view sig_id, std::string_view name, int severity,
                      const SyslogContext& ctx,
                      const std::vector<std::pair<std::string, std::string>>& ext) {
  std::string out = fmt::format("CEF:0|Harrier|Harrier|{}|{}|{}|{}|", CefHeaderEscape(ctx.version),
                                CefHeaderEscape(OneLine(sig_id)), CefHeaderEscape(OneLine(name)),
                                severity);
  bool first = true;
  for (const auto& [k, v] : ext) {
    if (v.empty()) continue;
    // CR/LF are escaped by the CEF rules; other controls become "\xNN" text.
    std::string clean;
    for (unsigned char c : SafeUtf8(v)) {
      if ((c < 0x20 && c != '\n' && c != '\r') || c == 0x7f) clean += fmt::format("\\x{:02x}", c);
      else clean += static_cast<char>(c);
    }
    out += fmt::format("{}{}={}", first ? "" : " ", k, CefExtensionEscape(clean));
    first = false;
  }
  return out;
}

}  // namespace

std::string CefHeaderEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '|') out += '\\';
    if (c == '\r' || c == '\n') c = ' ';
    out += c;
  }
  return out;
}

std::string CefExtensionEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '=') out += '\\', out += c;
    else if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else out += c;
  }
  return out;
}

std::string SdParamEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  return out;
}

std::string OctetCountingFrame(std::string_view message) {
  return fmt::format("{} {}", message.size(), message);
}

std::string SyslogFinding(SyslogFormat format, const Finding& f, const SyslogContext& ctx) {
  std::string level(LevelName(f.level));
  double score = f.score;
  // The reporter's context carries the scan (Begin); a bare context (tests)
  // names only the host, so the scan info is copied just then.
  ScanInfo named;
  const ScanInfo* scan = &ctx.scan;
  if (ctx.scan.hostname.empty()) {
    named = ctx.scan;
    named.hostname = ctx.hostname;
    scan = &named;
  }
  OJson j = FindingToJson(f, *scan);  // the JSONL object: one set of facts everywhere
  std::string ts = JsonStr(j, {"@timestamp"});
  std::string head = Header(SeverityFor(level), ts, ctx, "finding");
  std::string path = SafeUtf8(FindingPath(f));
  std::string rule = f.reasons.empty() ? "" : SafeUtf8(f.reasons.front().name);
  std::string sha256 = f.hashes.sha256;
  switch (format) {
    case SyslogFormat::kJson:
      return head + "- " + j.dump(-1, ' ', false, OJson::error_handler_t::replace);
    case SyslogFormat::kCef: {
      std::string path_hex = IsValidUtf8(f.subject.path) ? "" : HexEncode(f.subject.path);
      std::string top_desc = f.reasons.empty() ? "" : SafeUtf8(f.reasons.front().description);
      std::string upper;
      for (char c : level) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string name = fmt::format("Harrier {}: {}", upper, top_desc.empty() ? rule : top_desc);
      int sev = std::clamp(static_cast<int>(std::lround(score / 10)), 0, 10);
      return head + "- " +
             CefRecord(rule.empty() ? "harrier-finding" : rule, name, sev, ctx,
                       {{"rt", EpochMillis(ts)},
                        {"dvchost", ctx.hostname},
                        {"cat", level},
                        {"fname", SafeUtf8(f.subject.name)},
                        {"filePath", path},
                        {"fsize", std::to_string(f.subject.file.size)},
                        {"fileHash", sha256},
                        {"fileType", f.filetype},
                        {"cn1Label", "score"},
                        {"cn1", fmt::format("{:.0f}", score)},
                        {"cs1Label", "reasons"},
                        {"cs1", OneLine(Reasons(f))},
                        {"cs2Label", "md5"},
                        {"cs2", f.hashes.md5},
                        {"cs3Label", path_hex.empty() ? "" : "path_hex"},
                        {"cs3", path_hex}});
    }
    case SyslogFormat::kRfc5424:
      break;
  }
  std::string sd = fmt::format("[{} level=\"{}\" score=\"{:.0f}\" path=\"{}\"", kSdId,
                               SdParamEscape(level), score, SdParamEscape(OneLine(path)));
  if (!sha256.empty()) sd += fmt::format(" sha256=\"{}\"", SdParamEscape(sha256));
  if (!rule.empty()) sd += fmt::format(" rule=\"{}\"", SdParamEscape(OneLine(rule)));
  sd += "]";
  std::string upper;
  for (char c : level) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return head + sd +
         fmt::format(" {} score {:.0f} {}: {}", upper, score, OneLine(path), OneLine(Reasons(f)));
}

std::string SyslogSummary(SyslogFormat format, const ScanSummary& summary, const ScanInfo& info,
                          const SyslogContext& ctx) {
  OJson s = SummaryToJson(summary, info);  // the JSONL object: one set of facts everywhere
  std::string ts = JsonStr(s, {"@timestamp"});
  std::string head = Header(6, ts, ctx, "summary");
  auto n = [&](std::initializer_list<const char*> k) { return JsonStr(s, k, "0"); };
  std::string verdict = JsonStr(s, {"harrier", "verdict"});
  std::string dropped = JsonStr(s, {"harrier", "syslog", "dropped"}, "0");
  std::string text = fmt::format(
      "scan finished: verdict {}; findings {} alert, {} warning, {} notice; files {} seen, {} "
      "scanned, {} skipped; {} errors; {} s; syslog dropped {}",
      verdict, n({"harrier", "findings", "alert"}), n({"harrier", "findings", "warning"}),
      n({"harrier", "findings", "notice"}), n({"harrier", "files_seen"}),
      n({"harrier", "files_scanned"}), n({"harrier", "files_skipped"}), n({"harrier", "errors"}),
      fmt::format("{:.1f}", JsonNum(s, {"harrier", "duration_s"})), dropped);
  switch (format) {
    case SyslogFormat::kJson:
      return head + "- " + s.dump(-1, ' ', false, OJson::error_handler_t::replace);
    case SyslogFormat::kCef: {
      int sev = verdict == "alert" ? 10 : verdict == "warning" ? 6 : verdict == "incomplete" ? 3 : 0;
      return head + "- " +
             CefRecord("harrier-summary", "Harrier scan finished: " + verdict, sev, ctx,
                       {{"rt", EpochMillis(ts)},
                        {"dvchost", ctx.hostname},
                        {"cat", "summary"},
                        {"outcome", verdict},
                        {"cnt", n({"harrier", "files_scanned"})},
                        {"cn1Label", "alerts"},
                        {"cn1", n({"harrier", "findings", "alert"})},
                        {"cn2Label", "warnings"},
                        {"cn2", n({"harrier", "findings", "warning"})},
                        {"cn3Label", "syslog_dropped"},
                        {"cn3", dropped},
                        {"cs1Label", "signature_digest"},
                        {"cs1", JsonStr(s, {"harrier", "rules", "digest"})},
                        {"msg", text}});
    }
    case SyslogFormat::kRfc5424:
      break;
  }
  std::string sd = fmt::format(
      "[{} verdict=\"{}\" alert=\"{}\" warning=\"{}\" notice=\"{}\" files_seen=\"{}\" "
      "files_scanned=\"{}\" errors=\"{}\" syslog_dropped=\"{}\"]",
      kSdId, SdParamEscape(verdict), n({"harrier", "findings", "alert"}),
      n({"harrier", "findings", "warning"}), n({"harrier", "findings", "notice"}),
      n({"harrier", "files_seen"}), n({"harrier", "files_scanned"}), n({"harrier", "errors"}),
      dropped);
  return head + sd + " " + text;
}

}  // namespace harrier
