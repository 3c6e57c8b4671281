#include "app/cli_help.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "core/units.h"
#include "platform/fs.h"

namespace harrier {

CLI::Validator SizeValidator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        auto r = ParseSize(v);
        return r.ok() ? std::string() : r.status().message();
      },
      "");
}

const std::vector<std::string_view>& HelpGroupOrder() {
  static const std::vector<std::string_view> order = {
      kGroupInput,   kGroupSignatures, kGroupSelection,   kGroupArchives, kGroupLive,
      kGroupScoring, kGroupOutput,     kGroupPerformance, kGroupDeveloper};
  return order;
}

const std::vector<CliAlias>& CliAliases() {
  // Only names that mean exactly what the Harrier option means.
  static const std::vector<CliAlias> aliases = {
      {"-p", "paths", "LOKI, THOR"},
      {"--path", "paths", "THOR"},
      {"--nolog", "--no-log", "LOKI, THOR"},
      {"--logfolder", "--log-dir", "LOKI"},
      {"--cpulimit", "--cpu-limit", "THOR"},
      {"--max_file_size", "--max-file-size", "THOR"},
      {"--noprocscan", "--no-processes", "LOKI"},
      {"--noindicator", "--no-progress", "LOKI"},
  };
  return aliases;
}

bool IsAliasName(std::string_view name) {
  for (const auto& a : CliAliases())
    if (a.alias == name) return true;
  return false;
}

const std::vector<CliExample>& ScanExamples() {
  static const std::vector<CliExample> examples = {
      {"scan", "scan / and this running host (processes, memory, network)"},
      {"scan /home /opt", "scan some trees (no live checks)"},
      {"scan --live --no-memory /srv", "a tree plus the live checks, without process memory"},
      {"scan --root-as /mnt/win=C: /mnt/win",
       "a mounted Windows image, reported with C:\\ paths"},
      {"scan --image evidence.E01 --partition 2", "one volume of a disk image, without mounting"},
      {"scan --signatures ~/signature-base --html report.html /srv",
       "add a signature-base checkout, also write an HTML report"},
      {"scan --no-log --jsonl /media/usb/scan.jsonl /",
       "leave no log on the host, write the findings to a USB stick"},
      {"scan --cache /opt", "remember clean files: an unchanged tree rescans much faster"},
      {"scan --nice --cpu-limit 50 /", "low priority, about half a core"},
      {"scan --config harrier.toml /srv", "options from a file (command-line flags win)"},
  };
  return examples;
}

const std::vector<CliExitCode>& ExitCodes() {
  static const std::vector<CliExitCode> codes = {
      {0, "clean: no warning or alert (notices may exist)"},
      {1, "warnings or alerts found (wins over 3)"},
      {2, "usage or configuration error (bad flag, bad config file, missing signature folder)"},
      {3, "scan incomplete: interrupted, errors, files, archive members or directories that "
          "could not be checked"},
      {4, "a requested report could not be written completely (wins over every other code)"},
      {130, "aborted by a second Ctrl-C (no summary)"},
  };
  return codes;
}

