#include "platform/memory_tree.h"

#ifndef _WIN32
#include <unistd.h>
#endif

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier::platform {

bool IsMemoryTreePath(std::string_view path) { return path.starts_with(kMemoryTreePrefix); }

MemoryTree::MemoryTree(std::map<std::string, std::string> files) {
  for (auto& [p, content] : files) {
    auto inner = Inner(std::string(kMemoryTreePrefix) + p);
    if (inner && *inner != "/") files_.emplace(std::move(*inner), std::move(content));
  }
}

std::optional<std::string> MemoryTree::Inner(std::string_view path) {
  if (!IsMemoryTreePath(path)) return std::nullopt;
  path.remove_prefix(kMemoryTreePrefix.size());
  std::vector<std::string_view> parts;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (auto p : parts) {
    out += '/';
    out += p;
  }
  return out.empty() ? std::string("/") : out;
}

bool MemoryTree::IsDirInner(const std::string& inner) const {
  if (inner == "/") return true;
  std::string prefix = inner + "/";
  auto it = files_.lower_bound(prefix);
  return it != files_.end() && it->first.starts_with(prefix);
}

Result<StatInfo> MemoryTree::Stat(std::string_view path) const {
  auto inner = Inner(path);
  if (!inner) return Status::NotFound(fmt::format("{}: not a built-in path", path));
  StatInfo st;
#ifndef _WIN32
  st.uid = static_cast<uint32_t>(geteuid());  // Windows: 0, as every StatInfo there
#endif
  if (auto it = files_.find(*inner); it != files_.end()) {
    st.type = FileType::kRegular;
    st.size = it->second.size();
    st.blocks_bytes = st.size;
    st.mode = 0444;
    return st;
  }
  if (IsDirInner(*inner)) {
    st.type = FileType::kDirectory;
    st.mode = 0555;
    return st;
  }
  return Status::NotFound(fmt::format("{}: no such built-in file", path));
}

Result<std::string_view> MemoryTree::Read(std::string_view path) const {
  auto inner = Inner(path);
  if (!inner) return Status::NotFound(fmt::format("{}: not a built-in path", path));
  if (auto it = files_.find(*inner); it != files_.end()) return std::string_view(it->second);
  if (IsDirInner(*inner)) return Status::InvalidArgument(fmt::format("{}: a folder", path));
  return Status::NotFound(fmt::format("{}: no such built-in file", path));
}

Result<std::string> MemoryTree::DirPrefix(std::string_view dir) const {
  auto inner = Inner(dir);
  if (!inner || !IsDirInner(*inner))
    return Status::NotFound(fmt::format("{}: no such built-in folder", dir));
  return *inner == "/" ? std::string("/") : *inner + "/";
}

Result<std::vector<std::string>> MemoryTree::ListFilesRecursive(std::string_view dir) const {
  auto prefix = DirPrefix(dir);
  if (!prefix.ok()) return prefix.status();
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(*prefix); it != files_.end() && it->first.starts_with(*prefix);
       ++it)
    out.push_back(std::string(kMemoryTreePrefix) + it->first);
  return out;  // std::map order = sorted
}

Result<std::vector<std::string>> MemoryTree::ListSubdirectories(std::string_view dir) const {
  auto prefix = DirPrefix(dir);
  if (!prefix.ok()) return prefix.status();
  std::vector<std::string> out;
  for (auto it = files_.lower_bound(*prefix); it != files_.end() && it->first.starts_with(*prefix);
       ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix->size());
    size_t slash = rest.find('/');
    if (slash == std::string_view::npos) continue;  // a file directly in dir
    std::string name(rest.substr(0, slash));
    if (out.empty() || out.back() != name) out.push_back(std::move(name));
  }
  return out;
}

Result<std::string> MemoryTree::Normalize(std::string_view path) const {
  auto inner = Inner(path);
  if (!inner) return Status::NotFound(fmt::format("{}: not a built-in path", path));
  if (!files_.contains(*inner) && !IsDirInner(*inner))
    return Status::NotFound(fmt::format("{}: no such built-in file", path));
  return std::string(kMemoryTreePrefix) + *inner;
}

namespace {
std::unique_ptr<MemoryTree>& Mounted() {
  static std::unique_ptr<MemoryTree>* t = new std::unique_ptr<MemoryTree>();
  return *t;
}
}  // namespace

void MountMemoryTree(MemoryTree tree) { Mounted() = std::make_unique<MemoryTree>(std::move(tree)); }

void UnmountMemoryTree() { Mounted().reset(); }

const MemoryTree* MountedMemoryTree() { return Mounted().get(); }

const MemoryTree* MemoryTreeFor(std::string_view path) {
  return IsMemoryTreePath(path) ? Mounted().get() : nullptr;
}

}  // namespace harrier::platform
