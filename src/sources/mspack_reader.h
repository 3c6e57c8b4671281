// Microsoft compressed formats through libmspack, from memory: CHM (compiled
// HTML help: every file of its directory), SZDD and KWAJ (the single files of
// MS-DOS `compress.exe` / `expand.exe`). Each member is decompressed into a
// buffer bounded by `max_member_bytes`; nothing touches the file system (the
// mspack_system given to libmspack reads and writes memory only).
// Thread-safety: reentrant; each call makes its own decompressor.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace harrier {

enum class MspackFormat { kChm, kSzdd, kKwaj };

// The format of `head` by its magic, or false.
bool DetectMspack(std::span<const uint8_t> head, MspackFormat* format);

struct MspackMember {
  std::string path;  // CHM: its directory path ("/index.html"); SZDD/KWAJ: "" (the caller names it)
  std::span<const uint8_t> data;  // valid during the visit only
};
struct MspackSkip {
  std::string path;
  std::string reason;  // "size" (over max_member_bytes), "limit" (max_members/total), "error"
};
struct MspackLimits {
  uint64_t max_member_bytes = 32ULL << 20;
  uint64_t max_members = 100000;
  uint64_t max_total_bytes = 1ULL << 30;  // all members together
};

// Visits every member of `data` (`format`); `visit` returns false to stop.
// Malformed input gives Corrupt; never a crash or unbounded memory.
Result<std::vector<MspackSkip>> ForEachMspackMember(
    std::span<const uint8_t> data, MspackFormat format, const MspackLimits& limits,
    const std::function<bool(const MspackMember&)>& visit);

}  // namespace harrier
