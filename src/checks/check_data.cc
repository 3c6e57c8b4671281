#include "checks/check_data.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checks/authenticode.h"
#include "core/units.h"
#include "platform/fs.h"

namespace harrier {
namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxCheckDataBytes = 4 << 20;

std::string Str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
template <typename T>
T Num(const json& j, const char* key, T def) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<T>() : def;
}
std::vector<std::string> Strs(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// Hex with optional spaces between bytes ("4D 5A"); empty is an error.
std::optional<std::string> HexBytes(std::string_view hex) {
  std::string clean;
  for (char c : hex)
    if (c != ' ') clean.push_back(c);
  if (clean.empty()) return std::nullopt;
  return HexDecode(clean);
}

std::string NormSerial(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == ' ' || c == ':') continue;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (out.empty()) return out;  // no serial: match on names only
  size_t nz = out.find_first_not_of('0');
  return nz == std::string::npos ? "00" : out.substr(nz);
}

std::optional<int64_t> Date(const json& j, const char* key, const std::string& where,
                            Diagnostics& diag) {
  std::string s = Str(j, key);
  if (s.empty()) return std::nullopt;
  auto t = authenticode::ParseDate(s);
  if (!t) diag.Error(where, fmt::format("{}: bad date '{}' (want YYYY-MM-DD)", key, s));
  return t;
}

}  // namespace

bool CheckData::HasDpkgAdvisories() const {
  return std::any_of(package_advisories.begin(), package_advisories.end(),
                     [](const PackageAdvisoryData& a) { return a.has_dpkg(); });
}
bool CheckData::HasRpmAdvisories() const {
  return std::any_of(package_advisories.begin(), package_advisories.end(),
                     [](const PackageAdvisoryData& a) { return a.rpm.has_value(); });
}

const ProductData* CheckData::FindProduct(std::string_view id) const {
  for (const auto& p : products)
    if (p.id == id) return &p;
  return nullptr;
}