namespace {

constexpr size_t kWidth = 80;      // help text width
constexpr size_t kNameColumn = 30;  // where descriptions start

bool IsFlag(const CLI::Option* o) { return o->get_expected_max() == 0; }

// CLI11's default group for options that were given none.
bool IsHelpOption(const CLI::App& app, const CLI::Option* o) {
  return o == app.get_help_ptr() || o == app.get_help_all_ptr() ||
         (o->get_lnames().size() == 1 && o->get_lnames()[0] == "version");
}

// "TEXT:{udp,tcp}" -> the choices; empty when the option has none.
std::vector<std::string> Choices(const CLI::Option* o) {
  std::string t = o->get_type_name();
  size_t open = t.find(":{");
  if (open == std::string::npos) return {};
  size_t close = t.find('}', open);
  std::vector<std::string> out;
  std::stringstream in(t.substr(open + 2, close - open - 2));
  for (std::string c; std::getline(in, c, ',');) out.push_back(c);
  return out;
}

// The value placeholder: the type name the option was given (FILE, SIZE,
// ...), its choices, or N for numbers.
std::string Metavar(const CLI::Option* o) {
  if (IsFlag(o)) return "";
  if (auto c = Choices(o); !c.empty()) {
    std::string s = "{";
    for (size_t i = 0; i < c.size(); ++i) s += (i ? "," : "") + c[i];
    return s + "}";
  }
  // get_type_name() is the type name, then ":DESC" per validator (a range
  // "INT in [0 - 64]", "POSITIVE"); a type name may hold a colon itself
  // (HOST:PORT).
  std::string t = o->get_type_name();
  for (size_t colon = t.find(':'); colon != std::string::npos; colon = t.find(':', colon + 1)) {
    std::string_view rest = std::string_view(t).substr(colon + 1);
    if (rest.find(' ') != std::string_view::npos || rest.starts_with("POSITIVE") ||
        rest.starts_with("NONNEGATIVE")) {
      t.resize(colon);
      break;
    }
  }
  if (t == "UINT" || t == "INT" || t == "FLOAT" || t == "NUMBER") return "N";
  if (t.empty()) return "VALUE";
  return t;
}

// Visible names: short and long names that are not aliases, or the
// positional's placeholder.
std::vector<std::string> VisibleNames(const CLI::Option* o) {
  std::vector<std::string> names;
  for (const auto& s : o->get_snames())
    if (!IsAliasName("-" + s)) names.push_back("-" + s);
  for (const auto& l : o->get_lnames())
    if (!IsAliasName("--" + l)) names.push_back("--" + l);
  return names;
}

std::string PositionalLabel(const CLI::Option* o) {
  std::string t = Metavar(o);
  if (t == "VALUE" || t == "TEXT") {
    t = o->get_name(true, false);
    std::transform(t.begin(), t.end(), t.begin(), ::toupper);
  }
  return o->get_items_expected_max() > 1 ? t + "..." : t;
}

// "--max-file-size SIZE", "--cache [FILE]", "PATH..."
std::string OptionLabel(const CLI::Option* o) {
  std::vector<std::string> names = VisibleNames(o);
  if (names.empty()) return PositionalLabel(o);
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
  std::string m = Metavar(o);
  if (!m.empty()) s += o->get_expected_min() == 0 ? " [" + m + "]" : " " + m;
  return s;
}

// The default, when the option has one and its description does not
// already say what it is.
std::string DefaultNote(const CLI::Option* o) {
  std::string d = o->get_default_str();
  if (d.empty() || IsFlag(o)) return "";
  std::string desc = o->get_description();
  std::transform(desc.begin(), desc.end(), desc.begin(), ::tolower);
  if (desc.find("default") != std::string::npos) return "";
  return fmt::format("(default: {})", d);
}

std::string FullDescription(const CLI::Option* o) {
  std::string d = o->get_description();
  std::string def = DefaultNote(o);
  if (!def.empty()) d += (d.empty() ? "" : " ") + def;
  return d;
}

// Word-wraps `text` to `width` columns, every line after the first indented
// by `indent` spaces.
std::string Wrap(std::string_view text, size_t first_col, size_t indent, size_t width = kWidth) {
  std::string out;
  size_t col = first_col;
  std::stringstream in{std::string(text)};
  bool first = true;
  for (std::string w; in >> w;) {
    if (!first && col + 1 + w.size() > width) {
      out += "\n" + std::string(indent, ' ');
      col = indent;
    } else if (!first) {
      out += ' ';
      ++col;
    }
    out += w;
    col += w.size();
    first = false;
  }
  return out;
}

std::string HelpLine(const std::string& label, const std::string& desc) {
  std::string line = "  " + label;
  if (desc.empty()) return line + "\n";
  if (line.size() + 2 > kNameColumn) {
    line += "\n" + std::string(kNameColumn, ' ');
  } else {
    line += std::string(kNameColumn - line.size(), ' ');
  }
  return line + Wrap(desc, kNameColumn, kNameColumn) + "\n";
}

// "harrier scan"
std::string CommandPath(const CLI::App& app) {
  std::string path = app.get_name();
  for (const CLI::App* p = app.get_parent(); p; p = p->get_parent()) path = p->get_name() + " " + path;
  return path;
}

std::vector<const CLI::App*> VisibleSubcommands(const CLI::App& app, bool all) {
  return app.get_subcommands([&](const CLI::App* s) { return all || !s->get_group().empty(); });
}

// The options of `app` by group, groups in HelpGroupOrder() and then in
// order of first appearance; help options last.
std::vector<std::pair<std::string, std::vector<const CLI::Option*>>> GroupedOptions(
    const CLI::App& app, bool all, bool include_help) {
  std::vector<std::pair<std::string, std::vector<const CLI::Option*>>> groups;
  auto slot = [&](const std::string& g) -> std::vector<const CLI::Option*>& {
    for (auto& [name, opts] : groups)
      if (name == g) return opts;
    groups.emplace_back(g, std::vector<const CLI::Option*>{});
    return groups.back().second;
  };
  for (std::string_view g : HelpGroupOrder()) slot(std::string(g));
  std::vector<const CLI::Option*> help;
  for (const CLI::Option* o : app.get_options()) {
    if (IsHelpOption(app, o)) {
      help.push_back(o);
      continue;
    }
    if (o->get_group().empty()) continue;  // hidden the CLI11 way
    if (!all && o->get_group() == kGroupDeveloper) continue;
    slot(o->get_group()).push_back(o);
  }
  if (include_help && !help.empty()) {
    auto& h = slot("Help");
    h.insert(h.end(), help.begin(), help.end());
  }
  std::erase_if(groups, [](const auto& g) { return g.second.empty(); });
  return groups;
}

// The aliases that name an option of `app`.
std::vector<CliAlias> AliasesOf(const CLI::App& app) {
  std::vector<CliAlias> out;
  for (const auto& a : CliAliases())
    if (app.get_option_no_throw(std::string(a.option)) != nullptr) out.push_back(a);
  return out;
}

std::string UsageLine(const CLI::App& app) {
  std::string s = "Usage: " + CommandPath(app);
  if (!app.get_options().empty()) s += " [OPTIONS]";
  if (!VisibleSubcommands(app, false).empty()) s += app.get_require_subcommand_min() ? " COMMAND" : " [COMMAND]";
  for (const CLI::Option* o : app.get_options())
    if (o->get_positional()) s += (o->get_required() ? " " : " [") + PositionalLabel(o) + (o->get_required() ? "" : "]");
  return s + "\n";
}

std::string RenderHelpImpl(const CLI::App& app, bool all, bool expand) {
  std::string out = UsageLine(app);
  if (!app.get_description().empty()) out += "\n" + Wrap(app.get_description(), 0, 0) + "\n";
  auto subs = VisibleSubcommands(app, all);
  if (!subs.empty()) {
    out += "\nCommands:\n";
    for (const CLI::App* s : subs) out += HelpLine(s->get_name(), s->get_description());
  }
  for (const auto& [group, opts] : GroupedOptions(app, all, true)) {
    out += "\n" + group + ":\n";
    for (const CLI::Option* o : opts) out += HelpLine(OptionLabel(o), FullDescription(o));
  }
  if (app.get_name() == "scan") {
    out += "\nExamples:\n";
    for (const auto& e : ScanExamples())
      out += fmt::format("  harrier {}\n      {}\n", e.command, e.description);
  }
  if (auto aliases = AliasesOf(app); !aliases.empty()) {
    std::string note = "LOKI/THOR names also accepted:";
    for (size_t i = 0; i < aliases.size(); ++i) {
      std::string_view target = aliases[i].option;
      std::string t = target.starts_with("-") ? std::string(target) : "PATH";
      note += fmt::format(" {} = {}{}", aliases[i].alias, t, i + 1 < aliases.size() ? "," : "");
    }
    out += "\n" + Wrap(note, 0, 2) + "\n";
  }
  if (!app.get_parent()) {
    out += "\n" + Wrap("Run 'harrier COMMAND --help' for a command's options, '--help-all' to "
                       "include developer and benchmark options.", 0, 0) + "\n";
  }
  if (expand) {
    for (const CLI::App* s : subs) {
      out += "\n" + std::string(60, '-') + "\n" + RenderHelpImpl(*s, all, true);
    }
  }
  return out;
}

class GroupedFormatter : public CLI::FormatterBase {
 public:
  std::string make_help(const CLI::App* app, std::string, CLI::AppFormatMode mode) const override {
    return RenderHelp(*app, mode == CLI::AppFormatMode::All);
  }
};

// ---- man page ----

// Escapes text for roff: backslashes, hyphens in words that are options,
// and a leading '.' or '\'' that would start a request.
std::string Roff(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\') out += "\\e";
    else if (c == '-') out += "\\-";
    else out += c;
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out = "\\&" + out;
  return out;
}

std::string ManOptionLabel(const CLI::Option* o) {
  std::vector<std::string> names = VisibleNames(o);
  if (names.empty()) return "\\fI" + Roff(PositionalLabel(o)) + "\\fR";
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + ("\\fB" + Roff(names[i]) + "\\fR");
  std::string m = Metavar(o);
  if (!m.empty())
    s += o->get_expected_min() == 0 ? " [\\fI" + Roff(m) + "\\fR]" : " \\fI" + Roff(m) + "\\fR";
  return s;
}

void ManCommand(const CLI::App& app, std::string& out) {
  out += ".SS \"" + Roff(CommandPath(app)) + "\"\n";
  out += Roff(app.get_description()) + "\n";
  for (const auto& [group, opts] : GroupedOptions(app, true, false)) {
    out += ".PP\n\\fI" + Roff(group) + "\\fR\n";
    for (const CLI::Option* o : opts) {
      out += ".TP\n" + ManOptionLabel(o) + "\n" + Roff(FullDescription(o)) + "\n";
    }
  }
  for (const CLI::App* s : VisibleSubcommands(app, true)) ManCommand(*s, out);
}

// ---- completions ----

enum class ValueKind { kNone, kFile, kDir, kChoice, kOther };

ValueKind KindOf(const CLI::Option* o) {
  if (IsFlag(o)) return ValueKind::kNone;
  if (!Choices(o).empty()) return ValueKind::kChoice;
  std::string m = Metavar(o);
  if (m == "DIR") return ValueKind::kDir;
  if (m == "FILE" || m == "PATH" || m == "IMAGE") return ValueKind::kFile;
  return ValueKind::kOther;
}

std::vector<std::string> AllNames(const CLI::Option* o) {
  std::vector<std::string> names;
  for (const auto& s : o->get_snames()) names.push_back("-" + s);
  for (const auto& l : o->get_lnames()) names.push_back("--" + l);
  return names;
}

// Every command below (and including) `app`, with its path after "harrier"
// ("" for the root, "rules check").
void Commands(const CLI::App& app, const std::string& path,
              std::vector<std::pair<std::string, const CLI::App*>>& out) {
  out.emplace_back(path, &app);
  for (const CLI::App* s : app.get_subcommands([](const CLI::App*) { return true; }))
    Commands(*s, path.empty() ? s->get_name() : path + " " + s->get_name(), out);
}

std::string ShellQuote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// A description fit for a zsh _arguments spec: first sentence, no brackets
// or colons that end the field.
std::string ZshDescription(std::string_view text) {
  std::string s(text.substr(0, text.find("; ")));
  if (s.size() > 70) s = s.substr(0, 67) + "...";
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']') out += c == '[' ? '(' : ')';
    else if (c == ':' || c == '\\') out += ' ';
    else out += c;
  }
  return out;
}

}  // namespace

