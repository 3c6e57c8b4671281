// Incident packs: one folder per incident, holding everything Harrier knows
// about it, so the next incident is a new folder and a test, not new code.
//
//   PACK/pack.json     manifest (format below)
//   PACK/iocs/         hash / filename / C2 / keyword IOC files (loader.h)
//   PACK/yara/         YARA rules
//   PACK/checks/       native-check data (src/checks/check_data.h): product
//                      inventories, package advisories with affected and
//                      fixed versions, signer facts
//
// A signature folder with a `packs/` subfolder loads every PACK below it
// (sorted by name); a folder with its own pack.json is one pack. Both load
// through the same code as a signature-base folder.
//
// pack.json: JSON with // comments:
//   {"format": 1, "id": "xz-cve-2024-3094", "title": "...", "summary": "...",
//    "published": "YYYY-MM-DD", "remediation": "...",
//    "sources": ["KEY: title, URL", ...]}
// id: [a-z0-9._-]{1,64}; title and remediation required; the rest optional.
// The remediation is the default for the pack's IOC and YARA reasons strong
// enough to make an Alert (sub-score above ScoreOptions::alert_sub); a rule's
// own `remediation` meta or a check's text wins.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier {

struct IncidentPack {
  std::string id, title, summary, published, remediation;
  std::vector<std::string> sources;
  std::string folder;  // canonical path of the pack folder
};

inline constexpr std::string_view kPackManifest = "pack.json";
inline constexpr uint64_t kMaxPackManifestBytes = 1 << 20;

// Parses a manifest; `path` names it in errors. Unknown keys are ignored
// (newer packs load on older Harrier); a wrong type or a missing required
// key is an InvalidArgument naming the key.
Result<IncidentPack> ParsePackManifest(std::string_view text, const std::string& path);

// The pack whose folder holds `source` (a signature's "file:line" or a YARA
// rule file path); nullptr when none does.
const IncidentPack* PackOfSource(const std::vector<IncidentPack>& packs, std::string_view source);

}  // namespace harrier
