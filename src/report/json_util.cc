#include "report/json_util.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
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

int64_t ParseIsoTime(std::string_view t) {
  int y, mo, d, h, mi, sec;
  char z = 0;
  std::string text(t);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c", &y, &mo, &d, &h, &mi, &sec, &z) != 7 ||
      z != 'Z')
    return 0;
  // Days from civil (proleptic Gregorian), no time zone database needed.
  y -= mo <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + doe - 719468;
  return days * 86400 + h * 3600 + mi * 60 + sec;
}

const OJson* JsonAt(const OJson& j, std::initializer_list<const char*> keys) {
  const OJson* cur = &j;
  for (const char* k : keys) {
    if (!cur->is_object()) return nullptr;
    auto it = cur->find(k);
    if (it == cur->end()) return nullptr;
    cur = &*it;
  }
  return cur;
}

namespace {
thread_local JsonTypeCheck* g_type_check = nullptr;
}  // namespace

JsonTypeCheck::JsonTypeCheck() { g_type_check = this; }
JsonTypeCheck::~JsonTypeCheck() { g_type_check = nullptr; }

void NoteJsonType(const OJson& v, std::initializer_list<const char*> keys, const char* expected) {
  if (!g_type_check || v.is_null()) return;  // null: the writer had no value
  std::string path;
  for (const char* k : keys) path += (path.empty() ? "" : ".") + std::string(k);
  g_type_check->problems_.push_back(
      fmt::format("{}: {} where {} was expected", path, v.type_name(), expected));
}

std::string JsonStr(const OJson& j, std::initializer_list<const char*> keys, std::string fallback) {
  const OJson* v = JsonAt(j, keys);
  if (!v) return fallback;
  if (v->is_string()) return v->get<std::string>();
  NoteJsonType(*v, keys, "a string");
  if (v->is_number() || v->is_boolean()) return v->dump();
  return fallback;
}

double JsonNum(const OJson& j, std::initializer_list<const char*> keys, double fallback) {
  const OJson* v = JsonAt(j, keys);
  if (v && !v->is_number()) NoteJsonType(*v, keys, "a number");
  return v && v->is_number() ? v->get<double>() : fallback;
}

namespace {

// Exact for integers (inode numbers above 2^53), clamped for other numbers.
uint64_t U64(const OJson& j, std::initializer_list<const char*> keys) {
  const OJson* v = JsonAt(j, keys);
  if (v && v->is_number_unsigned()) return v->get<uint64_t>();
  double d = JsonNum(j, keys, 0);
  return d > 0 && d < 1.8e19 ? static_cast<uint64_t>(d) : 0;
}

// ECS keyword fields holding numbers (file.inode, file.device, user.id)
// are strings from schema 3 on, integers before.
uint64_t U64OrText(const OJson& j, std::initializer_list<const char*> keys) {
  const OJson* v = JsonAt(j, keys);
  if (v && v->is_string()) {
    const std::string& t = v->get_ref<const std::string&>();
    char* end = nullptr;
    errno = 0;
    unsigned long long n = std::strtoull(t.c_str(), &end, 10);
    if (t.empty() || *end != '\0' || errno != 0 || t[0] == '-') {
      NoteJsonType(*v, keys, "a decimal number");
      return 0;
    }
    return n;
  }
  return U64(j, keys);
}

int ClampedInt(double d) {
  if (!(d == d)) return 0;  // NaN
  return static_cast<int>(std::clamp(d, -1e6, 1e6));
}

Level LevelFromName(std::string_view n) {
  for (Level l : {Level::kNotice, Level::kWarning, Level::kAlert})
    if (LevelName(l) == n) return l;
  return Level::kNone;
}

SubjectKind SubjectKindFromName(std::string_view n) {
  for (SubjectKind k : {SubjectKind::kFile, SubjectKind::kArchiveMember, SubjectKind::kImageEntry,
                        SubjectKind::kProcess, SubjectKind::kMemoryRegion, SubjectKind::kConnection})
    if (SubjectKindName(k) == n) return k;
  return SubjectKind::kFile;
}

void ReadSkips(const OJson* o, std::array<uint64_t, kSkipReasonCount>* out) {
  if (!o || !o->is_object()) return;
  for (size_t i = 0; i < kSkipReasonCount; ++i) {
    std::string name(SkipReasonName(static_cast<SkipReason>(i)));
    auto it = o->find(name);
    if (it != o->end() && it->is_number_unsigned()) (*out)[i] = it->get<uint64_t>();
  }
}

RuleStats RuleStatsFromJson(const OJson& j) {
  RuleStats r;
  const OJson* rules = JsonAt(j, {"harrier", "rules"});
  if (!rules) return r;
  r.yara_files = U64(*rules, {"yara_files"});
  r.yara_files_failed = U64(*rules, {"yara_files_failed"});
  r.yara_rules = U64(*rules, {"yara_rules"});
  r.hash_iocs = U64(*rules, {"hash_iocs"});
  r.filename_iocs = U64(*rules, {"filename_iocs"});
  r.c2_iocs = U64(*rules, {"c2_iocs"});
  r.fp_hashes = U64(*rules, {"fp_hashes"});
  r.fp_filters = U64(*rules, {"fp_filters"});
  r.ioc_lines_failed = U64(*rules, {"ioc_lines_failed"});
  r.digest = JsonStr(*rules, {"digest"});
  if (const OJson* src = JsonAt(*rules, {"sources"}); src && src->is_array())
    for (const auto& x : *src)
      if (x.is_string()) r.sources.push_back(x.get<std::string>());
  if (const OJson* packs = JsonAt(*rules, {"packs"}); packs && packs->is_array())
    for (const auto& x : *packs)
      if (x.is_string()) r.packs.push_back(x.get<std::string>());
  return r;
}

}  // namespace

