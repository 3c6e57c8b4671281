// Tokenizer and splitter of YARA rule text (src/signatures/yara_source.h).
#include "signatures/yara_source.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

std::string CondText(std::string_view src, const YaraRuleSpan& r) {
  return std::string(src.substr(r.cond_begin, r.cond_end - r.cond_begin));
}

TEST(YaraSource, TokenizesTheLexicalTraps) {
  std::string src = R"(rule r { strings: $a = /a\/b{1,2}/is $h = { 4D 5A [2-4] ( 90 | ?? ) } // } x
    $t = "q\"}" condition: !a[1] != 2 and #a > 0x10 and @a[1] < 1KB /* { */ })";
  auto toks = TokenizeYara(src);
  ASSERT_TRUE(toks.ok()) << toks.status().ToString();
  std::vector<std::pair<YaraTok, std::string>> got;
  for (const auto& t : *toks) got.emplace_back(t.kind, std::string(t.text));
  auto has = [&](YaraTok k, const std::string& text) {
    for (const auto& g : got)
      if (g.first == k && g.second == text) return true;
    return false;
  };
  EXPECT_TRUE(has(YaraTok::kRegex, R"(/a\/b{1,2}/is)"));
  EXPECT_TRUE(has(YaraTok::kHex, "{ 4D 5A [2-4] ( 90 | ?? ) }"));
  EXPECT_TRUE(has(YaraTok::kText, R"("q\"}")"));
  EXPECT_TRUE(has(YaraTok::kLengthId, "!a"));
  EXPECT_TRUE(has(YaraTok::kPunct, "!="));
  EXPECT_TRUE(has(YaraTok::kCountId, "#a"));
  EXPECT_TRUE(has(YaraTok::kOffsetId, "@a"));
  EXPECT_TRUE(has(YaraTok::kNumber, "0x10"));
  EXPECT_TRUE(has(YaraTok::kNumber, "1KB"));
  EXPECT_FALSE(has(YaraTok::kIdent, "x"));  // inside a comment
}

TEST(YaraSource, RejectsUnterminatedText) {
  EXPECT_FALSE(TokenizeYara("rule r { condition: \"abc }").ok());
  EXPECT_FALSE(TokenizeYara("rule r { strings: $a = /abc }").ok());
  EXPECT_FALSE(TokenizeYara("rule r { condition: true } /* open").ok());
  EXPECT_FALSE(TokenizeYara("rule r { strings: $a = { 4D 5A ").ok());
}

TEST(YaraSource, SplitsImportsRulesAndConditions) {
  std::string src = R"(import "pe"
import "math"
global private rule g : t1 t2 { condition: filesize > 0 }
rule r1 {
  meta: note = "condition: not here }"
  strings: $a = "x" $h = { AA BB }
  condition:
    $a and pe.is_pe // trailing comment
}
private rule r2 { condition: r1 and (uint16(0) == 0x5a4d) }
)";
  auto split = SplitYara(src);
  ASSERT_TRUE(split.ok()) << split.status().ToString();
  EXPECT_EQ(split->imports, (std::vector<std::string>{"pe", "math"}));
  ASSERT_EQ(split->rules.size(), 3u);
  EXPECT_EQ(split->rules[0].name, "g");
  EXPECT_TRUE(split->rules[0].is_global);
  EXPECT_TRUE(split->rules[0].is_private);
  EXPECT_EQ(CondText(src, split->rules[0]), "filesize > 0 ");
  EXPECT_EQ(split->rules[1].name, "r1");
  EXPECT_FALSE(split->rules[1].is_global);
  EXPECT_EQ(CondText(src, split->rules[1]).substr(0, 22), "$a and pe.is_pe // tra");
  EXPECT_EQ(split->rules[2].name, "r2");
  EXPECT_TRUE(split->rules[2].is_private);
  // A rule's span covers its modifiers through the closing brace.
  std::string r2(src.substr(split->rules[2].begin, split->rules[2].end - split->rules[2].begin));
  EXPECT_EQ(r2, "private rule r2 { condition: r1 and (uint16(0) == 0x5a4d) }");
}

