#include "report/json_util.h"

#include <ctime>

#include <fmt/format.h>

#include "core/units.h"
#include "platform/fs.h"

namespace harrier {

namespace {
// Length of the valid UTF-8 sequence at s[i], or 0 if invalid.
size_t Utf8SeqLen(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xE0) == 0xC0) n = 2, cp = c & 0x1F;
  else if ((c & 0xF0) == 0xE0) n = 3, cp = c & 0x0F;
  else if ((c & 0xF8) == 0xF0) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
      cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return n;
}
}  // namespace

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SeqLen(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string SafeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SeqLen(s, i);
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

std::string EscapeBytes(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f && c != '\\') out += static_cast<char>(c);
    else if (c == '\\') out += "\\\\";
    else out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

std::string IsoTime(int64_t t) { return platform::UtcIsoTime(t); }

nlohmann::ordered_json SubjectToJson(const Subject& s) {
  using J = nlohmann::ordered_json;
  J chain = J::array();
  for (const auto& c : s.containers)
    chain.push_back({{"path", SafeUtf8(c.path)}, {"format", SafeUtf8(c.format)}});
  chain.push_back({{"path", SafeUtf8(s.path)}});
  return {{"kind", SubjectKindName(s.kind)},
          {"chain", std::move(chain)},
          {"display", SafeUtf8(ChainDisplay(s))}};
}

nlohmann::ordered_json FindingToJson(const Finding& f, const std::string& hostname) {
  using J = nlohmann::ordered_json;
  J j;
  j["@timestamp"] = IsoTime(std::time(nullptr));
  j["event"] = {{"kind", "alert"},
                {"category", "file"},
                {"severity", static_cast<int>(f.level)},
                {"risk_score", f.score}};
  j["host"] = {{"hostname", SafeUtf8(hostname)}};
  const Subject& sub = f.subject;
  J file = {{"path", SafeUtf8(sub.path)}, {"name", SafeUtf8(sub.name)}, {"size", sub.file.size}};
  if (sub.file.mtime != 0 || sub.file.has_owner) file["mtime"] = IsoTime(sub.file.mtime);
  if (sub.file.has_owner) {
    file["ctime"] = IsoTime(sub.file.ctime);
    file["mode"] = fmt::format("{:04o}", sub.file.mode);
    file["owner"] = SafeUtf8(sub.file.owner);
    file["inode"] = sub.file.inode;
    file["device"] = sub.file.dev;
  } else if (sub.file.mode != 0) {
    file["mode"] = fmt::format("{:04o}", sub.file.mode);
  }
  if (!f.hashes.sha256.empty())
    file["hash"] = {{"md5", f.hashes.md5}, {"sha1", f.hashes.sha1}, {"sha256", f.hashes.sha256}};
  if (!f.filetype.empty()) file["type"] = f.filetype;
  j["file"] = std::move(file);
  if (!f.reasons.empty()) j["rule"] = {{"name", SafeUtf8(f.reasons.front().name)}};
  J reasons = J::array();
  for (const auto& r : f.reasons) {
    J jr = {{"type", ReasonKindName(r.kind)},
            {"name", SafeUtf8(r.name)},
            {"score", r.score},
            {"description", SafeUtf8(r.description)},
            {"source", SafeUtf8(r.source)}};
    if (!r.remediation.empty()) jr["remediation"] = SafeUtf8(r.remediation);
    if (!r.strings.empty()) {
      J ss = J::array();
      for (const auto& s : r.strings)
        ss.push_back({{"id", SafeUtf8(s.identifier)},
                      {"offset", s.offset},
                      {"text", EscapeBytes(s.data)},
                      {"hex", HexEncode(s.data)}});
      jr["strings"] = std::move(ss);
    }
    if (!r.details.empty()) {
      J d = J::object();
      for (const auto& [k, v] : r.details) d[SafeUtf8(k)] = SafeUtf8(v);
      jr["details"] = std::move(d);
    }
    reasons.push_back(std::move(jr));
  }
  J h = {{"schema", kJsonlSchemaVersion},
         {"type", "finding"},
         {"level", LevelName(f.level)},
         {"score", f.score},
         {"reasons", std::move(reasons)}};
  h["subject"] = SubjectToJson(sub);
  if (!sub.display_root.empty() && sub.display_root != sub.host_path())
    h["display_path"] = SafeUtf8(sub.containers.empty() ? sub.display_root : ChainDisplay(sub));
  if (!IsValidUtf8(sub.path)) h["path_hex"] = HexEncode(sub.path);
  j["harrier"] = std::move(h);
  return j;
}

nlohmann::ordered_json RuleStatsToJson(const RuleStats& r) {
  using J = nlohmann::ordered_json;
  J rules = {{"yara_files", r.yara_files},
             {"yara_files_failed", r.yara_files_failed},
             {"yara_rules", r.yara_rules},
             {"hash_iocs", r.hash_iocs},
             {"filename_iocs", r.filename_iocs},
             {"c2_iocs", r.c2_iocs},
             {"fp_hashes", r.fp_hashes},
             {"ioc_lines_failed", r.ioc_lines_failed},
             {"digest", r.digest}};
  J sources = J::array();
  for (const auto& src : r.sources) sources.push_back(SafeUtf8(src));
  rules["sources"] = std::move(sources);
  return rules;
}

nlohmann::ordered_json ScanStartToJson(const ScanInfo& info) {
  using J = nlohmann::ordered_json;
  J paths = J::array();
  for (const auto& p : info.paths) paths.push_back(SafeUtf8(p));
  J j;
  j["@timestamp"] = IsoTime(info.start_time);
  j["event"] = {{"kind", "event"}, {"category", "process"}, {"action", "scan_start"}};
  j["host"] = {{"hostname", SafeUtf8(info.hostname)}};
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "scan_start"},
                  {"version", info.version},
                  {"paths", std::move(paths)},
                  {"start", IsoTime(info.start_time)},
                  {"rules", RuleStatsToJson(info.rules)}};
  return j;
}

