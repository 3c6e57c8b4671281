// --root-as parsing and the merge with detected roots (issue 3).
#include "app/root_mapping.h"

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

TEST(RootMapping, DetectedWindowsAndMacRoots) {
  TempDir t;
  t.Mkdir("win/Windows/System32");
  t.Mkdir("mac/Applications");
  t.Mkdir("mac/Users");
  auto m = BuildRootMappings({t.path()}, {}, 2);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);
  for (const auto& r : *m) {
    if (r.mount == t.path() + "/win")
      EXPECT_EQ(r.drive, "C:");
    else
      EXPECT_EQ(r.drive, "") << r.mount;
  }
}

TEST(RootMapping, DriveOverridesDetectionForEveryPath) {
  TempDir t;
  t.Mkdir("win/Windows/System32");
  auto m = BuildRootMappings({t.path() + "/"}, {"d:"}, 2);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].mount, t.path());
  EXPECT_EQ((*m)[0].drive, "D:");
}

TEST(RootMapping, PathFormsAndNone) {
  TempDir t;
  t.Mkdir("win/Windows/System32");
  auto m = BuildRootMappings({t.path()}, {t.path() + "/win=E:", "/evidence/mac=/"}, 2);
  ASSERT_TRUE(m.ok());
  ASSERT_EQ(m->size(), 2u);                     // the detected one is overridden, not duplicated
  EXPECT_EQ((*m)[0].mount, t.path() + "/win");  // longest first
  EXPECT_EQ((*m)[0].drive, "E:");
  auto none = BuildRootMappings({t.path()}, {"none"}, 2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(RootMapping, MalformedEntriesAreUsageErrors) {
  EXPECT_FALSE(BuildRootMappings({"/x"}, {"C"}, 2).ok());
  EXPECT_FALSE(BuildRootMappings({"/x"}, {"/x=CC:"}, 2).ok());
  EXPECT_FALSE(BuildRootMappings({"/x"}, {"=C:"}, 2).ok());
}

}  // namespace
}  // namespace harrier::testing
