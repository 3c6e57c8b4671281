// Windows implementation of the process table (proc.h): the Win32 answers,
// rendered as the /proc text the live checks parse (proc_render.h does the
// rendering; this file only asks Windows).
//
// Where each answer comes from:
//  * the process list, names and parents: CreateToolhelp32Snapshot (pid 0,
//    the System Idle Process, is not listed: pid 0 names the system files);
//  * per process, through OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION):
//    the creation time (GetProcessTimes; the identity stamp against PID
//    reuse), the image path (QueryFullProcessImageNameW; " (deleted)" when
//    that path no longer exists), the command line
//    (NtQueryInformationProcess class 60, else the process's PEB, split by
//    CommandLineToArgvW) and the account (the token's user SID, named by
//    LookupAccountSidW; see UidAssigner for its "Uid:" number);
//  * "maps": VirtualQueryEx over the address space (committed regions; a
//    file's name by K32GetMappedFileNameW, its device turned into a drive
//    letter through QueryDosDeviceW), with PROCESS_QUERY_INFORMATION |
//    PROCESS_VM_READ;
//  * memory: ReadProcessMemory (PROCESS_VM_READ);
//  * "net/tcp", "net/tcp6", "net/udp", "net/udp6" and the "socket:[N]"
//    descriptors: GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) and
//    GetExtendedUdpTable(UDP_TABLE_OWNER_PID), IPv4 and IPv6;
//  * the executable: the image path opened through the FileSystem (Windows
//    cannot open an image through its process, so a file replaced at that
//    path is the one read).
// Not read on Windows: "environ" (Unsupported: the LD_PRELOAD check never
// applies). SeDebugPrivilege is enabled when this process's token holds it
// (an administrator's elevated token), so other users' and services'
// processes can be opened.
//
// Errors: a process that exited (OpenProcess fails with
// ERROR_INVALID_PARAMETER, or its exit code is set) is NotFound;
// ERROR_ACCESS_DENIED is PermissionDenied. A process that cannot be opened
// still has a "stat" (from the snapshot) with start time 0, so it is counted
// as not readable rather than missed.
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>
#include <iphlpapi.h>
#include <psapi.h>
#include <sddl.h>
#include <shellapi.h>
#include <tlhelp32.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <tuple>

#include <fmt/format.h>

#include "platform/proc.h"
#include "platform/proc_render.h"
#include "platform/win_util.h"

