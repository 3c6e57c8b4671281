#include "report/html_report.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "core/finding.h"
#include "core/units.h"
#include "report/html_assets.h"
#include "report/html_parts.h"
#include "report/json_util.h"

namespace harrier {
using html_parts::Disp;

std::string HtmlEscape(std::string_view bytes) {
  std::string s = Disp(bytes);
  std::string out;
  out.reserve(s.size() + 16);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string JsonForScript(const OJson& j) {
  std::string s = j.dump(-1, ' ', false, OJson::error_handler_t::replace);
  std::string out;
  out.reserve(s.size() + 64);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else if (c == '\xe2' && i + 2 < s.size() && s[i + 1] == '\x80' &&
             (s[i + 2] == '\xa8' || s[i + 2] == '\xa9')) {
      out += s[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string CspHash(std::string_view text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  unsigned char b64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
  int n = EVP_EncodeBlock(b64, digest, SHA256_DIGEST_LENGTH);
  return "sha256-" + std::string(reinterpret_cast<char*>(b64), static_cast<size_t>(n));
}

std::string RenderHtml(const ReportDoc& doc) {
  using namespace html_parts;
  const ScanSummary eff = doc.EffectiveSummary();
  const std::array<uint64_t, 4>& counts = eff.findings;
  VerdictView verdict = VerdictOf(doc);
  const ScanInfo& info = doc.info;
  const std::string host = info.hostname.empty() ? "unknown" : info.hostname;
  std::string out;
  out.reserve(64 * 1024 + doc.findings.size() * 3072);
  out += PageHead("Harrier report: " + host + " — " + verdict.title, info.version);

  std::string when = info.start_time ? "started " + IsoTime(info.start_time) : "start time unknown";
  std::string dur = doc.summary ? "took " + FormatDuration(doc.summary->duration_s)
                                : "duration unknown";
  out += fmt::format(
      "<header class=\"verdict {}\" id=\"verdict\"><div class=\"inner\"><h1>{}</h1>"
      "<p>Host <b>{}</b> · {} · {} · {} alert, {} warning, {} notice</p></div></header>\n<main>\n",
      verdict.css, HtmlEscape(verdict.title), HtmlEscape(host), HtmlEscape(when),
      HtmlEscape(dur), counts[3], counts[2], counts[1]);
  if (doc.findings_dropped)
    out += fmt::format(
        "<div class=\"note\">This report shows the {} highest-scoring of {} findings; {} "
        "lower-scoring findings were left out (--html-max-findings). The JSONL output has "
        "them all.</div>\n",
        doc.findings.size(), doc.findings_total, doc.findings_dropped);
  if (doc.input_problems)
    out += fmt::format(
        "<div class=\"note\">{} line(s) of the input could not be read and were skipped.</div>\n",
        doc.input_problems);

  out += "<div class=\"grid\">\n" + NextSteps(RemediationsOf(doc.findings), false, verdict.css) +
         HostCard(doc) + CoverageCard(doc) + "</div>\n";
  out += fmt::format("<section class=\"findings\" id=\"findings\"><h2>Findings ({})</h2>\n",
                     doc.findings.size());
  out += FindingsBlock(doc, "findings-table");
  out += IndicatorGroups(doc.findings);
  out += "</section>\n" + DiagnosticsCard(doc);
  out += PageFoot(info.version);
  return out;
}

}  // namespace harrier
