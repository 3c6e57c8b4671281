// The text report's escaping: nothing taken from the scanned machine may
// drive the terminal.
#include "report/text_reporter.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace harrier
