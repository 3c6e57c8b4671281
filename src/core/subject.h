// Subject: what was scanned. A file of a walked tree, a member of an archive
// or installer (possibly nested), and later a file inside a disk image, a
// process, a memory region or a connection. The scan stage checks a subject's
// content without knowing where it came from; reporters show its chain.
//
// A subject is a plain value, safe to move between threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace harrier {

enum class SubjectKind {
  kFile = 0,        // a file of a walked tree (or a file given on the command line)
  kArchiveMember,   // a member of an archive, installer or compound file
  kImageEntry,      // a file (or NTFS data stream) inside a disk image
  kProcess,         // a running process: its executable and how it runs
  kMemoryRegion,    // the readable memory of a process (regions named per hit)
  kConnection,      // a network socket of a process
};
std::string_view SubjectKindName(SubjectKind k);  // "file", "archive_member", ...

// File metadata as far as the source knows it. For a walked file all fields
// come from lstat; for an archive member only what the archive records (size,
// mtime, mode; the rest 0/empty and has_owner false).
struct FileAttrs {
  uint64_t size = 0;
  int64_t mtime = 0;  // seconds since epoch; 0 = unknown
  int64_t ctime = 0;
  uint32_t mode = 0;  // permission bits (07777)
  uint32_t uid = 0;
  uint64_t dev = 0;
  uint64_t inode = 0;
  std::string owner;  // user name, or uid as text; empty when unknown
  bool has_owner = false;  // uid/dev/inode/owner/ctime are real (a walked file)
};

// The process a live subject belongs to (kProcess, kMemoryRegion, and
// kConnection when its socket could be mapped to a process); pid 0 = none.
struct ProcessAttrs {
  int64_t pid = 0;
  int64_t ppid = 0;
  uint32_t uid = 0;
  std::string user;        // user name of uid, or uid as text
  std::string name;        // the kernel's process name (comm, at most 15 bytes)
  std::string cmdline;     // arguments joined by spaces (raw bytes)
  std::string executable;  // the exe link as the kernel prints it ("... (deleted)")
  int64_t start_time = 0;  // seconds since epoch
};

// A network socket (kConnection). Addresses as text ("127.0.0.1", "::1").
struct ConnectionAttrs {
  std::string transport;  // "tcp" or "udp"
  std::string state;      // "established", "listen", "syn_sent", ...
  std::string local_ip, remote_ip;
  uint16_t local_port = 0, remote_port = 0;
  uint64_t inode = 0;     // the socket's inode
};

// One container a subject sits in: its path (in its own container, or on the
// host for the outermost) and the format it was read as ("zip", "tar.gz",
// "msi", ...).
struct ContainerLink {
  std::string path;
  std::string format;
  friend bool operator==(const ContainerLink&, const ContainerLink&) = default;
};

struct Subject {
  SubjectKind kind = SubjectKind::kFile;
  // The containers this subject sits in, outermost first: containers[0].path
  // is a host path (as walked; raw bytes), each next one a member path inside
  // the one before. Empty for a walked file.
  std::vector<ContainerLink> containers;
  // The subject's own path: the host path for a walked file (raw bytes, may be
  // invalid UTF-8), the member path inside the innermost container otherwise.
  std::string path;
  // The outermost path as matched and presented (e.g. "C:\Users\.." on a
  // mounted Windows volume); equals the host path when no volume root maps it.
  std::string display_root;
  // The last component of `path`, as the source splits its own paths (the
  // platform's separators for a host path, '/' inside archives).
  std::string name;
  FileAttrs file;
  // An entry of a disk image's Windows system volume: the drive the volume
  // is shown as ("C:"). The scan stage then matches and shows `path`
  // ("/Windows/x.dll") as Windows does ("C:\Windows\x.dll"). Empty otherwise.
  std::string drive;
  // An entry whose name or record is unallocated in its file system: a
  // deleted file (--deleted).
  bool deleted = false;
  // Live subjects only (kind kProcess, kMemoryRegion, kConnection).
  ProcessAttrs process;
  ConnectionAttrs connection;

  // The host path: the walked file itself or the outermost container.
  const std::string& host_path() const {
    return containers.empty() ? path : containers.front().path;
  }
  // Nesting depth: 0 for a walked file, 1 for a member of a file, ...
  size_t depth() const { return containers.size(); }
};

// The separator of a chain when shown as one line: " › " (UTF-8).
inline constexpr std::string_view kChainSeparator = " \xe2\x80\xba ";

// The subject's own path as shown: `path`, or for an entry of a Windows
// volume in a disk image its drive form ("C:\Windows\x.dll").
std::string PresentedPath(const Subject& s);

// The chain as one string, outermost first, with display_root for the host
// path: "/evidence/triage.zip › Users/bob/x.msi › ffmpeg.dll". A live
// subject reads "process 4242 /usr/bin/x", "memory of process 4242
// /usr/bin/x" or "connection tcp 10.0.0.5:40000 -> 192.0.2.7:443 of process
// 4242 /usr/bin/x".
std::string ChainDisplay(const Subject& s);
// The same with the raw host path (no volume-root mapping).
std::string ChainRaw(const Subject& s);

}  // namespace harrier
