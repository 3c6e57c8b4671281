#include "scan/reader.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "scan/filetype.h"

namespace harrier {

FileBlocks::FileBlocks(std::unique_ptr<platform::ReadableFile> f, std::string path,
                       std::vector<uint8_t>* buf, std::vector<uint8_t>* first)
    : f_(std::move(f)), path_(std::move(path)), buf_(*buf), first_(*first) {
  const platform::StatInfo& st = f_->stat();
  size_ = st.size;
  // Fewer allocated bytes than the size: holes to skip.
  sparse_ = st.blocks_bytes < st.size;
  if (buf_.size() < kFileBlockOverlap + kFileBlockBytes)
    buf_.resize(kFileBlockOverlap + kFileBlockBytes);
}

bool FileBlocks::Rewind() {
  if (first_cached_) {
    serve_first_ = true;
    return true;
  }
  pos_ = ext_end_ = last_end_ = 0;
  last_len_ = 0;
  seek_ = true;
  return true;
}

bool FileBlocks::Next(ContentBlock* out) {
  if (!status_.ok()) return false;
  if (serve_first_) {  // no I/O: the copy made when it was first read
    serve_first_ = false;
    out->offset = first_offset_;
    out->data = {first_.data(), first_.size()};
    pos_ = first_offset_ + first_.size();
    last_end_ = pos_;
    last_len_ = 0;
    ext_end_ = 0;  // the first block's extent end: looked up again
    seek_ = true;
    // The next block overlaps the first by the copy's tail.
    if (pos_ < size_) {
      size_t kept = std::min(kFileBlockOverlap, first_.size());
      std::memcpy(buf_.data(), first_.data() + first_.size() - kept, kept);
      last_len_ = kept;  // tail already in place: see below
      tail_in_place_ = true;
    }
    return true;
  }
  if (pos_ >= ext_end_) {
    if (pos_ >= size_) return false;
    if (sparse_) {
      auto e = f_->NextData(pos_);
      if (!e.ok()) {
        status_ = e.status();
        return false;
      }
      if (e->start >= size_) {
        pos_ = size_;
        return false;
      }
      pos_ = e->start;
      ext_end_ = e->end;
    } else {
      ext_end_ = size_;
    }
    seek_ = true;
  }
  size_t kept = 0;
  if (pos_ == last_end_ && last_len_ > 0) {
    kept = std::min(kFileBlockOverlap, last_len_);
    if (!tail_in_place_) std::memmove(buf_.data(), buf_.data() + last_len_ - kept, kept);
  }
  tail_in_place_ = false;
  const size_t want = static_cast<size_t>(std::min<uint64_t>(kFileBlockBytes, ext_end_ - pos_));
  if (seek_) {
    if (Status s = f_->Seek(pos_); !s.ok()) {
      status_ = s;
      return false;
    }
    seek_ = false;
  }
  size_t got = 0;
  while (got < want) {
    auto n = f_->Read({buf_.data() + kept + got, want - got});
    if (!n.ok()) {
      status_ = n.status();
      return false;
    }
    if (*n == 0) break;
    got += *n;
  }
  bytes_read_ += got;
  if (got < want) {
    status_ = Status::Changed(
        fmt::format("{}: shrank while being read ({} of {} bytes)", path_, pos_ + got, size_));
    return false;
  }
  out->offset = pos_ - kept;
  out->data = {buf_.data(), kept + want};
  if (!first_cached_) {
    first_.assign(out->data.begin(), out->data.end());
    first_offset_ = out->offset;
    first_cached_ = true;
  }
  pos_ += want;
  last_end_ = pos_;
  last_len_ = kept + want;
  return true;
}

Result<FileReader::ReadResult> FileReader::Read(const platform::FileOpener& open,
                                                const std::string& path, uint64_t max_bytes,
                                                uint64_t block_threshold,
                                                const HeaderDecision& decide) {
  size_ = 0;
  blocks_.reset();
  auto f = open();
  if (!f.ok()) return f.status();
  ReadResult res;
  res.stat = (*f)->stat();
  // The file may have changed since the walk: trust the open file's size, but
  // never beyond the limit.
  uint64_t want = res.stat.size;
  if (want > max_bytes) {
    return Status::Changed(fmt::format("{}: grew beyond the size limit since the walk", path));
  }
  const bool as_blocks = want > block_threshold;
  std::vector<uint8_t>& head_buf = as_blocks ? first_buf_ : buf_;
  size_t header = static_cast<size_t>(std::min<uint64_t>(want, kFileTypeHeaderBytes));
  if (head_buf.size() < (as_blocks ? header : want)) head_buf.resize(as_blocks ? header : want);
  size_t got = 0;
  auto fill = [&](size_t upto) -> Status {
    while (got < upto) {
      auto n = (*f)->Read({head_buf.data() + got, upto - got});
      if (!n.ok()) return n.status();
      if (*n == 0) break;
      got += *n;
    }
    return Status::Ok();
  };
  if (Status s = fill(header); !s.ok()) return s;
  if (decide && !decide({head_buf.data(), got})) {
    res.outcome = Outcome::kNotSelected;
    return res;
  }
  if (as_blocks) {
    if (got < header) {
      return Status::Changed(
          fmt::format("{}: shrank while being read ({} of {} bytes)", path, got, want));
    }
    first_buf_.clear();
    blocks_ = std::make_unique<FileBlocks>(std::move(*f), path, &block_buf_, &first_buf_);
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
  return res;
}

Result<FileReader::ReadResult> FileReader::Read(const platform::FileSystem& fs,
                                                const std::string& path, uint64_t expected_size,
                                                uint64_t max_bytes, bool follow_symlinks,
                                                const HeaderDecision& decide) {
  (void)expected_size;
  return Read([&] { return fs.OpenFile(path, follow_symlinks); }, path, max_bytes, UINT64_MAX,
              decide);
}

void FileReader::Trim(size_t keep) {
  blocks_.reset();
  if (buf_.capacity() > keep) {
    std::vector<uint8_t>().swap(buf_);
    size_ = 0;
  }
}

}  // namespace harrier
