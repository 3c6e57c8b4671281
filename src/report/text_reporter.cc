#include "report/text_reporter.h"

#include <algorithm>
#include <cstdint>

#include <fmt/format.h>

#include "core/units.h"
#include "report/json_util.h"

namespace harrier {
namespace {
const char* LevelColor(Level l) {
  switch (l) {
    case Level::kAlert: return "1;31";
    case Level::kWarning: return "1;33";
    case Level::kNotice: return "1;36";
    default: return "1;32";
  }
}
}  // namespace

namespace {
// Code points a terminal acts on although they are valid UTF-8: the C1
// controls (U+0080-U+009F; U+009B is a one-byte CSI, U+009D an OSC on
// many terminals) and the bidirectional and line formatting controls that
// reorder or break what is shown (Trojan Source, CVE-2021-42574).
bool IsTerminalControl(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}
}  // namespace

std::string TerminalSafe(std::string_view bytes) {
  std::string s = SafeUtf8(bytes);  // valid UTF-8 from here on
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
      else out += static_cast<char>(c);
      ++i;
      continue;
    }
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
    len = std::min(len, s.size() - i);
    uint32_t cp = len == 2 ? (c & 0x1f) : len == 3 ? (c & 0x0f) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    if (IsTerminalControl(cp)) out += fmt::format("\\u{:04x}", cp);
    else out.append(s, i, len);
    i += len;
  }
  return out;
}

std::string TextReporter::Paint(std::string_view text, const char* code) const {
  if (!console_.color()) return std::string(text);
  return fmt::format("\033[{}m{}\033[0m", code, text);
}

void TextReporter::Write(std::string_view text) {
  if (opts_.to_stderr) console_.Err(text);
  else console_.Out(text);
}

void TextReporter::Begin(const ScanInfo& info) {
  info_ = info;
  if (opts_.quiet) return;
  std::string roots;
  for (const auto& p : info.paths) roots += (roots.empty() ? "" : " ") + TerminalSafe(p);
  std::string packs;
  for (const auto& p : info.rules.packs) packs += (packs.empty() ? "" : ", ") + TerminalSafe(p);
  Write(fmt::format(
      "Harrier {} on {}: scanning {}\nSignatures: {} YARA rules ({} files, {} failed), "
      "{} hash IOCs, {} filename IOCs, {} C2 IOCs\n{}\n",
      info.version, TerminalSafe(info.hostname), roots, info.rules.yara_rules,
      info.rules.yara_files, info.rules.yara_files_failed, info.rules.hash_iocs,
      info.rules.filename_iocs, info.rules.c2_iocs,
      packs.empty() ? "" : "Incident packs: " + packs + "\n"));
}

void TextReporter::OnFinding(const Finding& f) {
  if (opts_.quiet) return;
  std::string out = fmt::format("{} {} {}\n", Paint(fmt::format("{:<7}", LevelLabel(f.level)), LevelColor(f.level)),
                                Paint(fmt::format("score {:>3.0f}", f.score), "1"),
                                TerminalSafe(ChainDisplay(f.subject)));
  if (f.subject.display_root != f.subject.host_path() && !f.subject.display_root.empty())
    out += fmt::format("        file: {}\n", TerminalSafe(ChainRaw(f.subject)));
  if (const ProcessAttrs& p = f.subject.process; p.pid != 0) {
    out += fmt::format("        pid {}  ppid {}  user {}  started {}\n", p.pid, p.ppid,
                       TerminalSafe(p.user), IsoTime(p.start_time));
    if (!p.cmdline.empty()) out += fmt::format("        command: {}\n", TerminalSafe(p.cmdline));
  }
  if (!f.hashes.sha256.empty())
    out += fmt::format("        size {}  sha256 {}  md5 {}\n", f.subject.file.size, f.hashes.sha256, f.hashes.md5);
  for (const auto& r : f.reasons) {
    out += fmt::format("        [{:>3}] {:<8} {}", r.score, ReasonKindName(r.kind), TerminalSafe(r.name));
    if (!r.description.empty()) out += fmt::format(" - {}", TerminalSafe(r.description));
    out += "\n";
    if (!r.source.empty()) out += fmt::format("              from {}\n", TerminalSafe(r.source));
    for (const auto& s : r.strings)
      out += fmt::format("              {} at 0x{:x}: {}\n", TerminalSafe(s.identifier), s.offset,
                         EscapeBytes(s.data));
    for (const auto& [k, v] : r.details)
      out += fmt::format("              {}: {}\n", TerminalSafe(k), TerminalSafe(v));
    if (!r.remediation.empty())
      out += fmt::format("              {} {}\n", Paint("what to do:", "1"), TerminalSafe(r.remediation));
  }
  Write(out);
  // Out at once also into a file or pipe: a killed scan keeps what it found.
  console_.Flush();
}

void TextReporter::OnDiagnostic(const Diagnostic& d) {
  if (d.severity == Diagnostic::Severity::kInfo) return;
  if (d.severity == Diagnostic::Severity::kWarning && !opts_.show_warnings) {
    ++diag_suppressed_;
    return;
  }
  console_.Err(fmt::format("{}: {}: {}\n", SeverityName(d.severity), TerminalSafe(d.where),
                           TerminalSafe(d.message)));
}

