#include "report/html_report.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cmath>

#include <fmt/format.h>

#include "core/finding.h"
#include "core/units.h"
#include "report/html_assets.h"
#include "report/json_util.h"

namespace harrier {
namespace {

// Display-safe text: valid UTF-8, control characters as "\xNN".
std::string Disp(std::string_view bytes) {
  std::string s = SafeUtf8(bytes);
  std::string out;
  out.reserve(s.size());
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  return out;
}

std::string H(std::string_view s) { return HtmlEscape(s); }

struct VerdictView {
  std::string css;    // v-alert, ...
  std::string title;  // "ALERT: indicators of compromise found"
};

VerdictView VerdictOf(const ReportDoc& doc, const std::array<uint64_t, 4>& counts) {
  if (doc.summary.is_null()) {
    if (counts[3]) return {"v-alert", "ALERT: indicators of compromise found (scan did not finish)"};
    if (counts[2]) return {"v-warning", "WARNING: suspicious files found (scan did not finish)"};
    return {"v-incomplete", "INCOMPLETE: the scan did not finish (no summary in the input)"};
  }
  std::string v = JsonStr(doc.summary, {"harrier", "verdict"});
  bool interrupted = JsonAt(doc.summary, {"harrier", "interrupted"}) &&
                     *JsonAt(doc.summary, {"harrier", "interrupted"}) == true;
  std::string suffix = interrupted ? " (interrupted: the scan did not finish)" : "";
  if (v == "alert") return {"v-alert", "ALERT: indicators of compromise found" + suffix};
  if (v == "warning") return {"v-warning", "WARNING: suspicious files found" + suffix};
  if (v == "incomplete")
    return {"v-incomplete",
            "INCOMPLETE: no indicators found in what was scanned, but not everything could be "
            "scanned" + suffix};
  if (v == "clean" && counts[1]) return {"v-notice", "CLEAN (notices only)" + suffix};
  if (v == "clean") return {"v-clean", "CLEAN: no indicators found" + suffix};
  return {"v-incomplete", "UNKNOWN verdict '" + Disp(v) + "'"};
}

std::string FormatDuration(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  auto total = static_cast<uint64_t>(std::llround(s));
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total % 3600) / 60);
}

uint64_t U64(const OJson& j, std::initializer_list<const char*> keys) {
  double d = JsonNum(j, keys, 0);
  return d > 0 ? static_cast<uint64_t>(d) : 0;
}

struct Bar {
  std::string label;
  uint64_t value;
  std::string color;
};

// A horizontal bar chart as inline SVG; labels are HTML-escaped.
std::string SvgBars(std::string_view title, const std::vector<Bar>& bars) {
  if (bars.empty()) return "";
  uint64_t max = 1;
  for (const auto& b : bars) max = std::max(max, b.value);
  const int row = 24, label_w = 120, bar_w = 230, width = label_w + bar_w + 70;
  int height = static_cast<int>(bars.size()) * row + 8;
  std::string out = fmt::format(
      "<svg class=\"chart\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
      "aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
      width, height, width, height, H(title), H(title));
  for (size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    int y = static_cast<int>(i) * row + 4;
    int w = b.value ? std::max(2, static_cast<int>(std::lround(double(b.value) / max * bar_w))) : 0;
    out += fmt::format(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>"
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"3\" fill=\"{}\"/>"
        "<text x=\"{}\" y=\"{}\">{}</text>",
        label_w - 8, y + 15, H(b.label), label_w, y + 2, w, row - 8, b.color, label_w + w + 6,
        y + 15, b.value);
  }
  return out + "</svg>";
}

std::string_view SkipMeaning(std::string_view reason) {
  static const std::pair<std::string_view, std::string_view> kMeaning[] = {
      {"size", "larger than --max-file-size"},
      {"type", "not in the default file selection (--all-files scans all)"},
      {"excluded", "excluded by pattern, or Harrier's own files"},
      {"permission", "permission denied"},
      {"special_file", "FIFO, socket or device"},
      {"special", "FIFO, socket or device"},
      {"symlink", "symbolic link not followed"},
      {"pseudo_fs", "pseudo file system (proc, sysfs, ...)"},
      {"other_fs", "other file system (--one-file-system)"},
      {"network_fs", "network file system"},
      {"timeout", "YARA timed out (hash and name checks ran)"},
      {"error", "vanished, changed during read, or I/O error"}};
  for (const auto& [k, v] : kMeaning)
    if (k == reason) return v;
  return "";
}

