#include "checks/pe.h"
#include "core/utf8.h"

#include <fmt/format.h>

#include <array>
#include <cmath>

namespace harrier::pe {
namespace {

// Bounds-checked little-endian reads. `ok` turns false on the first read
// outside the buffer and stays false; reads then return 0.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> d) : d_(d) {}
  bool Has(uint64_t off, uint64_t len) const { return off <= d_.size() && len <= d_.size() - off; }
  uint8_t U8(uint64_t off) { return Has(off, 1) ? d_[off] : Fail(); }
  uint16_t U16(uint64_t off) {
    if (!Has(off, 2)) return Fail();
    return static_cast<uint16_t>(d_[off] | (d_[off + 1] << 8));
  }
  uint32_t U32(uint64_t off) {
    if (!Has(off, 4)) return Fail();
    return static_cast<uint32_t>(d_[off]) | (static_cast<uint32_t>(d_[off + 1]) << 8) |
           (static_cast<uint32_t>(d_[off + 2]) << 16) | (static_cast<uint32_t>(d_[off + 3]) << 24);
  }
  bool ok() const { return ok_; }
  uint64_t size() const { return d_.size(); }

 private:
  uint8_t Fail() {
    ok_ = false;
    return 0;
  }
  std::span<const uint8_t> d_;
  bool ok_ = true;
};

uint64_t AlignUp(uint64_t v, uint64_t a) { return (v + a - 1) / a * a; }

void ParseSecurity(Reader& r, std::span<const uint8_t> data, const DataDirectory& dd,
                   SecurityDirectory* sec) {
  sec->offset = dd.address;
  sec->size = dd.size;
  sec->misaligned = (dd.address % 8) != 0;
  const uint64_t fsize = data.size();
  uint64_t end = sec->offset + sec->size;
  if (sec->offset > fsize || end > fsize) {
    sec->out_of_bounds = true;
    end = std::min<uint64_t>(end, fsize);
  } else {
    sec->overlay_after = fsize - end;
  }
  uint64_t pos = sec->offset;
  while (pos < end && r.Has(pos, 8) && pos + 8 <= end) {
    if (sec->certs.size() >= kMaxCertificates) {
      sec->too_many = true;
      break;
    }
    Certificate c;
    c.offset = pos;
    c.length = r.U32(pos);
    c.revision = r.U16(pos + 4);
    c.type = r.U16(pos + 6);
    // Not a WIN_CERTIFICATE header (short dwLength, unknown revision or
    // type): the walk ends and everything from here is the directory tail.
    if (c.length < 8 || (c.revision != 0x0100 && c.revision != 0x0200) || c.type < 1 || c.type > 4)
      break;
    uint64_t cend = pos + c.length;
    if (cend > end) {
      c.truncated = true;
      cend = end;
    }
    if (c.type == kWinCertTypePkcsSignedData && cend > pos + 8) {
      auto blob = data.subspan(pos + 8, cend - pos - 8);
      if (auto der = DerTotalLength(blob); der && blob.size() > 0 && blob[0] == 0x30) {
        c.der_length = *der;
        if (*der <= blob.size()) {
          c.slack_offset = pos + 8 + *der;
          c.slack_size = cend - c.slack_offset;
        }
      }
    }
    sec->certs.push_back(c);
    if (c.truncated) {
      pos = end;
      break;
    }
    pos = AlignUp(pos + c.length, 8);
  }
  if (pos < end) {
    sec->tail_offset = pos;
    sec->tail_size = end - pos;
  }
}

}  // namespace

std::optional<uint64_t> DerTotalLength(std::span<const uint8_t> d) {
  if (d.size() < 2) return std::nullopt;
  uint8_t l = d[1];
  if (l < 0x80) return 2 + static_cast<uint64_t>(l);
  size_t n = l & 0x7F;
  if (n == 0 || n > 8 || d.size() < 2 + n) return std::nullopt;  // indefinite / too long
  uint64_t len = 0;
  for (size_t i = 0; i < n; ++i) {
    if (len > (UINT64_MAX >> 8)) return std::nullopt;
    len = (len << 8) | d[2 + i];
  }
  if (len > UINT64_MAX - 2 - n) return std::nullopt;
  return 2 + n + len;
}

