#include "report/html_parts.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "core/finding.h"
#include "core/units.h"
#include "report/html_assets.h"
#include "report/html_report.h"
#include "report/json_util.h"

namespace harrier::html_parts {
namespace {

std::string H(std::string_view s) { return HtmlEscape(s); }

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

// A <tr> of a key/value table; `v_html` is markup already.
std::string Row(std::string_view k, const std::string& v_html) {
  return fmt::format("<tr><th>{}</th><td>{}</td></tr>", H(k), v_html);
}

std::string LevelCss(Level l) { return std::string(LevelName(l)); }

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return u;
}

}  // namespace

std::string FindingDetailHtml(const Finding& f) {
  const Subject& sub = f.subject;
  std::string out = "<div class=\"detail\"><dl class=\"meta\">";
  auto kv = [&](std::string_view k, const std::string& v) {
    if (!v.empty()) out += fmt::format("<dt>{}</dt><dd>{}</dd>", H(k), H(v));
  };
  std::string raw = RawPathOf(f);
  if (raw != DisplayPathOf(f)) kv("Raw path", raw);
  if (!IsValidUtf8(sub.path)) kv("Path bytes (hex)", HexEncode(sub.path));
  kv("Kind", std::string(SubjectKindName(sub.kind)));
  kv("Size", fmt::format("{} bytes", sub.file.size));
  if (sub.file.mtime) kv("Modified", IsoTime(sub.file.mtime));
  if (sub.file.has_owner) kv("Changed", IsoTime(sub.file.ctime));
  kv("Owner", sub.file.owner);
  if (sub.file.has_owner || sub.file.mode) kv("Mode", fmt::format("{:04o}", sub.file.mode));
  kv("File type", f.filetype);
  kv("SHA256", f.hashes.sha256);
  kv("SHA1", f.hashes.sha1);
  kv("MD5", f.hashes.md5);
  out += "</dl>";
  for (const Reason& r : f.reasons) {
    out += fmt::format(
        "<div class=\"reason\"><div class=\"reason-head\"><span class=\"rscore\">{}</span>"
        "<span class=\"rtype\">{}</span><span class=\"rname\">{}</span></div>",
        r.score, H(ReasonKindName(r.kind)), H(r.name));
    if (!r.description.empty()) out += "<p class=\"rdesc\">" + H(r.description) + "</p>";
    if (!r.source.empty()) out += "<p class=\"rsrc mono\">Signature: " + H(r.source) + "</p>";
    if (!r.strings.empty()) {
      out += "<table class=\"strings\"><tr><th>String</th><th>Offset</th><th>Text</th>"
             "<th>Hex</th></tr>";
      for (const auto& s : r.strings)
        out += fmt::format("<tr><td>{}</td><td>0x{:x}</td><td>{}</td><td>{}</td></tr>",
                           H(s.identifier), s.offset, H(EscapeBytes(s.data)), HexEncode(s.data));
      out += "</table>";
    }
    if (!r.details.empty()) {
      out += "<dl class=\"meta\">";
      for (const auto& [k, v] : r.details) out += fmt::format("<dt>{}</dt><dd>{}</dd>", H(k), H(v));
      out += "</dl>";
    }
    if (!r.remediation.empty())
      out += "<p class=\"remed\">What to do: " + H(r.remediation) + "</p>";
    out += "</div>";
  }
  return out + "</div>";
}

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

std::string VerdictCss(HostVerdict v) {
  switch (v) {
    case HostVerdict::kAlert: return "v-alert";
    case HostVerdict::kWarning: return "v-warning";
    case HostVerdict::kUnfinished: return "v-unfinished";
    case HostVerdict::kIncomplete: return "v-incomplete";
    case HostVerdict::kNotice: return "v-notice";
    case HostVerdict::kClean: return "v-clean";
  }
  return "v-incomplete";
}

std::string FormatDuration(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  auto total = static_cast<uint64_t>(std::llround(s));
  if (total < 3600) return fmt::format("{} min {:02} s", total / 60, total % 60);
  return fmt::format("{} h {:02} min", total / 3600, (total % 3600) / 60);
}

std::string PageHead(std::string_view title_text, std::string_view version) {
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += fmt::format(
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "script-src '{}'; style-src '{}'; img-src data:; base-uri 'none'; form-action 'none'\">\n",
      CspHash(html_assets::kScript), CspHash(html_assets::kStyle));
  out += "<meta name=\"referrer\" content=\"no-referrer\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += fmt::format("<meta name=\"generator\" content=\"harrier {}\">\n", H(version));
  out += fmt::format("<title>{}</title>\n<style>{}</style>\n</head><body>\n", H(title_text),
                     html_assets::kStyle);
  return out;
}

