#include "app/root_mapping.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "sources/volume_roots.h"

namespace harrier {
namespace {

bool IsDrive(std::string_view d) {
  return d.size() == 2 && std::isalpha(static_cast<unsigned char>(d[0])) && d[1] == ':';
}
std::string UpperDrive(std::string d) {
  d[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(d[0])));
  return d;
}

}  // namespace

Result<std::vector<RootMapping>> BuildRootMappings(const std::vector<std::string>& scan_paths,
                                                   const std::vector<std::string>& root_as,
                                                   int detect_depth) {
  std::vector<RootMapping> explicit_maps;
  bool detect = true;
  for (const auto& e : root_as) {
    if (e == "none") {
      detect = false;
      continue;
    }
    if (IsDrive(e)) {
      detect = false;
      for (const auto& p : scan_paths)
        explicit_maps.push_back({TrimTrailingSlashes(p), UpperDrive(e)});
      continue;
    }
    auto eq = e.rfind('=');
    if (eq == std::string::npos || eq == 0)
      return Status::InvalidArgument(
          fmt::format("--root-as '{}': want DRIVE (C:), PATH=DRIVE, PATH=/ or none", e));
    std::string path = TrimTrailingSlashes(e.substr(0, eq));
    std::string target = e.substr(eq + 1);
    if (target == "/")
      explicit_maps.push_back({path, ""});
    else if (IsDrive(target))
      explicit_maps.push_back({path, UpperDrive(target)});
    else
      return Status::InvalidArgument(
          fmt::format("--root-as '{}': '{}' is neither a drive (C:) nor /", e, target));
  }
  std::vector<RootMapping> out = explicit_maps;
  if (detect) {
    VolumeRootOptions o;
    o.max_depth = detect_depth;
    for (const auto& r :
         DetectVolumeRoots(scan_paths.empty() ? std::vector<std::string>{"/"} : scan_paths, o)) {
      bool overridden = std::any_of(explicit_maps.begin(), explicit_maps.end(),
                                    [&](const RootMapping& m) { return m.mount == r.path; });
      if (overridden) continue;
      out.push_back({r.path, r.kind == VolumeRoot::Kind::kWindows ? "C:" : ""});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const RootMapping& a, const RootMapping& b) {
    return a.mount.size() > b.mount.size();
  });
  return out;
}

}  // namespace harrier
