// End-to-end: the built binary on generated trees with a generated
// signature folder (signature-base layout). Exact findings, scores, levels
// and summary counts from `--jsonl -`; bad input; Ctrl-C.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>

#include "e2e/jsonl.h"
#include "scan/hasher.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

Hashes HashOf(std::string_view s) {
  Hasher h;
  return h.Compute({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

const char* kYara = R"(
rule Harrier_Test_Scored {
  meta:
    description = "scored marker"
    score = 60
  strings:
    $a = "HARRIER_YARA_MARKER_ONE"
  condition:
    $a
}
rule Harrier_Test_Default {
  meta:
    description = "default-score marker"
  strings:
    $b = "HARRIER_YARA_MARKER_TWO"
  condition:
    $b
}
)";

// A signature folder in signature-base layout and a tree with one planted
// hit per indicator type.
struct Planted {
  TempDir sig, tree;
  std::string md5_content = "planted for md5\n", sha1_content = "planted for sha1\n",
              sha256_content = "planted for sha256\n";
  Planted() {
    sig.Write("iocs/hash-iocs.txt",
              "# Test hashes\n" + HashOf(md5_content).md5 + ";Planted MD5\n" +
                  HashOf(sha1_content).sha1 + ";70;Planted SHA1\n" +
                  HashOf(sha256_content).sha256 + ";90;Planted; SHA256\n");
    sig.Write("iocs/filename-iocs.txt",
              "# Windows-style tool name\n\\\\evil_tool\\.exe;80\n"
              "# Unix staging path\n/stage/\\.hidden_x;65\n");
    sig.Write("yara/test.yar", kYara);
    tree.Write("a_md5.bin", md5_content);
    tree.Write("b_sha1.bin", sha1_content);
    tree.Write("c_sha256.bin", sha256_content);
    tree.Write("tools/evil_tool.exe", "nothing inside\n");
    tree.Write("tools/not_evil_tool.exe", "nothing inside\n");
    tree.Write("stage/.hidden_x", "nothing inside\n");
    tree.Write("y1.txt", "xx HARRIER_YARA_MARKER_ONE xx\n");
    tree.Write("y2.txt", "xx HARRIER_YARA_MARKER_TWO xx\n");
    tree.Write("both.txt", "HARRIER_YARA_MARKER_ONE HARRIER_YARA_MARKER_TWO\n");
    tree.Write("clean.txt", "clean\n");
    tree.Write("empty.txt", "");
  }
  std::vector<std::string> Args(std::vector<std::string> extra = {}) const {
    std::vector<std::string> a = {"scan", "--no-builtin", "--no-progress", "--signatures",
                                  sig.path(), "--jsonl", "-"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

struct Expect {
  std::string rel;
  std::string level;
  double score;
  std::vector<std::pair<std::string, int>> reasons;  // type, sub-score (sorted desc)
};

TEST(ScanE2E, PlantedHashFilenameAndYaraHitsExactly) {
  Planted p;
  auto r = RunHarrier(p.Args({"--all-files", p.tree.path()}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  ASSERT_TRUE(j.all_parsed);
  const std::vector<Expect> expected = {
      {"a_md5.bin", "alert", 100, {{"hash", 100}}},
      {"b_sha1.bin", "warning", 70, {{"hash", 70}}},
      {"c_sha256.bin", "alert", 90, {{"hash", 90}}},
      {"tools/evil_tool.exe", "alert", 80, {{"filename", 80}}},
      {"stage/.hidden_x", "warning", 65, {{"filename", 65}}},
      {"y1.txt", "warning", 60, {{"yara", 60}}},
      {"y2.txt", "warning", 75, {{"yara", 75}}},
      // 100*(1-(1-.75)*(1-.60/2)) = 82.5 >= 80, but no sub-score > 75: warning.
      {"both.txt", "warning", 82.5, {{"yara", 75}, {"yara", 60}}},
  };
  EXPECT_EQ(j.findings.size(), expected.size());
  for (const auto& e : expected) {
    std::string path = p.tree.path() + "/" + e.rel;
    ASSERT_EQ(j.findings.count(path), 1u) << "missing finding for " << e.rel;
    const auto& f = j.findings[path];
    EXPECT_EQ(f["harrier"]["level"], e.level) << e.rel;
    EXPECT_NEAR(f["harrier"]["score"].get<double>(), e.score, 1e-9) << e.rel;
    const auto& rs = f["harrier"]["reasons"];
    ASSERT_EQ(rs.size(), e.reasons.size()) << e.rel << ": " << rs.dump();
    for (size_t i = 0; i < rs.size(); ++i) {
      EXPECT_EQ(rs[i]["type"], e.reasons[i].first) << e.rel;
      EXPECT_EQ(rs[i]["score"], e.reasons[i].second) << e.rel;
    }
  }
  // Reason details.
  auto& sha = j.findings[p.tree.path() + "/c_sha256.bin"];
  EXPECT_EQ(sha["harrier"]["reasons"][0]["description"], "Planted; SHA256");
  EXPECT_EQ(sha["harrier"]["reasons"][0]["source"], p.sig.path() + "/iocs/hash-iocs.txt:4");
  EXPECT_EQ(sha["file"]["hash"]["sha256"], HashOf(p.sha256_content).sha256);
  auto& fn = j.findings[p.tree.path() + "/tools/evil_tool.exe"];
  EXPECT_EQ(fn["harrier"]["reasons"][0]["name"], "\\\\evil_tool\\.exe");
  EXPECT_EQ(fn["harrier"]["reasons"][0]["description"], "Windows-style tool name");
  auto& y1 = j.findings[p.tree.path() + "/y1.txt"];
  EXPECT_EQ(y1["harrier"]["reasons"][0]["name"], "Harrier_Test_Scored");
  EXPECT_EQ(y1["harrier"]["reasons"][0]["strings"][0]["offset"], 3);
  EXPECT_EQ(y1["harrier"]["reasons"][0]["strings"][0]["text"], "HARRIER_YARA_MARKER_ONE");
  // Summary.
  ExpectAccounted(j.summary);
  EXPECT_EQ(j.summary["files_seen"], 11);
  EXPECT_EQ(j.summary["files_scanned"], 11);
  EXPECT_EQ(j.summary["errors"], 0);
  EXPECT_EQ(j.summary["findings"]["alert"], 3);
  EXPECT_EQ(j.summary["findings"]["warning"], 5);
  EXPECT_EQ(j.summary["findings"]["notice"], 0);
  EXPECT_EQ(j.summary["verdict"], "alert");
  EXPECT_EQ(j.summary["exit_code"], 1);
  EXPECT_EQ(j.summary["interrupted"], false);
  EXPECT_EQ(j.summary["rules"]["hash_iocs"], 3);
  EXPECT_EQ(j.summary["rules"]["filename_iocs"], 2);
  EXPECT_EQ(j.summary["rules"]["yara_rules"], 2);
  // The text report goes to stderr when stdout carries JSONL.
  EXPECT_NE(r.err.find("Verdict: ALERT"), std::string::npos) << r.err;
}

// Only stage/.hidden_x is outside the built-in selection (no relevant
// extension, no known magic); a filename IOC names it, so the default
// selection derived from the loaded IOCs reads it (docs/scanning.md). With
// --no-rule-selection it is skipped "type" and the IOC still applies to its
// path.
TEST(ScanE2E, DefaultSelectionReadsWhatAFilenameIocNames) {
  Planted p;
  auto r = RunHarrier(p.Args({p.tree.path()}));
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(j.summary["files_seen"], 11);
  EXPECT_EQ(j.summary["skipped"]["type"], 0) << j.summary.dump();
  EXPECT_EQ(j.summary["files_scanned"], 11);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/stage/.hidden_x"), 1u);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/tools/evil_tool.exe"), 1u);
}

TEST(ScanE2E, BuiltinSelectionSkipsByTypeButFilenameIocsStillApply) {
  Planted p;
  auto r = RunHarrier(p.Args({"--no-rule-selection", p.tree.path()}));
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(j.summary["files_seen"], 11);
  EXPECT_EQ(j.summary["skipped"]["type"], 1) << j.summary.dump();
  EXPECT_EQ(j.summary["files_scanned"], 10);
  // Filename IOCs are decided from the path, scanned or not.
  EXPECT_EQ(j.findings.count(p.tree.path() + "/stage/.hidden_x"), 1u);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/tools/evil_tool.exe"), 1u);
}

TEST(ScanE2E, FileGivenDirectly) {
  Planted p;
  auto r = RunHarrier(p.Args({p.tree.path() + "/c_sha256.bin"}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.findings.size(), 1u);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/c_sha256.bin"), 1u);
  EXPECT_EQ(j.summary["files_seen"], 1);
  EXPECT_EQ(j.summary["files_scanned"], 1);
}

TEST(ScanE2E, CleanTreeExitsZero) {
  Planted p;
  auto r = RunHarrier(p.Args({"--all-files", p.tree.path() + "/clean.txt", p.tree.path() + "/empty.txt"}));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_TRUE(j.findings.empty());
  EXPECT_EQ(j.summary["files_scanned"], 2);
  EXPECT_EQ(j.summary["verdict"], "clean");
}

// Regression: C2 indicators were YARA `fullword` strings, which take '-',
// '_' and '.' for word ends, so evil.com fired on not-evil.com,
// under_evil.com and evil.com.au. A domain matches itself and its
// subdomains, a URL with a path its own prefix; ascii and wide, on the fast
// path and on --yara-reference.
TEST(ScanE2E, RegressionC2DomainMatchesItselfAndSubdomainsOnly) {
  auto wide = [](std::string_view s) {
    std::string out;
    for (char c : s) out += {c, '\0'};
    return out;
  };
  TempDir sig, tree;
  sig.Write("iocs/c2-iocs.txt",
            "# Test C2 domain\nevil.com;80\n# Test C2 URL\nhttps://gate.example/api;70\n");
  const std::map<std::string, std::string> quiet = {
      {"not-evil.txt", "GET http://not-evil.com/x\n"},
      {"under.txt", "host=under_evil.com\n"},
      {"au.txt", "see evil.com.au\n"},
      {"notevil.txt", "notevil.com\n"},
      {"wide-not.bin", wide("not-evil.com under_evil.com evil.com.au")},
      {"url-short.txt", "https://gate.example/ap\n"},
      {"url-host.txt", "https://gate.example.au/api\n"},
  };
  const std::map<std::string, std::string> hits = {  // file -> indicator
      {"sub.txt", "evil.com"},
      {"plain.txt", "evil.com"},
      {"wide-sub.bin", "evil.com"},
      {"url.txt", "https://gate.example/api"},
  };
  for (const auto& [name, content] : quiet) tree.Write(name, content);
  tree.Write("sub.txt", "connect a.evil.com:443\n");
  tree.Write("plain.txt", "not-evil.com and then evil.com\n");
  tree.Write("wide-sub.bin", wide("x.EVIL.com"));
  tree.Write("url.txt", "https://gate.example/api/v2?x=1\n");
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--yara-reference"}}) {
    std::vector<std::string> args = {"scan", "--no-builtin", "--no-progress", "--all-files",
                                     "--signatures", sig.path(), "--jsonl", "-"};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(tree.path());
    auto r = RunHarrier(args);
    ASSERT_EQ(r.exit_code, 1) << r.err;
    Jsonl j = ParseJsonl(r.out);
    EXPECT_EQ(j.summary["files_scanned"], quiet.size() + hits.size());
    EXPECT_EQ(j.findings.size(), hits.size());
    for (const auto& [name, indicator] : hits) {
      std::string path = tree.path() + "/" + name;
      ASSERT_EQ(j.findings.count(path), 1u) << "missing finding for " << name;
      const auto& rs = j.findings[path]["harrier"]["reasons"];
      ASSERT_EQ(rs.size(), 1u) << rs.dump();
      EXPECT_EQ(rs[0]["type"], "c2");
      EXPECT_EQ(rs[0]["name"], indicator);
    }
    // The match after a mere candidate is the one reported.
    const auto& plain = j.findings[tree.path() + "/plain.txt"]["harrier"]["reasons"][0];
    EXPECT_EQ(plain["strings"][0]["offset"], 22);
    EXPECT_EQ(plain["strings"][0]["text"], "evil.com");
  }
}

// Regression: a YARA timeout dropped the rules that had matched: a file
// with a score-90 hit and a slow rule ended as skipped `timeout` with no
// finding (exit 3). The rules without loops are evaluated again and kept;
// the file still counts as skipped `timeout`.
TEST(ScanE2E, RegressionYaraTimeoutKeepsTheRulesThatMatched) {
  TempDir sig, tree;
  sig.Write("yara/t.yar",
            "rule Quick_Hit {\n  meta:\n    score = 90\n  strings:\n    $a = \"QUICK_MARKER\"\n"
            "  condition:\n    $a\n}\n"
            "rule Slow_Rule {\n  condition:\n    for all i in (0..filesize) : (for all j in "
            "(0..filesize) : (uint8(i) != 0xFF or uint8(j) != 0xFE))\n}\n");
  tree.Write("slow.txt", "QUICK_MARKER " + std::string(60000, 'x'));
  for (const std::vector<std::string>& mode :
       {std::vector<std::string>{}, std::vector<std::string>{"--yara-reference"}}) {
    std::vector<std::string> args = {"scan",           "--no-builtin", "--no-progress",
                                     "--all-files",    "--signatures", sig.path(),
                                     "--yara-timeout", "1",            "--jsonl",
                                     "-"};
    args.insert(args.end(), mode.begin(), mode.end());
    args.push_back(tree.path());
    auto r = RunHarrier(args, 60);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    Jsonl j = ParseJsonl(r.out);
    ASSERT_EQ(j.findings.size(), 1u) << r.out;
    const auto& f = j.findings.begin()->second["harrier"];
    EXPECT_EQ(f["level"], "alert");
    ASSERT_EQ(f["reasons"].size(), 1u) << f.dump();
    EXPECT_EQ(f["reasons"][0]["name"], "Quick_Hit");
    EXPECT_EQ(f["reasons"][0]["score"], 90);
    EXPECT_EQ(j.summary["skipped"]["timeout"], 1);
    EXPECT_EQ(j.summary["incomplete"], true);
  }
}

// Regression (issue 2 hardening 5c): a huge sparse file is skipped by size
// from metadata, without reading 10 GB.
TEST(ScanE2E, SparseHugeFileSkippedBySizeWithoutReading) {
  Planted p;
  std::string big = p.tree.path() + "/sparse.bin";
  ASSERT_EQ(truncate(p.tree.Write("sparse.bin", "").c_str(), 10LL << 30), 0);
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunHarrier(p.Args({"--all-files", big}), 30);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.summary["skipped"]["size"], 1);
  EXPECT_EQ(j.summary["bytes_scanned"], 0);
  EXPECT_LT(secs, 10);
}

// Regression (issue 2 hardening 5a): signature folders and the JSONL report
// are never scanned, even when reached through another path.
TEST(ScanE2E, OwnSignatureFolderAndReportNeverScanned) {
  Planted p;
  // The YARA file contains its own marker strings: scanning it would match.
  ASSERT_EQ(symlink(p.sig.path().c_str(), (p.tree.path() + "/sig-link").c_str()), 0);
  std::string report = p.tree.path() + "/report.jsonl";
  std::vector<std::string> args = {"scan", "--no-builtin", "--no-progress", "--signatures",
                                   p.sig.path(), "--jsonl", report, "--all-files",
                                   "--follow-symlinks", p.tree.path() + "/../" +
                                   std::filesystem::path(p.tree.path()).filename().string()};
  auto r = RunHarrier(args);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  std::ifstream in(report);
  std::string text((std::istreambuf_iterator<char>(in)), {});
  Jsonl j = ParseJsonl(text);
  for (const auto& [path, f] : j.findings) {
    EXPECT_EQ(path.find("sig-link"), std::string::npos) << "scanned own signatures: " << path;
    EXPECT_EQ(path.find("report.jsonl"), std::string::npos) << "scanned own report";
  }
  EXPECT_EQ(j.findings.size(), 8u);
  EXPECT_EQ(j.summary["skipped"]["excluded"], 1);        // report.jsonl
  EXPECT_EQ(j.summary["skipped_dirs"]["excluded"], 1);   // sig-link
}

TEST(ScanE2E, FifoInTreeDoesNotHang) {
  Planted p;
  ASSERT_EQ(mkfifo((p.tree.path() + "/pipe").c_str(), 0644), 0);
  auto r = RunHarrier(p.Args({"--all-files", p.tree.path()}), 60);
  ASSERT_NE(r.exit_code, -1) << "timed out: the FIFO was opened";
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.summary["skipped"]["special_file"], 1);
  ExpectAccounted(j.summary);
}

TEST(ScanE2E, SymlinkLoop) {
  Planted p;
  ASSERT_EQ(symlink("..", (p.tree.path() + "/tools/up").c_str()), 0);
  ASSERT_EQ(symlink("loop", (p.tree.path() + "/loop").c_str()), 0);
  auto d = RunHarrier(p.Args({"--all-files", p.tree.path()}), 60);
  Jsonl jd = ParseJsonl(d.out);
  EXPECT_EQ(jd.summary["skipped"]["symlink"], 2);
  EXPECT_EQ(jd.findings.size(), 8u);
  ExpectAccounted(jd.summary);
  auto f = RunHarrier(p.Args({"--all-files", "--follow-symlinks", p.tree.path()}), 60);
  ASSERT_NE(f.exit_code, -1) << "symlink loop did not terminate";
  Jsonl jf = ParseJsonl(f.out);
  EXPECT_EQ(jf.findings.size(), 8u);  // each directory entered once
  EXPECT_EQ(jf.summary["files_scanned"], 11);
  ExpectAccounted(jf.summary);
}

TEST(ScanE2E, InvalidUtf8FileNamesKeepJsonlValid) {
  Planted p;
  p.tree.Write("tools/bad\xff\xfe/evil_tool.exe", "x");
  p.tree.Write("y1-\xc3\x28.txt", "HARRIER_YARA_MARKER_ONE");
  auto r = RunHarrier(p.Args({"--all-files", "--jsonl-diagnostics", p.tree.path()}));
  Jsonl j = ParseJsonl(r.out);
  EXPECT_TRUE(j.all_parsed);
  EXPECT_EQ(j.findings.size(), 10u);
  std::string escaped = p.tree.path() + "/tools/bad\\xff\\xfe/evil_tool.exe";
  ASSERT_EQ(j.findings.count(escaped), 1u) << r.out;
  EXPECT_EQ(j.findings[escaped]["harrier"]["path_hex"].get<std::string>().size() % 2, 0u);
}

TEST(ScanE2E, ProcFileGivenDirectlyDoesNotHang) {
  TempDir sigs;
  sigs.Write("yara/none.yar", "rule never_matches { condition: false }\n");
  auto r = RunHarrier({"scan", "--no-builtin", "--signatures", sigs.path(), "--no-progress",
                       "--all-files", "--jsonl", "-", "/proc/self/status", "/proc/self"},
                      30);
  ASSERT_NE(r.exit_code, -1);
  Jsonl j = ParseJsonl(r.out);
  ExpectAccounted(j.summary);
  EXPECT_EQ(j.summary["skipped_dirs"]["pseudo_fs"], 1);
}

// A scan that looks for nothing must not say CLEAN.
TEST(ScanE2E, NoSignaturesAtAllIsAUsageError) {
  TempDir t;
  t.Write("tree/a.txt", "x");
  t.Mkdir("empty");
  auto r = RunHarrier({"scan", "--no-builtin", "--signatures", t.path() + "/empty", "--no-progress",
                       t.path() + "/tree"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("no signatures loaded"), std::string::npos) << r.err;
}

// libyara reads rule text as a C string: a NUL byte silently dropped every
// rule after it while the file was reported ok.
TEST(ScanE2E, ANulByteInARuleFileIsAnErrorWithItsLine) {
  TempDir t;
  t.Write("tree/a.txt", "HARRIER_NUL_MARKER");
  t.Write("sigs/yara/good.yar", "rule good { strings: $a = \"HARRIER_NUL_MARKER\" condition: $a }\n");
  t.Write("sigs/yara/nul.yar", std::string("rule a { condition: false }\n\0rule b { condition: true }\n", 56));
  auto r = RunHarrier({"scan", "--no-builtin", "--signatures", t.path() + "/sigs", "--no-progress",
                       "--no-rules-cache", "--jsonl", "-", t.path() + "/tree"});
  EXPECT_NE(r.err.find("nul.yar:2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("NUL byte"), std::string::npos) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.findings.size(), 1u) << "the good file still loads";
  auto check = RunHarrier({"rules", "check", "--no-builtin", t.path() + "/sigs"});
  EXPECT_NE(check.exit_code, 0) << check.out;
}

TEST(ScanE2E, BadSignatureInputStillScans) {
  Planted p;
  p.sig.Write("iocs/hash-iocs.txt",
              "not-a-hash;x\n" + HashOf(p.sha256_content).sha256 + ";90;Planted SHA256\n");
  p.sig.Write("iocs/filename-iocs.txt", "(unclosed;50\nnoscore\n\\\\evil_tool\\.exe;80\n");
  // libyara reports an undefined string at the rule's closing brace (line 4).
  p.sig.Write("yara/broken.yar", "rule broken {\n  condition:\n    $nope\n}\n");
  auto r = RunHarrier(p.Args({"--all-files", p.tree.path()}));
  ASSERT_EQ(r.exit_code, 1) << r.err;
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/c_sha256.bin"), 1u);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/tools/evil_tool.exe"), 1u);
  EXPECT_EQ(j.findings.count(p.tree.path() + "/y1.txt"), 1u);  // good YARA file still loaded
  EXPECT_EQ(j.summary["rules"]["yara_files_failed"], 1);
  EXPECT_EQ(j.summary["rules"]["ioc_lines_failed"], 3);
  for (const char* where : {"/iocs/hash-iocs.txt:1", "/iocs/filename-iocs.txt:1",
                            "/iocs/filename-iocs.txt:2", "/yara/broken.yar:4"})
    EXPECT_NE(r.err.find(p.sig.path() + where), std::string::npos) << where << "\n" << r.err;

  auto c = RunHarrier({"rules", "check", "--no-builtin", p.sig.path()});
  EXPECT_EQ(c.exit_code, 1) << "rules check exits 1 when a file failed";
  EXPECT_NE(c.out.find(p.sig.path() + "/yara/broken.yar:4"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find(p.sig.path() + "/iocs/hash-iocs.txt:1"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("Result: FAILED"), std::string::npos);

  TempDir good;
  good.Write("yara/ok.yar", kYara);
  auto ok = RunHarrier({"rules", "check", "--no-builtin", good.path()});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
}

// Ctrl-C: a scan of a slow tree is interrupted; the report is flushed with
// a summary saying so, exit code 3. Regression: the walker used to block
// forever on the full queue (CtrlC.InterruptsWhileQueueIsFull).
TEST(CtrlC, InterruptsWhileQueueIsFull) {
  TempDir sig, tree;
  // ~8M loop iterations per 4 KiB file: each file takes a while.
  sig.Write("yara/slow.yar",
            "rule slow { condition: for all i in (0..filesize) : "
            "( for all k in (0..2000) : ( k >= 0 ) ) and false }\n");
  std::string content(4096, 'a');
  for (int d = 0; d < 50; ++d)
    for (int f = 0; f < 100; ++f) tree.Write("d" + std::to_string(d) + "/f" + std::to_string(f), content);
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunHarrierAndSignal({"scan", "--no-builtin", "--no-progress", "--all-files",
                                "--threads", "1", "--signatures", sig.path(), "--jsonl", "-",
                                tree.path()},
                               "", 1500, SIGINT, 60);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_NE(r.exit_code, -1) << "did not stop after SIGINT";
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_LT(secs, 20);
  Jsonl j = ParseJsonl(r.out);
  EXPECT_EQ(j.summary["interrupted"], true);
  EXPECT_EQ(j.summary["incomplete"], true);
  EXPECT_LT(j.summary["files_scanned"].get<int>(), 5000);
  ExpectAccounted(j.summary);
  EXPECT_NE(r.err.find("interrupted"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace harrier::testing

namespace harrier::testing {
namespace {

// A scan without --jsonl leaves HOST_harrier_YYYYMMDD-HHMMSS.jsonl in the
// working directory (flushed as findings arrive, like --jsonl) and names it
// at the end; --log-dir moves it, --no-log and --jsonl replace it.
TEST(DefaultLog, AScanWithoutJsonlLeavesAHostAndTimeNamedLog) {
  TempDir t;
  t.Write("sigs/iocs/filename-iocs.txt", "/evil\\.bin$;90\n");
  t.Write("tree/evil.bin", "x");
  t.Write("cwd/.keep", "");
  RunOptions o;
  o.cwd = t.path() + "/cwd";
  o.default_log = true;
  auto base = std::vector<std::string>{HarrierBinary(), "scan", "--no-progress", "--no-builtin",
                                       "--signatures", t.path() + "/sigs", t.path() + "/tree"};
  auto r = RunProgram(base, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  std::vector<std::string> logs;
  for (const auto& e : std::filesystem::directory_iterator(o.cwd))
    if (e.path().filename() != ".keep") logs.push_back(e.path().filename().string());
  ASSERT_EQ(logs.size(), 1u);
  const std::string& name = logs[0];
  EXPECT_TRUE(std::regex_match(name, std::regex(R"([A-Za-z0-9._-]+_harrier_\d{8}-\d{6}\.jsonl)")))
      << name;
  Jsonl j = ParseJsonl(ReadWholeFile(o.cwd + "/" + name));
  EXPECT_EQ(j.findings.count(t.path() + "/tree/evil.bin"), 1u);
  EXPECT_FALSE(j.summary.is_null());
  EXPECT_NE(r.err.find("Report: " + o.cwd + "/" + name), std::string::npos) << r.err;

  // --log-dir: elsewhere; the working directory stays as it was.
  t.Write("logs/.keep", "");
  auto with_dir = base;
  with_dir.insert(with_dir.begin() + 2, {"--log-dir", t.path() + "/logs"});
  r = RunProgram(with_dir, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(EntriesIn(t.path() + "/logs"), 2u);
  EXPECT_EQ(EntriesIn(o.cwd), 2u);

  // --no-log and --jsonl: no default log.
  auto no_log = base;
  no_log.insert(no_log.begin() + 2, "--no-log");
  r = RunProgram(no_log, o);
  EXPECT_EQ(r.exit_code, 1);
  auto with_jsonl = base;
  with_jsonl.insert(with_jsonl.begin() + 2, {"--jsonl", t.path() + "/explicit.jsonl"});
  r = RunProgram(with_jsonl, o);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(EntriesIn(o.cwd), 2u);
  EXPECT_NE(r.err.find("Report: " + t.path() + "/explicit.jsonl"), std::string::npos) << r.err;

  // A log folder that cannot be written is a usage error that says what to do.
  auto bad_dir = base;
  bad_dir.insert(bad_dir.begin() + 2, {"--log-dir", t.path() + "/missing"});
  r = RunProgram(bad_dir, o);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--no-log"), std::string::npos) << r.err;
}

TEST(ScanPaths, APathThatDoesNotExistIsAUsageError) {
  TempDir t;
  t.Write("tree/a.txt", "a");
  auto r = RunHarrier({"scan", "--no-progress", t.path() + "/tree", t.path() + "/no-such-dir"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("path not found: " + t.path() + "/no-such-dir"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace harrier::testing
