#include "checks/dpkg_index.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier::dpkg {
namespace {

bool IsHex32(std::string_view s) {
  return s.size() == 32 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c));
         });
}

bool HasStatus(const std::string& dir) {
  auto st = platform::Stat(platform::JoinPath(dir, "var/lib/dpkg/status"));
  return st.ok() && st->type == platform::FileType::kRegular;
}

struct Entry {
  std::string name;
  bool dir = false;
};
// The entries of a directory (not following symlinks); empty on error.
std::vector<Entry> List(const std::string& dir) {
  std::vector<Entry> out;
  auto d = platform::Directory::Open(dir, true);
  if (!d.ok()) return out;
  platform::DirEntry e;
  while ((*d)->Next(&e))
    out.push_back({e.name, e.stat.ok() && e.stat->type == platform::FileType::kDirectory});
  return out;
}

std::string Parent(const std::string& p) {
  if (p == "/") return "";
  size_t s = p.find_last_of('/');
  if (s == std::string::npos) return "";
  return s == 0 ? "/" : p.substr(0, s);
}

void Below(const std::string& dir, int depth, std::vector<std::string>* out) {
  if (depth <= 0) return;
  for (const auto& e : List(dir)) {
    if (!e.dir) continue;
    std::string child = platform::JoinPath(dir, e.name);
    if (HasStatus(child)) out->push_back(child);
    else Below(child, depth - 1, out);
  }
}

}  // namespace

std::vector<Md5Line> ParseMd5sums(std::span<const uint8_t> data) {
  std::vector<Md5Line> out;
  std::string_view text(reinterpret_cast<const char*>(data.data()), data.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t e = text.find('\n', i);
    if (e == std::string_view::npos) e = text.size();
    std::string_view line = text.substr(i, e - i);
    i = e + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.size() < 35 || line.size() > 4096) continue;
    std::string_view md5 = line.substr(0, 32);
    if (!IsHex32(md5) || line[32] != ' ') continue;
    std::string_view path = line.substr(33);
    while (!path.empty() && (path.front() == ' ' || path.front() == '*')) path.remove_prefix(1);
    while (!path.empty() && path.front() == '/') path.remove_prefix(1);
    if (path.empty()) continue;
    Md5Line l;
    l.md5 = std::string(md5);
    std::transform(l.md5.begin(), l.md5.end(), l.md5.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    l.path = std::string(path);
    out.push_back(std::move(l));
  }
  return out;
}

const InstalledFile* PackageIndex::Find(std::string_view path) const {
  auto it = files_.find(std::string(path));
  if (it != files_.end()) return &it->second;
  for (const auto& [given, real] : aliases_) {
    if (path.size() > given.size() && path.compare(0, given.size(), given) == 0 &&
        path[given.size()] == '/') {
      it = files_.find(real + std::string(path.substr(given.size())));
      if (it != files_.end()) return &it->second;
    }
  }
  return nullptr;
}

std::vector<std::string> PackageIndex::FindRoots(const std::vector<std::string>& scan_paths,
                                                 int depth) {
  std::vector<std::string> roots;
  for (const auto& p : scan_paths) {
    auto real = platform::RealPath(p);
    if (!real.ok()) continue;
    for (std::string a = *real; !a.empty(); a = Parent(a))
      if (HasStatus(a)) {
        roots.push_back(a);
        break;
      }
    Below(*real, depth, &roots);
  }
  std::sort(roots.begin(), roots.end());
  roots.erase(std::unique(roots.begin(), roots.end()), roots.end());
  return roots;
}