std::string PageFoot(std::string_view version) {
  return fmt::format(
      "<footer>Generated by Harrier {} (report schema {}). Self-contained: this file loads "
      "nothing from the network; the script only sorts and filters.</footer>\n</main>\n"
      "<script>{}</script>\n</body></html>\n",
      H(version), kJsonlSchemaVersion, html_assets::kScript);
}

std::string HostCard(const ReportDoc& doc) {
  const ScanInfo& info = doc.info;
  const std::optional<ScanSummary>& sum = doc.summary;
  std::string out = "<section class=\"card host-details\"><h3>Host and scan</h3><table class=\"kv\">";
  out += Row("Host", "<b>" + H(info.hostname.empty() ? "unknown" : info.hostname) + "</b>");
  out += Row("Started", info.start_time ? H(IsoTime(info.start_time)) : "unknown");
  out += Row("Duration", sum ? H(FormatDuration(sum->duration_s))
                             : "unknown: the scan did not finish (no summary)");
  std::string paths;
  for (const auto& p : info.paths) paths += (paths.empty() ? "" : "<br>") + H(p);
  out += Row("Paths", paths.empty() ? "unknown" : "<code>" + paths + "</code>");
  out += Row("Harrier", H(info.version.empty() ? "unknown" : info.version));
  if (sum) out += Row("Exit code", fmt::format("{}", ExitCodeFor(*sum)));
  // The host facts the scan recorded (schema 3; older reports have none).
  const platform::HostFacts& h = info.host;
  std::string os = !h.os.pretty_name.empty() ? h.os.pretty_name
                   : h.os.version.empty()    ? h.os.name
                                             : h.os.name + " " + h.os.version;
  if (os.empty()) os = h.os_type;
  if (!os.empty()) out += Row("Operating system", H(os));
  if (!h.kernel.empty()) out += Row("Kernel", "<code>" + H(h.kernel) + "</code>");
  if (!h.architecture.empty()) out += Row("Architecture", H(h.architecture));
  if (!h.ips.empty()) {
    std::string ips;
    for (const auto& ip : h.ips) ips += (ips.empty() ? "" : ", ") + H(ip);
    out += Row("IP addresses", "<code>" + ips + "</code>");
  }
  if (!h.user.empty())
    out += Row("Scanned as", fmt::format("{} <small>(uid {})</small>", H(h.user), h.uid));
  if (!info.args.empty()) {
    std::string cmd;
    for (const auto& a : info.args) cmd += (cmd.empty() ? "" : " ") + a;
    out += Row("Command line", "<code>" + H(cmd) + "</code>");
  }
  if (!info.scan_id.empty()) out += Row("Scan id", "<code>" + H(info.scan_id) + "</code>");
  out += "</table></section>\n";

  const RuleStats& rules = info.rules;
  out += "<section class=\"card\"><h3>Signatures</h3><table class=\"kv\">";
  out += Row("YARA", fmt::format("{} rules in {} files ({} failed to compile)", rules.yara_rules,
                                 rules.yara_files, rules.yara_files_failed));
  out += Row("IOCs", fmt::format("{} hash, {} filename, {} C2; {} false-positive hashes",
                                 rules.hash_iocs, rules.filename_iocs, rules.c2_iocs,
                                 rules.fp_hashes));
  out += Row("IOC lines failed", fmt::format("{}", rules.ioc_lines_failed));
  out += Row("Digest", "<code>" + H(rules.digest) + "</code>");
  std::string srcs;
  for (const auto& x : rules.sources) srcs += (srcs.empty() ? "" : "<br>") + H(x);
  out += Row("Sources", srcs);
  if (!rules.packs.empty()) {
    std::string packs;
    for (const auto& x : rules.packs) packs += (packs.empty() ? "" : ", ") + H(x);
    out += Row("Incident packs", packs);
  }
  return out + "</table></section>\n";
}