namespace harrier::platform {
namespace {

using procfs::ProcessFacts;
using procfs::RegionFacts;
using procfs::SocketFacts;

static_assert(PAGE_NOACCESS == procfs::kPageNoAccess && PAGE_READONLY == procfs::kPageReadOnly &&
              PAGE_READWRITE == procfs::kPageReadWrite && PAGE_WRITECOPY == procfs::kPageWriteCopy &&
              PAGE_EXECUTE == procfs::kPageExecute &&
              PAGE_EXECUTE_READ == procfs::kPageExecuteRead &&
              PAGE_EXECUTE_READWRITE == procfs::kPageExecuteReadWrite &&
              PAGE_EXECUTE_WRITECOPY == procfs::kPageExecuteWriteCopy &&
              PAGE_GUARD == procfs::kPageGuard);
static_assert(MIB_TCP_STATE_CLOSED == procfs::kMibTcpClosed &&
              MIB_TCP_STATE_LISTEN == procfs::kMibTcpListen &&
              MIB_TCP_STATE_ESTAB == procfs::kMibTcpEstab &&
              MIB_TCP_STATE_TIME_WAIT == procfs::kMibTcpTimeWait &&
              MIB_TCP_STATE_DELETE_TCB == procfs::kMibTcpDeleteTcb);

constexpr DWORD kPathChars = 32768;                // the longest Win32 path, in UTF-16 units
constexpr ULONG kProcessBasicInformation = 0;      // PROCESSINFOCLASS values
constexpr ULONG kProcessCommandLineInformation = 60;
constexpr LONG kStatusInfoLengthMismatch = static_cast<LONG>(0xC0000004);
constexpr size_t kCmdlineBufferBytes = 64 << 10;   // command lines are at most 32767 UTF-16 units
constexpr size_t kMaxRegions = 1 << 20;            // VirtualQueryEx steps of one "maps"
constexpr int kTableAttempts = 8;                  // the socket tables grow between the calls
constexpr uint64_t kPage = 4096;
// PEB layout of a 64-bit process: PEB.ProcessParameters, and
// RTL_USER_PROCESS_PARAMETERS.CommandLine (a UNICODE_STRING).
constexpr uint64_t kPebProcessParameters = 0x20;
constexpr uint64_t kParametersCommandLine = 0x70;

struct UnicodeString {  // UNICODE_STRING
  USHORT length;
  USHORT maximum_length;
  PWSTR buffer;
};
struct BasicInformation {  // PROCESS_BASIC_INFORMATION
  LONG exit_status;
  PVOID peb;
  ULONG_PTR affinity;
  LONG base_priority;
  ULONG_PTR pid;
  ULONG_PTR parent_pid;
};
using NtQueryInformationProcessFn = LONG(WINAPI*)(HANDLE, ULONG, PVOID, ULONG, PULONG);

NtQueryInformationProcessFn NtQueryInformationProcessPtr() {
  static const NtQueryInformationProcessFn fn = [] {
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    FARPROC p = ntdll ? GetProcAddress(ntdll, "NtQueryInformationProcess") : nullptr;
    return reinterpret_cast<NtQueryInformationProcessFn>(reinterpret_cast<void (*)()>(p));
  }();
  return fn;
}

std::u16string U16(std::wstring_view w) { return std::u16string(w.begin(), w.end()); }

std::string ProcName(int64_t pid) { return fmt::format("process {}", pid); }

// The UID numbers of the accounts processes run as (status "Uid:"), and
// their names for FileSystem::OwnerName.
procfs::UidAssigner& Accounts() {
  static procfs::UidAssigner accounts;
  return accounts;
}

// Boot time in whole seconds since the epoch, once per run (so every start
// time is counted from the same instant).
int64_t BootTime() {
  static const int64_t boot = [] {
    FILETIME now;
    GetSystemTimeAsFileTime(&now);
    uint64_t ft = (static_cast<uint64_t>(now.dwHighDateTime) << 32) | now.dwLowDateTime;
    ft -= GetTickCount64() * 10000;  // milliseconds since boot
    return procfs::FileTimeToUnixSeconds(ft);
  }();
  return boot;
}

// Opens process `pid` with `access`; NotFound when it is gone (also when
// the handle is to a process that has exited), PermissionDenied when not
// allowed.
Result<UniqueHandle> OpenPid(int64_t pid, DWORD access) {
  if (pid <= 0 || pid > 0xFFFFFFFFll) return Status::NotFound(ProcName(pid) + ": no such process");
  HANDLE h = OpenProcess(access, FALSE, static_cast<DWORD>(pid));
  if (!h) {
    DWORD e = GetLastError();
    if (e == ERROR_INVALID_PARAMETER) return Status::NotFound(ProcName(pid) + ": no such process");
    return WinErrorStatus(e, ProcName(pid), "OpenProcess");
  }
  UniqueHandle handle(h);
  DWORD code = 0;
  if (GetExitCodeProcess(h, &code) && code != STILL_ACTIVE)
    return Status::NotFound(ProcName(pid) + ": exited");
  return handle;
}

struct SnapshotEntry {
  int64_t ppid = 0;
  std::u16string name;
};

// The process list now: pid -> parent and name.
Result<std::map<int64_t, SnapshotEntry>> Snapshot() {
  UniqueHandle snap(CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  if (!snap.valid()) return WinErrorStatus(GetLastError(), "process list", "CreateToolhelp32Snapshot");
  std::map<int64_t, SnapshotEntry> out;
  PROCESSENTRY32W e;
  e.dwSize = sizeof e;
  for (BOOL ok = Process32FirstW(snap.get(), &e); ok; ok = Process32NextW(snap.get(), &e))
    out[e.th32ProcessID] = {static_cast<int64_t>(e.th32ParentProcessID), U16(e.szExeFile)};
  return out;
}

// The full Win32 path of the process's image.
Result<std::wstring> ImagePath(HANDLE h, int64_t pid) {
  std::wstring buf(kPathChars, L'\0');
  DWORD n = kPathChars;
  if (!QueryFullProcessImageNameW(h, 0, buf.data(), &n))
    return WinErrorStatus(GetLastError(), ProcName(pid), "QueryFullProcessImageNameW");
  buf.resize(n);
  while (!buf.empty() && buf.back() == L'\0') buf.pop_back();
  return buf;
}

bool IsDrivePath(std::wstring_view p) {
  return (p.size() >= 3 && p[1] == L':' && (p[2] == L'\\' || p[2] == L'/')) ||
         p.rfind(L"\\\\", 0) == 0;
}

// Whether a path is known not to exist any more.
bool PathMissing(std::wstring_view path) {
  if (!IsDrivePath(path)) return false;
  if (GetFileAttributesW(LongPath(Narrow(path)).c_str()) != INVALID_FILE_ATTRIBUTES) return false;
  DWORD e = GetLastError();
  return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND;
}

// The command line of another process: NtQueryInformationProcess class 60
// (Windows 8.1 and later), else the CommandLine of its PEB's process
// parameters (needs PROCESS_VM_READ).
std::optional<std::wstring> CommandLineOf(HANDLE h, int64_t pid) {
  if (pid == static_cast<int64_t>(GetCurrentProcessId())) return std::wstring(GetCommandLineW());
  auto query = NtQueryInformationProcessPtr();
  if (!query) return std::nullopt;
  std::vector<uint8_t> buf(sizeof(UnicodeString) + kCmdlineBufferBytes);
  ULONG len = 0;
  LONG st = query(h, kProcessCommandLineInformation, buf.data(), static_cast<ULONG>(buf.size()), &len);
  if (st >= 0) {
    UnicodeString us;
    std::memcpy(&us, buf.data(), sizeof us);
    const auto* base = reinterpret_cast<const uint8_t*>(buf.data());
    const auto* text = reinterpret_cast<const uint8_t*>(us.buffer);
    if (us.length == 0) return std::wstring();
    if (text >= base && text + us.length <= base + buf.size())
      return std::wstring(reinterpret_cast<const wchar_t*>(text), us.length / sizeof(wchar_t));
  }
  if (st == kStatusInfoLengthMismatch) return std::nullopt;  // longer than any command line
  // The PEB: a second handle with PROCESS_VM_READ.
  UniqueHandle vm(OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ, FALSE,
                              static_cast<DWORD>(pid)));
  if (!vm.valid()) return std::nullopt;
  BasicInformation bi{};
  if (query(vm.get(), kProcessBasicInformation, &bi, sizeof bi, &len) < 0 || !bi.peb)
    return std::nullopt;
  auto read = [&](uint64_t addr, void* out, size_t n) {
    SIZE_T got = 0;
    return ReadProcessMemory(vm.get(), reinterpret_cast<LPCVOID>(addr), out, n, &got) && got == n;
  };
  uint64_t params = 0;
  UnicodeString us{};
  if (!read(reinterpret_cast<uint64_t>(bi.peb) + kPebProcessParameters, &params, sizeof params) ||
      !params || !read(params + kParametersCommandLine, &us, sizeof us))
    return std::nullopt;
  std::wstring out(us.length / sizeof(wchar_t), L'\0');
  if (!out.empty() && !read(reinterpret_cast<uint64_t>(us.buffer), out.data(), us.length))
    return std::nullopt;
  return out;
}

std::vector<std::u16string> SplitCommandLine(const std::wstring& cmdline) {
  std::vector<std::u16string> out;
  // CommandLineToArgvW("") returns this process's own path: an empty line
  // has no arguments.
  if (cmdline.empty()) return out;
  int argc = 0;
  LPWSTR* argv = CommandLineToArgvW(cmdline.c_str(), &argc);
  if (!argv) return out;
  for (int i = 0; i < argc; ++i) out.push_back(U16(argv[i]));
  LocalFree(argv);
  return out;
}

// The "Uid:" number of the account the process runs as; nullopt when its
// token cannot be read.
std::optional<uint32_t> AccountOf(HANDLE h) {
  HANDLE raw = nullptr;
  if (!OpenProcessToken(h, TOKEN_QUERY, &raw)) return std::nullopt;
  UniqueHandle token(raw);
  DWORD n = 0;
  GetTokenInformation(token.get(), TokenUser, nullptr, 0, &n);
  if (n == 0) return std::nullopt;
  std::vector<uint8_t> buf(n);
  if (!GetTokenInformation(token.get(), TokenUser, buf.data(), n, &n)) return std::nullopt;
  PSID sid = reinterpret_cast<TOKEN_USER*>(buf.data())->User.Sid;
  LPWSTR sid_text = nullptr;
  if (!ConvertSidToStringSidW(sid, &sid_text)) return std::nullopt;
  std::string sid_string = Narrow(sid_text);
  LocalFree(sid_text);
  if (auto known = Accounts().Find(sid_string)) return known;
  wchar_t name[256], domain[256];
  DWORD name_len = 256, domain_len = 256;
  SID_NAME_USE use;
  std::string account;
  if (LookupAccountSidW(nullptr, sid, name, &name_len, domain, &domain_len, &use)) {
    account = Narrow(std::wstring_view(name, name_len));
    if (domain_len > 0) account = Narrow(std::wstring_view(domain, domain_len)) + "\\" + account;
  }
  return Accounts().Assign(sid_string, account);
}

// What "stat", "status", "cmdline" and "exe" need of one process.
enum Need : unsigned { kListing = 1, kCreation = 2, kImage = 4, kArgs = 8, kAccount = 16 };

// The facts of process `pid` that `need` names (kListing: name and parent,
// from a snapshot of the process list).
Result<ProcessFacts> Facts(int64_t pid, unsigned need) {
  ProcessFacts p;
  p.pid = pid;
  // The handle first: while it is open the pid cannot be given to another
  // process, so the snapshot after it describes the same one.
  auto h = OpenPid(pid, PROCESS_QUERY_LIMITED_INFORMATION);
  if (!h.ok() && h.status().code() != Status::Code::kPermissionDenied) return h.status();
  if (need & kListing) {
    auto snap = Snapshot();
    if (!snap.ok()) return snap.status();
    auto it = snap->find(pid);
    if (it == snap->end()) return Status::NotFound(ProcName(pid) + ": no such process");
    p.ppid = it->second.ppid;
    p.image_name = it->second.name;
  }
  // The System process and the minimal processes it starts (Registry,
  // Memory Compression, Secure System) have no image file.
  const bool system_tree = pid == 4 || ((need & kListing) && p.ppid == 4);
  if (!h.ok()) {
    // Not allowed to open it: what the snapshot says.
    p.system = pid == 4;
    return p;
  }
  if (need & kCreation) {
    FILETIME c, e, k, u;
    if (GetProcessTimes(h->get(), &c, &e, &k, &u))
      p.creation_time = (static_cast<uint64_t>(c.dwHighDateTime) << 32) | c.dwLowDateTime;
  }
  if ((need & kImage) || system_tree) {
    auto image = ImagePath(h->get(), pid);
    if (image.ok() && IsDrivePath(*image)) {
      p.image_path = U16(*image);
      if (need & kImage) p.image_deleted = PathMissing(*image);
    } else if (system_tree) {
      p.system = true;  // System, Registry, Memory Compression, Secure System
    } else if (need & kImage) {
      return image.ok() ? Status::NotFound(ProcName(pid) + ": no image file") : image.status();
    }
  }
  if (need & kArgs) {
    if (auto cmd = CommandLineOf(h->get(), pid)) p.args = SplitCommandLine(*cmd);
  }
  if (need & kAccount) p.uid = AccountOf(h->get());
  return p;
}

// The drives and the devices they name ("C:" -> "\Device\HarddiskVolume3").
std::vector<std::pair<std::u16string, std::u16string>> DosDevices() {
  std::vector<std::pair<std::u16string, std::u16string>> out;
  DWORD drives = GetLogicalDrives();
  for (int i = 0; i < 26; ++i) {
    if (!(drives & (1u << i))) continue;
    wchar_t drive[3] = {static_cast<wchar_t>(L'A' + i), L':', L'\0'};
    wchar_t target[kPathChars / 32];
    if (QueryDosDeviceW(drive, target, static_cast<DWORD>(std::size(target))) == 0) continue;
    out.emplace_back(U16(drive), U16(target));  // the first target is the current one
  }
  return out;
}

Result<std::string> RenderMapsOf(int64_t pid, size_t max_bytes) {
  auto h = OpenPid(pid, PROCESS_QUERY_INFORMATION | PROCESS_VM_READ);
  if (!h.ok()) return h.status();
  SYSTEM_INFO si;
  GetSystemInfo(&si);
  const uint64_t end = reinterpret_cast<uint64_t>(si.lpMaximumApplicationAddress);
  const auto devices = DosDevices();
  std::map<uint64_t, std::pair<std::u16string, bool>> files;  // allocation base -> path, missing
  std::vector<RegionFacts> regions;
  uint64_t addr = reinterpret_cast<uint64_t>(si.lpMinimumApplicationAddress);
  size_t steps = 0;
  MEMORY_BASIC_INFORMATION mbi;
  while (addr < end && steps++ < kMaxRegions &&
         VirtualQueryEx(h->get(), reinterpret_cast<LPCVOID>(addr), &mbi, sizeof mbi) == sizeof mbi) {
    const uint64_t base = reinterpret_cast<uint64_t>(mbi.BaseAddress);
    const uint64_t next = base + mbi.RegionSize;
    if (mbi.State == MEM_COMMIT) {
      RegionFacts r;
      r.base = base;
      r.size = mbi.RegionSize;
      r.allocation_base = reinterpret_cast<uint64_t>(mbi.AllocationBase);
      r.protect = mbi.Protect;
      r.type = mbi.Type == MEM_IMAGE    ? procfs::RegionType::kImage
               : mbi.Type == MEM_MAPPED ? procfs::RegionType::kMapped
                                        : procfs::RegionType::kPrivate;
      if (r.type != procfs::RegionType::kPrivate) {
        auto f = files.find(r.allocation_base);
        if (f == files.end()) {
          std::wstring name(kPathChars, L'\0');
          DWORD n = K32GetMappedFileNameW(h->get(), mbi.BaseAddress, name.data(), kPathChars);
          std::u16string path;
          bool missing = false;
          if (n > 0) {
            name.resize(n);
            while (!name.empty() && name.back() == L'\0') name.pop_back();  // wine counts the NUL
            path = procfs::DevicePathToDos(U16(name), devices);
            missing = PathMissing(std::wstring(path.begin(), path.end()));
          }
          f = files.emplace(r.allocation_base, std::pair{path, missing}).first;
        }
        r.path = f->second.first;
        r.path_deleted = f->second.second;
      }
      regions.push_back(std::move(r));
    }
    if (next <= addr) break;
    addr = next;
  }
  return procfs::RenderMaps(regions, max_bytes);
}

// One socket table (TCP or UDP, IPv4 or IPv6). NotFound when the family is
// not installed.
Result<std::vector<SocketFacts>> SocketTable(bool udp, bool v6) {
  const ULONG af = v6 ? AF_INET6 : AF_INET;
  const char* what = udp ? "GetExtendedUdpTable" : "GetExtendedTcpTable";
  std::vector<uint8_t> buf;
  DWORD size = 0;
  DWORD rc = ERROR_INSUFFICIENT_BUFFER;
  for (int i = 0; i < kTableAttempts && rc == ERROR_INSUFFICIENT_BUFFER; ++i) {
    buf.resize(size);
    void* p = buf.empty() ? nullptr : buf.data();
    rc = udp ? GetExtendedUdpTable(p, &size, FALSE, af, UDP_TABLE_OWNER_PID, 0)
             : GetExtendedTcpTable(p, &size, FALSE, af, TCP_TABLE_OWNER_PID_ALL, 0);
  }
  if (rc == ERROR_NOT_SUPPORTED && v6)
    return Status::NotFound(fmt::format("{}: no IPv6", what));
  if (rc != NO_ERROR) return WinErrorStatus(rc, v6 ? "IPv6 sockets" : "IPv4 sockets", what);
  std::vector<SocketFacts> out;
  auto add = [&](const void* local, const void* remote, DWORD lport, DWORD rport, uint8_t state,
                 DWORD pid) {
    SocketFacts s;
    s.udp = udp;
    s.v6 = v6;
    std::memcpy(s.local.data(), local, v6 ? 16 : 4);
    if (remote) std::memcpy(s.remote.data(), remote, v6 ? 16 : 4);
    s.local_port = ntohs(static_cast<u_short>(lport));
    s.remote_port = ntohs(static_cast<u_short>(rport));
    s.state = state;
    s.owner_pid = pid;
    out.push_back(s);
  };
  if (buf.empty()) return out;
  if (!udp && !v6) {
    const auto* t = reinterpret_cast<const MIB_TCPTABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < t->dwNumEntries; ++i) {
      const auto& r = t->table[i];
      add(&r.dwLocalAddr, &r.dwRemoteAddr, r.dwLocalPort, r.dwRemotePort,
          procfs::LinuxTcpState(r.dwState), r.dwOwningPid);
    }
  } else if (!udp) {
    const auto* t = reinterpret_cast<const MIB_TCP6TABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < t->dwNumEntries; ++i) {
      const auto& r = t->table[i];
      add(r.ucLocalAddr, r.ucRemoteAddr, r.dwLocalPort, r.dwRemotePort,
          procfs::LinuxTcpState(r.dwState), r.dwOwningPid);
    }
  } else if (!v6) {
    const auto* t = reinterpret_cast<const MIB_UDPTABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < t->dwNumEntries; ++i) {
      const auto& r = t->table[i];
      add(&r.dwLocalAddr, nullptr, r.dwLocalPort, 0, procfs::kUdpUnconnectedState, r.dwOwningPid);
    }
  } else {
    const auto* t = reinterpret_cast<const MIB_UDP6TABLE_OWNER_PID*>(buf.data());
    for (DWORD i = 0; i < t->dwNumEntries; ++i) {
      const auto& r = t->table[i];
      add(r.ucLocalAddr, nullptr, r.dwLocalPort, 0, procfs::kUdpUnconnectedState, r.dwOwningPid);
    }
  }
  return out;
}