TEST(YaraSource, RefusesWhatItDoesNotSplit) {
  EXPECT_FALSE(SplitYara("include \"other.yar\"\nrule r { condition: true }").ok());
  EXPECT_FALSE(SplitYara("rule r { strings: $a = \"x\" }").ok());         // no condition
  EXPECT_FALSE(SplitYara("rule r { condition: true").ok());               // not closed
  EXPECT_FALSE(SplitYara("rule { condition: true }").ok());               // no name
  EXPECT_FALSE(SplitYara("garbage").ok());
  EXPECT_TRUE(SplitYara("").ok());
}

}  // namespace
}  // namespace harrier

namespace harrier {
namespace {

std::string NodeText(const std::vector<YaraToken>& t, const YaraCondNode& n) {
  std::string s;
  for (uint32_t k = n.tb; k < n.te; ++k) s += (s.empty() ? "" : " ") + std::string(t[k].text);
  return s;
}

TEST(YaraNumber, ParsesYaraIntegerLiterals) {
  uint64_t v = 0;
  EXPECT_TRUE(ParseYaraNumber("42", &v));
  EXPECT_EQ(v, 42u);
  EXPECT_TRUE(ParseYaraNumber("0x5a4d", &v));
  EXPECT_EQ(v, 0x5a4du);
  EXPECT_TRUE(ParseYaraNumber("0o17", &v));
  EXPECT_EQ(v, 15u);
  EXPECT_TRUE(ParseYaraNumber("200KB", &v));
  EXPECT_EQ(v, 200u * 1024);
  EXPECT_TRUE(ParseYaraNumber("2MB", &v));
  EXPECT_EQ(v, 2u * 1024 * 1024);
  EXPECT_FALSE(ParseYaraNumber("1.5", &v));
  EXPECT_FALSE(ParseYaraNumber("abc", &v));
  EXPECT_FALSE(ParseYaraNumber("99999999999999999999", &v));
  EXPECT_FALSE(ParseYaraNumber("18014398509481984MB", &v));  // overflows once multiplied
}

TEST(YaraCondition, ReadsOrOverAndWithParenthesesStripped) {
  auto toks = TokenizeYara("$a or (filesize < 10 and ($b or #c > 1)) and not $d");
  ASSERT_TRUE(toks.ok());
  auto tree = ReadYaraCondition(*toks, 0, static_cast<uint32_t>(toks->size()));
  ASSERT_TRUE(tree);
  const auto& root = tree->nodes[tree->root];
  ASSERT_EQ(root.kind, YaraCondNode::kOr);
  ASSERT_EQ(root.kids.size(), 2u);
  EXPECT_EQ(NodeText(*toks, tree->nodes[root.kids[0]]), "$a");
  const auto& conj = tree->nodes[root.kids[1]];
  ASSERT_EQ(conj.kind, YaraCondNode::kAnd);
  ASSERT_EQ(conj.kids.size(), 2u);
  const auto& inner = tree->nodes[conj.kids[0]];  // ( ... ) stripped
  ASSERT_EQ(inner.kind, YaraCondNode::kAnd);
  EXPECT_EQ(NodeText(*toks, tree->nodes[inner.kids[0]]), "filesize < 10");
  EXPECT_EQ(tree->nodes[inner.kids[1]].kind, YaraCondNode::kOr);
  EXPECT_EQ(NodeText(*toks, tree->nodes[conj.kids[1]]), "not $d");
  for (int k : root.kids) EXPECT_LT(k, tree->root);  // operands come first
}

TEST(YaraCondition, UnbalancedIsNothingAndAnEmptyOperandIsAMalformedLeaf) {
  auto bad = TokenizeYara("($a or $b");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(ReadYaraCondition(*bad, 0, static_cast<uint32_t>(bad->size())));
  auto empty = TokenizeYara("$a and and $b");
  ASSERT_TRUE(empty.ok());
  auto tree = ReadYaraCondition(*empty, 0, static_cast<uint32_t>(empty->size()));
  ASSERT_TRUE(tree);
  EXPECT_EQ(tree->nodes[tree->root].kind, YaraCondNode::kLeaf);
  EXPECT_TRUE(tree->nodes[tree->root].malformed);
}

}  // namespace
}  // namespace harrier
