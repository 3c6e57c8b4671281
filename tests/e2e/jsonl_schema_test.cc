// The JSON Lines report against its published schema (docs/jsonl.schema.json):
// real scans (files, archive members, built-in packs) and
// synthetic lines of every subject kind are validated by Debian's
// python3-jsonschema through tests/tools/validate_jsonl.py.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "report/json_util.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using namespace harrier::testing;

const char* kPython = "/usr/bin/python3";

RunResult Validate(const std::vector<std::string>& files) {
  std::vector<std::string> argv = {kPython, SourceDir() + "/tests/tools/validate_jsonl.py",
                                   SourceDir() + "/docs/jsonl.schema.json"};
  argv.insert(argv.end(), files.begin(), files.end());
  return RunProgram(argv, 120);
}

class JsonlSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = RunProgram({kPython, "-c", "import jsonschema"});
    ASSERT_EQ(r.exit_code, 0) << "python3-jsonschema is missing (scripts/install-deps.sh)";
  }
};

TEST_F(JsonlSchema, ScansOfFilesArchivesAndBuiltinPacksValidate) {
  TempDir sig, tree, out;
  // sha256("harrier planted sample\n")
  sig.Write("iocs/my-hash-iocs.txt",
            "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;Planted sample\n");
  sig.Write("iocs/my-filename-iocs.txt", "# Test DLL name\n\\.dll$;60\n");
  sig.Write("iocs/c2-test.txt", "c2.harrier-test.example;100\n198.51.100.77;100\n");
  sig.Write("yara/test.yar",
            "rule Schema_Marker {\n  meta:\n    description = \"marker\"\n    score = 80\n"
            "  strings:\n    $a = \"schema-marker\"\n  condition:\n    $a\n}\n");
  tree.Write("sub/planted.dat", "harrier planted sample\n");
  tree.Write("x.dll", "hello\n");
  tree.Write("notes.txt", "beacon to https://c2.harrier-test.example/a and 198.51.100.77\n");
  tree.Write("m.bin", std::string("\x00\xff schema-marker \x01", 18));
  tree.Write("bad\xff" "name.dll", "x\n");
  // A built-in pack detection: a 3CX C2 domain in a browser-history-like log.
  tree.Write("history.log", Indicator("GET https://akamai|container.com/x\n"));
  TempDir lab;
  lab.Write("in/m.txt", "schema-marker\n");
  ASSERT_EQ(RunProgram({"/bin/sh", "-c", "cd \"$0/in\" && zip -q \"$1/a.zip\" m.txt", lab.path(),
                        tree.path()}).exit_code,
            0);
  const std::string jsonl = out.path() + "/scan.jsonl";
  auto r = RunHarrier({"scan", "--no-progress", "-q", "--all-files", "--signatures", sig.path(),
                       "--jsonl", jsonl, "--jsonl-diagnostics", tree.path()});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = ReadWholeFile(jsonl);
  for (const char* want : {"\"type\":\"scan_start\"", "\"kind\":\"archive_member\"", "\"path_hex\"",
                           "\"domain-name\"", "\"sha256\":\"677c06", "\"strings\"",
                           "\"type\":\"summary\""})
    EXPECT_NE(text.find(want), std::string::npos) << want << " missing";
  auto v = Validate({jsonl});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

TEST_F(JsonlSchema, SyntheticLinesOfEverySubjectKindValidate) {
  ScanInfo info;
  info.version = "0.0.0";
  info.hostname = "h";
  info.start_time = 1700000000;
  info.scan_id = platform::NewScanId();
  info.host = platform::LocalHostFacts();
  info.args = {"harrier", "scan", "--live"};
  info.rules.digest = "abc";
  info.rules.sources = {"/rules"};
  info.rules.packs = {"xz-cve-2024-3094"};
  std::vector<OJson> lines = {ScanStartToJson(info)};
  auto finding = [&](Subject s, Reason r) {
    Finding f;
    f.subject = std::move(s);
    f.score = r.score;
    f.level = Level::kAlert;
    f.reasons.push_back(std::move(r));
    return FindingToJson(f, info);
  };
  Subject proc;
  proc.kind = SubjectKind::kProcess;
  proc.path = proc.display_root = "/tmp/x (deleted)";
  proc.name = "x";
  proc.process = {4242, 1, 1000, "bob", "x", "/tmp/x -d", "/tmp/x (deleted)", 1700000050};
  Reason check{ReasonKind::kCheck, "process.deleted_exe", "runs from a deleted file", 70, "builtin"};
  check.remediation = "Investigate";
  check.details = {{"exe", "/tmp/x"}};
  lines.push_back(finding(proc, check));
  Subject mem = proc;
  mem.kind = SubjectKind::kMemoryRegion;
  Reason yara{ReasonKind::kYara, "R", "d", 90, "/r.yar:1"};
  yara.strings = {{"$a", 140000000000, std::string("\x00\x01z", 3)}};
  yara.details = {{"region", "7f3a0000-7f3a2000 rw-p [heap]"}};
  lines.push_back(finding(mem, yara));
  Subject conn = proc;
  conn.kind = SubjectKind::kConnection;
  conn.connection = {"tcp", "established", "10.0.0.5", "192.0.2.7", 40000, 443, 9911};
  lines.push_back(finding(conn, Reason{ReasonKind::kC2, "192.0.2.0/24", "net", 80, "/c2.txt:3"}));
  lines.push_back(finding(conn, Reason{ReasonKind::kC2, "2001:db8::7", "v6", 80, "/c2.txt:4"}));
  Subject entry;
  entry.kind = SubjectKind::kImageEntry;
  entry.containers = {{"/img/disk.E01", "ewf"}, {"partition 2", "ntfs"}};
  entry.path = "/Windows/x.dll";
  entry.name = "x.dll";
  entry.drive = "C:";
  entry.deleted = true;
  entry.file.size = 10;
  entry.file.mtime = 1700000000;
  lines.push_back(finding(entry, Reason{ReasonKind::kHash, std::string(32, 'a'), "md5 ioc", 100, "/h.txt:1"}));
  Diagnostic d{Diagnostic::Severity::kWarning, "/x", "vanished"};
  lines.push_back(DiagnosticToJson(d, info));
  ScanSummary s;
  s.live.processes = s.live.memory = s.live.network = true;
  s.live.processes_seen = 3;
  s.images.opened = 1;
  s.images.entries_seen = 2;
  s.syslog.enabled = true;
  s.output_errors = {"cannot write /full"};
  s.duration_s = 1.5;
  lines.push_back(SummaryToJson(s, info));
  TempDir out;
  std::string text;
  for (const auto& j : lines) text += j.dump() + "\n";
  std::string file = out.Write("synthetic.jsonl", text);
  auto v = Validate({file});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
}

// The example line the format documentation shows is a valid line.
TEST_F(JsonlSchema, TheDocumentedExampleValidates) {
  std::string doc = ReadWholeFile(SourceDir() + "/docs/report-format.md");
  size_t at = doc.find("### Example\n\n```json\n");
  ASSERT_NE(at, std::string::npos);
  at = doc.find('\n', doc.find("```json", at)) + 1;
  std::string line = doc.substr(at, doc.find("\n```", at) - at);
  TempDir out;
  auto v = Validate({out.Write("example.jsonl", line + "\n")});
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_NE(v.out.find("1 lines, 0 problems"), std::string::npos) << v.out;
}

// The validation is not vacuous: a wrong type, a value outside its set and
// an undocumented field are each caught, with the line named.
TEST_F(JsonlSchema, CatchesWrongTypesUnknownValuesAndUndocumentedFields) {
  Finding f;
  f.subject.path = f.subject.display_root = "/a";
  f.subject.name = "a";
  f.subject.file.has_owner = true;
  f.subject.file.inode = 7;
  f.reasons.push_back(Reason{ReasonKind::kYara, "R", "d", 90, "/r.yar:1"});
  f.level = Level::kAlert;
  ScanInfo info;
  info.hostname = "h";
  OJson good = FindingToJson(f, info);
  OJson wrong_type = good, bad_value = good, extra = good;
  wrong_type["file"]["inode"] = 7;  // schema 2's integer
  bad_value["harrier"]["level"] = "critical";
  extra["harrier"]["undocumented"] = 1;
  TempDir out;
  std::string file = out.Write("t.jsonl", good.dump() + "\n" + wrong_type.dump() + "\n" +
                                              bad_value.dump() + "\n" + extra.dump() + "\n");
  auto v = Validate({file});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_EQ(v.out.find(file + ":1:"), std::string::npos) << v.out;
  for (int line : {2, 3, 4})
    EXPECT_NE(v.out.find(file + ":" + std::to_string(line) + ":"), std::string::npos) << v.out;
}

}  // namespace
}  // namespace harrier
