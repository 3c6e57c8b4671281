// Differential test against the `yara` CLI (Debian package): on a generated
// tree and a handful of signature-base rule files, the set of (file, rule)
// matches Harrier reports equals the yara CLI's, given the same external
// values (yara runs once per file with -d filename=... etc.).
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "e2e/jsonl.h"
#include "platform/fs.h"
#include "scan/hasher.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

namespace fs = std::filesystem;

const char* kYaraCli = "/usr/bin/yara";
// Rule files with and without externals (filename, filepath, extension,
// filetype in generic_anomalies.yar).
const char* kRuleFiles[] = {"generic_anomalies.yar", "gen_mal_3cx_compromise_mar23.yar",
                            "apt_nk_tradingtech_apr23.yar", "gen_mal_scripts.yar",
                            "gen_susp_obfuscation.yar"};

std::string ReadAll(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), {});
}

// The text strings of a rule file ($x = "..."), unescaped.
std::vector<std::vector<std::string>> TextStringsPerRule(const std::string& text) {
  std::vector<std::vector<std::string>> rules;
  static const std::regex rule_re(R"(^\s*(private\s+|global\s+)*rule\s+\w+)");
  static const std::regex str_re(R"re(^\s*\$\w*\s*=\s*"((?:[^"\\]|\\.)*)")re");
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::smatch m;
    if (std::regex_search(line, m, rule_re)) rules.emplace_back();
    else if (!rules.empty() && std::regex_search(line, m, str_re)) {
      std::string raw = m[1], s;
      for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] != '\\' || i + 1 == raw.size()) {
          s += raw[i];
          continue;
        }
        char c = raw[++i];
        if (c == 'x' && i + 2 < raw.size() + 0) {
          s += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
          i += 2;
        } else if (c == 'n') s += '\n';
        else if (c == 't') s += '\t';
        else s += c;
      }
      rules.back().push_back(s);
    }
  }
  return rules;
}

struct Externals {
  std::vector<std::string> args;
};

Externals ExternalsFor(const std::string& path) {
  std::string data = ReadAll(path);
  Hasher h;
  Hashes hs = h.Compute({reinterpret_cast<const uint8_t*>(data.data()), data.size()});
  struct stat st {};
  lstat(path.c_str(), &st);
  std::string name = fs::path(path).filename().string();
  // Extension and type worked out here, not by the product's ExtensionOf /
  // DetectFileType: a twin must not share the code it checks. The tree
  // below only holds MZ, ELF and JPEG headers and text that starts with no
  // magic.
  std::string ext;
  if (size_t dot = name.rfind('.'); dot != std::string::npos && dot > 0 && dot + 1 < name.size()) {
    ext = name.substr(dot + 1);
    for (char& c : ext) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
  }
  std::string type;
  if (data.rfind("MZ", 0) == 0) type = "EXE";
  else if (data.rfind("\x7f" "ELF", 0) == 0) type = "ELF";
  else if (data.rfind("\xff\xd8\xff", 0) == 0) type = "JPEG";
  return {{"-d", "filename=" + name, "-d", "filepath=" + path, "-d",
           "extension=" + (ext.empty() ? std::string() : "." + ext), "-d",
           "filetype=" + type, "-d", "owner=" + platform::OwnerName(st.st_uid), "-d",
           "md5=" + hs.md5, "-d", "filemode=" + std::to_string(st.st_mode & 07777)}};
}

