// Archives with chosen members, written with libarchive, for the tests of
// signature updates: good sets, and hostile ones (names with "..", absolute
// names, symbolic and hard links, devices) that tools like tar refuse to make.
#pragma once

#include <archive.h>
#include <archive_entry.h>

#include <string>
#include <vector>

namespace harrier::testing {

struct SynthMember {
  enum class Type { kFile, kDir, kSymlink, kHardlink, kFifo };
  std::string name;
  std::string content;      // kFile
  Type type = Type::kFile;
  std::string link;         // kSymlink / kHardlink target
};

enum class SynthFormat { kTarGz, kZip };

inline std::string MakeArchive(const std::vector<SynthMember>& members,
                               SynthFormat format = SynthFormat::kTarGz) {
  std::string out;
  archive* a = archive_write_new();
  if (format == SynthFormat::kTarGz) {
    archive_write_add_filter_gzip(a);
    archive_write_set_format_pax_restricted(a);
  } else {
    archive_write_set_format_zip(a);
  }
  archive_write_set_bytes_in_last_block(a, 1);
  archive_write_open(
      a, &out, nullptr,
      [](archive*, void* user, const void* buf, size_t n) -> la_ssize_t {
        static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
        return static_cast<la_ssize_t>(n);
      },
      nullptr);
  for (const auto& m : members) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, m.name.c_str());
    archive_entry_set_perm(e, m.type == SynthMember::Type::kDir ? 0755 : 0644);
    switch (m.type) {
      case SynthMember::Type::kFile:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(m.content.size()));
        break;
      case SynthMember::Type::kDir:
        archive_entry_set_filetype(e, AE_IFDIR);
        break;
      case SynthMember::Type::kSymlink:
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, m.link.c_str());
        break;
      case SynthMember::Type::kHardlink:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, m.link.c_str());
        break;
      case SynthMember::Type::kFifo:
        archive_entry_set_filetype(e, AE_IFIFO);
        break;
    }
    archive_write_header(a, e);
    if (m.type == SynthMember::Type::kFile && !m.content.empty())
      archive_write_data(a, m.content.data(), m.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
  return out;
}

}  // namespace harrier::testing
