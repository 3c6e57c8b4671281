#include "scan/subject_scanner.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "scan/filetype.h"
#include "scan/intel_context.h"

namespace harrier {
namespace {

// Hashes block content as the bytes of the whole subject: each byte once
// (the overlap a block shares with the one before is skipped), and a gap
// between blocks or after the last one (a hole of a sparse file) as zeros,
// hashed from a zero buffer (no I/O), so the hashes equal those of the
// whole file (sha256sum's). Blocks are hashed as YARA reads them, until the
// first gap: hashing a hole's zeros takes time (seconds per GiB), which must
// not count against YARA's per-file timeout, so from a gap on the hashes
// are computed after the scan, in a pass of their own (a sparse file's data
// is read again; its holes never are).
class BlockHash {
 public:
  explicit BlockHash(Hasher& h) : h_(h) { h_.Begin(); }
  void Add(const ContentBlock& b) {
    if (deferred_) return;
    if (b.offset > done_ && in_scan_) {
      deferred_ = true;
      return;
    }
    const uint64_t end = b.offset + b.data.size();
    if (end <= done_) return;
    if (b.offset > done_) Zeros(b.offset - done_);
    const uint64_t skip = done_ > b.offset ? done_ - b.offset : 0;
    h_.Update(b.data.subspan(static_cast<size_t>(skip)));
    done_ = end;
  }
  // Hashes what the scan's pass did not (`pass_complete` false: YARA
  // stopped early; or a gap was met): the blocks are read again, from the
  // start when some were hashed, then the trailing zeros up to the size.
  Status Finish(BlockReader& r, bool pass_complete, Hashes* out) {
    in_scan_ = false;
    if ((!pass_complete || deferred_) && r.status().ok()) {
      if (done_ > 0 || deferred_) {
        if (!r.Rewind())
          return Status::Unsupported("block content ended early and cannot be read again");
      }
      if (deferred_) {  // from the start: the hasher holds the bytes before the gap
        h_.Begin();
        done_ = 0;
        deferred_ = false;
      }
      ContentBlock b;
      while (r.Next(&b)) Add(b);
    }
    if (!r.status().ok()) return r.status();
    if (done_ < r.size()) Zeros(r.size() - done_);
    *out = h_.Finish();
    return Status::Ok();
  }