Finding FindingFromJson(const OJson& j) {
  Finding f;
  f.host = JsonStr(j, {"host", "hostname"});
  Subject& s = f.subject;
  s.kind = SubjectKindFromName(JsonStr(j, {"harrier", "subject", "kind"}, "file"));
  s.path = JsonStr(j, {"file", "path"});
  if (std::string hex = JsonStr(j, {"harrier", "path_hex"}); !hex.empty()) {
    if (auto raw = HexDecode(hex); raw && !raw->empty()) s.path = std::move(*raw);
  }
  s.name = JsonStr(j, {"file", "name"});
  s.drive = JsonStr(j, {"harrier", "subject", "drive"});
  if (const OJson* d = JsonAt(j, {"harrier", "subject", "deleted"}); d && d->is_boolean())
    s.deleted = d->get<bool>();
  if (!s.drive.empty() && s.path.rfind(s.drive, 0) == 0) {
    // file.path holds the drive form ("C:\x"); the subject keeps the
    // volume's own path ("/x"). NTFS and FAT names hold no '\'.
    s.path.erase(0, s.drive.size());
    std::replace(s.path.begin(), s.path.end(), '\\', '/');
  }
  if (const OJson* chain = JsonAt(j, {"harrier", "subject", "chain"});
      chain && chain->is_array() && chain->size() > 1) {
    for (size_t i = 0; i + 1 < chain->size(); ++i)
      s.containers.push_back({JsonStr((*chain)[i], {"path"}), JsonStr((*chain)[i], {"format"})});
  }
  std::string display = JsonStr(j, {"harrier", "display_path"});
  if (s.containers.empty()) {
    s.display_root = display.empty() ? s.path : display;
  } else {
    // The display form of the host path is the chain display's first part.
    std::string chain_display = JsonStr(j, {"harrier", "subject", "display"});
    auto sep = chain_display.find(kChainSeparator);
    s.display_root = sep == std::string::npos ? s.containers.front().path
                                              : chain_display.substr(0, sep);
  }
  s.file.size = U64(j, {"file", "size"});
  s.file.mtime = ParseIsoTime(JsonStr(j, {"file", "mtime"}));
  s.file.has_owner = JsonAt(j, {"file", "owner"}) != nullptr;
  s.file.ctime = ParseIsoTime(JsonStr(j, {"file", "ctime"}));
  s.file.owner = JsonStr(j, {"file", "owner"});
  s.file.mode = static_cast<uint32_t>(std::strtoul(JsonStr(j, {"file", "mode"}, "0").c_str(), nullptr, 8));
  s.file.inode = U64OrText(j, {"file", "inode"});
  s.file.dev = U64OrText(j, {"file", "device"});
  if (const OJson* p = JsonAt(j, {"process"}); p && p->is_object()) {
    ProcessAttrs& a = s.process;
    a.pid = static_cast<int64_t>(U64(*p, {"pid"}));
    a.ppid = static_cast<int64_t>(U64(*p, {"parent", "pid"}));
    a.name = JsonStr(*p, {"name"});
    a.cmdline = JsonStr(*p, {"command_line"});
    a.executable = JsonStr(*p, {"executable"});
    a.start_time = ParseIsoTime(JsonStr(*p, {"start"}));
    a.user = JsonStr(j, {"user", "name"});
    a.uid = static_cast<uint32_t>(U64OrText(j, {"user", "id"}));
  }
  if (s.kind == SubjectKind::kConnection) {
    ConnectionAttrs& c = s.connection;
    c.transport = JsonStr(j, {"network", "transport"});
    c.local_ip = JsonStr(j, {"source", "ip"});
    c.local_port = static_cast<uint16_t>(U64(j, {"source", "port"}));
    c.remote_ip = JsonStr(j, {"destination", "ip"});
    c.remote_port = static_cast<uint16_t>(U64(j, {"destination", "port"}));
    c.state = JsonStr(j, {"harrier", "connection", "state"});
    c.inode = U64(j, {"harrier", "connection", "inode"});
  }
  f.hashes.md5 = JsonStr(j, {"file", "hash", "md5"});
  f.hashes.sha1 = JsonStr(j, {"file", "hash", "sha1"});
  f.hashes.sha256 = JsonStr(j, {"file", "hash", "sha256"});
  // Schema 3: the content type is harrier.file_type and file.type is ECS's
  // "file"; before, file.type held the content type.
  f.filetype = JsonStr(j, {"harrier", "file_type"});
  if (f.filetype.empty() && !JsonAt(j, {"harrier", "scan"})) f.filetype = JsonStr(j, {"file", "type"});
  f.score = JsonNum(j, {"harrier", "score"});
  f.level = LevelFromName(JsonStr(j, {"harrier", "level"}));
  if (const OJson* rs = JsonAt(j, {"harrier", "reasons"}); rs && rs->is_array()) {
    for (const auto& x : *rs) {
      Reason r;
      r.kind = ReasonKindFromName(JsonStr(x, {"type"}));
      r.name = JsonStr(x, {"name"});
      r.description = JsonStr(x, {"description"});
      r.score = ClampedInt(JsonNum(x, {"score"}));
      r.source = JsonStr(x, {"source"});
      r.remediation = JsonStr(x, {"remediation"});
      if (const OJson* ss = JsonAt(x, {"strings"}); ss && ss->is_array())
        for (const auto& h : *ss) {
          std::string data = HexDecode(JsonStr(h, {"hex"})).value_or("");
          r.strings.push_back({JsonStr(h, {"id"}), U64(h, {"offset"}), std::move(data)});
        }
      if (const OJson* ds = JsonAt(x, {"details"}); ds && ds->is_object())
        for (const auto& [k, v] : ds->items())
          r.details.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
      f.reasons.push_back(std::move(r));
    }
  }
  return f;
}

