// Human-readable report: findings as they arrive, then the verdict and a
// summary. Colour only on a TTY (and never with NO_COLOR). Every byte taken
// from the scanned machine is shown escaped (no terminal control sequences).
//
// Two layouts (`--format`, docs/report-format.md "Text"):
//  - block (default): a few lines per finding: path, level and score, time
//    stamps, size/type/sha256, the top reasons by a human name, what to do;
//    verbose (-v) adds every reason with its raw indicator, description,
//    sources, references, matched strings and details;
//  - line: one line per finding, TAB-separated (LEVEL, SCORE, PATH, one
//    TYPE:NAME field per reason), and the summary as one final line that
//    starts with '#'. Nothing else goes to that stream.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "report/console.h"
#include "report/reporter.h"

namespace harrier {

enum class TextFormat { kBlock, kLine };

struct TextOptions {
  bool show_warnings = false;  // print warning diagnostics (errors always)
  bool quiet = false;          // summary only
  // Write the report (summary included) to stderr: stdout carries another
  // format (`--jsonl -`), which must stay parseable line by line.
  bool to_stderr = false;
  // Full detail per finding (block layout): every reason, raw patterns,
  // descriptions with their source tags, sources, references, matched
  // strings, details, hashes.
  bool verbose = false;
  TextFormat format = TextFormat::kBlock;
  // Block layout without verbose: the reasons shown per finding, highest
  // sub-score first; the rest are counted ("+N more").
  size_t max_reasons = 3;
};

class TextReporter final : public Reporter {
 public:
  TextReporter(Console& console, TextOptions opts) : console_(console), opts_(opts) {}
  void Begin(const ScanInfo& info) override;
  void OnFinding(const Finding& f) override;
  void OnDiagnostic(const Diagnostic& d) override;
  void End(const ScanSummary& summary) override;
  // A text report on stdout that cannot be written (`> full disk`) is a
  // lost report too.
  Status output_status() const override {
    return opts_.to_stderr ? Status::Ok() : console_.stdout_status();
  }

 private:
  std::string Paint(std::string_view text, const char* code) const;
  void Write(std::string_view text);
  std::string Block(const Finding& f) const;
  void EndLine(const ScanSummary& s);
  Console& console_;
  TextOptions opts_;
  ScanInfo info_;
  uint64_t diag_suppressed_ = 0;
};

// Terminal-safe text: valid UTF-8 printable characters pass; C0 control
// characters, DEL and invalid bytes become \xNN; C1 controls (U+0080-U+009F)
// and bidirectional/line formatting controls (U+061C, U+200E, U+200F,
// U+2028-U+202E, U+2066-U+2069) become \uXXXX.
std::string TerminalSafe(std::string_view bytes);

// A signature description as a person reads it: the evidence tags of the
// built-in IOC files ("[V]", "[S]", "[I]", "[U]") and a trailing source list
// (" - src: SB SOPH ...", "src: ...") removed, white space collapsed. The
// raw text stays in the JSONL and in the verbose text.
std::string DisplayDescription(std::string_view description);

// A reason's human name: a YARA rule's name with its description, a hash or
// filename IOC's description (its value or pattern when it has none), a C2
// indicator's value with its description, a native check's description
// (its id when it has none). Not escaped.
std::string ReasonTitle(const Reason& r);

// One finding in the line layout (no newline): LEVEL, integer score, the
// displayed path and TYPE:NAME per reason (highest first), TAB-separated;
// every field TerminalSafe, so it holds no TAB or newline.
std::string FindingLine(const Finding& f);

}  // namespace harrier
