// CompileYara: a broken file among good ones (the good ones load, the error
// names file:line), undefined externals auto-defined, namespaces per file.
#include "signatures/yara_rules.h"

#include <gtest/gtest.h>

#include "scan/yara_scanner.h"

namespace harrier {
namespace {

const char* kGood1 = "rule good_one { strings: $a = \"alpha-marker\" condition: $a }\n";
const char* kGood2 = "rule good_two { condition: filesize == 3 }\n";
const char* kBroken =
    "rule ok_in_broken_file { condition: true }\n"
    "\n"
    "rule broken { strings: $a = \"x\" condition: $a and $undefined_string }\n";

std::vector<std::string> Matches(std::shared_ptr<const YaraRules> rules, std::string_view data,
                                 const YaraExternalValues& ev = {}) {
  auto s = YaraScanner::Create(std::move(rules), YaraLimits{});
  EXPECT_TRUE(s.ok());
  std::vector<Reason> reasons;
  EXPECT_TRUE((*s)->Scan({reinterpret_cast<const uint8_t*>(data.data()), data.size()}, ev, &reasons)
                  .ok());
  std::vector<std::string> names;
  for (const auto& r : reasons) names.push_back(r.name);
  return names;
}

TEST(CompileYara, AllGood) {
  Diagnostics d;
  YaraCompileStats st;
  auto r = CompileYara({{"a.yar", kGood1}, {"b.yar", kGood2}}, d, &st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(st.files, 2u);
  EXPECT_EQ(st.files_failed, 0u);
  EXPECT_EQ(st.rules, 2u);
  EXPECT_EQ((*r)->rule_count(), 2u);
  EXPECT_EQ(d.error_count(), 0u);
}

TEST(CompileYara, BrokenFileAmongGoodOnesIsReportedWithFileLine) {
  Diagnostics d;
  YaraCompileStats st;
  auto r = CompileYara({{"dir/a.yar", kGood1}, {"dir/broken.yar", kBroken}, {"dir/b.yar", kGood2}},
                       d, &st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(st.files, 3u);
  EXPECT_EQ(st.files_failed, 1u);
  EXPECT_EQ((*r)->rule_count(), 2u);  // the whole broken file is left out
  ASSERT_EQ(d.error_count(), 1u);
  auto snap = d.Snapshot();
  bool found = false;
  for (const auto& x : snap) {
    if (x.severity != Diagnostic::Severity::kError) continue;
    EXPECT_EQ(x.where, "dir/broken.yar:3");
    EXPECT_NE(x.message.find("undefined_string"), std::string::npos) << x.message;
    found = true;
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(Matches(*r, "..alpha-marker.."), std::vector<std::string>{"good_one"});
  EXPECT_EQ(Matches(*r, "abc"), std::vector<std::string>{"good_two"});
}

TEST(CompileYara, SyntaxErrorLine) {
  Diagnostics d;
  auto r = CompileYara({{"s.yar", "rule a { condition: true }\nrule b {\n  condition: (\n}\n"},
                        {"g.yar", kGood1}},
                       d, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->rule_count(), 1u);
  auto snap = d.Snapshot();
  ASSERT_FALSE(snap.empty());
  EXPECT_EQ(snap[0].where.rfind("s.yar:", 0), 0u) << snap[0].where;
}

TEST(CompileYara, UndefinedExternalIsAutoDefinedAsEmptyString) {
  Diagnostics d;
  YaraCompileStats st;
  auto r = CompileYara({{"ext.yar", "rule uses_foo { condition: foo == \"x\" }\n"
                                    "rule foo_empty { condition: foo == \"\" }\n"},
                        {"g.yar", kGood1}},
                       d, &st);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(st.files_failed, 0u);
  EXPECT_EQ(d.error_count(), 0u);
  EXPECT_EQ(st.auto_externals, std::vector<std::string>{"foo"});
  EXPECT_EQ((*r)->extra_externals(), std::vector<std::string>{"foo"});
  EXPECT_EQ(Matches(*r, "zzz"), std::vector<std::string>{"foo_empty"});
}

TEST(CompileYara, KnownExternalsArePassedPerFile) {
  Diagnostics d;
  auto r = CompileYara({{"e.yar",
                         "rule by_name { condition: filename == \"a.exe\" and extension == \".exe\" }\n"
                         "rule by_path { condition: filepath contains \"/tmp/\" }\n"
                         "rule by_mode { condition: filemode == 493 }\n"
                         "rule by_type { condition: filetype == \"EXE\" and owner == \"root\" "
                         "and md5 == \"abc\" }\n"}},
                       d, nullptr);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(d.error_count(), 0u);
  YaraExternalValues ev;
  ev.filename = "a.exe";
  ev.extension = ".exe";
  ev.filepath = "/tmp/a.exe";
  ev.filemode = 0755;
  ev.filetype = "EXE";
  ev.owner = "root";
  ev.md5 = "abc";
  EXPECT_EQ(Matches(*r, "x", ev),
            (std::vector<std::string>{"by_name", "by_path", "by_mode", "by_type"}));
  EXPECT_TRUE(Matches(*r, "x", {}).empty());
}

TEST(CompileYara, SameRuleNameInTwoFilesLoadsBoth) {
  Diagnostics d;
  auto r = CompileYara({{"a.yar", "rule same { condition: true }"},
                        {"b.yar", "rule same { condition: true }"}},
                       d, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->rule_count(), 2u);
  EXPECT_EQ(d.error_count(), 0u);
}

TEST(CompileYara, EmptySourcesAndAllBroken) {
  Diagnostics d;
  auto empty = CompileYara({}, d, nullptr);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ((*empty)->rule_count(), 0u);
  YaraCompileStats st;
  auto bad = CompileYara({{"x.yar", "rule {"}}, d, &st);
  ASSERT_TRUE(bad.ok());
  EXPECT_EQ((*bad)->rule_count(), 0u);
  EXPECT_EQ(st.files_failed, 1u);
}

}  // namespace
}  // namespace harrier