ScanInfo ScanInfoFromJson(const OJson& j) {
  ScanInfo info;
  info.version = JsonStr(j, {"harrier", "version"});
  if (info.version.empty()) info.version = JsonStr(j, {"agent", "version"});
  info.hostname = JsonStr(j, {"host", "hostname"});
  info.scan_id = JsonStr(j, {"harrier", "scan", "id"});
  platform::HostFacts& h = info.host;
  h.hostname = info.hostname;
  h.os_type = JsonStr(j, {"host", "os", "type"});
  h.os.id = JsonStr(j, {"host", "os", "platform"});
  h.os.id_like = JsonStr(j, {"host", "os", "family"});
  h.os.name = JsonStr(j, {"host", "os", "name"});
  h.os.version = JsonStr(j, {"host", "os", "version"});
  h.os.pretty_name = JsonStr(j, {"host", "os", "full"});
  h.kernel = JsonStr(j, {"host", "os", "kernel"});
  h.architecture = JsonStr(j, {"host", "architecture"});
  if (const OJson* ips = JsonAt(j, {"host", "ip"}); ips && ips->is_array())
    for (const auto& x : *ips)
      if (x.is_string()) h.ips.push_back(x.get<std::string>());
  if (const OJson* p = JsonAt(j, {"process"}); p && p->is_object()) {
    h.pid = static_cast<int>(U64(*p, {"pid"}));
    h.executable = JsonStr(*p, {"executable"});
    if (const OJson* args = JsonAt(*p, {"args"}); args && args->is_array())
      for (const auto& x : *args)
        if (x.is_string()) info.args.push_back(x.get<std::string>());
  }
  h.user = JsonStr(j, {"user", "name"});
  h.uid = static_cast<uint32_t>(U64OrText(j, {"user", "id"}));
  info.start_time = ParseIsoTime(JsonStr(j, {"harrier", "start"}));
  if (const OJson* p = JsonAt(j, {"harrier", "paths"}); p && p->is_array())
    for (const auto& x : *p)
      if (x.is_string()) info.paths.push_back(x.get<std::string>());
  info.rules = RuleStatsFromJson(j);
  return info;
}

