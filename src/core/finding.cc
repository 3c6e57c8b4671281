#include "core/finding.h"

#include <algorithm>
#include <cctype>

namespace harrier {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kNone: return "none";
    case Level::kNotice: return "notice";
    case Level::kWarning: return "warning";
    case Level::kAlert: return "alert";
  }
  return "none";
}

std::string_view LevelLabel(Level level) {
  switch (level) {
    case Level::kNone: return "CLEAN";
    case Level::kNotice: return "NOTICE";
    case Level::kWarning: return "WARNING";
    case Level::kAlert: return "ALERT";
  }
  return "CLEAN";
}

std::string_view SkipReasonName(SkipReason r) {
  switch (r) {
    case SkipReason::kSize: return "size";
    case SkipReason::kType: return "type";
    case SkipReason::kExcluded: return "excluded";
    case SkipReason::kPermission: return "permission";
    case SkipReason::kSpecialFile: return "special_file";
    case SkipReason::kSymlink: return "symlink";
    case SkipReason::kPseudoFs: return "pseudo_fs";
    case SkipReason::kOtherFs: return "other_fs";
    case SkipReason::kNetworkFs: return "network_fs";
    case SkipReason::kTimeout: return "timeout";
    case SkipReason::kError: return "error";
    case SkipReason::kEncrypted: return "encrypted";
    case SkipReason::kUnsupported: return "unsupported";
    case SkipReason::kCorrupt: return "corrupt";
    case SkipReason::kDepth: return "depth";
    case SkipReason::kRatio: return "ratio";
    case SkipReason::kLimit: return "limit";
    case SkipReason::kUnrecoverable: return "unrecoverable";
    case SkipReason::kVanished: return "vanished";
    case SkipReason::kCount: break;
  }
  return "unknown";
}

std::string_view ReasonKindName(ReasonKind k) {
  switch (k) {
    case ReasonKind::kHash: return "hash";
    case ReasonKind::kFilename: return "filename";
    case ReasonKind::kYara: return "yara";
    case ReasonKind::kC2: return "c2";
    case ReasonKind::kCheck: return "check";
  }
  return "yara";
}

ReasonKind ReasonKindFromName(std::string_view name) {
  for (ReasonKind k : {ReasonKind::kHash, ReasonKind::kFilename, ReasonKind::kYara,
                       ReasonKind::kC2, ReasonKind::kCheck})
    if (ReasonKindName(k) == name) return k;
  return ReasonKind::kYara;
}

std::string_view SubjectKindName(SubjectKind k) {
  switch (k) {
    case SubjectKind::kFile: return "file";
    case SubjectKind::kArchiveMember: return "archive_member";
    case SubjectKind::kImageEntry: return "image_entry";
    case SubjectKind::kProcess: return "process";
    case SubjectKind::kMemoryRegion: return "memory_region";
    case SubjectKind::kConnection: return "connection";
  }
  return "file";
}

std::string SkipCountsText(const std::array<uint64_t, kSkipReasonCount>& counts) {
  std::string out;
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    if (!counts[i]) continue;
    if (!out.empty()) out += ", ";
    out += std::to_string(counts[i]) + " " + std::string(SkipReasonName(static_cast<SkipReason>(i)));
  }
  return out;
}

std::vector<std::string> UrlsIn(std::string_view text) {
  std::vector<std::string> out;
  auto ends = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '"' || c == '\'' || c == '<' ||
           c == '>' || c == ';';
  };
  for (size_t p = 0; p < text.size();) {
    size_t a = text.find("http", p);
    if (a == std::string_view::npos) break;
    std::string_view rest = text.substr(a);
    size_t scheme = rest.starts_with("https://") ? 8 : rest.starts_with("http://") ? 7 : 0;
    if (scheme == 0 || (a > 0 && std::isalnum(static_cast<unsigned char>(text[a - 1])))) {
      p = a + 4;
      continue;
    }
    size_t e = scheme;
    while (e < rest.size() && !ends(rest[e])) ++e;
    while (e > scheme && std::string_view(".,)]").find(rest[e - 1]) != std::string_view::npos) --e;
    if (e > scheme) {
      std::string url(rest.substr(0, e));
      if (std::find(out.begin(), out.end(), url) == out.end()) out.push_back(std::move(url));
    }
    p = a + std::max<size_t>(e, 1);
  }
  return out;
}

std::vector<std::string> ReferencesFromMeta(std::string_view value) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!value.empty() && space(value.front())) value.remove_prefix(1);
  while (!value.empty() && space(value.back())) value.remove_suffix(1);
  if (value.empty()) return {};
  // Only URLs and separators: the URLs; anything else (a citation such as
  // "intel notes 7.4: SB, ELA"): the value as written.
  std::vector<std::string> urls = UrlsIn(value);
  std::string rest(value);
  for (const auto& u : urls)
    for (size_t p; (p = rest.find(u)) != std::string::npos;) rest.erase(p, u.size());
  bool only_urls = !urls.empty() && std::all_of(rest.begin(), rest.end(), [&](char c) {
    return space(c) || c == ',' || c == ';';
  });
  if (only_urls) return urls;
  return {std::string(value)};
}