std::string CoverageCard(const ReportDoc& doc) {
  const std::optional<ScanSummary>& sum = doc.summary;
  const ScanSummary eff = doc.EffectiveSummary();
  std::string out = "<section class=\"card\"><h3>Coverage</h3>";
  std::vector<Bar> skip_bars;
  if (!sum) {
    out += "<p>No summary: the scan did not finish, coverage is unknown.</p>";
  } else {
    out += "<div class=\"stats\">" + Stat("files seen", sum->files_seen) +
           Stat("scanned", sum->files_scanned) + Stat("skipped", sum->skipped_total()) +
           Stat("errors", sum->errors, sum->errors > 0) + Stat("directories", sum->dirs_seen) +
           "</div>";
    out += "<table class=\"kv\">";
    out += Row("Bytes scanned", H(FormatBytes(sum->bytes_scanned)));
    if (sum->suppressed.total() || sum->suppressed.reasons)
      out += Row("Suppressed findings",
                 fmt::format("{} by false-positive filters, {} by hash allow-lists, {} reason(s) "
                             "removed by per-rule filters <small>(held back by the analyst's "
                             "filters: not listed below)</small>",
                             sum->suppressed.by_filter, sum->suppressed.by_allowlist,
                             sum->suppressed.reasons));
    for (size_t i = 0; i < kSkipReasonCount; ++i) {
      uint64_t n = sum->skipped[i];
      if (!n) continue;
      std::string k(SkipReasonName(static_cast<SkipReason>(i)));
      out += Row("Skipped: " + k, fmt::format("{} <small>({})</small>", n, H(SkipMeaning(k))));
      skip_bars.push_back({k, n, "#78909c"});
    }
    for (size_t i = 0; i < kSkipReasonCount; ++i)
      if (sum->skipped_dirs[i])
        out += Row("Dirs not entered: " + std::string(SkipReasonName(static_cast<SkipReason>(i))),
                   fmt::format("{}", sum->skipped_dirs[i]));
    if (sum->members_seen || sum->containers_opened) {
      out += Row("Archives",
                 fmt::format("{} opened; {} members seen, {} scanned ({}), {} skipped",
                             sum->containers_opened, sum->members_seen, sum->members_scanned,
                             H(FormatBytes(sum->member_bytes_scanned)),
                             sum->skipped_members_total()));
      for (size_t i = 0; i < kSkipReasonCount; ++i)
        if (sum->skipped_members[i]) {
          std::string k(SkipReasonName(static_cast<SkipReason>(i)));
          out += Row("Members skipped: " + k, fmt::format("{} <small>({})</small>",
                                                          sum->skipped_members[i],
                                                          H(SkipMeaning(k))));
        }
    }
    if (const ScanSummary::Images& im = sum->images; im.opened || im.failed || im.entries_seen) {
      out += Row("Disk images",
                 fmt::format("{} opened, {} could not be opened; {} volumes, {} file systems "
                             "scanned; {} entries seen, {} scanned ({}; {} deleted), {} skipped",
                             im.opened, im.failed, im.volumes, im.filesystems, im.entries_seen,
                             im.entries_scanned, H(FormatBytes(im.entry_bytes_scanned)),
                             im.deleted_scanned, im.skipped_entries_total()));
      for (size_t i = 0; i < kSkipReasonCount; ++i) {
        std::string k(SkipReasonName(static_cast<SkipReason>(i)));
        if (im.skipped_volumes[i])
          out += Row("Volumes not scanned: " + k, fmt::format("{}", im.skipped_volumes[i]));
        if (im.skipped_entries[i])
          out += Row("Image entries skipped: " + k,
                     fmt::format("{} <small>({})</small>", im.skipped_entries[i],
                                 H(SkipMeaning(k))));
      }
    }
    if (const LiveSummary& l = sum->live; l.ran()) {
      if (l.processes) {
        std::string pskips = SkipCountsText(l.skipped);
        out += Row("Processes", fmt::format("{} seen, {} scanned, {} skipped{}, {} exited; {} "
                                            "executables checked",
                                            l.processes_seen, l.processes_scanned,
                                            l.skipped_total(),
                                            pskips.empty() ? "" : " (" + H(pskips) + ")",
                                            l.exited, l.executables));
      }
      if (l.memory)
        out += Row("Process memory", fmt::format("{} regions read ({}), {} not read", l.regions,
                                                 H(FormatBytes(l.memory_bytes)),
                                                 l.regions_skipped));
      if (l.network)
        out += Row("Network", fmt::format("{} sockets in {} namespace(s), {} not mapped to a "
                                          "process; {} hosts file names",
                                          l.connections, l.namespaces, l.connections_unmapped,
                                          l.hosts_entries));
    }
    if (sum->syslog.enabled) {
      uint64_t dropped = sum->syslog.dropped;
      out += Row("Syslog forwarding",
                 fmt::format("{} sent, {}{} dropped{}", sum->syslog.sent, dropped ? "<b>" : "",
                             dropped, dropped ? "</b>" : ""));
    }
    out += "</table>";
  }
  const auto& counts = eff.findings;
  out += "<div class=\"charts\"><div><p>Findings by level</p>" +
         SvgBars("Findings by level", {{"Alert", counts[3], "#c62828"},
                                       {"Warning", counts[2], "#e65100"},
                                       {"Notice", counts[1], "#1565c0"}}) +
         "</div>";
  if (sum)
    out += "<div><p>Skipped files by reason</p>" +
           (skip_bars.empty() ? std::string("<p><i>No files were skipped.</i></p>")
                              : SvgBars("Skipped files by reason", skip_bars)) +
           "</div>";
  return out + "</div></section>\n";
}

