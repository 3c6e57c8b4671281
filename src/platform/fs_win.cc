// Windows (Win32, mingw-w64) implementation of fs.h.
//
// Paths are UTF-8 in Harrier and UTF-16 at the API; every path goes through
// LongPath (win_util.h), so paths longer than MAX_PATH work. Paths the walker
// makes are native ("C:\Users\x\file.exe"): JoinPath uses the separator the
// folder's path already uses, '\' by default.
//
// Links: every reparse point whose tag is a name surrogate (symbolic links,
// NTFS junctions and volume mount points) is a FileType::kSymlink and is
// opened with FILE_FLAG_OPEN_REPARSE_POINT unless it is followed on request,
// so the walker never enters a junction. Other reparse points (cloud files,
// deduplicated files) are what their attributes say (file or folder).
//
// Identity: FileId is (volume serial number, file index), read from the open
// handle; a directory listing gets each entry's file index in the same call
// (GetFileInformationByHandleEx, FileIdBothDirectoryInfo), so OpenFile and
// OpenSubdirectory can check that the object opened is the one listed.
//
// Locked files: a file another process opened without sharing reads fails
// with ERROR_SHARING_VIOLATION; that is PermissionDenied with "locked by
// another process" in the message (WinErrorStatus), so the scan counts it as
// skipped `permission` with that reason in its warning.
//
// Not the same as POSIX: StatInfo.mode is 0444 (read-only attribute) or
// 0644 (0755 for folders), uid is 0 and OwnerName(0) returns "" (owners are
// not read yet; other numbers are the accounts of processes, see
// ProcessAccountName), ctime is the creation time, blocks_bytes equals size (holes are
// not looked for). The private-file checks (ReadPrivateFile, CheckPrivateDir)
// check type and that no reparse point is involved, not the ACL: the
// per-user folders they guard are below %LOCALAPPDATA%, private by default.
#include <windows.h>
#include <io.h>
#include <shellapi.h>  // CommandLineToArgvW

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/memory_tree.h"
#include "platform/win_util.h"

namespace harrier::platform {

namespace {

constexpr DWORD kShareAll = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;

bool IsLinkLike(DWORD attrs, DWORD tag) {
  return (attrs & FILE_ATTRIBUTE_REPARSE_POINT) && IsReparseTagNameSurrogate(tag);
}

uint32_t ModeOf(DWORD attrs) {
  if (attrs & FILE_ATTRIBUTE_DIRECTORY) return 0755;
  return (attrs & FILE_ATTRIBUTE_READONLY) ? 0444 : 0644;
}

// The StatInfo of an open handle (opened with FILE_FLAG_OPEN_REPARSE_POINT
// when a link should be seen as a link).
Result<StatInfo> StatHandle(HANDLE h, const std::string& path) {
  BY_HANDLE_FILE_INFORMATION bhfi;
  if (!GetFileInformationByHandle(h, &bhfi)) {
    // Devices (CON, NUL, pipes) have no file information.
    StatInfo s;
    DWORD ft = GetFileType(h);
    s.type = ft == FILE_TYPE_CHAR ? FileType::kChar
             : ft == FILE_TYPE_PIPE ? FileType::kFifo
                                    : FileType::kOther;
    if (ft == FILE_TYPE_UNKNOWN && GetLastError() != NO_ERROR)
      return WinErrorStatus(GetLastError(), path, "stat");
    return s;
  }
  StatInfo s;
  DWORD tag = 0;
  if (bhfi.dwFileAttributes & FILE_ATTRIBUTE_REPARSE_POINT) {
    FILE_ATTRIBUTE_TAG_INFO ti{};
    if (GetFileInformationByHandleEx(h, FileAttributeTagInfo, &ti, sizeof ti))
      tag = ti.ReparseTag;
  }
  if (IsLinkLike(bhfi.dwFileAttributes, tag)) s.type = FileType::kSymlink;
  else if (bhfi.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) s.type = FileType::kDirectory;
  else if (GetFileType(h) == FILE_TYPE_DISK) s.type = FileType::kRegular;
  else s.type = FileType::kOther;
  s.size = (static_cast<uint64_t>(bhfi.nFileSizeHigh) << 32) | bhfi.nFileSizeLow;
  s.mtime = FileTimeToUnix(bhfi.ftLastWriteTime);
  s.ctime = FileTimeToUnix(bhfi.ftCreationTime);
  s.mode = ModeOf(bhfi.dwFileAttributes);
  s.dev = bhfi.dwVolumeSerialNumber;
  s.inode = (static_cast<uint64_t>(bhfi.nFileIndexHigh) << 32) | bhfi.nFileIndexLow;
  s.blocks_bytes = s.size;
  return s;
}

// Opens `path` for `access` (0: attributes only), following a final link
// only when `follow`.
Result<UniqueHandle> OpenHandle(const std::string& path, DWORD access, bool follow, DWORD extra,
                                const char* op) {
  DWORD flags = FILE_FLAG_BACKUP_SEMANTICS | extra;
  if (!follow) flags |= FILE_FLAG_OPEN_REPARSE_POINT;
  HANDLE h = CreateFileW(LongPath(path).c_str(), access, kShareAll, nullptr, OPEN_EXISTING, flags,
                         nullptr);
  if (h == INVALID_HANDLE_VALUE) return WinErrorStatus(GetLastError(), path, op);
  return UniqueHandle(h);
}

Result<StatInfo> StatPath(const std::string& path, bool follow) {
  auto h = OpenHandle(path, FILE_READ_ATTRIBUTES, follow, 0, follow ? "stat" : "lstat");
  if (!h.ok()) return h.status();
  return StatHandle(h->get(), path);
}

bool SameObject(const StatInfo& st, const FileId& id) {
  return st.dev == id.dev && st.inode == id.inode;
}

class WinFile final : public ReadableFile {
 public:
  WinFile(UniqueHandle h, StatInfo st, std::string path)
      : h_(std::move(h)), st_(st), path_(std::move(path)) {}
  const StatInfo& stat() const override { return st_; }
  Result<size_t> Read(std::span<uint8_t> buf) override {
    DWORD want = static_cast<DWORD>(std::min<size_t>(buf.size(), 1u << 30));
    DWORD got = 0;
    if (!ReadFile(h_.get(), buf.data(), want, &got, nullptr))
      return WinErrorStatus(GetLastError(), path_, "read");
    return static_cast<size_t>(got);
  }
  Status Seek(uint64_t offset) override {
    LARGE_INTEGER li;
    li.QuadPart = static_cast<LONGLONG>(offset);
    if (!SetFilePointerEx(h_.get(), li, nullptr, FILE_BEGIN))
      return WinErrorStatus(GetLastError(), path_, "seek");
    return Status::Ok();
  }

