// Issue 3: Windows path IOCs are case-insensitive on the Windows form, in
// both directions, and apply to mounted images through the root mapping.
#include <gtest/gtest.h>

#include "scan/path_forms.h"
#include "signatures/path_matcher.h"

namespace harrier {
namespace {

PathMatcher Build(std::vector<std::pair<std::string, std::string>> pats) {
  std::vector<FilenameIoc> iocs;
  for (auto& [p, fp] : pats) {
    FilenameIoc i;
    i.pattern = p;
    i.fp_pattern = fp;
    i.score = 80;
    i.source = "t:1";
    iocs.push_back(std::move(i));
  }
  PathMatcher m;
  Diagnostics d;
  m.Add(std::move(iocs), d);
  EXPECT_EQ(d.error_count(), 0u);
  EXPECT_TRUE(m.Compile().ok());
  return m;
}

size_t Hits(const PathMatcher& m, const std::string& path, const std::vector<RootMapping>& roots) {
  PathForms f = MakePathForms(path, roots);
  auto fast = m.Match(f.unix_form, f.windows_form);
  EXPECT_EQ(fast.size(), m.MatchSlow(f.unix_form, f.windows_form).size()) << path;
  return fast.size();
}

const std::vector<RootMapping> kWin = {{"/mnt/win", "C:"}};

TEST(PathMatcherWindowsCase, LowerCaseIocMatchesMixedCaseImagePath) {
  auto m = Build({{R"(C:\\Windows\\system32\\krwve\.jat$)", ""}});
  EXPECT_EQ(Hits(m, "/mnt/win/Windows/System32/krwve.jat", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/WINDOWS/SYSTEM32/KRWVE.JAT", kWin), 1u);
  // Not under a mapped root: no drive letter, no match for a C:\ pattern.
  EXPECT_EQ(Hits(m, "/mnt/win/Windows/System32/krwve.jat", {}), 0u);
}

TEST(PathMatcherWindowsCase, MixedCaseIocMatchesLowerCaseImagePath) {
  auto m = Build({{R"(\\Windows\\System32\\MsMpEng\.exe$)", ""}});
  EXPECT_EQ(Hits(m, "/mnt/win/windows/system32/msmpeng.exe", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/windows/system32/other.exe", kWin), 0u);
}

TEST(PathMatcherWindowsCase, FalsePositivePatternIsCaseInsensitiveToo) {
  auto m = Build({{R"(\\ProgramData\\TPM\\[^\\]+$)", R"(\\ProgramData\\TPM\\ok\.txt$)"}});
  EXPECT_EQ(Hits(m, "/mnt/win/programdata/tpm/winscard.dll", kWin), 1u);
  EXPECT_EQ(Hits(m, "/mnt/win/programdata/tpm/OK.TXT", kWin), 0u);
}

TEST(PathMatcherWindowsCase, UnixPatternsKeepTheirCase) {
  auto m = Build({{"/Library/Graphics/Quartz$", ""}});
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {{"/mnt/mac", ""}}), 1u);
  EXPECT_EQ(Hits(m, "/mnt/mac/library/graphics/quartz", {{"/mnt/mac", ""}}), 0u);
}

TEST(PathMatcherWindowsCase, AnchoredMacPatternNeedsTheMapping) {
  auto m = Build({{"^/Library/Graphics/Quartz$", ""}});
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {}), 0u);
  EXPECT_EQ(Hits(m, "/mnt/mac/Library/Graphics/Quartz", {{"/mnt/mac", ""}}), 1u);
}

TEST(PathFormsMapping, DisplayIsWindowsFormUnderAWindowsRoot) {
  // forms.display is what YARA gets as `filepath`.
  PathForms f = MakePathForms("/mnt/win/Users/bob/AppData/x.dll", kWin);
  EXPECT_EQ(f.windows_form, "C:\\Users\\bob\\AppData\\x.dll");
  EXPECT_EQ(f.display, f.windows_form);
  EXPECT_EQ(f.unix_form, "/Users/bob/AppData/x.dll");
  PathForms mac = MakePathForms("/mnt/mac/Users/bob/x", {{"/mnt/mac", ""}});
  EXPECT_EQ(mac.unix_form, "/Users/bob/x");
  EXPECT_EQ(mac.display, "/mnt/mac/Users/bob/x");
  PathForms other = MakePathForms("/mnt/window/x", kWin);  // prefix, not a path component
  EXPECT_EQ(other.display, "/mnt/window/x");
}

}  // namespace
}  // namespace harrier