std::string NextSteps(const std::vector<RemediationStat>& items, bool show_hosts,
                      std::string_view verdict_css) {
  std::string out = "<section class=\"card next-steps\"><h3>What to do next</h3>";
  if (items.empty()) {
    if (verdict_css == "v-alert" || verdict_css == "v-warning")
      out += "<p>The signatures that matched give no specific steps. Review the findings below, "
             "highest score first: confirm whether each file belongs on the host, and treat the "
             "host as compromised until the alerts are explained.</p>";
    else
      out += "<p>No finding calls for action.</p>";
    return out + "</section>\n";
  }
  out += "<ol>";
  for (const RemediationStat& r : items) {
    std::string names;
    for (const auto& n : r.indicators) names += (names.empty() ? "" : ", ") + H(n);
    out += fmt::format(
        "<li class=\"step-{}\"><span class=\"lvl lvl-{}\">{}</span> {}<small>because of {}{}"
        "</small></li>",
        LevelCss(r.max_level), LevelCss(r.max_level), H(Upper(LevelName(r.max_level))),
        H(r.text), names,
        show_hosts ? fmt::format(" · on {} host(s)", r.hosts.size()) : std::string());
  }
  return out + "</ol></section>\n";
}

std::string DisplayPathOf(const Finding& f) {
  const Subject& sub = f.subject;
  if (sub.containers.empty() && !sub.display_root.empty() &&
      (sub.kind == SubjectKind::kFile || sub.kind == SubjectKind::kImageEntry))
    return Disp(sub.display_root);
  return Disp(FindingPath(f));
}

std::string RawPathOf(const Finding& f) {
  const Subject& sub = f.subject;
  const SubjectKind k = sub.kind;
  if (k == SubjectKind::kProcess || k == SubjectKind::kMemoryRegion ||
      k == SubjectKind::kConnection)
    return Disp(FindingPath(f));
  return Disp(sub.containers.empty() ? sub.path : ChainRaw(sub));
}

std::string FindingsBlock(const ReportDoc& doc, std::string_view id) {
  std::string out = fmt::format(
      "<div class=\"findings-block\" data-table=\"{}\">"
      "<div class=\"toolbar\"><input type=\"search\" class=\"filter\" placeholder=\"Filter by "
      "path, rule, hash, level...\" aria-label=\"Filter findings\">"
      "<label><input type=\"checkbox\" data-level=\"alert\" checked> Alert</label>"
      "<label><input type=\"checkbox\" data-level=\"warning\" checked> Warning</label>"
      "<label><input type=\"checkbox\" data-level=\"notice\" checked> Notice</label>"
      "<button type=\"button\" class=\"expand\">Expand all</button>"
      "<span class=\"shown\"></span></div>\n"
      "<table class=\"findings\" id=\"{}\"><thead><tr>"
      "<th data-key=\"level\">Level</th><th data-key=\"score\">Score</th>"
      "<th data-key=\"path\">File (click to expand)</th><th data-key=\"rule\">Top reason</th>"
      "<th data-key=\"type\">Type</th><th data-key=\"mtime\">Modified</th></tr></thead>\n<tbody>",
      H(id), H(id));
  for (const Finding& f : doc.findings) out += FindingRowHtml(f);
  if (doc.findings.empty())
    out += "<tr class=\"empty-row\"><td class=\"empty\" colspan=\"6\">No findings.</td></tr>";
  return out + "</tbody></table></div>\n";
}

