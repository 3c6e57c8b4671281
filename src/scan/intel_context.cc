#include "scan/intel_context.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "signatures/c2_indicator.h"

namespace harrier {
namespace {

using namespace std::string_view_literals;

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string LowerCopy(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = Lower(c);
  return o;
}

bool StartsWithCI(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (size_t i = 0; i < p.size(); ++i)
    if (Lower(s[i]) != Lower(p[i])) return false;
  return true;
}

bool EndsWithCI(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && StartsWithCI(s.substr(s.size() - p.size()), p);
}

bool ContainsCI(std::string_view s, std::string_view p) {
  if (p.empty()) return true;
  for (size_t i = 0; i + p.size() <= s.size(); ++i)
    if (StartsWithCI(s.substr(i), p)) return true;
  return false;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsHexChar(char c) { return IsDigit(c) || (Lower(c) >= 'a' && Lower(c) <= 'f'); }

// Splits off the next whitespace-separated token.
std::string_view NextToken(std::string_view& s) {
  size_t i = 0;
  while (i < s.size() && IsSpace(s[i])) ++i;
  size_t j = i;
  while (j < s.size() && !IsSpace(s[j])) ++j;
  std::string_view t = s.substr(i, j - i);
  s.remove_prefix(j);
  return t;
}

bool IsIpv4(std::string_view s) {
  int parts = 0;
  size_t i = 0;
  while (i <= s.size()) {
    size_t j = i;
    while (j < s.size() && IsDigit(s[j])) ++j;
    if (j == i || j - i > 3) return false;
    ++parts;
    if (j == s.size()) break;
    if (s[j] != '.') return false;
    i = j + 1;
  }
  return parts == 4;
}

// A domain name with at least one dot and a letter in its last label.
bool IsDomain(std::string_view s) {
  if (s.size() < 4 || s.size() > 253 || s.find('.') == std::string_view::npos) return false;
  if (s.front() == '.' || s.front() == '-') return false;
  for (char c : s)
    if (!(IsAlpha(c) || IsDigit(c) || c == '-' || c == '.' || c == '_')) return false;
  std::string_view tld = s.substr(s.rfind('.') + 1);
  if (tld.size() < 2) return false;
  for (char c : tld)
    if (!IsAlpha(c)) return false;
  return true;
}

bool IsHashWord(std::string_view s) {
  if (s.size() != 32 && s.size() != 40 && s.size() != 64) return false;
  return std::all_of(s.begin(), s.end(), IsHexChar);
}

// The value written as one indicator: domain (optionally with a leading '.'
// or "*." as block lists write it), IPv4 (optionally with /CIDR), URL,
// hex digest, defanged forms ("evil[.]com", "hxxp://").
bool IsIndicatorShaped(std::string_view v) {
  v = Trim(v);
  if (v.size() >= 2 && (v.front() == '"' || v.front() == '\'') && v.back() == v.front())
    v = v.substr(1, v.size() - 2);
  if (v.empty()) return false;
  std::string s = LowerCopy(v);
  for (auto [from, to] : {std::pair{"[.]"sv, "."sv}, {"(.)"sv, "."sv}, {"[:]"sv, ":"sv}}) {
    for (size_t p; (p = s.find(from)) != std::string::npos;) s.replace(p, from.size(), to);
  }
  if (s.rfind("hxxp", 0) == 0) s.replace(0, 4, "http");
  if (s.find("://") != std::string::npos) {
    size_t k = s.find("://");
    return k > 0 && std::all_of(s.begin(), s.begin() + static_cast<long>(k), IsAlpha) &&
           s.size() > k + 3 && s.find(' ') == std::string::npos;
  }
  if (IsHashWord(s)) return true;
  if (s.rfind("*.", 0) == 0) s.erase(0, 2);
  if (!s.empty() && s.front() == '.') s.erase(0, 1);
  if (size_t slash = s.find('/'); slash != std::string::npos) {
    std::string_view host(s.data(), slash), rest(s.data() + slash + 1, s.size() - slash - 1);
    if (IsIpv4(host) && !rest.empty() && std::all_of(rest.begin(), rest.end(), IsDigit)) return true;
    return IsDomain(host) && rest.find(' ') == std::string_view::npos;  // domain/path
  }
  if (size_t colon = s.rfind(':'); colon != std::string::npos && IsIpv4(std::string_view(s).substr(0, colon)))
    return true;  // ip:port
  return IsIpv4(s) || IsDomain(s);
}

// A line of an IOC list: the first field (up to ';', ',' or '|') is one
// indicator-shaped value and the rest are fields (score, description); or a
// signature-base line "VALUE;SCORE[;...]" whose value is a regex or path.
bool IsListLine(std::string_view line) {
  line = Trim(line);
  // adblock form ||x^
  if (line.size() > 3 && line.substr(0, 2) == "||") {
    line.remove_prefix(2);
    if (size_t caret = line.find('^'); caret != std::string_view::npos) line = line.substr(0, caret);
  }
  size_t cut = line.find_first_of(";,|");
  std::string_view first = Trim(line.substr(0, cut));
  if (first.find_first_of(" \t") == std::string_view::npos && IsIndicatorShaped(first)) return true;
  if (cut != std::string_view::npos && line[cut] == ';' && cut > 0) {
    std::string_view rest = line.substr(cut + 1);
    size_t next = rest.find(';');
    std::string_view score = Trim(rest.substr(0, next));
    if (!score.empty() && score.front() == '-') score.remove_prefix(1);
    if (!score.empty() && score.size() <= 3 && std::all_of(score.begin(), score.end(), IsDigit))
      return true;
  }
  return false;
}

bool IsCommentLine(std::string_view t) {
  return t.empty() || t[0] == '#' || t[0] == ';' || t.substr(0, 2) == "//" || t[0] == '!';
}

template <typename F>
void ForEachLine(std::string_view text, F f) {
  size_t i = 0;
  while (i < text.size()) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    if (!f(text.substr(i, e - i))) return;
    i = e + 1;
  }
}

size_t CountYaraRuleHeaders(std::string_view text) {
  size_t n = 0;
  ForEachLine(text, [&](std::string_view line) {
    std::string_view s = line;
    std::string_view t = NextToken(s);
    while (t == "private" || t == "global") t = NextToken(s);
    if (t != "rule") return true;
    std::string_view name = NextToken(s);
    if (name.empty() || !(IsAlpha(name[0]) || name[0] == '_')) return true;
    // "rule Name {", "rule Name : tags {", "rule Name" with '{' on the next line
    ++n;
    return true;
  });
  return n;
}

bool HasLineStartingWith(std::string_view text, std::string_view prefix) {
  bool found = false;
  ForEachLine(text, [&](std::string_view line) {
    if (StartsWithCI(line, prefix)) found = true;
    return !found;
  });
  return found;
}

size_t CountSuricataRules(std::string_view text) {
  size_t n = 0;
  ForEachLine(text, [&](std::string_view line) {
    std::string_view s = Trim(line);
    for (auto action : {"alert "sv, "drop "sv, "reject "sv, "pass "sv}) {
      if (StartsWithCI(s, action) && ContainsCI(s, "msg:") && ContainsCI(s, "sid:")) {
        ++n;
        break;
      }
    }
    return true;
  });
  return n;
}

// The first line's fields, lowercased and trimmed of quotes.
std::vector<std::string> CsvHeaderFields(std::string_view text) {
  std::string_view first = text.substr(0, text.find('\n'));
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= first.size()) {
    size_t j = first.find_first_of(",\t", i);
    if (j == std::string_view::npos) j = first.size();
    std::string f = LowerCopy(Trim(first.substr(i, j - i)));
    if (f.size() >= 2 && f.front() == '"' && f.back() == '"') f = f.substr(1, f.size() - 2);
    out.push_back(f);
    i = j + 1;
  }
  return out;
}

MaterialVerdict Material(MaterialKind k, std::string evidence) {
  return MaterialVerdict{k, std::move(evidence)};
}

bool IsSinkAddress(std::string_view a) {
  a = Trim(a);
  if (a == "0.0.0.0" || a == "::" || a == "::1" || a == "0:0:0:0:0:0:0:0" ||
      a == "0:0:0:0:0:0:0:1")
    return true;
  return a.substr(0, 4) == "127." && IsIpv4(a);
}

// The line without a trailing "# comment".
std::string_view StripHashComment(std::string_view line) {
  size_t h = line.find('#');
  return h == std::string_view::npos ? line : line.substr(0, h);
}

bool SameHost(std::string_view a, std::string_view b) {
  while (!a.empty() && a.back() == '.') a.remove_suffix(1);
  while (!b.empty() && b.back() == '.') b.remove_suffix(1);
  if (a.size() >= 2 && a.substr(0, 2) == "*.") a.remove_prefix(2);
  if (!a.empty() && a.front() == '.') a.remove_prefix(1);
  if (a.size() < b.size()) return false;
  // a equals b or is a subdomain of it
  if (!EndsWithCI(a, b)) return false;
  return a.size() == b.size() || a[a.size() - b.size() - 1] == '.';
}

// Does text hold "http_access deny [!]x ... NAME" (or another deny directive
// naming the ACL)?
bool SquidDeniesAcl(std::string_view text, std::string_view acl) {
  bool found = false;
  ForEachLine(text, [&](std::string_view line) {
    std::string_view s = StripHashComment(line);
    std::string_view d = NextToken(s);
    if (!(d == "http_access" || d == "http_reply_access" || d == "ssl_bump" ||
          d == "miss_access" || d == "always_direct" || d == "never_direct"))
      return true;
    std::string_view action = NextToken(s);
    if (!(action == "deny" || action == "terminate")) return true;
    for (std::string_view t = NextToken(s); !t.empty(); t = NextToken(s)) {
      if (t == acl) {
        found = true;
        return false;
      }
    }
    return true;
  });
  return found;
}

}  // namespace

