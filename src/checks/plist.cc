#include "checks/plist.h"
#include "core/utf8.h"

#include <optional>

namespace harrier::plist {
namespace {

std::string Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEnt[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (auto [e, c] : kEnt) {
      if (s.substr(i, e.size()) == e) {
        out.push_back(c);
        i += e.size();
        done = true;
        break;
      }
    }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

// A tag at `pos` ("<name>", "</name>", "<name/>"); returns its name and the
// offset after '>'. Comments, processing instructions and DOCTYPE are
// reported with an empty name.
struct Tag {
  std::string_view name;
  bool closing = false, self_closing = false;
  size_t end = std::string_view::npos;
};

Tag NextTag(std::string_view s, size_t pos) {
  Tag t;
  if (s.substr(pos, 4) == "<!--") {
    size_t e = s.find("-->", pos + 4);
    t.end = e == std::string_view::npos ? e : e + 3;
    return t;
  }
  size_t e = s.find('>', pos);
  if (e == std::string_view::npos) return t;
  t.end = e + 1;
  std::string_view body = s.substr(pos + 1, e - pos - 1);
  if (body.empty() || body[0] == '?' || body[0] == '!') return t;
  if (body[0] == '/') t.closing = true, body.remove_prefix(1);
  if (!body.empty() && body.back() == '/') t.self_closing = true, body.remove_suffix(1);
  size_t sp = body.find_first_of(" \t\r\n");
  t.name = body.substr(0, sp);
  return t;
}

// Binary property lists (Apple's CFBinaryPList format, "bplist00"): objects,
// then an offset table, then a 32-byte trailer (6 unused bytes, offset size,
// reference size, object count, top object, offset-table offset; integers
// big-endian). An object starts with a marker byte: high nibble the type
// (0x5 ASCII string, 0x6 UTF-16BE string, 0xD dict), low nibble the length,
// 0xF meaning "an integer object (0x1N, 2^N bytes) follows with it".
class BinaryPlist {
 public:
  explicit BinaryPlist(std::span<const uint8_t> d) : d_(d) {}

  Result<std::vector<std::pair<std::string, std::string>>> TopLevelStrings() {
    constexpr size_t kHeader = 8, kTrailer = 32;
    if (d_.size() < kHeader + kTrailer) return Bad("shorter than header and trailer");
    const size_t t = d_.size() - kTrailer;
    offset_size_ = d_[t + 6];
    ref_size_ = d_[t + 7];
    const uint64_t objects = Be(t + 8, 8), top = Be(t + 16, 8);
    table_ = Be(t + 24, 8);
    if (offset_size_ < 1 || offset_size_ > 8 || ref_size_ < 1 || ref_size_ > 8)
      return Bad("offset or reference size not 1 to 8");
    if (objects == 0 || top >= objects) return Bad("no top object");
    if (table_ < kHeader || table_ > t || (t - table_) / offset_size_ < objects)
      return Bad("offset table outside the file");
    objects_ = objects;
    auto at = Offset(top);
    if (!at) return Bad("top object outside the file");
    if ((d_[*at] >> 4) != 0xD) return Bad("top-level object is not a dict");
    size_t pos = *at + 1;
    auto n = Length(d_[*at], &pos);
    if (!n) return Bad("dict size damaged");
    // 2n references after the marker, inside the object area.
    if (*n > (table_ - pos) / (2 * ref_size_)) return Bad("dict larger than the file");
    std::vector<std::pair<std::string, std::string>> out;
    // Many references to one long string would return far more text than
    // the file holds: the returned text is bounded by the file's size.
    const uint64_t max_text = 2 * static_cast<uint64_t>(d_.size()) + 4096;
    uint64_t text = 0;
    for (uint64_t i = 0; i < *n; ++i) {
      auto key = String(Be(pos + i * ref_size_, ref_size_));
      auto value = String(Be(pos + (*n + i) * ref_size_, ref_size_));
      if (!key || !value) continue;
      text += key->size() + value->size();
      if (text > max_text) return Bad("references repeat more text than the file holds");
      out.emplace_back(std::move(*key), std::move(*value));
    }
    return out;
  }

 private:
  static Status Bad(std::string_view why) {
    return Status::InvalidArgument(std::string("binary plist: ") + std::string(why));
  }
  // `n` (1..8) big-endian bytes at `pos`; the caller checked the bounds.
  uint64_t Be(size_t pos, size_t n) const {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = (v << 8) | d_[pos + i];
    return v;
  }
  // The file offset of object `ref`, inside the object area, or nullopt.
  std::optional<size_t> Offset(uint64_t ref) const {
    if (ref >= objects_) return std::nullopt;
    uint64_t off = Be(table_ + ref * offset_size_, offset_size_);
    if (off < 8 || off >= table_) return std::nullopt;
    return static_cast<size_t>(off);
  }
  // The length in a marker's low nibble, or the integer object after it
  // (advancing `pos`); nullopt when it runs past the object area.
  std::optional<uint64_t> Length(uint8_t marker, size_t* pos) const {
    if ((marker & 0xF) != 0xF) return marker & 0xF;
    if (*pos >= table_ || (d_[*pos] >> 4) != 0x1 || (d_[*pos] & 0xF) > 3) return std::nullopt;
    const size_t bytes = size_t{1} << (d_[*pos] & 0xF);
    if (table_ - *pos - 1 < bytes) return std::nullopt;
    uint64_t v = Be(*pos + 1, bytes);
    *pos += 1 + bytes;
    return v;
  }
  // Object `ref` as UTF-8 when it is a string; nullopt otherwise.
  std::optional<std::string> String(uint64_t ref) const {
    auto at = Offset(ref);
    if (!at) return std::nullopt;
    const uint8_t marker = d_[*at];
    size_t pos = *at + 1;
    auto n = Length(marker, &pos);
    if (!n) return std::nullopt;
    const uint64_t room = table_ - pos;
    if ((marker >> 4) == 0x5) {
      if (*n > room) return std::nullopt;
      return std::string(reinterpret_cast<const char*>(d_.data() + pos), *n);
    }
    if ((marker >> 4) != 0x6 || *n > room / 2) return std::nullopt;
    std::string out;
    for (uint64_t i = 0; i < *n; ++i) {
      uint32_t c = static_cast<uint32_t>(Be(pos + 2 * i, 2));
      if (c >= 0xD800 && c < 0xDC00 && i + 1 < *n) {
        uint32_t lo = static_cast<uint32_t>(Be(pos + 2 * (i + 1), 2));
        if (lo >= 0xDC00 && lo < 0xE000) {
          c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
          ++i;
        }
      }
      if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;  // an unpaired surrogate
      AppendUtf8(c, &out);
    }
    return out;
  }

  std::span<const uint8_t> d_;
  size_t offset_size_ = 0, ref_size_ = 0;
  uint64_t objects_ = 0;
  size_t table_ = 0;  // offset of the offset table: the end of the object area
};

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> TopLevelStrings(
    std::span<const uint8_t> data) {
  std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
  if (s.substr(0, 8) == "bplist00") return BinaryPlist(data).TopLevelStrings();
  if (s.find("<plist") == std::string_view::npos)
    return Status::InvalidArgument("not an XML plist");
  std::vector<std::pair<std::string, std::string>> out;
  int depth = 0;  // dict/array nesting; the top-level dict is depth 1
  std::string pending_key;
  bool have_key = false;
  size_t pos = 0;
  while ((pos = s.find('<', pos)) != std::string_view::npos) {
    Tag t = NextTag(s, pos);
    if (t.end == std::string_view::npos) break;
    size_t after = t.end;
    if (t.name == "dict" || t.name == "array") {
      if (t.self_closing) {
        have_key = false;
      } else if (t.closing) {
        --depth;
      } else {
        ++depth;
        if (depth > 1) have_key = false;  // a nested container is the pending key's value
      }
    } else if (!t.closing && !t.self_closing && (t.name == "key" || t.name == "string")) {
      size_t close = s.find("</", after);
      if (close == std::string_view::npos) break;
      std::string text = Decode(s.substr(after, close - after));
      if (depth == 1) {
        if (t.name == "key") {
          pending_key = std::move(text);
          have_key = true;
        } else if (have_key) {
          out.emplace_back(std::move(pending_key), std::move(text));
          have_key = false;
        }
      }
      size_t ce = s.find('>', close);
      after = ce == std::string_view::npos ? s.size() : ce + 1;
    } else if (!t.closing && depth == 1 && !t.name.empty()) {
      have_key = false;  // <true/>, <integer>, ... : a non-string value
    }
    pos = after;
  }
  return out;
}

std::optional<std::string> Find(const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view key) {
  for (const auto& [k, v] : kv)
    if (k == key) return v;
  return std::nullopt;
}

}  // namespace harrier::plist
