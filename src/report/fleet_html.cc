#include "report/fleet_html.h"

#include <algorithm>
#include <array>

#include <fmt/format.h>

#include "report/html_parts.h"
#include "report/html_report.h"
#include "report/json_util.h"

namespace harrier {
namespace {

using namespace html_parts;

std::string H(std::string_view s) { return HtmlEscape(s); }

std::string Upper(std::string_view s) {
  std::string u(s);
  for (char& c : u)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return u;
}

// The banner of the whole fleet: the worst verdict and how many hosts have it.
std::string Banner(const FleetDoc& fleet) {
  std::array<size_t, 6> by{};
  for (const ReportDoc& s : fleet.scans) ++by[static_cast<size_t>(HostVerdictOf(s))];
  HostVerdict worst = HostVerdict::kClean;
  for (int v = 5; v >= 0; --v)
    if (by[v]) {
      worst = static_cast<HostVerdict>(v);
      break;
    }
  std::string headline;
  const size_t n = fleet.scans.size();
  switch (worst) {
    case HostVerdict::kAlert:
      headline = fmt::format("ALERT: indicators of compromise on {} of {} scans", by[5], n);
      break;
    case HostVerdict::kWarning:
      headline = fmt::format("WARNING: suspicious files on {} of {} scans", by[4], n);
      break;
    case HostVerdict::kUnfinished:
      headline = fmt::format("UNFINISHED: {} of {} scans did not finish", by[3], n);
      break;
    case HostVerdict::kIncomplete:
      headline = fmt::format("INCOMPLETE: {} of {} scans could not check everything", by[2], n);
      break;
    case HostVerdict::kNotice:
    case HostVerdict::kClean:
      headline = fmt::format("CLEAN: no indicators found on {} scans", n);
      break;
  }
  std::string parts;
  for (int v = 5; v >= 0; --v)
    if (by[v])
      parts += fmt::format("{}{} {}", parts.empty() ? "" : ", ", by[v],
                           HostVerdictName(static_cast<HostVerdict>(v)));
  int64_t first = 0, last = 0;
  for (const ReportDoc& s : fleet.scans) {
    if (!s.info.start_time) continue;
    if (!first || s.info.start_time < first) first = s.info.start_time;
    last = std::max(last, s.info.start_time);
  }
  std::string when = first ? fmt::format(" · started {} to {}", IsoTime(first), IsoTime(last)) : "";
  std::vector<std::string> hosts;
  for (const ReportDoc& s : fleet.scans) hosts.push_back(s.info.hostname);
  std::sort(hosts.begin(), hosts.end());
  const size_t distinct = std::unique(hosts.begin(), hosts.end()) - hosts.begin();
  return fmt::format(
      "<header class=\"verdict {}\" id=\"verdict\"><div class=\"inner\"><h1>{}</h1>"
      "<p>Fleet report · {} scan(s) of {} host(s){} · {}</p></div></header>\n<main>\n",
      VerdictCss(worst), H(headline), n, distinct, H(when), H(parts));
}

std::string Overview(const FleetDoc& fleet, const std::vector<size_t>& order) {
  std::string out = fmt::format(
      "<section class=\"card overview\" id=\"overview\"><h2>Hosts ({})</h2>"
      "<table class=\"grid-table sortable\" id=\"overview-table\"><thead><tr>"
      "<th data-key=\"text\">Host</th><th data-key=\"num\">Verdict</th>"
      "<th data-key=\"num\">Alert</th><th data-key=\"num\">Warning</th>"
      "<th data-key=\"num\">Notice</th><th data-key=\"num\">Max score</th>"
      "<th data-key=\"text\">Started (UTC)</th><th data-key=\"num\">Duration</th>"
      "<th data-key=\"num\">Files scanned</th><th data-key=\"text\">Signatures</th>"
      "</tr></thead><tbody>\n",
      fleet.scans.size());
  for (size_t rank = 0; rank < order.size(); ++rank) {
    const size_t i = order[rank];
    const ReportDoc& s = fleet.scans[i];
    const HostVerdict v = HostVerdictOf(s);
    const ScanSummary eff = s.EffectiveSummary();
    const std::string& digest = s.info.rules.digest;
    out += fmt::format(
        "<tr class=\"host-row {}\" data-host-index=\"{}\">"
        "<td data-sort=\"{}\"><a href=\"#host-{}\">{}</a></td>"
        "<td data-sort=\"{}\"><span class=\"badge {}\">{}</span></td>"
        "<td class=\"num{}\">{}</td><td class=\"num{}\">{}</td><td class=\"num\">{}</td>"
        "<td class=\"num\">{:.0f}</td><td class=\"mono\">{}</td><td class=\"num\" data-sort=\"{:.1f}\">{}</td>"
        "<td class=\"num\">{}</td><td class=\"mono\" title=\"{}\">{}</td></tr>\n",
        VerdictCss(v), i, H(s.info.hostname), i,
        H(s.info.hostname.empty() ? "unknown host" : s.info.hostname), order.size() - rank,
        VerdictCss(v), HostVerdictName(v), eff.findings[3] ? " hot" : "", eff.findings[3],
        eff.findings[2] ? " warm" : "", eff.findings[2], eff.findings[1], s.max_score,
        s.info.start_time ? H(IsoTime(s.info.start_time)) : "unknown",
        s.summary ? s.summary->duration_s : -1.0,
        s.summary ? H(FormatDuration(s.summary->duration_s)) : "—",
        s.summary ? fmt::format("{}", s.summary->files_scanned) : "—", H(digest),
        H(digest.empty() ? "unknown" : digest.substr(0, 12)));
  }
  return out + "</tbody></table></section>\n";
}

std::string FrequentIndicators(const FleetDoc& fleet) {
  std::vector<IndicatorStat> all = fleet.indicators.Indicators();
  std::string out = fmt::format(
      "<section class=\"card\" id=\"indicators\"><h2>Most frequent indicators across hosts "
      "({})</h2>",
      all.size());
  if (all.empty()) return out + "<p>No indicators were found on any host.</p></section>\n";
  out += "<table class=\"grid-table sortable\" id=\"indicator-table\"><thead><tr>"
         "<th data-key=\"text\">Indicator</th><th data-key=\"num\">Hosts</th>"
         "<th data-key=\"num\">Findings</th><th data-key=\"num\">Max score</th>"
         "<th data-key=\"num\">Level</th></tr></thead><tbody>\n";
  for (size_t i = 0; i < all.size() && i < kFleetIndicatorRows; ++i) {
    const IndicatorStat& s = all[i];
    std::string level(LevelName(s.max_level));
    out += fmt::format(
        "<tr><td><span class=\"rtype\">{}</span><span class=\"rname\">{}</span>{}</td>"
        "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{:.0f}</td>"
        "<td data-sort=\"{}\"><span class=\"lvl lvl-{}\">{}</span></td></tr>\n",
        H(ReasonKindName(s.kind)), H(s.name),
        s.description.empty() ? "" : "<small>" + H(s.description) + "</small>", s.hosts.size(),
        s.findings, s.max_score, static_cast<int>(s.max_level), H(level), H(Upper(level)));
  }
  out += "</tbody></table>";
  if (all.size() > kFleetIndicatorRows)
    out += fmt::format("<p class=\"hint\">{} less frequent indicators not listed.</p>",
                       all.size() - kFleetIndicatorRows);
  if (fleet.indicators.dropped())
    out += fmt::format("<p class=\"hint\">{} reason(s) of further distinct indicators were not "
                       "counted (more than {} distinct indicators).</p>",
                       fleet.indicators.dropped(), IndicatorTally::kDefaultMaxEntries);
  return out + "</section>\n";
}

std::string HostSection(const ReportDoc& s, size_t index) {
  const HostVerdict v = HostVerdictOf(s);
  const VerdictView view = VerdictOf(s);
  const ScanSummary eff = s.EffectiveSummary();
  std::string out = fmt::format(
      "<section class=\"host\" id=\"host-{}\"><header class=\"host-head {}\"><h2>{} "
      "<span class=\"badge {}\">{}</span></h2><p>{} · {} alert, {} warning, {} notice · "
      "read from <code>{}</code> · <a href=\"#overview\">back to the overview</a></p>"
      "</header>\n",
      index, VerdictCss(v), H(s.info.hostname.empty() ? "unknown host" : s.info.hostname),
      VerdictCss(v), HostVerdictName(v), H(view.title), eff.findings[3], eff.findings[2],
      eff.findings[1], H(s.origin));
  if (s.findings_dropped)
    out += fmt::format(
        "<div class=\"note\">{} of this scan's {} findings are shown; the rest ranked below the "
        "report's --html-max-findings highest-scoring findings of all scans. The JSONL has them "
        "all.</div>\n",
        s.findings.size(), s.findings_total);
  if (s.input_problems)
    out += fmt::format(
        "<div class=\"note\">{} line(s) of this scan could not be read and were skipped.</div>\n",
        s.input_problems);
  out += "<div class=\"grid\">\n" + NextSteps(RemediationsOf(s.findings), false, view.css) +
         HostCard(s) + CoverageCard(s) + "</div>\n";
  out += fmt::format("<h3>Findings ({})</h3>\n", s.findings.size());
  out += FindingsBlock(s, fmt::format("findings-{}", index));
  out += IndicatorGroups(s.findings);
  out += DiagnosticsCard(s);
  return out + "</section>\n";
}

}  // namespace

std::string RenderFleetHtml(const FleetDoc& fleet) {
  const std::vector<size_t> order = fleet.WorstFirst();
  std::string version;
  for (const ReportDoc& s : fleet.scans)
    if (!s.info.version.empty()) version = s.info.version;
  size_t kept = 0;
  for (const ReportDoc& s : fleet.scans) kept += s.findings.size();
  std::string out;
  out.reserve(64 * 1024 + fleet.scans.size() * 8192 + kept * 3072);
  out += PageHead(fmt::format("Harrier fleet report: {} scans", fleet.scans.size()), version);
  out += Banner(fleet);
  if (fleet.input_problems)
    out += fmt::format(
        "<div class=\"note\">{} line(s) of the input could not be read and were skipped.</div>\n",
        fleet.input_problems);
  if (fleet.scans_dropped)
    out += fmt::format(
        "<div class=\"note\">{} further scan(s) were counted but are not shown (--max-scans).</div>\n",
        fleet.scans_dropped);
  out += Overview(fleet, order);
  std::string worst_css = order.empty() ? "v-clean" : VerdictOf(fleet.scans[order[0]]).css;
  out += "<div class=\"grid\">\n" +
         NextSteps(fleet.indicators.Remediations(), true, worst_css) + "</div>\n";
  out += FrequentIndicators(fleet);
  for (size_t i : order) out += HostSection(fleet.scans[i], i);
  out += PageFoot(version);
  return out;
}

}  // namespace harrier
