#include "signatures/rules_cache.h"


#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "core/units.h"
#include "platform/fs.h"

namespace harrier {
namespace {

constexpr const char* kMagic = "harrier-rules-cache 2";
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

CacheDigest::CacheDigest() : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr); }
CacheDigest::~CacheDigest() { EVP_MD_CTX_free(ctx_); }

void CacheDigest::Add(std::string_view s) {
  uint64_t n = s.size();
  EVP_DigestUpdate(ctx_, &n, sizeof n);
  EVP_DigestUpdate(ctx_, s.data(), s.size());
}

std::string CacheDigest::Hex() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

std::string DefaultCacheDir() { return platform::LocalFileSystem().UserCacheDir(); }

Result<CachedRules> LoadCachedRules(const std::string& dir, const std::string& digest) {
  std::string base = Base(dir, digest);
  std::ifstream meta(base + ".meta");
  if (!meta) return Status::NotFound(base + ".meta");
  std::string line;
  if (!std::getline(meta, line)) return Status::Corrupt(fmt::format("{}.meta: empty", base));
  if (line != kMagic) {
    if (line.rfind("harrier-rules-cache ", 0) == 0)  // another version: a miss
      return Status::NotFound(fmt::format("{}.meta: format {}", base, line));
    return Status::Corrupt(fmt::format("{}.meta: bad header", base));
  }
  CachedRules out;
  uint64_t rule_count = 0;
  bool have_count = false;
  std::vector<std::string> extra;
  while (std::getline(meta, line)) {
    std::istringstream ls(line);
    std::string key, value;
    ls >> key >> value;
    if (key == "files") out.yara_files = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "rules") rule_count = std::strtoull(value.c_str(), nullptr, 10), have_count = true;
    else if (key == "c2") out.c2_rules = std::strtoull(value.c_str(), nullptr, 10);
    else if (key == "extra" && !value.empty()) extra.push_back(value);
  }
  if (!have_count) return Status::Corrupt(fmt::format("{}.meta: no rule count", base));
  std::shared_ptr<std::FILE> file(std::fopen((base + ".yarc").c_str(), "rb"),
                                  [](std::FILE* f) { if (f) std::fclose(f); });
  if (!file) return Status::NotFound(base + ".yarc");
  auto extra_copy = extra;
  out.rules = YaraRulesHandle::Lazy(
      [file, extra = std::move(extra)]() -> std::shared_ptr<const YaraRules> {
        auto r = YaraRules::Load(file.get(), extra);
        return r.ok() ? *r : nullptr;
      },
      rule_count, std::move(extra_copy));
  return out;
}

Status SaveCachedRules(const std::string& dir, const std::string& digest,
                       const YaraRules& rules, uint64_t yara_files, uint64_t c2_rules) {
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
        meta << kMagic << "\n" << "files " << yara_files << "\n"
             << "rules " << rules.rule_count() << "\n" << "c2 " << c2_rules << "\n";
        for (const auto& e : rules.extra_externals()) meta << "extra " << e << "\n";
        return static_cast<bool>(meta);
      }))
    return Status::IoError(base + ".meta: write failed");
  PruneCacheEntries(dir, "rules-", kKeepEntries);
  return Status::Ok();
}

}  // namespace harrier
