// Helpers shared by the Windows implementations of the platform layer
// (fs_win.cc, host_win.cc, store_fs_win.cc, net_win.cc, proc_win.cc): text
// conversion between Harrier's UTF-8 and the UTF-16 of the Win32 API, the
// long-path form of a path, and the one place Win32 error codes become a
// Status (util_win.cc). Only compiled for Windows.
// Thread-safety: all functions are safe to call concurrently.
#pragma once

#ifndef _WIN32
#error "win_util.h is for the Windows build only"
#endif

#include <windows.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier::platform {

// UTF-8 to UTF-16; invalid UTF-8 becomes U+FFFD.
std::wstring Widen(std::string_view utf8);
// UTF-16 to UTF-8; an unpaired surrogate becomes U+FFFD.
std::string Narrow(std::wstring_view utf16);

// The form of `path` handed to CreateFileW and friends: made absolute
// (GetFullPathNameW: '/' becomes '\', "." and ".." are resolved) and given
// the "\\?\" prefix ("\\?\UNC\" for \\server\share) so that paths longer
// than MAX_PATH (260) work. Device names ("\\.\...") and paths that already
// carry the prefix are passed on unchanged.
std::wstring LongPath(std::string_view path);

// `path` without a "\\?\" or "\\?\UNC\" prefix (for messages and reports).
std::string WithoutLongPrefix(std::string path);

// The system's text for a Win32 error code, without the trailing newline.
std::string WinErrorText(DWORD err);

// Converts a Win32 error code into a Status naming `path` and the
// operation: not found → NotFound; access denied → PermissionDenied; a file
// locked by another process (sharing or lock violation) → PermissionDenied
// whose message says "locked by another process"; out of memory or handles
// → ResourceExhausted; anything else → IoError.
Status WinErrorStatus(DWORD err, const std::string& path, const char* op);

// The account name (DOMAIN\user) of a "Uid:" number the process table
// gave a process's account (proc_win.cc); "" for any other number (files
// have uid 0: their owners are not read).
std::string ProcessAccountName(uint32_t uid);

// Seconds since the Unix epoch of a FILETIME (100 ns since 1601).
int64_t FileTimeToUnix(const FILETIME& ft);

// Owns a HANDLE (INVALID_HANDLE_VALUE or null when empty).
class UniqueHandle {
 public:
  UniqueHandle() = default;
  explicit UniqueHandle(HANDLE h) : h_(h) {}
  UniqueHandle(UniqueHandle&& o) noexcept : h_(o.release()) {}
  UniqueHandle& operator=(UniqueHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = o.release();
    }
    return *this;
  }
  UniqueHandle(const UniqueHandle&) = delete;
  UniqueHandle& operator=(const UniqueHandle&) = delete;
  ~UniqueHandle() { reset(); }
  HANDLE get() const { return h_; }
  bool valid() const { return h_ != nullptr && h_ != INVALID_HANDLE_VALUE; }
  HANDLE release() {
    HANDLE h = h_;
    h_ = INVALID_HANDLE_VALUE;
    return h;
  }
  void reset() {
    if (valid()) CloseHandle(h_);
    h_ = INVALID_HANDLE_VALUE;
  }

 private:
  HANDLE h_ = INVALID_HANDLE_VALUE;
};

}  // namespace harrier::platform
