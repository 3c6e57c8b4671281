// End-to-end tests for the performance features (issue 5): the fast YARA
// mode against its --yara-reference twin, the --cache incremental rescan,
// and the compiled-rules cache.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "e2e/yara_matches.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// Rules whose results depend on every match (#a, @a[i], !a), on the header
// and size gates, on externals and on global/private rules: fast mode and
// any partitioning must give exactly the reference results.
constexpr const char* kRules = R"(
global rule not_empty { condition: filesize > 0 }
private rule is_mz { condition: uint16(0) == 0x5a4d }
rule count_three { strings: $a = "needle" condition: #a >= 3 }
rule count_one { strings: $a = "needle" condition: $a }
rule second_offset { strings: $a = "needle" condition: @a[3] > 100 }
rule match_length { strings: $r = /nee+dle/ condition: !r[1] == 8 }
rule mz_with_string { strings: $s = "This program" condition: is_mz and $s }
rule mz_gate { strings: $s = "payload" condition: uint16(0) == 0x5a4d and filesize < 1KB and $s }
rule elf_gate { condition: uint32(0) == 0x464c457f and filesize < 200 }
rule by_name { condition: filename == "evil.bin" }
rule by_ext { strings: $a = "needle" condition: extension == ".txt" and $a }
rule many_of { strings: $a = "alpha" $b = "beta" $c = "gamma" condition: 2 of them }
)";

TEST(Performance, FastModeMatchesReferenceExactly) {
  TempDir sig, tree, out;
  sig.Write("yara/perf.yar", kRules);
  std::string pad(120, 'x');
  tree.Write("three.txt", "needle needle " + pad + " needle");
  tree.Write("one.dat", "needle");
  tree.Write("evil.bin", "anything");
  tree.Write("mz.exe", "MZ This program payload");
  tree.Write("mz_big.exe", "MZ payload " + std::string(2000, 'y'));
  tree.Write("elf", std::string("\x7f" "ELF", 4) + "small");
  tree.Write("greek.txt", "alpha beta");
  tree.Write("long.txt", "neeeedle needdle");
  tree.Write("empty", "");
  auto run = [&](const std::string& file, std::vector<std::string> extra) {
    return ScanYaraMatches(sig.path(), tree.path(), out.path(), file, extra);
  };
  auto fast = run("fast", {});
  auto ref = run("ref", {"--yara-reference"});
  EXPECT_EQ(fast, ref);
  std::vector<std::string> expected = {
      "perf.yar:by_ext " + tree.path() + "/three.txt",
      "perf.yar:by_name " + tree.path() + "/evil.bin",
      "perf.yar:count_one " + tree.path() + "/one.dat",
      "perf.yar:count_one " + tree.path() + "/three.txt",
      "perf.yar:count_three " + tree.path() + "/three.txt",
      "perf.yar:elf_gate " + tree.path() + "/elf",
      "perf.yar:many_of " + tree.path() + "/greek.txt",
      "perf.yar:match_length " + tree.path() + "/long.txt",
      "perf.yar:mz_gate " + tree.path() + "/mz.exe",
      "perf.yar:mz_with_string " + tree.path() + "/mz.exe",
      "perf.yar:not_empty " + tree.path() + "/elf",
      "perf.yar:not_empty " + tree.path() + "/evil.bin",
      "perf.yar:not_empty " + tree.path() + "/greek.txt",
      "perf.yar:not_empty " + tree.path() + "/long.txt",
      "perf.yar:not_empty " + tree.path() + "/mz.exe",
      "perf.yar:not_empty " + tree.path() + "/mz_big.exe",
      "perf.yar:not_empty " + tree.path() + "/one.dat",
      "perf.yar:not_empty " + tree.path() + "/three.txt",
      "perf.yar:second_offset " + tree.path() + "/three.txt",
  };
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(ref, expected);
}

TEST(Performance, ScanCacheSkipsUnchangedFilesAndNeverCachesFindings) {
  TempDir sig, tree, db;
  sig.Write("yara/hit.yar", "rule planted { meta: score = 90 strings: $a = \"PLANTED-HIT\" condition: $a }\n");
  for (int i = 0; i < 20; ++i) tree.Write("f" + std::to_string(i) + ".txt", "clean file " + std::to_string(i));
  tree.Write("hit.txt", "xx PLANTED-HIT xx");
  std::string cache = "--cache=" + db.path() + "/scan.sqlite";
  auto scan = [&]() {
    return RunHarrier({"scan", "--no-builtin", "--no-progress", "--all-files", "--signatures",
                       sig.path(), cache, tree.path()});
  };
  auto first = scan();
  EXPECT_EQ(first.exit_code, 1) << first.out << first.err;
  EXPECT_EQ(first.out.find("From cache"), std::string::npos) << first.out;

  auto second = scan();
  EXPECT_EQ(second.exit_code, 1) << second.out;  // the finding is found again
  EXPECT_NE(second.out.find("From cache: 20 of the scanned"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("21 scanned"), std::string::npos) << second.out;

  // A changed file is scanned again (size and mtime/ctime differ).
  tree.Write("f3.txt", "changed and now PLANTED-HIT");
  auto third = scan();
  EXPECT_NE(third.out.find("From cache: 19 of the scanned"), std::string::npos) << third.out;
  EXPECT_NE(third.out.find("f3.txt"), std::string::npos) << third.out;

  // Changed signatures invalidate everything.
  sig.Write("yara/more.yar", "rule other { condition: false }\n");
  auto fourth = scan();
  EXPECT_EQ(fourth.out.find("From cache"), std::string::npos) << fourth.out;
}

TEST(Performance, CompiledRulesCacheIsUsedAndGivesTheSameResults) {
  TempDir sig, tree, cache;
  sig.Write("yara/hit.yar", "rule planted { meta: score = 90 strings: $a = \"PLANTED-HIT\" condition: $a }\n");
  tree.Write("hit.txt", "xx PLANTED-HIT xx");
  const char* old = std::getenv("XDG_CACHE_HOME");
  std::string saved = old ? old : "";
  setenv("XDG_CACHE_HOME", cache.path().c_str(), 1);
  std::vector<std::string> args = {"scan", "--no-builtin", "--no-progress", "--jsonl", "-",
                                   "--signatures", sig.path(), tree.path()};
  auto cold = RunHarrier(args);
  auto warm = RunHarrier(args);
  if (old) setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else unsetenv("XDG_CACHE_HOME");
  EXPECT_EQ(cold.exit_code, 1) << cold.err;
  EXPECT_EQ(warm.exit_code, 1) << warm.err;
  EXPECT_NE(warm.out.find("planted"), std::string::npos) << warm.out;
  // The cache folder holds the compiled entry.
  bool found = false;
  auto ls = std::string("ls ") + cache.path() + "/harrier > " + cache.path() + "/list";
  ASSERT_EQ(std::system(ls.c_str()), 0);
  for (auto& l : Lines(ReadFileText(cache.path() + "/list"))) found |= l.ends_with(".yarc");
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace harrier::testing