 private:
  UniqueHandle h_;
  StatInfo st_;
  std::string path_;
};

// Opens `path` for reading, exactly the regular file it names: a link is
// refused unless `follow`, a folder or device is refused (Changed), and
// `expect` (when given) must be the object opened.
Result<std::unique_ptr<ReadableFile>> OpenRegular(const std::string& path, bool follow,
                                                  const FileId* expect) {
  auto h = OpenHandle(path, GENERIC_READ, follow, FILE_FLAG_SEQUENTIAL_SCAN, "open");
  if (!h.ok()) return h.status();
  auto st = StatHandle(h->get(), path);
  if (!st.ok()) return st.status();
  if (st->type != FileType::kRegular)
    return Status::Changed(fmt::format("open: {}: not a regular file (anymore)", path));
  if (expect != nullptr && !SameObject(*st, *expect))
    return Status::Changed(fmt::format("open: {}: replaced since it was listed", path));
  return std::unique_ptr<ReadableFile>(new WinFile(std::move(*h), *st, path));
}

// The class of the volume holding `path`: network for a mapped or UNC
// share (GetDriveTypeW DRIVE_REMOTE), else normal; type_name is the file
// system's name ("NTFS", "FAT32").
FsInfo ClassifyPath(const std::string& path) {
  std::wstring lp = LongPath(path);
  std::wstring root(lp.size() + 2, L'\0');
  if (!GetVolumePathNameW(lp.c_str(), root.data(), static_cast<DWORD>(root.size())))
    return {FsClass::kNormal, ""};
  root.resize(wcslen(root.c_str()));
  // Once per volume root: the answer does not change during a scan.
  static std::mutex mu;
  static std::unordered_map<std::wstring, FsInfo> cache;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(root); it != cache.end()) return it->second;
  }
  FsInfo fs;
  if (GetDriveTypeW(root.c_str()) == DRIVE_REMOTE) {
    fs.cls = FsClass::kNetwork;
    fs.type_name = "remote";
  }
  wchar_t name[MAX_PATH + 1] = {0};
  if (GetVolumeInformationW(root.c_str(), nullptr, 0, nullptr, nullptr, nullptr, name,
                            MAX_PATH + 1) &&
      name[0] != 0) {
    std::string n = Narrow(name);
    fs.type_name = fs.cls == FsClass::kNetwork ? fmt::format("remote {}", n) : n;
  }
  std::lock_guard lock(mu);
  cache.emplace(root, fs);
  return fs;
}

std::string JoinNative(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  const char last = dir.back();
  if (last == '\\' || last == '/') return dir + name;
  const bool slashes = dir.find('/') != std::string::npos && dir.find('\\') == std::string::npos;
  return dir + (slashes ? "/" : "\\") + name;
}

