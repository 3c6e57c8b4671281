#include "scan/file_scanner.h"

#include <algorithm>

#include <fmt/format.h>

namespace harrier {

Result<std::unique_ptr<FileScanner>> FileScanner::Create(std::shared_ptr<const SignatureSet> sigs,
                                                         const CheckRegistry* checks,
                                                         const ScanConfig& config,
                                                         const platform::FileSystem& fs) {
  auto s = SubjectScanner::Create(std::move(sigs), checks, config);
  if (!s.ok()) return s.status();
  return std::unique_ptr<FileScanner>(new FileScanner(std::move(*s), config, fs));
}

Subject FileScanner::SubjectOf(const std::string& path, const platform::StatInfo& st) const {
  Subject s;
  s.kind = SubjectKind::kFile;
  s.path = path;
  s.name = std::string(fs_.BaseName(path));
  s.file.size = st.size;
  s.file.mtime = st.mtime;
  s.file.ctime = st.ctime;
  s.file.mode = st.mode;
  s.file.uid = st.uid;
  s.file.dev = st.dev;
  s.file.inode = st.inode;
  s.file.owner = fs_.OwnerName(st.uid);
  s.file.has_owner = true;
  return s;
}

ScanOutcome FileScanner::Scan(const std::string& path, const platform::StatInfo& st,
                              Diagnostics& diag) {
  const platform::FileSystem& fs = fs_;
  const bool follow = config_.follow_symlinks;
  const platform::FileId id{st.dev, st.inode};
  return Scan(path, st,
              [&fs, &path, follow, id]() -> Result<std::unique_ptr<platform::ReadableFile>> {
                auto f = fs.OpenFile(path, follow);
                if (!f.ok()) return f;
                if ((*f)->stat().dev != id.dev || (*f)->stat().inode != id.inode)
                  return Status::Changed(fmt::format("open: {}: replaced since it was listed", path));
                return f;
              },
              diag);
}

ScanOutcome FileScanner::Scan(const std::string& path, const platform::StatInfo& st,
                              const platform::FileOpener& open, Diagnostics& diag) {
  last_content_ = {};
  blocks_read_ = false;
  reader_.Trim(config_.keep_buffer_bytes);  // bounded memory after one big file
  Subject subject = SubjectOf(path, st);
  // 1. Path IOCs: from metadata, for every file, read or not.
  std::vector<Reason> reasons = subjects_->PathReasons(subject);
  last_subject_ = subject;

  // 2. Filter from metadata. A package database a check reads is read
  // whole up to its own limit (never as blocks: the check needs the buffer).
  const uint64_t max_size = subjects_->ReadLimit(subject, config_.max_file_size);
  const uint64_t block_threshold =
      max_size > config_.max_file_size ? std::max(max_size, config_.block_threshold)
                                       : config_.block_threshold;
  if (st.size > max_size)
    return subjects_->Skipped(std::move(subject), std::move(reasons), SkipReason::kSize);

  // 3. Read once (header first for the default selection).
  FileReader::HeaderDecision decide;
  if (!config_.all_files)
    decide = [&](std::span<const uint8_t> header) {
      return subjects_->Selected(subject, header, &reasons);
    };
  auto rr = reader_.Read(open, path, max_size, block_threshold, decide);
  if (!rr.ok()) {
    const Status& s = rr.status();
    SkipReason why = SkipReason::kError;
    if (s.code() == Status::Code::kPermissionDenied) {
      diag.Warning(path, s.ToString());
      why = SkipReason::kPermission;
    } else if (s.code() == Status::Code::kNotFound) {
      // Deleted between the walk's listing and the open: a temporary file
      // of a running program. A warning, counted as its own skip reason.
      diag.Warning(path, "vanished before it was read");
      why = SkipReason::kVanished;
    } else if (s.code() == Status::Code::kUnsupported) {
      // Reached through a symlink onto proc, sysfs, ...: never read.
      diag.Info(path, s.ToString());
      why = SkipReason::kPseudoFs;
    } else {
      diag.Error(path, s.ToString());
    }
    return subjects_->Skipped(std::move(subject), std::move(reasons), why);
  }
  if (rr->outcome == FileReader::Outcome::kNotSelected)
    return subjects_->Skipped(std::move(subject), std::move(reasons), SkipReason::kType);

  // 4. Every content check on the one buffer, or on the blocks of a file
  // over the block threshold (no buffer for the archive source then: the
  // pipeline opens a large container from disk).
  if (FileBlocks* blocks = reader_.blocks()) {
    blocks_read_ = true;
    return subjects_->Check(std::move(subject), std::move(reasons), Content::Blocks(blocks), diag);
  }
  ScanOutcome out = subjects_->Check(std::move(subject), std::move(reasons),
                                     Content::Buffer(reader_.data()), diag);
  last_content_ = reader_.data();
  return out;
}

}  // namespace harrier
