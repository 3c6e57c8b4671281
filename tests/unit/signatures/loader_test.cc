// LoadSignatures: the signature-base layout on a generated folder (exact
// counts, file:line diagnostics, the rest still loads), and ALL of
// ../shared/signature-base loaded once for the suite (counts asserted).
#include "signatures/loader.h"

#include <gtest/gtest.h>
#include <yara.h>

#include <algorithm>
#include <map>

#include "signatures/incident_pack.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::TempDir;

TEST(LoadSignatures, GeneratedFolderCountsAndDiagnostics) {
  TempDir t;
  t.Write("yara/good.yar", "rule g1 { condition: false }\nrule g2 { condition: false }\n");
  t.Write("yara/sub/more.yara", "rule g3 { condition: false }\n");
  t.Write("yara/broken.yar", "rule ok { condition: true }\nrule bad { condition: $x }\n");
  t.Write("yara/README.md", "not a rule");
  t.Write("iocs/hash-iocs.txt",
          "# c\nd41d8cd98f00b204e9800998ecf8427e;empty\nzz;bad\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;90;empty256\n");
  t.Write("iocs/falsepositive-hashes.txt", "da39a3ee5e6b4b0d3255bfef95601890afd80709;known\n");
  t.Write("iocs/filename-iocs.txt", "# d\n\\\\evil\\.exe;80\n(bad;50\nnoscore\n");
  t.Write("iocs/c2-iocs.txt", "evil.example.com\nbad entry\n");
  t.Write("iocs/keywords.txt", "ignored\n");
  Diagnostics d;
  LoadReport rep;
  auto s = LoadSignatures({.folders = {t.path()}}, d, &rep);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  const RuleStats& st = (*s)->stats;
  EXPECT_EQ(st.yara_files, 3u);
  EXPECT_EQ(st.yara_files_failed, 1u);
  EXPECT_EQ(st.yara_rules, 3u);
  EXPECT_EQ(st.hash_iocs, 2u);
  EXPECT_EQ(st.fp_hashes, 1u);
  EXPECT_EQ(st.filename_iocs, 1u);
  EXPECT_EQ(st.c2_iocs, 1u);
  EXPECT_EQ(st.ioc_lines_failed, 4u);  // hash:3, filename:3 (regex), filename:4, c2:2
  std::vector<std::string> wheres;
  for (const auto& x : d.Snapshot())
    if (x.severity == Diagnostic::Severity::kError) wheres.push_back(x.where);
  std::sort(wheres.begin(), wheres.end());
  EXPECT_EQ(wheres, (std::vector<std::string>{
                        t.path() + "/iocs/c2-iocs.txt:2", t.path() + "/iocs/filename-iocs.txt:3",
                        t.path() + "/iocs/filename-iocs.txt:4", t.path() + "/iocs/hash-iocs.txt:3",
                        t.path() + "/yara/broken.yar:2"}));
  ASSERT_NE((*s)->FindHash("d41d8cd98f00b204e9800998ecf8427e"), nullptr);
  EXPECT_EQ((*s)->FindHash("d41d8cd98f00b204e9800998ecf8427e")->front().description, "empty");
  EXPECT_EQ((*s)->folders, std::vector<std::string>{t.path()});
  size_t ignored = 0, failed_yara = 0;
  for (const auto& f : rep.files) {
    ignored += f.kind == "ignored";
    failed_yara += f.kind == "yara" && f.errors > 0;
  }
  EXPECT_EQ(ignored, 1u);  // keywords.txt
  EXPECT_EQ(failed_yara, 1u);
}

TEST(LoadSignatures, FlatFolder) {
  TempDir t;
  t.Write("r.yar", "rule flat { condition: false }\n");
  t.Write("my-hashes.txt", "d41d8cd98f00b204e9800998ecf8427e\n");
  Diagnostics d;
  auto s = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ((*s)->stats.yara_rules, 1u);
  EXPECT_EQ((*s)->stats.hash_iocs, 1u);
}

TEST(LoadSignatures, MissingFolderFails) {
  Diagnostics d;
  auto s = LoadSignatures({.folders = {"/nonexistent/harrier-sigs"}}, d);
  EXPECT_FALSE(s.ok());
}

