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

// The banner for VerdictFor's verdict (core/finding.h decides; this only
// words it).
VerdictView VerdictOf(const ReportDoc& doc) {
  ScanSummary s = doc.EffectiveSummary();
  std::string suffix = !doc.summary              ? " (scan did not finish)"
                       : s.interrupted           ? " (interrupted: the scan did not finish)"
                                                 : "";
  switch (VerdictFor(s)) {
    case Verdict::kAlert: return {"v-alert", "ALERT: indicators of compromise found" + suffix};
    case Verdict::kWarning: return {"v-warning", "WARNING: suspicious files found" + suffix};
    case Verdict::kIncomplete:
      if (!doc.summary)
        return {"v-incomplete", "INCOMPLETE: the scan did not finish (no summary in the input)"};
      return {"v-incomplete",
              "INCOMPLETE: no indicators found in what was scanned, but not everything could be "
              "scanned" + suffix};
    case Verdict::kClean:
      if (s.findings[1]) return {"v-notice", "CLEAN (notices only)" + suffix};
      return {"v-clean", "CLEAN: no indicators found" + suffix};
  }
  return {"v-incomplete", "UNKNOWN verdict"};
}

std::string FormatDuration(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  auto total = static_cast<uint64_t>(std::llround(s));
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total % 3600) / 60);
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
      {"error", "vanished, changed during read, or I/O error"},
      {"encrypted", "encrypted archive member (no password is tried)"},
      {"unsupported", "archive format or compression that cannot be read"},
      {"corrupt", "damaged or truncated archive: members after the damage"},
      {"depth", "archive nested deeper than --archive-max-depth"},
      {"ratio", "archive expands beyond --archive-max-ratio"},
      {"limit", "--archive-max-members or --archive-max-total reached"},
      {"unrecoverable", "deleted file whose content is gone"}};
  for (const auto& [k, v] : kMeaning)
    if (k == reason) return v;
  return "";
}

