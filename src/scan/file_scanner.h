// FileScanner: a walked file through the scan stage. Builds the file's
// Subject from its stat, checks its path, reads it once (header first for
// the default selection) through the platform FileSystem, and hands the one
// buffer to the SubjectScanner. The buffer stays readable after Scan (for
// the archive source) until the next Scan.
// Thread-safety: one instance per worker thread.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "platform/fs.h"
#include "scan/reader.h"
#include "scan/subject_scanner.h"

namespace harrier {

class FileScanner {
 public:
  // REQUIRES: `fs` and `config` outlive the scanner.
  static Result<std::unique_ptr<FileScanner>> Create(
      std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
      const ScanConfig& config, const platform::FileSystem& fs = platform::LocalFileSystem());

  // The file's Subject (kind file) from its walk stat.
  Subject SubjectOf(const std::string& path, const platform::StatInfo& st) const;

  // Scans the file at `path` (walk stat `st`), opened with `open` (the
  // walker's opener: exactly the listed file, relative to its directory).
  // A file over ScanConfig::block_threshold is checked as blocks.
  ScanOutcome Scan(const std::string& path, const platform::StatInfo& st,
                   const platform::FileOpener& open, Diagnostics& diag);
  // The same, opening `path` by name and checking it is `st`'s object (for
  // callers without a walker, and tests).
  ScanOutcome Scan(const std::string& path, const platform::StatInfo& st, Diagnostics& diag);

  // True when the last Scan checked the file as blocks (over the block
  // threshold): last_content() is then empty.
  bool last_read_as_blocks() const { return blocks_read_; }
  // The content read by the last Scan (empty when it was not read in full).
  // Valid until the next Scan.
  std::span<const uint8_t> last_content() const { return last_content_; }
  // The Subject of the last Scan (display_root filled).
  const Subject& last_subject() const { return last_subject_; }

  SubjectScanner& subjects() { return *subjects_; }
  const std::vector<std::string>& last_yara_ids() const { return subjects_->last_yara_ids(); }

 private:
  FileScanner(std::unique_ptr<SubjectScanner> s, const ScanConfig& config,
              const platform::FileSystem& fs)
      : subjects_(std::move(s)), config_(config), fs_(fs) {}
  std::unique_ptr<SubjectScanner> subjects_;
  const ScanConfig& config_;
  const platform::FileSystem& fs_;
  FileReader reader_;
  std::span<const uint8_t> last_content_;
  bool blocks_read_ = false;
  Subject last_subject_;
};

}  // namespace harrier
