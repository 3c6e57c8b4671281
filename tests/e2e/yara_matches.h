// Helpers for differential end-to-end tests on YARA match sets: run the
// built binary with `--yara-matches FILE` (one "namespace:rule path" line per
// match, the yara CLI's -e format) and read the lines back as a sorted set.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "testutil/testutil.h"

namespace harrier::testing {

inline std::string ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Sorted "namespace:rule path" lines, the namespace (the rule file's absolute
// path) shortened to the file name. Duplicates are kept: a rule reported twice
// for one file is a difference too.
inline std::vector<std::string> MatchSet(const std::string& path) {
  std::vector<std::string> out;
  for (auto& l : Lines(ReadFileText(path))) {
    auto colon = l.find(':');
    auto slash = l.rfind('/', colon);
    out.push_back(slash == std::string::npos ? l : l.substr(slash + 1));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// `harrier scan --no-builtin --no-progress --all-files --no-archives
// --signatures SIGS --yara-matches OUT_DIR/NAME EXTRA... TREE`; expects exit
// code 0 or 1 and returns MatchSet of the written file. Archives stay closed:
// these sets are about files (members have tests of their own).
inline std::vector<std::string> ScanYaraMatches(const std::string& sigs, const std::string& tree,
                                                const std::string& out_dir,
                                                const std::string& name,
                                                const std::vector<std::string>& extra,
                                                int timeout_s = 120) {
  std::string file = out_dir + "/" + name;
  std::vector<std::string> args = {"scan",         "--no-builtin", "--no-progress",
                                   "--all-files",  "--no-archives", "--signatures", sigs,
                                   "--yara-matches", file};
  args.insert(args.end(), extra.begin(), extra.end());
  args.push_back(tree);
  auto r = RunHarrier(args, timeout_s);
  EXPECT_TRUE(r.exit_code == 0 || r.exit_code == 1) << r.exit_code << "\n" << r.out << r.err;
  return MatchSet(file);
}

// Equal sorted match sets, or a test failure listing the differences.
inline bool ExpectSameSet(const std::vector<std::string>& got, const std::vector<std::string>& want,
                   const std::string& got_name, const std::string& want_name) {
  if (got == want) return true;
  std::vector<std::string> only_got, only_want;
  std::set_difference(got.begin(), got.end(), want.begin(), want.end(),
                      std::back_inserter(only_got));
  std::set_difference(want.begin(), want.end(), got.begin(), got.end(),
                      std::back_inserter(only_want));
  auto show = [](const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 50; ++i) s += "  " + v[i] + "\n";
    return s;
  };
  ADD_FAILURE() << got.size() << " lines in " << got_name << ", " << want.size() << " in "
                << want_name << "\nonly in " << got_name << " (" << only_got.size() << "):\n"
                << show(only_got) << "only in " << want_name << " (" << only_want.size()
                << "):\n" << show(only_want);
  return false;
}

}  // namespace harrier::testing
