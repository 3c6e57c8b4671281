// The shipped check data for fuzz targets, loaded once from the source tree
// (HARRIER_SOURCE_RULES_DIR); empty (checks inert) when absent.
#pragma once

#include "checks/check_data.h"

namespace harrier::fuzz {

inline const CheckData& Data() {
  static const CheckData* d = [] {
    Diagnostics diag;
    return new CheckData(LoadCheckData(PackCheckDirs(HARRIER_SOURCE_RULES_DIR), diag));
  }();
  return *d;
}

}  // namespace harrier::fuzz
