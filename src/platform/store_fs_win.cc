// Windows implementation of store_fs.h. The signature store is written only
// by `harrier update`, which the Windows build does not have yet (no HTTPS
// client is built in): these functions exist so that a scan can look for a
// store (and find none) and so the store code links. Symbolic links, which
// the store swaps to publish a new version, need a privilege on Windows:
// MakeSymlink asks for an unprivileged link (developer mode) and reports the
// error otherwise; ReadSymlink reports Unsupported for a link it cannot read.
// Ownership checks are not done (CheckPrivateTree checks types only): the
// store lives below %LOCALAPPDATA%, private to the user by default.
#include "platform/store_fs.h"

#include <windows.h>

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/win_util.h"

namespace harrier::platform {
namespace {

class WinFileLock final : public FileLock {
 public:
  explicit WinFileLock(UniqueHandle h) : h_(std::move(h)) {}

 private:
  UniqueHandle h_;  // the exclusive share mode is the lock; closing releases it
};

}  // namespace

bool RunningAsRoot() {
  // Member of the Administrators group with an elevated token.
  BOOL admin = FALSE;
  SID_IDENTIFIER_AUTHORITY nt = SECURITY_NT_AUTHORITY;
  PSID group = nullptr;
  if (AllocateAndInitializeSid(&nt, 2, SECURITY_BUILTIN_DOMAIN_RID, DOMAIN_ALIAS_RID_ADMINS, 0, 0,
                               0, 0, 0, 0, &group)) {
    if (!CheckTokenMembership(nullptr, group, &admin)) admin = FALSE;
    FreeSid(group);
  }
  return admin != FALSE;
}

// %LOCALAPPDATA%\harrier.
std::string UserDataDir() {
  wchar_t buf[32768];
  DWORD n = GetEnvironmentVariableW(L"LOCALAPPDATA", buf, 32768);
  std::string base = (n > 0 && n < 32768) ? Narrow(std::wstring_view(buf, n)) : ".";
  return JoinPath(base, "harrier");
}

Status MakeNewDir(const std::string& path) {
  if (!CreateDirectoryW(LongPath(path).c_str(), nullptr))
    return WinErrorStatus(GetLastError(), path, "mkdir");
  return Status::Ok();
}

Status WriteNewFile(const std::string& path, std::string_view bytes) {
  HANDLE h = CreateFileW(LongPath(path).c_str(), GENERIC_WRITE, 0, nullptr, CREATE_NEW,
                         FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (h == INVALID_HANDLE_VALUE) return WinErrorStatus(GetLastError(), path, "create");
  UniqueHandle closer(h);
  size_t done = 0;
  while (done < bytes.size()) {
    DWORD n = 0;
    DWORD want = static_cast<DWORD>(std::min<size_t>(bytes.size() - done, 1u << 30));
    if (!WriteFile(h, bytes.data() + done, want, &n, nullptr) || n == 0)
      return WinErrorStatus(GetLastError(), path, "write");
    done += n;
  }
  return Status::Ok();
}

Status MakeSymlink(const std::string& target, const std::string& path) {
  DWORD flags = SYMBOLIC_LINK_FLAG_ALLOW_UNPRIVILEGED_CREATE;
  auto st = Stat(target);
  if (st.ok() && st->type == FileType::kDirectory) flags |= SYMBOLIC_LINK_FLAG_DIRECTORY;
  if (!CreateSymbolicLinkW(LongPath(path).c_str(), Widen(target).c_str(), flags))
    return WinErrorStatus(GetLastError(), path, "symlink");
  return Status::Ok();
}

Result<std::string> ReadSymlink(const std::string& path) {
  auto st = Lstat(path);
  if (!st.ok()) return st.status();
  if (st->type != FileType::kSymlink) return Status::InvalidArgument(path + ": not a symbolic link");
  std::error_code ec;
  auto target = std::filesystem::read_symlink(std::filesystem::path(LongPath(path)), ec);
  if (ec)
    return Status::Unsupported(fmt::format("{}: readlink: {}", path, ec.message()));
  return Narrow(target.native());
}

Status RenamePath(const std::string& from, const std::string& to) {
  if (!MoveFileExW(LongPath(from).c_str(), LongPath(to).c_str(), MOVEFILE_REPLACE_EXISTING))
    return WinErrorStatus(GetLastError(), fmt::format("{} -> {}", from, to), "rename");
  return Status::Ok();
}

Status RemoveTree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(LongPath(path)), ec);  // links not followed
  if (ec) return Status::IoError(fmt::format("{}: remove: {}", path, ec.message()));
  return Status::Ok();
}

// Windows has no syncfs: flushes the file itself (a folder: nothing to
// flush through a handle; its entries are written by the file system).
Status SyncFileSystem(const std::string& path) {
  HANDLE h = CreateFileW(LongPath(path).c_str(), GENERIC_WRITE,
                         FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                         OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr);
  if (h == INVALID_HANDLE_VALUE) return WinErrorStatus(GetLastError(), path, "open");
  UniqueHandle closer(h);
  auto st = Stat(path);
  if (st.ok() && st->type == FileType::kRegular && !FlushFileBuffers(h))
    return WinErrorStatus(GetLastError(), path, "fsync");
  return Status::Ok();
}

Result<std::vector<std::string>> ListNames(const std::string& dir) {
  auto d = Directory::Open(dir, /*follow=*/true);
  if (!d.ok()) return d.status();
  std::vector<std::string> out;
  DirEntry e;
  while ((*d)->Next(&e)) out.push_back(e.name);
  if (!(*d)->status().ok()) return (*d)->status();
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::unique_ptr<FileLock>> TryLockFile(const std::string& path) {
  // No sharing: a second process opening the file fails with a sharing
  // violation while this handle is open.
  HANDLE h = CreateFileW(LongPath(path).c_str(), GENERIC_READ | GENERIC_WRITE, 0, nullptr,
                         OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, nullptr);
  if (h == INVALID_HANDLE_VALUE) {
    DWORD e = GetLastError();
    if (e == ERROR_SHARING_VIOLATION)
      return Status::ResourceExhausted(path + ": held by another process");
    return WinErrorStatus(e, path, "open");
  }
  return std::unique_ptr<FileLock>(new WinFileLock(UniqueHandle(h)));
}

Status CheckPrivateTree(const std::string& dir, uint64_t max_entries) {
  uint64_t seen = 0;
  std::vector<std::string> stack{dir};
  while (!stack.empty()) {
    std::string p = std::move(stack.back());
    stack.pop_back();
    auto st = Lstat(p);
    if (!st.ok()) return st.status();
    if (++seen > max_entries)
      return Status::ResourceExhausted(fmt::format("{}: more than {} entries", dir, max_entries));
    if (st->type == FileType::kSymlink)
      return Status::PermissionDenied(p + ": a symbolic link or junction");
    if (st->type != FileType::kDirectory && st->type != FileType::kRegular)
      return Status::PermissionDenied(p + ": not a regular file or folder");
    if (st->type == FileType::kDirectory) {
      auto names = ListNames(p);
      if (!names.ok()) return names.status();
      for (auto& n : *names) stack.push_back(JoinPath(p, n));
    }
  }
  return Status::Ok();
}

}  // namespace harrier::platform
