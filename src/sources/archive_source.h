// The archive source: the members of archives, installers and compressed
// files, read from a container's content in memory (the buffer the scan
// stage already read: each object is read once) through libarchive, and the
// streams of OLE compound files (MSI, doc/xls/ppt, msg) through ole_reader,
// and CHM help files and SZDD/KWAJ compressed files through libmspack
// (mspack_reader).
// Each member becomes a Subject (kind kArchiveMember) whose chain names every
// container it sits in; the caller scans it and may hand it back here when it
// is a container itself (nesting).
//
// Formats (libarchive): zip (and jar, apk, nupkg, docx/xlsx/pptx, ...), 7z,
// rar/rar5, cab, lha, xar, cpio, ar (deb), tar, iso9660, and single files
// compressed with gzip, bzip2, xz, lzma, lzip, zstd, lz4 or compress, also
// around tar and cpio (rpm). Never: mtree (its entries name host files) and
// external-program filters (lrzip, grzip, lzop): nothing outside the
// process, nothing on the host file system is ever touched.
//
// Bounded by ContainerLimits; every member is reported to the sink exactly
// once, read or skipped with a reason (encrypted, unsupported, corrupt,
// size, ratio, limit); a container whose structure breaks mid-way reports one
// kCorrupt skip for the members it could not reach.
// Thread-safety: functions are reentrant; one call per thread at a time per
// budget.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/finding.h"
#include "core/subject.h"
#include "platform/fs.h"

namespace harrier {

// Every limit is a command-line option (docs/scanning.md, "Archives").
struct ContainerLimits {
  // --archive-max-depth: containers inside containers below a walked file
  // (1 = only the members of the walked file itself).
  int max_depth = 5;
  // --archive-max-members: members visited per container.
  uint64_t max_members = 100000;
  // --archive-max-total: uncompressed bytes read below one walked file, all
  // nesting levels together.
  uint64_t max_total_bytes = 2ULL << 30;
  // --archive-max-ratio: a container may expand to at most this many times
  // its own size, and always to at least ratio_floor_bytes.
  double max_ratio = 200;
  uint64_t ratio_floor_bytes = 64ULL << 20;
  // A member larger than this is skipped "size" (--max-file-size).
  uint64_t max_member_bytes = 32ULL << 20;
};

// What is left of the limits for one walked file (shared by all nesting
// levels below it).
struct ContainerBudget {
  uint64_t bytes_left = 0;
};

// A container format this source reads, by magic bytes.
struct ContainerFormat {
  enum class Reader { kLibarchive, kOle, kMspack };
  Reader reader = Reader::kLibarchive;
  int mspack = 0;  // MspackFormat (mspack_reader.h) when reader is kMspack
};
// The reader for `data`, or nullopt when it is no container this source
// reads. Cheap (magic bytes only); a false positive costs one failed open.
std::optional<ContainerFormat> DetectContainer(std::span<const uint8_t> data);

// How many first bytes of a member a sink screens before the rest is read.
inline constexpr size_t kMemberScreenBytes = 512;

class MemberSink {
 public:
  virtual ~MemberSink() = default;
  // Called once per member with its first bytes (kMemberScreenBytes, or the
  // whole member when shorter) before the rest is decompressed. A reason
  // skips the member (the source then reports it to OnMemberSkipped with
  // that reason, without reading further); nullopt reads it.
  virtual std::optional<SkipReason> Screen(const Subject& member,
                                           std::span<const uint8_t> head) {
    return std::nullopt;
  }
  // A member read in full; `data` is valid during the call only. Returns
  // false to stop the container (cancel).
  virtual bool OnMember(Subject member, std::span<const uint8_t> data) = 0;
  // A member not read; for kCorrupt and kLimit the subject may name the
  // first member not reached ("…" when unknown). `detail` says what happened.
  virtual void OnMemberSkipped(Subject member, SkipReason why, std::string detail) = 0;
};

struct ExpandResult {
  std::string format;     // "zip", "tar.gz", "gzip", "msi", ... ("" when not a container)
  bool opened = false;    // read as a container (false: not one after all)
  uint64_t members = 0;   // members reported (read or skipped)
};

// The first bytes DetectContainer needs to recognise every format (ISO 9660
// puts its magic at 32 KiB).
inline constexpr size_t kContainerProbeBytes = 0x9006;

// Reads the members of `container` (content `data`) and reports each to
// `sink`. `container` is the subject of the container itself (its chain is
// extended for the members). Returns opened=false when the data turns out
// not to be a container of a known format (nothing reported).
ExpandResult ExpandContainer(const Subject& container, std::span<const uint8_t> data,
                             const ContainerFormat& format, const ContainerLimits& limits,
                             ContainerBudget& budget, MemberSink& sink,
                             const std::atomic<bool>& cancel);

// The same for a container too large to hold in memory, read from `file`
// (`size` bytes, positioned anywhere): libarchive streams it through the
// file, seeking where the format needs it (zip, 7z); nothing but the current
// member is held in memory. OLE compound files need the whole file in memory:
// they are read into one buffer of `size` bytes (the caller bounds it).
ExpandResult ExpandContainerFile(const Subject& container, platform::ReadableFile& file,
                                 uint64_t size, const ContainerFormat& format,
                                 const ContainerLimits& limits, ContainerBudget& budget,
                                 MemberSink& sink, const std::atomic<bool>& cancel);

}  // namespace harrier
