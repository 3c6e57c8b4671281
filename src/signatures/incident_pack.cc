#include "signatures/incident_pack.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace harrier {
namespace {

using json = nlohmann::json;

bool ValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

Result<std::string> Str(const json& j, const char* key, bool required, const std::string& path) {
  auto it = j.find(key);
  if (it == j.end()) {
    if (required) return Status::InvalidArgument(fmt::format("{}: \"{}\" missing", path, key));
    return std::string();
  }
  if (!it->is_string())
    return Status::InvalidArgument(fmt::format("{}: \"{}\" must be a string", path, key));
  return it->get<std::string>();
}

}  // namespace

Result<IncidentPack> ParsePackManifest(std::string_view text, const std::string& path) {
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
                       /*ignore_comments=*/true);
  if (j.is_discarded() || !j.is_object())
    return Status::InvalidArgument(fmt::format("{}: not a JSON object", path));
  if (auto f = j.find("format"); f == j.end() || !f->is_number_integer() || f->get<int64_t>() != 1)
    return Status::InvalidArgument(fmt::format("{}: \"format\" must be 1", path));
  IncidentPack p;
  struct Field {
    const char* key;
    std::string* out;
    bool required;
  };
  for (const Field& f : {Field{"id", &p.id, true}, Field{"title", &p.title, true},
                         Field{"remediation", &p.remediation, true},
                         Field{"summary", &p.summary, false},
                         Field{"published", &p.published, false}}) {
    auto v = Str(j, f.key, f.required, path);
    if (!v.ok()) return v.status();
    *f.out = std::move(*v);
  }
  if (!ValidId(p.id))
    return Status::InvalidArgument(
        fmt::format("{}: \"id\" must be 1-64 characters of a-z 0-9 . _ -", path));
  if (auto s = j.find("sources"); s != j.end()) {
    if (!s->is_array())
      return Status::InvalidArgument(fmt::format("{}: \"sources\" must be a list of strings", path));
    for (const auto& e : *s) {
      if (!e.is_string())
        return Status::InvalidArgument(fmt::format("{}: \"sources\" must be a list of strings", path));
      p.sources.push_back(e.get<std::string>());
    }
  }
  return p;
}

const IncidentPack* PackOfSource(const std::vector<IncidentPack>& packs, std::string_view source) {
  for (const auto& p : packs) {
    if (source.size() > p.folder.size() && source.compare(0, p.folder.size(), p.folder) == 0 &&
        source[p.folder.size()] == '/')
      return &p;
  }
  return nullptr;
}

}  // namespace harrier
