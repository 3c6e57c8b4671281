#include "scan/path_forms.h"

#include <algorithm>

namespace harrier {

PathForms MakePathForms(std::string_view path, const std::vector<RootMapping>& roots) {
  PathForms f;
  for (const auto& r : roots) {
    const std::string& m = r.mount;
    if (path.size() >= m.size() && path.compare(0, m.size(), m) == 0 &&
        (path.size() == m.size() || path[m.size()] == '/' || m == "/")) {
      std::string_view rest = path.substr(m == "/" ? 0 : m.size());
      if (rest.empty()) rest = "/";
      f.unix_form = std::string(rest);
      if (r.drive.empty()) {
        f.windows_form = f.unix_form;
        std::replace(f.windows_form.begin(), f.windows_form.end(), '/', '\\');
        f.display = std::string(path);
      } else {
        f.windows_form = r.drive + std::string(rest);
        std::replace(f.windows_form.begin(), f.windows_form.end(), '/', '\\');
        f.display = f.windows_form;
      }
      return f;
    }
  }
  f.unix_form = std::string(path);
  f.windows_form = f.unix_form;
  std::replace(f.windows_form.begin(), f.windows_form.end(), '/', '\\');
  f.display = f.unix_form;
  return f;
}

}  // namespace harrier
