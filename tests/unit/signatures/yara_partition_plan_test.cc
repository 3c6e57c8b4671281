// The rule partitioner's analysis (src/signatures/yara_partition_plan.h):
// which rules each file class keeps and how conditions are rewritten. Exact
// equality of results with the whole rule set is checked by the fuzz oracle
// (fuzz/yara_partition_fuzzer.cc, run over seeds in FuzzTargets) and the
// e2e differential tests (tests/e2e/partition_test.cc).
#include "signatures/yara_partition_plan.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

PartitionSources Partition(const std::string& text) {
  PartitionOptions o;
  o.min_magic_rules = 1;
  o.min_cut_rules = 1;
  return PartitionYaraSources({{"ns", text}}, o);
}

// The source of the class a file of this content falls into ("" when the
// namespace was left out of the class entirely).
std::string SourceFor(const PartitionSources& p, const std::string& content) {
  const auto& srcs = p.per_class[p.plan.ClassOf(Bytes(content))];
  return srcs.empty() ? "" : srcs.front().text;
}

constexpr const char* kRules = R"(import "pe"
rule mz_only { strings: $a = "x" condition: uint16(0) == 0x5a4d and $a }
rule small { strings: $a = "x" condition: filesize < 100 and $a }
rule pe_or_string { strings: $a = "x" condition: pe.imphash() == "abc" or $a }
rule any_file { strings: $a = "x" condition: $a }
)";

TEST(YaraPartition, PlanComesFromTheGates) {
  auto p = Partition(kRules);
  EXPECT_EQ(p.plan.magics, std::vector<std::string>{"MZ"});
  EXPECT_EQ(p.plan.size_cuts, std::vector<uint64_t>{100});
  EXPECT_EQ(p.plan.classes(), 4u);
  EXPECT_EQ(p.plan.ClassOf(Bytes("MZ")), 0u);
  EXPECT_EQ(p.plan.ClassOf(Bytes("MZ" + std::string(200, 'a'))), 1u);
  EXPECT_EQ(p.plan.ClassOf(Bytes("M")), 2u);  // too short for the magic
  EXPECT_EQ(p.plan.ClassOf(Bytes(std::string(100, 'a'))), 3u);
  EXPECT_EQ(p.plan.Label(0), "MZ/<100");
  EXPECT_EQ(p.plan.Label(3), "other/>=100");
}

TEST(YaraPartition, OtherFilesLoseMzRulesAndThePeImport) {
  auto p = Partition(kRules);
  std::string other_small = SourceFor(p, "text");
  EXPECT_EQ(other_small.find("rule mz_only"), std::string::npos);
  EXPECT_NE(other_small.find("rule small"), std::string::npos);
  EXPECT_NE(other_small.find("rule any_file"), std::string::npos);
  // The pe leaf is undefined on every non-MZ file: rewritten to false, and
  // nothing else uses pe, so the import goes.
  EXPECT_NE(other_small.find("false or $a"), std::string::npos) << other_small;
  EXPECT_EQ(other_small.find("import \"pe\""), std::string::npos) << other_small;

  std::string other_big = SourceFor(p, std::string(500, 't'));
  EXPECT_EQ(other_big.find("rule small"), std::string::npos);
  EXPECT_NE(other_big.find("rule any_file"), std::string::npos);

  std::string mz_small = SourceFor(p, "MZ");
  EXPECT_NE(mz_small.find("rule mz_only"), std::string::npos);
  EXPECT_NE(mz_small.find("import \"pe\""), std::string::npos);
  EXPECT_NE(mz_small.find("pe.imphash() == \"abc\" or $a"), std::string::npos);
}

TEST(YaraPartition, PeLeavesThatAreTrueOnOtherFilesStay) {
  // `not pe.is_pe` is true on non-PE files (is_pe is defined 0): nothing
  // can be decided, the rule and the import stay.
  auto p = Partition("import \"pe\"\nrule notpe { condition: not pe.is_pe and filesize < 10 }\n"
                     "rule gate { condition: uint16(0) == 0x5a4d }\n");
  std::string other = SourceFor(p, "abc");
  EXPECT_NE(other.find("rule notpe"), std::string::npos);
  EXPECT_NE(other.find("import \"pe\""), std::string::npos);
  EXPECT_EQ(other.find("rule gate"), std::string::npos);
}

TEST(YaraPartition, FalseGlobalDropsTheNamespaceAndReferencesAreKept) {
  auto p = Partition(R"(global rule only_mz { condition: uint16(0) == 0x5a4d }
rule any { condition: true }
)");
  EXPECT_EQ(SourceFor(p, "abc"), "");
  EXPECT_NE(SourceFor(p, "MZ").find("rule any"), std::string::npos);

  // A private rule that is false on "other" files but named under `not`
  // (which is not rewritten) must stay so the reference compiles.
  auto q = Partition(R"(private rule is_mz { condition: uint16(0) == 0x5a4d }
rule not_mz { condition: not is_mz }
rule mz { condition: is_mz and filesize > 1 }
)");
  std::string other = SourceFor(q, "abc");
  EXPECT_NE(other.find("rule is_mz"), std::string::npos);
  EXPECT_NE(other.find("rule not_mz"), std::string::npos);
  EXPECT_EQ(other.find("rule mz "), std::string::npos);
}

TEST(YaraPartition, CutSubtreesKeepTheirStringsReferenced) {
  auto p = Partition(R"(rule r { strings: $a = "x" $b = "y"
  condition: (uint16(0) == 0x5a4d and #a > 2) or $b }
rule gate { condition: uint16(0) == 0x5a4d }
)");
  std::string other = SourceFor(p, "abc");
  EXPECT_NE(other.find("(false and any of ($a))"), std::string::npos) << other;
}

TEST(YaraPartition, UnsplittableFilesAreKeptWhole) {
  std::string text = "include \"x.yar\"\nrule r { condition: true }\n";
  auto p = Partition(text);
  EXPECT_EQ(p.stats.files_unsplit, 1u);
  for (const auto& cls : p.per_class) {
    ASSERT_EQ(cls.size(), 1u);
    EXPECT_EQ(cls[0].text, text);
  }
}

}  // namespace
}  // namespace harrier
