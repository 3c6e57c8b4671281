#include "update/extract.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/store_fs.h"
#include "update/member_path.h"

namespace harrier {
namespace {

struct ReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

std::string Printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s.substr(0, 200)) {
    if (c < 0x20 || c == 0x7f) out += fmt::format("\\x{:02x}", c);
    else out += static_cast<char>(c);
  }
  if (s.size() > 200) out += "...";
  return out;
}

// Creates the folders of `rel` (a confined path) below `dest`; the last
// component too when `last` is set.
Status MakeParents(const std::string& dest, const std::string& rel, bool last,
                   ExtractStats& stats) {
  size_t pos = 0;
  while (true) {
    size_t slash = rel.find('/', pos);
    if (slash == std::string::npos && !last) return Status::Ok();
    std::string prefix = slash == std::string::npos ? rel : rel.substr(0, slash);
    std::string path = platform::JoinPath(dest, prefix);
    auto st = platform::Lstat(path);
    if (st.ok()) {
      if (st->type != platform::FileType::kDirectory)
        return Status::InvalidArgument(
            fmt::format("refused: member '{}' needs a folder where a file is", Printable(rel)));
    } else if (Status s = platform::MakeNewDir(path); !s.ok()) {
      return s;
    } else {
      ++stats.folders;
    }
    if (slash == std::string::npos) return Status::Ok();
    pos = slash + 1;
  }
}

}  // namespace

Result<ExtractStats> ExtractArchive(std::string_view bytes, const std::string& dest,
                                    const ExtractLimits& limits) {
  std::unique_ptr<archive, ReadFree> a(archive_read_new());
  if (!a) return Status::IoError("libarchive: out of memory");
  archive* r = a.get();
  // Exactly the formats a signature archive comes in; no mtree (its entries
  // name host files) and no external filter programs.
  archive_read_support_format_tar(r);
  archive_read_support_format_zip(r);
  archive_read_support_filter_gzip(r);
  archive_read_support_filter_bzip2(r);
  archive_read_support_filter_xz(r);
  if (archive_read_open_memory(r, bytes.data(), bytes.size()) != ARCHIVE_OK)
    return Status::Corrupt(fmt::format(
        "archive damaged or truncated, or not a zip or tar archive: {}",
        archive_error_string(r) ? archive_error_string(r) : "unknown format"));
  ExtractStats stats;
  uint64_t members = 0;
  std::string buf;
  while (true) {
    archive_entry* e = nullptr;
    int rc = archive_read_next_header(r, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
      return Status::Corrupt(fmt::format(
          "archive damaged or truncated after {} members: {}", members,
          archive_error_string(r) ? archive_error_string(r) : "read error"));
    if (stats.format.empty() && archive_format_name(r)) stats.format = archive_format_name(r);
    if (++members > limits.max_members)
      return Status::ResourceExhausted(
          fmt::format("refused: more than --max-members {} members", limits.max_members));
    const char* raw = archive_entry_pathname(e);
    std::string name = raw ? raw : "";
    const std::string shown = Printable(name);
    auto rel = ConfineMemberPath(name);
    if (!rel.ok())
      return Status::InvalidArgument(
          fmt::format("refused: member '{}': {}", shown, rel.status().message()));
    if (const char* hl = archive_entry_hardlink(e))
      return Status::InvalidArgument(fmt::format(
          "refused: member '{}' is a hard link (to '{}'): links are not installed", shown,
          Printable(hl)));
    const mode_t type = archive_entry_filetype(e);
    if (type == AE_IFLNK) {
      const char* target = archive_entry_symlink(e);
      return Status::InvalidArgument(fmt::format(
          "refused: member '{}' is a symbolic link (to '{}'): links are not installed", shown,
          Printable(target ? target : "")));
    }
    if (type == AE_IFDIR) {
      if (Status s = MakeParents(dest, *rel, /*last=*/true, stats); !s.ok()) return s;
      continue;
    }
    if (type != AE_IFREG)
      return Status::InvalidArgument(fmt::format(
          "refused: member '{}' is not a regular file or folder (a device, FIFO or socket)",
          shown));
    if (archive_entry_size_is_set(e) &&
        static_cast<uint64_t>(archive_entry_size(e)) > limits.max_member_bytes)
      return Status::ResourceExhausted(fmt::format(
          "refused: member '{}' is larger than --max-member-bytes {}", shown,
          limits.max_member_bytes));
    if (Status s = MakeParents(dest, *rel, /*last=*/false, stats); !s.ok()) return s;
    buf.clear();
    char chunk[65536];
    while (true) {
      la_ssize_t n = archive_read_data(r, chunk, sizeof chunk);
      if (n == 0) break;
      if (n < 0)
        return Status::Corrupt(fmt::format(
            "archive damaged or truncated in member '{}': {}", shown,
            archive_error_string(r) ? archive_error_string(r) : "read error"));
      if (buf.size() + static_cast<uint64_t>(n) > limits.max_member_bytes)
        return Status::ResourceExhausted(fmt::format(
            "refused: member '{}' is larger than --max-member-bytes {}", shown,
            limits.max_member_bytes));
      if (stats.bytes + buf.size() + static_cast<uint64_t>(n) > limits.max_total_bytes)
        return Status::ResourceExhausted(fmt::format(
            "refused: unpacks to more than --max-unpacked-bytes {}", limits.max_total_bytes));
      buf.append(chunk, static_cast<size_t>(n));
    }
    std::string path = platform::JoinPath(dest, *rel);
    if (platform::Lstat(path).ok())
      return Status::InvalidArgument(
          fmt::format("refused: member '{}' appears twice in the archive", shown));
    if (Status s = platform::WriteNewFile(path, buf); !s.ok()) return s;
    stats.bytes += buf.size();
    ++stats.files;
  }
  return stats;
}

}  // namespace harrier
