// Replays fuzz inputs without libFuzzer (gcc builds, CI, regression files):
//   harrier_fuzz_pe FILE_OR_DIR...
// Runs LLVMFuzzerTestOneInput once per file; exits non-zero if a path
// cannot be read. Crashes surface as crashes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

#include "fuzz/fuzz_target.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {
bool RunFile(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  std::vector<char> buf((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(buf.data()), buf.size());
  return true;
}
}  // namespace

int main(int argc, char** argv) {
  int runs = 0, bad = 0;
  for (int i = 1; i < argc; ++i) {
    std::error_code ec;
    std::filesystem::path p(argv[i]);
    if (std::filesystem::is_directory(p, ec)) {
      for (const auto& e : std::filesystem::recursive_directory_iterator(p, ec))
        if (e.is_regular_file()) (RunFile(e.path()) ? ++runs : ++bad);
    } else {
      (RunFile(p) ? ++runs : ++bad);
    }
  }
  std::fprintf(stderr, "%d inputs run, %d unreadable\n", runs, bad);
  return bad ? 1 : 0;
}
