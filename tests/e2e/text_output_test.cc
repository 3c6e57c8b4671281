// End-to-end tests of the text report on stdout: the compact block per
// finding (default), its verbose form (-v) and the line layout (--format
// line), each compared with a golden in tests/golden/ after the values that
// differ between runs and hosts are normalised (temporary paths, times, host,
// version, duration). Findings arrive in completion order, so blocks and
// lines are sorted before the comparison. Regenerate after an intended
// format change with HARRIER_UPDATE_GOLDEN=1 and review the diff.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// A tree whose findings show what the text report does with them:
//  - sub/planted.dat: a hash IOC whose description carries source tags and a
//    URL, loaded from two signature folders (counted once, the copy named);
//  - win/ProgramData/TPM/winscard.dll below a Windows volume root (shown as
//    C:\...): a filename IOC and its `/` twin (counted once), a second
//    filename IOC and three YARA rules, one with a reference and a
//    remediation: five reasons, of which the block shows three;
//  - a file name with a TAB and a newline, which no layout may print raw.
struct TextTree {
  TempDir sig, sig2, tree;
  TextTree() {
    // sha256("harrier planted sample\n")
    const std::string hash_line =
        "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;Planted test sample "
        "[V] - src: SB https://example.org/report-1\n";
    sig.Write("iocs/my-hash-iocs.txt", hash_line);
    sig2.Write("iocs/copied-hash-iocs.txt", "# a copy of another folder's line\n" + hash_line);
    sig.Write("iocs/my-filename-iocs.txt",
              "# Dropper DLL in the TPM folder [V] - src: SB\n"
              "(?i)\\\\ProgramData\\\\TPM\\\\winscard\\.dll$;70\n"
              "(?i)/programdata/tpm/winscard\\.dll$;70\n"
              "# Any DLL (test)\n"
              "\\.dll$;40\n");
    sig.Write("yara/test.yar",
              "rule Marker_A {\n  meta:\n    description = \"Marker A loader [V] - src: SB\"\n"
              "    score = 80\n    reference = \"https://example.org/marker-a\"\n"
              "    remediation = \"Isolate the host and rotate its credentials.\"\n"
              "  strings:\n    $a = \"marker-a\"\n  condition:\n    $a\n}\n"
              "rule Marker_B {\n  meta:\n    score = 50\n  strings:\n    $b = \"marker-b\"\n"
              "  condition:\n    $b\n}\n"
              "rule Marker_C {\n  meta:\n    description = \"Marker C\"\n    score = 45\n"
              "  strings:\n    $c = \"marker-c\"\n  condition:\n    $c\n}\n");
    tree.Write("a.txt", "nothing to see\n");
    tree.Write("sub/planted.dat", "harrier planted sample\n");
    tree.Mkdir("win/Windows/System32");
    tree.Write("win/ProgramData/TPM/winscard.dll", "marker-a marker-b marker-c\n");
    tree.Write("odd\tname\n.dll", "hello\n");
  }
  std::vector<std::string> Args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"scan",         "--no-builtin", "--no-progress", "--all-files",
                                  "--signatures", sig.path(),     "--signatures",  sig2.path()};
    a.insert(a.end(), extra.begin(), extra.end());
    a.push_back(tree.path());
    return a;
  }
  std::string Normalise(std::string s) const {
    auto repl = [&](const std::string& from, const std::string& to) {
      for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size())
        s.replace(p, from.size(), to);
    };
    repl(tree.path(), "<TREE>");
    repl(sig2.path(), "<SIG2>");
    repl(sig.path(), "<SIG>");
    s = std::regex_replace(s, std::regex("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), "<TIME>");
    s = std::regex_replace(s, std::regex("Harrier [^ ]+ on [^:]+:"), "Harrier <VERSION> on <HOST>:");
    s = std::regex_replace(s, std::regex("\nTime: [^\n]*"), "\nTime: <DURATION>");
    s = std::regex_replace(s, std::regex("; time [0-9.]+ s;"), "; time <DURATION>;");
    return s;
  }
};

// The block layout: the header, then the findings (each a line at column 0
// and its indented lines) sorted, then the summary (after the blank line).
std::string SortedBlocks(const std::string& text) {
  std::vector<std::string> lines = Lines(text);
  std::string head, tail;
  std::vector<std::string> blocks;
  size_t i = 0;
  for (; i < lines.size() && !lines[i].empty(); ++i) head += lines[i] + "\n";
  for (; i < lines.size() && lines[i].empty(); ++i) head += "\n";
  for (; i < lines.size() && !lines[i].empty(); ++i) {
    if (lines[i][0] != ' ' || blocks.empty()) blocks.emplace_back();
    blocks.back() += lines[i] + "\n";
  }
  for (; i < lines.size(); ++i) tail += lines[i] + "\n";
  std::sort(blocks.begin(), blocks.end());
  std::string out = head;
  for (const auto& b : blocks) out += b;
  return out + tail;
}

