// PathForms: the forms of one path that matching needs, computed once per
// file. The Unix form is the path as walked. The Windows form replaces every
// '/' with '\'; when the path lies under a mapped volume root (a mounted
// Windows image, e.g. /mnt/win -> "C:"), the root is replaced by the drive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace harrier {

struct RootMapping {
  std::string mount;   // canonical directory, e.g. "/mnt/win"
  std::string drive;   // e.g. "C:"; empty for a macOS/Unix root ("/")
};

struct PathForms {
  std::string unix_form;     // for Unix patterns; mapped roots become "/"
  std::string windows_form;  // for Windows patterns
  std::string display;       // what reports show as the matched path
};

// REQUIRES: `roots` sorted longest mount first (the first match wins).
PathForms MakePathForms(std::string_view path, const std::vector<RootMapping>& roots);

}  // namespace harrier
