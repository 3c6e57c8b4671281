// ole_reader.h for a build without libgsf (HARRIER_WITH_OLE=OFF, the Windows
// build): every OLE compound file (MSI, legacy Office, .msg) is found by
// IsOleFile as always, and ForEachOleStream answers Unsupported, which the
// archive source counts as a member skipped "unsupported".
#include "sources/ole_reader.h"

namespace harrier {

Result<OleResult> ForEachOleStream(std::span<const uint8_t>, const OleLimits&,
                                   const std::function<bool(OleStream&&)>&) {
  return Status::Unsupported(
      "OLE compound file (MSI, Office, .msg): unsupported in this build (no libgsf)");
}

}  // namespace harrier