ScanSummary SummaryFromJson(const OJson& j) {
  ScanSummary s;
  s.files_seen = U64(j, {"harrier", "files_seen"});
  s.files_scanned = U64(j, {"harrier", "files_scanned"});
  s.files_from_cache = U64(j, {"harrier", "files_from_cache"});
  s.bytes_scanned = U64(j, {"harrier", "bytes_scanned"});
  s.dirs_seen = U64(j, {"harrier", "dirs_seen"});
  ReadSkips(JsonAt(j, {"harrier", "skipped"}), &s.skipped);
  ReadSkips(JsonAt(j, {"harrier", "skipped_dirs"}), &s.skipped_dirs);
  s.containers_opened = U64(j, {"harrier", "archives", "containers"});
  s.members_seen = U64(j, {"harrier", "archives", "members_seen"});
  s.members_scanned = U64(j, {"harrier", "archives", "members_scanned"});
  s.member_bytes_scanned = U64(j, {"harrier", "archives", "bytes_scanned"});
  ReadSkips(JsonAt(j, {"harrier", "archives", "skipped"}), &s.skipped_members);
  s.images.opened = U64(j, {"harrier", "images", "opened"});
  s.images.failed = U64(j, {"harrier", "images", "failed"});
  s.images.volumes = U64(j, {"harrier", "images", "volumes"});
  s.images.filesystems = U64(j, {"harrier", "images", "filesystems"});
  ReadSkips(JsonAt(j, {"harrier", "images", "volumes_skipped"}), &s.images.skipped_volumes);
  s.images.entries_seen = U64(j, {"harrier", "images", "entries_seen"});
  s.images.entries_scanned = U64(j, {"harrier", "images", "entries_scanned"});
  s.images.entry_bytes_scanned = U64(j, {"harrier", "images", "bytes_scanned"});
  s.images.deleted_scanned = U64(j, {"harrier", "images", "deleted_scanned"});
  ReadSkips(JsonAt(j, {"harrier", "images", "skipped"}), &s.images.skipped_entries);
  s.errors = U64(j, {"harrier", "errors"});
  s.findings[1] = U64(j, {"harrier", "findings", "notice"});
  s.findings[2] = U64(j, {"harrier", "findings", "warning"});
  s.findings[3] = U64(j, {"harrier", "findings", "alert"});
  s.suppressed.by_filter = U64(j, {"harrier", "suppressed", "by_filter"});
  s.suppressed.by_allowlist = U64(j, {"harrier", "suppressed", "by_allowlist"});
  s.suppressed.reasons = U64(j, {"harrier", "suppressed", "reasons"});
  s.duration_s = JsonNum(j, {"harrier", "duration_s"});
  const OJson* intr = JsonAt(j, {"harrier", "interrupted"});
  s.interrupted = intr && intr->is_boolean() && intr->get<bool>();
  s.rules = RuleStatsFromJson(j);
  if (const OJson* l = JsonAt(j, {"harrier", "live"}); l && l->is_object()) {
    LiveSummary& v = s.live;
    auto flag = [&](const char* k) {
      const OJson* b = JsonAt(*l, {k});
      return b && b->is_boolean() && b->get<bool>();
    };
    v.processes = flag("processes");
    v.memory = flag("memory");
    v.network = flag("network");
    v.processes_seen = U64(*l, {"processes_seen"});
    v.processes_scanned = U64(*l, {"processes_scanned"});
    ReadSkips(JsonAt(*l, {"skipped"}), &v.skipped);
    v.exited = U64(*l, {"exited"});
    v.executables = U64(*l, {"executables"});
    v.regions = U64(*l, {"regions"});
    v.regions_skipped = U64(*l, {"regions_skipped"});
    v.memory_bytes = U64(*l, {"memory_bytes"});
    v.connections = U64(*l, {"connections"});
    v.connections_unmapped = U64(*l, {"connections_unmapped"});
    v.namespaces = U64(*l, {"namespaces"});
    v.namespaces_skipped = U64(*l, {"namespaces_skipped"});
    v.hosts_entries = U64(*l, {"hosts_entries"});
    v.duration_s = JsonNum(*l, {"duration_s"});
  }
  if (const OJson* oe = JsonAt(j, {"harrier", "output_errors"}); oe && oe->is_array())
    for (const auto& e : *oe)
      if (e.is_string()) s.output_errors.push_back(e.get<std::string>());
  if (const OJson* sl = JsonAt(j, {"harrier", "syslog"}); sl && sl->is_object()) {
    s.syslog.enabled = true;
    s.syslog.sent = U64(*sl, {"sent"});
    s.syslog.dropped = U64(*sl, {"dropped"});
  }
  return s;
}

