// `harrier bundle` (declared in updater.h): a tar.gz of a signature folder
// that `harrier update --from` imports on a host without network access.
#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include <fmt/format.h>

#include "platform/fs.h"
#include "platform/store_fs.h"
#include "update/updater.h"
#include "update/verify.h"

namespace harrier {
namespace {

constexpr const char* kBundleTop = "harrier-signatures";

struct WriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

la_ssize_t Append(archive*, void* user, const void* buf, size_t n) {
  static_cast<std::string*>(user)->append(static_cast<const char*>(buf), n);
  return static_cast<la_ssize_t>(n);
}

}  // namespace

Result<std::string> WriteBundle(const std::string& folder, const std::string& out) {
  auto root = platform::RealPath(folder);
  if (!root.ok()) return root.status();
  // Only folders and regular files go in: the importer refuses anything else.
  if (Status s = [&]() -> Status {
        std::vector<std::string> stack{*root};
        while (!stack.empty()) {
          std::string d = std::move(stack.back());
          stack.pop_back();
          auto names = platform::ListNames(d);
          if (!names.ok()) return names.status();
          for (const auto& n : *names) {
            std::string p = platform::JoinPath(d, n);
            auto st = platform::Lstat(p);
            if (!st.ok()) return st.status();
            if (st->type == platform::FileType::kDirectory) stack.push_back(p);
            else if (st->type != platform::FileType::kRegular)
              return Status::InvalidArgument(
                  fmt::format("{}: not a regular file or folder (a bundle holds no links)", p));
          }
        }
        return Status::Ok();
      }();
      !s.ok())
    return s;
  auto files = platform::ListFilesRecursive(*root);
  if (!files.ok()) return files.status();
  if (files->empty()) return Status::InvalidArgument(*root + ": no files to bundle");

  std::string bytes;
  std::unique_ptr<archive, WriteFree> a(archive_write_new());
  if (!a) return Status::IoError("libarchive: out of memory");
  archive* w = a.get();
  archive_write_add_filter_gzip(w);
  archive_write_set_format_pax_restricted(w);
  archive_write_set_bytes_in_last_block(w, 1);
  archive_write_set_options(w, "gzip:!timestamp");
  if (archive_write_open(w, &bytes, nullptr, Append, nullptr) != ARCHIVE_OK)
    return Status::IoError(fmt::format("libarchive: {}", archive_error_string(w)));
  std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(),
                                                                  archive_entry_free);
  for (const auto& f : *files) {
    auto content = platform::ReadTextFile(f, 1ull << 30);
    if (!content.ok()) return content.status();
    archive_entry_clear(e.get());
    std::string name = fmt::format("{}/{}", kBundleTop, f.substr(root->size() + 1));
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), 0644);
    archive_entry_set_size(e.get(), static_cast<la_int64_t>(content->size()));
    archive_entry_set_mtime(e.get(), 0, 0);  // the same folder gives the same bundle
    if (archive_write_header(w, e.get()) != ARCHIVE_OK ||
        archive_write_data(w, content->data(), content->size()) !=
            static_cast<la_ssize_t>(content->size()))
      return Status::IoError(fmt::format("libarchive: {}: {}", f, archive_error_string(w)));
  }
  if (archive_write_close(w) != ARCHIVE_OK)
    return Status::IoError(fmt::format("libarchive: {}", archive_error_string(w)));

  const std::string sha = Sha256Hex(bytes);
  auto file = platform::CreateOutputFile(out, platform::Publish::kOnClose);
  if (!file.ok()) return file.status();
  if (Status s = (*file)->Write(bytes); !s.ok()) return s;
  if (Status s = (*file)->Close(); !s.ok()) return s;
  auto sum = platform::CreateOutputFile(out + ".sha256", platform::Publish::kOnClose);
  if (!sum.ok()) return sum.status();
  if (Status s = (*sum)->Write(fmt::format(
          "{}  {}\n", sha, platform::LocalFileSystem().BaseName(out)));
      !s.ok())
    return s;
  if (Status s = (*sum)->Close(); !s.ok()) return s;
  return sha;
}

}  // namespace harrier