double Entropy(std::span<const uint8_t> data) {
  if (data.empty()) return 0;
  std::array<uint64_t, 256> counts{};
  for (uint8_t b : data) ++counts[b];
  double h = 0, n = static_cast<double>(data.size());
  for (uint64_t c : counts) {
    if (c == 0) continue;
    double p = static_cast<double>(c) / n;
    h -= p * std::log2(p);
  }
  return h;
}

std::optional<uint64_t> PeFile::RvaToOffset(uint64_t rva, uint64_t len, uint64_t file_size) const {
  for (const auto& s : sections) {
    uint64_t span_size = std::max<uint64_t>(s.virtual_size, s.raw_size);
    if (rva >= s.virtual_address && rva < s.virtual_address + span_size) {
      uint64_t delta = rva - s.virtual_address;
      if (delta + len > s.raw_size) return std::nullopt;  // not backed by file data
      uint64_t off = static_cast<uint64_t>(s.raw_offset) + delta;
      if (off > file_size || len > file_size - off) return std::nullopt;
      return off;
    }
  }
  // Before the first section: headers, mapped at their file offset.
  uint64_t first = UINT64_MAX;
  for (const auto& s : sections) first = std::min<uint64_t>(first, s.virtual_address);
  if (rva < first && rva <= file_size && len <= file_size - rva) return rva;
  return std::nullopt;
}

Result<PeFile> Parse(std::span<const uint8_t> data) {
  Reader r(data);
  if (data.size() < 0x40 || data[0] != 'M' || data[1] != 'Z')
    return Status::InvalidArgument("not an MZ file");
  PeFile pe;
  pe.nt_offset = r.U32(0x3C);
  const uint64_t nt = pe.nt_offset;
  if (!r.Has(nt, 24) || r.U32(nt) != 0x00004550)
    return Status::Corrupt("no PE signature at e_lfanew");
  pe.machine = r.U16(nt + 4);
  uint16_t nsec = r.U16(nt + 6);
  pe.timestamp = r.U32(nt + 8);
  uint16_t opt_size = r.U16(nt + 20);
  pe.characteristics = r.U16(nt + 22);
  const uint64_t opt = nt + 24;
  if (opt_size < 2 || !r.Has(opt, 2)) return Status::Corrupt("optional header missing");
  pe.magic = r.U16(opt);
  uint64_t dd_off, count_off;
  if (pe.magic == kMagicPe32) {
    count_off = opt + 92;
    dd_off = opt + 96;
  } else if (pe.magic == kMagicPe32Plus) {
    count_off = opt + 108;
    dd_off = opt + 112;
  } else {
    return Status::Corrupt(fmt::format("unknown optional header magic {:#x}", pe.magic));
  }
  // Data directories: only those inside both the declared optional header
  // and the buffer.
  if (count_off + 4 <= opt + opt_size && r.Has(count_off, 4)) {
    uint64_t n = std::min<uint64_t>(r.U32(count_off), 16);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t o = dd_off + i * 8;
      if (o + 8 > opt + opt_size || !r.Has(o, 8)) break;
      pe.dirs.push_back({r.U32(o), r.U32(o + 4)});
    }
  }
  // Section table.
  uint64_t sec_off = opt + opt_size;
  if (nsec > kMaxSections) pe.sections_truncated = true;
  for (uint64_t i = 0; i < std::min<uint64_t>(nsec, kMaxSections); ++i) {
    uint64_t o = sec_off + i * 40;
    if (!r.Has(o, 40)) {
      pe.sections_truncated = true;
      break;
    }
    Section s;
    for (size_t k = 0; k < 8 && data[o + k] != 0; ++k)
      s.name.push_back(static_cast<char>(data[o + k]));
    s.virtual_size = r.U32(o + 8);
    s.virtual_address = r.U32(o + 12);
    s.raw_size = r.U32(o + 16);
    s.raw_offset = r.U32(o + 20);
    pe.sections.push_back(std::move(s));
  }
  if (pe.dirs.size() > kDirSecurity && pe.dirs[kDirSecurity].address != 0 &&
      pe.dirs[kDirSecurity].size != 0) {
    SecurityDirectory sec;
    ParseSecurity(r, data, pe.dirs[kDirSecurity], &sec);
    pe.security = std::move(sec);
  }
  return pe;
}