TEST(LoadSignatures, DigestChangesWithContent) {
  TempDir t;
  t.Write("iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;a\n");
  Diagnostics d;
  auto a = LoadSignatures({.folders = {t.path()}}, d);
  t.Write("iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;b\n");
  auto b = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->stats.digest, (*b)->stats.digest);
}

// The native checks read DIR/checks/; a change there must change the digest
// that keys the scan cache, or cached-clean files would skip the new data.
TEST(LoadSignatures, DigestCoversNativeCheckData) {
  TempDir t;
  t.Write("iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;a\n");
  t.Write("checks/data.json", "{\"a\": 1}\n");
  Diagnostics d;
  auto a = LoadSignatures({.folders = {t.path()}}, d);
  t.Write("checks/data.json", "{\"a\": 2}\n");
  auto b = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->stats.digest, (*b)->stats.digest);
}

// Incident packs (incident_pack.h): DIR/packs/NAME/ folders load in name
// order, each with its manifest; their checks/ folders are listed for the
// native checks; a folder that only holds packs is not also read flat.
TEST(LoadSignatures, PacksLoadFromAPacksFolderWithTheirChecks) {
  TempDir t;
  t.Write("packs/b-two/pack.json",
          R"({"format":1,"id":"two","title":"Two","remediation":"fix two"})");
  t.Write("packs/b-two/iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;90;two\n");
  t.Write("packs/b-two/checks/two.json", "{\"format\": 1}\n");
  t.Write("packs/a-one/pack.json",
          R"({"format":1,"id":"one","title":"One","remediation":"fix one"})");
  t.Write("packs/a-one/yara/one.yar", "rule one { condition: false }\n");
  t.Write("packs/a-one/iocs/c2-iocs.txt", "one.example.org;90\n");
  Diagnostics d;
  LoadReport rep;
  auto s = LoadSignatures({.folders = {t.path()}}, d, &rep);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(d.error_count(), 0u);
  const SignatureSet& set = **s;
  ASSERT_EQ(set.packs.size(), 2u);
  EXPECT_EQ(set.packs[0].id, "one");
  EXPECT_EQ(set.packs[0].folder, t.path() + "/packs/a-one");
  EXPECT_EQ(set.packs[1].id, "two");
  EXPECT_EQ(set.stats.packs, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(set.check_dirs, std::vector<std::string>{t.path() + "/packs/b-two/checks"});
  EXPECT_EQ(set.stats.yara_rules, 1u);
  EXPECT_EQ(set.stats.hash_iocs, 1u);  // once: the container is not read flat as well
  EXPECT_EQ(set.stats.c2_iocs, 1u);
  const auto* h = set.FindHash("d41d8cd98f00b204e9800998ecf8427e");
  ASSERT_NE(h, nullptr);
  ASSERT_NE(PackOfSource(set.packs, h->front().source), nullptr);
  EXPECT_EQ(PackOfSource(set.packs, h->front().source)->id, "two");
  EXPECT_EQ(set.folders, std::vector<std::string>{t.path()});
}

TEST(LoadSignatures, AFolderWithItsOwnManifestIsOnePack) {
  TempDir t;
  t.Write("pack.json", R"({"format":1,"id":"mine","title":"Mine","remediation":"r"})");
  t.Write("iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;90;x\n");
  Diagnostics d;
  auto s = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ((*s)->packs.size(), 1u);
  EXPECT_EQ((*s)->packs[0].folder, t.path());
  EXPECT_EQ((*s)->stats.hash_iocs, 1u);
}

TEST(LoadSignatures, ABadManifestIsAnErrorAndTheSignaturesStillLoad) {
  TempDir t;
  t.Write("packs/x/pack.json", R"({"format":1,"id":"x"})");
  t.Write("packs/x/iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;90;x\n");
  t.Write("packs/y/iocs/hash-iocs.txt", "da39a3ee5e6b4b0d3255bfef95601890afd80709;90;y\n");
  Diagnostics d;
  auto s = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(s.ok());
  std::vector<std::string> wheres;
  for (const auto& x : d.Snapshot())
    if (x.severity == Diagnostic::Severity::kError) wheres.push_back(x.where);
  EXPECT_EQ(wheres, (std::vector<std::string>{t.path() + "/packs/x/pack.json",
                                               t.path() + "/packs/y/pack.json"}));
  EXPECT_TRUE((*s)->packs.empty());
  EXPECT_EQ((*s)->stats.hash_iocs, 2u);
}

TEST(LoadSignatures, ASecondPackWithTheSameIdDoesNotLoadAgain) {
  TempDir a, b;
  for (TempDir* t : {&a, &b}) {
    t->Write("pack.json", R"({"format":1,"id":"same","title":"S","remediation":"r"})");
    t->Write("iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;90;x\n");
  }
  Diagnostics d;
  auto s = LoadSignatures({.folders = {a.path(), b.path()}}, d);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(d.error_count(), 1u);
  EXPECT_NE(d.Snapshot().front().message.find("already loaded from " + a.path()), std::string::npos);
  EXPECT_EQ((*s)->packs.size(), 1u);
  EXPECT_EQ((*s)->FindHash("d41d8cd98f00b204e9800998ecf8427e")->size(), 1u);
}

// A manifest is part of the digest: a changed remediation changes reports.
TEST(LoadSignatures, DigestCoversPackManifests) {
  TempDir t;
  t.Write("packs/p/iocs/hash-iocs.txt", "d41d8cd98f00b204e9800998ecf8427e;a\n");
  t.Write("packs/p/pack.json", R"({"format":1,"id":"p","title":"P","remediation":"r1"})");
  Diagnostics d;
  auto a = LoadSignatures({.folders = {t.path()}}, d);
  t.Write("packs/p/pack.json", R"({"format":1,"id":"p","title":"P","remediation":"r2"})");
  auto b = LoadSignatures({.folders = {t.path()}}, d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->stats.digest, (*b)->stats.digest);
}

// The C2 indicators are compiled into few generated rules (namespace
// harrier_c2, one per score, at most kC2MaxStringsPerRule strings each);
// those rules are not counted as YARA rules, compiled or from the cache.
TEST(LoadSignatures, GeneratedC2RulesAreNotCountedAsYaraRules) {
  TempDir cache, t;
  t.Write("yara/r.yar", "rule only_rule { condition: false }\n");
  std::string c2;
  for (int i = 0; i < 2500; ++i) c2 += "host" + std::to_string(i) + ".example.net\n";
  c2 += "other.example.net;60\n";
  t.Write("iocs/c2-iocs.txt", c2);
  for (bool from_cache : {false, true}) {
    Diagnostics d;
    auto s = LoadSignatures({.folders = {t.path()}, .rules_cache_dir = cache.path()}, d);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_EQ((*s)->stats.rules_from_cache, from_cache);
    EXPECT_EQ((*s)->stats.yara_files, 1u);
    EXPECT_EQ((*s)->stats.yara_rules, 1u);
    EXPECT_EQ((*s)->stats.c2_iocs, 2501u);
    EXPECT_EQ((*s)->yara->rule_count(), 1u + 3u + 1u);  // score 75: 3 rules, score 60: 1
    EXPECT_EQ(d.error_count(), 0u);
  }
}

// Regression: compiled rules keep each file's absolute path as namespace
// (the reason's source), so a copy of the same rules in another folder must
// not hit the compiled-rules cache entry of the first one.
TEST(LoadSignatures, SameContentInAnotherFolderHasAnotherDigestAndSource) {
  TempDir cache, t1, t2;
  const char* rule = "rule R { strings: $a = \"harrier-digest-test\" condition: $a }\n";
  t1.Write("yara/r.yar", rule);
  t2.Write("yara/r.yar", rule);
  Diagnostics d;
  auto a = LoadSignatures({.folders = {t1.path()}, .rules_cache_dir = cache.path()}, d);
  auto b = LoadSignatures({.folders = {t2.path()}, .rules_cache_dir = cache.path()}, d);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->stats.digest, (*b)->stats.digest);
  ASSERT_TRUE((*b)->yara);
  YR_RULE* r;
  yr_rules_foreach((*b)->yara->get(), r) {
    EXPECT_EQ(std::string(r->ns->name).rfind(t2.path(), 0), 0u) << r->ns->name;
  }
}