std::string RenderHelp(const CLI::App& app, bool all) {
  // The root's --help-all lists every command's full help.
  return RenderHelpImpl(app, all, all && app.get_parent() == nullptr);
}

void InstallHelpFormatter(CLI::App& app) {
  app.formatter(std::make_shared<GroupedFormatter>());
  for (CLI::App* s : app.get_subcommands([](CLI::App*) { return true; })) InstallHelpFormatter(*s);
}

std::string RenderManPage(const CLI::App& root, std::string_view version) {
  std::string out;
  out += ".\\\" Generated by 'harrier help --man' from the command-line definitions.\n";
  out += fmt::format(".TH HARRIER 1 \"\" \"harrier {}\" \"User Commands\"\n", Roff(version));
  out += ".SH NAME\nharrier \\- " + Roff(root.get_description()) + "\n";
  out += ".SH SYNOPSIS\n";
  for (const CLI::App* s : VisibleSubcommands(root, false)) {
    out += ".br\n\\fBharrier " + Roff(s->get_name()) + "\\fR [\\fIOPTIONS\\fR]";
    for (const CLI::Option* o : s->get_options())
      if (o->get_positional()) out += " [\\fI" + Roff(PositionalLabel(o)) + "\\fR]";
    if (!VisibleSubcommands(*s, false).empty()) out += " \\fICOMMAND\\fR";
    out += "\n";
  }
  out += ".SH DESCRIPTION\n"
         "Harrier tells whether a host, a disk image, a mounted image or a triage collection "
         "carries traces of an attack: it checks files (and what is inside archives and "
         "images) against hash, file-name, C2 and YARA indicators and native checks, and, "
         "on a live Linux host, processes, their memory and network connections. Each "
         "finding has a score and the scan ends with a verdict and an exit code.\n"
         ".PP\n"
         "Options are grouped below as \\fBharrier scan \\-\\-help\\fR shows them; "
         "\\fB\\-\\-help\\-all\\fR also lists the developer and benchmark group.\n";
  out += ".SH COMMANDS\n";
  for (const CLI::App* s : VisibleSubcommands(root, false)) ManCommand(*s, out);
  out += ".SS \"Global options\"\n";
  for (const CLI::Option* o : root.get_options())
    out += ".TP\n" + ManOptionLabel(o) + "\n" + Roff(o->get_description()) + "\n";
  out += ".SH \"LOKI AND THOR NAMES\"\n"
         "These names are accepted as well and mean exactly the Harrier option:\n";
  for (const auto& a : CliAliases()) {
    std::string target = a.option.starts_with("-") ? "\\fB" + Roff(a.option) + "\\fR" : "scan path";
    out += ".TP\n\\fB" + Roff(a.alias) + "\\fR\n" + target + " (" + Roff(a.origin) + ")\n";
  }
  out += ".SH \"CONFIGURATION FILE\"\n"
         "\\fBharrier scan \\-\\-config\\fR \\fIFILE\\fR reads scan options from a TOML or INI "
         "file: one \\fIkey\\fR = \\fIvalue\\fR per line, the key being an option's long name "
         "without the dashes, at the top level or under a [scan] section. Options given on the "
         "command line win. An unknown key or a bad value is a usage error (exit code 2).\n"
         ".PP\n.nf\n"
         "max\\-file\\-size = \"64MiB\"\n"
         "exclude = [\"*.iso\", \"re:^/srv/backup/\"]\n"
         "log\\-dir = \"/media/usb\"\n"
         "cpu\\-limit = 50\n"
         ".fi\n";
  out += ".SH \"EXIT STATUS\"\n";
  for (const auto& e : ExitCodes()) out += fmt::format(".TP\n.B {}\n{}\n", e.code, Roff(e.meaning));
  out += ".SH ENVIRONMENT\n"
         ".TP\n.B HARRIER_LOG_DIR\nFolder of the default log (as \\fB\\-\\-log\\-dir\\fR).\n"
         ".TP\n.B HARRIER_NO_LOG\nSet to 1: no default log (as \\fB\\-\\-no\\-log\\fR).\n"
         ".TP\n.B HARRIER_RULES\nThe built\\-in signature folder.\n"
         ".TP\n.B XDG_CACHE_HOME\nParent of the \\fBharrier\\fR cache folder (default "
         "\\fI~/.cache\\fR).\n"
         ".TP\n.B NO_COLOR\nSet: no colours.\n";
  out += ".SH FILES\n"
         "What \\fBharrier scan\\fR writes on the host it runs on:\n"
         ".TP\n\\fI./HOST_harrier_YYYYMMDD\\-HHMMSS.jsonl\\fR\n"
         "The default log, in the current directory (\\fB\\-\\-log\\-dir\\fR, "
         "\\fB\\-\\-jsonl\\fR, \\fB\\-\\-no\\-log\\fR).\n"
         ".TP\n\\fI~/.cache/harrier/rules\\-*.yarc\\fR, \\fIpart\\-*.yarc\\fR\n"
         "Compiled YARA rules, keyed by the signature digest (\\fB\\-\\-no\\-rules\\-cache\\fR "
         "writes none).\n"
         ".TP\n\\fI~/.cache/harrier/scan\\-cache.sqlite\\fR\n"
         "Only with \\fB\\-\\-cache\\fR: the files found clean.\n"
         ".TP\nreport files\n"
         "Only where \\fB\\-\\-jsonl\\fR, \\fB\\-\\-html\\fR and \\fB\\-\\-csv\\fR say.\n"
         ".TP\n\\fI/var/lib/harrier/signatures\\fR, \\fI~/.local/share/harrier/signatures\\fR\n"
         "The signature store of \\fBharrier update\\fR (root, other users; "
         "\\fB\\-\\-store\\fR): the active and the previous updated set. \\fBharrier scan\\fR "
         "reads it unless \\fB\\-\\-no\\-updated\\-signatures\\fR.\n";
  out += ".SH EXAMPLES\n";
  for (const auto& e : ScanExamples())
    out += ".TP\n\\fBharrier " + Roff(e.command) + "\\fR\n" + Roff(e.description) + "\n";
  out += ".SH \"SEE ALSO\"\n\\fByara\\fR(1)\n";
  return out;
}

