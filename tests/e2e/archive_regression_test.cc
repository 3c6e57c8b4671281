// End to end: regressions found in review of the archive source (one test
// each, named after what broke). Archives are made with gzip, as a responder
// would meet them.
#include <gtest/gtest.h>

#include <string>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::RunHarrier;
using testing::RunProgram;
using testing::TempDir;

constexpr const char* kYara = R"(
rule Harrier_Review_Marker {
  strings:
    $a = "HARRIER_REVIEW_MARKER"
  condition:
    $a
}
)";

void Gzip(const TempDir& t, const std::string& rel) {
  auto r = RunProgram({"/usr/bin/gzip", "-n", t.path() + "/" + rel});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
}

uint64_t Num(const nlohmann::json& j) { return j.is_number() ? j.get<uint64_t>() : 0; }

// Review: a gzip whose content starts with a 512-byte zero block was taken by
// libarchive's tar reader for an empty tar (end marker) and its content was
// neither scanned nor counted.
TEST(ArchiveRegression, GzipWhoseContentStartsWithZeroBlockIsStillScanned) {
  TempDir t;
  t.Write("sigs/yara/r.yar", kYara);
  t.Write("tree/hidden.log", std::string(512, '\0') + "xx HARRIER_REVIEW_MARKER xx\n");
  Gzip(t, "tree/hidden.log");
  auto r = RunHarrier({"scan", "--no-builtin", "--no-progress", "--signatures", t.path() + "/sigs",
                       "--jsonl", "-", t.path() + "/tree"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  auto j = testing::ParseJsonl(r.out);
  EXPECT_EQ(j.findings.count("hidden.log"), 1u) << r.out;
  const auto& a = j.summary["archives"];
  EXPECT_EQ(Num(a["containers"]), 1u) << a.dump();
  EXPECT_EQ(Num(a["members_seen"]), 1u) << a.dump();
  EXPECT_EQ(Num(a["members_seen"]), Num(a["members_scanned"]) + Num(a["members_skipped"]));
}

// Review: with --cache, a container whose member was skipped "type" was
// remembered clean, and a later --all-files scan took it from the cache
// without reading the member (the cache key did not include --all-files).
TEST(ArchiveRegression, CacheDoesNotHideMembersSkippedByTypeFromAnAllFilesScan) {
  TempDir t;
  t.Write("sigs/yara/r.yar", kYara);
  // Not selected by name (.xyz) nor by its first bytes (text).
  t.Write("tree/payload.xyz", "xx HARRIER_REVIEW_MARKER xx\n");
  Gzip(t, "tree/payload.xyz");
  const std::string cache = t.path() + "/cache.sqlite";
  auto first = RunHarrier({"scan", "--no-builtin", "--no-progress", "--cache", cache,
                           "--signatures", t.path() + "/sigs", "--jsonl", "-", t.path() + "/tree"});
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  auto all = RunHarrier({"scan", "--no-builtin", "--no-progress", "--cache", cache, "--all-files",
                         "--signatures", t.path() + "/sigs", "--jsonl", "-", t.path() + "/tree"});
  EXPECT_EQ(all.exit_code, 1) << all.out << all.err;
  auto j = testing::ParseJsonl(all.out);
  EXPECT_EQ(j.findings.count("payload.xyz"), 1u) << all.out;
}

}  // namespace
}  // namespace harrier