 private:
  void Zeros(uint64_t n) {
    static const std::vector<uint8_t> kZeros(1u << 20, 0);
    while (n > 0) {
      size_t k = static_cast<size_t>(std::min<uint64_t>(n, kZeros.size()));
      h_.Update({kZeros.data(), k});
      n -= k;
    }
  }
  Hasher& h_;
  uint64_t done_ = 0;     // bytes [0, done_) hashed
  bool in_scan_ = true;   // Add is called from YARA's pass
  bool deferred_ = false; // a gap was met during the scan: hash after it
};

}  // namespace

SubjectScanner::SubjectScanner(std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
                         const ScanConfig& config)
    : sigs_(std::move(sigs)), checks_(checks), config_(config) {}

Result<std::unique_ptr<SubjectScanner>> SubjectScanner::Create(
    std::shared_ptr<const SignatureSet> sigs, const CheckRegistry* checks,
    const ScanConfig& config) {
  std::unique_ptr<SubjectScanner> fs(new SubjectScanner(sigs, checks, config));
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

const std::vector<std::string>& SubjectScanner::last_yara_ids() const {
  return last_yara_ ? last_yara_->last_rule_ids() : no_ids_;
}

Result<YaraScanner*> SubjectScanner::WholeScanner() {
  if (!yara_) {  // block content with partitioned sets: the whole set, made on first use
    auto whole = sigs_->yara.rules();
    if (!whole) return Status::Corrupt("the compiled YARA rules could not be loaded");
    auto y = YaraScanner::Create(whole, config_.yara, C2List());
    if (!y.ok()) return y.status();
    yara_ = std::move(*y);
  }
  return yara_.get();
}

Result<YaraScanner*> SubjectScanner::ScannerFor(std::span<const uint8_t> data) {
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

Result<YaraScanner*> SubjectScanner::PrefilteredScannerFor(size_t idx,
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

PathForms SubjectScanner::FormsOf(const Subject& subject) const {
  if (subject.containers.empty()) return MakePathForms(subject.path, config_.roots);
  // An image entry's path inside its volume, shown with the volume's drive
  // ("C:\Windows\x.dll") when it is a Windows system volume.
  if (subject.kind == SubjectKind::kImageEntry) {
    if (subject.drive.empty()) return MakePathForms(subject.path, {});
    return MakePathForms(subject.path, {RootMapping{"/", subject.drive}});
  }
  // A member's own path, rooted, so that patterns anchored at a separator
  // ("\\ffmpeg\.dll$") match a member at the container's top level too.
  return MakePathForms("/" + subject.path, {});
}

std::vector<Reason> SubjectScanner::PathReasons(Subject& subject) const {
  PathForms forms = FormsOf(subject);
  if (subject.containers.empty()) {
    subject.display_root = forms.display;
  } else if (subject.display_root.empty()) {
    subject.display_root = MakePathForms(subject.containers.front().path, config_.roots).display;
  }
  std::vector<Reason> out;
  for (const FilenameIoc* ioc : sigs_->filenames.Match(forms.unix_form, forms.windows_form)) {
    Reason r;
    r.kind = ReasonKind::kFilename;
    r.name = ioc->pattern;
    r.description = ioc->description;
    r.references = UrlsIn(ioc->description);
    r.score = ioc->score;
    r.source = ioc->source;
    out.push_back(std::move(r));
  }
  return out;
}

uint64_t SubjectScanner::ReadLimit(const Subject& subject, uint64_t limit) const {
  if (config_.max_package_db_size <= limit || !checks_) return limit;
  return checks_->Wants(FormsOf(subject).unix_form) ? config_.max_package_db_size : limit;
}

bool SubjectScanner::Selected(const Subject& subject, std::span<const uint8_t> header,
                              const std::vector<Reason>* path_reasons) const {
  if (config_.all_files) return true;
  std::string ext = ExtensionOf(subject.name);
  if (IsRelevantExtension(ext) || IsRelevantFileType(DetectFileType(header))) return true;
  if (!config_.rule_selection) return false;
  // Files a native check reads by path (var/lib/dpkg/status).
  if (checks_ && checks_->Wants(FormsOf(subject).unix_form)) return true;
  if (!sigs_) return false;
  // What the loaded signatures look for by name is read whatever its type.
  auto positive = [](const std::vector<Reason>& rs) {
    return std::any_of(rs.begin(), rs.end(), [](const Reason& r) { return r.score > 0; });
  };
  if (path_reasons) {
    if (positive(*path_reasons)) return true;
  } else if (sigs_->filenames.size() > 0) {
    Subject copy = subject;
    if (positive(PathReasons(copy))) return true;
  }
  // Where C2 indicators leave traces: shell and browser histories, logs,
  // the hosts file (intel_context.h, IsActivityRecord by name and path).
  if (!sigs_->c2.empty() && IsActivityRecord(subject.name, subject.path, "")) return true;
  if (sigs_->selection.empty()) return false;
  PathForms forms = FormsOf(subject);
  return sigs_->selection.Wants(subject.name, ext, forms.unix_form) ||
         (forms.windows_form != forms.unix_form &&
          sigs_->selection.Wants(subject.name, ext, forms.windows_form));
}

std::optional<Finding> SubjectScanner::Finish(Finding f) const {
  if (f.reasons.empty()) return std::nullopt;
  // A signature from an incident pack names its pack. The pack's remediation
  // (what to do about a compromise) stands in for one the signature lacks
  // only on a reason strong enough to make an Alert (incident_pack.h): a
  // Notice-level name or a neutralised indicator must not say "compromised".
  if (sigs_ && !sigs_->packs.empty()) {
    for (auto& r : f.reasons) {
      const IncidentPack* pack = PackOfSource(sigs_->packs, r.source);
      if (!pack) continue;
      if (r.remediation.empty() && r.score > config_.score.alert_sub) r.remediation = pack->remediation;
      r.details.emplace_back("pack", pack->id);
    }
  }
  ScoreFinding(f, config_.score);
  if (f.level < config_.report_level || f.level == Level::kNone) return std::nullopt;
  // False-positive filters (fp_filter.h): per-rule filters remove reasons,
  // global filters and allow-listed hashes hold the finding back. A finding
  // held back is still returned, marked, so that the report stage counts it.
  const FpFilters& filters = sigs_->fp_filters;
  if (!filters.empty() && !f.allowlisted) {
    std::string text = FindingFilterText(f);
    if (filters.has_rule_filters()) {
      std::vector<Reason> kept;
      std::string first_source;
      for (auto& r : f.reasons) {
        if (const FpFilterEntry* e = filters.MatchRule(r.name, text)) {
          ++f.filtered_reasons;
          if (first_source.empty()) first_source = e->source;
        } else {
          kept.push_back(std::move(r));
        }
      }
      if (f.filtered_reasons) {
        f.reasons = std::move(kept);
        ScoreFinding(f, config_.score);
        if (f.reasons.empty() || f.level < config_.report_level || f.level == Level::kNone)
          f.suppressed_by = "filter " + first_source;
      }
    }
    if (f.suppressed_by.empty()) {
      if (const FpFilterEntry* e = filters.MatchGlobal(text)) f.suppressed_by = "filter " + e->source;
    }
  }
  return f;
}

ScanOutcome SubjectScanner::Skipped(Subject subject, std::vector<Reason> reasons,
                                    SkipReason why) const {
  ScanOutcome out;
  out.skipped = why;
  Finding f;
  f.subject = std::move(subject);
  f.reasons = std::move(reasons);
  out.finding = Finish(std::move(f));
  return out;
}

bool SubjectScanner::HasMemoryRules() {
  if (memory_yara_) return true;
  if (memory_unavailable_ || !sigs_ || !sigs_->yara_memory) return false;
  auto rules = sigs_->yara_memory->Rules();
  if (rules) {
    auto y = YaraScanner::Create(rules, config_.yara, nullptr);
    if (y.ok()) memory_yara_ = std::move(*y);
  }
  memory_unavailable_ = !memory_yara_;
  return memory_yara_ != nullptr;
}

ScanOutcome SubjectScanner::CheckMemory(Subject subject, std::vector<Reason> reasons,
                                        BlockReader& blocks, Diagnostics& diag) {
  ScanOutcome out;
  last_yara_ = nullptr;
  Finding f;
  f.subject = std::move(subject);
  f.reasons = std::move(reasons);
  if (HasMemoryRules()) {
    last_yara_ = memory_yara_.get();
    Status s = memory_yara_->ScanBlocks(blocks, YaraExternalValues{}, &f.reasons, nullptr);
    if (s.code() == Status::Code::kTimeout) {
      out.skipped = SkipReason::kTimeout;
    } else if (!s.ok()) {
      // NotFound: the process exited while it was read (the caller counts it).
      if (s.code() != Status::Code::kNotFound) diag.Warning(ChainDisplay(f.subject), s.ToString());
      out.skipped = SkipReason::kError;
    }
  }
  out.scanned = !out.skipped;
  out.clean = out.scanned && f.reasons.empty();
  out.finding = Finish(std::move(f));
  return out;
}

ScanOutcome SubjectScanner::Check(Subject subject, std::vector<Reason> reasons,
                                  const Content& content, Diagnostics& diag) {
  ScanOutcome out;
  last_yara_ = nullptr;  // no YARA ids until this subject reaches YARA
  Finding f;
  f.subject = std::move(subject);
  f.reasons = std::move(reasons);
  const Subject& subj = f.subject;
  const std::string where = ChainRaw(subj);
  std::string ext = ExtensionOf(subj.name);
  std::span<const uint8_t> data = content.buffer;
  const bool blocks = content.is_blocks();

  // Hashes and hash IOCs. Block content is hashed as YARA reads it (below):
  // its hash IOCs and the known-good list apply after YARA.
  auto hash_reasons = [&]() -> bool {
    // An allow-listed hash: every check still runs, and the finding they
    // make is counted as suppressed, not reported (Finish).
    for (const std::string* h : {&f.hashes.md5, &f.hashes.sha1, &f.hashes.sha256}) {
      if (auto it = sigs_->fp_hashes.find(*h); !h->empty() && it != sigs_->fp_hashes.end()) {
        f.allowlisted = true;
        f.suppressed_by = "allow-list " + it->second;
        break;
      }
    }
    for (const std::string* h : {&f.hashes.md5, &f.hashes.sha1, &f.hashes.sha256}) {
      if (const auto* iocs = sigs_->FindHash(*h)) {
        for (const HashIoc& ioc : *iocs) {
          Reason r;
          r.kind = ReasonKind::kHash;
          r.name = ioc.hex;
          r.description = ioc.description;
          r.references = UrlsIn(ioc.description);
          r.score = ioc.score;
          r.source = ioc.source;
          f.reasons.push_back(std::move(r));
        }
      }
    }
    return true;
  };
  if (!blocks) {
    out.bytes = data.size();
    f.subject.file.size = data.size();
    f.hashes = hasher_.Compute(data);
    hash_reasons();
    f.filetype = std::string(
        DetectFileType(data.subspan(0, std::min(data.size(), kFileTypeHeaderBytes))));
  }

  // YARA with the externals signature-base expects. For a member, filepath
  // is its own path inside the container (with '\' in a Windows volume's
  // form, as THOR gives it for files).
  bool timed_out = false;
  bool yara_failed = false;
  if (yara_ || partition_) {
    auto scanner = blocks ? WholeScanner() : ScannerFor(data);
    if (!scanner.ok()) {
      diag.Error(where, scanner.status().ToString());
      out.skipped = SkipReason::kError;
      out.finding = Finish(std::move(f));
      return out;
    }
    last_yara_ = *scanner;
    YaraExternalValues ev;
    ev.filename = subj.name;
    ev.filepath = subj.containers.empty()                   ? subj.display_root
                  : subj.kind == SubjectKind::kImageEntry ? PresentedPath(subj)
                                                           : subj.path;
    ev.extension = ext.empty() ? "" : "." + ext;
    ev.filetype = f.filetype;
    ev.owner = subj.file.owner;
    ev.md5 = f.hashes.md5;
    ev.filemode = subj.file.mode;
    if (config_.yara_no_externals) ev = YaraExternalValues{};
    Status s;
    if (blocks) {
      BlockHash hash(hasher_);
      bool first = true;
      s = last_yara_->ScanBlocks(*content.blocks, ev, &f.reasons, [&](const ContentBlock& b) {
        if (first) {
          f.filetype = std::string(
              DetectFileType(b.data.subspan(0, std::min(b.data.size(), kFileTypeHeaderBytes))));
          first = false;
        }
        hash.Add(b);
      });
      // A timeout (or a reader error) ends YARA's pass early: the hashes are
      // finished with a pass of their own, so they are the whole content's.
      if (Status h = hash.Finish(*content.blocks, s.ok(), &f.hashes); !h.ok() && s.ok()) s = h;
      out.bytes = content.blocks->size();
    } else {
      s = last_yara_->Scan(data, ev, &f.reasons);
    }
    if (s.code() == Status::Code::kTimeout) {
      timed_out = true;
      diag.Warning(where, s.ToString());
    } else if (!s.ok()) {
      yara_failed = true;
      diag.Error(where, s.ToString());
    }
  } else if (blocks) {
    BlockHash hash(hasher_);
    Status h = hash.Finish(*content.blocks, /*pass_complete=*/false, &f.hashes);
    out.bytes = content.blocks->size();
    if (!h.ok()) {
      yara_failed = true;
      diag.Error(where, h.ToString());
    }
  }
  if (blocks) hash_reasons();

  // Native checks need the whole content in one buffer.
  if (checks_ && !blocks) {
    PathForms forms = FormsOf(subj);
    FileContext ctx{f.subject, forms.unix_form, forms.windows_form, data, f.filetype, f.hashes,
                    &diag};
    for (const auto& c : checks_->checks()) c->Run(ctx, &f.reasons);
  }

  // Installed-file integrity: an ELF file (or a script in a bin folder) of
  // a Debian package whose MD5 is not the one dpkg recorded.
  if (!blocks && config_.packages && subj.containers.empty() && !f.hashes.md5.empty() &&
      (f.filetype == "ELF" ||
       (!f.filetype.empty() && subj.path.find("bin/") != std::string::npos &&
        (f.filetype == "SHELL" || f.filetype == "Python" || f.filetype == "PERL")))) {
    if (const dpkg::InstalledFile* inst = config_.packages->Find(subj.path);
        inst && inst->md5 != f.hashes.md5) {
      Reason r;
      r.kind = ReasonKind::kCheck;
      r.name = "package.integrity";
      r.score = config_.package_integrity_score;
      r.description = fmt::format(
          "changed since installation: its MD5 differs from the one dpkg recorded for package {} "
          "(like debsums)",
          inst->package);
      r.remediation = fmt::format(
          "Find out who changed it and when (a local patch, a package manager outside dpkg, or a "
          "backdoored system file), compare it with the file from the package, and reinstall it "
          "(apt-get install --reinstall {}).",
          inst->package);
      r.source = "var/lib/dpkg/info/" + inst->package + ".md5sums";
      r.details = {{"package", inst->package}, {"recorded_md5", inst->md5}, {"md5", f.hashes.md5}};
      f.reasons.push_back(std::move(r));
    }
  }

  // Intel material and blocking contexts (intel_context.h).
  if (!blocks) {
    ContextInput ci{data, subj.name, where, f.filetype};
    ApplyIntelContext(
        f, ci, [this](const std::string& h) { return sigs_->FindHash(h) != nullptr; },
        config_.context);
  }

  if (timed_out) out.skipped = SkipReason::kTimeout;
  else if (yara_failed && blocks) out.skipped = SkipReason::kError;
  else out.scanned = true;
  out.clean = out.scanned && !yara_failed && f.reasons.empty();
  out.finding = Finish(std::move(f));
  return out;
}

}  // namespace harrier