// A folder: a handle on it (kept open while the Directory lives, so the
// folder cannot be removed meanwhile) and a listing read from that handle
// with each entry's file index.
class WinDirectory final : public Directory {
 public:
  WinDirectory(UniqueHandle h, StatInfo self, FsInfo fs, std::string path)
      : h_(std::move(h)), self_(self), fs_(std::move(fs)), path_(std::move(path)) {}

  bool Next(DirEntry* out) override {
    for (;;) {
      if (done_) return false;
      if (pos_ == nullptr) {
        if (!Fill()) return false;
      }
      const auto* info = reinterpret_cast<const FILE_ID_BOTH_DIR_INFO*>(pos_);
      pos_ = info->NextEntryOffset ? pos_ + info->NextEntryOffset : nullptr;
      std::wstring_view wname(info->FileName, info->FileNameLength / sizeof(wchar_t));
      if (wname == L"." || wname == L"..") continue;
      out->name = Narrow(wname);
      StatInfo s;
      const DWORD attrs = info->FileAttributes;
      const DWORD tag = (attrs & FILE_ATTRIBUTE_REPARSE_POINT) ? info->EaSize : 0;
      if (IsLinkLike(attrs, tag)) s.type = FileType::kSymlink;
      else if (attrs & FILE_ATTRIBUTE_DIRECTORY) s.type = FileType::kDirectory;
      else if (attrs & FILE_ATTRIBUTE_DEVICE) s.type = FileType::kChar;
      else s.type = FileType::kRegular;
      s.size = static_cast<uint64_t>(info->EndOfFile.QuadPart);
      FILETIME mt{static_cast<DWORD>(info->LastWriteTime.LowPart),
                  static_cast<DWORD>(info->LastWriteTime.HighPart)};
      FILETIME ct{static_cast<DWORD>(info->CreationTime.LowPart),
                  static_cast<DWORD>(info->CreationTime.HighPart)};
      s.mtime = FileTimeToUnix(mt);
      s.ctime = FileTimeToUnix(ct);
      s.mode = ModeOf(attrs);
      s.dev = self_.dev;
      s.inode = static_cast<uint64_t>(info->FileId.QuadPart);
      s.blocks_bytes = s.size;
      out->stat = s;
      return true;
    }
  }
  const Status& status() const override { return status_; }
  FsInfo fs_info() const override { return fs_; }
  const StatInfo& self() const override { return self_; }
  const std::string& path() const override { return path_; }
  Result<StatInfo> StatEntry(const std::string& name) const override {
    return StatPath(JoinNative(path_, name), /*follow=*/true);
  }
  Result<std::unique_ptr<Directory>> OpenSubdirectory(const std::string& name, bool follow,
                                                      const FileId& expect) const override;
  Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& name, bool follow,
                                                 const FileId& expect) const override {
    return OpenRegular(JoinNative(path_, name), follow, &expect);
  }

 private:
  // Reads the next batch of entries into buf_; false at the end or on an
  // error (kept in status_).
  bool Fill() {
    if (buf_.empty()) buf_.resize(64 * 1024);
    const FILE_INFO_BY_HANDLE_CLASS cls =
        first_ ? FileIdBothDirectoryRestartInfo : FileIdBothDirectoryInfo;
    first_ = false;
    if (!GetFileInformationByHandleEx(h_.get(), cls, buf_.data(), static_cast<DWORD>(buf_.size()))) {
      DWORD e = GetLastError();
      if (e != ERROR_NO_MORE_FILES) status_ = WinErrorStatus(e, path_, "readdir");
      done_ = true;
      buf_.clear();
      buf_.shrink_to_fit();
      return false;
    }
    pos_ = buf_.data();
    return true;
  }

  UniqueHandle h_;
  StatInfo self_;
  FsInfo fs_;
  std::string path_;
  Status status_;
  std::vector<unsigned char> buf_;
  const unsigned char* pos_ = nullptr;
  bool first_ = true;
  bool done_ = false;
};

// Opens `path` as a folder (a link is refused with Changed unless
// `follow`); `parent_fs` (when given) is reused for a folder on the
// parent's volume.
Result<std::unique_ptr<Directory>> OpenDirectoryPath(const std::string& path, bool follow,
                                                     const FileId* expect,
                                                     const StatInfo* parent,
                                                     const FsInfo* parent_fs) {
  auto h = OpenHandle(path, FILE_LIST_DIRECTORY | FILE_READ_ATTRIBUTES | SYNCHRONIZE, follow, 0,
                      "opendir");
  if (!h.ok()) return h.status();
  auto st = StatHandle(h->get(), path);
  if (!st.ok()) return st.status();
  if (st->type != FileType::kDirectory)
    return Status::Changed(fmt::format("opendir: {}: not a directory (anymore)", path));
  if (expect != nullptr && !SameObject(*st, *expect))
    return Status::Changed(fmt::format("opendir: {}: replaced since it was listed", path));
  FsInfo fs = (parent != nullptr && parent_fs != nullptr && parent->dev == st->dev)
                  ? *parent_fs
                  : ClassifyPath(path);
  return std::unique_ptr<Directory>(new WinDirectory(std::move(*h), *st, fs, path));
}

