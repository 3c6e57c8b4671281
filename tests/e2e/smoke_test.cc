// Smallest end-to-end check: the binary runs, --version and --help work,
// a clean tree exits 0 and a planted hash IOC exits 1.
#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

TEST(Smoke, Version) {
  auto r = RunHarrier({"--version"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("harrier "), std::string::npos);
}

TEST(Smoke, UnknownOptionIsUsageError) {
  auto r = RunHarrier({"scan", "--no-such-flag"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST(Smoke, CleanTreeExitsZeroAndPlantedHashExitsOne) {
  TempDir sig, tree;
  // sha256("harrier planted sample\n")
  sig.Write("iocs/my-hash-iocs.txt", "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;Planted test sample\n");
  tree.Write("a.txt", "nothing to see\n");
  auto clean = RunHarrier({"scan", "--no-builtin", "--no-progress", "--signatures", sig.path(), tree.path()});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_NE(clean.out.find("CLEAN"), std::string::npos);

  tree.Write("sub/planted.dat", "harrier planted sample\n");
  auto hit = RunHarrier({"scan", "--no-builtin", "--no-progress", "--signatures", sig.path(), tree.path()});
  EXPECT_EQ(hit.exit_code, 1) << hit.out << hit.err;
  EXPECT_NE(hit.out.find("Planted test sample"), std::string::npos) << hit.out;
  EXPECT_NE(hit.out.find("ALERT"), std::string::npos) << hit.out;
}

}  // namespace
}  // namespace harrier::testing
