// The compiled-rules cache (src/signatures/rules_cache.h) and the lazily
// loaded whole rule set it hands out (YaraRulesHandle, yara_rules.h).
#include "signatures/rules_cache.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "platform/fs.h"
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
  // An unsealed entry (an older format, or written by something else) is
  // never trusted.
  dir.Write("rules-old.meta", "harrier-rules-cache 2\nfiles 3\nrules 1\nc2 0\n");
  dir.Write("rules-old.yarc", "x");
  EXPECT_EQ(LoadCachedRules(dir.path(), "old").status().code(), Status::Code::kNotFound);
}

// Whether an entry's rules load: the .meta is checked at load time, the
// .yarc (opened then) is unsealed on first use.
bool RulesLoad(const std::string& dir, const std::string& digest) {
  auto c = LoadCachedRules(dir, digest);
  return c.ok() && c->rules.rules() != nullptr;
}

// A cache entry decides what the scan can find: replacing the compiled
// rules with a compiled empty set made the next scan CLEAN. Every
// tampering below is refused, and the loader then compiles from source.
TEST(RulesCache, TamperedEntriesAreRefused) {
  testing::TempDir dir;
  auto rules = Compile("rule a { condition: true }\n");
  auto empty = Compile("rule never { condition: false }\n");
  ASSERT_TRUE(rules && empty);
  ASSERT_TRUE(SaveCachedRules(dir.path(), "real", *rules, 1, 0).ok());
  ASSERT_TRUE(SaveCachedRules(dir.path(), "other", *empty, 1, 0).ok());
  ASSERT_TRUE(RulesLoad(dir.path(), "real"));
  const std::string yarc = dir.path() + "/rules-real.yarc";
  auto read = platform::ReadTextFile(yarc, 1 << 24);
  ASSERT_TRUE(read.ok());
  const std::string saved = *read;
  auto put = [&](const std::string& bytes) {
    dir.Write("rules-real.yarc", bytes);
    std::filesystem::permissions(yarc, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write);
  };

  // Another set's (sealed) entry copied over: the seal is keyed by the digest.
  auto other = platform::ReadTextFile(dir.path() + "/rules-other.yarc", 1 << 24);
  ASSERT_TRUE(other.ok());
  put(*other);
  EXPECT_FALSE(RulesLoad(dir.path(), "real"));
  // One flipped byte; truncated; cut inside the content.
  std::string flipped = saved;
  flipped[flipped.size() / 2] ^= 0x40;
  put(flipped);
  EXPECT_FALSE(RulesLoad(dir.path(), "real"));
  put(saved.substr(0, saved.size() - 1));
  EXPECT_FALSE(RulesLoad(dir.path(), "real"));
  put(saved.substr(0, 100) + saved.substr(saved.size() - 40));
  EXPECT_FALSE(RulesLoad(dir.path(), "real"));
  // A tampered .meta is refused when the entry is loaded.
  auto meta = platform::ReadTextFile(dir.path() + "/rules-real.meta", 1 << 20);
  ASSERT_TRUE(meta.ok());
  std::string m = *meta;
  m[m.find("rules 1")] = 'R';
  dir.Write("rules-real.meta", m);
  EXPECT_EQ(LoadCachedRules(dir.path(), "real").status().code(), Status::Code::kCorrupt);
  dir.Write("rules-real.meta", *meta);
  // The genuine entry, but writable by others.
  put(saved);
  ASSERT_TRUE(RulesLoad(dir.path(), "real"));
  std::filesystem::permissions(yarc, std::filesystem::perms::others_write,
                               std::filesystem::perm_options::add);
  EXPECT_EQ(LoadCachedRules(dir.path(), "real").status().code(),
            Status::Code::kPermissionDenied);
  std::filesystem::permissions(yarc, std::filesystem::perms::others_write,
                               std::filesystem::perm_options::remove);
  auto back = LoadCachedRules(dir.path(), "real");
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_TRUE(back->rules.rules());
  EXPECT_EQ(back->rules.rules()->rule_count(), 1u);
}

}  // namespace
}  // namespace harrier