Result<std::unique_ptr<Directory>> WinDirectory::OpenSubdirectory(const std::string& name,
                                                                  bool follow,
                                                                  const FileId& expect) const {
  return OpenDirectoryPath(JoinNative(path_, name), follow, &expect, &self_, &fs_);
}

}  // namespace

Status ErrnoStatus(int err, const std::string& path, const char* op) {
  std::string msg = fmt::format("{}: {}: {}", op, path, std::strerror(err));
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Status::NotFound(std::move(msg));
    case EACCES:
    case EPERM: return Status::PermissionDenied(std::move(msg));
    case ENOMEM:
    case EMFILE:
    case ENFILE: return Status::ResourceExhausted(std::move(msg));
    default: return Status::IoError(std::move(msg));
  }
}

Result<StatInfo> Lstat(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Stat(path);
  return StatPath(path, /*follow=*/false);
}

Result<StatInfo> Stat(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Stat(path);
  return StatPath(path, /*follow=*/true);
}

Result<std::unique_ptr<Directory>> Directory::Open(const std::string& path, bool follow) {
  auto d = OpenDirectoryPath(path, follow, nullptr, nullptr, nullptr);
  if (!d.ok() && d.status().code() == Status::Code::kChanged && !follow) {
    auto st = StatPath(path, /*follow=*/false);
    if (st.ok() && st->type == FileType::kSymlink)
      return Status::InvalidArgument(fmt::format("opendir: {}: a symlink", path));
  }
  return d;
}

Result<std::unique_ptr<ReadableFile>> ReadableFile::Open(const std::string& path, bool follow) {
  return OpenRegular(path, follow, nullptr);
}

namespace {

// Temporary report files not yet published, for the forced-exit path of the
// console control handler. A fixed table: registering and clearing a slot
// are lock-free.
constexpr int kTempSlots = 32;
constexpr size_t kTempPathChars = 4096;
struct TempSlot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 registered
  wchar_t path[kTempPathChars];
};
TempSlot g_temp_slots[kTempSlots];

int RegisterTemp(const std::wstring& path) {
  if (path.size() >= kTempPathChars) return -1;
  for (int i = 0; i < kTempSlots; ++i) {
    int expected = 0;
    if (g_temp_slots[i].state.compare_exchange_strong(expected, 1)) {
      std::memcpy(g_temp_slots[i].path, path.c_str(), (path.size() + 1) * sizeof(wchar_t));
      g_temp_slots[i].state.store(2);
      return i;
    }
  }
  return -1;
}

void UnregisterTemp(int slot) {
  if (slot >= 0) g_temp_slots[slot].state.store(0);
}

void RemoveRegisteredTemps() {
  for (auto& slot : g_temp_slots)
    if (slot.state.load() == 2) DeleteFileW(slot.path);
}

// Writes through its own buffer straight to the handle, so every error is
// seen where it happens and sticks (as PosixOutput in fs_posix.cc).
class WinOutput final : public OutputFile {
 public:
  WinOutput(UniqueHandle h, std::string path, std::wstring tmp, bool regular)
      : h_(std::move(h)), path_(std::move(path)), tmp_(std::move(tmp)), regular_(regular),
        slot_(tmp_.empty() ? -1 : RegisterTemp(tmp_)) {
    BY_HANDLE_FILE_INFORMATION bhfi;
    if (GetFileInformationByHandle(h_.get(), &bhfi))
      id_ = FileId{bhfi.dwVolumeSerialNumber,
                   (static_cast<uint64_t>(bhfi.nFileIndexHigh) << 32) | bhfi.nFileIndexLow};
  }
  ~WinOutput() override {
    h_.reset();
    Discard();
  }
  FileId id() const override { return id_; }
  // Renames the temporary file onto the path (the handle stays open: it was
  // opened with FILE_SHARE_DELETE, which allows the rename).
  Status Publish() {
    if (tmp_.empty()) return Status::Ok();
    if (!MoveFileExW(tmp_.c_str(), LongPath(path_).c_str(), MOVEFILE_REPLACE_EXISTING))
      return Fail(GetLastError(), "rename");
    tmp_.clear();
    UnregisterTemp(slot_);
    slot_ = -1;
    return Status::Ok();
  }
  Status Write(std::string_view bytes) override {
    if (!error_.ok()) return error_;
    if (!h_.valid()) return Status::IoError(fmt::format("write: {}: closed", path_));
    buf_.append(bytes);
    if (buf_.size() >= kBufferBytes) return Drain();
    return Status::Ok();
  }
  Status Flush() override {
    if (!error_.ok()) return error_;
    if (!h_.valid()) return Status::IoError(fmt::format("flush: {}: closed", path_));
    return Drain();
  }
  Status Close() override {
    if (!h_.valid()) return error_;
    if (error_.ok()) Drain();
    if (error_.ok() && regular_ && !FlushFileBuffers(h_.get())) Fail(GetLastError(), "fsync");
    HANDLE h = h_.release();
    if (!CloseHandle(h) && error_.ok()) Fail(GetLastError(), "close");
    if (error_.ok()) Publish();
    Discard();
    return error_;
  }

