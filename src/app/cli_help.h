// What the command line tells its users, generated from the CLI11 app
// definitions so that help, man page, completions and config files cannot
// drift from the options themselves:
//   * grouped help (`--help`, `--help-all` also shows the developer group),
//   * the roff man page (`harrier help --man`, build/harrier.1),
//   * bash and zsh completion scripts (`harrier completion bash|zsh`),
//   * scan options from a config file (`harrier scan --config FILE`),
//   * the LOKI/THOR option names Harrier also accepts.
// Not thread-safe (like CLI11 itself): used once, from main's thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/status.h"

namespace harrier {

// Option groups, in the order help and man page list them. An option keeps
// CLI11's default group ("Options") when none is set; it is listed last.
inline constexpr const char* kGroupInput = "Input";
inline constexpr const char* kGroupSignatures = "Signatures";
inline constexpr const char* kGroupSelection = "Selection & limits";
inline constexpr const char* kGroupArchives = "Archives & disk images";
inline constexpr const char* kGroupLive = "Live checks";
inline constexpr const char* kGroupScoring = "Scoring";
inline constexpr const char* kGroupOutput = "Output";
inline constexpr const char* kGroupPerformance = "Performance";
// Benchmark, differential-test and debugging options: they work as always,
// but only --help-all, `harrier help --all` and the man page list them.
inline constexpr const char* kGroupDeveloper = "Developer & benchmark";

// Every group above, in display order.
const std::vector<std::string_view>& HelpGroupOrder();

// A name another scanner's users type for one of Harrier's options. The
// alias is a real CLI11 name of `option` (so parsing, config files and
// completions know it), and help shows it only in the "LOKI/THOR names"
// note, never as a second name beside the option.
struct CliAlias {
  std::string_view alias;      // e.g. "--cpulimit"
  std::string_view option;     // Harrier's name, e.g. "--cpu-limit"
  std::string_view origin;     // "LOKI", "THOR", "LOKI, THOR"
};
const std::vector<CliAlias>& CliAliases();
bool IsAliasName(std::string_view name);  // "--cpulimit" -> true

// An example command shown under `scan --help` and in the man page.
struct CliExample {
  std::string_view command;      // without the leading "harrier "
  std::string_view description;
};
const std::vector<CliExample>& ScanExamples();

// Exit codes as documented in the man page (the same as in score/).
struct CliExitCode {
  int code;
  std::string_view meaning;
};
const std::vector<CliExitCode>& ExitCodes();

// Checks a SIZE option's value (32M, 1GiB, 4096) with ParseSize while
// parsing, so a bad value in a config file names the file and key.
CLI::Validator SizeValidator();

// Installs the grouped help formatter on `app` and all its subcommands
// (call after every option is defined). Subcommands in group "" are hidden.
void InstallHelpFormatter(CLI::App& app);

// The help text of `app` (a subcommand or the root); `all` also lists the
// developer group.
std::string RenderHelp(const CLI::App& app, bool all);

// The man page (roff, man(7) macros) of the whole command line, every group
// included. `version` goes into the page's header.
std::string RenderManPage(const CLI::App& root, std::string_view version);

// Completion scripts. bash: defines and registers _harrier for `harrier`;
// zsh: a #compdef file for site-functions.
std::string BashCompletion(const CLI::App& root);
std::string ZshCompletion(const CLI::App& root);

// Applies scan options from a config file to `app` (a parsed subcommand):
// TOML or INI `key = value` lines, keys being long option names without the
// dashes (`max-file-size = "64M"`, `exclude = ["*.iso", "re:^/srv/tmp"]`,
// `no-log = true`), at the top level or in a [scan] section. Options given
// on the command line win (their keys are ignored, and so are keys of
// options that exclude one given on the command line). An unknown key, a
// value an option rejects, or an unreadable file is an InvalidArgument
// naming the file and the key.
// REQUIRES: app has been parsed (option counts reflect the command line).
Status ApplyConfigFile(CLI::App& app, const std::string& path);

}  // namespace harrier
