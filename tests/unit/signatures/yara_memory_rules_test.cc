// Which rules run on process memory: file-only constructs, the
// scan_context meta convention, rules naming file-only rules, global rules,
// and the generated C2 rules.
#include "signatures/yara_memory_rules.h"

#include <gtest/gtest.h>

#include "signatures/signature_set.h"

namespace harrier {
namespace {

TEST(MemoryRules, FileOnlyConstructsKeepARuleOffMemory) {
  MemoryRules m(std::vector<YaraSource>{{"a.yar",
                  "import \"pe\"\n"
                  "rule strings_only { strings: $a = \"x\" condition: $a }\n"
                  "rule header { strings: $a = \"x\" condition: uint16(0) == 0x5a4d and $a }\n"
                  "rule size { strings: $a = \"x\" condition: $a and filesize < 100KB }\n"
                  "rule at_zero { strings: $a = \"MZ\" condition: $a at 0 }\n"
                  "rule ext { strings: $a = \"x\" condition: $a and filename == \"a\" }\n"
                  "rule module { strings: $a = \"x\" condition: $a and pe.is_dll() }\n"
                  "rule names_header { condition: header }\n"
                  "rule names_strings { condition: strings_only }\n"
                  "rule marked { meta: scan_context = \"memory\" strings: $a = \"x\" "
                  "condition: $a and filesize > 0 }\n"
                  "rule files_only { meta: scan_context = \"file\" strings: $a = \"x\" "
                  "condition: $a }\n"}});
  EXPECT_TRUE(m.RunsOnMemory("a.yar", "strings_only"));
  EXPECT_TRUE(m.RunsOnMemory("a.yar", "names_strings"));
  EXPECT_TRUE(m.RunsOnMemory("a.yar", "marked"));  // the meta wins
  for (const char* r : {"header", "size", "at_zero", "ext", "module", "names_header", "files_only"})
    EXPECT_FALSE(m.RunsOnMemory("a.yar", r)) << r;
  EXPECT_EQ(m.memory_rules(), 3u);
  EXPECT_EQ(m.file_only_rules(), 7u);
  auto rules = m.Rules();
  ASSERT_TRUE(rules);
}

TEST(MemoryRules, AFileOnlyGlobalRuleTakesItsNamespaceOffAndC2IsNeverOnMemory) {
  MemoryRules m(std::vector<YaraSource>{{"g.yar",
                  "global rule small { condition: filesize < 1MB }\n"
                  "rule s { strings: $a = \"x\" condition: $a }\n"},
                 {std::string(kC2Namespace),
                  "rule c2_1 { meta: harrier_type = \"c2\" strings: $c0 = \"evil.example\" "
                  "condition: any of them }\n"},
                 {"ok.yar", "rule t { strings: $a = \"y\" condition: $a }\n"}});
  EXPECT_FALSE(m.RunsOnMemory("g.yar", "s"));
  EXPECT_FALSE(m.RunsOnMemory(kC2Namespace, "c2_1"));
  EXPECT_TRUE(m.RunsOnMemory("ok.yar", "t"));
  ASSERT_EQ(m.MemorySources().size(), 1u);
  EXPECT_EQ(m.MemorySources()[0].name, "ok.yar");
}

TEST(MemoryRules, NoRuleForMemoryGivesNoRuleSet) {
  MemoryRules m(std::vector<YaraSource>{{"f.yar", "rule f { condition: filesize == 0 }\n"}});
  EXPECT_EQ(m.Rules(), nullptr);
}

}  // namespace
}  // namespace harrier