Status ParseCheckData(std::string_view text, const std::string& where, CheckData* data,
                      Diagnostics& diag) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false, /*ignore_comments=*/true);
  if (j.is_discarded() || !j.is_object())
    return Status::Corrupt(fmt::format("{}: not valid JSON", where));
  if (Num<int>(j, "format", 0) != 1)
    return Status::Unsupported(fmt::format("{}: unknown format (want \"format\": 1)", where));

  if (auto it = j.find("authenticode_padding"); it != j.end() && it->is_object()) {
    PaddingData p;
    p.enabled = true;
    p.source = Str(*it, "source");
    p.remediation = Str(*it, "remediation");
    p.alignment = std::max<uint32_t>(1, Num<uint32_t>(*it, "alignment", 8));
    p.score_padding = Num<int>(*it, "score_padding", p.score_padding);
    p.score_high_entropy = Num<int>(*it, "score_high_entropy", p.score_high_entropy);
    p.score_tag = Num<int>(*it, "score_tag", p.score_tag);
    p.high_entropy_bits = Num<double>(*it, "high_entropy_bits", p.high_entropy_bits);
    p.high_entropy_min_bytes =
        Num<uint64_t>(*it, "high_entropy_min_bytes", p.high_entropy_min_bytes);
    if (auto t = it->find("tags"); t != it->end() && t->is_array()) {
      for (const auto& tj : *t) {
        auto bytes = HexBytes(Str(tj, "hex"));
        if (!bytes) {
          diag.Error(where, fmt::format("authenticode_padding.tags: bad hex '{}'", Str(tj, "hex")));
          continue;
        }
        p.tags.push_back({Str(tj, "name"), *bytes, Str(tj, "source")});
      }
    }
    data->padding = std::move(p);
  }

  if (auto it = j.find("signers"); it != j.end() && it->is_array()) {
    for (const auto& sj : *it) {
      SignerData s;
      s.id = Str(sj, "id");
      s.name = Str(sj, "name");
      s.source = Str(sj, "source");
      s.remediation = Str(sj, "remediation");
      s.subject_contains = Str(sj, "subject_contains");
      s.issuer_contains = Str(sj, "issuer_contains");
      s.serial = NormSerial(Str(sj, "serial"));
      s.affected_product = Str(sj, "affected_product");
      s.score_affected_build = Num<int>(sj, "score_affected_build", 0);
      s.window_start = Date(sj, "window_start", where, diag);
      s.window_end = Date(sj, "window_end", where, diag);
      s.score_in_window = Num<int>(sj, "score_in_window", 0);
      s.signed_after = Date(sj, "signed_after", where, diag);
      s.score_after = Num<int>(sj, "score_after", 0);
      if (s.id.empty() || (Str(sj, "serial").empty() && s.subject_contains.empty())) {
        diag.Error(where, "signers: an entry needs an id and a serial or subject_contains");
        continue;
      }
      data->signers.push_back(std::move(s));
    }
  }

  if (auto it = j.find("deaddrop_icon"); it != j.end() && it->is_object()) {
    IconData d;
    d.enabled = true;
    d.source = Str(*it, "source");
    d.remediation = Str(*it, "remediation");
    d.marker = Str(*it, "marker");
    d.min_base64_chars = std::max<uint64_t>(1, Num<uint64_t>(*it, "min_base64_chars", 16));
    d.layout_prefix_bytes = Num<uint64_t>(*it, "layout_prefix_bytes", 20);
    d.score = Num<int>(*it, "score", d.score);
    if (d.marker.empty()) {
      diag.Error(where, "deaddrop_icon: empty marker; check disabled");
    } else {
      data->icon = std::move(d);
    }
  }

  if (auto it = j.find("products"); it != j.end() && it->is_array()) {
    for (const auto& pj : *it) {
      ProductData p;
      p.id = Str(pj, "id");
      p.name = Str(pj, "name");
      p.source = Str(pj, "source");
      p.remediation = Str(pj, "remediation");
      p.windows_product_names = Strs(pj, "windows_product_names");
      p.windows_exe_names = Strs(pj, "windows_exe_names");
      p.affected_windows = Strs(pj, "affected_windows");
      p.macos_bundle_names = Strs(pj, "macos_bundle_names");
      p.macos_bundle_ids = Strs(pj, "macos_bundle_ids");
      p.affected_macos = Strs(pj, "affected_macos");
      p.fixed = Strs(pj, "fixed");
      p.score_affected = Num<int>(pj, "score_affected", p.score_affected);
      p.score_clean = Num<int>(pj, "score_clean", p.score_clean);
      p.remediation_clean = Str(pj, "remediation_clean");
      if (p.id.empty()) {
        diag.Error(where, "products: an entry needs an id");
        continue;
      }
      data->products.push_back(std::move(p));
    }
  }

  if (auto it = j.find("retired_products"); it != j.end() && it->is_array()) {
    for (const auto& rj : *it) {
      RetiredProductData r;
      r.id = Str(rj, "id");
      r.name = Str(rj, "name");
      r.source = Str(rj, "source");
      r.remediation = Str(rj, "remediation");
      r.product_names = Strs(rj, "product_names");
      r.installer_prefixes = Strs(rj, "installer_prefixes");
      r.install_dirs = Strs(rj, "install_dirs");
      r.score = Num<int>(rj, "score", r.score);
      if (r.id.empty()) {
        diag.Error(where, "retired_products: an entry needs an id");
        continue;
      }
      data->retired.push_back(std::move(r));
    }
  }
  if (auto it = j.find("package_advisories"); it != j.end() && it->is_array()) {
    for (const auto& aj : *it) {
      PackageAdvisoryData a;
      a.id = Str(aj, "id");
      a.name = Str(aj, "name");
      a.cve = Str(aj, "cve");
      a.source = Str(aj, "source");
      a.remediation = Str(aj, "remediation");
      a.description = Str(aj, "description");
      a.packages = Strs(aj, "packages");
      a.source_packages = Strs(aj, "source_packages");
      a.affected_min = Str(aj, "affected_min");
      a.affected_max = Str(aj, "affected_max");
      a.fixed = Str(aj, "fixed");
      a.score = Num<int>(aj, "score", a.score);
      if (auto r = aj.find("rpm"); r != aj.end()) {
        RpmAdvisoryData rpm;
        if (r->is_object()) {
          rpm.packages = Strs(*r, "packages");
          rpm.source_packages = Strs(*r, "source_packages");
          rpm.affected_min = Str(*r, "affected_min");
          rpm.affected_max = Str(*r, "affected_max");
          rpm.fixed = Str(*r, "fixed");
          rpm.source = Str(*r, "source");
          rpm.remediation = Str(*r, "remediation");
          if (auto sc = r->find("score"); sc != r->end() && sc->is_number())
            rpm.score = sc->get<int>();
        }
        if (rpm.affected_min.empty() || rpm.affected_max.empty() ||
            (rpm.packages.empty() && rpm.source_packages.empty())) {
          diag.Error(where, fmt::format("package_advisories {}: \"rpm\" needs affected_min, "
                                        "affected_max and packages or source_packages",
                                        a.id));
          continue;
        }
        a.rpm = std::move(rpm);
      }
      const bool dpkg_ok = !a.affected_min.empty() && !a.affected_max.empty() && a.has_dpkg();
      const bool dpkg_none = a.affected_min.empty() && a.affected_max.empty() && !a.has_dpkg();
      if (a.id.empty() || !(dpkg_ok || (dpkg_none && a.rpm))) {
        diag.Error(where, "package_advisories: an entry needs id, affected_min, affected_max and "
                          "packages or source_packages (or only an \"rpm\" object)");
        continue;
      }
      data->package_advisories.push_back(std::move(a));
    }
  }
  data->files.push_back(where);
  return Status::Ok();
}