std::shared_ptr<const PackageIndex> PackageIndex::Load(const std::vector<std::string>& roots,
                                                       const std::vector<std::string>& scan_paths,
                                                       Diagnostics& diag) {
  auto idx = std::make_shared<PackageIndex>();
  for (const auto& p : scan_paths) {
    auto real = platform::RealPath(p);
    std::string given = p;
    while (given.size() > 1 && given.back() == '/') given.pop_back();
    if (real.ok() && *real != given) idx->aliases_.emplace_back(given, *real);
  }
  for (const auto& root : roots) {
    std::string info = platform::JoinPath(root, "var/lib/dpkg/info");
    std::vector<Entry> list = List(info);
    if (list.empty()) continue;
    std::unordered_set<std::string> conffiles;
    for (const auto& e : list) {
      if (e.name.size() < 10 || e.name.compare(e.name.size() - 10, 10, ".conffiles") != 0) continue;
      auto text = platform::ReadTextFile(platform::JoinPath(info, e.name), kMaxListBytes);
      if (!text.ok()) continue;
      for (size_t i = 0; i < text->size();) {
        size_t n = text->find('\n', i);
        if (n == std::string::npos) n = text->size();
        std::string_view l(text->data() + i, n - i);
        i = n + 1;
        while (!l.empty() && l.front() == '/') l.remove_prefix(1);
        if (size_t sp = l.find(' '); sp != std::string_view::npos) l = l.substr(0, sp);  // "remove-on-upgrade"
        if (!l.empty()) conffiles.emplace(l);
      }
    }
    // Diversions: "from", "to", "package" lines; the file at "from" is not the
    // package's own.
    if (auto div = platform::ReadTextFile(platform::JoinPath(root, "var/lib/dpkg/diversions"),
                                          kMaxListBytes);
        div.ok()) {
      size_t line = 0;
      for (size_t i = 0; i < div->size(); ++line) {
        size_t n = div->find('\n', i);
        if (n == std::string::npos) n = div->size();
        std::string_view l(div->data() + i, n - i);
        i = n + 1;
        while (!l.empty() && l.front() == '/') l.remove_prefix(1);
        if (line % 3 == 0 && !l.empty()) {
          conffiles.emplace(l);  // treated like a conffile: never compared
          for (std::string_view top : {"usr/"}) {
            if (l.substr(0, top.size()) == top) conffiles.emplace(l.substr(top.size()));
          }
        }
      }
    }
    // Merged /usr: bin, sbin and lib* are links into usr/; dpkg still records the old paths.
    bool merged = false;
    if (auto bin = platform::Lstat(platform::JoinPath(root, "bin")); bin.ok())
      merged = bin->type == platform::FileType::kSymlink;
    const std::string prefix = root == "/" ? "/" : root + "/";
    for (const auto& e : list) {
      if (e.name.size() < 8 || e.name.compare(e.name.size() - 8, 8, ".md5sums") != 0) continue;
      std::string package = e.name.substr(0, e.name.size() - 8);
      package = package.substr(0, package.find(':'));
      std::string path = platform::JoinPath(info, e.name);
      auto text = platform::ReadTextFile(path, kMaxListBytes);
      if (!text.ok()) {
        diag.Warning(path, text.status().ToString());
        continue;
      }
      auto lines = ParseMd5sums(
          std::span<const uint8_t>(reinterpret_cast<const uint8_t*>(text->data()), text->size()));
      for (auto& l : lines) {
        if (idx->files_.size() >= kMaxEntries) break;
        if (conffiles.count(l.path) ||
            (l.path.rfind("usr/", 0) == 0 && conffiles.count(l.path.substr(4))))
          continue;
        InstalledFile f{l.md5, package};
        if (merged) {
          for (std::string_view top : {"bin/", "sbin/", "lib/", "lib32/", "lib64/", "libx32/"}) {
            if (l.path.rfind(top, 0) == 0) {
              idx->files_.emplace(prefix + "usr/" + l.path, f);
              break;
            }
          }
        }
        idx->files_.emplace(prefix + l.path, std::move(f));
      }
    }
    idx->roots_.push_back(root);
  }
  if (idx->files_.empty()) return nullptr;
  return idx;
}

}  // namespace harrier::dpkg