std::string BashCompletion(const CLI::App& root) {
  std::vector<std::pair<std::string, const CLI::App*>> cmds;
  Commands(root, "", cmds);
  std::string subs_case, opts_case, kind_case, pos_case;
  for (const auto& [path, app] : cmds) {
    std::string subs;
    for (const CLI::App* s : app->get_subcommands([](const CLI::App*) { return true; }))
      if (!s->get_group().empty()) subs += (subs.empty() ? "" : " ") + s->get_name();
    if (!subs.empty()) subs_case += fmt::format("    {}) echo {} ;;\n", ShellQuote(path), ShellQuote(subs));
    std::string opts;
    bool positional = false;
    for (const CLI::Option* o : app->get_options()) {
      if (o->get_positional()) positional = true;
      for (const auto& n : AllNames(o)) {
        if (!IsAliasName(n)) opts += (opts.empty() ? "" : " ") + n;
        std::string key = ShellQuote(path + " " + n);
        switch (KindOf(o)) {
          case ValueKind::kNone: break;
          case ValueKind::kFile: kind_case += fmt::format("    {}) echo file ;;\n", key); break;
          case ValueKind::kDir: kind_case += fmt::format("    {}) echo dir ;;\n", key); break;
          case ValueKind::kOther: kind_case += fmt::format("    {}) echo value ;;\n", key); break;
          case ValueKind::kChoice: {
            std::string c;
            for (const auto& x : Choices(o)) c += " " + x;
            kind_case += fmt::format("    {}) echo {} ;;\n", key, ShellQuote("choice" + c));
            break;
          }
        }
      }
    }
    if (!opts.empty()) opts_case += fmt::format("    {}) echo {} ;;\n", ShellQuote(path), ShellQuote(opts));
    if (positional) pos_case += fmt::format("    {}) return 0 ;;\n", ShellQuote(path));
  }
  std::string out = "# bash completion for harrier (generated by 'harrier completion bash').\n";
  out += "_harrier_subcommands() {\n  case \"$1\" in\n" + subs_case + "  esac\n}\n";
  out += "_harrier_options() {\n  case \"$1\" in\n" + opts_case + "  esac\n}\n";
  out += "_harrier_value_kind() {\n  case \"$1\" in\n" + kind_case + "    *) echo none ;;\n  esac\n}\n";
  out += "_harrier_takes_paths() {\n  case \"$1\" in\n" + pos_case + "  esac\n  return 1\n}\n";
  out += R"BASH(_harrier() {
  local cur="${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" i w kind subs
  ((COMP_CWORD > 0)) && prev="${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="${COMP_WORDS[i]}"
    subs=" $(_harrier_subcommands "$cmd") "
    if [[ "$w" != -* && "$subs" == *" $w "* ]]; then cmd="${cmd:+$cmd }$w"; fi
  done
  COMPREPLY=()
  if [[ "$prev" == -* ]]; then
    kind="$(_harrier_value_kind "$cmd $prev")"
    case "$kind" in
      file) COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
      dir) COMPREPLY=($(compgen -d -- "$cur")); compopt -o filenames 2>/dev/null; return 0 ;;
      choice*) COMPREPLY=($(compgen -W "${kind#choice }" -- "$cur")); return 0 ;;
      value) return 0 ;;
    esac
  fi
  if [[ "$cur" == -* ]]; then
    COMPREPLY=($(compgen -W "$(_harrier_options "$cmd")" -- "$cur"))
    return 0
  fi
  subs="$(_harrier_subcommands "$cmd")"
  if [[ -n "$subs" ]]; then
    COMPREPLY=($(compgen -W "$subs" -- "$cur"))
  elif _harrier_takes_paths "$cmd"; then
    COMPREPLY=($(compgen -f -- "$cur")); compopt -o filenames 2>/dev/null
  fi
  return 0
}
complete -F _harrier harrier
)BASH";
  return out;
}

