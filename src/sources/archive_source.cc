#include "sources/archive_source.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>

#include "sources/mspack_reader.h"
#include "sources/ole_reader.h"

namespace harrier {
namespace {

using namespace std::string_view_literals;

struct ReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<archive, ReadFree>;

using FilterFn = int (*)(archive*);

// The decompression filters libarchive runs in-process here. A filter that
// libarchive can only run through an external program (it answers
// ARCHIVE_WARN when enabled) is left out: scanned content never starts a
// process. Probed once.
const std::vector<FilterFn>& InProcessFilters() {
  static const std::vector<FilterFn> filters = [] {
    std::vector<FilterFn> ok;
    for (FilterFn f : {archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
                       archive_read_support_filter_xz, archive_read_support_filter_lzma,
                       archive_read_support_filter_lzip, archive_read_support_filter_zstd,
                       archive_read_support_filter_lz4, archive_read_support_filter_compress,
                       archive_read_support_filter_rpm}) {
      ArchivePtr probe(archive_read_new());
      if (probe && f(probe.get()) == ARCHIVE_OK) ok.push_back(f);
    }
    return ok;
  }();
  return filters;
}

// raw_only: only the raw format (the content of a compressed stream as one
// member), for a stream that no archive format yields a member from.
ArchivePtr NewReader(bool raw_only) {
  ArchivePtr a(archive_read_new());
  if (!a) return a;
  archive* r = a.get();
  if (raw_only) {
    archive_read_support_format_raw(r);
    for (FilterFn f : InProcessFilters()) f(r);
    return a;
  }
  // Not archive_read_support_format_all: it enables mtree, whose entries
  // name files on the host that libarchive would then open.
  archive_read_support_format_7zip(r);
  archive_read_support_format_ar(r);
  archive_read_support_format_cab(r);
  archive_read_support_format_cpio(r);
  archive_read_support_format_iso9660(r);
  archive_read_support_format_lha(r);
  archive_read_support_format_rar(r);
  archive_read_support_format_rar5(r);
  archive_read_support_format_tar(r);
  archive_read_support_format_xar(r);
  archive_read_support_format_zip(r);
  // Lowest bidder: a compressed file that holds no archive.
  archive_read_support_format_raw(r);
  for (FilterFn f : InProcessFilters()) f(r);
  return a;
}

std::string_view FormatName(int code) {
  switch (code & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_CPIO: return "cpio";
    case ARCHIVE_FORMAT_TAR: return "tar";
    case ARCHIVE_FORMAT_ISO9660: return "iso";
    case ARCHIVE_FORMAT_ZIP: return "zip";
    case ARCHIVE_FORMAT_AR: return "ar";
    case ARCHIVE_FORMAT_RAW: return "raw";
    case ARCHIVE_FORMAT_XAR: return "xar";
    case ARCHIVE_FORMAT_LHA: return "lha";
    case ARCHIVE_FORMAT_CAB: return "cab";
    case ARCHIVE_FORMAT_RAR: return "rar";
    case ARCHIVE_FORMAT_7ZIP: return "7z";
    case ARCHIVE_FORMAT_RAR_V5: return "rar";
    default: return "archive";
  }
}

// Short name of a filter for "tar.gz"; long name for a lone compressed file.
std::pair<std::string_view, std::string_view> FilterNames(int code) {
  switch (code) {
    case ARCHIVE_FILTER_GZIP: return {"gz", "gzip"};
    case ARCHIVE_FILTER_BZIP2: return {"bz2", "bzip2"};
    case ARCHIVE_FILTER_COMPRESS: return {"Z", "compress"};
    case ARCHIVE_FILTER_LZMA: return {"lzma", "lzma"};
    case ARCHIVE_FILTER_XZ: return {"xz", "xz"};
    case ARCHIVE_FILTER_RPM: return {"rpm", "rpm"};
    case ARCHIVE_FILTER_LZIP: return {"lz", "lzip"};
    case ARCHIVE_FILTER_LZ4: return {"lz4", "lz4"};
    case ARCHIVE_FILTER_ZSTD: return {"zst", "zstd"};
    default: return {"filter", "compressed"};
  }
}

// "zip", "tar.gz", "gzip", "rpm" (cpio in an rpm), ...
std::string ContainerFormatName(archive* a) {
  int nfilters = archive_filter_count(a);  // the last one is "none"
  std::string_view fmt = FormatName(archive_format(a));
  std::vector<int> codes;
  for (int i = nfilters - 2; i >= 0; --i) codes.push_back(archive_filter_code(a, i));
  if (!codes.empty() && codes.front() == ARCHIVE_FILTER_RPM) return "rpm";
  if (fmt == "raw") return std::string(codes.empty() ? "raw" : FilterNames(codes.back()).second);
  std::string out(fmt);
  for (int c : codes) out.append(".").append(FilterNames(c).first);
  return out;
}

// The one member of a compressed single file: its container's name without
// the compression suffix ("x.log.gz" -> "x.log", "a.tgz" -> "a.tar").
std::string RawMemberName(std::string_view container_name) {
  std::string n(container_name);
  auto dot = n.rfind('.');
  if (dot == std::string::npos || dot == 0) return n + ".data";
  std::string ext = n.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == "tgz" || ext == "tbz2" || ext == "txz" || ext == "tzst") return n.substr(0, dot) + ".tar";
  static constexpr std::string_view kSuffixes[] = {"gz", "bz2", "xz", "lzma", "lz", "zst", "lz4", "z"};
  for (auto s : kSuffixes)
    if (ext == s) return n.substr(0, dot);
  return n + ".data";
}

std::string MemberBaseName(std::string_view p) {
  while (!p.empty() && (p.back() == '/' || p.back() == '\\')) p.remove_suffix(1);
  auto s = p.find_last_of("/\\");
  return std::string(s == std::string_view::npos ? p : p.substr(s + 1));
}

Subject MemberSubject(const Subject& container, std::string_view format, std::string path,
                      const FileAttrs& attrs) {
  Subject m;
  m.kind = SubjectKind::kArchiveMember;
  m.containers = container.containers;
  m.containers.push_back({container.path, std::string(format)});
  m.display_root = container.display_root;
  m.name = MemberBaseName(path);
  m.path = std::move(path);
  m.file = attrs;
  return m;
}

bool Mentions(const char* msg, std::initializer_list<std::string_view> words) {
  if (!msg) return false;
  std::string m(msg);
  std::transform(m.begin(), m.end(), m.begin(), [](unsigned char c) { return std::tolower(c); });
  for (auto w : words)
    if (m.find(w) != std::string::npos) return true;
  return false;
}

// Why libarchive could not read something, from its error text (libarchive
// has no error codes for these): encryption, an unsupported method, or damage.
SkipReason ClassifyError(archive* a) {
  const char* msg = archive_error_string(a);
  if (Mentions(msg, {"encrypt", "passphrase", "password", "decryption"})) return SkipReason::kEncrypted;
  if (Mentions(msg, {"unsupported", "not supported", "unknown compression", "unsupported compression"}))
    return SkipReason::kUnsupported;
  return SkipReason::kCorrupt;
}

std::string ErrorText(archive* a) {
  const char* msg = archive_error_string(a);
  return msg ? msg : "unknown libarchive error";
}

// Formats whose members share compressed blocks (7z and rar solid blocks,
// cab folders): stepping over a member decompresses it, as in a compressed
// stream.
bool MembersShareCompression(int format_code) {
  switch (format_code & ARCHIVE_FORMAT_BASE_MASK) {
    case ARCHIVE_FORMAT_7ZIP:
    case ARCHIVE_FORMAT_RAR:
    case ARCHIVE_FORMAT_RAR_V5:
    case ARCHIVE_FORMAT_CAB:
      return true;
    default:
      return false;
  }
}

bool HasPrefix(std::span<const uint8_t> d, size_t off, std::string_view magic) {
  return d.size() >= off + magic.size() && std::memcmp(d.data() + off, magic.data(), magic.size()) == 0;
}

}  // namespace

