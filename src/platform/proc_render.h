// The Windows process table (proc_win.cc) answers the /proc-shaped questions
// of proc.h by rendering what Win32 reports in the exact text formats of
// Linux's /proc, so the parsers of sources/proc_parse.h read them unchanged.
// This file is that rendering, without any OS call: plain facts in (as the
// Win32 API gives them: UTF-16 text, FILETIME values, PAGE_* protections,
// MIB_TCP_STATE numbers), /proc text out. It is compiled on every platform
// and unit-tested on Linux by parsing its output with the real parsers.
//
// What is rendered (everything else of the Linux files is constant or 0):
//  * "stat": pid, (image name), state 'R', ppid, flags (kKernelThreadFlag for
//    the system's own processes without an image), start time in
//    kTicksPerSecond ticks since boot (from the creation time: the identity
//    stamp against PID reuse);
//  * "status": Name, Pid, PPid and, when the account is known, "Uid:" with
//    the number UidAssigner gave the process's account;
//  * "cmdline": the arguments NUL-terminated, as CommandLineToArgvW split
//    them;
//  * "maps": one line per committed region (VirtualQueryEx);
//  * "net/tcp", "net/tcp6", "net/udp", "net/udp6": one line per socket row
//    (GetExtendedTcpTable / GetExtendedUdpTable), with a synthetic inode;
//  * the system "stat": "btime";
//  * the fd targets "socket:[INODE]" of a process's sockets, and one
//    constant network namespace link (Windows has one network stack here).
// Thread-safety: pure functions; UidAssigner is internally locked.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harrier::platform::procfs {

// Clock ticks per second of the start times in "stat" (ProcessTable::ClockTicks).
inline constexpr int64_t kTicksPerSecond = 100;
// PF_KTHREAD in "stat" flags: the System process (pid 4) and the minimal
// processes it starts (Registry, Memory Compression, Secure System) have no
// user-mode image; the live checks treat them as kernel threads.
inline constexpr uint64_t kKernelThreadFlag = 0x00200000;
// The target of every process's "ns/net" link: one network stack.
inline constexpr std::string_view kNetNamespaceLink = "net:[4026531840]";
// FILETIME (100 ns since 1601-01-01) of the Unix epoch, and its unit.
inline constexpr uint64_t kFileTimeUnixEpoch = 116444736000000000ull;
inline constexpr uint64_t kFileTimePerSecond = 10000000ull;

// UTF-16 to UTF-8; an unpaired surrogate becomes U+FFFD.
std::string Utf16ToUtf8(std::u16string_view text);

// Seconds since the Unix epoch of a FILETIME value (rounded down; 0 before
// 1970).
int64_t FileTimeToUnixSeconds(uint64_t filetime);

// What the process table knows of one process.
struct ProcessFacts {
  int64_t pid = 0;
  int64_t ppid = 0;
  std::u16string image_name;  // the snapshot's name ("svchost.exe")
  // The full Win32 path of the image ("C:\Windows\System32\svchost.exe");
  // empty when unknown (no access) or when the process has none.
  std::u16string image_path;
  bool image_deleted = false;  // the image path no longer exists on disk
  std::vector<std::u16string> args;  // the command line, split; empty when unknown
  // Creation time (FILETIME value); nullopt when the process could not be
  // opened (then the start time is 0 and PID reuse is not told apart).
  std::optional<uint64_t> creation_time;
  bool system = false;  // no user-mode image: rendered as a kernel thread
  std::optional<uint32_t> uid;  // UidAssigner's number of its account
};

// "PID (NAME) R PPID ..." as /proc/PID/stat. `boot_unix_seconds` is the
// btime of RenderSystemStat; a process created before it starts at tick 0.
std::string RenderStat(const ProcessFacts& p, int64_t boot_unix_seconds);
// Name, State, Pid, PPid and Uid (when known) lines as /proc/PID/status.
std::string RenderStatus(const ProcessFacts& p);
// The arguments, each followed by a NUL, as /proc/PID/cmdline ("" when
// unknown).
std::string RenderCmdline(const ProcessFacts& p);
// The "exe" link: the image path in UTF-8, with " (deleted)" when it is no
// longer on disk; "" when unknown.
std::string RenderExeLink(const ProcessFacts& p);
// The system "stat" (/proc/stat): "btime N".
std::string RenderSystemStat(int64_t boot_unix_seconds);

// Memory protection constants (PAGE_*) and region types (MEM_*) of the
// Win32 API, by value (proc_win.cc checks they equal the SDK's).
inline constexpr uint32_t kPageNoAccess = 0x01, kPageReadOnly = 0x02, kPageReadWrite = 0x04,
                          kPageWriteCopy = 0x08, kPageExecute = 0x10, kPageExecuteRead = 0x20,
                          kPageExecuteReadWrite = 0x40, kPageExecuteWriteCopy = 0x80,
                          kPageGuard = 0x100;
enum class RegionType { kPrivate, kMapped, kImage };

