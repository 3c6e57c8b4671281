// LongRunningRules: the rules with loops, the rules that name them (to a
// fixed point, in their own namespace only), the whole namespace of a
// global one and of a source the splitter cannot read; nothing else. The
// retry sources without them, compiled once.
#include "signatures/yara_long_running.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

TEST(LongRunningRules, LoopsAndTheRulesThatNameThem) {
  LongRunningRules lr({
      {"a.yar",
       "rule plain { strings: $a = \"for\" condition: $a and filesize < 10 }\n"
       "rule loops { condition: for all i in (0..filesize) : (uint8(i) != 0) }\n"
       "rule of_loop { strings: $a = \"x\" condition: for any of ($a) : ($ at 0) }\n"
       "rule names_loop { condition: loops or plain }\n"
       "rule names_namer { condition: not names_loop }\n"
       "rule names_plain { condition: plain }\n"},
      {"b.yar", "rule loops { condition: true }\nrule other { condition: loops }\n"},
  });
  EXPECT_TRUE(lr.Contains("a.yar", "loops"));
  EXPECT_TRUE(lr.Contains("a.yar", "of_loop"));
  EXPECT_TRUE(lr.Contains("a.yar", "names_loop"));
  EXPECT_TRUE(lr.Contains("a.yar", "names_namer"));
  EXPECT_FALSE(lr.Contains("a.yar", "plain")) << "a string \"for\" is no loop";
  EXPECT_FALSE(lr.Contains("a.yar", "names_plain"));
  // Another namespace's rule of the same name is another rule.
  EXPECT_FALSE(lr.Contains("b.yar", "loops"));
  EXPECT_FALSE(lr.Contains("b.yar", "other"));
  EXPECT_FALSE(lr.Contains("c.yar", "loops"));
}

TEST(LongRunningRules, GlobalLoopOrUnreadableSourceTakesTheWholeNamespace) {
  LongRunningRules lr({
      {"g.yar",
       "global rule gate { condition: for any i in (0..3) : (uint8(i) == 0x4d) }\n"
       "rule inner { condition: true }\n"},
      {"inc.yar", "include \"other.yar\"\nrule r { condition: true }\n"},
      {"ok.yar", "global rule gate { condition: filesize < 100 }\nrule r { condition: true }\n"},
  });
  EXPECT_TRUE(lr.Contains("g.yar", "inner"));
  EXPECT_TRUE(lr.Contains("inc.yar", "r"));
  EXPECT_FALSE(lr.Contains("ok.yar", "gate"));
  EXPECT_FALSE(lr.Contains("ok.yar", "r"));
  EXPECT_EQ(lr.List(),
            (std::vector<std::string>{std::string("g.yar\0*", 7), std::string("g.yar\0gate", 10),
                                      std::string("inc.yar\0*", 9)}));
}

TEST(LongRunningRules, RetrySourcesCutTheRulesAndDropTheNamespaces) {
  LongRunningRules lr({
      {"a.yar",
       "import \"pe\"\nrule keep1 { condition: true }\n"
       "rule loops { condition: for any i in (0..1) : (true) }\n"
       "private rule names { condition: loops }\nrule keep2 { condition: keep1 }\n"},
      {"g.yar", "global rule gate { condition: for any i in (0..1) : (true) }\n"},
      {"inc.yar", "include \"x.yar\"\n"},
  });
  auto retry = lr.RetrySources();
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].name, "a.yar");
  EXPECT_EQ(retry[0].text,
            "import \"pe\"\nrule keep1 { condition: true }\n\n\nrule keep2 { condition: keep1 }\n");
  auto rules = lr.RetryRules();
  ASSERT_NE(rules, nullptr);
  EXPECT_EQ(rules->rule_count(), 2u);
  EXPECT_EQ(lr.RetryRules(), rules) << "compiled once, shared";
}

TEST(LongRunningRules, NoRetrySetWhenNothingIsLeftOut) {
  LongRunningRules lr(std::vector<YaraSource>{{"a.yar", "rule r { condition: filesize < 10 }\n"}});
  EXPECT_TRUE(lr.List().empty());
  EXPECT_EQ(lr.RetryRules(), nullptr);
}

}  // namespace
}  // namespace harrier
