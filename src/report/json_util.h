// Conversions shared by the machine-readable reporters: safe text for bytes
// from a hostile machine, and the JSON objects of the documented schema
// (docs/report-format.md).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/finding.h"
#include "report/reporter.h"

namespace harrier {

using OJson = nlohmann::ordered_json;

// Valid UTF-8 passes through; every byte of an invalid sequence becomes the
// text "\xNN". Control characters are kept (JSON escapes them).
std::string SafeUtf8(std::string_view bytes);
bool IsValidUtf8(std::string_view bytes);

// Printable ASCII as is, other bytes as \xNN: for matched string data.
std::string EscapeBytes(std::string_view bytes);

// 3: ECS alignment: every line carries ecs.version, agent.*, host.* (with
// os, kernel, addresses) and harrier.scan (id, start, signature digest);
// event.category/type are arrays; file.type is "file" and the detected
// content type moved to harrier.file_type; file.inode/device are strings;
// IOC matches carry threat.indicator.*. 2: findings carry harrier.subject
// (kind, container chain, display); a member's file.path is its path inside
// its container. (docs/report-format.md, "Schema versions").
constexpr int kJsonlSchemaVersion = 3;
// The ECS version whose field meanings the JSONL follows.
inline constexpr const char* kEcsVersion = "8.11.0";

// The first object of a JSONL stream: who scanned what with which
// signatures (harrier.type "scan_start"). Lets `harrier report` render a
// stream whose summary is missing (scan killed).
nlohmann::ordered_json ScanStartToJson(const ScanInfo& info);
nlohmann::ordered_json RuleStatsToJson(const RuleStats& r);
nlohmann::ordered_json SubjectToJson(const Subject& s);
nlohmann::ordered_json ArchiveStatsToJson(const ScanSummary& s);
// The disk-image part of the summary (harrier.images; only when images were read).
nlohmann::ordered_json ImageStatsToJson(const ScanSummary& s);
// Every line of a scan carries `info`'s context (ecs, agent, host,
// harrier.scan). A finding read back from a report keeps its own host name
// (Finding::host) when it has one.
nlohmann::ordered_json FindingToJson(const Finding& f, const ScanInfo& info);
nlohmann::ordered_json SummaryToJson(const ScanSummary& s, const ScanInfo& info);
nlohmann::ordered_json DiagnosticToJson(const Diagnostic& d, const ScanInfo& info);

std::string IsoTime(int64_t epoch_seconds);
// Seconds since the epoch of an IsoTime text; 0 when it is not one.
int64_t ParseIsoTime(std::string_view text);

// Schema accessors that never throw: a missing key or a wrong type gives
// the fallback (input may be any JSON).
const OJson* JsonAt(const OJson& j, std::initializer_list<const char*> keys);
std::string JsonStr(const OJson& j, std::initializer_list<const char*> keys,
                    std::string fallback = "");
double JsonNum(const OJson& j, std::initializer_list<const char*> keys, double fallback = 0);

// While one is alive on a thread, JsonStr and JsonNum (and the readers built
// on them) record every value that is present but of the wrong type ("harrier.score: a
// string, expected a number") instead of coercing it silently; `harrier
// report` reports them per line. Not nestable.
class JsonTypeCheck {
 public:
  JsonTypeCheck();
  ~JsonTypeCheck();
  JsonTypeCheck(const JsonTypeCheck&) = delete;
  JsonTypeCheck& operator=(const JsonTypeCheck&) = delete;
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  friend void NoteJsonType(const OJson&, std::initializer_list<const char*>, const char*);
  std::vector<std::string> problems_;
};

// The typed model back from the JSONL objects (schema 1 to 3), for
// `harrier report`: the reporters render what they read exactly as they
// render a live scan. Lenient: missing fields keep their defaults; texts
// stay as written (invalid bytes were written as "\xNN"), except a path
// given as path_hex, which is restored byte for byte.
Finding FindingFromJson(const OJson& j);
ScanInfo ScanInfoFromJson(const OJson& j);       // a scan_start or summary object
ScanSummary SummaryFromJson(const OJson& j);
Diagnostic DiagnosticFromJson(const OJson& j);

}  // namespace harrier