void TextReporter::End(const ScanSummary& s) {
  std::string out = "\n";
  std::string verdict;
  switch (VerdictFor(s)) {
    case Verdict::kAlert: verdict = Paint("ALERT: indicators of compromise found", LevelColor(Level::kAlert)); break;
    case Verdict::kWarning: verdict = Paint("WARNING: suspicious files found", LevelColor(Level::kWarning)); break;
    case Verdict::kIncomplete: verdict = Paint("INCOMPLETE: no indicators found in what was scanned, but not everything could be scanned", "1;35"); break;
    case Verdict::kClean:
      verdict = s.findings[1] ? Paint("CLEAN (notices only)", LevelColor(Level::kNone))
                              : Paint("CLEAN: no indicators found", LevelColor(Level::kNone));
      break;
  }
  if (s.interrupted) verdict += Paint("  (interrupted: the scan did not finish)", "1;35");
  out += fmt::format("Verdict: {}\n", verdict);
  double rate = s.duration_s > 0 ? s.bytes_scanned / s.duration_s : 0;
  out += fmt::format("Findings: {} alert, {} warning, {} notice\n", s.findings[3], s.findings[2], s.findings[1]);
  if (s.suppressed.total() || s.suppressed.reasons)
    out += fmt::format(
        "Suppressed: {} finding(s) by false-positive filters, {} by hash allow-lists, {} "
        "reason(s) removed by per-rule filters (not shown above)\n",
        s.suppressed.by_filter, s.suppressed.by_allowlist, s.suppressed.reasons);
  out += fmt::format("Files: {} seen, {} scanned ({}), {} skipped, {} errors; {} directories\n",
                     s.files_seen, s.files_scanned, FormatBytes(s.bytes_scanned), s.skipped_total(),
                     s.errors, s.dirs_seen);
  if (s.files_from_cache)
    out += fmt::format("From cache: {} of the scanned files were unchanged and known clean\n",
                       s.files_from_cache);
  std::string skips = SkipCountsText(s.skipped), dskips = SkipCountsText(s.skipped_dirs);
  if (!skips.empty()) out += fmt::format("Skipped files: {}\n", skips);
  if (!dskips.empty()) out += fmt::format("Directories not entered: {}\n", dskips);
  if (s.members_seen || s.containers_opened) {
    std::string mskips = SkipCountsText(s.skipped_members);
    out += fmt::format("Archives: {} opened; {} members seen, {} scanned ({}), {} skipped{}\n",
                       s.containers_opened, s.members_seen, s.members_scanned,
                       FormatBytes(s.member_bytes_scanned), s.skipped_members_total(),
                       mskips.empty() ? "" : " (" + mskips + ")");
  }
  if (s.images.opened || s.images.failed || s.images.entries_seen) {
    const ScanSummary::Images& im = s.images;
    std::string vskips = SkipCountsText(im.skipped_volumes);
    std::string eskips = SkipCountsText(im.skipped_entries);
    out += fmt::format(
        "Disk images: {} opened{}; {} volumes, {} file systems scanned{}; {} entries seen, {} scanned "
        "({}{}), {} skipped{}\n",
        im.opened, im.failed ? fmt::format(", {} could not be opened", im.failed) : "", im.volumes,
        im.filesystems, vskips.empty() ? "" : " (not scanned: " + vskips + ")", im.entries_seen,
        im.entries_scanned, FormatBytes(im.entry_bytes_scanned),
        im.deleted_scanned ? fmt::format(", {} deleted", im.deleted_scanned) : "",
        im.skipped_entries_total(), eskips.empty() ? "" : " (" + eskips + ")");
  }
  if (const LiveSummary& l = s.live; l.ran()) {
    std::string which;
    for (auto [on, name] : {std::pair{l.processes, "processes"}, std::pair{l.memory, "memory"},
                            std::pair{l.network, "network"}})
      if (on) which += (which.empty() ? "" : ", ") + std::string(name);
    out += fmt::format("Live checks: {} ({:.1f} s)\n", which, l.duration_s);
    if (l.processes) {
      std::string pskips = SkipCountsText(l.skipped);
      out += fmt::format("Processes: {} seen, {} scanned, {} skipped{}, {} exited; {} executables checked\n",
                         l.processes_seen, l.processes_scanned, l.skipped_total(),
                         pskips.empty() ? "" : " (" + pskips + ")", l.exited, l.executables);
    }
    if (l.memory)
      out += fmt::format("Memory: {} regions read ({}), {} regions not read (file images, devices)\n",
                         l.regions, FormatBytes(l.memory_bytes), l.regions_skipped);
    else if (l.processes)
      out += "Memory: not scanned (--no-memory, or no YARA rule runs on memory)\n";
    if (l.network)
      out += fmt::format("Network: {} sockets in {} namespace(s), {} not mapped to a process{}; "
                         "{} hosts file names\n",
                         l.connections, l.namespaces, l.connections_unmapped,
                         l.namespaces_skipped
                             ? fmt::format(", {} namespace(s) not readable", l.namespaces_skipped)
                             : "",
                         l.hosts_entries);
  }
  if (s.syslog.enabled)
    out += fmt::format("Syslog: {} messages sent, {} dropped{}\n", s.syslog.sent, s.syslog.dropped,
                       s.syslog.dropped ? " (collector unreachable or too slow: not every finding "
                                          "reached it)"
                                        : "");
  for (const auto& e : s.output_errors)
    out += Paint(fmt::format("Report not written completely: {}\n", TerminalSafe(e)), "1;31");
  if (diag_suppressed_) out += fmt::format("Warnings not shown: {} (use --verbose)\n", diag_suppressed_);
  out += fmt::format("Time: {:.1f} s, {}/s, {:.0f} files/s\n", s.duration_s, FormatBytes(static_cast<uint64_t>(rate)),
                     s.duration_s > 0 ? s.files_scanned / s.duration_s : 0.0);
  out += fmt::format("Exit code: {}\n", s.output_errors.empty() ? ExitCodeFor(s) : kExitOutputError);
  Write(out);
}

}  // namespace harrier
