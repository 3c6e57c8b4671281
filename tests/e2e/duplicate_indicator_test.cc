// One indicator loaded from two sources counts once (score/score.h,
// MergeDuplicateReasons): a --signatures folder holding a copy of a built-in
// IOC line must not raise the score of what the built-in set finds alone.
#include <gtest/gtest.h>

#include <string>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// A built-in filename IOC of the 3CX pack (score 40: a legitimate Electron
// name that some releases trojanized). With a second copy counted, the
// score would be 52 instead of 40.
constexpr char kBuiltinComment[] =
    "# 3CX DesktopApp macOS install: libffmpeg.dylib is a legitimate Electron name, trojanized "
    "in affected releases; check version and hashes [V] - src: VOL SOPH\n";
constexpr char kBuiltinLine[] = "(?i)/3CX Desktop App\\.app/Contents/.*/libffmpeg\\.dylib$;40\n";

TEST(DuplicateIndicator, BuiltinIocCopiedIntoASignatureFolderCountsOnce) {
  // The line really is a built-in one (else this test proves nothing).
  std::string builtin = ReadWholeFile(SourceDir() +
                                      "/rules/packs/3cx-unc4736/iocs/filename-iocs-3cx-unc4736.txt");
  ASSERT_NE(builtin.find(kBuiltinLine), std::string::npos);
  TempDir tree, sig;
  const std::string dylib =
      tree.Write("Applications/3CX Desktop App.app/Contents/Frameworks/libffmpeg.dylib", "not a Mach-O\n");
  sig.Write("iocs/copied-filename-iocs.txt", std::string(kBuiltinComment) + kBuiltinLine);

  auto alone = RunHarrier({"scan", "--no-progress", "--jsonl", "-", tree.path()});
  auto both = RunHarrier({"scan", "--no-progress", "--jsonl", "-", "--signatures", sig.path(), tree.path()});
  Jsonl a = ParseJsonl(alone.out), b = ParseJsonl(both.out);
  ASSERT_EQ(a.findings.count(dylib), 1u) << alone.out << alone.err;
  ASSERT_EQ(b.findings.count(dylib), 1u) << both.out << both.err;
  const auto& fa = a.findings.at(dylib)["harrier"];
  const auto& fb = b.findings.at(dylib)["harrier"];
  EXPECT_EQ(fa["score"], 40.0) << fa.dump();
  EXPECT_EQ(fb["score"], fa["score"]) << fb.dump();
  EXPECT_EQ(fb["level"], fa["level"]);
  ASSERT_EQ(fb["reasons"].size(), fa["reasons"].size()) << fb.dump();
  // The kept reason is the built-in one and names the copy.
  const auto& r = fb["reasons"][0];
  EXPECT_NE(r["source"].get<std::string>().find("filename-iocs-3cx-unc4736.txt"), std::string::npos);
  ASSERT_TRUE(r.contains("also_from")) << r.dump();
  EXPECT_EQ(r["also_from"][0], sig.path() + "/iocs/copied-filename-iocs.txt:2");
}

}  // namespace
}  // namespace harrier::testing