Diagnostic DiagnosticFromJson(const OJson& j) {
  Diagnostic d;
  std::string sev = JsonStr(j, {"harrier", "severity"});
  d.severity = sev == "info"      ? Diagnostic::Severity::kInfo
               : sev == "warning" ? Diagnostic::Severity::kWarning
                                  : Diagnostic::Severity::kError;
  d.where = JsonStr(j, {"harrier", "where"});
  d.message = JsonStr(j, {"harrier", "message"});
  return d;
}

namespace {

using J = nlohmann::ordered_json;

// ECS host.os.family: the first distribution the release says it is like
// ("rhel fedora" -> "rhel"), else its own id.
std::string OsFamily(const platform::OsRelease& os) {
  std::string like = os.id_like.substr(0, os.id_like.find(' '));
  return like.empty() ? os.id : like;
}

J HostToJson(const ScanInfo& info, const std::string& hostname) {
  const platform::HostFacts& h = info.host;
  J host = {{"name", SafeUtf8(hostname)}, {"hostname", SafeUtf8(hostname)}};
  J os = J::object();
  if (!h.os_type.empty()) os["type"] = SafeUtf8(h.os_type);
  if (std::string fam = OsFamily(h.os); !fam.empty()) os["family"] = SafeUtf8(fam);
  if (!h.os.name.empty()) os["name"] = SafeUtf8(h.os.name);
  if (!h.os.version.empty()) os["version"] = SafeUtf8(h.os.version);
  if (!h.os.pretty_name.empty()) os["full"] = SafeUtf8(h.os.pretty_name);
  if (!h.os.id.empty()) os["platform"] = SafeUtf8(h.os.id);
  if (!h.kernel.empty()) os["kernel"] = SafeUtf8(h.kernel);
  if (!os.empty()) host["os"] = std::move(os);
  if (!h.architecture.empty()) host["architecture"] = SafeUtf8(h.architecture);
  if (!h.ips.empty()) {
    J ips = J::array();
    for (const auto& ip : h.ips) ips.push_back(SafeUtf8(ip));
    host["ip"] = std::move(ips);
  }
  return host;
}

// The fields every line of a scan starts with after @timestamp: ecs and
// (after the caller's event) agent and host.
void PutAgentAndHost(J& j, const ScanInfo& info, const std::string& hostname) {
  J agent = {{"type", "harrier"}};
  if (!info.version.empty()) agent["version"] = info.version;
  j["agent"] = std::move(agent);
  j["host"] = HostToJson(info, hostname);
}

// harrier.scan: which scan a line belongs to.
J ScanRefToJson(const ScanInfo& info) {
  J s = J::object();
  if (!info.scan_id.empty()) s["id"] = info.scan_id;
  if (info.start_time != 0) s["start"] = IsoTime(info.start_time);
  if (!info.rules.digest.empty()) s["rules_digest"] = info.rules.digest;
  return s;
}

J Event(const char* kind, std::initializer_list<const char*> categories,
        std::initializer_list<const char*> types, const char* action) {
  J cat = J::array(), type = J::array();
  for (const char* c : categories) cat.push_back(c);
  for (const char* t : types) type.push_back(t);
  return {{"kind", kind}, {"category", std::move(cat)}, {"type", std::move(type)},
          {"action", action}, {"module", "harrier"}, {"dataset", "harrier.scan"}};
}

bool AllOf(std::string_view s, std::string_view chars) {
  return !s.empty() && s.find_first_not_of(chars) == std::string_view::npos;
}

// ECS threat.indicator.* of an IOC reason (hash, file name, C2 value).
J IndicatorToJson(const Reason& r) {
  J ind = J::object();
  std::string value = SafeUtf8(r.name);
  switch (r.kind) {
    case ReasonKind::kHash: {
      const char* algo = r.name.size() == 32 ? "md5" : r.name.size() == 40 ? "sha1" : "sha256";
      ind["type"] = "file";
      ind["file"] = {{"hash", {{algo, value}}}};
      break;
    }
    case ReasonKind::kFilename:
      ind["type"] = "file";
      break;
    case ReasonKind::kC2: {
      // An address, a network in CIDR form (ECS ip fields hold single
      // addresses: the network stays in name only), a URL or a domain.
      std::string_view addr = std::string_view(value).substr(0, value.find('/'));
      bool cidr = addr.size() < value.size() && AllOf(std::string_view(value).substr(addr.size() + 1), "0123456789");
      if (std::count(addr.begin(), addr.end(), '.') == 3 && AllOf(addr, "0123456789.")) {
        ind["type"] = "ipv4-addr";
        if (!cidr) ind["ip"] = value;
      } else if (addr.find(':') != std::string_view::npos && AllOf(addr, "0123456789abcdefABCDEF:.")) {
        ind["type"] = "ipv6-addr";
        if (!cidr) ind["ip"] = value;
      } else if (value.find('/') != std::string::npos) {
        ind["type"] = "url";
        ind["url"] = {{"original", value}};
      } else {
        ind["type"] = "domain-name";
        ind["url"] = {{"domain", value}};
      }
      break;
    }
    default:
      return ind;
  }
  ind["name"] = value;
  if (!r.description.empty()) ind["description"] = SafeUtf8(r.description);
  if (!r.source.empty()) ind["provider"] = SafeUtf8(r.source);
  return ind;
}

// ECS file.extension: the lowercase text after the name's last dot (not a
// leading one), when it is short enough to be an extension.
std::string Extension(std::string_view name) {
  size_t dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size() || name.size() - dot > 17)
    return "";
  std::string ext;
  for (char c : name.substr(dot + 1)) ext += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

}  // namespace