class WinProcessMemory final : public ProcessMemory {
 public:
  WinProcessMemory(UniqueHandle h, int64_t pid) : h_(std::move(h)), pid_(pid) {}
  // ReadProcessMemory copies all or nothing of a range with an unreadable
  // page: then the range is read page by page up to the first such page.
  Result<size_t> Read(uint64_t address, std::span<uint8_t> out) override {
    SIZE_T got = 0;
    if (ReadProcessMemory(h_.get(), reinterpret_cast<LPCVOID>(address), out.data(), out.size(),
                          &got) ||
        got > 0)
      return static_cast<size_t>(got);
    DWORD err = GetLastError();
    size_t total = 0;
    while (total < out.size()) {
      const uint64_t at = address + total;
      const size_t n = static_cast<size_t>(
          std::min<uint64_t>(out.size() - total, kPage - (at & (kPage - 1))));
      SIZE_T part = 0;
      if (!ReadProcessMemory(h_.get(), reinterpret_cast<LPCVOID>(at), out.data() + total, n,
                             &part) &&
          part == 0)
        break;
      total += part;
      if (part < n) break;
    }
    if (total > 0) return total;
    DWORD code = 0;
    if (GetExitCodeProcess(h_.get(), &code) && code != STILL_ACTIVE)
      return Status::NotFound(ProcName(pid_) + ": exited");
    return Status::IoError(fmt::format("{}: read at {:#x}: {}", ProcName(pid_), address,
                                       WinErrorText(err)));
  }

