// Helpers for end-to-end tests that read `--jsonl -` output: every line
// must parse (a line that does not is a test failure), findings by path,
// and the summary object.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "testutil/testutil.h"

namespace harrier::testing {

struct Jsonl {
  std::vector<nlohmann::json> lines;
  std::map<std::string, nlohmann::json> findings;  // by file.path
  nlohmann::json summary;                          // harrier.type == "summary"
  bool all_parsed = true;
};

inline Jsonl ParseJsonl(const std::string& out) {
  Jsonl j;
  for (const auto& line : Lines(out)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (v.is_discarded()) {
      ADD_FAILURE() << "not a JSON line: " << line;
      j.all_parsed = false;
      continue;
    }
    std::string type = v["harrier"].value("type", "");
    if (type == "finding") {
      std::string path = v["file"]["path"].get<std::string>();
      EXPECT_EQ(j.findings.count(path), 0u) << "two findings for " << path;
      j.findings[path] = v;
    } else if (type == "summary") {
      EXPECT_TRUE(j.summary.is_null()) << "two summaries";
      j.summary = v["harrier"];
    }
    j.lines.push_back(std::move(v));
  }
  return j;
}

// files_seen == files_scanned + skipped, and the skipped map sums up.
inline void ExpectAccounted(const nlohmann::json& summary) {
  ASSERT_FALSE(summary.is_null()) << "no summary line";
  uint64_t skipped = 0;
  for (auto& [k, v] : summary["skipped"].items()) skipped += v.get<uint64_t>();
  EXPECT_EQ(summary["files_skipped"].get<uint64_t>(), skipped);
  EXPECT_EQ(summary["files_seen"].get<uint64_t>(),
            summary["files_scanned"].get<uint64_t>() + skipped)
      << summary.dump();
}

}  // namespace harrier::testing
