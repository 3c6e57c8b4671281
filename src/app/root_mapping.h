// Volume-root mappings for a scan: detected Windows/macOS roots under the
// scan paths (walk/volume_roots.h) plus the user's --root-as overrides.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "scan/path_forms.h"

namespace harrier {

// `root_as` entries (CLI --root-as, repeatable):
//   "C:"          every scan path is the root of drive C: (no detection)
//   "PATH=C:"     PATH (a scan path or a directory below one) is drive C:
//   "PATH=/"      PATH is a macOS/Unix system root (paths shown as-is,
//                 matched relative to it)
//   "none"        no detection, no mapping
// Explicit mappings win over detected ones for the same path. Returns the
// mappings sorted longest mount first (MakePathForms' requirement), or
// InvalidArgument for a malformed entry.
Result<std::vector<RootMapping>> BuildRootMappings(const std::vector<std::string>& scan_paths,
                                                   const std::vector<std::string>& root_as,
                                                   int detect_depth);

}  // namespace harrier