std::string Stat(std::string_view label, uint64_t v, bool bad = false) {
  return fmt::format("<div class=\"stat{}\"><b>{}</b><span>{}</span></div>", bad ? " bad" : "", v,
                     H(label));
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

OJson FindingView(const Finding& f) {
  OJson v = OJson::object();
  const Subject& sub = f.subject;
  v["level"] = std::string(LevelName(f.level));
  v["score"] = f.score;
  // A member of an archive is shown with its chain ("a.zip › b.dll"), as
  // in the text report and CSV (regression test
  // ArchiveE2E.HtmlReportShowsTheMemberChain).
  v["path"] = Disp(sub.containers.empty() ? sub.path : ChainRaw(sub));
  std::string display = Disp(FindingPath(f));
  if (sub.containers.empty() && !sub.display_root.empty()) display = Disp(sub.display_root);
  v["display_path"] = display == v["path"] ? "" : display;
  v["path_hex"] = IsValidUtf8(sub.path) ? "" : HexEncode(sub.path);
  v["kind"] = std::string(SubjectKindName(sub.kind));
  v["size"] = sub.file.size;
  v["mtime"] = sub.file.mtime ? IsoTime(sub.file.mtime) : "";
  v["ctime"] = sub.file.has_owner ? IsoTime(sub.file.ctime) : "";
  v["owner"] = Disp(sub.file.owner);
  v["mode"] = sub.file.has_owner || sub.file.mode ? fmt::format("{:04o}", sub.file.mode) : "";
  v["type"] = Disp(f.filetype);
  v["md5"] = f.hashes.md5;
  v["sha1"] = f.hashes.sha1;
  v["sha256"] = f.hashes.sha256;
  OJson reasons = OJson::array();
  for (const auto& r : f.reasons) {
    OJson vr = {{"type", std::string(ReasonKindName(r.kind))},
                {"name", Disp(r.name)},
                {"score", r.score},
                {"description", Disp(r.description)},
                {"source", Disp(r.source)},
                {"remediation", Disp(r.remediation)}};
    OJson strings = OJson::array();
    for (const auto& x : r.strings)
      strings.push_back({{"id", Disp(x.identifier)},
                         {"offset", x.offset},
                         {"text", Disp(EscapeBytes(x.data))},
                         {"hex", HexEncode(x.data)}});
    vr["strings"] = std::move(strings);
    OJson details = OJson::array();
    for (const auto& [k, val] : r.details) details.push_back({Disp(k), Disp(val)});
    vr["details"] = std::move(details);
    reasons.push_back(std::move(vr));
  }
  v["reasons"] = std::move(reasons);
  return v;
}

std::string RenderHtml(const ReportDoc& doc) {
  const std::optional<ScanSummary>& sum = doc.summary;
  const ScanSummary eff = doc.EffectiveSummary();
  const std::array<uint64_t, 4>& counts = eff.findings;
  VerdictView verdict = VerdictOf(doc);
  const ScanInfo& info = doc.info;
  std::string host = info.hostname;
  std::string version = info.version;
  std::string started = info.start_time ? IsoTime(info.start_time) : "";
  std::string path_list;
  for (const auto& p : info.paths) path_list += (path_list.empty() ? "" : "<br>") + H(p);
  const RuleStats& rules = sum ? sum->rules : info.rules;

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
  std::string duration = sum ? FormatDuration(sum->duration_s) : "";
  std::string dur = sum ? "took " + duration : "duration unknown";
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
  row("Duration", sum ? H(duration) : "unknown (no summary)");
  row("Paths", path_list);
  row("Harrier", H(version));
  if (sum) row("Exit code", fmt::format("{}", ExitCodeFor(*sum)));
  out += "</table></section>\n";

  // Signatures card.
  out += "<section class=\"card\" id=\"signatures\"><h2>Signatures</h2><table class=\"kv\">";
  row("YARA", fmt::format("{} rules in {} files ({} failed to compile)", rules.yara_rules,
                          rules.yara_files, rules.yara_files_failed));
  row("IOCs", fmt::format("{} hash, {} filename, {} C2; {} false-positive hashes", rules.hash_iocs,
                          rules.filename_iocs, rules.c2_iocs, rules.fp_hashes));
  row("IOC lines failed", fmt::format("{}", rules.ioc_lines_failed));
  row("Digest", "<code>" + H(rules.digest) + "</code>");
  std::string srcs;
  for (const auto& x : rules.sources) srcs += (srcs.empty() ? "" : "<br>") + H(x);
  row("Sources", srcs);
  if (!rules.packs.empty()) {
    std::string packs;
    for (const auto& x : rules.packs) packs += (packs.empty() ? "" : ", ") + H(x);
    row("Incident packs", packs);
  }
  out += "</table></section>\n";

  // Coverage card.
  out += "<section class=\"card\" id=\"coverage\"><h2>Coverage</h2>";
  std::vector<Bar> skip_bars;
  if (!sum) {
    out += "<p>No summary: the scan did not finish, coverage is unknown.</p>";
  } else {
    out += "<div class=\"stats\">" + Stat("files seen", sum->files_seen) +
           Stat("scanned", sum->files_scanned) + Stat("skipped", sum->skipped_total()) +
           Stat("errors", sum->errors, sum->errors > 0) + Stat("directories", sum->dirs_seen) +
           "</div>";
    out += "<table class=\"kv\">";
    row("Bytes scanned", H(FormatBytes(sum->bytes_scanned)));
    if (sum->suppressed.total() || sum->suppressed.reasons)
      row("Suppressed findings",
          fmt::format("{} by false-positive filters, {} by hash allow-lists, {} reason(s) removed "
                      "by per-rule filters <small>(held back by the analyst's filters: not listed "
                      "below)</small>",
                      sum->suppressed.by_filter, sum->suppressed.by_allowlist,
                      sum->suppressed.reasons));
    for (size_t i = 0; i < kSkipReasonCount; ++i) {
      uint64_t n = sum->skipped[i];
      if (!n) continue;
      std::string k(SkipReasonName(static_cast<SkipReason>(i)));
      row("Skipped: " + k, fmt::format("{} <small>({})</small>", n, H(SkipMeaning(k))));
      skip_bars.push_back({k, n, "#78909c"});
    }
    for (size_t i = 0; i < kSkipReasonCount; ++i)
      if (sum->skipped_dirs[i])
        row("Dirs not entered: " + std::string(SkipReasonName(static_cast<SkipReason>(i))),
            fmt::format("{}", sum->skipped_dirs[i]));
    if (sum->members_seen || sum->containers_opened) {
      row("Archives", fmt::format("{} opened; {} members seen, {} scanned ({}), {} skipped",
                                  sum->containers_opened, sum->members_seen,
                                  sum->members_scanned, H(FormatBytes(sum->member_bytes_scanned)),
                                  sum->skipped_members_total()));
      for (size_t i = 0; i < kSkipReasonCount; ++i)
        if (sum->skipped_members[i]) {
          std::string k(SkipReasonName(static_cast<SkipReason>(i)));
          row("Members skipped: " + k,
              fmt::format("{} <small>({})</small>", sum->skipped_members[i], H(SkipMeaning(k))));
        }
    }
    if (const ScanSummary::Images& im = sum->images; im.opened || im.failed || im.entries_seen) {
      row("Disk images",
          fmt::format("{} opened, {} could not be opened; {} volumes, {} file systems scanned; "
                      "{} entries seen, {} scanned ({}; {} deleted), {} skipped",
                      im.opened, im.failed, im.volumes, im.filesystems, im.entries_seen,
                      im.entries_scanned, H(FormatBytes(im.entry_bytes_scanned)),
                      im.deleted_scanned, im.skipped_entries_total()));
      for (size_t i = 0; i < kSkipReasonCount; ++i) {
        std::string k(SkipReasonName(static_cast<SkipReason>(i)));
        if (im.skipped_volumes[i])
          row("Volumes not scanned: " + k, fmt::format("{}", im.skipped_volumes[i]));
        if (im.skipped_entries[i])
          row("Image entries skipped: " + k,
              fmt::format("{} <small>({})</small>", im.skipped_entries[i], H(SkipMeaning(k))));
      }
    }
    if (const LiveSummary& l = sum->live; l.ran()) {
      if (l.processes) {
        std::string pskips = SkipCountsText(l.skipped);
        row("Processes", fmt::format("{} seen, {} scanned, {} skipped{}, {} exited; {} "
                                     "executables checked",
                                     l.processes_seen, l.processes_scanned, l.skipped_total(),
                                     pskips.empty() ? "" : " (" + H(pskips) + ")", l.exited,
                                     l.executables));
      }
      if (l.memory)
        row("Process memory", fmt::format("{} regions read ({}), {} not read", l.regions,
                                          H(FormatBytes(l.memory_bytes)), l.regions_skipped));
      if (l.network)
        row("Network", fmt::format("{} sockets in {} namespace(s), {} not mapped to a process; "
                                   "{} hosts file names",
                                   l.connections, l.namespaces, l.connections_unmapped,
                                   l.hosts_entries));
    }
    if (sum->syslog.enabled) {
      uint64_t dropped = sum->syslog.dropped;
      row("Syslog forwarding", fmt::format("{} sent, {}{} dropped{}", sum->syslog.sent,
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
  if (sum) {
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
                         H(SeverityName(d.severity)), H(d.where), H(d.message));
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