 private:
  static constexpr size_t kBufferBytes = 64 * 1024;
  Status Fail(DWORD err, const char* op) {
    if (error_.ok()) error_ = WinErrorStatus(err ? err : ERROR_WRITE_FAULT, path_, op);
    return error_;
  }
  // A failed write of a regular file is cut back to the end of the last
  // complete Drain (never half a JSONL line).
  Status Drain() {
    size_t done = 0;
    while (done < buf_.size()) {
      DWORD n = 0;
      DWORD want = static_cast<DWORD>(std::min<size_t>(buf_.size() - done, 1u << 30));
      if (!WriteFile(h_.get(), buf_.data() + done, want, &n, nullptr) || n == 0) {
        DWORD err = GetLastError();
        buf_.clear();
        if (regular_) {
          LARGE_INTEGER li;
          li.QuadPart = static_cast<LONGLONG>(committed_);
          if (SetFilePointerEx(h_.get(), li, nullptr, FILE_BEGIN)) SetEndOfFile(h_.get());
        }
        return Fail(err, "write");
      }
      done += n;
    }
    committed_ += buf_.size();
    buf_.clear();
    return Status::Ok();
  }
  void Discard() {
    if (!tmp_.empty()) DeleteFileW(tmp_.c_str());
    tmp_.clear();
    UnregisterTemp(slot_);
    slot_ = -1;
  }
  UniqueHandle h_;
  std::string path_;
  std::wstring tmp_;
  bool regular_;
  int slot_;
  FileId id_;
  uint64_t committed_ = 0;
  std::string buf_;
  Status error_ = Status::Ok();
};

std::pair<std::string, std::string> SplitDirBase(const std::string& path) {
  auto s = path.find_last_of("\\/");
  if (s == std::string::npos) return {".", path};
  if (s == 0) return {path.substr(0, 1), path.substr(1)};
  if (s == 2 && path[1] == ':') return {path.substr(0, 3), path.substr(3)};  // "C:\x"
  return {path.substr(0, s), path.substr(s + 1)};
}

// Windows device names that are written in place, never replaced.
bool IsDeviceName(const std::string& path) {
  if (path.rfind("\\\\.\\", 0) == 0) return true;
  std::string base = SplitDirBase(path).second;
  std::transform(base.begin(), base.end(), base.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  auto dot = base.find('.');
  if (dot != std::string::npos) base.resize(dot);
  return base == "NUL" || base == "CON" || base == "CONOUT$" || base == "PRN" || base == "AUX";
}

uint64_t RandomBits() {
  static std::atomic<uint64_t> counter{0};
  LARGE_INTEGER pc;
  QueryPerformanceCounter(&pc);
  return static_cast<uint64_t>(pc.QuadPart) * 6364136223846793005ULL +
         (static_cast<uint64_t>(GetCurrentProcessId()) << 32) + counter.fetch_add(1);
}

}  // namespace

Result<std::unique_ptr<OutputFile>> CreateOutputFile(const std::string& path, Publish when) {
  if (path.empty()) return Status::InvalidArgument("output: empty file name");
  if (MemoryTreeFor(path))
    return Status::PermissionDenied(fmt::format("{}: built-in and read-only", path));
  if (IsDeviceName(path)) {
    HANDLE h = CreateFileW(Widen(path).c_str(), GENERIC_WRITE, kShareAll, nullptr, OPEN_EXISTING,
                           0, nullptr);
    if (h == INVALID_HANDLE_VALUE) return WinErrorStatus(GetLastError(), path, "open");
    return std::unique_ptr<OutputFile>(new WinOutput(UniqueHandle(h), path, L"", false));
  }
  auto st = StatPath(path, /*follow=*/true);
  if (st.ok() && st->type != FileType::kRegular)
    return Status::InvalidArgument(
        fmt::format("{}: not a regular file or device: not written", path));
  auto [dir, base] = SplitDirBase(path);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string tmp = JoinNative(dir, fmt::format(".{}.tmp-{:06x}", base, RandomBits() & 0xffffff));
    std::wstring wtmp = LongPath(tmp);
    HANDLE h = CreateFileW(wtmp.c_str(), GENERIC_WRITE | DELETE, kShareAll, nullptr, CREATE_NEW,
                           FILE_ATTRIBUTE_NORMAL, nullptr);
    if (h == INVALID_HANDLE_VALUE) {
      DWORD e = GetLastError();
      if (e == ERROR_FILE_EXISTS || e == ERROR_ALREADY_EXISTS) continue;
      return WinErrorStatus(e, path, "create");
    }
    auto out = std::make_unique<WinOutput>(UniqueHandle(h), path, wtmp, true);
    if (when == Publish::kOnCreate) {
      if (Status s = out->Publish(); !s.ok()) return s;
    }
    return std::unique_ptr<OutputFile>(std::move(out));
  }
  return Status::IoError(fmt::format("create: {}: no free temporary name", path));
}