nlohmann::ordered_json ArchiveStatsToJson(const ScanSummary& s) {
  using J = nlohmann::ordered_json;
  J skipped = J::object();
  for (size_t i = 0; i < kSkipReasonCount; ++i)
    if (s.skipped_members[i]) skipped[std::string(SkipReasonName(static_cast<SkipReason>(i)))] = s.skipped_members[i];
  return {{"containers", s.containers_opened},
          {"members_seen", s.members_seen},
          {"members_scanned", s.members_scanned},
          {"members_skipped", s.skipped_members_total()},
          {"bytes_scanned", s.member_bytes_scanned},
          {"skipped", std::move(skipped)}};
}

nlohmann::ordered_json SummaryToJson(const ScanSummary& s, const ScanInfo& info) {
  using J = nlohmann::ordered_json;
  J skipped = J::object(), skipped_dirs = J::object();
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    std::string name(SkipReasonName(static_cast<SkipReason>(i)));
    skipped[name] = s.skipped[i];
    if (s.skipped_dirs[i]) skipped_dirs[name] = s.skipped_dirs[i];
  }
  J findings = {{"notice", s.findings[1]}, {"warning", s.findings[2]}, {"alert", s.findings[3]}};
  std::string verdict(VerdictName(VerdictFor(s)));
  J rules = RuleStatsToJson(s.rules);
  J paths = J::array();
  for (const auto& p : info.paths) paths.push_back(SafeUtf8(p));
  J j;
  j["@timestamp"] = IsoTime(std::time(nullptr));
  j["event"] = {{"kind", "metric"}, {"category", "process"}};
  j["host"] = {{"hostname", SafeUtf8(info.hostname)}};
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "summary"},
                  {"version", info.version},
                  {"verdict", verdict},
                  {"exit_code", ExitCodeFor(s)},
                  {"interrupted", s.interrupted},
                  {"incomplete", s.incomplete()},
                  {"paths", std::move(paths)},
                  {"start", IsoTime(info.start_time)},
                  {"duration_s", s.duration_s},
                  {"files_seen", s.files_seen},
                  {"files_scanned", s.files_scanned},
                  {"files_from_cache", s.files_from_cache},
                  {"files_skipped", s.skipped_total()},
                  {"dirs_seen", s.dirs_seen},
                  {"bytes_scanned", s.bytes_scanned},
                  {"errors", s.errors},
                  {"skipped", std::move(skipped)},
                  {"skipped_dirs", std::move(skipped_dirs)},
                  {"archives", ArchiveStatsToJson(s)},
                  {"findings", std::move(findings)},
                  {"rules", std::move(rules)}};
  if (s.syslog.enabled)
    j["harrier"]["syslog"] = {{"sent", s.syslog.sent}, {"dropped", s.syslog.dropped}};
  return j;
}

nlohmann::ordered_json DiagnosticToJson(const Diagnostic& d) {
  nlohmann::ordered_json j;
  j["@timestamp"] = IsoTime(std::time(nullptr));
  j["event"] = {{"kind", "event"}, {"category", "process"}};
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "diagnostic"},
                  {"severity", SeverityName(d.severity)},
                  {"where", SafeUtf8(d.where)},
                  {"message", SafeUtf8(d.message)}};
  return j;
}

}  // namespace harrier
