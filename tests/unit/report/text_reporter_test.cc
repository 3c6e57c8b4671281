// The text report's escaping: nothing taken from the scanned machine may
// drive the terminal.
#include "report/text_reporter.h"

#include <gtest/gtest.h>

#include <string>
#include "testutil/testutil.h"

namespace harrier {
namespace {

TEST(TerminalSafe, PrintableUtf8PassesAndC0ControlsAreEscaped) {
  EXPECT_EQ(TerminalSafe("C:\\Users\\bob\\Desktop\\Über 3CX.exe"),
            "C:\\Users\\bob\\Desktop\\Über 3CX.exe");
  EXPECT_EQ(TerminalSafe("a\nb\x1b[2Jc\x7f"), "a\\x0ab\\x1b[2Jc\\x7f");
  EXPECT_EQ(TerminalSafe("bad\xff\xfe"), "bad\\xff\\xfe");
  EXPECT_EQ(TerminalSafe("日本語 😀"), "日本語 😀");
}

// Defect: C1 controls (U+009B is a one-byte CSI, U+009D an OSC on many
// terminals) and bidi overrides (U+202E) in file names reached the
// terminal raw.
TEST(TerminalSafe, C1ControlsAndBidiOverridesAreEscaped) {
  EXPECT_EQ(TerminalSafe("a\xc2\x9b" "31mb"), "a\\u009b31mb");
  EXPECT_EQ(TerminalSafe("\xc2\x9d" "0;title\xc2\x9c"), "\\u009d0;title\\u009c");
  EXPECT_EQ(TerminalSafe("invoice\xe2\x80\xae" "fdp.exe"), "invoice\\u202efdp.exe");
  EXPECT_EQ(TerminalSafe("\xe2\x81\xa6x\xe2\x81\xa9"), "\\u2066x\\u2069");
  EXPECT_EQ(TerminalSafe("\xe2\x80\x8f\xd8\x9c"), "\\u200f\\u061c");
  EXPECT_EQ(TerminalSafe("line\xe2\x80\xa8sep"), "line\\u2028sep");
  // Neighbours that are ordinary text stay.
  EXPECT_EQ(TerminalSafe("\xc2\xa0\xe2\x80\x94\xe2\x80\xaf"), "\xc2\xa0\xe2\x80\x94\xe2\x80\xaf");
}


TEST(DisplayDescription, SourceTagsAreStripped) {
  const std::string name = testing::Indicator("3CXDesktop|App-18.12.416.msi");
  EXPECT_EQ(DisplayDescription("3CX Windows installer " + name +
                               " (trojanized build) [V] - src: VOL SB SOPH SIGMA ELA-BLOG"),
            "3CX Windows installer " + name + " (trojanized build)");
  EXPECT_EQ(DisplayDescription("Gopuram DLL [S] - src: duo.com (Kaspersky)"), "Gopuram DLL");
  EXPECT_EQ(DisplayDescription("Domain (C2 role [U]) - src: SB"), "Domain (C2 role)");
  EXPECT_EQ(DisplayDescription("Planted test sample"), "Planted test sample");
  // Brackets that are not evidence tags, and "src" inside words, stay.
  EXPECT_EQ(DisplayDescription("array [Value] and [V2] in srcdir"), "array [Value] and [V2] in srcdir");
  EXPECT_EQ(DisplayDescription("[I] - src: ATTACK"), "");
}

TEST(ReasonTitle, HumanNamesPerKind) {
  Reason y{.kind = ReasonKind::kYara, .name = "Rule_X", .description = "Loader [V] - src: SB"};
  EXPECT_EQ(ReasonTitle(y), "Rule_X: Loader");
  Reason f{.kind = ReasonKind::kFilename, .name = R"((?i)\\TPM\\x\.dll$)", .description = "TPM drop DLL [V] - src: SB"};
  EXPECT_EQ(ReasonTitle(f), "TPM drop DLL");
  f.description = "";
  EXPECT_EQ(ReasonTitle(f), R"((?i)\\TPM\\x\.dll$)");  // nothing better to show
  Reason h{.kind = ReasonKind::kHash, .name = "abc", .description = "Sample"};
  EXPECT_EQ(ReasonTitle(h), "Sample");
  Reason c{.kind = ReasonKind::kC2, .name = "evil.example.com", .description = "stage 2 [V] - src: SB"};
  EXPECT_EQ(ReasonTitle(c), "evil.example.com: stage 2");
  Reason k{.kind = ReasonKind::kCheck, .name = "pe.authenticode_padding", .description = "Padding"};
  EXPECT_EQ(ReasonTitle(k), "Padding");
}

TEST(FindingLine, TabSeparatedAndNeverBroken) {
  Finding f;
  f.level = Level::kAlert;
  f.score = 87.4;
  f.subject.path = "/tmp/a\tb\nc.dll";
  f.reasons.push_back({.kind = ReasonKind::kYara, .name = "Rule_X", .score = 80});
  f.reasons.push_back({.kind = ReasonKind::kFilename, .name = "\\.dll$", .score = 40});
  EXPECT_EQ(FindingLine(f), "ALERT\t87\t/tmp/a\\x09b\\x0ac.dll\tyara:Rule_X\tfilename:\\.dll$");
}

}  // namespace
}  // namespace harrier
