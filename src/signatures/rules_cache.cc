#include "signatures/rules_cache.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace harrier {
namespace {

constexpr const char* kMagic = "harrier-rules-cache 1";

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
  std::string tmp = fmt::format("{}.tmp{}", base, static_cast<long>(getpid()));
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
  return Status::Ok();
}

}  // namespace harrier
