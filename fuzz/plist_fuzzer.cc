// The XML and binary (bplist00) plist readers and the macOS inventory path of
// the checks.
#include "checks/native.h"
#include "checks/plist.h"
#include "fuzz/fuzz_check_data.h"
#include "fuzz/fuzz_context.h"
#include "fuzz/fuzz_target.h"

HARRIER_FUZZ_TARGET(plist)(const uint8_t* data, size_t size) {
  using namespace harrier;
  (void)plist::TopLevelStrings(std::span<const uint8_t>(data, size));
  static const auto inv = MakeInventoryCheck(&fuzz::Data());
  fuzz::RunCheck(*inv, data, size, "/Applications/3CX Desktop App.app/Contents/Info.plist", "XML");
  return 0;
}