// ---- Version resource ------------------------------------------------------

namespace {

// Reads a NUL-terminated UTF-16LE string at [off, end); returns the UTF-8
// text and sets *next to the offset after the NUL (or `end`).
std::string ReadWide(Reader& r, uint64_t off, uint64_t end, uint64_t* next) {
  std::string out;
  uint64_t p = off;
  while (p + 2 <= end && r.Has(p, 2)) {
    uint32_t u = r.U16(p);
    p += 2;
    if (u == 0) break;
    if (u >= 0xD800 && u <= 0xDBFF && p + 2 <= end && r.Has(p, 2)) {
      uint32_t lo = r.U16(p);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        p += 2;
        AppendUtf8(0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), &out);
        continue;
      }
      AppendUtf8(0xFFFD, &out);
      continue;
    }
    if (u >= 0xD800 && u <= 0xDFFF) u = 0xFFFD;
    AppendUtf8(u, &out);
  }
  *next = p;
  return out;
}

struct VersionWalker {
  Reader& r;
  VersionInfo* vi;
  size_t nodes = 0;

  // One node: WORD wLength, wValueLength, wType; WCHAR szKey[]; pad to 4;
  // Value; pad to 4; children. `base` is where offsets are aligned from.
  void Node(uint64_t off, uint64_t limit, uint64_t base, size_t depth, int kind) {
    if (depth > kMaxVersionDepth || ++nodes > kMaxVersionNodes) return;
    if (!r.Has(off, 6)) return;
    uint64_t len = r.U16(off);
    uint64_t vlen = r.U16(off + 2);
    uint16_t type = r.U16(off + 4);
    if (len < 6) return;
    uint64_t end = std::min(off + len, limit);
    uint64_t after_key;
    std::string key = ReadWide(r, off + 6, end, &after_key);
    uint64_t value_off = base + AlignUp(after_key - base, 4);
    // kind: 0 root, 1 StringFileInfo/VarFileInfo, 2 StringTable, 3 String
    if (kind == 3) {
      uint64_t vbytes = type == 1 ? vlen * 2 : vlen;  // text values count WORDs
      uint64_t vend = std::min(end, value_off + vbytes);
      if (vbytes == 0) vend = end;  // some linkers write 0 and still store text
      uint64_t ignored;
      std::string value = value_off < vend ? ReadWide(r, value_off, vend, &ignored) : "";
      vi->all.emplace_back(key, value);
      if (key == "FileVersion")
        vi->file_version = value;
      else if (key == "ProductVersion")
        vi->product_version = value;
      else if (key == "ProductName")
        vi->product_name = value;
      else if (key == "CompanyName")
        vi->company_name = value;
      else if (key == "FileDescription")
        vi->file_description = value;
      else if (key == "InternalName")
        vi->internal_name = value;
      else if (key == "OriginalFilename")
        vi->original_filename = value;
      return;
    }
    uint64_t child = value_off;
    if (kind == 0) {
      if (key != "VS_VERSION_INFO") return;
      if (vlen >= 52 && r.Has(value_off, 52) && r.U32(value_off) == 0xFEEF04BD) {
        uint32_t ms = r.U32(value_off + 8), ls = r.U32(value_off + 12);
        vi->fixed_file_version =
            fmt::format("{}.{}.{}.{}", ms >> 16, ms & 0xFFFF, ls >> 16, ls & 0xFFFF);
      }
      child = base + AlignUp(value_off + vlen - base, 4);
    } else if (kind == 1) {
      if (key != "StringFileInfo") return;  // VarFileInfo holds no strings we need
    }
    int child_kind = kind == 0 ? 1 : kind + 1;
    while (child + 6 <= end && r.Has(child, 6)) {
      uint64_t clen = r.U16(child);
      if (clen < 6) break;
      Node(child, end, base, depth + 1, child_kind);
      if (nodes > kMaxVersionNodes) break;
      child = base + AlignUp(child + clen - base, 4);
    }
  }
};