std::string PresentedPath(const Subject& s) {
  if (s.drive.empty()) return s.path;
  std::string out = s.drive + s.path;
  std::replace(out.begin(), out.end(), '/', '\\');
  return out;
}
namespace {
std::string ProcessDisplay(const Subject& s) {
  std::string exe = s.process.executable.empty() ? s.path : s.process.executable;
  return "process " + std::to_string(s.process.pid) + (exe.empty() ? "" : " " + exe);
}
std::string Endpoint(const std::string& ip, uint16_t port) {
  return (ip.find(':') != std::string::npos ? "[" + ip + "]" : ip) + ":" + std::to_string(port);
}
}  // namespace

std::string ChainDisplay(const Subject& s) {
  switch (s.kind) {
    case SubjectKind::kProcess: return ProcessDisplay(s);
    case SubjectKind::kMemoryRegion: return "memory of " + ProcessDisplay(s);
    case SubjectKind::kConnection: {
      const ConnectionAttrs& c = s.connection;
      std::string out = "connection " + c.transport + " " + Endpoint(c.local_ip, c.local_port) +
                        " -> " + Endpoint(c.remote_ip, c.remote_port);
      if (s.process.pid != 0) out += " of " + ProcessDisplay(s);
      return out;
    }
    default: break;
  }
  if (s.containers.empty()) return s.display_root.empty() ? s.path : s.display_root;
  std::string out = s.display_root.empty() ? s.containers.front().path : s.display_root;
  for (size_t i = 1; i < s.containers.size(); ++i)
    out.append(kChainSeparator).append(s.containers[i].path);
  out.append(kChainSeparator).append(PresentedPath(s));
  return out;
}

std::string ChainRaw(const Subject& s) {
  std::string out;
  for (const auto& c : s.containers) out.append(c.path).append(kChainSeparator);
  return out + s.path;
}

uint64_t ScanSummary::skipped_total() const {
  uint64_t t = 0;
  for (auto v : skipped) t += v;
  return t;
}

uint64_t ScanSummary::skipped_members_total() const {
  uint64_t t = 0;
  for (auto v : skipped_members) t += v;
  return t;
}

uint64_t LiveSummary::skipped_total() const {
  uint64_t t = 0;
  for (auto v : skipped) t += v;
  return t;
}

bool ScanSummary::incomplete() const {
  auto gap = [](const std::array<uint64_t, kSkipReasonCount>& a) {
    return a[static_cast<size_t>(SkipReason::kPermission)] > 0 ||
           a[static_cast<size_t>(SkipReason::kTimeout)] > 0 ||
           a[static_cast<size_t>(SkipReason::kError)] > 0;
  };
  auto image_gap = [&](const std::array<uint64_t, kSkipReasonCount>& a) {
    return gap(a) || a[static_cast<size_t>(SkipReason::kCorrupt)] > 0 ||
           a[static_cast<size_t>(SkipReason::kUnsupported)] > 0 ||
           a[static_cast<size_t>(SkipReason::kEncrypted)] > 0;
  };
  return interrupted || errors > 0 || gap(skipped) || gap(skipped_dirs) || gap(skipped_members) ||
         image_gap(images.skipped_entries) || image_gap(images.skipped_volumes) ||
         gap(live.skipped);
}

uint64_t ScanSummary::Images::skipped_entries_total() const {
  uint64_t t = 0;
  for (auto v : skipped_entries) t += v;
  return t;
}

Verdict VerdictFor(const ScanSummary& s) {
  if (s.findings[static_cast<size_t>(Level::kAlert)] > 0) return Verdict::kAlert;
  if (s.findings[static_cast<size_t>(Level::kWarning)] > 0) return Verdict::kWarning;
  if (s.incomplete()) return Verdict::kIncomplete;
  return Verdict::kClean;
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kClean: return "clean";
    case Verdict::kIncomplete: return "incomplete";
    case Verdict::kWarning: return "warning";
    case Verdict::kAlert: return "alert";
  }
  return "incomplete";
}

Verdict VerdictFromName(std::string_view name) {
  for (Verdict v : {Verdict::kClean, Verdict::kIncomplete, Verdict::kWarning, Verdict::kAlert})
    if (VerdictName(v) == name) return v;
  return Verdict::kIncomplete;
}

int ExitCodeFor(Verdict v) {
  switch (v) {
    case Verdict::kAlert:
    case Verdict::kWarning: return kExitFindings;
    case Verdict::kIncomplete: return kExitIncomplete;
    case Verdict::kClean: return kExitClean;
  }
  return kExitIncomplete;
}

int ExitCodeFor(const ScanSummary& s) { return ExitCodeFor(VerdictFor(s)); }

}  // namespace harrier