TEST(YaraCrossCheck, SameMatchesAsYaraCli) {
  std::string sb = SignatureBaseDir();
  if (sb.empty()) GTEST_SKIP() << "../shared/signature-base not found (set HARRIER_SHARED_DIR)";
  if (access(kYaraCli, X_OK) != 0) GTEST_SKIP() << kYaraCli << " not installed (apt install yara)";
  TempDir sig, tree;
  std::vector<std::string> rule_paths;
  for (const char* f : kRuleFiles) {
    std::string text = ReadAll(sb + "/yara/" + f);
    ASSERT_FALSE(text.empty()) << f;
    rule_paths.push_back(sig.Write(std::string("yara/") + f, text));
    // Benign files carrying each rule's text strings, under several headers,
    // so that "N of them" / header / size conditions get a chance.
    auto rules = TextStringsPerRule(text);
    for (size_t i = 0; i < rules.size(); ++i) {
      if (rules[i].empty()) continue;
      std::string body;
      for (const auto& s : rules[i]) body += s + "\n";
      std::string base = std::string(f).substr(0, 12) + "_r" + std::to_string(i);
      tree.Write(base + ".txt", "text:\n" + body);  // no magic at the start
      tree.Write(base + "_mz.exe", std::string("MZ\x90\x00", 4) + std::string(60, '\0') + body);
      tree.Write(base + "_elf", std::string("\x7f" "ELF\x02\x01\x01", 7) + std::string(57, '\0') + body);
    }
  }
  // Externals: a small explorer.exe (Suspicious_Size_explorer_exe), an EXE
  // cloaked as .jpg (SUSP_Known_Type_Cloaked_as_JPG), names and paths.
  tree.Write("win/explorer.exe", std::string("MZ\x90\x00", 4) + std::string(1000, 'A'));
  tree.Write("win/csrss.exe", std::string("MZ\x90\x00", 4) + std::string(60 << 10, 'B'));
  tree.Write("pics/holiday.jpg", std::string("MZ\x90\x00", 4) + std::string(200, 'C'));
  tree.Write("pics/real.jpg", std::string("\xff\xd8\xff\xe0", 4) + std::string(200, 'D'));
  tree.Write("noext", "plain");

  auto r = RunHarrier({"scan", "--no-builtin", "--no-progress", "--all-files", "--no-archives", "--notice", "0",
                       "--signatures", sig.path(), "--jsonl", "-", tree.path()},
                      300);
  ASSERT_NE(r.exit_code, -1);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.summary["rules"]["yara_files_failed"], 0) << r.err;
  std::set<std::pair<std::string, std::string>> harrier, cli;
  for (const auto& [path, f] : j.findings)
    for (const auto& reason : f["harrier"]["reasons"])
      if (reason["type"] == "yara") harrier.insert({path, reason["name"].get<std::string>()});

  std::vector<std::string> files;
  for (auto& e : fs::recursive_directory_iterator(tree.path()))
    if (e.is_regular_file()) files.push_back(e.path().string());
  for (const auto& file : files) {
    std::vector<std::string> argv = {kYaraCli, "-w"};
    auto ext = ExternalsFor(file);
    argv.insert(argv.end(), ext.args.begin(), ext.args.end());
    for (size_t i = 0; i < rule_paths.size(); ++i) argv.push_back("ns" + std::to_string(i) + ":" + rule_paths[i]);
    argv.push_back(file);
    RunResult run = RunProgram(argv);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    for (const auto& line : Lines(run.out)) {
      auto sp = line.find(' ');
      ASSERT_NE(sp, std::string::npos) << line;
      cli.insert({line.substr(sp + 1), line.substr(0, sp)});
    }
  }
  EXPECT_GE(cli.size(), 10u) << "the generated tree should trigger a fair number of rules";
  for (const auto& m : cli) EXPECT_TRUE(harrier.count(m)) << "only yara CLI: " << m.first << " " << m.second;
  for (const auto& m : harrier) EXPECT_TRUE(cli.count(m)) << "only Harrier: " << m.first << " " << m.second;
  for (const auto& m : cli)
    if (m.first.find("/win/") != std::string::npos || m.first.find("/pics/") != std::string::npos)
      std::cerr << "  external-driven match: " << m.second << " " << m.first << "\n";
  std::cerr << "[ yara cross-check: " << files.size() << " files, " << cli.size()
            << " (file, rule) matches ]\n";
}

}  // namespace
}  // namespace harrier::testing