// Follows resource directory level `level` (0 = type, 1 = name, 2 = language)
// to the first data entry; at level 0 only the RT_VERSION (16) entry.
std::optional<uint64_t> FindVersionData(Reader& r, uint64_t rsrc, uint64_t rsrc_size, uint64_t dir,
                                        int level, size_t* visited) {
  if (!r.Has(rsrc + dir, 16) || dir + 16 > rsrc_size) return std::nullopt;
  uint64_t n = static_cast<uint64_t>(r.U16(rsrc + dir + 12)) + r.U16(rsrc + dir + 14);
  for (uint64_t i = 0; i < n; ++i) {
    if (++*visited > kMaxResourceEntries) return std::nullopt;
    uint64_t e = rsrc + dir + 16 + i * 8;
    if (!r.Has(e, 8) || e + 8 > rsrc + rsrc_size) return std::nullopt;
    uint32_t name = r.U32(e), target = r.U32(e + 4);
    if (level == 0 && ((name & 0x80000000u) != 0 || name != 16)) continue;
    bool is_dir = (target & 0x80000000u) != 0;
    uint64_t t = target & 0x7FFFFFFFu;
    if (level < 2) {
      if (!is_dir) continue;
      if (auto d = FindVersionData(r, rsrc, rsrc_size, t, level + 1, visited)) return d;
    } else if (!is_dir) {
      return t;  // IMAGE_RESOURCE_DATA_ENTRY offset within .rsrc
    }
  }
  return std::nullopt;
}

}  // namespace

Result<VersionInfo> ReadVersionInfo(const PeFile& pe, std::span<const uint8_t> data) {
  if (pe.dirs.size() <= kDirResource || pe.dirs[kDirResource].address == 0)
    return Status::NotFound("no resource directory");
  Reader r(data);
  const auto& rd = pe.dirs[kDirResource];
  // The resource tree is addressed relative to its own start; map the whole
  // directory when it is file-backed, else as much as the section holds.
  auto rsrc = pe.RvaToOffset(rd.address, 16, data.size());
  if (!rsrc) return Status::NotFound("resource directory not in the file");
  uint64_t rsrc_size = std::min<uint64_t>(rd.size ? rd.size : data.size(), data.size() - *rsrc);
  size_t visited = 0;
  auto entry = FindVersionData(r, *rsrc, rsrc_size, 0, 0, &visited);
  if (!entry) return Status::NotFound("no RT_VERSION resource");
  uint64_t e = *rsrc + *entry;
  if (!r.Has(e, 16)) return Status::Corrupt("version data entry out of bounds");
  uint32_t data_rva = r.U32(e), data_size = r.U32(e + 4);
  if (data_size < 6) return Status::Corrupt("version resource too small");
  auto off = pe.RvaToOffset(data_rva, data_size, data.size());
  if (!off) {
    // Clipped resources: take what is in the file.
    off = pe.RvaToOffset(data_rva, 6, data.size());
    if (!off) return Status::Corrupt("version resource not in the file");
    data_size = static_cast<uint32_t>(std::min<uint64_t>(data_size, data.size() - *off));
  }
  VersionInfo vi;
  VersionWalker w{r, &vi};
  w.Node(*off, *off + data_size, *off, 0, 0);
  if (vi.all.empty() && vi.fixed_file_version.empty()) return Status::Corrupt("no version values");
  return vi;
}

}  // namespace harrier::pe
