#include "signatures/yara_partition.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <map>
#include <unordered_set>

#include <fmt/format.h>

#include "core/units.h"
#include "platform/fs.h"
#include "signatures/rules_cache.h"
#include "signatures/yara_source.h"

namespace harrier {

namespace {

std::string MetaPath(const std::string& dir, const std::string& digest) {
  return fmt::format("{}/part-{}-f{}.meta", dir, digest, kPartitionFormat);
}
// `lean`: the digest of the rules a lean set leaves out; empty for a class set.
std::string SetPath(const std::string& dir, const std::string& digest, size_t idx,
                    const std::string& lean = "") {
  return lean.empty() ? fmt::format("{}/part-{}-f{}-{}.yarc", dir, digest, kPartitionFormat, idx)
                      : fmt::format("{}/part-{}-f{}-{}-lean-{}.yarc", dir, digest, kPartitionFormat,
                                    idx, lean);
}

// `sources` without the rules named in `drop` (namespace + '\0' + name).
// A file the splitter cannot read is kept whole (more rules is never wrong).
std::vector<YaraSource> WithoutRules(const std::vector<YaraSource>& sources,
                                     const std::unordered_set<std::string>& drop) {
  std::vector<YaraSource> out;
  for (const auto& src : sources) {
    auto split = SplitYara(src.text);
    if (!split.ok()) {
      out.push_back(src);
      continue;
    }
    YaraSource lean{src.name, {}};
    size_t at = 0;
    for (const auto& r : split->rules) {
      if (!drop.count(src.name + '\0' + r.name)) continue;
      lean.text.append(src.text, at, r.begin - at);
      at = r.end;
    }
    lean.text.append(src.text, at, std::string::npos);
    out.push_back(std::move(lean));
  }
  return out;
}

}  // namespace

std::shared_ptr<const YaraPartition> YaraPartition::Create(std::vector<YaraSource> sources,
                                                           YaraRulesHandle fallback,
                                                           const Options& opts) {
  auto p = std::make_shared<YaraPartition>();
  p->sources_ = std::move(sources);
  p->fallback_ = std::move(fallback);
  p->opts_ = opts;
  // The plan depends on its limits too: they are part of the cache key.
  const PartitionOptions& po = opts.plan;
  p->opts_.digest = fmt::format("{}-m{}.{}.{}-c{}.{}.{}", opts.digest, po.max_magics,
                                po.min_magic_rules, po.magic_permille, po.max_cuts,
                                po.min_cut_rules, po.cut_permille);
  if (!p->opts_.cache_dir.empty() && p->LoadMeta()) {
    p->plan_from_cache_ = true;
  } else {
    const PartitionSources& a = p->Sources();
    p->plan_ = a.plan;
    p->stats_ = a.stats;
    std::map<std::string, uint32_t> by_text;  // identical sources share a set
    for (size_t cls = 0; cls < a.per_class.size(); ++cls) {
      std::string key;
      for (const auto& s : a.per_class[cls]) key += s.name + '\0' + s.text + '\0';
      auto [it, inserted] = by_text.emplace(std::move(key), static_cast<uint32_t>(p->first_class_of_set_.size()));
      if (inserted) p->first_class_of_set_.push_back(static_cast<uint32_t>(cls));
      p->set_of_class_.push_back(it->second);
    }
    p->set_count_ = p->first_class_of_set_.size();
    if (!p->opts_.cache_dir.empty()) p->SaveMeta();
  }
  p->stats_.sets = p->set_count_;
  p->slots_ = std::make_unique<Slot[]>(p->set_count_);
  return p;
}

const PartitionSources& YaraPartition::Sources() const {
  std::call_once(analysed_, [&] { analysis_ = PartitionYaraSources(sources_, opts_.plan); });
  return analysis_;
}

const std::vector<PrefilterRule>& YaraPartition::PrefilterRules() const {
  std::call_once(prefiltered_, [&] { prefilter_ = FindPrefilterRules(sources_); });
  return prefilter_;
}

PartitionStats YaraPartition::stats() const {
  PartitionStats s = stats_;
  s.sets_failed = sets_failed_.load();
  return s;
}

std::shared_ptr<const YaraRules> YaraPartition::Set(size_t idx) const {
  Slot& slot = slots_[idx];
  std::call_once(slot.once, [&] { slot.rules = Build(idx); });
  return slot.rules;
}

std::shared_ptr<const YaraRules> YaraPartition::Build(size_t idx) const {
  auto rules = LoadOrCompile(idx, /*lean=*/false);
  if (!rules) {
    ++sets_failed_;
    return fallback_.rules();
  }
  return rules;
}

std::shared_ptr<const YaraRules> YaraPartition::LoadOrCompile(size_t idx, bool lean) const {
  const std::vector<std::string>& extra = fallback_.extra_externals();
  const std::string path = opts_.cache_dir.empty() ? ""
                           : SetPath(opts_.cache_dir, opts_.digest, idx, lean ? LeanDigest() : "");
  if (!path.empty()) {
    if (auto bytes = ReadSealedFile(path, opts_.digest, kMaxCacheFileBytes); bytes.ok()) {
      auto cached = YaraRules::Deserialize(*bytes, extra);
      if (cached.ok()) return std::move(*cached);
    }
  }
  const PartitionSources& a = Sources();
  // The analysis is deterministic; a cached plan that does not agree with
  // it (another Harrier wrote it?) is not trusted.
  if (a.plan.magics != plan_.magics || a.plan.size_cuts != plan_.size_cuts ||
      idx >= first_class_of_set_.size())
    return nullptr;
  const auto& sources = a.per_class[first_class_of_set_[idx]];
  Result<std::shared_ptr<const YaraRules>> rules =
      lean ? CompileYaraStrict(WithoutRules(sources, LeanLeftOut()), extra)
           : CompileYaraStrict(sources, extra);
  if (!rules.ok()) return nullptr;
  if (!path.empty() && platform::MakePrivateDir(opts_.cache_dir).ok()) {
    if (auto bytes = (*rules)->Serialize(); bytes.ok())
      (void)WriteSealedFile(path, opts_.digest, *bytes);  // best effort: a miss next time
  }
  return std::move(*rules);
}

const std::unordered_set<std::string>& YaraPartition::LeanLeftOut() const {
  std::call_once(left_out_once_, [&] {
    std::vector<std::string> names;
    for (const auto& r : PrefilterRules()) {
      size_t shortest = SIZE_MAX;
      for (const auto& l : r.literals) shortest = std::min(shortest, l.size());
      bool rare = opts_.lean_gate_min > 0 && shortest >= opts_.lean_gate_min;
      if (r.slow || rare) names.push_back(r.ns + '\0' + r.name);
    }
    std::sort(names.begin(), names.end());
    CacheDigest d;
    for (const auto& n : names) d.Add(n);
    left_out_digest_ = d.Hex().substr(0, 16);
    left_out_.insert(names.begin(), names.end());
  });
  return left_out_;
}

const std::string& YaraPartition::LeanDigest() const {
  LeanLeftOut();
  return left_out_digest_;
}

std::shared_ptr<const YaraRules> YaraPartition::PrivateLeanCopy(size_t idx) const {
  // Never a copy of a shared set in memory: yr_rules_save_stream rewrites
  // the arena's pointers while it writes, under the feet of its scanners.
  // Not through Set(idx) either: a file that takes the lean set never needs
  // the shared class set loaded.
  return LoadOrCompile(idx, /*lean=*/true);
}

void YaraPartition::SaveMeta() const {
  if (!platform::MakePrivateDir(opts_.cache_dir).ok()) return;
  std::ostringstream out;
  out << "harrier-partition " << kPartitionFormat << "\n";
  out << "magics";
  for (const auto& m : plan_.magics) out << ' ' << HexEncode(m);
  out << "\ncuts";
  for (uint64_t c : plan_.size_cuts) out << ' ' << c;
  out << "\nclasses";
  for (uint32_t s : set_of_class_) out << ' ' << s;
  out << "\nfirsts";
  for (uint32_t c : first_class_of_set_) out << ' ' << c;
  out << "\nrules";
  for (uint64_t r : stats_.rules_per_class) out << ' ' << r;
  out << "\npe";
  for (bool b : stats_.pe_per_class) out << ' ' << (b ? 1 : 0);
  out << "\nstats " << stats_.files << ' ' << stats_.files_unsplit << ' ' << stats_.rules << ' '
      << stats_.leaves_magic << ' ' << stats_.leaves_size << ' ' << stats_.leaves_pe << ' '
      << stats_.leaves_ref << ' ' << stats_.probe_leaves << "\nend\n";
  (void)WriteSealedFile(MetaPath(opts_.cache_dir, opts_.digest), opts_.digest, out.str());
  PruneCacheEntries(opts_.cache_dir, "part-", 4);  // the plans of the 4 newest digests
}

bool YaraPartition::LoadMeta() {
  auto text = ReadSealedFile(MetaPath(opts_.cache_dir, opts_.digest), opts_.digest, 1 << 20);
  if (!text.ok()) return false;
  std::istringstream in(*text);
  std::string line;
  if (!std::getline(in, line) || line != fmt::format("harrier-partition {}", kPartitionFormat))
    return false;
  bool end = false;
  PartitionPlan plan;
  std::vector<uint32_t> classes, firsts;
  PartitionStats st;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::string key;
    ls >> key;
    if (key == "magics") {
      std::string h;
      while (ls >> h) {
        auto m = HexDecode(h);
        if (!m) return false;
        plan.magics.push_back(std::move(*m));
      }
    } else if (key == "cuts") {
      uint64_t v;
      while (ls >> v) plan.size_cuts.push_back(v);
    } else if (key == "classes" || key == "firsts") {
      uint32_t v;
      auto& dst = key == "classes" ? classes : firsts;
      while (ls >> v) dst.push_back(v);
    } else if (key == "rules") {
      uint64_t v;
      while (ls >> v) st.rules_per_class.push_back(v);
    } else if (key == "pe") {
      int v;
      while (ls >> v) st.pe_per_class.push_back(v != 0);
    } else if (key == "stats") {
      ls >> st.files >> st.files_unsplit >> st.rules >> st.leaves_magic >> st.leaves_size >>
          st.leaves_pe >> st.leaves_ref >> st.probe_leaves;
    } else if (key == "end") {
      end = true;
    }
  }
  if (!end || classes.size() != plan.classes() || firsts.empty()) return false;
  for (uint32_t c : classes)
    if (c >= firsts.size()) return false;
  for (uint32_t f : firsts)
    if (f >= classes.size()) return false;
  plan_ = std::move(plan);
  set_of_class_ = std::move(classes);
  first_class_of_set_ = std::move(firsts);
  set_count_ = first_class_of_set_.size();
  stats_ = std::move(st);
  return true;
}

}  // namespace harrier