nlohmann::ordered_json SubjectToJson(const Subject& s) {
  using J = nlohmann::ordered_json;
  J chain = J::array();
  for (const auto& c : s.containers)
    chain.push_back({{"path", SafeUtf8(c.path)}, {"format", SafeUtf8(c.format)}});
  chain.push_back({{"path", SafeUtf8(s.path)}});
  J j = {{"kind", SubjectKindName(s.kind)},
         {"chain", std::move(chain)},
         {"display", SafeUtf8(ChainDisplay(s))}};
  if (!s.drive.empty()) j["drive"] = SafeUtf8(s.drive);
  if (s.deleted) j["deleted"] = true;
  return j;
}

nlohmann::ordered_json FindingToJson(const Finding& f, const ScanInfo& info) {
  using J = nlohmann::ordered_json;
  const Subject& sub = f.subject;
  const char* category = sub.kind == SubjectKind::kConnection ? "network"
                         : sub.process.pid != 0               ? "process"
                                                              : "file";
  J j;
  j["@timestamp"] = IsoTime(std::time(nullptr));
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("alert", {"intrusion_detection", category}, {"info"}, "finding");
  j["event"]["severity"] = static_cast<int>(f.level);
  j["event"]["risk_score"] = f.score;
  PutAgentAndHost(j, info, f.host.empty() ? info.hostname : f.host);
  J file = {{"path", SafeUtf8(PresentedPath(sub))}, {"name", SafeUtf8(sub.name)}, {"type", "file"},
            {"size", sub.file.size}};
  if (std::string ext = Extension(sub.name); !ext.empty()) file["extension"] = SafeUtf8(ext);
  if (sub.file.mtime != 0 || sub.file.has_owner) file["mtime"] = IsoTime(sub.file.mtime);
  if (sub.file.has_owner) {
    file["ctime"] = IsoTime(sub.file.ctime);
    file["mode"] = fmt::format("{:04o}", sub.file.mode);
    file["owner"] = SafeUtf8(sub.file.owner);
    file["inode"] = std::to_string(sub.file.inode);
    file["device"] = std::to_string(sub.file.dev);
  } else if (sub.file.mode != 0) {
    file["mode"] = fmt::format("{:04o}", sub.file.mode);
  }
  if (!f.hashes.sha256.empty())
    file["hash"] = {{"md5", f.hashes.md5}, {"sha1", f.hashes.sha1}, {"sha256", f.hashes.sha256}};
  j["file"] = std::move(file);
  if (const ProcessAttrs& p = sub.process; p.pid != 0) {
    j["process"] = {{"pid", p.pid},
                    {"parent", {{"pid", p.ppid}}},
                    {"name", SafeUtf8(p.name)},
                    {"command_line", SafeUtf8(p.cmdline)},
                    {"executable", SafeUtf8(p.executable)},
                    {"start", IsoTime(p.start_time)}};
    j["user"] = {{"id", std::to_string(p.uid)}, {"name", SafeUtf8(p.user)}};
  }
  if (sub.kind == SubjectKind::kConnection) {
    const ConnectionAttrs& c = sub.connection;
    j["network"] = {{"transport", c.transport}};
    j["source"] = {{"ip", c.local_ip}, {"port", c.local_port}};
    j["destination"] = {{"ip", c.remote_ip}, {"port", c.remote_port}};
  }
  if (!f.reasons.empty()) {
    const Reason& top = f.reasons.front();
    j["rule"] = {{"name", SafeUtf8(top.name)}};
    if (!top.description.empty()) j["rule"]["description"] = SafeUtf8(top.description);
  }
  // The strongest IOC match (reasons are sorted by score) as an ECS indicator.
  for (const auto& r : f.reasons) {
    J ind = IndicatorToJson(r);
    if (ind.empty()) continue;
    j["threat"] = {{"indicator", std::move(ind)}};
    break;
  }
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
         {"scan", ScanRefToJson(info)},
         {"level", LevelName(f.level)},
         {"score", f.score},
         {"reasons", std::move(reasons)}};
  if (!f.filetype.empty()) h["file_type"] = f.filetype;
  h["subject"] = SubjectToJson(sub);
  if (sub.kind == SubjectKind::kConnection)
    h["connection"] = {{"state", sub.connection.state}, {"inode", sub.connection.inode}};
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
             {"fp_filters", r.fp_filters},
             {"ioc_lines_failed", r.ioc_lines_failed},
             {"digest", r.digest}};
  J sources = J::array();
  for (const auto& src : r.sources) sources.push_back(SafeUtf8(src));
  rules["sources"] = std::move(sources);
  if (!r.packs.empty()) {
    J packs = J::array();
    for (const auto& id : r.packs) packs.push_back(SafeUtf8(id));
    rules["packs"] = std::move(packs);
  }
  return rules;
}

