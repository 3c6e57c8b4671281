// Volume-root detection for mounted images (issue 3).
#include "sources/volume_roots.h"

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

std::vector<std::pair<std::string, VolumeRoot::Kind>> Detect(const std::vector<std::string>& paths,
                                                             int depth = 2) {
  VolumeRootOptions o;
  o.max_depth = depth;
  std::vector<std::pair<std::string, VolumeRoot::Kind>> out;
  for (const auto& r : DetectVolumeRoots(paths, o)) out.emplace_back(r.path, r.kind);
  return out;
}

TEST(VolumeRoots, WindowsByWindowsSystem32AnyCase) {
  TempDir t;
  t.Mkdir("img/WINDOWS/system32");
  auto got = Detect({t.path()});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, t.path() + "/img");
  EXPECT_EQ(got[0].second, VolumeRoot::Kind::kWindows);
}

TEST(VolumeRoots, WindowsByUsersAndProgramFiles) {
  TempDir t;
  t.Mkdir("Users/bob");
  t.Mkdir("Program Files");
  auto got = Detect({t.path() + "/"});  // trailing slash trimmed
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, t.path());
}

TEST(VolumeRoots, MacByApplicationsAndUsersOrLibraryAndSystem) {
  TempDir t;
  t.Mkdir("a/mac1/Applications");
  t.Mkdir("a/mac1/Users");
  t.Mkdir("b/mac2/Library");
  t.Mkdir("b/mac2/System");
  auto got = Detect({t.path()});
  ASSERT_EQ(got.size(), 2u);
  for (auto& [p, k] : got) EXPECT_EQ(k, VolumeRoot::Kind::kMacOS) << p;
}

TEST(VolumeRoots, DepthLimitAndNearMisses) {
  TempDir t;
  t.Mkdir("1/2/3/img/Windows/System32");
  EXPECT_TRUE(Detect({t.path()}, 3).empty());  // img is 4 levels down
  EXPECT_EQ(Detect({t.path()}, 4).size(), 1u);
  TempDir n;
  n.Mkdir("Windows/NotSystem32");
  n.Mkdir("Users");  // Users alone is not enough
  n.Write("Program Files", "a file, not a directory");
  EXPECT_TRUE(Detect({n.path()}).empty());
  TempDir home;  // a Linux home with ~/Applications and ~/Library
  home.Mkdir("Applications");
  home.Mkdir("Library");
  EXPECT_TRUE(Detect({home.path()}).empty());
}

TEST(VolumeRoots, AncestorOfTheScanPathIsFound) {
  TempDir t;
  t.Mkdir("img/Windows/System32");
  t.Mkdir("img/Users/bob/AppData");
  auto got = Detect({t.path() + "/img/Users/bob"});
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].first, t.path() + "/img");
}

TEST(VolumeRoots, MissingPathIsNotAnError) {
  EXPECT_TRUE(Detect({"/nonexistent/harrier/x"}).empty());
}

}  // namespace
}  // namespace harrier::testing
