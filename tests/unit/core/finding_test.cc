// The verdict and exit code, derived in one place (VerdictFor), and the
// subject chain as reports show it.
#include "core/finding.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

ScanSummary WithSkip(SkipReason r, bool dir) {
  ScanSummary s;
  (dir ? s.skipped_dirs : s.skipped)[static_cast<size_t>(r)] = 1;
  return s;
}

TEST(Verdict, CleanWhenNothingFoundAndNothingMissed) {
  ScanSummary s;
  EXPECT_EQ(VerdictFor(s), Verdict::kClean);
  EXPECT_EQ(ExitCodeFor(s), kExitClean);
  s.findings[static_cast<size_t>(Level::kNotice)] = 3;  // notices do not change it
  EXPECT_EQ(VerdictFor(s), Verdict::kClean);
  EXPECT_EQ(ExitCodeFor(s), kExitClean);
}

// Regression: a directory the scanner could not enter ended "clean", exit 0.
TEST(Verdict, DirectoryNotEnteredForPermissionIsIncomplete) {
  ScanSummary s = WithSkip(SkipReason::kPermission, /*dir=*/true);
  EXPECT_TRUE(s.incomplete());
  EXPECT_EQ(VerdictFor(s), Verdict::kIncomplete);
  EXPECT_EQ(ExitCodeFor(s), kExitIncomplete);
  EXPECT_TRUE(WithSkip(SkipReason::kError, true).incomplete());
}

TEST(Verdict, ChosenSkipsAreNotGaps) {
  for (SkipReason r : {SkipReason::kSize, SkipReason::kType, SkipReason::kExcluded,
                       SkipReason::kSpecialFile, SkipReason::kSymlink, SkipReason::kPseudoFs,
                       SkipReason::kOtherFs, SkipReason::kNetworkFs}) {
    EXPECT_FALSE(WithSkip(r, false).incomplete()) << SkipReasonName(r);
    EXPECT_FALSE(WithSkip(r, true).incomplete()) << SkipReasonName(r);
  }
  ScanSummary m;
  for (SkipReason r : {SkipReason::kEncrypted, SkipReason::kUnsupported, SkipReason::kCorrupt,
                       SkipReason::kDepth, SkipReason::kRatio, SkipReason::kLimit})
    m.skipped_members[static_cast<size_t>(r)] = 1;
  EXPECT_FALSE(m.incomplete());
}

TEST(Verdict, FilesAndMembersThatCouldNotBeCheckedAreGaps) {
  for (SkipReason r : {SkipReason::kPermission, SkipReason::kTimeout, SkipReason::kError}) {
    EXPECT_TRUE(WithSkip(r, false).incomplete()) << SkipReasonName(r);
    ScanSummary m;
    m.skipped_members[static_cast<size_t>(r)] = 1;
    EXPECT_TRUE(m.incomplete()) << SkipReasonName(r);
  }
  ScanSummary i;
  i.interrupted = true;
  EXPECT_EQ(VerdictFor(i), Verdict::kIncomplete);
  ScanSummary e;
  e.errors = 1;
  EXPECT_EQ(ExitCodeFor(e), kExitIncomplete);
}

// The README: findings win over incompleteness (exit 1, not 3).
TEST(Verdict, FindingsWinOverIncomplete) {
  ScanSummary s = WithSkip(SkipReason::kPermission, false);
  s.interrupted = true;
  s.findings[static_cast<size_t>(Level::kWarning)] = 1;
  EXPECT_EQ(VerdictFor(s), Verdict::kWarning);
  EXPECT_EQ(ExitCodeFor(s), kExitFindings);
  s.findings[static_cast<size_t>(Level::kAlert)] = 1;
  EXPECT_EQ(VerdictFor(s), Verdict::kAlert);
  EXPECT_EQ(ExitCodeFor(s), kExitFindings);
}

TEST(Verdict, NamesRoundTripAndUnknownIsNotClean) {
  for (Verdict v : {Verdict::kClean, Verdict::kIncomplete, Verdict::kWarning, Verdict::kAlert})
    EXPECT_EQ(VerdictFromName(VerdictName(v)), v);
  EXPECT_EQ(VerdictFromName("bogus"), Verdict::kIncomplete);
  EXPECT_EQ(VerdictName(Verdict::kAlert), "alert");
}

