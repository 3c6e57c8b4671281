// The command line as users meet it: grouped help, hidden developer options,
// LOKI/THOR aliases, the man page, completions, config files, --version, and
// what a scan leaves in the examined host's cache folder.
#include <sys/stat.h>

#include <regex>
#include <set>

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

bool Has(const std::string& text, std::string_view what) {
  return text.find(what) != std::string::npos;
}

bool Exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// Every long option name at the start of a help line ("  --name ...").
std::set<std::string> HelpOptions(const std::string& help) {
  std::set<std::string> out;
  std::regex line(R"((?:^|\n)  (?:-[a-zA-Z], )?(--[a-z0-9-]+))");
  for (auto it = std::sregex_iterator(help.begin(), help.end(), line); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1]);
  return out;
}

TEST(Cli, ScanHelpIsGroupedWithReadableDefaults) {
  auto r = RunHarrier({"scan", "--help"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* group : {"\nInput:\n", "\nSignatures:\n", "\nSelection & limits:\n",
                            "\nLive checks:\n", "\nOutput:\n", "\nPerformance:\n", "\nExamples:\n"})
    EXPECT_TRUE(Has(r.out, group)) << group;
  EXPECT_TRUE(Has(r.out, "--max-file-size SIZE")) << r.out;
  EXPECT_TRUE(Has(r.out, "(default: 32MiB)")) << r.out;
  EXPECT_TRUE(Has(r.out, "--cpu-limit PCT")) << r.out;
  EXPECT_FALSE(Has(r.out, "FLOAT")) << r.out;
  EXPECT_FALSE(Has(r.out, " in [")) << r.out;
  EXPECT_FALSE(Has(r.out, "TEXT")) << r.out;
  EXPECT_FALSE(Has(r.out, "=default")) << r.out;
  EXPECT_FALSE(Has(r.out, "[VALUE]")) << r.out;
}

TEST(Cli, DeveloperOptionsOnlyInHelpAll) {
  auto normal = RunHarrier({"scan", "--help"});
  auto all = RunHarrier({"scan", "--help-all"});
  auto help_all = RunHarrier({"help", "--all", "scan"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  for (const char* dev : {"--yara-no-externals", "--yara-matches", "--yara-lean-gate-min",
                          "--yara-reference", "--yara-prefilter-max-size"}) {
    EXPECT_FALSE(Has(normal.out, dev)) << dev;
    EXPECT_TRUE(Has(all.out, dev)) << dev;
    EXPECT_TRUE(Has(help_all.out, dev)) << dev;
  }
  // Hidden, still working.
  TempDir t;
  t.Write("a.txt", "x\n");
  auto run = RunHarrier({"scan", "--yara-no-externals", "--no-progress", t.path()});
  EXPECT_EQ(run.exit_code, 0) << run.err;
}

TEST(Cli, AliasesWorkAndStayOutOfTheOptionLines) {
  auto help = RunHarrier({"scan", "--help"});
  EXPECT_TRUE(Has(help.out, "LOKI/THOR names also accepted:")) << help.out;
  EXPECT_FALSE(HelpOptions(help.out).count("--cpulimit"));
  EXPECT_FALSE(HelpOptions(help.out).count("--nolog"));
  TempDir t, logs;
  t.Write("a.txt", "x\n");
  auto r = RunProgram({"/usr/bin/env", "-u", "HARRIER_NO_LOG", HarrierBinary(), "scan",
                       "--no-progress", "--cpulimit", "400", "--max_file_size", "1M",
                       "--logfolder", logs.path(), "-p", t.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(r.err, "Report: " + logs.path())) << r.err;
  auto nolog = RunHarrier({"scan", "--nolog", "--no-progress", "--path", t.path()});
  EXPECT_EQ(nolog.exit_code, 0) << nolog.err;
  EXPECT_FALSE(Has(nolog.err, "Report: ")) << nolog.err;
}

TEST(Cli, ManPageRendersAndNamesEveryScanOption) {
  auto man = RunHarrier({"help", "--man"});
  ASSERT_EQ(man.exit_code, 0) << man.err;
  TempDir t;
  std::string page = t.Write("harrier.1", man.out);
  std::string groff = FindProgram("groff");
  if (groff.empty()) GTEST_SKIP() << "groff not installed (scripts/install-deps.sh)";
  auto r = RunProgram({groff, "-man", "-Tutf8", "-ww", "-z", page});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "") << "groff warnings";
  std::string roff = man.out;
  std::string plain;
  for (size_t i = 0; i < roff.size(); ++i) {
    if (roff.compare(i, 2, "\\-") == 0) {
      plain += '-';
      ++i;
    } else {
      plain += roff[i];
    }
  }
  auto all = RunHarrier({"scan", "--help-all"});
  std::set<std::string> options = HelpOptions(all.out);
  ASSERT_GT(options.size(), 40u);
  for (const auto& o : options) EXPECT_TRUE(Has(plain, "\\fB" + o + "\\fR")) << o;
  for (const char* section : {".SH \"EXIT STATUS\"", ".SH FILES", ".SH EXAMPLES"})
    EXPECT_TRUE(Has(man.out, section)) << section;
}

TEST(Cli, BashCompletionProposesOptionsAndChoices) {
  auto script = RunHarrier({"completion", "bash"});
  ASSERT_EQ(script.exit_code, 0) << script.err;
  TempDir t;
  std::string file = t.Write("harrier.bash", script.out);
  auto complete = [&](const std::string& words, int cword) {
    return RunProgram({"/bin/bash", "--norc", "-c",
                       "source " + file + "; COMP_WORDS=(" + words + "); COMP_CWORD=" +
                           std::to_string(cword) + "; _harrier; echo \"${COMPREPLY[*]}\""});
  };
  auto js = complete("harrier scan --js", 2);
  EXPECT_EQ(js.exit_code, 0) << js.err;
  EXPECT_TRUE(Has(js.out, "--jsonl")) << js.out;
  EXPECT_FALSE(Has(js.out, "--html")) << js.out;
  auto cmds = complete("harrier sc", 1);
  EXPECT_EQ(cmds.out, "scan\n");
  auto proto = complete("harrier scan --syslog-proto ''", 3);
  EXPECT_EQ(proto.out, "udp tcp\n");
  auto check = complete("harrier rules ch", 2);
  EXPECT_EQ(check.out, "check\n");
}

TEST(Cli, ZshCompletionParses) {
  std::string zsh = FindProgram("zsh");
  if (zsh.empty()) GTEST_SKIP() << "zsh not installed (scripts/install-deps.sh)";
  auto script = RunHarrier({"completion", "zsh"});
  ASSERT_EQ(script.exit_code, 0);
  TempDir t;
  std::string file = t.Write("_harrier", script.out);
  auto r = RunProgram({zsh, "-n", file});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Has(script.out, "#compdef harrier"));
  EXPECT_TRUE(Has(script.out, "'--jsonl=[")) << script.out;
}

TEST(Cli, ConfigFileSetsOptionsAndCommandLineWins) {
  TempDir t, tree;
  tree.Write("big.bin", std::string(4096, 'x'));
  // max-file-size 1K: big.bin is skipped "size".
  std::string cfg = t.Write("harrier.toml", "[scan]\nmax-file-size = \"1K\"\nall-files = true\n");
  auto from_file = RunHarrier({"scan", "--config", cfg, "--no-progress", "--jsonl", "-", tree.path()});
  EXPECT_EQ(from_file.exit_code, 0) << from_file.err;
  EXPECT_TRUE(std::regex_search(from_file.out, std::regex("\"size\":1[,}]"))) << from_file.out;
  auto overridden = RunHarrier({"scan", "--config", cfg, "--max-file-size", "1M", "--no-progress",
                                "--jsonl", "-", tree.path()});
  EXPECT_EQ(overridden.exit_code, 0) << overridden.err;
  EXPECT_TRUE(std::regex_search(overridden.out, std::regex("\"size\":0[,}]"))) << overridden.out;
}

TEST(Cli, ConfigFileUnknownKeyOrBadValueIsUsageError) {
  TempDir t, tree;
  std::string unknown = t.Write("unknown.toml", "max-file-size = \"1M\"\nno-such-option = 3\n");
  auto r = RunHarrier({"scan", "--config", unknown, tree.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, unknown)) << r.err;
  EXPECT_TRUE(Has(r.err, "no-such-option")) << r.err;
  std::string bad = t.Write("bad.toml", "max-file-size = \"lots\"\n");
  auto b = RunHarrier({"scan", "--config", bad, tree.path()});
  EXPECT_EQ(b.exit_code, 2);
  EXPECT_TRUE(Has(b.err, bad)) << b.err;
  EXPECT_TRUE(Has(b.err, "max-file-size")) << b.err;
  auto missing = RunHarrier({"scan", "--config", t.path() + "/none.toml", tree.path()});
  EXPECT_EQ(missing.exit_code, 2);
}

TEST(Cli, VersionNamesBuildYaraAndTheDigestScansReport) {
  auto v = RunHarrier({"--version"});
  ASSERT_EQ(v.exit_code, 0) << v.err;
  EXPECT_TRUE(Has(v.out, "harrier ")) << v.out;
  EXPECT_TRUE(Has(v.out, "build: ")) << v.out;
  EXPECT_TRUE(Has(v.out, "libyara: ")) << v.out;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(v.out, m, std::regex("signature digest: ([0-9a-f]{64})"))) << v.out;
  EXPECT_TRUE(std::regex_search(v.out, std::regex("newest published \\d{4}-\\d{2}-\\d{2}"))) << v.out;
  TempDir tree;
  tree.Write("a.txt", "x\n");
  auto scan = RunHarrier({"scan", "--no-progress", "--jsonl", "-", tree.path()});
  EXPECT_TRUE(Has(scan.out, "\"digest\":\"" + m[1].str() + "\"")) << scan.out;
}

TEST(Cli, NoRulesCacheLeavesTheCacheFolderUntouched) {
  TempDir home, tree;
  tree.Write("a.txt", "x\n");
  auto run = [&](std::vector<std::string> extra) {
    std::vector<std::string> argv = {"/usr/bin/env", "-u", "XDG_CACHE_HOME", "HOME=" + home.path(),
                                     HarrierBinary(), "scan", "--no-progress", "--no-log"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(tree.path());
    return RunProgram(argv);
  };
  auto r = run({"--no-rules-cache"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(Exists(home.path() + "/.cache")) << "--no-rules-cache wrote to ~/.cache";
  // The control: without it the compiled rules land there.
  auto cached = run({});
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_TRUE(Exists(home.path() + "/.cache/harrier"));
}

TEST(Cli, NoCommandIsUsageErrorWithHelp) {
  auto r = RunHarrier({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(Has(r.err, "Commands:")) << r.err;
}

}  // namespace
}  // namespace harrier::testing
