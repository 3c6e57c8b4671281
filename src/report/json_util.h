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

// Valid UTF-8 passes through; every byte of an invalid sequence becomes the
// text "\xNN". Control characters are kept (JSON escapes them).
std::string SafeUtf8(std::string_view bytes);
bool IsValidUtf8(std::string_view bytes);

// Printable ASCII as is, other bytes as \xNN: for matched string data.
std::string EscapeBytes(std::string_view bytes);

// 2: findings carry harrier.subject (kind, container chain, display); a
// member's file.path is its path inside its container. The summary carries
// harrier.archives. (docs/report-format.md, "Schema versions").
constexpr int kJsonlSchemaVersion = 2;

// The first object of a JSONL stream: who scanned what with which
// signatures (harrier.type "scan_start"). Lets `harrier report` render a
// stream whose summary is missing (scan killed).
nlohmann::ordered_json ScanStartToJson(const ScanInfo& info);
nlohmann::ordered_json RuleStatsToJson(const RuleStats& r);
nlohmann::ordered_json SubjectToJson(const Subject& s);
nlohmann::ordered_json ArchiveStatsToJson(const ScanSummary& s);
nlohmann::ordered_json FindingToJson(const Finding& f, const std::string& hostname);
nlohmann::ordered_json SummaryToJson(const ScanSummary& s, const ScanInfo& info);
nlohmann::ordered_json DiagnosticToJson(const Diagnostic& d);

std::string IsoTime(int64_t epoch_seconds);

}  // namespace harrier