nlohmann::ordered_json ScanStartToJson(const ScanInfo& info) {
  using J = nlohmann::ordered_json;
  J paths = J::array();
  for (const auto& p : info.paths) paths.push_back(SafeUtf8(p));
  J j;
  j["@timestamp"] = IsoTime(info.start_time);
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("event", {"process"}, {"start"}, "scan_start");
  j["event"]["start"] = IsoTime(info.start_time);
  PutAgentAndHost(j, info, info.hostname);
  // The scanning process and its user (ECS process.*, user.*).
  if (info.host.pid != 0 || !info.args.empty()) {
    J args = J::array();
    std::string cmd;
    for (const auto& a : info.args) {
      args.push_back(SafeUtf8(a));
      cmd += (cmd.empty() ? "" : " ") + SafeUtf8(a);
    }
    J proc = {{"pid", info.host.pid}};
    if (!info.host.executable.empty()) proc["executable"] = SafeUtf8(info.host.executable);
    proc["command_line"] = cmd;
    proc["args"] = std::move(args);
    proc["args_count"] = info.args.size();
    j["process"] = std::move(proc);
    j["user"] = {{"id", std::to_string(info.host.uid)}, {"name", SafeUtf8(info.host.user)}};
  }
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "scan_start"},
                  {"scan", ScanRefToJson(info)},
                  {"version", info.version},
                  {"paths", std::move(paths)},
                  {"start", IsoTime(info.start_time)},
                  {"rules", RuleStatsToJson(info.rules)}};
  return j;
}

namespace {
// Skip counts by reason name, only the non-zero ones (ReadSkips reads them back).
nlohmann::ordered_json NonZeroSkipsToJson(const std::array<uint64_t, kSkipReasonCount>& counts) {
  nlohmann::ordered_json o = nlohmann::ordered_json::object();
  for (size_t i = 0; i < kSkipReasonCount; ++i)
    if (counts[i]) o[std::string(SkipReasonName(static_cast<SkipReason>(i)))] = counts[i];
  return o;
}
}  // namespace

nlohmann::ordered_json ArchiveStatsToJson(const ScanSummary& s) {
  nlohmann::ordered_json skipped = NonZeroSkipsToJson(s.skipped_members);
  return {{"containers", s.containers_opened},
          {"members_seen", s.members_seen},
          {"members_scanned", s.members_scanned},
          {"members_skipped", s.skipped_members_total()},
          {"bytes_scanned", s.member_bytes_scanned},
          {"skipped", std::move(skipped)}};
}

