// PathMatcher: the separator rule (Windows patterns see the Windows form of
// the path, Unix patterns the Unix form), false-positive suppression, bad
// regexes as diagnostics, and Match vs MatchSlow.
#include "signatures/path_matcher.h"

#include <gtest/gtest.h>

#include <random>

#include "scan/path_forms.h"

namespace harrier {
namespace {

FilenameIoc Ioc(std::string pattern, int score, std::string fp = "") {
  FilenameIoc i;
  i.pattern = std::move(pattern);
  i.score = score;
  i.fp_pattern = std::move(fp);
  i.source = "test:1";
  return i;
}

std::vector<std::string> Patterns(const PathMatcher& m, const std::string& path,
                                  const std::vector<RootMapping>& roots = {}) {
  PathForms f = MakePathForms(path, roots);
  std::vector<std::string> out;
  for (const auto* i : m.Match(f.unix_form, f.windows_form)) out.push_back(i->pattern);
  std::vector<std::string> slow;
  for (const auto* i : m.MatchSlow(f.unix_form, f.windows_form)) slow.push_back(i->pattern);
  EXPECT_EQ(out, slow) << "Match and MatchSlow disagree on " << path;
  return out;
}

PathMatcher Build(std::vector<FilenameIoc> iocs) {
  PathMatcher m;
  Diagnostics d;
  m.Add(std::move(iocs), d);
  EXPECT_EQ(d.error_count(), 0u);
  EXPECT_TRUE(m.Compile().ok());
  return m;
}

TEST(PathMatcher, FormsFor) {
  EXPECT_EQ(PathMatcher::FormsFor("\\\\usbclass\\.sys"), PathMatcher::kWindows);
  EXPECT_EQ(PathMatcher::FormsFor("/tmp/\\.x"), PathMatcher::kUnix);
  EXPECT_EQ(PathMatcher::FormsFor("evil\\.exe"), PathMatcher::kUnix);
  EXPECT_EQ(PathMatcher::FormsFor("\\\\a/b"), PathMatcher::kUnix | PathMatcher::kWindows);
}

TEST(PathMatcher, WindowsPatternMatchesUnixPathViaWindowsForm) {
  auto m = Build({Ioc("\\\\usbclass\\.sys", 80)});
  EXPECT_EQ(Patterns(m, "/x/usbclass.sys"), std::vector<std::string>{"\\\\usbclass\\.sys"});
  EXPECT_TRUE(Patterns(m, "/x/notusbclass.sys").empty());
  EXPECT_TRUE(Patterns(m, "usbclass.sys").empty());  // no separator before it
}

TEST(PathMatcher, UnixPatternMatchesOnlyUnixForm) {
  auto m = Build({Ioc("/tmp/\\.evil", 70)});
  EXPECT_EQ(Patterns(m, "/tmp/.evil"), std::vector<std::string>{"/tmp/\\.evil"});
  // The Windows form of this path has no '/', so a Unix pattern can never
  // match a Windows-form path: the pattern does not see "\\tmp\\.evil".
  PathForms f = MakePathForms("/tmp/.evil", {});
  EXPECT_EQ(f.windows_form, "\\tmp\\.evil");
  EXPECT_TRUE(m.Match("", f.windows_form).empty());
}

TEST(PathMatcher, WindowsPatternDoesNotSeeUnixForm) {
  auto m = Build({Ioc("\\\\x\\\\y", 60)});
  EXPECT_EQ(m.Match("/a\\x\\y", "\\zzz").size(), 0u);   // only the windows form counts
  EXPECT_EQ(m.Match("/zzz", "\\a\\x\\y").size(), 1u);
}

TEST(PathMatcher, MixedPatternTriedAgainstBothForms) {
  auto m = Build({Ioc("\\\\win|/unix", 60)});
  EXPECT_EQ(Patterns(m, "/a/win").size(), 1u);   // via windows form
  EXPECT_EQ(Patterns(m, "/unix/a").size(), 1u);  // via unix form
  EXPECT_EQ(Patterns(m, "/other").size(), 0u);
}

TEST(PathMatcher, MappedDriveRoot) {
  auto m = Build({Ioc("C:\\\\Windows\\\\Temp\\\\evil\\.exe", 80)});
  PathForms f = MakePathForms("/mnt/img/Windows/Temp/evil.exe", {{"/mnt/img", "C:"}});
  EXPECT_EQ(f.windows_form, "C:\\Windows\\Temp\\evil.exe");
  EXPECT_EQ(f.unix_form, "/Windows/Temp/evil.exe");
  EXPECT_EQ(m.Match(f.unix_form, f.windows_form).size(), 1u);
}

TEST(PathMatcher, FalsePositivePatternSuppresses) {
  auto m = Build({Ioc("\\\\svchost\\.exe", 65, "\\\\System32\\\\")});
  EXPECT_EQ(Patterns(m, "/mnt/Temp/svchost.exe").size(), 1u);
  EXPECT_TRUE(Patterns(m, "/mnt/Windows/System32/svchost.exe").empty());
}

TEST(PathMatcher, UnixFalsePositivePatternSuppresses) {
  auto m = Build({Ioc("/\\.hidden", 60, "^/home/")});
  EXPECT_EQ(Patterns(m, "/tmp/.hidden").size(), 1u);
  EXPECT_TRUE(Patterns(m, "/home/u/.hidden").empty());
}

TEST(PathMatcher, EachIocOnceAndBadRegexIsDiagnostic) {
  PathMatcher m;
  Diagnostics d;
  m.Add({Ioc("\\\\a|/a", 50), Ioc("(bad", 50), Ioc("ok", 40, "(badfp")}, d);
  ASSERT_TRUE(m.Compile().ok());
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(d.error_count(), 2u);
  for (const auto& x : d.Snapshot()) EXPECT_EQ(x.where, "test:1");
  EXPECT_EQ(Patterns(m, "/a/a").size(), 1u);  // matched in both forms, reported once
}

TEST(PathMatcher, NegativeScoresAreKept) {
  auto m = Build({Ioc("/usr/bin/", -40)});
  auto hits = m.Match("/usr/bin/ls", "\\usr\\bin\\ls");
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0]->score, -40);
}