 private:
  UniqueHandle h_;
  int64_t pid_;
};

class WinProcessTable final : public ProcessTable {
 public:
  Result<std::vector<int64_t>> ListPids() const override {
    auto snap = Snapshot();
    if (!snap.ok()) return snap.status();
    std::vector<int64_t> out;
    for (const auto& [pid, e] : *snap)
      if (pid != 0) out.push_back(pid);  // the System Idle Process is no process
    return out;  // ascending: a map's order
  }

  Result<std::string> ReadFile(int64_t pid, std::string_view name,
                               size_t max_bytes) const override {
    auto cut = [max_bytes](std::string s) {
      if (s.size() > max_bytes) s.resize(max_bytes);
      return s;
    };
    for (auto [file, udp, v6] : {std::tuple{"net/tcp", false, false},
                                 std::tuple{"net/tcp6", false, true},
                                 std::tuple{"net/udp", true, false},
                                 std::tuple{"net/udp6", true, true}}) {
      if (name != file) continue;
      auto t = SocketTable(udp, v6);
      if (!t.ok()) return t.status();
      return procfs::RenderNetTable(*t, udp, v6, max_bytes);
    }
    if (pid == 0) {
      if (name == "stat") return cut(procfs::RenderSystemStat(BootTime()));
      return Status::NotFound(fmt::format("system file {}: not on Windows", name));
    }
    if (name == "stat") {
      auto p = Facts(pid, kListing | kCreation);
      if (!p.ok()) return p.status();
      return cut(procfs::RenderStat(*p, BootTime()));
    }
    if (name == "status") {
      auto p = Facts(pid, kListing | kAccount);
      if (!p.ok()) return p.status();
      return cut(procfs::RenderStatus(*p));
    }
    if (name == "cmdline") {
      auto p = Facts(pid, kArgs);
      if (!p.ok()) return p.status();
      return cut(procfs::RenderCmdline(*p));
    }
    if (name == "maps") return RenderMapsOf(pid, max_bytes);
    return Status::Unsupported(fmt::format("{}: {} is not read on Windows", ProcName(pid), name));
  }