std::string IndicatorGroups(const std::vector<Finding>& findings) {
  struct Group {
    const Reason* reason;
    Level level = Level::kNone;
    double score = 0;
    std::vector<const Finding*> files;
    uint64_t total = 0;
  };
  std::map<std::pair<int, std::string>, Group> groups;
  for (const Finding& f : findings)
    for (const Reason& r : f.reasons) {
      Group& g = groups.try_emplace({static_cast<int>(r.kind), r.name}, Group{&r}).first->second;
      g.level = std::max(g.level, f.level);
      g.score = std::max(g.score, f.score);
      if (g.files.empty() || g.files.back() != &f) {
        ++g.total;
        if (g.files.size() < kMaxFilesPerIndicator) g.files.push_back(&f);
      }
    }
  if (groups.empty()) return "";
  std::vector<const Group*> order;
  for (const auto& [k, g] : groups) order.push_back(&g);
  std::stable_sort(order.begin(), order.end(), [](const Group* a, const Group* b) {
    return std::tie(a->level, a->score, a->total) > std::tie(b->level, b->score, b->total);
  });
  std::string out = fmt::format(
      "<section class=\"by-indicator\"><h3>By indicator ({})</h3><p class=\"hint\">Each "
      "indicator once, with the files it hit.</p>",
      order.size());
  for (const Group* g : order) {
    const Reason& r = *g->reason;
    out += fmt::format(
        "<details class=\"indicator\"><summary><span class=\"lvl lvl-{}\">{}</span> "
        "<span class=\"rtype\">{}</span><span class=\"rname\">{}</span> <small>{} file(s), "
        "max score {:.0f}{}</small></summary><ul class=\"files\">",
        LevelCss(g->level), H(Upper(LevelName(g->level))), H(ReasonKindName(r.kind)), H(r.name),
        g->total, g->score, r.description.empty() ? "" : " · " + H(r.description));
    for (const Finding* f : g->files) out += "<li class=\"path\">" + H(DisplayPathOf(*f)) + "</li>";
    if (g->total > g->files.size())
      out += fmt::format("<li>and {} more</li>", g->total - g->files.size());
    out += "</ul></details>";
  }
  return out + "</section>\n";
}

std::string DiagnosticsCard(const ReportDoc& doc) {
  if (doc.diagnostics.empty()) return "";
  std::string out = fmt::format(
      "<section class=\"card diagnostics\"><h3>Problems during the scan ({})</h3>"
      "<table class=\"kv\">",
      doc.diagnostics_total);
  for (const auto& d : doc.diagnostics)
    out += fmt::format("<tr><th>{}</th><td><code>{}</code> {}</td></tr>",
                       H(SeverityName(d.severity)), H(d.where), H(d.message));
  if (doc.diagnostics_total > doc.diagnostics.size())
    out += fmt::format("<tr><th></th><td>{} more not shown</td></tr>",
                       doc.diagnostics_total - doc.diagnostics.size());
  return out + "</table></section>\n";
}

std::vector<RemediationStat> RemediationsOf(const std::vector<Finding>& findings) {
  IndicatorTally t;
  for (const Finding& f : findings) t.Add(f, 0);
  return t.Remediations();
}

}  // namespace harrier::html_parts

namespace harrier {
using html_parts::Disp;

std::string FindingRowHtml(const Finding& f) {
  auto H = [](std::string_view s) { return HtmlEscape(s); };
  auto Upper = [](std::string s) {
    for (char& c : s)
      if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
  };
  std::string level(LevelName(f.level));
  std::string top, rule;
  if (!f.reasons.empty()) {
    const Reason& r0 = f.reasons[0];
    rule = r0.kind == ReasonKind::kHash ? "hash IOC" : Disp(r0.name);
    top = H(rule);
    if (!r0.description.empty()) top += "<small>" + H(r0.description) + "</small>";
    if (f.reasons.size() > 1) top += fmt::format("<small>+{} more</small>", f.reasons.size() - 1);
  }
  std::string mtime = f.subject.file.mtime ? IsoTime(f.subject.file.mtime) : "";
  return fmt::format(
      "<tr class=\"row-{} finding\" data-level=\"{}\" data-score=\"{:.0f}\">"
      "<td><span class=\"lvl lvl-{}\">{}</span></td><td class=\"score\">{:.0f}</td>"
      "<td class=\"file\"><details><summary class=\"path\">{}</summary>{}</details></td>"
      "<td class=\"topr\">{}</td><td>{}</td><td class=\"mono\">{}</td></tr>\n",
      H(level), H(level), f.score, H(level), H(Upper(level)), f.score,
      H(html_parts::DisplayPathOf(f)),
      html_parts::FindingDetailHtml(f), top, H(f.filetype), H(mtime));
}

}  // namespace harrier