TEST(TextOutput, CompactBlockGolden) {
  TextTree t;
  auto r = RunHarrier(t.Args({}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = t.Normalise(r.out);
  // What the block promises, stated apart from the golden.
  EXPECT_NE(text.find("C:\\ProgramData\\TPM\\winscard.dll\n"), std::string::npos) << text;
  EXPECT_NE(text.find("Dropper DLL in the TPM folder\n"), std::string::npos) << "description, not regex";
  EXPECT_EQ(text.find("ProgramData\\\\TPM"), std::string::npos) << "no raw regex without -v";
  EXPECT_EQ(text.find("[V]"), std::string::npos) << "source tags stripped";
  EXPECT_EQ(text.find("src:"), std::string::npos) << "source tags stripped";
  EXPECT_NE(text.find("+2 more"), std::string::npos) << text;
  EXPECT_NE(text.find("what to do: Isolate the host"), std::string::npos) << text;
  EXPECT_NE(text.find("odd\\x09name\\x0a.dll"), std::string::npos) << text;
  EXPECT_NE(text.find("Verdict: ALERT"), std::string::npos);
  ExpectGolden("text-compact.txt", SortedBlocks(text));
}

TEST(TextOutput, VerboseBlockGolden) {
  TextTree t;
  auto r = RunHarrier(t.Args({"-v"}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = t.Normalise(r.out);
  EXPECT_NE(text.find("pattern: (?i)\\\\ProgramData\\\\TPM\\\\winscard\\.dll$"), std::string::npos)
      << text;
  EXPECT_NE(text.find("also from <SIG>/iocs/my-filename-iocs.txt:3"), std::string::npos) << text;
  EXPECT_NE(text.find("also from <SIG2>/iocs/copied-hash-iocs.txt:2"), std::string::npos) << text;
  EXPECT_NE(text.find("reference: https://example.org/marker-a"), std::string::npos) << text;
  EXPECT_NE(text.find("reference: https://example.org/report-1"), std::string::npos) << text;
  EXPECT_NE(text.find("Marker_C: Marker C"), std::string::npos) << "every reason";
  ExpectGolden("text-verbose.txt", SortedBlocks(text));
}

TEST(TextOutput, LineFormatGolden) {
  TextTree t;
  auto r = RunHarrier(t.Args({"--format", "line"}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::vector<std::string> lines = Lines(t.Normalise(r.out));
  ASSERT_EQ(lines.size(), 4u) << r.out << "3 findings and the summary line";
  ASSERT_EQ(lines.back().rfind("# verdict alert;", 0), 0u) << lines.back();
  std::vector<std::string> findings(lines.begin(), lines.end() - 1);
  for (const auto& l : findings) {
    ASSERT_NE(l[0], '#');
    EXPECT_GE(std::count(l.begin(), l.end(), '\t'), 3) << "LEVEL SCORE PATH REASON...: " << l;
  }
  std::sort(findings.begin(), findings.end());
  std::string out;
  for (const auto& l : findings) out += l + "\n";
  ExpectGolden("text-line.txt", out + lines.back() + "\n");
}

TEST(TextOutput, LineFormatQuietPrintsTheSummaryLineOnly) {
  TextTree t;
  auto r = RunHarrier(t.Args({"--format", "line", "-q"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u) << r.out;
  EXPECT_EQ(lines[0].rfind("# verdict alert;", 0), 0u) << r.out;
}

TEST(TextOutput, JsonlCarriesReferencesAndMergedSources) {
  TextTree t;
  auto r = RunHarrier(t.Args({"--jsonl", "-"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  const auto& planted = j.findings.at(t.tree.path() + "/sub/planted.dat");
  const auto& reasons = planted["harrier"]["reasons"];
  ASSERT_EQ(reasons.size(), 1u) << planted.dump();
  EXPECT_EQ(planted["harrier"]["score"], 90.0) << "one indicator from two folders counts once";
  EXPECT_EQ(reasons[0]["references"], nlohmann::json::array({"https://example.org/report-1"}));
  EXPECT_EQ(reasons[0]["also_from"],
            nlohmann::json::array({t.sig2.path() + "/iocs/copied-hash-iocs.txt:2"}));
  // The raw description keeps its source tags for machines.
  EXPECT_NE(reasons[0]["description"].get<std::string>().find("[V] - src: SB"), std::string::npos);
}

}  // namespace
}  // namespace harrier::testing
