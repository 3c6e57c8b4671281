// Micro benchmarks for the per-file hot loops:
//   BM_Hash/<bytes>             MD5+SHA1+SHA256 of one buffer (Hasher)
//   BM_PathMatch/<patterns>     one path against a RegexSet of N patterns
//   BM_Yara{Text,Binary}/<bytes> all of signature-base (if ../shared is
//                                present; else a small built-in set) on one
//                                buffer: reference, fast, and the fast path
//                                (the partitioned set of the data's class)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/diagnostics.h"
#include "platform/fs.h"
#include "scan/hasher.h"
#include "scan/yara_scanner.h"
#include "signatures/loader.h"
#include "signatures/regex_set.h"
#include "signatures/yara_rules.h"

namespace harrier {
namespace {

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(rng());
  return v;
}

std::vector<uint8_t> TextBytes(size_t n) {
  static const std::string kLine =
      "def handler(event, context):\n    return json.dumps({'status': 'ok', 'path': os.path})\n";
  std::vector<uint8_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint8_t>(kLine[i % kLine.size()]);
  return v;
}

void BM_Hash(benchmark::State& state) {
  auto data = RandomBytes(static_cast<size_t>(state.range(0)));
  Hasher h;
  for (auto _ : state) benchmark::DoNotOptimize(h.Compute(data));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Hash)->Arg(4 << 10)->Arg(64 << 10)->Arg(1 << 20)->Arg(16 << 20);

// Filename-IOC-like patterns: directory + name literals and extension
// alternations, as in signature-base's filename-iocs.txt.
void BM_PathMatch(benchmark::State& state) {
  RegexSet set;
  int n = static_cast<int>(state.range(0));
  for (int i = 0; i < n; ++i) {
    std::string p = (i % 3 == 0)   ? fmt::format(R"(\\Temp\\svc{}\.exe)", i)
                    : (i % 3 == 1) ? fmt::format(R"(/tmp/\.x{}[a-z]+\.(sh|py)$)", i)
                                   : fmt::format(R"((?i)\\AppData\\Roaming\\upd{}\.dll)", i);
    (void)set.Add(p);
  }
  if (!set.Compile().ok()) state.SkipWithError("compile failed");
  std::vector<std::string> paths = {
      "/usr/lib/python3/dist-packages/google/cloud/storage/blob.py",
      "/home/user/.cache/mozilla/firefox/abc.default/cache2/entries/0F3A",
      "/tmp/.x77abc.sh", "C:\\Users\\bob\\AppData\\Roaming\\upd5.dll"};
  std::vector<int> out;
  size_t i = 0;
  for (auto _ : state) {
    out.clear();
    set.Match(paths[i++ % paths.size()], &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PathMatch)->Arg(1000)->Arg(10000);

// All of signature-base (with the partitioned sets of the fast path), or a
// two-rule stand-in when ../shared is absent.
std::shared_ptr<const SignatureSet> Sigs() {
  static std::shared_ptr<const SignatureSet> sigs = [] {
    Diagnostics diag;
    std::string sb = std::string(HARRIER_SHARED_DIR) + "/signature-base";
    std::string dir = sb;
    auto st = platform::Stat(sb);
    if (!st.ok() || st->type != platform::FileType::kDirectory) {
      dir = "/tmp/harrier-micro-bench-rules";
      (void)std::system(("mkdir -p " + dir).c_str());
      FILE* f = std::fopen((dir + "/small.yar").c_str(), "w");
      if (f) {
        std::fputs("rule a { strings: $a = \"powershell\" nocase condition: $a }\n"
                   "rule b { strings: $b = { 4D 5A 90 00 } condition: $b at 0 }\n", f);
        std::fclose(f);
      }
    }
    LoadOptions lo;
    lo.folders = {dir};
    auto loaded = LoadSignatures(lo, diag);
    return loaded.ok() ? *loaded : nullptr;
  }();
  return sigs;
}

// Mode 0: reference (whole set, plain evaluation); 1: whole set, fast mode;
// 2: the fast path (the partitioned set of this data's class, fast mode).
void YaraBench(benchmark::State& state, const std::vector<uint8_t>& data, int mode) {
  auto sigs = Sigs();
  if (!sigs || !sigs->yara) {
    state.SkipWithError("no rules");
    return;
  }
  YaraLimits limits;
  limits.fast_mode = mode != 0;
  limits.timeout_s = 0;
  std::shared_ptr<const YaraRules> rules = sigs->yara;
  if (mode == 2 && sigs->yara_partition)
    rules = sigs->yara_partition->Set(sigs->yara_partition->set_index_for(data));
  auto scanner = YaraScanner::Create(rules, limits);
  if (!scanner.ok()) {
    state.SkipWithError("no scanner");
    return;
  }
  YaraExternalValues ev;
  std::vector<Reason> out;
  for (auto _ : state) {
    out.clear();
    benchmark::DoNotOptimize((*scanner)->Scan(data, ev, &out));
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(data.size()));
}

void BM_YaraBinary(benchmark::State& state) {
  YaraBench(state, RandomBytes(static_cast<size_t>(state.range(0))), static_cast<int>(state.range(1)));
}
void BM_YaraText(benchmark::State& state) {
  YaraBench(state, TextBytes(static_cast<size_t>(state.range(0))), static_cast<int>(state.range(1)));
}
// Second argument: 0 = reference (whole set, plain), 1 = whole set in fast
// mode, 2 = the fast path (partitioned set of the data's class).
BENCHMARK(BM_YaraBinary)->ArgsProduct({{64, 4 << 10, 64 << 10, 1 << 20}, {0, 1, 2}});
BENCHMARK(BM_YaraText)->ArgsProduct({{64, 4 << 10, 64 << 10, 1 << 20}, {0, 1, 2}});

}  // namespace
}  // namespace harrier

BENCHMARK_MAIN();
