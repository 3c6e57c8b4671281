// Unpacking a signature archive (zip or tar, plain or gzip/bzip2/xz
// compressed, told apart by content) into a fresh folder, with libarchive.
// The archive is untrusted: every member name goes through
// ConfineMemberPath, only folders and regular files are written, and the
// whole archive is refused at the first member that is not (the caller
// then discards the folder), so a set is either complete or not installed.
// Thread-safety: ExtractArchive may be called concurrently for different
// folders.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

// Limits while unpacking; hitting one refuses the archive
// (ResourceExhausted naming the option).
struct ExtractLimits {
  // Bytes written for all members together (--max-unpacked-bytes).
  uint64_t max_total_bytes = 1ull << 30;
  // Members (files and folders) in the archive (--max-members).
  uint64_t max_members = 100000;
  // Bytes of one member (--max-member-bytes); the loader reads rule files of
  // up to 64 MiB by default.
  uint64_t max_member_bytes = 64ull << 20;
};

struct ExtractStats {
  uint64_t files = 0, folders = 0, bytes = 0;
  std::string format;  // libarchive's name, e.g. "GNU tar format", "ZIP 2.0 (deflation)"
};

// Unpacks `archive` into `dest`, which must exist and be empty (a private
// folder of the caller's). Refused, with the member named:
//  * a name ConfineMemberPath refuses ("member '../x': '..' leaves the folder"),
//  * a symbolic or hard link, device, FIFO or socket member ("member 'x' is a
//    symbolic link (to '/etc'): links are not installed"),
//  * the same name twice, or a file where a folder is needed,
//  * a limit above exceeded,
//  * anything libarchive cannot read (Corrupt: a truncated or damaged archive,
//    an unknown format, an encrypted member).
// Folders are created 0700 and files 0600 (platform/store_fs.h), never
// through an existing name.
Result<ExtractStats> ExtractArchive(std::string_view archive, const std::string& dest,
                                    const ExtractLimits& limits);

}  // namespace harrier
