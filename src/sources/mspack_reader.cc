#include "sources/mspack_reader.h"

#include <mspack.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <fmt/format.h>

namespace harrier {
namespace {

// What libmspack's "file names" point at: a memory file. libmspack passes the
// name through to our open(), so a name is a pointer to one of these.
struct MemFile {
  std::span<const uint8_t> in;  // input (read mode)
  std::vector<uint8_t>* out = nullptr;  // output (write mode)
  uint64_t cap = 0;                     // output limit; over it: write error
  bool overflow = false;
};

// An open handle (libmspack's opaque mspack_file).
struct Handle {
  MemFile* file;
  uint64_t pos = 0;
};

mspack_file* Open(mspack_system*, const char* name, int mode) {
  auto* f = reinterpret_cast<MemFile*>(const_cast<char*>(name));
  if (!f) return nullptr;
  if (mode != MSPACK_SYS_OPEN_READ && !f->out) return nullptr;
  return reinterpret_cast<mspack_file*>(new Handle{f, 0});
}
void Close(mspack_file* h) { delete reinterpret_cast<Handle*>(h); }
int Read(mspack_file* fh, void* buf, int bytes) {
  auto* h = reinterpret_cast<Handle*>(fh);
  if (bytes < 0) return -1;
  uint64_t size = h->file->in.size();
  if (h->pos >= size) return 0;
  size_t n = static_cast<size_t>(std::min<uint64_t>(static_cast<uint64_t>(bytes), size - h->pos));
  std::memcpy(buf, h->file->in.data() + h->pos, n);
  h->pos += n;
  return static_cast<int>(n);
}
int Write(mspack_file* fh, void* buf, int bytes) {
  auto* h = reinterpret_cast<Handle*>(fh);
  MemFile* f = h->file;
  if (!f->out || bytes < 0) return -1;
  if (f->out->size() + static_cast<size_t>(bytes) > f->cap) {
    f->overflow = true;
    return -1;  // libmspack stops the extraction with a write error
  }
  auto* b = static_cast<const uint8_t*>(buf);
  f->out->insert(f->out->end(), b, b + bytes);
  return bytes;
}
int Seek(mspack_file* fh, off_t offset, int mode) {
  auto* h = reinterpret_cast<Handle*>(fh);
  int64_t size = static_cast<int64_t>(h->file->in.size());
  int64_t base = mode == MSPACK_SYS_SEEK_START ? 0
                 : mode == MSPACK_SYS_SEEK_CUR ? static_cast<int64_t>(h->pos)
                                               : size;
  int64_t to = base + static_cast<int64_t>(offset);
  if (to < 0 || to > size) return -1;
  h->pos = static_cast<uint64_t>(to);
  return 0;
}
off_t Tell(mspack_file* fh) { return static_cast<off_t>(reinterpret_cast<Handle*>(fh)->pos); }
void Message(mspack_file*, const char*, ...) {}  // never printed: damage is a status
// Zeroed: libmspack 0.11 frees a KWAJ header's name fields when the header
// is shorter than 14 bytes, before it has set them (found by the
// archive_source fuzz seeds; FuzzTargets.ArchiveSourceSeeds).
void* Alloc(mspack_system*, size_t bytes) { return std::calloc(1, bytes); }
void Free(void* p) { std::free(p); }
void Copy(void* src, void* dest, size_t bytes) { std::memmove(dest, src, bytes); }

mspack_system MemorySystem() {
  mspack_system s{};
  s.open = Open;
  s.close = Close;
  s.read = Read;
  s.write = Write;
  s.seek = Seek;
  s.tell = Tell;
  s.message = Message;
  s.alloc = Alloc;
  s.free = Free;
  s.copy = Copy;
  s.null_ptr = nullptr;
  return s;
}

char* NameOf(MemFile* f) { return reinterpret_cast<char*>(f); }

}  // namespace

Result<std::vector<MspackSkip>> ForEachMspackMember(
    std::span<const uint8_t> data, MspackFormat format, const MspackLimits& limits,
    const std::function<bool(const MspackMember&)>& visit) {
  mspack_system sys = MemorySystem();
  MemFile in{data};
  std::vector<MspackSkip> skipped;
  std::vector<uint8_t> buf;
  uint64_t total = 0;
  auto extract_into = [&](MemFile& out, uint64_t expected) {
    buf.clear();
    out.out = &buf;
    out.cap = std::min(limits.max_member_bytes, expected);
    (void)out;
  };
  switch (format) {
    case MspackFormat::kChm: {
      std::unique_ptr<mschm_decompressor, void (*)(mschm_decompressor*)> d(
          mspack_create_chm_decompressor(&sys), mspack_destroy_chm_decompressor);
      if (!d) return Status::ResourceExhausted("libmspack: no CHM decompressor");
      mschmd_header* chm = d->open(d.get(), NameOf(&in));
      if (!chm) return Status::Corrupt(fmt::format("CHM: cannot read (libmspack error {})",
                                                   d->last_error(d.get())));
      uint64_t n = 0;
      bool stop = false;
      for (mschmd_file* f = chm->files; f && !stop; f = f->next) {
        std::string path = f->filename ? f->filename : "?";
        if (++n > limits.max_members || total >= limits.max_total_bytes) {
          skipped.push_back({path, "limit"});
          break;
        }
        uint64_t len = f->length > 0 ? static_cast<uint64_t>(f->length) : 0;
        if (len > limits.max_member_bytes) {
          skipped.push_back({path, "size"});
          continue;
        }
        if (total + len > limits.max_total_bytes) {
          skipped.push_back({path, "limit"});
          break;
        }
        MemFile out;
        extract_into(out, len);
        if (d->extract(d.get(), f, NameOf(&out)) != MSPACK_ERR_OK) {
          skipped.push_back({path, out.overflow ? "size" : "error"});
          continue;
        }
        total += buf.size();
        stop = !visit(MspackMember{path, buf});
      }
      d->close(d.get(), chm);
      return skipped;
    }
    case MspackFormat::kSzdd: {
      std::unique_ptr<msszdd_decompressor, void (*)(msszdd_decompressor*)> d(
          mspack_create_szdd_decompressor(&sys), mspack_destroy_szdd_decompressor);
      if (!d) return Status::ResourceExhausted("libmspack: no SZDD decompressor");
      msszddd_header* h = d->open(d.get(), NameOf(&in));
      if (!h) return Status::Corrupt("SZDD: cannot read");
      uint64_t len = h->length > 0 ? static_cast<uint64_t>(h->length) : 0;
      if (len > limits.max_member_bytes || len > limits.max_total_bytes) {
        skipped.push_back({"", len > limits.max_member_bytes ? "size" : "limit"});
      } else {
        MemFile out;
        extract_into(out, len);
        if (d->extract(d.get(), h, NameOf(&out)) != MSPACK_ERR_OK)
          skipped.push_back({"", out.overflow ? "size" : "error"});
        else
          visit(MspackMember{"", buf});
      }
      d->close(d.get(), h);
      return skipped;
    }
    case MspackFormat::kKwaj: {
      std::unique_ptr<mskwaj_decompressor, void (*)(mskwaj_decompressor*)> d(
          mspack_create_kwaj_decompressor(&sys), mspack_destroy_kwaj_decompressor);
      if (!d) return Status::ResourceExhausted("libmspack: no KWAJ decompressor");
      mskwajd_header* h = d->open(d.get(), NameOf(&in));
      if (!h) return Status::Corrupt("KWAJ: cannot read");
      // The length header is optional: without it, the member limit bounds
      // the output.
      uint64_t len = (h->headers & MSKWAJ_HDR_HASLENGTH) && h->length > 0
                         ? static_cast<uint64_t>(h->length)
                         : limits.max_member_bytes;
      std::string name = h->filename ? h->filename : "";
      if (len > limits.max_member_bytes) {
        skipped.push_back({name, "size"});
      } else {
        MemFile out;
        extract_into(out, len);
        out.cap = std::min(limits.max_member_bytes, limits.max_total_bytes);
        if (d->extract(d.get(), h, NameOf(&out)) != MSPACK_ERR_OK)
          skipped.push_back({name, out.overflow ? "size" : "error"});
        else
          visit(MspackMember{name, buf});
      }
      d->close(d.get(), h);
      return skipped;
    }
  }
  return skipped;
}

}  // namespace harrier