std::string ZshCompletion(const CLI::App& root) {
  std::vector<std::pair<std::string, const CLI::App*>> cmds;
  Commands(root, "", cmds);
  std::string out = "#compdef harrier\n# zsh completion for harrier (generated by 'harrier completion zsh').\n";
  auto fn_name = [](std::string path) {
    std::replace(path.begin(), path.end(), ' ', '_');
    std::replace(path.begin(), path.end(), '-', '_');
    return path.empty() ? std::string("_harrier") : "_harrier_" + path;
  };
  for (const auto& [path, app] : cmds) {
    out += fn_name(path) + "() {\n  local -a specs\n  specs=(\n";
    bool positional = false;
    for (const CLI::Option* o : app->get_options()) {
      if (o->get_positional()) {
        positional = true;
        continue;
      }
      std::vector<std::string> names = AllNames(o);
      std::string action;
      switch (KindOf(o)) {
        case ValueKind::kNone: break;
        case ValueKind::kFile: action = ":file:_files"; break;
        case ValueKind::kDir: action = ":directory:_files -/"; break;
        case ValueKind::kOther: action = ":" + Metavar(o) + ": "; break;
        case ValueKind::kChoice: {
          action = ":" + Metavar(o) + ":(";
          for (const auto& c : Choices(o)) action += " " + c;
          action += " )";
          break;
        }
      }
      if (o->get_expected_min() == 0 && !action.empty()) action = ":" + action;  // optional value
      bool repeat = o->get_items_expected_max() > 1;
      for (const auto& n : names) {
        std::string spec = (repeat ? "*" : "") + n + (action.empty() || n.size() == 2 ? "" : "=") +
                           "[" + ZshDescription(o->get_description()) + "]" + action;
        out += "    " + ShellQuote(spec) + "\n";
      }
    }
    auto subs = app->get_subcommands([](const CLI::App* s) { return !s->get_group().empty(); });
    if (positional && subs.empty()) out += "    '*:path:_files'\n";
    out += "  )\n";
    if (subs.empty()) {
      out += "  _arguments -s -S $specs\n}\n";
      continue;
    }
    out += "  local -a cmds\n  cmds=(\n";
    for (const CLI::App* s : subs)
      out += "    " + ShellQuote(s->get_name() + ":" + ZshDescription(s->get_description())) + "\n";
    out += "  )\n  local curcontext=\"$curcontext\" state line\n"
           "  _arguments -C $specs '1: :->cmd' '*:: :->args'\n"
           "  case $state in\n"
           "    cmd) _describe -t commands command cmds ;;\n"
           "    args)\n      case $words[1] in\n";
    for (const CLI::App* s : subs) {
      std::string sub_path = path.empty() ? s->get_name() : path + " " + s->get_name();
      out += fmt::format("        {}) {} ;;\n", s->get_name(), fn_name(sub_path));
    }
    out += "      esac ;;\n  esac\n}\n";
  }
  out += "_harrier \"$@\"\n";
  return out;
}

