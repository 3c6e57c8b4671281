#include "signatures/rules_cache.h"


#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier {
namespace {

constexpr const char* kMagic = "harrier-rules-cache 1";
constexpr size_t kKeepEntries = 4;  // newest entries kept; older ones deleted

std::string Base(const std::string& dir, const std::string& digest) {
  return fmt::format("{}/rules-{}", dir, digest);
}

}  // namespace

bool WriteFileAtomically(const std::string& path,
                         const std::function<bool(const std::string& tmp)>& write) {
  std::string tmp = fmt::format("{}.tmp{}", path, platform::ProcessId());
  if (!write(tmp)) {
    std::remove(tmp.c_str());
    return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) std::remove(tmp.c_str());
  return !ec;
}

void PruneCacheEntries(const std::string& dir, std::string_view prefix, size_t keep) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> metas;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind(prefix, 0) == 0 && e.path().extension() == ".meta")
      metas.emplace_back(fs::last_write_time(e.path(), ec), e.path());
  }
  if (metas.size() <= keep) return;
  std::sort(metas.begin(), metas.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = keep; i < metas.size(); ++i) {
    std::string base = metas[i].second.stem().string();
    fs::remove(metas[i].second, ec);
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().filename().string().rfind(base, 0) == 0) fs::remove(e.path(), ec);
  }
}

std::string DefaultCacheDir() {
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return fmt::format("{}/harrier", xdg);
  const char* home = std::getenv("HOME");
  return fmt::format("{}/.cache/harrier", home && *home ? home : ".");
}

Result<CachedRules> LoadCachedRules(const std::string& dir, const std::string& digest) {
  std::string base = Base(dir, digest);
  std::ifstream meta(base + ".meta");
  if (!meta) return Status::NotFound(base + ".meta");
  std::string line;
  if (!std::getline(meta, line) || line != kMagic)
    return Status::Corrupt(fmt::format("{}.meta: bad header", base));
  CachedRules out;
  std::vector<std::string> extra;
  while (std::getline(meta, line)) {
    std::istringstream ls(line);
    std::string key, value;
    ls >> key >> value;
    if (key == "files") out.yara_files = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "extra" && !value.empty()) extra.push_back(value);
  }
  auto rules = YaraRules::Load(base + ".yarc", std::move(extra));
  if (!rules.ok()) return rules.status();
  out.rules = std::move(*rules);
  return out;
}

Status SaveCachedRules(const std::string& dir, const std::string& digest,
                       const YaraRules& rules, uint64_t yara_files) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(fmt::format("{}: {}", dir, ec.message()));
  std::string base = Base(dir, digest);
  // Rules first: a reader finds the .meta only when the .yarc is complete.
  if (!WriteFileAtomically(base + ".yarc",
                           [&](const std::string& tmp) { return rules.Save(tmp).ok(); }))
    return Status::IoError(base + ".yarc: write failed");
  if (!WriteFileAtomically(base + ".meta", [&](const std::string& tmp) {
        std::ofstream meta(tmp);
        meta << kMagic << "\n" << "files " << yara_files << "\n";
        for (const auto& e : rules.extra_externals()) meta << "extra " << e << "\n";
        return static_cast<bool>(meta);
      }))
    return Status::IoError(base + ".meta: write failed");
  PruneCacheEntries(dir, "rules-", kKeepEntries);
  return Status::Ok();
}

}  // namespace harrier
