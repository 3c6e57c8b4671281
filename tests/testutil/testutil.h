// Test helpers: temporary trees and running the built binary.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harrier::testing {

// A temporary directory removed (recursively) on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  // Writes `content` to path()/rel (creating parent directories); returns
  // the full path.
  std::string Write(std::string_view rel, std::string_view content) const;
  std::string Mkdir(std::string_view rel) const;

 private:
  std::string path_;
};

struct RunResult {
  int exit_code = -1;     // -1 when killed by a signal
  std::string out, err;
  double wall_s = 0;      // from spawn to exit
  long max_rss_kb = 0;    // the child's peak resident set (wait4 rusage)
};

// Where and with what standard input a program runs (RunProgram).
struct RunOptions {
  std::string cwd;         // "" = the test's working directory
  std::string stdin_path;  // "" = inherited; else this file is standard input
  int timeout_s = 120;
  // false: HARRIER_NO_LOG=1 in the environment, so `harrier scan` writes no
  // default log into the test's working directory; true: as a user runs it.
  bool default_log = false;
};

// Runs the built harrier binary with `args` (no shell), with a timeout in
// seconds (killed after it: exit_code -1). Environment: NO_COLOR=1 and
// HARRIER_NO_LOG=1 (RunOptions::default_log).
RunResult RunHarrier(const std::vector<std::string>& args, int timeout_s = 120);

// Runs any program the same way: argv[0] is its path (no PATH search, no
// shell, so file names in arguments need no quoting).
RunResult RunProgram(const std::vector<std::string>& argv, int timeout_s = 120);
RunResult RunProgram(const std::vector<std::string>& argv, const RunOptions& opts);

// The full path of an installed program, looked up in the system's program
// folders (/usr/bin, /bin, /usr/sbin, /sbin, /usr/local/bin; not PATH), or ""
// when it is not installed.
std::string FindProgram(std::string_view name);

// Like RunHarrier, but sends `sig` to the process `delay_ms` after its
// stdout first contains `when_stdout_has` (e.g. the JSONL scan_start line),
// to test Ctrl-C handling. The signal is sent `times` times, `delay_ms`
// apart (a second Ctrl-C).
RunResult RunHarrierAndSignal(const std::vector<std::string>& args,
                              std::string_view when_stdout_has, int delay_ms, int sig,
                              int timeout_s = 120, int times = 1);

// The ../shared folder next to the repository, or "" when absent (tests that
// need it GTEST_SKIP with a message).
std::string SharedDir();
std::string SignatureBaseDir();  // "" when absent
std::string HarrierBinary();
std::string SourceDir();         // repository root

// Creates `levels` nested directories named `name` below `root` (made with
// mkdirat relative to each parent, so the result may be far longer than
// PATH_MAX) and a file `leaf` holding `content` at the bottom; returns the
// file's full path (which cannot be opened by that path when long).
std::string MakeDeepTree(const std::string& root, const std::string& name, int levels,
                         const std::string& leaf, std::string_view content);
// Removes such a tree (relative to each parent; TempDir's removal goes by
// path and fails on it). Best effort.
void RemoveDeepTree(const std::string& root, const std::string& name);

// `s` without its '|' characters. Tests write indicators (C2 domains, rule
// strings, installer names) with a '|' inside, so that the compiled test
// programs do not themselves carry the indicators and a scan of the build
// tree stays clean: Indicator("akamai|container.com").
inline std::string Indicator(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != '|') out.push_back(c);
  return out;
}

// The bytes of a file ("" when it cannot be read).
std::string ReadWholeFile(const std::string& path);
// How many entries a directory holds (0 when it cannot be listed).
size_t EntriesIn(const std::string& dir);

// Compares `actual` with tests/golden/NAME (a GoogleTest failure when they
// differ or the file is missing); with HARRIER_UPDATE_GOLDEN=1 writes it
// instead and skips the test.
void ExpectGolden(const std::string& name, const std::string& actual);

// Splits text into lines (no trailing empty line).
std::vector<std::string> Lines(std::string_view text);

}  // namespace harrier::testing
