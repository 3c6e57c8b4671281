// OLE compound files (CFB / "OLE2": MSI installers and patches, legacy
// Office .doc/.xls/.ppt, Outlook .msg, ...): every stream of one file in
// memory, handed to a visitor together with its storage path.
//
// Reading goes through libgsf (GsfInputMemory over the caller's bytes, no
// copy, + GsfInfileMSOle). Before libgsf sees a file, its header is checked
// against the MS-CFB rules that libgsf 1.14.50 (Debian 12) does not enforce
// and whose violation makes it use unbounded stack or time: sector size 512
// or 4096, mini sector size 64, mini stream cutoff 4096, a FAT no larger
// than the file needs (libgsf sizes a stack buffer by it), a directory tree
// whose sibling links libgsf can follow recursively without exhausting a
// thread's stack (kMaxOleDirectoryDepth; a 6.4 MB file with 50,000 chained
// siblings overflows an 8 MiB stack inside libgsf), a root entry without
// siblings (libgsf leaks the root's siblings), and at most 16,384
// reachable directory entries (libgsf sorts each storage's children by
// insertion: quadratic time). Files that fail these checks are Corrupt.
//
// Stream names: libgsf hands out names as UTF-8. Harrier turns them into
// printable, '/'-joinable path components (DecodeOleName):
//  * in MSI-family files (root CLSID 000C1082/4/6-0000-0000-C000-
//    000000000046, or a root entry whose name starts with U+4840) the
//    MSI name packing is undone: U+3800..U+47FF hold two characters of the
//    alphabet [0-9A-Za-z._] (low 6 bits first), U+4800..U+483F one, and
//    U+4840 is the "!" that prefixes table streams ("!_StringPool",
//    "Binary.bannrbmp", "product.cab");
//  * control characters, DEL, '/' and '\' become \xNN (so "\x01Ole10Native",
//    "\x05SummaryInformation"); bytes that are not UTF-8 become \xNN too;
//  * an empty name becomes "\?". libgsf also gives an empty name to an entry
//    whose name is not valid UTF-16 (a lone surrogate): it does not expose
//    the raw name, so such names cannot be kept as \xNN bytes and show as
//    "\?" as well.
//
// Ole10Native: a stream named "\x01Ole10Native" (an OLE1 "Package" object:
// a file embedded in a document) is visited as a stream, and the embedded
// file is then visited as an extra OleStream with embedded_file = true and
// path "<stream path>/<file name>", i.e. ".../\x01Ole10Native/<name>".
// Layout (checked on an Office-made file): u32 size of what follows, u16
// type, label\0, source path\0, u16, u16, u32 length + temp path, u32 data
// size, data. Every field is bounds-checked; a data size that claims more
// than the stream holds is cut to what it holds.
//
// libgsf warnings: libgsf reports malformed input with g_warning /
// g_return_if_fail (GLib log domains "libgsf:msole" and the default domain),
// which would print one or more lines per bad file on stderr. The first call
// of ForEachOleStream installs a GLib log handler for those two domains that
// swallows messages logged on a thread while that thread is inside
// ForEachOleStream (the first one becomes part of a Corrupt status message)
// and passes every other message to GLib's default handler, so other users of
// those domains in the process are unaffected.
//
// Thread-safety: ForEachOleStream may be called concurrently from any number
// of threads (libgsf is initialised once, with std::call_once; each call has
// its own libgsf objects). The visitor runs on the calling thread.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace harrier {

// Limits of one ForEachOleStream call. Hitting one records an OleSkip.
struct OleLimits {
  // Streams handed to `visit` per file (embedded Ole10Native files count).
  // The first stream beyond it is recorded with reason "limit" and the walk
  // stops.
  uint64_t max_streams = 10000;
  // A larger stream is not read: recorded with reason "size", walk goes on.
  uint64_t max_stream_bytes = 32ULL << 20;
  // Bytes of all streams read from one file together. The first stream that
  // would go beyond it is recorded with reason "total" and the walk stops.
  uint64_t max_total_bytes = 1ULL << 30;
  // Storage nesting: a storage at nesting level > max_depth (root-level
  // storages are level 1) is not entered: recorded with reason "depth".
  int max_depth = 32;
};

struct OleStream {
  // Storage path inside the file: decoded, escaped names (see above) joined
  // by '/', no leading '/': "Binary.bannrbmp", "ObjectPool/_1/\x01Ole10Native".
  std::string path;
  std::vector<uint8_t> data;   // the stream bytes
  bool embedded_file = false;  // data is a file extracted from an Ole10Native stream
};

// A stream or storage not visited. reason: "size", "limit", "total",
// "depth", or "error" (libgsf could not open or read it).
struct OleSkip {
  std::string path;
  std::string reason;
};

struct OleResult {
  uint64_t streams = 0;  // OleStreams handed to visit (embedded files included)
  std::vector<OleSkip> skipped;
};

// Nesting of the directory entry tree (sibling links + storage nesting)
// beyond which a file is Corrupt: libgsf 1.14.50 parses the tree
// recursively, one stack frame per level. Writers link siblings as a
// balanced red-black tree (depth ~2·log2 n) or, at worst, as a list (depth n,
// n = entries of one storage). 8192 levels need well under 2 MiB of stack.
inline constexpr uint32_t kMaxOleDirectoryDepth = 8192;

// True when `head` starts with the OLE2 compound file signature
// D0 CF 11 E0 A1 B1 1A E1.
bool IsOleFile(std::span<const uint8_t> head);

// Visits every stream of the compound file in `file` (in memory; never
// touches the file system), storages depth-first in libgsf's order. `visit`
// returns false to stop early (the result then holds what was visited so
// far). Malformed input gives a Status error (Corrupt) — never a crash, hang
// or unbounded memory: memory is bounded by a small multiple of the file size
// plus twice max_stream_bytes (a stream and the file embedded in it). A
// stream that libgsf cannot open or read is an OleSkip ("error"), not an
// error of the whole file.
// REQUIRES: `file` outlives the call; `visit` is callable.
Result<OleResult> ForEachOleStream(std::span<const uint8_t> file, const OleLimits& limits,
                                   const std::function<bool(OleStream&&)>& visit);

// One storage/stream name as libgsf returns it (UTF-8) turned into a path
// component: MSI packing undone when `msi` is true, then escaped as described
// at the top of this file. Pure.
std::string DecodeOleName(std::string_view name, bool msi);

}  // namespace harrier