TEST(ReasonKind, NamesRoundTripAndUnknownIsYara) {
  for (ReasonKind k : {ReasonKind::kHash, ReasonKind::kFilename, ReasonKind::kYara,
                       ReasonKind::kC2, ReasonKind::kCheck})
    EXPECT_EQ(ReasonKindFromName(ReasonKindName(k)), k);
  EXPECT_EQ(ReasonKindFromName("c2"), ReasonKind::kC2);
  EXPECT_EQ(ReasonKindFromName("whatever a rule says"), ReasonKind::kYara);
}

TEST(Subject, ChainShowsEveryContainerOutermostFirst) {
  Subject s;
  s.kind = SubjectKind::kArchiveMember;
  s.containers = {{"/evidence/triage.zip", "zip"}, {"Users/bob/Downloads/3CX.msi", "msi"}};
  s.path = "ffmpeg.dll";
  s.display_root = "/evidence/triage.zip";
  EXPECT_EQ(ChainDisplay(s),
            "/evidence/triage.zip \xe2\x80\xba Users/bob/Downloads/3CX.msi \xe2\x80\xba ffmpeg.dll");
  EXPECT_EQ(s.host_path(), "/evidence/triage.zip");
  EXPECT_EQ(s.depth(), 2u);
  s.display_root = "C:\\evidence\\triage.zip";  // a mapped volume shows its drive form
  EXPECT_EQ(ChainDisplay(s).rfind("C:\\evidence\\triage.zip \xe2\x80\xba ", 0), 0u);
  EXPECT_EQ(ChainRaw(s).rfind("/evidence/triage.zip \xe2\x80\xba ", 0), 0u);

  Subject f;
  f.path = "/srv/x.exe";
  EXPECT_EQ(ChainDisplay(f), "/srv/x.exe");
  EXPECT_EQ(f.depth(), 0u);
}

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

// Disk images: what could not be read is a gap; deleted files whose content
// is gone, and volumes left out on purpose, are not.
TEST(Verdict, ImageVolumesAndEntriesThatCouldNotBeReadAreGaps) {
  for (SkipReason r : {SkipReason::kCorrupt, SkipReason::kUnsupported, SkipReason::kEncrypted,
                       SkipReason::kError}) {
    ScanSummary e;
    e.images.skipped_entries[static_cast<size_t>(r)] = 1;
    EXPECT_TRUE(e.incomplete()) << SkipReasonName(r);
    ScanSummary v;
    v.images.skipped_volumes[static_cast<size_t>(r)] = 1;
    EXPECT_TRUE(v.incomplete()) << SkipReasonName(r);
  }
  for (SkipReason r : {SkipReason::kUnrecoverable, SkipReason::kSize, SkipReason::kType,
                       SkipReason::kSymlink, SkipReason::kSpecialFile, SkipReason::kExcluded}) {
    ScanSummary e;
    e.images.skipped_entries[static_cast<size_t>(r)] = 1;
    e.images.skipped_volumes[static_cast<size_t>(r)] = 1;
    EXPECT_FALSE(e.incomplete()) << SkipReasonName(r);
  }
}

TEST(PresentedPath, DriveFormOnlyForWindowsVolumeEntries) {
  Subject s;
  s.kind = SubjectKind::kImageEntry;
  s.path = "/Windows/System32/x.dll";
  EXPECT_EQ(PresentedPath(s), "/Windows/System32/x.dll");
  s.drive = "C:";
  EXPECT_EQ(PresentedPath(s), "C:\\Windows\\System32\\x.dll");
}


TEST(UrlsIn, FindsEachUrlOnceWithoutTrailingPunctuation) {
  EXPECT_EQ(UrlsIn("see https://a.example/x?y=1, and (http://b.example/). Again https://a.example/x?y=1;"),
            (std::vector<std::string>{"https://a.example/x?y=1", "http://b.example/"}));
  EXPECT_TRUE(UrlsIn("no links: httpd, xhttp://x, src: SB").empty());
}

TEST(ReferencesFromMeta, UrlListsSplitCitationsStayWhole) {
  EXPECT_EQ(ReferencesFromMeta(" https://a.example/1, https://b.example/2 "),
            (std::vector<std::string>{"https://a.example/1", "https://b.example/2"}));
  EXPECT_EQ(ReferencesFromMeta("intel 7.4: ELA-BLOG https://e.example/x ; SB"),
            std::vector<std::string>{"intel 7.4: ELA-BLOG https://e.example/x ; SB"});
  EXPECT_TRUE(ReferencesFromMeta("  ").empty());
}

}  // namespace
}  // namespace harrier
