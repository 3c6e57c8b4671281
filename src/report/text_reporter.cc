#include "report/text_reporter.h"

#include <algorithm>
#include <cctype>
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
  if (opts_.quiet || opts_.format == TextFormat::kLine) return;
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

namespace {
bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Size for people: exact bytes, and the rounded unit from 1 KiB on.
std::string SizeText(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} B", bytes);
  return fmt::format("{} ({} B)", FormatBytes(bytes), bytes);
}

// At most `max` code points of valid UTF-8 `s`, "…" when cut.
std::string Shorten(const std::string& s, size_t max) {
  size_t cps = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) continue;
    if (++cps > max) return s.substr(0, i) + "\xe2\x80\xa6";
  }
  return s;
}

// The compact block keeps each reason to about one terminal line.
constexpr size_t kTitleMax = 110;
}  // namespace

std::string DisplayDescription(std::string_view d) {
  std::string out;
  size_t i = 0;
  while (i < d.size()) {
    // A trailing source list: "src: KEYS" (after an optional " - ") to the end.
    if (d.compare(i, 4, "src:") == 0 && (i == 0 || IsSpace(d[i - 1]))) break;
    // An evidence tag: "[V]", "[S]", "[I]", "[U]".
    if (d[i] == '[' && i + 2 < d.size() && d[i + 2] == ']' &&
        std::string_view("VSIU").find(d[i + 1]) != std::string_view::npos &&
        (i + 3 == d.size() || !std::isalnum(static_cast<unsigned char>(d[i + 3])))) {
      i += 3;
      continue;
    }
    out += d[i++];
  }
  // Collapse white space; drop the dash that introduced the source list.
  std::string clean;
  for (char c : out) {
    if (IsSpace(c)) {
      if (!clean.empty() && clean.back() != ' ') clean += ' ';
    } else {
      clean += c;
    }
  }
  auto trim_end = [&] {
    while (!clean.empty() && (clean.back() == ' ' || clean.back() == '-')) clean.pop_back();
  };
  trim_end();
  // "(C2 role )" left by a tag inside parentheses reads oddly but keeps
  // its words; only a tag's own space is collapsed.
  for (size_t p; (p = clean.find(" )")) != std::string::npos;) clean.erase(p, 1);
  return clean;
}

std::string ReasonTitle(const Reason& r) {
  std::string desc = DisplayDescription(r.description);
  switch (r.kind) {
    case ReasonKind::kYara:
    case ReasonKind::kC2:
      return desc.empty() ? r.name : r.name + ": " + desc;
    case ReasonKind::kHash:
    case ReasonKind::kFilename:
    case ReasonKind::kCheck:
      return desc.empty() ? r.name : desc;
  }
  return r.name;
}

std::string FindingLine(const Finding& f) {
  std::string out = fmt::format("{}\t{:.0f}\t{}", LevelLabel(f.level), f.score,
                                TerminalSafe(ChainDisplay(f.subject)));
  for (const auto& r : f.reasons)
    out += fmt::format("\t{}:{}", ReasonKindName(r.kind), TerminalSafe(r.name));
  return out;
}