std::string Stat(std::string_view label, uint64_t v, bool bad = false) {
  return fmt::format("<div class=\"stat{}\"><b>{}</b><span>{}</span></div>", bad ? " bad" : "", v,
                     H(label));
}

std::string LevelOf(const OJson& f) {
  std::string l = JsonStr(f, {"harrier", "level"});
  if (l == "alert" || l == "warning" || l == "notice") return l;
  return "none";
}

}  // namespace

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

OJson FindingView(const OJson& f) {
  OJson v = OJson::object();
  auto s = [&](std::initializer_list<const char*> keys) { return Disp(JsonStr(f, keys)); };
  v["level"] = LevelOf(f);
  v["score"] = JsonNum(f, {"harrier", "score"});
  // A member of an archive is shown with its chain ("a.zip › b.dll"), as
  // in the text report and CSV (regression test
  // ArchiveE2E.HtmlReportShowsTheMemberChain).
  v["path"] = Disp(JsonFindingPath(f));
  std::string display = s({"harrier", "display_path"});
  v["display_path"] = display == v["path"] ? "" : display;
  v["path_hex"] = s({"harrier", "path_hex"});
  v["size"] = U64(f, {"file", "size"});
  v["mtime"] = s({"file", "mtime"});
  v["ctime"] = s({"file", "ctime"});
  v["owner"] = s({"file", "owner"});
  v["mode"] = s({"file", "mode"});
  v["type"] = s({"file", "type"});
  v["md5"] = s({"file", "hash", "md5"});
  v["sha1"] = s({"file", "hash", "sha1"});
  v["sha256"] = s({"file", "hash", "sha256"});
  OJson reasons = OJson::array();
  const OJson* rs = JsonAt(f, {"harrier", "reasons"});
  if (rs && rs->is_array()) {
    for (const auto& r : *rs) {
      auto rstr = [&](const char* k) { return Disp(JsonStr(r, {k})); };
      OJson vr = {{"type", rstr("type")},         {"name", rstr("name")},
                  {"score", JsonNum(r, {"score"})}, {"description", rstr("description")},
                  {"source", rstr("source")},     {"remediation", rstr("remediation")}};
      OJson strings = OJson::array();
      const OJson* ss = JsonAt(r, {"strings"});
      if (ss && ss->is_array()) {
        for (const auto& x : *ss)
          strings.push_back({{"id", Disp(JsonStr(x, {"id"}))},
                             {"offset", JsonNum(x, {"offset"})},
                             {"text", Disp(JsonStr(x, {"text"}))},
                             {"hex", Disp(JsonStr(x, {"hex"}))}});
      }
      vr["strings"] = std::move(strings);
      OJson details = OJson::array();
      const OJson* ds = JsonAt(r, {"details"});
      if (ds && ds->is_object()) {
        for (const auto& [k, val] : ds->items())
          details.push_back({Disp(k), Disp(val.is_string() ? val.get<std::string>() : val.dump())});
      }
      vr["details"] = std::move(details);
      reasons.push_back(std::move(vr));
    }
  }
  v["reasons"] = std::move(reasons);
  return v;
}