std::string_view MaterialKindName(MaterialKind k) {
  switch (k) {
    case MaterialKind::kNone: return "none";
    case MaterialKind::kYaraRules: return "yara_rules";
    case MaterialKind::kDetectionRules: return "detection_rules";
    case MaterialKind::kIocList: return "ioc_list";
    case MaterialKind::kIntelExport: return "intel_export";
    case MaterialKind::kHarrierReport: return "harrier_report";
    case MaterialKind::kCollection: return "indicator_collection";
  }
  return "none";
}

bool IsExecutableType(std::string_view t) {
  return t == "EXE" || t == "ELF" || t == "MACH-O";
}

bool IsActivityRecord(std::string_view name, std::string_view path, std::string_view filetype) {
  if (filetype == "SQLITE" || filetype == "EVTX") return true;
  std::string n = LowerCopy(name);
  if (n.find("history") != std::string::npos) return true;  // .bash_history, History, fish_history
  if (n == "hosts" || n == "places.sqlite" || n == "cookies" || n == "web data" ||
      n == "syslog" || n == "messages" || n == "auth.log" || n == "secure" || n == "wtmp" ||
      n == "access_log" || n == "error_log" || n == "lastlog")
    return true;
  // Mail stores (a received message is something that reached the host).
  if (n == "mbox" || n == "inbox") return true;
  for (auto ext : {".log"sv, ".journal"sv, ".pcap"sv, ".pcapng"sv, ".evtx"sv, ".sqlite"sv,
                   ".db"sv, ".eml"sv, ".mbox"sv, ".msg"sv})
    if (EndsWithCI(n, ext)) return true;
  // rotated logs: x.log.1, x.log.2.gz
  if (n.find(".log.") != std::string::npos) return true;
  std::string p = LowerCopy(path);
  for (char& c : p)
    if (c == '\\') c = '/';
  for (auto dir : {"/log/"sv, "/logs/"sv, "/journal/"sv})
    if (p.find(dir) != std::string::npos) return true;
  return false;
}