// One load of the full signature-base for the whole suite.
class SignatureBase : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(testing::SignatureBaseDir());
    if (dir_->empty()) return;
    diag_ = new Diagnostics();
    report_ = new LoadReport();
    auto s = LoadSignatures({.folders = {*dir_}}, *diag_, report_);
    if (s.ok()) sigs_ = new std::shared_ptr<const SignatureSet>(*s);
  }
  static void TearDownTestSuite() {
    delete sigs_;
    delete report_;
    delete diag_;
    delete dir_;
    sigs_ = nullptr;
  }
  void SetUp() override {
    if (dir_->empty())
      GTEST_SKIP() << "../shared/signature-base not found next to the repository "
                      "(set HARRIER_SHARED_DIR); skipping the full signature-base load";
    ASSERT_NE(sigs_, nullptr) << "LoadSignatures failed on " << *dir_;
  }
  static std::string* dir_;
  static Diagnostics* diag_;
  static LoadReport* report_;
  static std::shared_ptr<const SignatureSet>* sigs_;
};
std::string* SignatureBase::dir_ = nullptr;
Diagnostics* SignatureBase::diag_ = nullptr;
LoadReport* SignatureBase::report_ = nullptr;
std::shared_ptr<const SignatureSet>* SignatureBase::sigs_ = nullptr;