Status ApplyConfigFile(CLI::App& app, const std::string& path) {
  auto text = platform::ReadTextFile(path, 1 << 20);
  if (!text.ok()) return Status::InvalidArgument(fmt::format("--config: {}", text.status().message()));
  std::vector<CLI::ConfigItem> items;
  try {
    std::istringstream in(*text);
    items = CLI::ConfigTOML().from_config(in);
  } catch (const CLI::Error& e) {
    return Status::InvalidArgument(fmt::format("{}: {}", path, e.what()));
  }
  auto bad = [&](const std::string& key, const std::string& why) {
    return Status::InvalidArgument(fmt::format("{}: key '{}': {}", path, key, why));
  };
  std::set<const CLI::Option*> from_file;
  for (const CLI::ConfigItem& item : items) {
    // Section markers, and a [scan] section for this command.
    if (item.name == "++" || item.name == "--") continue;
    if (!(item.parents.empty() || (item.parents.size() == 1 && item.parents[0] == app.get_name())))
      return bad(item.fullname(), "unknown section (only [" + app.get_name() + "] is read)");
    std::string name = item.name;
    CLI::Option* op = app.get_option_no_throw("--" + name);
    if (!op) {
      std::string dashed = name;
      std::replace(dashed.begin(), dashed.end(), '_', '-');
      op = app.get_option_no_throw("--" + dashed);
    }
    if (!op && name.size() == 1) op = app.get_option_no_throw("-" + name);
    if (!op) op = app.get_option_no_throw(name);  // a positional ("paths")
    if (!op || !op->get_configurable() || IsHelpOption(app, op) || op->get_group() == "")
      return bad(name, "not an option of 'harrier " + app.get_name() + "'");
    if (from_file.count(op)) return bad(name, "given twice");
    // The command line wins: its options, and options that exclude them.
    if (op->count() > 0) continue;
    bool excluded = false;
    for (const CLI::Option* ex : op->get_excludes())
      if (ex->count() > 0 && !from_file.count(ex)) excluded = true;
    if (excluded) continue;
    for (const CLI::Option* ex : op->get_excludes())
      if (from_file.count(ex)) return bad(name, "cannot be combined with " + ex->get_name());
    from_file.insert(op);
    try {
      if (IsFlag(op)) {
        if (item.inputs.size() != 1) return bad(name, "expected true or false");
        std::string v = item.inputs[0];
        std::transform(v.begin(), v.end(), v.begin(), ::tolower);
        if (v != "true" && v != "false" && v != "1" && v != "0" && v != "yes" && v != "no" &&
            v != "on" && v != "off")
          return bad(name, "expected true or false, not '" + item.inputs[0] + "'");
        bool on = v == "true" || v == "1" || v == "yes" || v == "on";
        if (!on) continue;  // a flag off is its default
        op->add_result(std::string("true"));
      } else {
        op->add_result(item.inputs);
      }
      op->run_callback();
    } catch (const CLI::Error& e) {
      return bad(name, e.what());
    }
  }
  return Status::Ok();
}

}  // namespace harrier