bool IsProseLine(std::string_view line) {
  // Markdown code spans are neither words nor code signals: drop them.
  std::string text;
  bool in_code = false;
  for (char c : line) {
    if (c == '`') {
      in_code = !in_code;
      text.push_back(' ');
    } else if (!in_code) {
      text.push_back(c);
    }
  }
  std::string_view rest = text;
  // Quote, list and heading markers, and a list number ("3." "3)").
  for (;;) {
    rest = Trim(rest);
    if (!rest.empty() && std::string_view(">-*+#|").find(rest[0]) != std::string_view::npos) {
      rest.remove_prefix(1);
      continue;
    }
    size_t d = 0;
    while (d < rest.size() && IsDigit(rest[d])) ++d;
    if (d > 0 && d < 4 && d + 1 < rest.size() && (rest[d] == '.' || rest[d] == ')') &&
        IsSpace(rest[d + 1])) {
      rest.remove_prefix(d + 1);
      continue;
    }
    break;
  }
  static constexpr std::string_view kMonths[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                                 "jul", "aug", "sep", "oct", "nov", "dec"};
  size_t tokens = 0, words = 0;
  bool first = true;
  while (!rest.empty()) {
    std::string_view t = NextToken(rest);
    if (t.empty()) break;
    ++tokens;
    // A log line: a leading date, time, address or epoch ("2023-03-29",
    // "10:11:12", "29/03", "10.0.0.5", "1679999999"), '[' or syslog month;
    // a time anywhere.
    if (first) {
      size_t d = 0;
      while (d < t.size() && IsDigit(t[d])) ++d;
      if (t[0] == '[' || d >= 9) return false;
      if (d > 0 && d <= 4 && d + 1 < t.size() &&
          std::string_view("-/.:").find(t[d]) != std::string_view::npos && IsDigit(t[d + 1]))
        return false;
      for (auto m : kMonths)
        if (t.size() == 3 && LowerCopy(t) == m) return false;
    }
    first = false;
    for (size_t i = 0; i + 8 <= t.size(); ++i)
      if (IsDigit(t[i]) && IsDigit(t[i + 1]) && t[i + 2] == ':' && IsDigit(t[i + 3]) &&
          IsDigit(t[i + 4]) && t[i + 5] == ':' && IsDigit(t[i + 6]) && IsDigit(t[i + 7]))
        return false;
    // Code, commands and configuration: shell operators, options,
    // assignments, calls, blocks.
    if (t == "|" || t == "||" || t == "&&" || t == ">" || t == ">>" || t == "<" || t == "<<" ||
        t == "2>" || t == "{" || t == "}" || t.substr(0, 2) == "$(" || t.substr(0, 2) == "${")
      return false;
    if (t.size() > 1 && t[0] == '-' && (IsAlpha(t[1]) || t[1] == '-')) return false;
    if (t.find('=') != std::string_view::npos || t.find("();") != std::string_view::npos)
      return false;
    for (size_t i = 1; i < t.size(); ++i)
      if (t[i] == '(' && (IsAlpha(t[i - 1]) || IsDigit(t[i - 1]) || t[i - 1] == '_'))
        return false;
    // A word: letters (inner '-' or '\'' allowed) once surrounding
    // punctuation is stripped.
    size_t b = 0, e = t.size();
    while (b < e && std::string_view("([{\"'*_").find(t[b]) != std::string_view::npos) ++b;
    while (e > b && (std::string_view(")]}\"'.,;:!?*_").find(t[e - 1]) != std::string_view::npos ||
                     static_cast<unsigned char>(t[e - 1]) >= 0x80))
      --e;
    std::string_view w = t.substr(b, e - b);
    bool word = w.size() >= 2 && IsAlpha(w.front()) && IsAlpha(w.back());
    for (char c : w) word = word && (IsAlpha(c) || c == '-' || c == '\'');
    if (word) ++words;
  }
  return words >= 6 && words * 2 >= tokens;
}