namespace {

Status LoadCheckDir(const std::string& dir, CheckData& data, Diagnostics& diag) {
  auto files = platform::ListFilesRecursive(dir);
  if (!files.ok()) return files.status();
  for (const auto& f : *files) {
    if (f.size() < 5 || f.compare(f.size() - 5, 5, ".json") != 0) continue;
    auto text = platform::ReadTextFile(f, kMaxCheckDataBytes);
    if (!text.ok()) {
      diag.Error(f, text.status().ToString());
      continue;
    }
    if (Status s = ParseCheckData(*text, f, &data, diag); !s.ok()) diag.Error(f, s.message());
  }
  return Status::Ok();
}

}  // namespace

Result<CheckData> LoadCheckData(const std::string& dir, Diagnostics& diag) {
  CheckData data;
  if (Status s = LoadCheckDir(dir, data, diag); !s.ok()) return s;
  return data;
}

std::vector<std::string> PackCheckDirs(const std::string& rules_dir) {
  std::vector<std::string> out;
  std::string packs = platform::JoinPath(rules_dir, "packs");
  auto subs = platform::ListSubdirectories(packs);
  if (!subs.ok()) return out;
  for (const auto& name : *subs) {
    std::string d = platform::JoinPath(platform::JoinPath(packs, name), "checks");
    if (auto st = platform::Stat(d); st.ok() && st->type == platform::FileType::kDirectory)
      out.push_back(d);
  }
  return out;
}

CheckData LoadCheckData(const std::vector<std::string>& dirs, Diagnostics& diag) {
  CheckData data;
  for (const auto& d : dirs)
    if (Status s = LoadCheckDir(d, data, diag); !s.ok()) diag.Error(d, s.ToString());
  return data;
}

std::string NormalizeVersion(std::string_view v) {
  std::string out;
  int parts = 0;
  size_t i = 0;
  while (i < v.size() && v[i] == ' ') ++i;
  while (parts < 3 && i < v.size()) {
    size_t start = i;
    while (i < v.size() && v[i] >= '0' && v[i] <= '9') ++i;
    if (i == start) break;
    std::string_view num = v.substr(start, i - start);
    while (num.size() > 1 && num[0] == '0') num.remove_prefix(1);
    if (parts) out.push_back('.');
    out.append(num);
    ++parts;
    if (i < v.size() && (v[i] == '.' || v[i] == ',')) {
      ++i;
      while (i < v.size() && v[i] == ' ') ++i;  // "18, 12, 416, 0" style
    } else {
      break;
    }
  }
  return out;
}

bool VersionIn(std::string_view version, const std::vector<std::string>& list) {
  std::string n = NormalizeVersion(version);
  if (n.empty()) return false;
  for (const auto& v : list)
    if (NormalizeVersion(v) == n) return true;
  return false;
}

}  // namespace harrier
