#include "update/updater.h"

#include <ctime>

#include <fmt/format.h>

#include "core/diagnostics.h"
#include "platform/fs.h"
#include "platform/store_fs.h"
#include "signatures/loader.h"
#include "update/https_fetch.h"
#include "update/store.h"
#include "update/verify.h"

namespace harrier {
namespace {

// The body of a file beside the bundle (FILE.sha256, FILE.sig); NotFound
// when there is none.
Result<std::string> ReadBeside(const std::string& path, uint64_t max_bytes) {
  auto st = platform::Stat(path);
  if (!st.ok()) return st.status();
  return platform::ReadTextFile(path, max_bytes);
}

// The folders of `dest` minus a single top folder: signature-base-master/ in
// a GitHub archive, harrier-signatures/ in a bundle. A lone yara/, iocs/,
// config/, packs/ or checks/ is the layout itself, not a wrapper.
Result<std::string> StripTop(const std::string& dest) {
  auto names = platform::ListNames(dest);
  if (!names.ok()) return names.status();
  if (names->size() != 1) return std::string();
  const std::string& top = names->front();
  for (const char* layout : {"yara", "iocs", "config", "packs", "checks"})
    if (top == layout) return std::string();
  auto st = platform::Lstat(platform::JoinPath(dest, top));
  if (!st.ok() || st->type != platform::FileType::kDirectory) return std::string();
  return top;
}

}  // namespace

Result<UpdateOutcome> RunUpdate(const UpdateOptions& opts,
                                const std::function<void(std::string_view)>& progress) {
  auto say = [&](std::string s) {
    if (progress) progress(s);
  };
  UpdateOutcome out;
  auto writer = StoreWriter::Open(opts.store);
  if (!writer.ok()) return writer.status();
  out.stale_removed = (*writer)->stale_removed();
  if (out.stale_removed)
    say(fmt::format("Removed {} work folder(s) left by an interrupted update", out.stale_removed));

  // 1. The archive.
  std::string archive, source;
  FetchOptions fo;
  fo.ca_file = opts.ca_file;
  fo.max_bytes = opts.max_download_bytes;
  fo.connect_timeout_s = opts.connect_timeout_s;
  fo.timeout_s = opts.timeout_s;
  fo.cancel = opts.cancel;
  // A checksum or signature file is small; bounded apart from the archive.
  FetchOptions small = fo;
  small.max_bytes = 64 * 1024;
  auto beside = [&](std::string_view ext) -> Result<std::string> {
    if (!opts.from_file.empty()) return ReadBeside(opts.from_file + std::string(ext), small.max_bytes);
    return HttpsGet(opts.url + std::string(ext), small);
  };
  if (!opts.from_file.empty()) {
    auto real = platform::RealPath(opts.from_file);
    if (!real.ok()) return Status::NotFound(fmt::format("bundle: {}", real.status().message()));
    source = *real;
    say(fmt::format("Reading {}", source));
    auto st = platform::Stat(source);
    if (st.ok() && st->size > opts.max_download_bytes)
      return Status::ResourceExhausted(fmt::format(
          "bundle {} is larger than --max-download-bytes {}", source, opts.max_download_bytes));
    auto bytes = platform::ReadTextFile(source, opts.max_download_bytes);
    if (!bytes.ok()) return Status::IoError(fmt::format("bundle: {}", bytes.status().message()));
    archive = std::move(*bytes);
  } else {
    source = opts.url;
    say(fmt::format("Fetching {}", source));
    auto bytes = HttpsGet(opts.url, fo);
    if (!bytes.ok()) {
      const Status& s = bytes.status();
      if (s.code() == Status::Code::kResourceExhausted) return s;
      return Status::IoError(fmt::format("download failed: {}", s.message()));
    }
    archive = std::move(*bytes);
  }
  const std::string sha = Sha256Hex(archive);
  const uint64_t archive_bytes = archive.size();
  say(fmt::format("{} bytes, SHA-256 {}", archive.size(), sha));

  // 2. Checksums.
  std::vector<std::string> verified;
  if (!opts.sha256.empty()) {
    auto want = ParseChecksumFile(opts.sha256);
    if (!want.ok()) return Status::InvalidArgument("--sha256: not 64 hex digits");
    if (*want != sha)
      return Status::Corrupt(
          fmt::format("SHA-256 mismatch (--sha256): expected {}, got {}", *want, sha));
    verified.push_back("sha256 (--sha256)");
  }
  {
    auto published = beside(".sha256");
    if (published.ok()) {
      auto want = ParseChecksumFile(*published);
      if (!want.ok())
        return Status::Corrupt(fmt::format("published checksum {}.sha256: {}",
                                           opts.from_file.empty() ? opts.url : source,
                                           want.status().message()));
      if (*want != sha)
        return Status::Corrupt(fmt::format(
            "SHA-256 mismatch (published in {}.sha256): expected {}, got {}",
            opts.from_file.empty() ? opts.url : source, *want, sha));
      verified.push_back("sha256 (published)");
    } else if (published.status().code() != Status::Code::kNotFound) {
      return Status::IoError(fmt::format("published checksum could not be read: {}",
                                         published.status().message()));
    }
  }
  // 3. The signature.
  if (!opts.public_key_file.empty()) {
    auto key = platform::ReadTextFile(opts.public_key_file, 64 * 1024);
    if (!key.ok())
      return Status::InvalidArgument(fmt::format("--public-key: {}", key.status().message()));
    auto sig = beside(".sig");
    if (!sig.ok())
      return Status::PermissionDenied(fmt::format(
          "signature required by --public-key but not available: {}", sig.status().message()));
    if (Status s = VerifySignature(archive, *sig, *key); !s.ok()) {
      if (s.code() == Status::Code::kCorrupt)
        return Status::Corrupt(fmt::format("signature check failed: {} ({})", s.message(),
                                           opts.public_key_file));
      return Status::InvalidArgument(
          fmt::format("--public-key {}: {}", opts.public_key_file, s.message()));
    }
    verified.push_back(fmt::format("signature ({})", opts.public_key_file));
  }
  say(verified.empty() ? std::string("No checksum or signature published: checked by content only")
                       : fmt::format("Verified: {}", fmt::join(verified, ", ")));

  // 4. Already active?
  auto active = FindActiveSet(opts.store);
  if (active.ok() && active->manifest.sha256 == sha) {
    out.up_to_date = true;
    out.manifest = active->manifest;
    return out;
  }

  // 5. Unpack.
  auto staging = (*writer)->NewStaging();
  if (!staging.ok()) return staging.status();
  // A refused set's work is removed at once (a killed update's by the next one).
  auto refuse = [&](Status s) {
    (void)platform::RemoveTree(*staging);
    return s;
  };
  const std::string unpacked = platform::JoinPath(*staging, "unpacked");
  if (Status s = platform::MakeNewDir(unpacked); !s.ok()) return refuse(s);
  say("Unpacking");
  auto ex = ExtractArchive(archive, unpacked, opts.limits);
  if (!ex.ok()) return refuse(ex.status());
  archive = std::string();  // not needed any more; a large one is freed before the load
  auto top = StripTop(unpacked);
  if (!top.ok()) return refuse(top.status());
  const std::string tree = platform::JoinPath(*staging, "tree");
  if (Status s = platform::RenamePath(top->empty() ? unpacked : platform::JoinPath(unpacked, *top),
                                      tree);
      !s.ok())
    return refuse(s);
  (void)platform::RemoveTree(unpacked);
  say(fmt::format("Unpacked {} files ({} bytes){}", ex->files, ex->bytes,
                  top->empty() ? "" : fmt::format(" from the top folder {}/", *top)));

  // 6. Test load.
  say("Test-loading the signatures");
  Diagnostics diag;
  diag.set_max_stored(1000);
  LoadOptions lo;
  lo.folders = {tree};
  lo.partition_yara = false;
  auto sigs = LoadSignatures(lo, diag);
  // Messages name the member, not the work folder that is about to vanish.
  auto shown = [&](const std::string& where) {
    auto real = platform::RealPath(tree);
    for (const std::string& prefix : {tree, real.ok() ? *real : tree})
      if (where.rfind(prefix + "/", 0) == 0) return where.substr(prefix.size() + 1);
    return where;
  };
  if (!sigs.ok())
    return refuse(Status::Corrupt(fmt::format("test load failed: {}", sigs.status().message())));
  const RuleStats& rs = (*sigs)->stats;
  if (diag.error_count() > opts.max_rule_errors) {
    std::string list;
    size_t n = 0;
    for (const auto& d : diag.Snapshot()) {
      if (d.severity != Diagnostic::Severity::kError) continue;
      if (n++ == 10) {
        list += "\n  ...";
        break;
      }
      list += fmt::format("\n  {}: {}", shown(d.where), d.message);
    }
    return refuse(Status::Corrupt(fmt::format(
        "test load failed: {} error(s) in the signatures (more than --max-rule-errors {}):{}",
        diag.error_count(), opts.max_rule_errors, list)));
  }
  if (rs.yara_rules + rs.hash_iocs + rs.filename_iocs + rs.c2_iocs == 0)
    return refuse(Status::Corrupt(
        "test load failed: the archive holds no YARA rule or IOC that loads"));
  say(fmt::format("Loaded {} YARA rules ({} files), {} hash, {} filename, {} C2 IOCs",
                  rs.yara_rules, rs.yara_files, rs.hash_iocs, rs.filename_iocs, rs.c2_iocs));

  // 7. Install.
  SetManifest m;
  m.source = source;
  m.sha256 = sha;
  m.archive_bytes = archive_bytes;
  m.fetched_at = static_cast<int64_t>(std::time(nullptr));
  m.verified = fmt::format("{}", fmt::join(verified, ", "));
  m.top_folder = *top;
  m.yara_files = rs.yara_files;
  m.yara_files_failed = rs.yara_files_failed;
  m.yara_rules = rs.yara_rules;
  m.hash_iocs = rs.hash_iocs;
  m.filename_iocs = rs.filename_iocs;
  m.c2_iocs = rs.c2_iocs;
  m.fp_entries = rs.fp_hashes + rs.fp_filters;
  m.load_errors = diag.error_count();
  if (active.ok()) out.previous_id = active->id;
  if (Status s = (*writer)->Install(*staging, &m); !s.ok())
    return refuse(Status::IoError(fmt::format("install failed: {}", s.message())));
  out.manifest = std::move(m);
  return out;
}

}  // namespace harrier