MaterialVerdict DetectMaterialSyntax(std::span<const uint8_t> data, const ContextOptions& opts) {
  std::string_view text(reinterpret_cast<const char*>(data.data()),
                        std::min(data.size(), opts.max_syntax_bytes));
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::string_view head = text.substr(0, 4096);

  // Harrier's own reports.
  if (head.find("<meta name=\"generator\" content=\"harrier ") != std::string_view::npos)
    return Material(MaterialKind::kHarrierReport, "Harrier HTML report (generator meta tag)");
  if (head.rfind("host,level,score,path,size,sha256,md5,reasons", 0) == 0)
    return Material(MaterialKind::kHarrierReport, "Harrier CSV report (header line)");
  {
    std::string_view first = head.substr(0, head.find('\n'));
    if (first.substr(0, 2) == "{\"" && first.find("\"harrier\":") != std::string_view::npos &&
        first.find("\"type\":") != std::string_view::npos)
      return Material(MaterialKind::kHarrierReport, "Harrier JSONL report (harrier record on line 1)");
    if (StartsWithCI(first, "Harrier ") && first.find(": scanning ") != std::string_view::npos &&
        head.find("\nSignatures: ") != std::string_view::npos)
      return Material(MaterialKind::kHarrierReport, "Harrier text report (header lines)");
  }

  // Rule sources.
  if (size_t rules = CountYaraRuleHeaders(text);
      rules > 0 && text.find("condition:") != std::string_view::npos)
    return Material(MaterialKind::kYaraRules,
                   fmt::format("YARA rule syntax: {} rule header(s) and a condition", rules));
  if (HasLineStartingWith(text, "title:") && HasLineStartingWith(text, "logsource:") &&
      HasLineStartingWith(text, "detection:"))
    return Material(MaterialKind::kDetectionRules, "Sigma rule syntax (title, logsource, detection)");
  if (size_t n = CountSuricataRules(text); n > 0)
    return Material(MaterialKind::kDetectionRules,
                   fmt::format("Suricata/Snort rule syntax: {} rule(s) with msg and sid", n));

  // Exports.
  if (ContainsCI(head, "\"type\": \"bundle\"") || ContainsCI(head, "\"type\":\"bundle\"") ||
      ((text.find("\"type\": \"indicator\"") != std::string_view::npos ||
        text.find("\"type\":\"indicator\"") != std::string_view::npos) &&
       text.find("\"pattern\"") != std::string_view::npos))
    return Material(MaterialKind::kIntelExport, "STIX 2 JSON (bundle / indicator objects)");
  if (ContainsCI(head, "<stix:STIX_Package") || ContainsCI(head, "xmlns:stix=") ||
      ContainsCI(head, "<indicator:Indicator"))
    return Material(MaterialKind::kIntelExport, "STIX 1 XML");
  if (ContainsCI(head, "schemas.mandiant.com/2010/ioc") ||
      (ContainsCI(head, "<ioc ") && ContainsCI(text, "<IndicatorItem")))
    return Material(MaterialKind::kIntelExport, "OpenIOC XML");
  if ((text.find("\"Attribute\"") != std::string_view::npos ||
       text.find("\"Object\"") != std::string_view::npos) &&
      text.find("\"Event\"") != std::string_view::npos &&
      text.find("\"to_ids\"") != std::string_view::npos)
    return Material(MaterialKind::kIntelExport, "MISP event JSON (Event, Attribute, to_ids)");
  {
    auto fields = CsvHeaderFields(head);
    auto has = [&](std::initializer_list<std::string_view> names) {
      for (const auto& f : fields)
        for (auto n : names)
          if (f == n) return true;
      return false;
    };
    if (fields.size() >= 2 && has({"to_ids", "event_id"}) && has({"value"}))
      return Material(MaterialKind::kIntelExport, "MISP CSV export (header: value, to_ids/event_id)");
    if (fields.size() >= 2 &&
        has({"indicator", "ioc", "value", "observable", "indicator_value", "ioc_value", "pattern"}) &&
        has({"type", "indicator_type", "ioc_type", "category", "kind", "threat_type"}))
      return Material(MaterialKind::kIntelExport, "IOC CSV export (header names indicator and type columns)");
  }

  // IOC-list syntax.
  size_t lines = 0, list = 0;
  ForEachLine(text, [&](std::string_view line) {
    std::string_view t = Trim(line);
    if (IsCommentLine(t)) return true;
    ++lines;
    if (IsListLine(t)) ++list;
    return true;
  });
  if (list >= opts.min_list_lines &&
      static_cast<double>(list) >= opts.list_line_fraction * static_cast<double>(lines))
    return Material(MaterialKind::kIocList,
                   fmt::format("IOC-list syntax: {} of {} lines are one indicator (with optional "
                               "score/description fields)",
                               list, lines));
  return {};
}

