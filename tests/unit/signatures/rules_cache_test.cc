// The compiled-rules cache (src/signatures/rules_cache.h) and the lazily
// loaded whole rule set it hands out (YaraRulesHandle, yara_rules.h).
#include "signatures/rules_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "testutil/testutil.h"

namespace harrier {
namespace {

std::shared_ptr<const YaraRules> Compile(const std::string& text) {
  auto r = CompileYaraStrict({{"ns", text}}, {"my_external"});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

TEST(YaraRulesHandle, LazyLoadsOnceAndKnowsItsCountsBefore) {
  int loads = 0;
  auto rules = Compile("rule a { condition: true }\nrule b { condition: false }\n");
  auto h = YaraRulesHandle::Lazy(
      [&]() {
        ++loads;
        return rules;
      },
      2, {"x"});
  EXPECT_TRUE(static_cast<bool>(h));
  EXPECT_EQ(h.rule_count(), 2u);
  EXPECT_EQ(h.extra_externals(), std::vector<std::string>{"x"});
  EXPECT_FALSE(h.loaded());
  EXPECT_EQ(loads, 0);
  YaraRulesHandle copy = h;  // copies share the state
  EXPECT_EQ(copy.rules(), rules);
  EXPECT_EQ(h.rules(), rules);
  EXPECT_TRUE(h.loaded());
  EXPECT_EQ(loads, 1);
  EXPECT_FALSE(static_cast<bool>(YaraRulesHandle()));
  EXPECT_EQ(YaraRulesHandle().rules(), nullptr);
}

TEST(RulesCache, EntryLoadsLazilyEvenAfterItsFilesAreGone) {
  testing::TempDir dir;
  auto rules = Compile("rule a { condition: my_external == \"\" }\nrule c2_x { condition: false }\n");
  ASSERT_TRUE(rules);
  ASSERT_TRUE(SaveCachedRules(dir.path(), "d1", *rules, 7, 1).ok());
  auto cached = LoadCachedRules(dir.path(), "d1");
  ASSERT_TRUE(cached.ok()) << cached.status().ToString();
  EXPECT_EQ(cached->yara_files, 7u);
  EXPECT_EQ(cached->c2_rules, 1u);
  EXPECT_EQ(cached->rules.rule_count(), 2u);
  EXPECT_EQ(cached->rules.extra_externals(), std::vector<std::string>{"my_external"});
  EXPECT_FALSE(cached->rules.loaded());
  // A concurrent Harrier pruning the entry cannot take the rules away: the
  // .yarc was opened at load time.
  std::filesystem::remove_all(dir.path());
  auto loaded = cached->rules.rules();
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->rule_count(), 2u);
  EXPECT_EQ(loaded->extra_externals(), std::vector<std::string>{"my_external"});
}

TEST(RulesCache, MissesAndCorruptEntries) {
  testing::TempDir dir;
  EXPECT_EQ(LoadCachedRules(dir.path(), "none").status().code(), Status::Code::kNotFound);
  // An entry of the previous format (no rule count) is a miss, not an error.
  dir.Write("rules-old.meta", "harrier-rules-cache 1\nfiles 3\n");
  dir.Write("rules-old.yarc", "x");
  EXPECT_EQ(LoadCachedRules(dir.path(), "old").status().code(), Status::Code::kNotFound);
  dir.Write("rules-bad.meta", "something else\n");
  EXPECT_EQ(LoadCachedRules(dir.path(), "bad").status().code(), Status::Code::kCorrupt);
  // A .yarc that is not one: the entry loads (lazily), the rules are null.
  dir.Write("rules-junk.meta", "harrier-rules-cache 2\nfiles 1\nrules 1\nc2 0\n");
  dir.Write("rules-junk.yarc", "not a yarc");
  auto junk = LoadCachedRules(dir.path(), "junk");
  ASSERT_TRUE(junk.ok());
  EXPECT_EQ(junk->rules.rules(), nullptr);
}

}  // namespace
}  // namespace harrier
