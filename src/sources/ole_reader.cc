#include "sources/ole_reader.h"

#include <gsf/gsf-infile-msole.h>
#include <gsf/gsf-infile.h>
#include <gsf/gsf-input-memory.h>
#include <gsf/gsf-input.h>
#include <gsf/gsf-utils.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace harrier {
namespace {

constexpr size_t kHeaderSize = 512;
constexpr size_t kDirentSize = 128;
constexpr uint32_t kNoStream = 0xFFFFFFFF;
// Directory entries reachable from the root. libgsf 1.14.50 keeps each
// storage's children in a sorted list built by insertion, quadratic in the
// entries of one storage (measured: 8,000 siblings 0.24 s, 20,000 1.8 s);
// this bounds that work to about a second. Real files hold tens to a few
// thousand entries.
constexpr uint64_t kMaxDirectoryEntries = 16384;

uint16_t Le16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t Le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | (static_cast<uint32_t>(p[1]) << 8) |
         (static_cast<uint32_t>(p[2]) << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// ---------------------------------------------------------------------------
// GLib logging: libgsf's warnings about malformed input are captured per
// thread while that thread is inside ForEachOleStream (see the header).

struct LogCapture {
  uint64_t messages = 0;
  std::string first;
};
thread_local LogCapture* t_capture = nullptr;

void GsfLogHandler(const gchar* domain, GLogLevelFlags level, const gchar* message, gpointer) {
  if (LogCapture* c = t_capture) {
    if (c->messages++ == 0 && message != nullptr) c->first = message;
    return;
  }
  g_log_default_handler(domain, level, message, nullptr);
}

void InitGsfOnce() {
  static std::once_flag once;
  std::call_once(once, [] {
    gsf_init();
    const auto levels = static_cast<GLogLevelFlags>(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING |
                                                    G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO |
                                                    G_LOG_LEVEL_DEBUG | G_LOG_FLAG_RECURSION);
    // "libgsf:msole": the OLE reader; the default domain: libgsf's files
    // without a domain of their own (gsf-input.c, gsf-infile.c, ...).
    g_log_set_handler("libgsf:msole", levels, GsfLogHandler, nullptr);
    g_log_set_handler(nullptr, levels, GsfLogHandler, nullptr);
  });
}

class ScopedLogCapture {
 public:
  ScopedLogCapture() : prev_(t_capture) { t_capture = &capture_; }
  ~ScopedLogCapture() { t_capture = prev_; }
  ScopedLogCapture(const ScopedLogCapture&) = delete;
  ScopedLogCapture& operator=(const ScopedLogCapture&) = delete;
  const LogCapture& capture() const { return capture_; }

 private:
  LogCapture capture_;
  LogCapture* prev_;
};

struct GObjectUnref {
  void operator()(gpointer p) const {
    if (p != nullptr) g_object_unref(p);
  }
};
template <typename T>
using GPtr = std::unique_ptr<T, GObjectUnref>;

// ---------------------------------------------------------------------------
// Structural pre-check (see the header): the header rules, and the
// directory tree exactly as libgsf 1.14.50 walks it (its sector chain, its
// order prev -> next -> child, its stopping rules) to measure the recursion
// depth and the number of entries libgsf would build before it does.

class CfbPrecheck {
 public:
  explicit CfbPrecheck(std::span<const uint8_t> f) : f_(f) {}

  Status Run() {
    const uint8_t* h = f_.data();
    if (Le16(h + 0x1C) != 0xFFFE) return Corrupt("byte order mark is not FFFE");
    const uint16_t shift = Le16(h + 0x1E);
    if (shift != 9 && shift != 12) return Corrupt("sector size is not 512 or 4096");
    if (Le16(h + 0x20) != 6) return Corrupt("mini sector size is not 64");
    if (Le32(h + 0x38) != 4096) return Corrupt("mini stream cutoff is not 4096");
    sector_ = size_t{1} << shift;
    per_sector_ = sector_ / 4;
    if (f_.size() < sector_ + 1) return Corrupt("truncated: no sector after the header");
    // Sectors that exist (the last may be partial, as libgsf allows).
    sectors_ = (f_.size() - sector_ + sector_ - 1) / sector_;
    const uint64_t num_fat = Le32(h + 0x2C);
    // A FAT covers per_sector_ sectors per FAT sector; more than twice what
    // the file needs (+2) is not a real file. libgsf sizes a stack buffer by
    // the FAT's coverage, so this bound is a stack bound too.
    if (num_fat > 2 * ((sectors_ + per_sector_ - 1) / per_sector_) + 2)
      return Corrupt("FAT larger than the file");
    fat_entries_ = num_fat * per_sector_;
    if (Status s = ReadFatSectorList(num_fat); !s.ok()) return s;
    if (Status s = ReadDirectoryChain(Le32(h + 0x30)); !s.ok()) return s;
    return WalkTree();
  }

 private:
  static Status Corrupt(std::string_view what) {
    return Status::Corrupt("OLE compound file: " + std::string(what));
  }

  const uint8_t* Sector(uint32_t s) const {
    const uint64_t off = (static_cast<uint64_t>(s) + 1) * sector_;
    if (s >= sectors_ || off + sector_ > f_.size()) return nullptr;
    return f_.data() + off;
  }

  // The FAT sector numbers: 109 in the header, the rest in the DIFAT chain.
  Status ReadFatSectorList(uint64_t num_fat) {
    const uint8_t* h = f_.data();
    for (uint64_t i = 0; i < std::min<uint64_t>(num_fat, 109); ++i)
      fat_sectors_.push_back(Le32(h + 0x4C + 4 * i));
    uint32_t difat = Le32(h + 0x44);
    uint64_t num_difat = Le32(h + 0x48);
    for (uint64_t n = 0; fat_sectors_.size() < num_fat && n < num_difat; ++n) {
      if (n > sectors_) return Corrupt("DIFAT chain longer than the file");
      const uint8_t* d = Sector(difat);
      if (d == nullptr) return Corrupt("truncated DIFAT");
      for (size_t i = 0; i + 1 < per_sector_ && fat_sectors_.size() < num_fat; ++i)
        fat_sectors_.push_back(Le32(d + 4 * i));
      difat = Le32(d + 4 * (per_sector_ - 1));
    }
    return Status::Ok();
  }

  // FAT entry of sector s, or nullopt where libgsf would see none.
  std::optional<uint32_t> Fat(uint32_t s) const {
    if (s >= fat_entries_) return std::nullopt;
    const uint64_t k = s / per_sector_;
    // FAT sectors the DIFAT did not list stay zero-filled in libgsf.
    if (k >= fat_sectors_.size()) return 0;
    if (fat_sectors_[k] == kNoStream) return kNoStream;
    const uint8_t* p = Sector(fat_sectors_[k]);
    if (p == nullptr) return std::nullopt;
    return Le32(p + 4 * (s % per_sector_));
  }

  // The directory's sectors, following the FAT while the next sector is
  // inside it and not seen before (libgsf's ole_make_bat).
  Status ReadDirectoryChain(uint32_t start) {
    std::vector<bool> seen(fat_entries_);
    uint32_t s = start;
    while (s < fat_entries_) {
      if (seen[s]) break;
      seen[s] = true;
      dir_sectors_.push_back(s);
      auto next = Fat(s);
      if (!next) break;
      s = *next;
    }
    if (dir_sectors_.empty()) return Corrupt("no directory");
    return Status::Ok();
  }

  const uint8_t* Entry(uint32_t e) const {
    const uint64_t byte = static_cast<uint64_t>(e) * kDirentSize;
    const uint64_t k = byte / sector_;
    if (k >= dir_sectors_.size()) return nullptr;
    const uint8_t* s = Sector(dir_sectors_[k]);
    return s == nullptr ? nullptr : s + byte % sector_;
  }

  Status WalkTree() {
    const uint64_t num_entries = dir_sectors_.size() * (sector_ / kDirentSize);
    std::vector<bool> seen(num_entries);
    struct Frame {
      uint32_t entry;
      uint32_t depth;
    };
    std::vector<Frame> todo{{0, 1}};
    uint64_t entries = 0;
    while (!todo.empty()) {
      const Frame fr = todo.back();
      todo.pop_back();
      if (fr.depth > kMaxOleDirectoryDepth) return Corrupt("directory tree too deep");
      if (fr.entry == kNoStream || fr.entry >= num_entries || seen[fr.entry]) continue;
      seen[fr.entry] = true;
      const uint8_t* d = Entry(fr.entry);
      if (d == nullptr) continue;
      const uint8_t type = d[0x42];
      if (type != 1 && type != 2 && type != 5) continue;
      const bool is_root = fr.entry == 0 && fr.depth == 1;
      // MS-CFB: the root has no siblings. libgsf 1.14.50 parses them with no
      // parent to attach them to and leaks them (found by the ole fuzzer).
      if (is_root && (Le32(d + 0x44) != kNoStream || Le32(d + 0x48) != kNoStream))
        return Corrupt("root entry has siblings");
      if (type == 2 && !is_root && Le32(d + 0x78) > f_.size()) continue;
      if (++entries > kMaxDirectoryEntries) return Corrupt("too many directory entries");
      // Pushed in reverse so that prev is walked first, as libgsf recurses.
      const uint32_t next_depth = fr.depth + 1;
      if (type != 2 || is_root) todo.push_back({Le32(d + 0x4C), next_depth});
      todo.push_back({Le32(d + 0x48), next_depth});
      todo.push_back({Le32(d + 0x44), next_depth});
    }
    return Status::Ok();
  }

  std::span<const uint8_t> f_;
  size_t sector_ = 512;
  uint64_t per_sector_ = 128;
  uint64_t sectors_ = 0;
  uint64_t fat_entries_ = 0;
  std::vector<uint32_t> fat_sectors_;
  std::vector<uint32_t> dir_sectors_;
};

// ---------------------------------------------------------------------------
// Ole10Native

struct EmbeddedFile {
  std::string name;
  std::span<const uint8_t> data;
};

// Reads the OLE1 Package layout (see the header). nullopt when the stream
// is too short to hold one. Never reads outside `s`.
std::optional<EmbeddedFile> ParseOle10Native(std::span<const uint8_t> s) {
  size_t pos = 0;
  auto u16 = [&]() -> std::optional<uint16_t> {
    if (s.size() - pos < 2) return std::nullopt;
    pos += 2;
    return Le16(s.data() + pos - 2);
  };
  auto u32 = [&]() -> std::optional<uint32_t> {
    if (s.size() - pos < 4) return std::nullopt;
    pos += 4;
    return Le32(s.data() + pos - 4);
  };
  auto cstr = [&]() -> std::optional<std::string> {
    const uint8_t* b = s.data() + pos;
    const uint8_t* e = std::find(b, s.data() + s.size(), 0);
    if (e == s.data() + s.size()) return std::nullopt;
    pos += static_cast<size_t>(e - b) + 1;
    return std::string(b, e);
  };
  auto total = u32();
  if (!total) return std::nullopt;
  // The declared size of what follows bounds the parse when it is smaller
  // than the stream (trailing bytes are not ours); a larger claim is a lie.
  if (*total < s.size() - pos) s = s.first(pos + *total);
  if (!u16()) return std::nullopt;  // type
  auto label = cstr();
  if (!label) return std::nullopt;
  auto source = cstr();
  if (!source) return std::nullopt;
  if (!u16() || !u16()) return std::nullopt;
  auto temp_len = u32();
  if (!temp_len || *temp_len > s.size() - pos) return std::nullopt;
  std::string temp(reinterpret_cast<const char*>(s.data() + pos),
                   strnlen(reinterpret_cast<const char*>(s.data() + pos), *temp_len));
  pos += *temp_len;
  auto data_len = u32();
  if (!data_len) return std::nullopt;
  const size_t n = std::min<size_t>(*data_len, s.size() - pos);

  // The name: the label, else the last component of a path.
  auto base = [](const std::string& p) {
    size_t cut = p.find_last_of("\\/");
    return cut == std::string::npos ? p : p.substr(cut + 1);
  };
  std::string name = base(*label);
  if (name.empty()) name = base(temp);
  if (name.empty()) name = base(*source);
  return EmbeddedFile{std::move(name), s.subspan(pos, n)};
}

// ---------------------------------------------------------------------------
// The walk.

constexpr char kMimeAlphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";

void AppendEscaped(std::string& out, uint8_t b) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += "\\x";
  out += kHex[b >> 4];
  out += kHex[b & 15];
}

// Decodes one UTF-8 sequence at s[i]; returns its length, 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  const uint8_t c = b(0);
  size_t len;
  uint32_t min;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if ((c & 0xE0) == 0xC0) {
    len = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    len = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    len = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (s.size() - i < len) return 0;
  for (size_t k = 1; k < len; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

bool IsMsiClsid(const uint8_t clsid[16]) {
  // {000C108x-0000-0000-C000-000000000046}, x = 2 transform, 4 package, 6 patch.
  static constexpr uint8_t kTail[12] = {0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                        0xC0, 0x00, 0x00, 0x00, 0x00, 0x00};
  return (clsid[0] == 0x82 || clsid[0] == 0x84 || clsid[0] == 0x86) && clsid[1] == 0x10 &&
         std::memcmp(clsid + 2, kTail, sizeof kTail) == 0 && clsid[14] == 0x00 && clsid[15] == 0x46;
}

class Walker {
 public:
  Walker(const OleLimits& limits, const std::function<bool(OleStream&&)>& visit, bool msi)
      : limits_(limits), visit_(visit), msi_(msi) {}

  // Returns false when the walk stopped (limit or visitor).
  bool Walk(GsfInfile* dir, const std::string& prefix, int depth) {
    const int n = gsf_infile_num_children(dir);
    for (int i = 0; i < n; ++i) {
      const char* raw = gsf_infile_name_by_index(dir, i);
      const std::string_view raw_name = raw ? raw : "";
      const std::string path = prefix + DecodeOleName(raw_name, msi_);
      GPtr<GsfInput> child(gsf_infile_child_by_index(dir, i));
      if (!child) {
        Skip(path, "error");
        continue;
      }
      if (GSF_IS_INFILE(child.get()) && gsf_infile_num_children(GSF_INFILE(child.get())) >= 0) {
        if (depth + 1 > limits_.max_depth) {
          Skip(path, "depth");
          continue;
        }
        if (!Walk(GSF_INFILE(child.get()), path + "/", depth + 1)) return false;
        continue;
      }
      if (!Stream(child.get(), path, raw_name)) return false;
    }
    return true;
  }

  OleResult&& result() && { return std::move(result_); }

 private:
  void Skip(const std::string& path, const char* reason) {
    result_.skipped.push_back({path, reason});
  }

  bool Stream(GsfInput* in, const std::string& path, std::string_view raw_name) {
    if (result_.streams >= limits_.max_streams) {
      Skip(path, "limit");
      return false;
    }
    const gsf_off_t size = gsf_input_size(in);
    if (size < 0) {
      Skip(path, "error");
      return true;
    }
    const auto usize = static_cast<uint64_t>(size);
    if (usize > limits_.max_stream_bytes) {
      Skip(path, "size");
      return true;
    }
    if (usize > limits_.max_total_bytes - total_) {
      Skip(path, "total");
      return false;
    }
    OleStream s;
    s.path = path;
    s.data.resize(usize);
    if (usize > 0 && gsf_input_read(in, static_cast<size_t>(usize), s.data.data()) == nullptr) {
      Skip(path, "error");
      return true;
    }
    total_ += usize;

    std::optional<OleStream> embedded;
    if (raw_name == "\x01Ole10Native") {
      if (auto e = ParseOle10Native(s.data)) {
        embedded.emplace();
        embedded->path = path + "/" + DecodeOleName(e->name, false);
        embedded->data.assign(e->data.begin(), e->data.end());
        embedded->embedded_file = true;
      }
    }
    ++result_.streams;
    if (!visit_(std::move(s))) return false;
    if (embedded) {
      if (result_.streams >= limits_.max_streams) {
        Skip(embedded->path, "limit");
        return false;
      }
      ++result_.streams;
      if (!visit_(std::move(*embedded))) return false;
    }
    return true;
  }

  const OleLimits& limits_;
  const std::function<bool(OleStream&&)>& visit_;
  const bool msi_;
  uint64_t total_ = 0;
  OleResult result_;
};

// MSI-family file: by the root CLSID, or a root entry named with the table
// prefix U+4840 (UTF-8 E4 A1 80).
bool LooksLikeMsi(GsfInfile* root) {
  uint8_t clsid[16] = {};
  if (gsf_infile_msole_get_class_id(GSF_INFILE_MSOLE(root), clsid) && IsMsiClsid(clsid))
    return true;
  const int n = gsf_infile_num_children(root);
  for (int i = 0; i < n; ++i) {
    const char* name = gsf_infile_name_by_index(root, i);
    if (name != nullptr && std::string_view(name).starts_with("\xE4\xA1\x80")) return true;
  }
  return false;
}

}  // namespace

std::string DecodeOleName(std::string_view name, bool msi) {
  if (name.empty()) return "\\?";
  std::string out;
  out.reserve(name.size());
  for (size_t i = 0; i < name.size();) {
    uint32_t cp = 0;
    const size_t len = DecodeUtf8(name, i, cp);
    if (len == 0) {
      AppendEscaped(out, static_cast<uint8_t>(name[i]));
      ++i;
      continue;
    }
    if (msi && cp >= 0x3800 && cp <= 0x4840) {
      if (cp < 0x4800) {
        out += kMimeAlphabet[(cp - 0x3800) & 0x3F];
        out += kMimeAlphabet[((cp - 0x3800) >> 6) & 0x3F];
      } else if (cp < 0x4840) {
        out += kMimeAlphabet[cp - 0x4800];
      } else {
        out += '!';
      }
    } else if (cp < 0x20 || cp == 0x7F || cp == '/' || cp == '\\') {
      AppendEscaped(out, static_cast<uint8_t>(cp));
    } else {
      out.append(name.substr(i, len));
    }
    i += len;
  }
  return out;
}

Result<OleResult> ForEachOleStream(std::span<const uint8_t> file, const OleLimits& limits,
                                   const std::function<bool(OleStream&&)>& visit) {
  if (!IsOleFile(file)) return Status::Corrupt("not an OLE compound file (no signature)");
  if (file.size() < kHeaderSize) return Status::Corrupt("OLE compound file: truncated header");
  if (Status s = CfbPrecheck(file).Run(); !s.ok()) return s;

  InitGsfOnce();
  ScopedLogCapture logs;
  // needs_free = FALSE: libgsf reads the caller's bytes in place.
  GPtr<GsfInput> input(
      gsf_input_memory_new(file.data(), static_cast<gsf_off_t>(file.size()), FALSE));
  if (!input) return Status::ResourceExhausted("OLE compound file: libgsf input");
  GError* err = nullptr;
  GPtr<GsfInfile> root(gsf_infile_msole_new(input.get(), &err));
  if (!root) {
    std::string msg = "OLE compound file: ";
    msg += err != nullptr && err->message != nullptr ? err->message : "cannot be opened";
    if (!logs.capture().first.empty()) msg += " (" + logs.capture().first + ")";
    if (err != nullptr) g_error_free(err);
    return Status::Corrupt(std::move(msg));
  }
  if (err != nullptr) g_error_free(err);

  Walker walker(limits, visit, LooksLikeMsi(root.get()));
  walker.Walk(root.get(), "", 0);
  return std::move(walker).result();
}

}  // namespace harrier
