// ExcludeMatcher: globs (name-only vs whole-path), '**', character classes,
// re: regexes and exclude files with file:line errors.
#include "sources/exclude.h"

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier {
namespace {

ExcludeMatcher Make(std::initializer_list<const char*> pats) {
  ExcludeMatcher m;
  for (const char* p : pats) EXPECT_TRUE(m.Add(p).ok()) << p;
  EXPECT_TRUE(m.Compile().ok());
  return m;
}

TEST(ExcludeMatcher, EmptyMatchesNothing) {
  ExcludeMatcher m;
  ASSERT_TRUE(m.Compile().ok());
  EXPECT_TRUE(m.empty());
  EXPECT_FALSE(m.Matches("/a/b"));
}

TEST(ExcludeMatcher, GlobWithoutSlashMatchesNameOnly) {
  auto m = Make({"*.log"});
  EXPECT_TRUE(m.Matches("/var/log/syslog.log"));
  EXPECT_TRUE(m.Matches("x.log"));
  EXPECT_FALSE(m.Matches("/var/x.log/inner"));  // name is "inner"
  EXPECT_FALSE(m.Matches("/var/log/x.logs"));
}

TEST(ExcludeMatcher, GlobWithSlashMatchesWholePath) {
  auto m = Make({"/proc/*"});
  EXPECT_TRUE(m.Matches("/proc/1"));
  EXPECT_FALSE(m.Matches("/proc/1/maps"));  // '*' does not cross '/'
  EXPECT_FALSE(m.Matches("/x/proc/1"));
}

TEST(ExcludeMatcher, DoubleStarCrossesSlashes) {
  auto m = Make({"/home/**/cache"});
  EXPECT_TRUE(m.Matches("/home/u/a/b/cache"));
  EXPECT_FALSE(m.Matches("/home/u/a/b/cache2"));
}

TEST(ExcludeMatcher, QuestionMarkAndClasses) {
  auto m = Make({"f?.[ch]", "g[!0-9]"});
  EXPECT_TRUE(m.Matches("/a/f1.c"));
  EXPECT_TRUE(m.Matches("/a/fx.h"));
  EXPECT_FALSE(m.Matches("/a/f12.c"));
  EXPECT_TRUE(m.Matches("/a/gx"));
  EXPECT_FALSE(m.Matches("/a/g1"));
}

TEST(ExcludeMatcher, RegexMetacharactersInGlobAreLiteral) {
  auto m = Make({"a+b(1).txt"});
  EXPECT_TRUE(m.Matches("/d/a+b(1).txt"));
  EXPECT_FALSE(m.Matches("/d/aab1.txt"));
}

TEST(ExcludeMatcher, RegexForm) {
  auto m = Make({"re:/\\.git(/|$)"});
  EXPECT_TRUE(m.Matches("/src/.git"));
  EXPECT_TRUE(m.Matches("/src/.git/objects"));
  EXPECT_FALSE(m.Matches("/src/.github"));
}

TEST(ExcludeMatcher, BadRegexIsInvalidArgument) {
  ExcludeMatcher m;
  Status s = m.Add("re:(");
  EXPECT_EQ(s.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(s.message().find("re:("), std::string::npos);
}

TEST(ExcludeMatcher, FileWithCommentsAndErrorLine) {
  testing::TempDir t;
  std::string good = t.Write("ex.txt", "# comment\n\n  *.tmp  \r\nre:^/srv/\n");
  ExcludeMatcher m;
  ASSERT_TRUE(m.AddFile(good).ok());
  ASSERT_TRUE(m.Compile().ok());
  EXPECT_TRUE(m.Matches("/a/b.tmp"));
  EXPECT_TRUE(m.Matches("/srv/x"));
  std::string bad = t.Write("bad.txt", "*.ok\nre:[\n");
  ExcludeMatcher m2;
  Status s = m2.AddFile(bad);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(bad + ":2"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace harrier