  Result<std::string> ReadLink(int64_t pid, std::string_view name) const override {
    if (name == "ns/net") return std::string(procfs::kNetNamespaceLink);
    if (name != "exe")
      return Status::Unsupported(fmt::format("{}: {} is not read on Windows", ProcName(pid), name));
    auto p = Facts(pid, kImage);
    if (!p.ok()) return p.status();
    if (p->image_path.empty()) {
      if (p->system) return Status::NotFound(ProcName(pid) + ": no image file");
      return Status::PermissionDenied(ProcName(pid) + ": the image path cannot be read");
    }
    return procfs::RenderExeLink(*p);
  }

  Result<std::vector<std::string>> ListFdTargets(int64_t pid) const override {
    std::vector<SocketFacts> all;
    for (auto [udp, v6] : {std::pair{false, false}, std::pair{false, true},
                           std::pair{true, false}, std::pair{true, true}}) {
      auto t = SocketTable(udp, v6);
      if (t.ok()) all.insert(all.end(), t->begin(), t->end());
      else if (!(v6 && t.status().code() == Status::Code::kNotFound)) return t.status();
    }
    return procfs::SocketFdTargets(all, pid);
  }

  Result<std::unique_ptr<ReadableFile>> OpenExecutable(int64_t pid) const override {
    auto p = Facts(pid, kImage);
    if (!p.ok()) return p.status();
    if (p->image_path.empty()) {
      if (p->system) return Status::NotFound(ProcName(pid) + ": no image file");
      return Status::PermissionDenied(ProcName(pid) + ": the image path cannot be read");
    }
    const std::string path = procfs::Utf16ToUtf8(p->image_path);
    if (p->image_deleted)
      return Status::IoError(fmt::format(
          "{}: its image {} is no longer on disk (Windows cannot read it through the process)",
          ProcName(pid), path));
    return ReadableFile::Open(path, /*follow=*/true);
  }