std::string TextReporter::Block(const Finding& f) const {
  const bool v = opts_.verbose;
  const std::string pad(8, ' '), sub(14, ' ');
  std::string out = fmt::format("{} {} {}\n", Paint(fmt::format("{:<7}", LevelLabel(f.level)), LevelColor(f.level)),
                                Paint(fmt::format("score {:>3.0f}", f.score), "1"),
                                TerminalSafe(ChainDisplay(f.subject)));
  const Subject& s = f.subject;
  if (s.display_root != s.host_path() && !s.display_root.empty())
    out += fmt::format("{}file: {}\n", pad, TerminalSafe(ChainRaw(s)));
  if (const ProcessAttrs& p = s.process; p.pid != 0) {
    out += fmt::format("{}pid {}  ppid {}  user {}  started {}\n", pad, p.pid, p.ppid,
                       TerminalSafe(p.user), IsoTime(p.start_time));
    if (!p.cmdline.empty()) out += fmt::format("{}command: {}\n", pad, TerminalSafe(p.cmdline));
  }
  // Time stamps: mtime when the source knows it, ctime for a walked file.
  std::string times;
  if (s.file.mtime != 0) times += "modified " + IsoTime(s.file.mtime);
  if (s.file.has_owner && s.file.ctime != 0)
    times += (times.empty() ? "" : "  ") + std::string("changed ") + IsoTime(s.file.ctime);
  if (!times.empty()) out += pad + times + "\n";
  // Size, type and sha256: a file that was read (a name-only finding has no hash).
  if (!f.hashes.sha256.empty()) {
    out += fmt::format("{}size {}", pad, SizeText(s.file.size));
    if (!f.filetype.empty()) out += fmt::format("  type {}", TerminalSafe(f.filetype));
    out += fmt::format("  sha256 {}\n", f.hashes.sha256);
    if (v) out += fmt::format("{}md5 {}  sha1 {}\n", pad, f.hashes.md5, f.hashes.sha1);
  }
  const size_t shown = v ? f.reasons.size() : std::min(f.reasons.size(), opts_.max_reasons);
  for (size_t i = 0; i < shown; ++i) {
    const Reason& r = f.reasons[i];
    std::string title = TerminalSafe(ReasonTitle(r));
    out += fmt::format("{}[{:>3}] {:<8} {}\n", pad, r.score, ReasonKindName(r.kind),
                       v ? title : Shorten(title, kTitleMax));
    if (!v) continue;
    if (r.kind != ReasonKind::kYara && r.kind != ReasonKind::kC2)
      out += fmt::format("{}{}: {}\n", sub,
                         r.kind == ReasonKind::kFilename ? "pattern"
                         : r.kind == ReasonKind::kHash   ? "hash"
                                                         : "check",
                         TerminalSafe(r.name));
    if (!r.description.empty() && DisplayDescription(r.description) != r.description)
      out += fmt::format("{}description: {}\n", sub, TerminalSafe(r.description));
    if (!r.source.empty()) out += fmt::format("{}from {}\n", sub, TerminalSafe(r.source));
    for (const auto& a : r.also_from) out += fmt::format("{}also from {}\n", sub, TerminalSafe(a));
    for (const auto& ref : r.references)
      out += fmt::format("{}reference: {}\n", sub, TerminalSafe(ref));
    for (const auto& h : r.strings)
      out += fmt::format("{}{} at 0x{:x}: {}\n", sub, TerminalSafe(h.identifier), h.offset,
                         EscapeBytes(h.data));
    for (const auto& [k, val] : r.details)
      out += fmt::format("{}{}: {}\n", sub, TerminalSafe(k), TerminalSafe(val));
    if (!r.remediation.empty())
      out += fmt::format("{}{} {}\n", sub, Paint("what to do:", "1"), TerminalSafe(r.remediation));
  }
  if (shown < f.reasons.size())
    out += fmt::format("{}+{} more (-v shows all)\n", pad, f.reasons.size() - shown);
  if (!v) {
    // One line of what to do: the strongest reason's that has one.
    for (const auto& r : f.reasons)
      if (!r.remediation.empty()) {
        out += fmt::format("{}{} {}\n", pad, Paint("what to do:", "1"), TerminalSafe(r.remediation));
        break;
      }
  }
  return out;
}

void TextReporter::OnFinding(const Finding& f) {
  if (opts_.quiet) return;
  Write(opts_.format == TextFormat::kLine ? FindingLine(f) + "\n" : Block(f));
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

void TextReporter::EndLine(const ScanSummary& s) {
  std::string out = fmt::format(
      "# verdict {}; findings {} alert, {} warning, {} notice; files {} seen, {} scanned, {} "
      "skipped, {} errors",
      VerdictName(VerdictFor(s)), s.findings[3], s.findings[2], s.findings[1], s.files_seen,
      s.files_scanned, s.skipped_total(), s.errors);
  if (s.suppressed.total()) out += fmt::format("; {} suppressed", s.suppressed.total());
  if (s.interrupted) out += "; interrupted";
  for (const auto& e : s.output_errors)
    out += fmt::format("; report not written completely: {}", TerminalSafe(e));
  if (diag_suppressed_) out += fmt::format("; {} warnings not shown", diag_suppressed_);
  out += fmt::format("; time {:.1f} s; exit code {}\n", s.duration_s,
                     s.output_errors.empty() ? ExitCodeFor(s) : kExitOutputError);
  Write(out);
}

void TextReporter::End(const ScanSummary& s) {
  if (opts_.format == TextFormat::kLine) return EndLine(s);
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
