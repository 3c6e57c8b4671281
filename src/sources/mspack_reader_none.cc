// mspack_reader.h for a build without libmspack (HARRIER_WITH_MSPACK=OFF, the
// Windows build): CHM, SZDD and KWAJ files are found by DetectMspack as
// always, and ForEachMspackMember answers Unsupported, which the archive
// source counts as a member skipped "unsupported".
#include "sources/mspack_reader.h"

namespace harrier {

Result<std::vector<MspackSkip>> ForEachMspackMember(
    std::span<const uint8_t>, MspackFormat, const MspackLimits&,
    const std::function<bool(const MspackMember&)>&) {
  return Status::Unsupported("CHM/SZDD/KWAJ file: unsupported in this build (no libmspack)");
}

}  // namespace harrier
