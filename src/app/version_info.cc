#include "app/version_info.h"

#include <algorithm>

#include <fmt/format.h>
#include <yara/libyara.h>

#include "core/diagnostics.h"
#include "signatures/loader.h"

#ifndef HARRIER_BUILD_COMMIT
#define HARRIER_BUILD_COMMIT "unknown"
#endif

namespace harrier {

std::string VersionText() {
  std::string out = fmt::format("harrier {}\nbuild: {}\nlibyara: {}\n", HARRIER_VERSION,
                                HARRIER_BUILD_COMMIT, YR_VERSION);
  auto folder = FindBuiltinRules();
  if (!folder.ok()) return out + fmt::format("built-in signatures: {}\n", folder.status().message());
  LoadOptions lo;
  lo.folders = {*folder};
  lo.digest_only = true;
  Diagnostics diag;
  auto set = LoadSignatures(lo, diag);
  if (!set.ok()) return out + fmt::format("built-in signatures: {}\n", set.status().message());
  std::string newest;
  for (const auto& p : (*set)->packs) newest = std::max(newest, p.published);
  out += fmt::format("built-in signatures: {} ({} incident pack{}, newest published {})\n", *folder,
                     (*set)->packs.size(), (*set)->packs.size() == 1 ? "" : "s",
                     newest.empty() ? "unknown" : newest);
  out += fmt::format("signature digest: {}\n", (*set)->stats.digest);
  return out;
}

}  // namespace harrier
