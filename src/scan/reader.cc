#include "scan/reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "scan/filetype.h"

namespace harrier {

Result<FileReader::ReadResult> FileReader::Read(const platform::FileSystem& fs,
                                                const std::string& path, uint64_t expected_size,
                                                uint64_t max_bytes, bool follow_symlinks,
                                                const HeaderDecision& decide) {
  size_ = 0;
  auto f = fs.OpenFile(path, follow_symlinks);
  if (!f.ok()) return f.status();
  ReadResult res;
  res.stat = (*f)->stat();
  // The file may have changed since the walk: trust the open file's size, but
  // never beyond the limit.
  uint64_t want = res.stat.size;
  if (want > max_bytes) {
    return Status::Changed(fmt::format("{}: grew beyond the size limit since the walk", path));
  }
  if (buf_.size() < want) buf_.resize(want);
  size_t got = 0;
  auto fill = [&](size_t upto) -> Status {
    while (got < upto) {
      auto n = (*f)->Read({buf_.data() + got, upto - got});
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      got += *n;
    }
    return Status::Ok();
  };
  size_t header = static_cast<size_t>(std::min<uint64_t>(want, kFileTypeHeaderBytes));
  if (Status s = fill(header); !s.ok()) return s;
  if (decide && !decide({buf_.data(), got})) {
    res.outcome = Outcome::kNotSelected;
    return res;
  }
  if (got == header) {
    if (Status s = fill(static_cast<size_t>(want)); !s.ok()) return s;
  }
  if (got < want) {
    return Status::Changed(
        fmt::format("{}: shrank while being read ({} of {} bytes)", path, got, want));
  }
  size_ = got;
  (void)expected_size;
  return res;
}

void FileReader::Trim(size_t keep) {
  if (buf_.capacity() > keep) {
    std::vector<uint8_t>().swap(buf_);
    size_ = 0;
  }
}

}  // namespace harrier