nlohmann::ordered_json ImageStatsToJson(const ScanSummary& s) {
  const auto& skips = NonZeroSkipsToJson;
  const ScanSummary::Images& im = s.images;
  return {{"opened", im.opened},
          {"failed", im.failed},
          {"volumes", im.volumes},
          {"filesystems", im.filesystems},
          {"volumes_skipped", skips(im.skipped_volumes)},
          {"entries_seen", im.entries_seen},
          {"entries_scanned", im.entries_scanned},
          {"entries_skipped", im.skipped_entries_total()},
          {"bytes_scanned", im.entry_bytes_scanned},
          {"deleted_scanned", im.deleted_scanned},
          {"skipped", skips(im.skipped_entries)}};
}

nlohmann::ordered_json SummaryToJson(const ScanSummary& s, const ScanInfo& info) {
  using J = nlohmann::ordered_json;
  // Every reason of the files (a stable set of keys); the rest only non-zero.
  J skipped = J::object();
  for (size_t i = 0; i < kSkipReasonCount; ++i)
    skipped[std::string(SkipReasonName(static_cast<SkipReason>(i)))] = s.skipped[i];
  J skipped_dirs = NonZeroSkipsToJson(s.skipped_dirs);
  J findings = {{"notice", s.findings[1]}, {"warning", s.findings[2]}, {"alert", s.findings[3]}};
  std::string verdict(VerdictName(VerdictFor(s)));
  J rules = RuleStatsToJson(s.rules);
  J paths = J::array();
  for (const auto& p : info.paths) paths.push_back(SafeUtf8(p));
  J j;
  int64_t now = std::time(nullptr);
  j["@timestamp"] = IsoTime(now);
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("event", {"process"}, {"end"}, "summary");
  if (info.start_time != 0) j["event"]["start"] = IsoTime(info.start_time);
  j["event"]["end"] = IsoTime(now);
  j["event"]["duration"] = static_cast<int64_t>(s.duration_s * 1e9);  // ECS: nanoseconds
  PutAgentAndHost(j, info, info.hostname);
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "summary"},
                  {"scan", ScanRefToJson(info)},
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
                  {"suppressed", {{"by_filter", s.suppressed.by_filter},
                                  {"by_allowlist", s.suppressed.by_allowlist},
                                  {"reasons", s.suppressed.reasons}}},
                  {"rules", std::move(rules)}};
  if (s.images.opened || s.images.failed || s.images.entries_seen)
    j["harrier"]["images"] = ImageStatsToJson(s);
  if (const LiveSummary& l = s.live; l.ran()) {
    J lskipped = NonZeroSkipsToJson(l.skipped);
    j["harrier"]["live"] = {{"processes", l.processes},
                            {"memory", l.memory},
                            {"network", l.network},
                            {"processes_seen", l.processes_seen},
                            {"processes_scanned", l.processes_scanned},
                            {"processes_skipped", l.skipped_total()},
                            {"skipped", std::move(lskipped)},
                            {"exited", l.exited},
                            {"executables", l.executables},
                            {"regions", l.regions},
                            {"regions_skipped", l.regions_skipped},
                            {"memory_bytes", l.memory_bytes},
                            {"connections", l.connections},
                            {"connections_unmapped", l.connections_unmapped},
                            {"namespaces", l.namespaces},
                            {"namespaces_skipped", l.namespaces_skipped},
                            {"hosts_entries", l.hosts_entries},
                            {"duration_s", l.duration_s}};
  }
  if (s.syslog.enabled)
    j["harrier"]["syslog"] = {{"sent", s.syslog.sent}, {"dropped", s.syslog.dropped}};
  if (!s.output_errors.empty()) {
    J errs = J::array();
    for (const auto& e : s.output_errors) errs.push_back(SafeUtf8(e));
    j["harrier"]["output_errors"] = std::move(errs);
  }
  return j;
}

nlohmann::ordered_json DiagnosticToJson(const Diagnostic& d, const ScanInfo& info) {
  nlohmann::ordered_json j;
  j["@timestamp"] = IsoTime(std::time(nullptr));
  j["ecs"] = {{"version", kEcsVersion}};
  j["event"] = Event("event", {"process"},
                     {d.severity == Diagnostic::Severity::kError ? "error" : "info"}, "diagnostic");
  PutAgentAndHost(j, info, info.hostname);
  j["harrier"] = {{"schema", kJsonlSchemaVersion},
                  {"type", "diagnostic"},
                  {"scan", ScanRefToJson(info)},
                  {"severity", SeverityName(d.severity)},
                  {"where", SafeUtf8(d.where)},
                  {"message", SafeUtf8(d.message)}};
  return j;
}

}  // namespace harrier