  Result<std::unique_ptr<ProcessMemory>> OpenMemory(int64_t pid) const override {
    auto h = OpenPid(pid, PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_VM_READ);
    if (!h.ok()) return h.status();
    return std::unique_ptr<ProcessMemory>(new WinProcessMemory(std::move(*h), pid));
  }

  int64_t SelfPid() const override { return static_cast<int64_t>(GetCurrentProcessId()); }
  int64_t ClockTicks() const override { return procfs::kTicksPerSecond; }
};

// Enables SeDebugPrivilege when this process's token holds it (best effort:
// without it, other users' processes stay closed and are counted as such).
void EnableDebugPrivilege() {
  HANDLE raw = nullptr;
  if (!OpenProcessToken(GetCurrentProcess(), TOKEN_ADJUST_PRIVILEGES | TOKEN_QUERY, &raw)) return;
  UniqueHandle token(raw);
  TOKEN_PRIVILEGES tp{};
  tp.PrivilegeCount = 1;
  if (!LookupPrivilegeValueW(nullptr, L"SeDebugPrivilege", &tp.Privileges[0].Luid)) return;
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  AdjustTokenPrivileges(token.get(), FALSE, &tp, sizeof tp, nullptr, nullptr);
}

}  // namespace

const ProcessTable& LocalProcessTable() {
  static const WinProcessTable table = [] {
    EnableDebugPrivilege();
    return WinProcessTable();
  }();
  return table;
}

