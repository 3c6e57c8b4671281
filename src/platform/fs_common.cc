// The file-system functions of fs.h that are written in terms of the
// platform's own ReadableFile, Directory and the memory tree, and so are the
// same on every platform (fs_posix.cc and fs_win.cc implement those).
#include <algorithm>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/memory_tree.h"

namespace harrier::platform {

Result<std::string> ReadTextFile(const std::string& path, uint64_t max_bytes) {
  if (const MemoryTree* t = MemoryTreeFor(path)) {
    auto content = t->Read(path);
    if (!content.ok()) return content.status();
    if (content->size() > max_bytes)
      return Status::ResourceExhausted(fmt::format("{}: larger than {} bytes", path, max_bytes));
    return std::string(*content);
  }
  auto f = ReadableFile::Open(path, /*follow=*/true);
  if (!f.ok()) return f.status();
  if ((*f)->stat().size > max_bytes)
    return Status::ResourceExhausted(fmt::format("{}: larger than {} bytes", path, max_bytes));
  std::string out;
  out.resize((*f)->stat().size);
  size_t got = 0;
  while (got < out.size()) {
    auto n = (*f)->Read({reinterpret_cast<uint8_t*>(out.data()) + got, out.size() - got});
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  out.resize(got);
  return out;
}

Result<std::vector<std::string>> ListFilesRecursive(const std::string& dir) {
  if (const MemoryTree* t = MemoryTreeFor(dir)) return t->ListFilesRecursive(dir);
  std::vector<std::string> out;
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string d = std::move(stack.back());
    stack.pop_back();
    auto opened = Directory::Open(d, /*follow=*/d == dir);
    if (!opened.ok()) {
      if (d == dir) return opened.status();
      continue;
    }
    DirEntry e;
    while ((*opened)->Next(&e)) {
      if (!e.stat.ok()) continue;
      std::string p = JoinPath(d, e.name);
      if (e.stat->type == FileType::kDirectory) stack.push_back(p);
      else if (e.stat->type == FileType::kRegular) out.push_back(p);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<std::string>> ListSubdirectories(const std::string& dir) {
  if (const MemoryTree* t = MemoryTreeFor(dir)) return t->ListSubdirectories(dir);
  auto opened = Directory::Open(dir, /*follow=*/true);
  if (!opened.ok()) return opened.status();
  std::vector<std::string> out;
  DirEntry e;
  while ((*opened)->Next(&e))
    if (e.stat.ok() && e.stat->type == FileType::kDirectory) out.push_back(e.name);
  if (!(*opened)->status().ok()) return (*opened)->status();
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace harrier::platform