std::string BlockingContext(std::string_view line, std::string_view indicator,
                            std::string_view text) {
  std::string_view s = Trim(line);
  if (s.empty() || s[0] == '#') return "";
  std::string_view body = StripHashComment(s);

  // hosts: "0.0.0.0 a b c"
  {
    std::string_view rest = body;
    std::string_view addr = NextToken(rest);
    if (IsSinkAddress(addr)) {
      for (std::string_view h = NextToken(rest); !h.empty(); h = NextToken(rest))
        if (SameHost(h, indicator)) return "hosts sinkhole";
    }
  }
  // dnsmasq: address=/a/b/0.0.0.0, local=/a/, server=/a/
  for (auto key : {"address=/"sv, "local=/"sv, "server=/"sv}) {
    if (!StartsWithCI(body, key)) continue;
    std::string_view rest = body.substr(key.size());
    size_t last = rest.rfind('/');
    if (last == std::string_view::npos) break;
    std::string_view domains = rest.substr(0, last), target = Trim(rest.substr(last + 1));
    bool sink = key == "address=/"sv ? (target.empty() || IsSinkAddress(target)) : target.empty();
    if (!sink) break;
    size_t i = 0;
    while (i <= domains.size()) {
      size_t j = domains.find('/', i);
      if (j == std::string_view::npos) j = domains.size();
      if (SameHost(domains.substr(i, j - i), indicator)) return "dnsmasq " + std::string(key.substr(0, key.size() - 2));
      i = j + 1;
    }
    break;
  }
  // Unbound: local-zone: "x." always_nxdomain / local-data: "x. A 0.0.0.0"
  if (StartsWithCI(body, "local-zone:")) {
    std::string rest = LowerCopy(body.substr(11));
    for (char& c : rest)
      if (c == '"') c = ' ';
    std::string_view r = rest;
    std::string_view zone = NextToken(r), type = NextToken(r);
    for (auto t : {"always_nxdomain"sv, "always_refuse"sv, "always_null"sv, "refuse"sv, "deny"sv,
                   "static"sv, "inform_deny"sv, "always_deny"sv})
      if (type == t && SameHost(zone, indicator)) return "unbound local-zone";
  }
  if (StartsWithCI(body, "local-data:")) {
    std::string rest = LowerCopy(body.substr(11));
    for (char& c : rest)
      if (c == '"' || c == '\'') c = ' ';
    std::string_view r = rest;
    std::string_view name = NextToken(r);
    std::string_view t = NextToken(r);
    if (!t.empty() && std::all_of(t.begin(), t.end(), IsDigit)) t = NextToken(r);
    if (t == "in") t = NextToken(r);
    if ((t == "a" || t == "aaaa") && IsSinkAddress(NextToken(r)) && SameHost(name, indicator))
      return "unbound local-data";
  }
  // RPZ / zone file: "x CNAME ." / "*.x CNAME *." / "x CNAME rpz-drop." / "x A 0.0.0.0"
  {
    std::string_view r = body;
    std::string_view name = NextToken(r);
    std::string_view t = NextToken(r);
    if (!t.empty() && std::all_of(t.begin(), t.end(), IsDigit)) t = NextToken(r);
    if (t == "IN" || t == "in") t = NextToken(r);
    if (SameHost(name, indicator)) {
      std::string_view target = NextToken(r);
      if ((t == "CNAME" || t == "cname") &&
          (target == "." || target == "*." || StartsWithCI(target, "rpz-drop.") ||
           StartsWithCI(target, "rpz-nxdomain.") || StartsWithCI(target, "rpz-nodata.")))
        return "rpz";
      if ((t == "A" || t == "a" || t == "AAAA" || t == "aaaa") && IsSinkAddress(target)) return "rpz";
    }
  }
  // squid: acl NAME dstdomain .x, used by http_access deny NAME
  {
    std::string_view r = body;
    if (NextToken(r) == "acl") {
      std::string_view name = NextToken(r);
      std::string_view type = NextToken(r);
      if ((type == "dstdomain" || type == "dstdom_regex" || type == "url_regex" || type == "dst" ||
           type == "ssl::server_name" || type == "ssl::server_name_regex") &&
          ContainsCI(r, indicator) && SquidDeniesAcl(text, name))
        return "squid deny acl";
    }
  }
  // firewall rules
  {
    std::string l = LowerCopy(body);
    bool drop = l.find("-j drop") != std::string::npos || l.find("-j reject") != std::string::npos ||
                l.find("--jump drop") != std::string::npos ||
                l.find("--jump reject") != std::string::npos ||
                l.find("-action block") != std::string::npos;
    bool nft = (l.find("daddr") != std::string::npos || l.find("saddr") != std::string::npos) &&
               (l.find(" drop") != std::string::npos || l.find(" reject") != std::string::npos);
    bool ufw = l.find("ufw ") != std::string::npos &&
               (l.find(" deny ") != std::string::npos || l.find(" reject ") != std::string::npos);
    bool route = (l.find("route add") != std::string::npos &&
                  (l.find("blackhole") != std::string::npos ||
                   l.find("unreachable") != std::string::npos ||
                   l.find("prohibit") != std::string::npos || l.find(" reject") != std::string::npos));
    if (drop || nft || ufw || route) return "firewall drop rule";
  }
  // adblock / uBlock: ||x^
  if (body.substr(0, 2) == "||") {
    std::string_view host = body.substr(2);
    size_t end = host.find_first_of("^/$");
    if (SameHost(host.substr(0, end), indicator)) return "adblock filter";
  }
  return "";
}

