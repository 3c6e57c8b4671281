#include "update/manifest.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace harrier {

bool IsValidSetId(std::string_view id) {
  if (id.empty() || id.size() > 128 || id == "." || id == "..") return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

bool IsSha256Hex(std::string_view hex) {
  if (hex.size() != 64) return false;
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::string ManifestToJson(const SetManifest& m) {
  nlohmann::ordered_json j;
  j["format"] = kManifestFormat;
  j["id"] = m.id;
  j["source"] = m.source;
  j["sha256"] = m.sha256;
  j["archive_bytes"] = m.archive_bytes;
  j["fetched_at"] = m.fetched_at;
  j["verified"] = m.verified;
  j["top_folder"] = m.top_folder;
  j["yara_files"] = m.yara_files;
  j["yara_files_failed"] = m.yara_files_failed;
  j["yara_rules"] = m.yara_rules;
  j["hash_iocs"] = m.hash_iocs;
  j["filename_iocs"] = m.filename_iocs;
  j["c2_iocs"] = m.c2_iocs;
  j["fp_entries"] = m.fp_entries;
  j["load_errors"] = m.load_errors;
  // Replacement of invalid UTF-8 (a source path is raw bytes) instead of a throw.
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<SetManifest> ParseManifest(std::string_view text) {
  if (text.size() > kMaxManifestBytes)
    return Status::Corrupt(fmt::format("manifest larger than {} bytes", kMaxManifestBytes));
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Status::Corrupt("manifest is not a JSON object");
  auto str = [&](const char* key, std::string* out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string())
      return Status::Corrupt(fmt::format("manifest: '{}' missing or not a string", key));
    *out = it->get_ref<const std::string&>();
    return Status::Ok();
  };
  auto num = [&](const char* key, uint64_t* out) -> Status {
    auto it = j.find(key);
    if (it == j.end() || !it->is_number_unsigned())
      return Status::Corrupt(fmt::format("manifest: '{}' missing or not a count", key));
    *out = it->get<uint64_t>();
    return Status::Ok();
  };
  uint64_t format = 0;
  if (Status s = num("format", &format); !s.ok()) return s;
  if (format != kManifestFormat)
    return Status::Corrupt(fmt::format("manifest: format {} (this Harrier reads {})", format,
                                       kManifestFormat));
  SetManifest m;
  uint64_t fetched = 0;
  for (Status s : {str("id", &m.id), str("source", &m.source), str("sha256", &m.sha256),
                   str("verified", &m.verified), str("top_folder", &m.top_folder),
                   num("archive_bytes", &m.archive_bytes), num("fetched_at", &fetched),
                   num("yara_files", &m.yara_files), num("yara_files_failed", &m.yara_files_failed),
                   num("yara_rules", &m.yara_rules), num("hash_iocs", &m.hash_iocs),
                   num("filename_iocs", &m.filename_iocs), num("c2_iocs", &m.c2_iocs),
                   num("fp_entries", &m.fp_entries), num("load_errors", &m.load_errors)})
    if (!s.ok()) return s;
  if (fetched > static_cast<uint64_t>(INT64_MAX)) return Status::Corrupt("manifest: bad fetched_at");
  m.fetched_at = static_cast<int64_t>(fetched);
  if (!IsValidSetId(m.id)) return Status::Corrupt("manifest: bad id");
  if (!IsSha256Hex(m.sha256)) return Status::Corrupt("manifest: bad sha256");
  return m;
}

}  // namespace harrier
