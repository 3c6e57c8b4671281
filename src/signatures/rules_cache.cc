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

// Deletes all but the newest kKeepEntries entries (by .yarc mtime), so
// changing signatures (or test runs with throw-away folders) cannot fill the
// disk. Best effort: errors are ignored.
void Prune(const std::string& dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::pair<fs::file_time_type, fs::path>> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.rfind("rules-", 0) == 0 && e.path().extension() == ".yarc")
      entries.emplace_back(fs::last_write_time(e.path(), ec), e.path());
  }
  if (entries.size() <= kKeepEntries) return;
  std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = kKeepEntries; i < entries.size(); ++i) {
    fs::path meta = entries[i].second;
    meta.replace_extension(".meta");
    fs::remove(meta, ec);  // meta first: readers look for it first
    fs::remove(entries[i].second, ec);
  }
}

std::string Base(const std::string& dir, const std::string& digest) {
  return fmt::format("{}/rules-{}", dir, digest);
}

}  // namespace

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
  std::string tmp = fmt::format("{}.tmp{}", base, platform::ProcessId());
  if (Status s = rules.Save(tmp + ".yarc"); !s.ok()) {
    std::remove((tmp + ".yarc").c_str());
    return s;
  }
  {
    std::ofstream meta(tmp + ".meta");
    meta << kMagic << "\n" << "files " << yara_files << "\n";
    for (const auto& e : rules.extra_externals()) meta << "extra " << e << "\n";
    if (!meta) return Status::IoError(tmp + ".meta: write failed");
  }
  // Rules first: a reader finds the .meta only when the .yarc is complete.
  std::filesystem::rename(tmp + ".yarc", base + ".yarc", ec);
  if (!ec) std::filesystem::rename(tmp + ".meta", base + ".meta", ec);
  if (ec) {
    std::remove((tmp + ".yarc").c_str());
    std::remove((tmp + ".meta").c_str());
    return Status::IoError(fmt::format("{}: {}", base, ec.message()));
  }
  Prune(dir);
  return Status::Ok();
}

}  // namespace harrier