void ApplyIntelContext(Finding& f, const ContextInput& in,
                       const std::function<bool(const std::string&)>& known_hash,
                       const ContextOptions& opts) {
  if (!opts.enabled || in.data.empty() || IsExecutableType(in.filetype)) return;
  size_t content_reasons = 0;
  for (const auto& r : f.reasons)
    if ((r.kind == ReasonKind::kC2 || r.kind == ReasonKind::kYara) && r.score > 0) ++content_reasons;
  if (content_reasons == 0) return;

  const bool activity = IsActivityRecord(in.name, in.path, in.filetype);
  // Keyword IOCs (installer names, from IOC files named *keyword*) are traces
  // only in activity records; elsewhere (docs, source code, notes) a
  // mention is counted, not scored.
  if (!activity) {
    std::vector<std::string> mentioned;
    for (auto& r : f.reasons) {
      if (r.kind != ReasonKind::kC2 || r.score <= 0) continue;
      std::string_view src = r.source;
      std::string_view file = src.substr(0, src.rfind(':'));
      file = file.substr(file.find_last_of("/\\") == std::string_view::npos ? 0 : file.find_last_of("/\\") + 1);
      if (LowerCopy(file).find("keyword") == std::string::npos) continue;
      r.details.emplace_back("context", "keyword outside a log or history: not scored");
      r.details.emplace_back("original_score", std::to_string(r.score));
      r.score = 0;
      mentioned.push_back(r.name);
    }
    if (!mentioned.empty()) {
      Reason k;
      k.kind = ReasonKind::kCheck;
      k.name = "context.keyword_mention";
      k.score = opts.blocked_score;
      k.description = fmt::format(
          "{} installer / file-name keyword(s) mentioned outside a log or history ({}): a "
          "mention, not a trace",
          mentioned.size(), fmt::join(mentioned, ", "));
      k.details.emplace_back("keywords", fmt::format("{}", fmt::join(mentioned, ", ")));
      f.reasons.push_back(std::move(k));
    }
    content_reasons = 0;
    for (const auto& r : f.reasons)
      if ((r.kind == ReasonKind::kC2 || r.kind == ReasonKind::kYara) && r.score > 0) ++content_reasons;
    if (content_reasons == 0) return;
  }
  MaterialVerdict mv;
  std::set<std::string> c2_names;
  for (const auto& r : f.reasons)
    if (r.kind == ReasonKind::kC2) c2_names.insert(LowerCopy(r.name));
  if (!activity) {
    mv = DetectMaterialSyntax(in.data, opts);
    if (mv.kind == MaterialKind::kNone && c2_names.size() < opts.min_indicators) {
      // Count the hash IOC values written in the text too.
      auto hashes = KnownHashStrings(in.data, known_hash, opts.min_indicators);
      if (c2_names.size() + hashes.size() >= opts.min_indicators)
        mv = Material(MaterialKind::kCollection,
                     fmt::format("{} distinct loaded indicators in one document ({} C2, {} hash "
                                 "values; threshold {})",
                                 c2_names.size() + hashes.size(), c2_names.size(), hashes.size(),
                                 opts.min_indicators));
    } else if (mv.kind == MaterialKind::kNone) {
      mv = Material(MaterialKind::kCollection,
                   fmt::format("{} distinct C2 indicators in one document (threshold {})",
                               c2_names.size(), opts.min_indicators));
    }
  }

  if (mv.kind != MaterialKind::kNone) {
    // Fold every C2 and YARA reason into one Notice.
    std::vector<Reason> kept;
    std::vector<std::string> c2, yara;
    int max_folded = 0;
    for (auto& r : f.reasons) {
      if (r.kind == ReasonKind::kC2 || r.kind == ReasonKind::kYara) {
        (r.kind == ReasonKind::kC2 ? c2 : yara).push_back(r.name);
        max_folded = std::max(max_folded, r.score);
      } else {
        kept.push_back(std::move(r));
      }
    }
    auto hashes = KnownHashStrings(in.data, known_hash);
    size_t n = c2.size() + hashes.size();
    Reason m;
    m.kind = ReasonKind::kCheck;
    m.name = "context.indicator_list";
    m.score = opts.material_score;
    m.description = fmt::format(
        "indicator list / signature file: {} indicators ({}) — it names indicators, it does not "
        "run them; a Notice, not an infection",
        n + yara.size(), mv.evidence);
    m.remediation =
        "None if this is intel material kept on purpose (an IOC list, rules, an export, a report). "
        "If it is not, read it: a file that collects indicators on a host nobody analyses is "
        "worth a look.";
    m.details.emplace_back("material", std::string(MaterialKindName(mv.kind)));
    m.details.emplace_back("evidence", mv.evidence);
    m.details.emplace_back("c2_indicators", std::to_string(c2.size()));
    m.details.emplace_back("hash_values", std::to_string(hashes.size()));
    m.details.emplace_back("yara_rules", std::to_string(yara.size()));
    m.details.emplace_back("highest_folded_score", std::to_string(max_folded));
    auto sample = [](const std::vector<std::string>& v) {
      std::string s;
      for (size_t i = 0; i < v.size() && i < 10; ++i) s += (i ? ", " : "") + v[i];
      if (v.size() > 10) s += fmt::format(", … ({} more)", v.size() - 10);
      return s;
    };
    if (!c2.empty()) m.details.emplace_back("c2_sample", sample(c2));
    if (!yara.empty()) m.details.emplace_back("yara_sample", sample(yara));
    kept.push_back(std::move(m));
    f.reasons = std::move(kept);
    return;
  }

  // Blocking contexts, per C2 indicator: every place it occurs as ASCII text
  // must be a blocking line (a wide occurrence is never one).
  std::string_view text(reinterpret_cast<const char*>(in.data.data()), in.data.size());
  // Then, outside activity records, prose: every place that is not a
  // blocking line must be a sentence (an analyst's note, documentation).
  std::vector<std::string> blocked, mentioned;
  std::string contexts;
  int max_blocked = 0, max_mentioned = 0;
  for (auto& r : f.reasons) {
    if (r.kind != ReasonKind::kC2 || r.score <= 0) continue;
    std::vector<C2Match> matches;
    FindC2Matches(r.name, in.data, 256, &matches);
    if (matches.empty() || matches.size() >= 256) continue;
    std::string ctx;
    bool all = true, prose = false;
    for (const auto& m : matches) {
      if (m.length != r.name.size()) {  // wide
        all = false;
        break;
      }
      size_t b = text.rfind('\n', m.offset);
      b = b == std::string_view::npos ? 0 : b + 1;
      size_t e = text.find('\n', m.offset);
      if (e == std::string_view::npos) e = text.size();
      if (e - b > 4096) {
        all = false;
        break;
      }
      std::string c = BlockingContext(text.substr(b, e - b), r.name, text);
      if (c.empty() && !activity && IsProseLine(text.substr(b, e - b))) {
        prose = true;
        continue;
      }
      if (c.empty()) {
        all = false;
        break;
      }
      if (ctx.empty()) ctx = c;
    }
    if (!all) continue;
    if (prose) {
      r.details.emplace_back("context", "mentioned in prose");
      r.details.emplace_back("original_score", std::to_string(r.score));
      r.description += " [mentioned in sentences of a document: a mention, not a trace]";
      max_mentioned = std::max(max_mentioned, r.score);
      r.score = 0;
      mentioned.push_back(r.name);
      continue;
    }
    r.details.emplace_back("context", "blocked: " + ctx);
    r.details.emplace_back("original_score", std::to_string(r.score));
    r.description += " [in a blocking context (" + ctx + "): evidence of defence, not of compromise]";
    max_blocked = std::max(max_blocked, r.score);
    r.score = 0;
    blocked.push_back(r.name);
    if (contexts.find(ctx) == std::string::npos) contexts += (contexts.empty() ? "" : ", ") + ctx;
  }
  if (!mentioned.empty()) {
    Reason m;
    m.kind = ReasonKind::kCheck;
    m.name = "context.prose_mention";
    m.score = opts.mention_score;
    m.description = fmt::format(
        "{} C2 indicator(s) mentioned only in sentences of a document ({}): notes or "
        "documentation about the incident, not a trace of contact",
        mentioned.size(), fmt::join(mentioned, ", "));
    m.remediation =
        "None if these are notes, a report or documentation kept on purpose. If nobody here "
        "should write about this incident, read the document.";
    m.details.emplace_back("mentioned", fmt::format("{}", fmt::join(mentioned, ", ")));
    m.details.emplace_back("highest_mentioned_score", std::to_string(max_mentioned));
    f.reasons.push_back(std::move(m));
  }
  if (blocked.empty()) return;
  Reason b;
  b.kind = ReasonKind::kCheck;
  b.name = "context.blocked_indicator";
  b.score = opts.blocked_score;
  b.description = fmt::format(
      "{} C2 indicator(s) appear only in blocking rules ({}): this host blocks them — evidence of "
      "defence, not of compromise",
      blocked.size(), contexts);
  b.remediation =
      "Nothing to do for the block itself. Check that the block is still wanted and look for the "
      "indicators elsewhere (histories, logs) to learn whether it came before or after contact.";
  b.details.emplace_back("blocked", fmt::format("{}", fmt::join(blocked, ", ")));
  b.details.emplace_back("contexts", contexts);
  b.details.emplace_back("highest_blocked_score", std::to_string(max_blocked));
  f.reasons.push_back(std::move(b));
}

}  // namespace harrier