std::string RenderHtml(const ReportDoc& doc) {
  const OJson& sum = doc.summary;
  const OJson& start = doc.start;
  std::array<uint64_t, 4> counts{};
  if (!sum.is_null()) {
    counts[1] = U64(sum, {"harrier", "findings", "notice"});
    counts[2] = U64(sum, {"harrier", "findings", "warning"});
    counts[3] = U64(sum, {"harrier", "findings", "alert"});
  } else {
    for (const auto& f : doc.findings) {
      std::string l = LevelOf(f);
      ++counts[l == "alert" ? 3 : l == "warning" ? 2 : l == "notice" ? 1 : 0];
    }
  }
  VerdictView verdict = VerdictOf(doc, counts);
  // Scan facts: prefer the summary, fall back to the start object.
  auto fact = [&](std::initializer_list<const char*> keys) {
    std::string v = JsonStr(sum, keys);
    return v.empty() ? JsonStr(start, keys) : v;
  };
  std::string host = fact({"host", "hostname"});
  std::string version = fact({"harrier", "version"});
  std::string started = fact({"harrier", "start"});
  const OJson* paths = JsonAt(sum.is_null() ? start : sum, {"harrier", "paths"});
  std::string path_list;
  if (paths && paths->is_array())
    for (const auto& p : *paths)
      path_list += (path_list.empty() ? "" : "<br>") + H(p.is_string() ? p.get<std::string>() : "");
  const OJson& rules_src = JsonAt(sum, {"harrier", "rules"}) ? sum : start;
  auto rule = [&](const char* k) { return U64(rules_src, {"harrier", "rules", k}); };

  std::string title = fmt::format("Harrier report: {} — {}", H(host), H(verdict.title));
  std::string out;
  out.reserve(64 * 1024 + doc.findings.size() * 2048);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += fmt::format(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src '{}'; style-src '{}'; img-src data:; base-uri 'none'; form-action 'none'\">\n",
      CspHash(html_assets::kScript), CspHash(html_assets::kStyle));
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"harrier {}\">\n", H(version));
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head><body>\n", title,
                     html_assets::kStyle);

  // Verdict banner.
  std::string when = started.empty() ? "start time unknown" : "started " + started;
  std::string duration =
      sum.is_null() ? "" : FormatDuration(JsonNum(sum, {"harrier", "duration_s"}));
  std::string dur = sum.is_null() ? "duration unknown" : "took " + duration;
  out += fmt::format(
      "<header class=\"verdict {}\" id=\"verdict\"><div class=\"inner\"><h1>{}</h1>"
      "<p>Host <b>{}</b> · {} · {} · {} alert, {} warning, {} notice</p></div></header>\n<main>\n",
      verdict.css, H(verdict.title), H(host.empty() ? "unknown" : host), H(when), H(dur),
      counts[3], counts[2], counts[1]);
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

  out += "<div class=\"grid\">\n";
  // Scan card.
  out += "<section class=\"card\" id=\"scan\"><h2>Scan</h2><table class=\"kv\">";
  auto row = [&](std::string_view k, const std::string& v_html) {
    out += fmt::format("<tr><th>{}</th><td>{}</td></tr>", H(k), v_html);
  };
  row("Host", H(host));
  row("Started", H(started));
  row("Duration", sum.is_null() ? "unknown (no summary)" : H(duration));
  row("Paths", path_list);
  row("Harrier", H(version));
  if (!sum.is_null()) {
    row("Exit code", H(JsonStr(sum, {"harrier", "exit_code"})));
  }
  out += "</table></section>\n";

  // Signatures card.
  out += "<section class=\"card\" id=\"signatures\"><h2>Signatures</h2><table class=\"kv\">";
  row("YARA", fmt::format("{} rules in {} files ({} failed to compile)", rule("yara_rules"),
                          rule("yara_files"), rule("yara_files_failed")));
  row("IOCs", fmt::format("{} hash, {} filename, {} C2; {} false-positive hashes", rule("hash_iocs"),
                          rule("filename_iocs"), rule("c2_iocs"), rule("fp_hashes")));
  row("IOC lines failed", fmt::format("{}", rule("ioc_lines_failed")));
  row("Digest", "<code>" + H(JsonStr(rules_src, {"harrier", "rules", "digest"})) + "</code>");
  std::string srcs;
  if (const OJson* s = JsonAt(rules_src, {"harrier", "rules", "sources"}); s && s->is_array())
    for (const auto& x : *s)
      srcs += (srcs.empty() ? "" : "<br>") + H(x.is_string() ? x.get<std::string>() : "");
  row("Sources", srcs);
  out += "</table></section>\n";

  // Coverage card.
  out += "<section class=\"card\" id=\"coverage\"><h2>Coverage</h2>";
  std::vector<Bar> skip_bars;
  if (sum.is_null()) {
    out += "<p>No summary: the scan did not finish, coverage is unknown.</p>";
  } else {
    uint64_t errors = U64(sum, {"harrier", "errors"});
    out += "<div class=\"stats\">" + Stat("files seen", U64(sum, {"harrier", "files_seen"})) +
           Stat("scanned", U64(sum, {"harrier", "files_scanned"})) +
           Stat("skipped", U64(sum, {"harrier", "files_skipped"})) +
           Stat("errors", errors, errors > 0) + Stat("directories", U64(sum, {"harrier", "dirs_seen"})) +
           "</div>";
    out += "<table class=\"kv\">";
    row("Bytes scanned", H(FormatBytes(U64(sum, {"harrier", "bytes_scanned"}))));
    if (const OJson* sk = JsonAt(sum, {"harrier", "skipped"}); sk && sk->is_object()) {
      for (const auto& [k, v] : sk->items()) {
        uint64_t n = v.is_number_unsigned() ? v.get<uint64_t>() : 0;
        if (!n) continue;
        row("Skipped: " + Disp(k), fmt::format("{} <small>({})</small>", n, H(SkipMeaning(k))));
        skip_bars.push_back({Disp(k), n, "#78909c"});
      }
    }
    if (const OJson* sd = JsonAt(sum, {"harrier", "skipped_dirs"}); sd && sd->is_object()) {
      for (const auto& [k, v] : sd->items()) {
        uint64_t n = v.is_number_unsigned() ? v.get<uint64_t>() : 0;
        if (n) row("Dirs not entered: " + Disp(k), fmt::format("{}", n));
      }
    }
    if (const OJson* sl = JsonAt(sum, {"harrier", "syslog"}); sl && sl->is_object()) {
      uint64_t dropped = U64(sum, {"harrier", "syslog", "dropped"});
      row("Syslog forwarding", fmt::format("{} sent, {}{} dropped{}", U64(sum, {"harrier", "syslog", "sent"}),
                                           dropped ? "<b>" : "", dropped, dropped ? "</b>" : ""));
    }
    out += "</table>";
  }
  out += "</section>\n";

  // Charts card.
  out += "<section class=\"card\" id=\"charts\"><h2>At a glance</h2>";
  out += "<p>Findings by level</p>" +
         SvgBars("Findings by level", {{"Alert", counts[3], "#c62828"},
                                       {"Warning", counts[2], "#e65100"},
                                       {"Notice", counts[1], "#1565c0"}});
  if (!sum.is_null()) {
    out += "<p>Skipped files by reason</p>";
    out += skip_bars.empty() ? "<p><i>No files were skipped.</i></p>"
                             : SvgBars("Skipped files by reason", skip_bars);
  }
  out += "</section>\n</div>\n";

  // Findings.
  out += fmt::format(
      "<section class=\"findings\" id=\"findings\"><h2>Findings ({})</h2>\n"
      "<div class=\"toolbar\"><input type=\"search\" id=\"filter\" placeholder=\"Filter by path, "
      "rule, hash, level...\" aria-label=\"Filter findings\">"
      "<label><input type=\"checkbox\" data-level=\"alert\" checked> Alert</label>"
      "<label><input type=\"checkbox\" data-level=\"warning\" checked> Warning</label>"
      "<label><input type=\"checkbox\" data-level=\"notice\" checked> Notice</label>"
      "<button type=\"button\" id=\"expand\">Expand all</button>"
      "<span id=\"shown\"></span></div>\n"
      "<table class=\"findings\" id=\"findings-table\"><thead><tr>"
      "<th data-key=\"level\">Level</th><th data-key=\"score\">Score</th>"
      "<th data-key=\"path\">File (click to expand)</th><th data-key=\"rule\">Top reason</th>"
      "<th data-key=\"type\">Type</th><th data-key=\"mtime\">Modified</th></tr></thead>\n"
      "<tbody id=\"findings-body\"></tbody></table>\n"
      "<noscript><p class=\"note\">The findings table needs JavaScript (an inline script, no "
      "network). The same data is in the JSONL output.</p></noscript>\n</section>\n",
      doc.findings.size());

  // Diagnostics.
  if (!doc.diagnostics.empty()) {
    out += fmt::format("<section class=\"card\" id=\"diagnostics\"><h2>Problems during the scan ({})</h2>"
                       "<table class=\"kv\">",
                       doc.diagnostics_total);
    for (const auto& d : doc.diagnostics)
      out += fmt::format("<tr><th>{}</th><td><code>{}</code> {}</td></tr>",
                         H(JsonStr(d, {"harrier", "severity"})), H(JsonStr(d, {"harrier", "where"})),
                         H(JsonStr(d, {"harrier", "message"})));
    if (doc.diagnostics_total > doc.diagnostics.size())
      out += fmt::format("<tr><th></th><td>{} more not shown</td></tr>",
                         doc.diagnostics_total - doc.diagnostics.size());
    out += "</table></section>\n";
  }
  out += fmt::format(
      "<footer>Generated by Harrier {} (report schema {}). Self-contained: this file loads "
      "nothing from the network.</footer>\n</main>\n",
      H(version), kJsonlSchemaVersion);

  OJson data = {{"schema", kJsonlSchemaVersion}, {"findings", OJson::array()}};
  for (const auto& f : doc.findings) data["findings"].push_back(FindingView(f));
  out += "<script type=\"application/json\" id=\"harrier-data\">" + JsonForScript(data) +
         "</script>\n";
  out += "<script>" + std::string(html_assets::kScript) + "</script>\n</body></html>\n";
  return out;
}

}  // namespace harrier
