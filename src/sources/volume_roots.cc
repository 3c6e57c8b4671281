#include "sources/volume_roots.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include "platform/fs.h"

namespace harrier {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return s;
}

// Lower-cased name -> real name of the subdirectories of `dir`.
// Empty when the directory cannot be listed or is on a pseudo/network fs.
std::map<std::string, std::string> SubDirs(const std::string& dir, const VolumeRootOptions& o) {
  std::map<std::string, std::string> out;
  auto d = platform::Directory::Open(dir, /*follow=*/true);
  if (!d.ok()) return out;
  if ((*d)->fs_info().cls != platform::FsClass::kNormal) return out;
  platform::DirEntry e;
  size_t n = 0;
  while ((*d)->Next(&e) && ++n <= o.max_entries_per_dir) {
    if (!e.stat.ok() || e.stat->type != platform::FileType::kDirectory) continue;
    out.emplace(Lower(e.name), e.name);
  }
  return out;
}

std::optional<VolumeRoot::Kind> Classify(const std::string& dir,
                                         const std::map<std::string, std::string>& subs,
                                         const VolumeRootOptions& o) {
  auto has = [&](const char* n) { return subs.count(n) > 0; };
  if (has("windows")) {
    auto w = SubDirs(platform::JoinPath(dir, subs.at("windows")), o);
    if (w.count("system32")) return VolumeRoot::Kind::kWindows;
  }
  if (has("users") && (has("program files") || has("programdata")))
    return VolumeRoot::Kind::kWindows;
  if (has("applications") && has("users")) return VolumeRoot::Kind::kMacOS;
  if (has("library") && has("system")) return VolumeRoot::Kind::kMacOS;
  return std::nullopt;
}

void Descend(const std::string& dir, int depth, const VolumeRootOptions& o,
             std::vector<VolumeRoot>* out) {
  auto subs = SubDirs(dir, o);
  if (subs.empty()) return;
  if (auto k = Classify(dir, subs, o)) {
    out->push_back({dir, *k});
    return;
  }
  if (depth >= o.max_depth) return;
  for (const auto& [lower, real] : subs) Descend(platform::JoinPath(dir, real), depth + 1, o, out);
}

}  // namespace

std::string TrimTrailingSlashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

std::vector<VolumeRoot> DetectVolumeRoots(const std::vector<std::string>& scan_paths,
                                          const VolumeRootOptions& o) {
  std::vector<VolumeRoot> out;
  for (const auto& raw : scan_paths) {
    std::string p = TrimTrailingSlashes(raw);
    auto st = platform::Lstat(p);
    if (!st.ok() || st->type != platform::FileType::kDirectory) {
      // A file or a symlink given as the scan path: only its ancestors.
    } else {
      Descend(p, 0, o, &out);
    }
    if (!o.ancestors) continue;
    // Ancestors, in the scan path's spelling (the walker's paths start with it).
    std::string a = p;
    while (true) {
      auto slash = a.rfind('/');
      if (slash == std::string::npos) break;
      a = slash == 0 ? "/" : a.substr(0, slash);
      auto subs = SubDirs(a, o);
      if (auto k = Classify(a, subs, o)) {
        out.push_back({a, *k});
        break;
      }
      if (a == "/") break;
    }
  }
  std::sort(out.begin(), out.end(), [](const VolumeRoot& x, const VolumeRoot& y) {
    if (x.path.size() != y.path.size()) return x.path.size() > y.path.size();
    return x.path < y.path;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const VolumeRoot& x, const VolumeRoot& y) { return x.path == y.path; }),
            out.end());
  return out;
}

}  // namespace harrier