std::optional<ContainerFormat> DetectContainer(std::span<const uint8_t> d) {
  if (IsOleFile(d)) return ContainerFormat{ContainerFormat::Reader::kOle};
  if (MspackFormat m; DetectMspack(d, &m))
    return ContainerFormat{ContainerFormat::Reader::kMspack, static_cast<int>(m)};
  // Magic numbers of the formats NewReader reads (format facts).
  static constexpr std::pair<size_t, std::string_view> kMagics[] = {
      {0, "PK\x03\x04"sv},          // zip
      {0, "PK\x05\x06"sv},          // empty zip
      {0, "PK\x07\x08"sv},          // spanned zip
      {0, "7z\xbc\xaf\x27\x1c"sv},  // 7z
      {0, "Rar!\x1a\x07"sv},        // rar, rar5
      {0, "MSCF\0\0\0\0"sv},        // cab
      {0, "\x1f\x8b"sv},            // gzip
      {0, "BZh"sv},                 // bzip2
      {0, "\xfd" "7zXZ\0"sv},       // xz
      {0, "\x28\xb5\x2f\xfd"sv},    // zstd
      {0, "\x04\x22\x4d\x18"sv},    // lz4
      {0, "LZIP"sv},                // lzip
      {0, "\x1f\x9d"sv},            // compress
      {0, "\x5d\x00\x00"sv},        // lzma (alone)
      {0, "070707"sv},              // cpio odc
      {0, "070701"sv},              // cpio newc
      {0, "070702"sv},              // cpio crc
      {0, "xar!"sv},                // xar
      {0, "!<arch>\n"sv},           // ar (deb)
      {0, "\xed\xab\xee\xdb"sv},    // rpm
      {257, "ustar"sv},             // tar
      {0x8001, "CD001"sv},          // iso9660
      {0x8801, "CD001"sv},
      {0x9001, "CD001"sv},
  };
  for (const auto& [off, magic] : kMagics)
    if (HasPrefix(d, off, magic)) return ContainerFormat{ContainerFormat::Reader::kLibarchive};
  // lha: "-lh?-" or "-lz?-" at offset 2.
  if (d.size() >= 7 && d[2] == '-' && d[3] == 'l' && (d[4] == 'h' || d[4] == 'z') && d[6] == '-')
    return ContainerFormat{ContainerFormat::Reader::kLibarchive};
  return std::nullopt;
}

