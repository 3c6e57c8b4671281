#include "signatures/rules_cache.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/units.h"
#include "platform/fs.h"

namespace harrier {
namespace {

constexpr const char* kMagic = "harrier-rules-cache 3";
constexpr size_t kKeepEntries = 4;  // newest entries kept; older ones deleted

std::string Base(const std::string& dir, const std::string& digest) {
  return fmt::format("{}/rules-{}", dir, digest);
}

}  // namespace

namespace {

constexpr std::string_view kSealMagic = "HRSEAL1\n";
constexpr size_t kMacBytes = 32;

std::string Mac(std::string_view key, std::string_view content) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (!EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                 reinterpret_cast<const unsigned char*>(content.data()), content.size(), out,
                 sizeof out, &len) ||
      len != kMacBytes)
    return {};
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

// The MAC's key also names the file's own role (its file name: rules-D.yarc,
// part-D-3.yarc, ...), so the files of one entry cannot be swapped either.
std::string SealKey(const std::string& path, std::string_view key) {
  return std::string(key) + '\0' + std::string(platform::LocalFileSystem().BaseName(path));
}

Status WriteSealedFile(const std::string& path, std::string_view key, std::string_view content) {
  std::string mac = Mac(SealKey(path, key), content);
  if (mac.empty()) return Status::IoError("HMAC-SHA256 failed");
  auto out = platform::CreateOutputFile(path, platform::Publish::kOnClose);
  if (!out.ok()) return out.status();
  if (Status s = (*out)->Write(content); !s.ok()) return s;
  if (Status s = (*out)->Write(mac); !s.ok()) return s;
  if (Status s = (*out)->Write(kSealMagic); !s.ok()) return s;
  return (*out)->Close();
}

Result<std::string> ReadSealedFile(const std::string& path, std::string_view key,
                                   uint64_t max_bytes) {
  auto bytes = platform::ReadPrivateFile(path, max_bytes);
  if (!bytes.ok()) return bytes.status();
  return Unseal(std::move(*bytes), path, key);
}

Result<std::string> Unseal(std::string b, const std::string& path, std::string_view key) {
  const size_t trailer = kMacBytes + kSealMagic.size();
  if (b.size() < trailer || std::string_view(b).substr(b.size() - kSealMagic.size()) != kSealMagic)
    return Status::NotFound(path + ": not sealed (an older format): a miss");
  std::string_view content(b.data(), b.size() - trailer);
  std::string mac = Mac(SealKey(path, key), content);
  if (mac.empty() || CRYPTO_memcmp(mac.data(), b.data() + content.size(), kMacBytes) != 0)
    return Status::Corrupt(path + ": seal does not match its content and signature digest");
  b.resize(content.size());
  return b;  // moved: C++20 implicit move of a parameter
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
  if (platform::LocalFileSystem().Lstat(dir).ok()) (void)platform::MakePrivateDir(dir);
  auto meta_text = ReadSealedFile(base + ".meta", digest, 1 << 20);
  if (!meta_text.ok()) return meta_text.status();
  std::istringstream meta(*meta_text);
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
  // Opened and its owner checked now (so a later prune or rewrite of the
  // entry cannot take it away); read, unsealed and deserialised on first
  // use (a fast-path scan whose class sets all load never needs it). A seal
  // that fails then gives null rules, like a corrupt file.
  auto yarc = platform::OpenPrivateFile(base + ".yarc");
  if (!yarc.ok()) return yarc.status();
  std::shared_ptr<platform::PrivateFile> file(std::move(*yarc));
  auto extra_copy = extra;
  out.rules = YaraRulesHandle::Lazy(
      [file, path = base + ".yarc", digest, extra = std::move(extra),
       rule_count]() -> std::shared_ptr<const YaraRules> {
        auto bytes = file->ReadAll(kMaxCacheFileBytes);
        if (!bytes.ok()) return nullptr;
        auto content = Unseal(std::move(*bytes), path, digest);
        if (!content.ok()) return nullptr;
        auto r = YaraRules::Deserialize(*content, extra);
        // The seal vouches for the bytes; the count guards against a set
        // that libyara reads differently.
        return r.ok() && (*r)->rule_count() == rule_count ? *r : nullptr;
      },
      rule_count, std::move(extra_copy));
  return out;
}

Status SaveCachedRules(const std::string& dir, const std::string& digest,
                       const YaraRules& rules, uint64_t yara_files, uint64_t c2_rules) {
  if (Status s = platform::MakePrivateDir(dir); !s.ok()) return s;
  std::string base = Base(dir, digest);
  auto bytes = rules.Serialize();
  if (!bytes.ok()) return bytes.status();
  // Rules first: a reader finds the .meta only when the .yarc is complete.
  if (Status s = WriteSealedFile(base + ".yarc", digest, *bytes); !s.ok()) return s;
  std::string meta = fmt::format("{}\nfiles {}\nrules {}\nc2 {}\n", kMagic, yara_files,
                                 rules.rule_count(), c2_rules);
  for (const auto& e : rules.extra_externals()) meta += fmt::format("extra {}\n", e);
  if (Status s = WriteSealedFile(base + ".meta", digest, meta); !s.ok()) return s;
  PruneCacheEntries(dir, "rules-", kKeepEntries);
  return Status::Ok();
}

}  // namespace harrier
