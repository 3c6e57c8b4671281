// Runs a native check over fuzz input as a file at `path`.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "checks/check.h"

namespace harrier::fuzz {

inline void RunCheck(const Check& c, const uint8_t* data, size_t size, const std::string& path,
                     std::string_view filetype = "") {
  Subject meta;
  Hashes hashes;
  std::string win = path;
  for (auto& ch : win)
    if (ch == '/') ch = '\\';
  FileContext ctx{meta, path, win, std::span<const uint8_t>(data, size), filetype, hashes};
  std::vector<Reason> out;
  c.Run(ctx, &out);
}

}  // namespace harrier::fuzz
