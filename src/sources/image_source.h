// The disk-image source: the files inside a forensic disk image, read
// without mounting through The Sleuth Kit (libtsk), which reads raw/dd
// (also split: disk.001, disk.002, ...), EWF/E01 (libewf), VMDK and VHD
// images, MBR and GPT partition tables, and NTFS, FAT, exFAT, ext2/3/4,
// HFS+ and ISO 9660 file systems.
//
// Each regular file becomes a Subject of kind kImageEntry whose chain names
// the image and the volume ("partition 2", or "volume" for an image that
// holds a bare file system, with the file system as its format); its path is
// the path inside the file system ("/Windows/System32/x.dll"). A Windows
// system volume (a Windows/System32 directory, or Users with Program Files
// or ProgramData at its root) gets the drive "C:", so the scan stage matches
// and shows its paths as Windows does ("C:\Windows\System32\x.dll"). NTFS
// alternate data streams are entries of their own ("/dir/file.txt:name").
//
// Nothing is reported silently lost: every volume is reported to the sink
// (walked, or skipped with a reason: no or unsupported file system), every
// non-directory entry exactly once (read, or skipped with a reason: size,
// symlink, special file, corrupt when libtsk cannot read it, unrecoverable
// for a deleted file whose content is gone).
//
// Never executes or mounts anything; the image is opened read-only. libtsk
// serialises reads of one image handle, so one call reads one image on the
// caller's thread and hands entries with their content to the sink (the
// pipeline scans them on its workers).
// Thread-safety: functions are reentrant; a sink is called on the caller's
// thread only.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/finding.h"
#include "core/subject.h"

namespace harrier {

// Every limit is a command-line option (docs/scanning.md, "Disk images").
struct ImageOptions {
  // --partition N: only the volume with this number (as the summary and
  // `harrier scan --image ... -v` list them); 0 = every volume.
  unsigned partition = 0;
  // --deleted: also the entries whose name is unallocated (deleted files,
  // and NTFS/FAT orphan files), read where their content is still there.
  bool deleted = false;
  // An entry larger than this is skipped "size" (--max-file-size).
  uint64_t max_entry_bytes = 32ULL << 20;
};

// One volume of an image: a partition, or the whole image when it holds a
// bare file system.
struct VolumeReport {
  std::string name;                   // "partition 2", "volume"
  std::string filesystem;             // "ntfs", "fat32", "ext4", ... ("" when none was found)
  uint64_t offset = 0;                // byte offset in the image
  uint64_t size = 0;                  // bytes
  std::string drive;                  // "C:" for a Windows system volume
  std::optional<SkipReason> skipped;  // not walked: why
  std::string detail;                 // what libtsk said, for a skipped volume
};

class ImageSink {
 public:
  virtual ~ImageSink() = default;
  // Called with an entry's first bytes (kImageScreenBytes, or the whole
  // entry when shorter) before the rest is read. A reason skips the entry
  // (reported to OnEntrySkipped with it); nullopt reads it.
  virtual std::optional<SkipReason> Screen(const Subject& entry, std::span<const uint8_t> head) {
    return std::nullopt;
  }
  // The size up to which `entry` is read (ImageOptions::max_entry_bytes is
  // `limit`); larger entries are skipped "size".
  virtual uint64_t MaxEntryBytes(const Subject& entry, uint64_t limit) {
    (void)entry;
    return limit;
  }
  // An entry read in full; the content is handed over. Returns false to stop
  // the image (cancel).
  virtual bool OnEntry(Subject entry, std::vector<uint8_t> content) = 0;
  virtual void OnEntrySkipped(Subject entry, SkipReason why, std::string detail) = 0;
  // A volume, before its entries (or instead of them when skipped).
  virtual void OnVolume(const VolumeReport& volume) = 0;
};

inline constexpr size_t kImageScreenBytes = 512;

// True when `head` (at least the first 1,088 bytes of an object, or all of
// it) starts like a raw disk or volume image: an MBR or GPT, or the boot
// sector or superblock of NTFS, FAT, exFAT, ext2/3/4 or HFS+. Cheap (magic
// bytes only); a false positive costs one failed open.
bool LooksLikeDiskImage(std::span<const uint8_t> head);

struct ImageResult {
  bool opened = false;   // an image libtsk could read (a partition table or a file system)
  std::string format;    // "raw", "ewf", "vmdk", "vhd", "memory"
  std::string error;     // why it was not opened
  uint64_t volumes = 0;  // volumes reported to the sink
};

// Reads the image at `path` (the first file of a split or segmented set;
// the others are found by name). `image` is the subject of the image file
// itself (its chain is extended for the entries).
ImageResult ScanImage(const Subject& image, const std::string& path, const ImageOptions& opts,
                      ImageSink& sink, const std::atomic<bool>& cancel);

// The same for an image held in memory (a member of an archive): raw only.
ImageResult ScanImageBuffer(const Subject& image, std::span<const uint8_t> data,
                            const ImageOptions& opts, ImageSink& sink,
                            const std::atomic<bool>& cancel);

}  // namespace harrier