namespace {
class StringPrivateFile final : public PrivateFile {
 public:
  StringPrivateFile(std::string content, std::string path)
      : content_(std::move(content)), path_(std::move(path)) {}
  Result<std::string> ReadAll(uint64_t max_bytes) override {
    if (content_.size() > max_bytes)
      return Status::Corrupt(fmt::format("{}: {} bytes, more than the limit of {}", path_,
                                         content_.size(), max_bytes));
    return content_;
  }

 private:
  std::string content_;
  std::string path_;
};

class WinPrivateFile final : public PrivateFile {
 public:
  WinPrivateFile(std::unique_ptr<ReadableFile> f, std::string path)
      : f_(std::move(f)), path_(std::move(path)) {}
  Result<std::string> ReadAll(uint64_t max_bytes) override {
    if (f_->stat().size > max_bytes)
      return Status::Corrupt(fmt::format("{}: {} bytes, more than the limit of {}", path_,
                                         f_->stat().size, max_bytes));
    if (Status s = f_->Seek(0); !s.ok()) return s;
    std::string out(static_cast<size_t>(f_->stat().size), '\0');
    size_t done = 0;
    while (done < out.size()) {
      auto n = f_->Read({reinterpret_cast<uint8_t*>(out.data()) + done, out.size() - done});
      if (!n.ok()) return n.status();
      if (*n == 0) return Status::Changed(path_ + ": shrank while read");
      done += *n;
    }
    return out;
  }

 private:
  std::unique_ptr<ReadableFile> f_;
  std::string path_;
};
}  // namespace

Result<std::unique_ptr<PrivateFile>> OpenPrivateFile(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) {
    auto content = t->Read(path);
    if (!content.ok()) return content.status();
    return std::unique_ptr<PrivateFile>(new StringPrivateFile(std::string(*content), path));
  }
  auto [dir, base] = SplitDirBase(path);
  if (Status d = CheckPrivateDir(dir); !d.ok()) return d;
  auto f = OpenRegular(path, /*follow=*/false, nullptr);
  if (!f.ok()) {
    if (f.status().code() == Status::Code::kChanged)
      return Status::PermissionDenied(path + ": not a regular file");
    return f.status();
  }
  return std::unique_ptr<PrivateFile>(new WinPrivateFile(std::move(*f), path));
}

Result<std::string> ReadPrivateFile(const std::string& path, uint64_t max_bytes) {
  auto f = OpenPrivateFile(path);
  if (!f.ok()) return f.status();
  return (*f)->ReadAll(max_bytes);
}

Status CheckPrivateDir(const std::string& dir) {
  if (const MemoryTree* t = MemoryTreeFor(dir)) {
    auto st = t->Stat(dir);
    if (!st.ok()) return st.status();
    return st->type == FileType::kDirectory ? Status::Ok()
                                            : Status::PermissionDenied(dir + ": not a directory");
  }
  auto st = StatPath(dir, /*follow=*/false);
  if (!st.ok()) return st.status();
  if (st->type != FileType::kDirectory)
    return Status::PermissionDenied(dir + ": not a directory (or a link or junction)");
  return Status::Ok();
}

Status MakePrivateDir(const std::string& dir) {
  if (MemoryTreeFor(dir))
    return Status::PermissionDenied(fmt::format("{}: built-in and read-only", dir));
  // Parents are ordinary folders (%LOCALAPPDATA%); each missing one is made.
  std::vector<std::string> missing;
  std::string p = dir;
  while (!p.empty()) {
    auto st = StatPath(p, /*follow=*/true);
    if (st.ok()) break;
    missing.push_back(p);
    auto [parent, base] = SplitDirBase(p);
    if (parent == p || parent == "." || base.empty()) break;
    p = parent;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (!CreateDirectoryW(LongPath(*it).c_str(), nullptr) &&
        GetLastError() != ERROR_ALREADY_EXISTS)
      return WinErrorStatus(GetLastError(), *it, "mkdir");
  }
  return CheckPrivateDir(dir);
}

