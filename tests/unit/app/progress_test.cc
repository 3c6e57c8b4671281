#include "app/progress.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

TEST(ProgressLine, CountingBeforeATotalIsKnown) {
  ProgressSnapshot s;
  s.files = 10;
  s.bytes = 2048;
  s.files_counted = 4321;
  std::string l = ProgressLine(s, 0, 2.0, 200, "/a/b");
  EXPECT_NE(l.find("counting (4321 files so far)"), std::string::npos) << l;
  EXPECT_EQ(l.find('%'), std::string::npos) << l;
  EXPECT_EQ(l.substr(l.size() - 4), "/a/b");
}

TEST(ProgressLine, PercentBarAndEtaFromTheWorkRate) {
  ProgressSnapshot s;
  s.files = 250;
  s.files_total = 1000;
  s.bytes = 100;
  s.bytes_total = 1000;
  s.findings = 2;
  // 250 of 1000 units in 10 s: 750 left at 25/s = 30 s.
  std::string l = ProgressLine(s, 250, 10.0, 200, "");
  EXPECT_EQ(l.rfind(" 25% [#####...............] 250/1000 files", 0), 0u) << l;
  EXPECT_NE(l.find("ETA 0:30"), std::string::npos) << l;
  EXPECT_NE(l.find("2 found"), std::string::npos) << l;
  // Hours, and no estimate from the first instant.
  EXPECT_NE(ProgressLine(s, 1, 10.0, 200, "").find("ETA 2:46:30"), std::string::npos);
  EXPECT_NE(ProgressLine(s, 250, 0.5, 200, "").find("ETA --:--"), std::string::npos);
  // Done beyond the total (files grew) is 100%, never more.
  EXPECT_EQ(ProgressLine(s, 5000, 10.0, 200, "").rfind("100% [####################]", 0), 0u);
}

TEST(ProgressLine, FitsTheTerminalWidth) {
  ProgressSnapshot s;
  s.bytes_total = 10;
  s.files_total = 1;
  std::string path = "/very/long/" + std::string(300, 'x') + "/end";
  for (int width : {20, 60, 80, 200}) {
    std::string l = ProgressLine(s, 5, 3.0, width, path);
    EXPECT_LE(static_cast<int>(l.size()), width - 1) << width;
  }
  std::string l = ProgressLine(s, 5, 3.0, 120, path);
  EXPECT_NE(l.find("...x"), std::string::npos) << l;
  EXPECT_EQ(l.substr(l.size() - 4), "/end");
}

}  // namespace
}  // namespace harrier
