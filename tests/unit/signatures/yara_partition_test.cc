// The partitioned sets at run time (src/signatures/yara_partition.h): the
// plan and the sets from the compiled-rules cache, keyed by the plan's
// limits. Which rules each class keeps: yara_partition_plan_test.cc.
#include "signatures/yara_partition.h"

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier {
namespace {

constexpr const char* kRules = R"(import "pe"
rule mz_only { strings: $a = "x" condition: uint16(0) == 0x5a4d and $a }
rule small { strings: $a = "x" condition: filesize < 100 and $a }
rule pe_or_string { strings: $a = "x" condition: pe.imphash() == "abc" or $a }
rule any_file { strings: $a = "x" condition: $a }
)";

TEST(YaraPartition, CachedPlanIsKeyedByItsLimitsAndSetsLoadFromTheCache) {
  testing::TempDir cache;
  std::vector<YaraSource> src = {{"ns", kRules}};
  Diagnostics d;
  auto whole = CompileYara(src, d, nullptr);
  ASSERT_TRUE(whole.ok());
  YaraPartition::Options a;
  a.cache_dir = cache.path();
  a.digest = "d1";
  a.plan.min_magic_rules = 1;
  a.plan.min_cut_rules = 1;
  auto p1 = YaraPartition::Create(src, *whole, a);
  EXPECT_FALSE(p1->plan_from_cache());
  EXPECT_EQ(p1->plan().classes(), 4u);
  for (size_t i = 0; i < p1->set_count(); ++i) ASSERT_NE(p1->Set(i), nullptr);

  auto p2 = YaraPartition::Create(src, *whole, a);  // same key: plan and sets from the cache
  EXPECT_TRUE(p2->plan_from_cache());
  EXPECT_EQ(p2->plan().magics, p1->plan().magics);
  EXPECT_EQ(p2->set_of_class(), p1->set_of_class());
  EXPECT_EQ(p2->Set(0)->rule_count(), p1->Set(0)->rule_count());
  EXPECT_EQ(p2->stats().sets_failed, 0u);

  YaraPartition::Options b = a;  // other limits: not the cached plan
  b.plan.min_magic_rules = 50;  // kRules has 1 MZ gate
  auto p3 = YaraPartition::Create(src, *whole, b);
  EXPECT_FALSE(p3->plan_from_cache());
  EXPECT_TRUE(p3->plan().magics.empty());
}

}  // namespace
}  // namespace harrier