namespace {

bool IsSep(char c) { return c == '\\' || c == '/'; }

char FoldAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

class WinFileSystem final : public FileSystem {
 public:
  Result<StatInfo> Lstat(const std::string& path) const override { return platform::Lstat(path); }
  Result<StatInfo> Stat(const std::string& path) const override { return platform::Stat(path); }
  Result<std::unique_ptr<Directory>> OpenDirectory(const std::string& path,
                                                   bool follow) const override {
    return Directory::Open(path, follow);
  }
  Result<std::unique_ptr<ReadableFile>> OpenFile(const std::string& path,
                                                 bool follow) const override {
    return OpenRegular(path, follow, nullptr);
  }
  Result<std::unique_ptr<OutputFile>> CreateOutput(const std::string& path) const override {
    return CreateOutputFile(path, Publish::kOnClose);
  }
  std::string OwnerName(uint32_t uid) const override { return platform::OwnerName(uid); }
  // %LOCALAPPDATA%\harrier\cache.
  std::string UserCacheDir() const override {
    wchar_t buf[32768];
    DWORD n = GetEnvironmentVariableW(L"LOCALAPPDATA", buf, 32768);
    std::string base = (n > 0 && n < 32768) ? Narrow(std::wstring_view(buf, n)) : ".";
    return JoinNative(JoinNative(base, "harrier"), "cache");
  }
  std::string JoinPath(const std::string& dir, const std::string& name) const override {
    return platform::JoinPath(dir, name);
  }
  std::string_view BaseName(std::string_view path) const override {
    while (path.size() > 1 && IsSep(path.back()) && !(path.size() == 3 && path[1] == ':'))
      path.remove_suffix(1);
    auto s = path.find_last_of("\\/");
    if (s == std::string_view::npos || path.size() == 1) return path;
    if (s + 1 == path.size()) return path;  // "C:\"
    return path.substr(s + 1);
  }
  // Case-insensitive (ASCII), either separator.
  bool IsWithin(std::string_view path, std::string_view dir) const override {
    while (dir.size() > 1 && IsSep(dir.back())) dir.remove_suffix(1);
    if (path.size() < dir.size()) return false;
    for (size_t i = 0; i < dir.size(); ++i) {
      char a = path[i], b = dir[i];
      if (IsSep(a) && IsSep(b)) continue;
      if (FoldAscii(a) != FoldAscii(b)) return false;
    }
    return path.size() == dir.size() || IsSep(path[dir.size()]) || IsSep(dir.back());
  }
};

}  // namespace

const FileSystem& LocalFileSystem() {
  static const WinFileSystem* fs = new WinFileSystem();
  return *fs;
}

// Files: uid 0, owner not read (""). Processes: the account the process
// table named (ProcessAccountName).
std::string OwnerName(uint32_t uid) { return ProcessAccountName(uid); }

namespace {
// Once per process: UTF-8 console output and ANSI colour sequences
// (ENABLE_VIRTUAL_TERMINAL_PROCESSING, Windows 10 and later; on older
// consoles the call fails and the console stays as it was).
void PrepareConsole() {
  static std::once_flag once;
  std::call_once(once, [] {
    SetConsoleOutputCP(CP_UTF8);
    for (DWORD which : {STD_OUTPUT_HANDLE, STD_ERROR_HANDLE}) {
      HANDLE h = GetStdHandle(which);
      DWORD mode = 0;
      if (h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode))
        SetConsoleMode(h, mode | ENABLE_VIRTUAL_TERMINAL_PROCESSING | ENABLE_PROCESSED_OUTPUT);
    }
  });
}

HANDLE StdHandleOf(int fd) {
  return GetStdHandle(fd == 1 ? STD_OUTPUT_HANDLE : fd == 2 ? STD_ERROR_HANDLE : STD_INPUT_HANDLE);
}
}  // namespace

bool IsTerminal(int fd) {
  HANDLE h = StdHandleOf(fd);
  DWORD mode = 0;
  if (h == INVALID_HANDLE_VALUE || h == nullptr || !GetConsoleMode(h, &mode)) return false;
  PrepareConsole();
  return true;
}

int TerminalWidth(int fd) {
  CONSOLE_SCREEN_BUFFER_INFO info;
  if (GetConsoleScreenBufferInfo(StdHandleOf(fd), &info)) {
    int w = info.srWindow.Right - info.srWindow.Left + 1;
    if (w > 0) return w;
  }
  return 80;
}

std::vector<std::string> CommandLineUtf8(int argc, char** argv) {
  int n = 0;
  wchar_t** wargv = CommandLineToArgvW(GetCommandLineW(), &n);
  if (wargv == nullptr) return std::vector<std::string>(argv, argv + argc);
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(Narrow(wargv[i]));
  LocalFree(wargv);
  return out;
}

std::vector<std::string> DefaultScanRoots() {
  std::vector<std::string> out;
  const DWORD drives = GetLogicalDrives();
  for (int i = 0; i < 26; ++i) {
    if (!(drives & (1u << i))) continue;
    std::string root = fmt::format("{}:\\", static_cast<char>('A' + i));
    if (GetDriveTypeW(Widen(root).c_str()) == DRIVE_FIXED) out.push_back(root);
  }
  return out;
}