std::string ProcessAccountName(uint32_t uid) { return Accounts().Name(uid).value_or(""); }

std::vector<std::string> TemporaryFolders() {
  std::vector<std::string> out;
  wchar_t buf[MAX_PATH + 2];
  DWORD n = GetTempPathW(static_cast<DWORD>(std::size(buf)), buf);
  if (n > 0 && n < std::size(buf)) {
    std::string temp = Narrow(std::wstring_view(buf, n));
    while (temp.size() > 3 && (temp.back() == '\\' || temp.back() == '/')) temp.pop_back();
    out.push_back(temp);
  }
  n = GetWindowsDirectoryW(buf, static_cast<DWORD>(std::size(buf)));
  if (n > 0 && n < std::size(buf)) {
    std::string windows = Narrow(std::wstring_view(buf, n));
    out.push_back(windows + "\\Temp");
    // The profiles folder on the system drive.
    out.push_back(windows.substr(0, 2) + "\\Users\\*\\AppData\\Local\\Temp");
  }
  return out;
}

std::string SystemHostsFile() {
  wchar_t buf[MAX_PATH + 1];
  UINT n = GetSystemDirectoryW(buf, static_cast<UINT>(std::size(buf)));
  if (n == 0 || n >= std::size(buf)) return "C:\\Windows\\System32\\drivers\\etc\\hosts";
  return Narrow(std::wstring_view(buf, n)) + "\\drivers\\etc\\hosts";
}

std::string SystemPreloadFile() { return ""; }

}  // namespace harrier::platform
