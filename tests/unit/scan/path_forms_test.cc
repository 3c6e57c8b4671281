// PathForms: the Unix, Windows and displayed forms of a path, with volume
// root mapping for mounted images (issue 3).
#include "scan/path_forms.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

TEST(PathFormsMapping, DisplayIsWindowsFormUnderAWindowsRoot) {
  const std::vector<RootMapping> win = {{"/mnt/win", "C:"}};
  // forms.display is what YARA gets as `filepath`.
  PathForms f = MakePathForms("/mnt/win/Users/bob/AppData/x.dll", win);
  EXPECT_EQ(f.windows_form, "C:\\Users\\bob\\AppData\\x.dll");
  EXPECT_EQ(f.display, f.windows_form);
  EXPECT_EQ(f.unix_form, "/Users/bob/AppData/x.dll");
  PathForms mac = MakePathForms("/mnt/mac/Users/bob/x", {{"/mnt/mac", ""}});
  EXPECT_EQ(mac.unix_form, "/Users/bob/x");
  EXPECT_EQ(mac.display, "/mnt/mac/Users/bob/x");
  PathForms other = MakePathForms("/mnt/window/x", win);  // prefix, not a path component
  EXPECT_EQ(other.display, "/mnt/window/x");
}

}  // namespace
}  // namespace harrier
