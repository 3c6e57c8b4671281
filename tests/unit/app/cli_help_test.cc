// The help renderer, config files and the alias table on small CLI11 apps.
#include "app/cli_help.h"

#include <set>

#include <gtest/gtest.h>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

struct Demo {
  CLI::App app{"demo", "harrier"};
  CLI::App* scan = nullptr;
  std::string size = "32MiB", log_dir, jsonl;
  bool no_log = false, dev = false;
  double cpu = 0;
  std::vector<std::string> paths;
  Demo() {
    scan = app.add_subcommand("scan", "Scan");
    scan->add_option("paths,-p,--path", paths, "Paths")->group(kGroupInput)->type_name("PATH");
    scan->add_option("--max-file-size,--max_file_size", size, "Skip larger files")
        ->default_str("32MiB")->group(kGroupSelection)->type_name("SIZE");
    scan->add_option("--cpu-limit,--cpulimit", cpu, "CPU")
        ->check(CLI::Range(0.0, 100.0))->group(kGroupPerformance);
    auto* j = scan->add_option("--jsonl", jsonl, "JSONL")->group(kGroupOutput)->type_name("FILE");
    auto* d = scan->add_option("--log-dir", log_dir, "Log dir")->group(kGroupOutput);
    d->excludes(j);
    scan->add_flag("--no-log,--nolog", no_log, "No log")->group(kGroupOutput);
    scan->add_flag("--yara-debug", dev, "Developer flag")->group(kGroupDeveloper);
    InstallHelpFormatter(app);
  }
};

TEST(CliHelp, GroupsInOrderWithoutCli11Noise) {
  Demo d;
  std::string h = RenderHelp(*d.scan, false);
  EXPECT_LT(h.find("Input:"), h.find("Selection & limits:")) << h;
  EXPECT_LT(h.find("Selection & limits:"), h.find("Output:")) << h;
  EXPECT_NE(h.find("--cpu-limit N"), std::string::npos) << h;
  EXPECT_EQ(h.find("FLOAT"), std::string::npos) << h;
  EXPECT_NE(h.find("(default: 32MiB)"), std::string::npos) << h;
  EXPECT_EQ(h.find("--yara-debug"), std::string::npos) << h;
  EXPECT_NE(RenderHelp(*d.scan, true).find("--yara-debug"), std::string::npos);
  // Aliases only in the note.
  EXPECT_EQ(h.find("--nolog\n"), std::string::npos);
  EXPECT_EQ(h.find("--no-log, --nolog"), std::string::npos) << h;
  EXPECT_NE(h.find("--nolog = --no-log"), std::string::npos) << h;
}

TEST(CliHelp, EveryAliasIsANameOfItsOption) {
  // The alias table and the real definitions are checked against each other
  // by the e2e tests; here: no alias names two options, none is a primary.
  std::set<std::string_view> seen;
  for (const auto& a : CliAliases()) {
    EXPECT_TRUE(seen.insert(a.alias).second) << a.alias;
    EXPECT_FALSE(IsAliasName(a.option)) << a.option;
  }
}

TEST(CliHelp, ConfigFileAppliesAndCommandLineWins) {
  Demo d;
  TempDir t;
  std::string cfg = t.Write("c.toml", "[scan]\nmax_file_size = \"1M\"\nlog-dir = \"/x\"\nnolog = true\n");
  d.app.parse("scan --jsonl out.jsonl", false);
  ASSERT_TRUE(ApplyConfigFile(*d.scan, cfg).ok());
  EXPECT_EQ(d.size, "1M");
  EXPECT_TRUE(d.no_log);
  EXPECT_EQ(d.log_dir, "") << "--log-dir excludes --jsonl, given on the command line";
  Demo e;
  e.app.parse("scan --max-file-size 2M", false);
  ASSERT_TRUE(ApplyConfigFile(*e.scan, cfg).ok());
  EXPECT_EQ(e.size, "2M");
}

TEST(CliHelp, ConfigFileErrorsNameFileAndKey) {
  TempDir t;
  Demo d;
  d.app.parse("scan", false);
  std::string unknown = t.Write("u.toml", "bogus = 1\n");
  Status s = ApplyConfigFile(*d.scan, unknown);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(unknown), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("bogus"), std::string::npos) << s.message();
  Demo e;
  e.app.parse("scan", false);
  Status b = ApplyConfigFile(*e.scan, t.Write("b.toml", "cpu-limit = 500\n"));
  EXPECT_FALSE(b.ok());
  EXPECT_NE(b.message().find("cpu-limit"), std::string::npos) << b.message();
  Demo f;
  f.app.parse("scan", false);
  EXPECT_FALSE(ApplyConfigFile(*f.scan, t.Write("f.toml", "no-log = maybe\n")).ok());
}

TEST(CliHelp, ManPageEscapesOptionDashes) {
  Demo d;
  std::string man = RenderManPage(d.app, "0.0");
  EXPECT_NE(man.find("\\fB\\-\\-max\\-file\\-size\\fR"), std::string::npos) << man;
  EXPECT_NE(man.find(".SH \"EXIT STATUS\""), std::string::npos);
}

}  // namespace
}  // namespace harrier::testing
