// Helpers for native-check unit tests: the shipped check data and running a
// check over an in-memory file.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "checks/check.h"
#include "checks/check_data.h"
#include "scan/filetype.h"
#include "testutil/testutil.h"

namespace harrier::testing {

// The built-in check data (rules/packs/*/checks/), loaded once.
inline const CheckData& ShippedCheckData() {
  static const CheckData* data = [] {
    Diagnostics diag;
    auto dirs = PackCheckDirs(SourceDir() + "/rules");
    EXPECT_GE(dirs.size(), 2u);
    CheckData d = LoadCheckData(dirs, diag);
    EXPECT_EQ(diag.error_count(), 0u);
    return new CheckData(std::move(d));
  }();
  return *data;
}

inline const SignerData& Signer(const std::string& id) {
  for (const auto& s : ShippedCheckData().signers)
    if (s.id == id) return s;
  ADD_FAILURE() << "no signer " << id;
  static SignerData none;
  return none;
}

// Runs `check` on `content` as if it were the file at `unix_path`
// (windows_form derived by replacing '/').
inline std::vector<Reason> RunCheck(const Check& check, const std::string& content,
                                    const std::string& unix_path = "/tmp/x",
                                    std::string windows_path = "") {
  if (windows_path.empty()) {
    windows_path = unix_path;
    std::replace(windows_path.begin(), windows_path.end(), '/', '\\');
  }
  Subject meta;
  meta.path = unix_path;
  Hashes hashes;
  std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(content.data()), content.size());
  std::string_view type =
      DetectFileType(data.subspan(0, std::min(data.size(), kFileTypeHeaderBytes)));
  FileContext ctx{meta, unix_path, windows_path, data, type, hashes};
  std::vector<Reason> out;
  check.Run(ctx, &out);
  return out;
}

inline const Reason* FindReason(const std::vector<Reason>& rs, std::string_view name) {
  for (const auto& r : rs)
    if (r.name == name) return &r;
  return nullptr;
}

inline std::string Detail(const Reason& r, std::string_view key) {
  for (const auto& [k, v] : r.details)
    if (k == key) return v;
  return "";
}

}  // namespace harrier::testing
