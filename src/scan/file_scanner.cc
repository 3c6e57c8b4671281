#include "scan/file_scanner.h"

#include <fmt/format.h>

#include "scan/filetype.h"

namespace harrier {
namespace {

std::string BaseName(std::string_view p) {
  auto s = p.rfind('/');
  return std::string(s == std::string_view::npos ? p : p.substr(s + 1));
}

}  // namespace

FileScanner::FileScanner(std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
                         const ScanConfig& config)
    : sigs_(std::move(sigs)), checks_(checks), config_(config) {}

Result<std::unique_ptr<FileScanner>> FileScanner::Create(std::shared_ptr<const SignatureSet> sigs,
                                                         const CheckRegistry* checks,
                                                         const ScanConfig& config) {
  std::unique_ptr<FileScanner> fs(new FileScanner(sigs, checks, config));
  if (sigs && sigs->yara) {
    YaraLimits limits = config.yara;
    if (config.yara_reference) limits.fast_mode = false;
    if (!config.yara_reference && sigs->yara_partition) {
      fs->partition_ = sigs->yara_partition.get();
      fs->part_scanners_.resize(fs->partition_->set_count());
      fs->pre_sets_.resize(fs->partition_->set_count());
    } else {
      auto whole = sigs->yara.rules();
      if (!whole) return Status::Corrupt("the compiled YARA rules could not be loaded");
      auto y = YaraScanner::Create(whole, limits, fs->C2List());
      if (!y.ok()) return y.status();
      fs->yara_ = std::move(*y);
    }
  }
  return fs;
}

const std::vector<std::string>& FileScanner::last_yara_ids() const {
  return last_yara_ ? last_yara_->last_rule_ids() : no_ids_;
}

Result<YaraScanner*> FileScanner::ScannerFor(std::span<const uint8_t> data) {
  if (!partition_) return yara_.get();
  size_t idx = partition_->set_index_for(data);
  if (data.size() <= config_.yara_prefilter_max && config_.yara_prefilter_max > 0) {
    auto pre = PrefilteredScannerFor(idx, data);
    if (!pre.ok() || *pre) return pre;
  }
  auto& slot = part_scanners_[idx];
  if (!slot) {  // created on first use: most scans touch a few classes
    YaraLimits limits = config_.yara;
    auto rules = partition_->Set(idx);
    if (!rules) return Status::Corrupt("the compiled YARA rules could not be loaded");
    auto y = YaraScanner::Create(rules, limits, C2List());
    if (!y.ok()) return y.status();
    slot = std::move(*y);
  }
  return slot.get();
}

Result<YaraScanner*> FileScanner::PrefilteredScannerFor(size_t idx,
                                                       std::span<const uint8_t> data) {
  auto& slot = pre_sets_[idx];
  if (slot.unavailable) return nullptr;
  if (!slot.scanner) {  // this worker's own copy of the lean set
    const std::vector<PrefilterRule>& pre = partition_->PrefilterRules();
    auto copy = partition_->PrivateLeanCopy(idx);
    if (!copy) {
      slot.unavailable = true;  // no lean set (it does not compile): the shared class set
      return nullptr;
    }
    auto y = YaraScanner::Create(copy, config_.yara, C2List());
    if (!y.ok()) return y.status();
    // Searched: the prefilter rules the lean set holds (switched per file),
    // then the gates of the rules it left out (a hit sends the file to the
    // shared class set). Left-out rules of other classes are searched too:
    // a needless hit costs time, never a match.
    YaraRuleSwitch all(*copy, pre);
    std::vector<size_t> held = all.mapped_indices();
    std::vector<PrefilterRule> searched;
    for (size_t i : held) searched.push_back(pre[i]);
    slot.switched = searched.size();
    const auto& left_out = partition_->LeanLeftOut();
    for (const auto& r : pre)
      if (left_out.count(r.ns + '\0' + r.name)) searched.push_back(r);
    slot.rule_switch =
        std::make_unique<YaraRuleSwitch>(all.Select(held, searched.size() - slot.switched));
    slot.filter = std::make_unique<LiteralFilter>(searched);
    slot.scanner = std::move(*y);
  }
  slot.filter->Match(data, &pre_hit_, &pre_scratch_);
  for (size_t i = slot.switched; i < pre_hit_.size(); ++i)
    if (pre_hit_[i]) return nullptr;  // a left-out rule may match: the whole class set
  slot.rule_switch->Apply(pre_hit_);
  return slot.scanner.get();
}

FileOutcome FileScanner::Scan(const std::string& path, const platform::StatInfo& st,
                              Diagnostics& diag) {
  FileOutcome out;
  last_yara_ = nullptr;  // no YARA ids until this file reaches YARA
  Finding f;
  f.file.path = path;
  f.file.size = st.size;
  f.file.mtime = st.mtime;
  f.file.ctime = st.ctime;
  f.file.mode = st.mode;
  f.file.uid = st.uid;
  f.file.dev = st.dev;
  f.file.inode = st.inode;
  f.file.owner = platform::OwnerName(st.uid);
  PathForms forms = MakePathForms(path, config_.roots);
  f.file.display_path = forms.display;

  // 1. Path IOCs: from metadata, for every file, read or not.
  for (const FilenameIoc* ioc : sigs_->filenames.Match(forms.unix_form, forms.windows_form)) {
    Reason r;
    r.type = "filename";
    r.name = ioc->pattern;
    r.description = ioc->description;
    r.score = ioc->score;
    r.source = ioc->source;
    f.reasons.push_back(std::move(r));
  }

  auto finish = [&](FileOutcome& o) -> FileOutcome& {
    if (!f.reasons.empty()) {
      ScoreFinding(f, config_.score);
      if (f.level >= config_.report_level && f.level != Level::kNone) o.finding = std::move(f);
    }
    return o;
  };

  // 2. Filter from metadata.
  if (st.size > config_.max_file_size) {
    out.skipped = SkipReason::kSize;
    return finish(out);
  }

  // 3. Read once (header first for the default selection).
  std::string name = BaseName(path);
  std::string ext = ExtensionOf(name);
  FileReader::HeaderDecision decide;
  if (!config_.all_files) {
    bool ext_relevant = IsRelevantExtension(ext);
    decide = [ext_relevant](std::span<const uint8_t> header) {
      return ext_relevant || IsRelevantFileType(DetectFileType(header));
    };
  }
  auto rr = reader_.Read(path, st.size, config_.max_file_size, config_.follow_symlinks, decide);
  if (!rr.ok()) {
    const Status& s = rr.status();
    if (s.code() == Status::Code::kPermissionDenied) {
      diag.Warning(path, s.ToString());
      out.skipped = SkipReason::kPermission;
    } else {
      diag.Error(path, s.ToString());
      out.skipped = SkipReason::kError;
    }
    return finish(out);
  }
  if (rr->outcome == FileReader::Outcome::kNotSelected) {
    out.skipped = SkipReason::kType;
    return finish(out);
  }
  std::span<const uint8_t> data = reader_.data();
  out.bytes = data.size();
  f.file.size = data.size();

  // 4. Hashes and hash IOCs.
  f.hashes = hasher_.Compute(data);
  if (sigs_->fp_hashes.count(f.hashes.md5) || sigs_->fp_hashes.count(f.hashes.sha1) ||
      sigs_->fp_hashes.count(f.hashes.sha256)) {
    out.scanned = true;  // known good: no findings at all
    out.clean = f.reasons.empty();
    reader_.Trim(config_.keep_buffer_bytes);
    return out;
  }
  for (const std::string* h : {&f.hashes.md5, &f.hashes.sha1, &f.hashes.sha256}) {
    if (const auto* iocs = sigs_->FindHash(*h)) {
      for (const HashIoc& ioc : *iocs) {
        Reason r;
        r.type = "hash";
        r.name = ioc.hex;
        r.description = ioc.description;
        r.score = ioc.score;
        r.source = ioc.source;
        f.reasons.push_back(std::move(r));
      }
    }
  }

  // 5. YARA with the externals signature-base expects.
  f.filetype = std::string(DetectFileType(data.subspan(0, std::min(data.size(), kFileTypeHeaderBytes))));
  bool timed_out = false;
  bool yara_failed = false;
  if (yara_ || partition_) {
    auto scanner = ScannerFor(data);
    if (!scanner.ok()) {
      diag.Error(path, scanner.status().ToString());
      out.skipped = SkipReason::kError;
      return finish(out);
    }
    last_yara_ = *scanner;
    YaraExternalValues ev;
    ev.filename = name;
    ev.filepath = forms.display;
    ev.extension = ext.empty() ? "" : "." + ext;
    ev.filetype = f.filetype;
    ev.owner = f.file.owner;
    ev.md5 = f.hashes.md5;
    ev.filemode = st.mode;
    if (config_.yara_no_externals) ev = YaraExternalValues{};
    Status s = last_yara_->Scan(data, ev, &f.reasons);
    if (s.code() == Status::Code::kTimeout) {
      timed_out = true;
      diag.Warning(path, s.ToString());
    } else if (!s.ok()) {
      yara_failed = true;
      diag.Error(path, s.ToString());
    }
  }

  // 6. Native checks.
  if (checks_) {
    FileContext ctx{f.file, forms.unix_form, forms.windows_form, data, f.filetype, f.hashes};
    for (const auto& c : checks_->checks()) c->Run(ctx, &f.reasons);
  }

  if (timed_out) out.skipped = SkipReason::kTimeout;
  else out.scanned = true;
  out.clean = out.scanned && !yara_failed && f.reasons.empty();
  reader_.Trim(config_.keep_buffer_bytes);
  return finish(out);
}

}  // namespace harrier