std::string ExecutableDir() {
  std::wstring buf(32768, L'\0');
  DWORD n = GetModuleFileNameW(nullptr, buf.data(), static_cast<DWORD>(buf.size()));
  if (n == 0 || n >= buf.size()) return "";
  buf.resize(n);
  std::string p = WithoutLongPrefix(Narrow(buf));
  auto s = p.find_last_of("\\/");
  return s == std::string::npos ? "" : p.substr(0, s);
}

Result<std::string> RealPath(const std::string& path) {
  if (const MemoryTree* t = MemoryTreeFor(path)) return t->Normalize(path);
  auto st = StatPath(path, /*follow=*/true);
  if (!st.ok()) return st.status();
  return WithoutLongPrefix(Narrow(LongPath(path)));
}

std::string HostName() {
  wchar_t buf[256];
  DWORD n = 256;
  if (!GetComputerNameExW(ComputerNameDnsHostname, buf, &n) || n == 0) return "unknown";
  return Narrow(std::wstring_view(buf, n));
}

// The separator the folder's path already uses ('\' when it has none).
std::string JoinPath(const std::string& dir, const std::string& name) {
  return JoinNative(dir, name);
}

Status LowerPriority() {
  // Background mode lowers the CPU, I/O and memory priority of the process.
  if (!SetPriorityClass(GetCurrentProcess(), PROCESS_MODE_BACKGROUND_BEGIN) &&
      !SetPriorityClass(GetCurrentProcess(), IDLE_PRIORITY_CLASS))
    return WinErrorStatus(GetLastError(), "self", "SetPriorityClass");
  return Status::Ok();
}

namespace {
std::string FormatTime(int64_t epoch_seconds, const char* format, bool local) {
  __time64_t tt = static_cast<__time64_t>(epoch_seconds);
  std::tm tm{};
  if (local) _localtime64_s(&tm, &tt);
  else _gmtime64_s(&tm, &tt);
  char buf[32];
  std::strftime(buf, sizeof buf, format, &tm);
  return buf;
}
}  // namespace

std::string LocalFileTimeStamp(int64_t epoch_seconds) {
  return FormatTime(epoch_seconds, "%Y%m%d-%H%M%S", /*local=*/true);
}

std::string UtcIsoTime(int64_t epoch_seconds) {
  return FormatTime(epoch_seconds, "%Y-%m-%dT%H:%M:%SZ", /*local=*/false);
}

int64_t UtcTimeFromTm(std::tm tm) { return static_cast<int64_t>(_mkgmtime64(&tm)); }

int ProcessId() { return static_cast<int>(GetCurrentProcessId()); }

namespace {
std::atomic<bool>* g_interrupt_flag = nullptr;

// Runs on a thread of its own that the system starts for the event.
BOOL WINAPI OnConsoleCtrl(DWORD type) {
  if (type != CTRL_C_EVENT && type != CTRL_BREAK_EVENT && type != CTRL_CLOSE_EVENT)
    return FALSE;
  if (g_interrupt_flag->exchange(true)) {
    RemoveRegisteredTemps();
    static const char kAbort[] =
        "\nharrier: aborted: reports not finished (the JSONL keeps the findings so far)\n";
    DWORD n = 0;
    WriteFile(GetStdHandle(STD_ERROR_HANDLE), kAbort, sizeof kAbort - 1, &n, nullptr);
    ExitProcess(130);
  }
  static const char kMsg[] = "\nharrier: interrupted, finishing the report (Ctrl-C again to abort)\n";
  DWORD n = 0;
  WriteFile(GetStdHandle(STD_ERROR_HANDLE), kMsg, sizeof kMsg - 1, &n, nullptr);
  return TRUE;
}
}  // namespace

void InstallInterruptHandler(std::atomic<bool>* flag) {
  g_interrupt_flag = flag;
  SetConsoleCtrlHandler(OnConsoleCtrl, TRUE);
}

Result<FileId> RegularFileIdOfFd(int fd) {
  intptr_t osf = _get_osfhandle(fd);
  if (osf == -1 || osf == -2)
    return Status::NotFound(fmt::format("descriptor {} is not open", fd));
  HANDLE h = reinterpret_cast<HANDLE>(osf);
  if (GetFileType(h) != FILE_TYPE_DISK)
    return Status::NotFound(fmt::format("descriptor {} is not a file", fd));
  BY_HANDLE_FILE_INFORMATION bhfi;
  if (!GetFileInformationByHandle(h, &bhfi))
    return Status::NotFound(fmt::format("descriptor {} is not a file", fd));
  return FileId{bhfi.dwVolumeSerialNumber,
                (static_cast<uint64_t>(bhfi.nFileIndexHigh) << 32) | bhfi.nFileIndexLow};
}

}  // namespace harrier::platform