TEST(PathMatcher, MatchEqualsMatchSlowOnGeneratedPaths) {
  std::vector<FilenameIoc> iocs;
  const char* pats[] = {"\\\\a\\.exe", "/tmp/", "\\\\Temp\\\\", "b\\d", "(?i)\\\\WIN", "\\\\x|/y",
                        "^/home/[^/]+/\\.", "\\.(sys|dll)$"};
  for (const char* p : pats) iocs.push_back(Ioc(p, 50, std::string(p) == "/tmp/" ? "keep" : ""));
  auto m = Build(std::move(iocs));
  std::mt19937 rng(99);
  const char* parts[] = {"a.exe", "tmp", "Temp", "b1", "win", "x", "y", "home", ".cfg", "k.sys",
                         "keep", "\xff"};
  size_t hits = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string p;
    for (int k = std::uniform_int_distribution<int>(1, 5)(rng); k > 0; --k)
      p += std::string("/") + parts[std::uniform_int_distribution<int>(0, 11)(rng)];
    hits += Patterns(m, p).size();
  }
  EXPECT_GT(hits, 500u);
}

// Issue 3: Windows path IOCs are case-insensitive on the Windows form, in
// both directions, and apply to mounted images through the root mapping.
const std::vector<RootMapping> kWin = {{"/mnt/win", "C:"}};

size_t Hits(const PathMatcher& m, const std::string& path, const std::vector<RootMapping>& roots) {
  return Patterns(m, path, roots).size();
}

TEST(PathMatcherWindowsCase, LowerCaseIocMatchesMixedCaseImagePath) {
  auto m = Build({Ioc(R"(C:\\Windows\\system32\\krwve\.jat$)", 80)});
  EXPECT_EQ(Hits(m, "/mnt/win/Windows/System32/krwve.jat", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/WINDOWS/SYSTEM32/KRWVE.JAT", kWin), 1u);
  // Not under a mapped root: no drive letter, no match for a C:\ pattern.
  EXPECT_EQ(Hits(m, "/mnt/win/Windows/System32/krwve.jat", {}), 0u);
}

TEST(PathMatcherWindowsCase, MixedCaseIocMatchesLowerCaseImagePath) {
  auto m = Build({Ioc(R"(\\Windows\\System32\\MsMpEng\.exe$)", 80)});
  EXPECT_EQ(Hits(m, "/mnt/win/windows/system32/msmpeng.exe", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/windows/system32/other.exe", kWin), 0u);
}

TEST(PathMatcherWindowsCase, FalsePositivePatternIsCaseInsensitiveToo) {
  auto m = Build({Ioc(R"(\\ProgramData\\TPM\\[^\\]+$)", 80, R"(\\ProgramData\\TPM\\ok\.txt$)")});
  EXPECT_EQ(Hits(m, "/mnt/win/programdata/tpm/winscard.dll", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/programdata/tpm/OK.TXT", kWin), 0u);
}

TEST(PathMatcherWindowsCase, UnixPatternsKeepTheirCase) {
  auto m = Build({Ioc("/Library/Graphics/Quartz$", 80)});
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {{"/mnt/mac", ""}}), 1u);
  EXPECT_EQ(Hits(m, "/mnt/mac/library/graphics/quartz", {{"/mnt/mac", ""}}), 0u);
}

TEST(PathMatcherWindowsCase, AnchoredMacPatternNeedsTheMapping) {
  auto m = Build({Ioc("^/Library/Graphics/Quartz$", 80)});
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {}), 0u);
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {{"/mnt/mac", ""}}), 1u);
}

}  // namespace
}  // namespace harrier
