// YARA rule splitting and partitioning (src/signatures/yara_source.cc,
// yara_partition_plan.cc) with a differential oracle: for rule text that libyara
// compiles, every class's rewritten set must compile and give exactly the
// rules the whole set gives, on sample files of every class (headers MZ,
// ELF, other; sizes around every size cut; content = the rule text itself so
// that its strings occur). Any difference aborts.
#include <yara.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_target.h"
#include "fuzz/fuzz_yara.h"
#include "signatures/yara_partition_plan.h"
#include "signatures/yara_rules.h"
#include "signatures/yara_source.h"
#include "tests/testutil/synth.h"

HARRIER_FUZZ_TARGET(yara_partition)(const uint8_t* data, size_t size) {
  using namespace harrier;
  if (size > 16384) return 0;
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)SplitYara(text);  // must not crash on anything
  if (text.find('\0') != std::string::npos) return 0;
  std::vector<YaraSource> sources = {{"fuzz", text}};
  auto whole = CompileYaraStrict(sources, {});
  if (!whole.ok()) return 0;
  PartitionOptions o;
  o.min_magic_rules = 1;
  o.min_cut_rules = 1;
  PartitionSources parts = PartitionYaraSources(sources, o);

  std::vector<std::string> headers = {"", "MZ", "MM", std::string("\x7f" "ELF", 4), "\x7f" "E", "PK\x03\x04", "#!"};
  for (const auto& m : parts.plan.magics) headers.push_back(m);
  // A valid PE (libyara's pe module defines its fields) with the rule text
  // appended, so pe leaves are true on some sample.
  static const std::string kPe = harrier::testing::synth::BuildPe({});
  std::vector<std::string> samples = {"", "M", "MZ", text, kPe, kPe + text};
  for (const auto& h : headers) {
    samples.push_back(h + text);
    for (uint64_t cut : parts.plan.size_cuts) {
      if (cut > (1u << 20)) continue;
      for (uint64_t n : {cut - 1, cut, cut + 1}) {
        std::string b = h + text;
        b.resize(n, 'A');
        samples.push_back(b);
      }
    }
  }
  std::map<size_t, std::shared_ptr<const YaraRules>> compiled;
  for (const auto& buf : samples) {
    size_t cls = parts.plan.ClassOf(std::span(reinterpret_cast<const uint8_t*>(buf.data()), buf.size()));
    auto& set = compiled[cls];
    if (!set) {
      auto r = CompileYaraStrict(parts.per_class[cls], (*whole)->extra_externals());
      if (!r.ok()) abort();  // a rewritten set must compile when the original does
      set = *r;
    }
    if (fuzz::YaraMatches(**whole, buf) != fuzz::YaraMatches(*set, buf)) abort();
  }
  return 0;
}