TEST_F(SignatureBase, LoadsEverythingWithoutErrors) {
  const RuleStats& st = (*sigs_)->stats;
  EXPECT_EQ(st.yara_files, 741u);
  EXPECT_EQ(st.yara_files_failed, 0u);
  EXPECT_EQ(st.yara_rules, 5883u);
  EXPECT_EQ(st.hash_iocs, 3224u);
  EXPECT_EQ(st.filename_iocs, 3828u);
  EXPECT_EQ(st.c2_iocs, 1844u);
  // The C2 indicators take 4 generated rules: score 65 (6), score 75 shorter
  // than kC2LongIndicator (434) and score 75 longer (1,404, split in two).
  EXPECT_EQ((*sigs_)->yara->rule_count(), 5883u + 4u);
  EXPECT_EQ(st.fp_hashes, 0u);
  EXPECT_EQ(st.ioc_lines_failed, 0u);
  EXPECT_EQ(diag_->error_count(), 0u);
  for (const auto& d : diag_->Snapshot())
    EXPECT_NE(d.severity, Diagnostic::Severity::kError) << d.where << ": " << d.message;
}

TEST_F(SignatureBase, EveryIocFileHasAType) {
  std::map<std::string, size_t> kinds;
  for (const auto& f : report_->files) ++kinds[f.kind];
  EXPECT_EQ(kinds["yara"], 741u);
  EXPECT_EQ(kinds["hash"], 1u);
  EXPECT_EQ(kinds["filename"], 1u);
  EXPECT_EQ(kinds["c2"], 1u);
  EXPECT_EQ(kinds["ignored"], 2u);  // README.txt, keywords.txt
}

TEST_F(SignatureBase, WindowsFilenamePatternMatchesOnLinux) {
  // signature-base writes `\\usbclass\.sys`-style Windows patterns.
  const PathMatcher& m = (*sigs_)->filenames;
  auto hits = m.Match("/tmp/x/usbclass.sys", "\\tmp\\x\\usbclass.sys");
  auto slow = m.MatchSlow("/tmp/x/usbclass.sys", "\\tmp\\x\\usbclass.sys");
  EXPECT_EQ(hits, slow);
  bool found = false;
  for (const auto* i : hits) found |= i->pattern.find("usbclass") != std::string::npos;
  EXPECT_TRUE(found) << "expected the usbclass.sys IOC of filename-iocs.txt to match";
}

TEST_F(SignatureBase, FastAndSlowFilenameMatchingAgreeOnManyPaths) {
  const PathMatcher& m = (*sigs_)->filenames;
  const char* paths[] = {"/usr/bin/ls", "/tmp/a.exe", "/tmp/usbclass.sys", "/root/.bash_history",
                         "/var/tmp/x/svchost.exe", "/home/u/Desktop/payload.ps1",
                         "/mnt/c/Windows/System32/svchost.exe", "/tmp/\xff\xfe.dll"};
  for (const char* p : paths) {
    std::string w(p);
    std::replace(w.begin(), w.end(), '/', '\\');
    EXPECT_EQ(m.Match(p, w), m.MatchSlow(p, w)) << p;
  }
}

}  // namespace
}  // namespace harrier