namespace {

// Bytes a container of `size` bytes may expand to (--archive-max-ratio, with
// its floor), beside the walked file's budget.
uint64_t ContainerCap(const ContainerLimits& limits, uint64_t size) {
  const double cap = limits.max_ratio * static_cast<double>(size);
  return std::max<uint64_t>(limits.ratio_floor_bytes,
                            cap > 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(cap));
}

// libarchive reading a platform::ReadableFile through callbacks.
struct FileInput {
  platform::ReadableFile* file;
  uint64_t size;
  uint64_t pos = 0;
  std::vector<uint8_t> buf = std::vector<uint8_t>(256 * 1024);

  static la_ssize_t Read(archive* a, void* ud, const void** out) {
    auto* in = static_cast<FileInput*>(ud);
    auto n = in->file->Read(in->buf);
    if (!n.ok()) {
      archive_set_error(a, EIO, "%s", n.status().ToString().c_str());
      return -1;
    }
    in->pos += *n;
    *out = in->buf.data();
    return static_cast<la_ssize_t>(*n);
  }
  static la_int64_t SeekTo(archive* a, FileInput* in, int64_t target) {
    target = std::clamp<int64_t>(target, 0, static_cast<int64_t>(in->size));
    if (Status s = in->file->Seek(static_cast<uint64_t>(target)); !s.ok()) {
      archive_set_error(a, EIO, "%s", s.ToString().c_str());
      return ARCHIVE_FATAL;
    }
    in->pos = static_cast<uint64_t>(target);
    return target;
  }
  static la_int64_t Seek(archive* a, void* ud, la_int64_t offset, int whence) {
    auto* in = static_cast<FileInput*>(ud);
    int64_t base = whence == SEEK_SET ? 0
                   : whence == SEEK_CUR ? static_cast<int64_t>(in->pos)
                                        : static_cast<int64_t>(in->size);
    return SeekTo(a, in, base + offset);
  }
  static la_int64_t Skip(archive* a, void* ud, la_int64_t request) {
    auto* in = static_cast<FileInput*>(ud);
    uint64_t from = in->pos;
    la_int64_t to = SeekTo(a, in, static_cast<int64_t>(from) + request);
    return to < 0 ? 0 : to - static_cast<la_int64_t>(from);
  }
};

// Opens `a` on the container's bytes: memory, or a file through FileInput.
struct ArchiveInput {
  std::span<const uint8_t> memory;
  FileInput* file = nullptr;
  uint64_t size() const { return file ? file->size : memory.size(); }
  bool Open(archive* a) const {
    if (!file) return archive_read_open_memory(a, memory.data(), memory.size()) == ARCHIVE_OK;
    if (!file->file->Seek(0).ok()) return false;  // opened again: from the start
    file->pos = 0;
    archive_read_set_read_callback(a, FileInput::Read);
    archive_read_set_seek_callback(a, FileInput::Seek);
    archive_read_set_skip_callback(a, FileInput::Skip);
    archive_read_set_callback_data(a, file);
    return archive_read_open1(a) == ARCHIVE_OK;
  }
};

// The name of the compression whose magic starts `head` when this build's
// libarchive cannot decompress it in-process: built without liblzma,
// libbz2, libzstd or liblz4 (the Windows build has zlib only), it would
// fall back to an external program, which Harrier never runs. nullopt for
// anything else (Debian's libarchive has them all).
std::optional<std::string_view> CompressionMissingInThisBuild(std::span<const uint8_t> head) {
  struct Filter {
    std::string_view magic;
    std::string_view name;
    int (*support)(archive*);
  };
  static const Filter kFilters[] = {
      {"\xfd" "7zXZ\0"sv, "xz", archive_read_support_filter_xz},
      {"BZh"sv, "bzip2", archive_read_support_filter_bzip2},
      {"\x28\xb5\x2f\xfd"sv, "zstd", archive_read_support_filter_zstd},
      {"\x04\x22\x4d\x18"sv, "lz4", archive_read_support_filter_lz4},
      {"LZIP"sv, "lzip", archive_read_support_filter_lzip},
      {"\x5d\x00\x00"sv, "lzma", archive_read_support_filter_lzma},
  };
  for (const Filter& f : kFilters) {
    if (!HasPrefix(head, 0, f.magic)) continue;
    ArchivePtr probe(archive_read_new());
    if (probe && f.support(probe.get()) == ARCHIVE_OK) return std::nullopt;
    return f.name;
  }
  return std::nullopt;
}

ExpandResult ExpandLibarchive(const Subject& container, const ArchiveInput& input,
                              const ContainerLimits& limits, ContainerBudget& budget,
                              MemberSink& sink, const std::atomic<bool>& cancel,
                              bool raw_only = false) {
  ExpandResult res;
  {
    uint8_t head_buf[8] = {0};
    std::span<const uint8_t> head = input.memory.subspan(0, std::min<size_t>(8, input.memory.size()));
    if (input.file && input.file->file->Seek(0).ok()) {
      auto n = input.file->file->Read(head_buf);
      head = {head_buf, n.ok() ? *n : 0};
    }
    if (auto missing = CompressionMissingInThisBuild(head)) {
      res.opened = true;
      res.format = std::string(*missing);
      FileAttrs none;
      sink.OnMemberSkipped(MemberSubject(container, res.format, "\xe2\x80\xa6", none),
                           SkipReason::kUnsupported,
                           fmt::format("{} compression: unsupported in this build", *missing));
      ++res.members;
      return res;
    }
  }
  ArchivePtr a = NewReader(raw_only);
  if (!a) return res;
  if (!input.Open(a.get())) return res;

  // Expansion allowed for this container (ratio), beside the walked file's budget.
  const uint64_t container_cap = ContainerCap(limits, input.size());
  uint64_t produced = 0;
  std::vector<uint8_t> buf;
  std::string format;
  bool compressed_stream = false;  // a filter (gzip, xz, ...) around the archive
  bool step_decompresses = false;  // stepping over a member decompresses it
  uint8_t chunk[64 * 1024];
  const std::string container_name = container.name;
  auto unreached = [&](SkipReason why, std::string detail) {
    FileAttrs none;
    sink.OnMemberSkipped(MemberSubject(container, format.empty() ? "archive" : format,
                                       "\xe2\x80\xa6", none),  // "…": the members not reached
                         why, std::move(detail));
    ++res.members;
  };
  // Steps over the rest of the current member by reading and discarding it,
  // where stepping over decompresses it anyway (step_decompresses): that work
  // counts against the ratio like a read. libarchive's own skip would do the
  // same work without a bound, and in 7z (libarchive < 3.7.5, its issue 2106)
  // breaks the next member of a solid block when the skipped one is a
  // multiple of 64 KiB (regression tests
  // ArchiveHostileE2E.MemberAfterOversizedMemberInSolidBlockIsRead,
  // ArchiveHostileE2E.SolidBombStepsAreBoundedByRatio). Returns why the
  // container must end (kCount: cancelled, nothing to report), or nullopt.
  auto step_over = [&]() -> std::optional<std::pair<SkipReason, std::string>> {
    for (;;) {
      if (cancel.load(std::memory_order_relaxed)) return std::pair{SkipReason::kCount, ""};
      la_ssize_t n = archive_read_data(a.get(), chunk, sizeof chunk);
      if (n == 0) return std::nullopt;
      if (n < 0) return std::pair{ClassifyError(a.get()), ErrorText(a.get())};
      produced += static_cast<uint64_t>(n);
      if (produced > container_cap)
        return std::pair{SkipReason::kRatio,
                         std::string("members after the one above were not read "
                                     "(--archive-max-ratio)")};
    }
  };

  for (;;) {
    if (cancel.load(std::memory_order_relaxed)) break;
    archive_entry* e = nullptr;
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) {
      // A compressed stream that ends before its first member is read again
      // as one raw member: the tar reader takes any content whose first 512
      // bytes are zero for an empty archive (end-of-archive block), which
      // would leave that content unscanned and uncounted (regression test
      // ArchiveHostileE2E.CompressedContentStartingWithZerosIsScanned).
      if (format.empty() && !raw_only && archive_filter_count(a.get()) > 1)
        return ExpandLibarchive(container, input, limits, budget, sink, cancel, /*raw_only=*/true);
      break;
    }
    if (r == ARCHIVE_RETRY) r = archive_read_next_header(a.get(), &e);
    if (format.empty()) {
      format = ContainerFormatName(a.get());
      // An uncompressed file that holds no archive is not a container.
      if (format == "raw") return res;
      if (r == ARCHIVE_FATAL && res.members == 0 && archive_format(a.get()) == 0) {
        // No format recognised the data: not a container after all.
        return res;
      }
      res.opened = true;
      res.format = format;
      compressed_stream = archive_filter_count(a.get()) > 1;
      step_decompresses = compressed_stream || MembersShareCompression(archive_format(a.get()));
    }
    if (r == ARCHIVE_FATAL || r == ARCHIVE_RETRY) {
      unreached(ClassifyError(a.get()), ErrorText(a.get()));
      break;
    }
    if (r == ARCHIVE_FAILED) {  // this header is unusable; the next may be fine
      unreached(ClassifyError(a.get()), ErrorText(a.get()));
      continue;
    }
    // r is ARCHIVE_OK or ARCHIVE_WARN (e.g. a name that does not convert).
    if (res.members >= limits.max_members) {
      unreached(SkipReason::kLimit, fmt::format("more than {} members (--archive-max-members)",
                                                limits.max_members));
      break;
    }
    const char* pn = archive_entry_pathname(e);
    bool raw = (archive_format(a.get()) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW;
    std::string path = raw ? RawMemberName(container_name) : (pn && *pn ? pn : "?");
    FileAttrs attrs;
    if (archive_entry_size_is_set(e) && archive_entry_size(e) > 0)
      attrs.size = static_cast<uint64_t>(archive_entry_size(e));
    if (archive_entry_mtime_is_set(e)) attrs.mtime = archive_entry_mtime(e);
    attrs.mode = archive_entry_perm(e) & 07777;
    mode_t type = archive_entry_filetype(e);
    if (type == AE_IFDIR) continue;  // directories are not members
    ++res.members;
    if (type != AE_IFREG && type != 0) {
      sink.OnMemberSkipped(MemberSubject(container, format, std::move(path), attrs),
                           type == AE_IFLNK ? SkipReason::kSymlink : SkipReason::kSpecialFile,
                           "not a regular file");
      continue;
    }
    if (archive_entry_is_encrypted(e)) {
      sink.OnMemberSkipped(MemberSubject(container, format, std::move(path), attrs),
                           SkipReason::kEncrypted, "encrypted member");
      continue;
    }
    if (attrs.size > limits.max_member_bytes) {
      sink.OnMemberSkipped(MemberSubject(container, format, std::move(path), attrs),
                           SkipReason::kSize,
                           fmt::format("{} bytes, over the member size limit", attrs.size));
      // Where stepping over the member decompresses it, it is stepped over
      // by reading and discarding it: that work counts against the ratio
      // like a read. libarchive's own skip would do the same work without a
      // bound, and in 7z (libarchive < 3.7.5, its issue 2106) breaks the next
      // member of a solid block when the skipped one is a multiple of 64 KiB
      // (regression tests ArchiveHostileE2E.MemberAfterOversizedMemberInSolidBlockIsRead,
      // ArchiveHostileE2E.SolidBombStepsAreBoundedByRatio).
      if (step_decompresses) {
        if (auto stopped = step_over(); stopped) {
          if (stopped->first != SkipReason::kCount) unreached(stopped->first, stopped->second);
          break;
        }
      }
      continue;
    }
    // Read the member, bounded by the member size, the ratio and the budget;
    // the sink screens its first bytes before the rest is decompressed.
    buf.clear();
    std::optional<SkipReason> why;
    std::string detail;
    bool stop = false;
    bool screened = false;
    Subject screen_subject;
    auto screen = [&]() -> bool {  // true: skip the member
      screened = true;
      screen_subject = MemberSubject(container, format, path, attrs);
      std::optional<SkipReason> s = sink.Screen(
          screen_subject, std::span<const uint8_t>(buf).subspan(
                              0, std::min<size_t>(buf.size(), kMemberScreenBytes)));
      if (!s) return false;
      why = *s;
      detail = "not selected from its name and first bytes";
      return true;
    };
    for (;;) {
      if (cancel.load(std::memory_order_relaxed)) {
        stop = true;
        break;
      }
      la_ssize_t n = archive_read_data(a.get(), chunk, sizeof chunk);
      if (n == 0) break;
      if (n < 0) {
        why = ClassifyError(a.get());
        detail = ErrorText(a.get());
        stop = n == ARCHIVE_FATAL;
        break;
      }
      uint64_t un = static_cast<uint64_t>(n);
      produced += un;
      if (buf.size() + un > limits.max_member_bytes) {
        why = SkipReason::kSize;
        detail = fmt::format("expands beyond the member size limit ({} bytes)",
                             limits.max_member_bytes);
        break;
      }
      if (produced > container_cap) {
        why = SkipReason::kRatio;
        detail = fmt::format("the container expands beyond {}x its size (--archive-max-ratio)",
                             limits.max_ratio);
        stop = true;
        break;
      }
      if (un > budget.bytes_left) {
        why = SkipReason::kLimit;
        detail = "the bytes read below this file reached --archive-max-total";
        budget.bytes_left = 0;
        stop = true;
        break;
      }
      budget.bytes_left -= un;
      buf.insert(buf.end(), chunk, chunk + n);
      if (!screened && buf.size() >= kMemberScreenBytes && screen()) break;
    }
    if (stop && !why) break;  // cancelled
    if (!why && !screened) screen();  // a member shorter than the screen
    if (why && screened && !stop) {
      // Screened out: not read further. The one member of a compressed file
      // has nothing after it; elsewhere, where stepping over decompresses,
      // the rest is stepped over within the ratio.
      attrs.size = std::max<uint64_t>(attrs.size, buf.size());
      sink.OnMemberSkipped(std::move(screen_subject), *why, std::move(detail));
      if (raw) break;
      if (step_decompresses) {
        if (auto stopped = step_over(); stopped) {
          if (stopped->first != SkipReason::kCount) unreached(stopped->first, stopped->second);
          break;
        }
      }
      continue;
    }
    // A member found too big only while read has no known end: in a
    // compressed stream, stepping over its rest could decompress without
    // bound, so the container ends here.
    if (why == SkipReason::kSize && compressed_stream) stop = true;
    if (why) {
      attrs.size = std::max<uint64_t>(attrs.size, buf.size());
      sink.OnMemberSkipped(MemberSubject(container, format, std::move(path), attrs), *why,
                           std::move(detail));
      if (stop) {
        // Members after a ratio or budget stop, or after fatal damage, are
        // never reached: one more count says so unless this was the last.
        if (archive_read_next_header(a.get(), &e) == ARCHIVE_OK)
          unreached(*why == SkipReason::kSize ? SkipReason::kLimit : *why,
                    "members after the one above were not read");
        break;
      }
      continue;
    }
    attrs.size = buf.size();
    if (!sink.OnMember(MemberSubject(container, format, std::move(path), attrs), buf)) break;
  }
  return res;
}

// The skip reasons the OLE and mspack readers name, as counted skips.
SkipReason ReaderSkipReason(std::string_view r) {
  if (r == "size") return SkipReason::kSize;
  if (r == "limit" || r == "total") return SkipReason::kLimit;
  if (r == "depth") return SkipReason::kDepth;
  return SkipReason::kCorrupt;
}

// Why a whole OLE or mspack container was not read: Unsupported when its
// reader is not in this build (the Windows build), else damage.
SkipReason ReaderErrorReason(const Status& s) {
  return s.code() == Status::Code::kUnsupported ? SkipReason::kUnsupported : SkipReason::kCorrupt;
}

// The streams of an OLE compound file (MSI, doc/xls/ppt, msg) as members.
ExpandResult ExpandOle(const Subject& container, std::span<const uint8_t> data,
                       const ContainerLimits& limits, ContainerBudget& budget, MemberSink& sink,
                       const std::atomic<bool>& cancel) {
  ExpandResult res;
  std::string ext = container.name.substr(std::min(container.name.size(),
                                                   container.name.rfind('.') + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  res.format = ext == "msi" || ext == "msp" || ext == "mst" ? "msi" : "ole";
  res.opened = true;
  OleLimits ol;
  ol.max_streams = limits.max_members;
  ol.max_stream_bytes = limits.max_member_bytes;
  const uint64_t container_cap = ContainerCap(limits, data.size());
  ol.max_total_bytes = std::min(budget.bytes_left, container_cap);
  bool stopped = false;
  auto r = ForEachOleStream(data, ol, [&](OleStream&& st) {
    if (cancel.load(std::memory_order_relaxed)) {
      stopped = true;
      return false;
    }
    ++res.members;
    FileAttrs attrs;
    attrs.size = st.data.size();
    budget.bytes_left -= std::min<uint64_t>(budget.bytes_left, st.data.size());
    if (!sink.OnMember(MemberSubject(container, res.format, std::move(st.path), attrs), st.data)) {
      stopped = true;
      return false;
    }
    return true;
  });
  if (!r.ok()) {
    FileAttrs none;
    ++res.members;
    sink.OnMemberSkipped(MemberSubject(container, res.format, "\xe2\x80\xa6", none),
                         ReaderErrorReason(r.status()), r.status().ToString());
    return res;
  }
  if (stopped) return res;
  for (auto& skip : r->skipped) {
    ++res.members;
    FileAttrs none;
    SkipReason why = ReaderSkipReason(skip.reason);
    sink.OnMemberSkipped(MemberSubject(container, res.format, std::move(skip.path), none), why,
                         fmt::format("OLE stream not read: {}", skip.reason));
  }
  return res;
}

// CHM files and SZDD/KWAJ compressed files through libmspack.
ExpandResult ExpandMspack(const Subject& container, std::span<const uint8_t> data,
                          MspackFormat fmt_code, const ContainerLimits& limits,
                          ContainerBudget& budget, MemberSink& sink,
                          const std::atomic<bool>& cancel) {
  ExpandResult res;
  res.format = fmt_code == MspackFormat::kChm ? "chm" : fmt_code == MspackFormat::kSzdd ? "szdd" : "kwaj";
  res.opened = true;
  MspackLimits ml;
  ml.max_member_bytes = limits.max_member_bytes;
  ml.max_members = limits.max_members;
  const uint64_t container_cap = ContainerCap(limits, data.size());
  ml.max_total_bytes = std::min(budget.bytes_left, container_cap);
  // A single compressed file's member: its container's name, with the
  // compress.exe convention undone ("setup.ex_" -> "setup.ex").
  std::string single = container.name;
  if (!single.empty() && single.back() == '_') single.pop_back();
  else single += ".data";
  auto r = ForEachMspackMember(data, fmt_code, ml, [&](const MspackMember& m) {
    if (cancel.load(std::memory_order_relaxed)) return false;
    ++res.members;
    FileAttrs attrs;
    attrs.size = m.data.size();
    budget.bytes_left -= std::min<uint64_t>(budget.bytes_left, m.data.size());
    std::string path = m.path.empty() ? single : m.path;
    if (!path.empty() && path.front() == '/') path.erase(0, 1);  // CHM paths are rooted
    return sink.OnMember(MemberSubject(container, res.format, std::move(path), attrs), m.data);
  });
  FileAttrs none;
  if (!r.ok()) {
    ++res.members;
    sink.OnMemberSkipped(MemberSubject(container, res.format, "\xe2\x80\xa6", none),
                         ReaderErrorReason(r.status()), r.status().ToString());
    return res;
  }
  for (auto& skip : *r) {
    ++res.members;
    SkipReason why = ReaderSkipReason(skip.reason);
    std::string path = skip.path.empty() ? single : skip.path;
    if (!path.empty() && path.front() == '/') path.erase(0, 1);
    sink.OnMemberSkipped(MemberSubject(container, res.format, std::move(path), none), why,
                         fmt::format("not read: {}", skip.reason));
  }
  return res;
}

}  // namespace

ExpandResult ExpandContainer(const Subject& container, std::span<const uint8_t> data,
                             const ContainerFormat& format, const ContainerLimits& limits,
                             ContainerBudget& budget, MemberSink& sink,
                             const std::atomic<bool>& cancel) {
  switch (format.reader) {
    case ContainerFormat::Reader::kLibarchive:
      return ExpandLibarchive(container, ArchiveInput{data, nullptr}, limits, budget, sink,
                              cancel);
    case ContainerFormat::Reader::kOle:
      return ExpandOle(container, data, limits, budget, sink, cancel);
    case ContainerFormat::Reader::kMspack:
      return ExpandMspack(container, data, static_cast<MspackFormat>(format.mspack), limits,
                          budget, sink, cancel);
  }
  return ExpandResult{};
}

ExpandResult ExpandContainerFile(const Subject& container, platform::ReadableFile& file,
                                 uint64_t size, const ContainerFormat& format,
                                 const ContainerLimits& limits, ContainerBudget& budget,
                                 MemberSink& sink, const std::atomic<bool>& cancel) {
  if (Status s = file.Seek(0); !s.ok()) return ExpandResult{};
  if (format.reader == ContainerFormat::Reader::kLibarchive) {
    FileInput in{&file, size};
    return ExpandLibarchive(container, ArchiveInput{{}, &in}, limits, budget, sink, cancel);
  }
  // OLE: the whole file in memory, read once.
  std::vector<uint8_t> data(size);
  size_t got = 0;
  while (got < size) {
    auto n = file.Read({data.data() + got, data.size() - got});
    if (!n.ok() || *n == 0) break;
    got += *n;
  }
  data.resize(got);
  return ExpandContainer(container, data, format, limits, budget, sink, cancel);
}

}  // namespace harrier