// One committed region of a process's address space.
struct RegionFacts {
  uint64_t base = 0, size = 0;
  uint64_t allocation_base = 0;  // start of the allocation it belongs to
  uint32_t protect = 0;          // PAGE_* with modifiers (PAGE_GUARD, PAGE_NOCACHE...)
  RegionType type = RegionType::kPrivate;
  std::u16string path;  // the file mapped (Win32 form, see DevicePathToDos), or empty
  bool path_deleted = false;  // that file no longer exists on disk
};
// The permission field of a maps line ("r-xp"): a no-access or guard page
// is not readable; a writable copy-on-write page is private ('p'), other
// mapped-file views are shared ('s').
std::string RegionPermissions(const RegionFacts& r);
// The regions as /proc/PID/maps lines ("START-END PERMS OFFSET 00:00 0
// PATH"): OFFSET is the offset in the allocation, PATH the file (with
// " (deleted)") for image and mapped-file regions. Stops before the text
// would exceed `max_bytes`.
std::string RenderMaps(std::span<const RegionFacts> regions, size_t max_bytes);

// A kernel path of a mapped file ("\Device\HarddiskVolume3\Windows\x.dll")
// in Win32 form: the device is replaced by the drive whose target it is
// (`dos_devices`: drive "C:" -> device "\Device\HarddiskVolume3", as
// QueryDosDeviceW reports), "\Device\Mup\" (network) becomes "\\", and
// "\??\" before a drive path is dropped (wine names files so). Matched
// without regard to case, at a '\' boundary; other paths are kept as they
// are.
std::u16string DevicePathToDos(
    std::u16string_view device_path,
    std::span<const std::pair<std::u16string, std::u16string>> dos_devices);

// MIB_TCP_STATE values of the Win32 API.
inline constexpr uint32_t kMibTcpClosed = 1, kMibTcpListen = 2, kMibTcpSynSent = 3,
                          kMibTcpSynRcvd = 4, kMibTcpEstab = 5, kMibTcpFinWait1 = 6,
                          kMibTcpFinWait2 = 7, kMibTcpCloseWait = 8, kMibTcpClosing = 9,
                          kMibTcpLastAck = 10, kMibTcpTimeWait = 11, kMibTcpDeleteTcb = 12;
// Linux's TCP state number (TCP_ESTABLISHED = 1 ... TCP_CLOSING = 11) of a
// MIB_TCP_STATE; an unknown value is TCP_CLOSE (7).
uint8_t LinuxTcpState(uint32_t mib_state);
// The state Linux shows for a UDP socket without a remote address (TCP_CLOSE).
inline constexpr uint8_t kUdpUnconnectedState = 7;

// One row of the TCP or UDP tables.
struct SocketFacts {
  bool udp = false;
  bool v6 = false;
  std::array<uint8_t, 16> local{}, remote{};  // network byte order; IPv4 in [0, 4)
  uint16_t local_port = 0, remote_port = 0;   // host byte order
  uint8_t state = 0;                          // Linux TCP state (LinuxTcpState)
  int64_t owner_pid = 0;                      // 0: no owner (TIME_WAIT)
};
// The socket's synthetic inode: the same for the same row in every read
// (a hash of protocol, addresses, ports and owner), never 0 for an owned
// row, below 2^48; 0 for a row without owner.
uint64_t SocketInode(const SocketFacts& s);
// The rows of one protocol and family as /proc/net/{tcp,tcp6,udp,udp6}
// (header line first). Stops before the text would exceed `max_bytes`.
std::string RenderNetTable(std::span<const SocketFacts> sockets, bool udp, bool v6,
                           size_t max_bytes);
// "socket:[INODE]" of every row owned by `pid`, as its fd link targets.
std::vector<std::string> SocketFdTargets(std::span<const SocketFacts> sockets, int64_t pid);

// The "Uid:" numbers of Windows accounts, and back to names for
// FileSystem::OwnerName. An account's number is its RID (the last number of
// its SID: 18 for SYSTEM, 500 for Administrator, 1001 for the first local
// user) unless another account already has that number, or it is 0 (the
// uid every file has on Windows: "owner not read"); then it gets the next
// free number from kSyntheticUidBase up.
class UidAssigner {
 public:
  static constexpr uint32_t kSyntheticUidBase = 0x80000000u;
  // The number of account `sid` ("S-1-5-18"), named `name`
  // ("NT AUTHORITY\SYSTEM"; the SID when it has no name). The same SID
  // always gets the same number.
  uint32_t Assign(std::string_view sid, std::string_view name);
  // The number Assign gave `sid`, if it did (to skip naming it again).
  std::optional<uint32_t> Find(std::string_view sid) const;
  // The name of a number Assign gave; nullopt for others.
  std::optional<std::string> Name(uint32_t uid) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint32_t, std::less<>> by_sid_;
  std::map<uint32_t, std::string> names_;
  uint32_t next_synthetic_ = kSyntheticUidBase;
};

}  // namespace harrier::platform::procfs
