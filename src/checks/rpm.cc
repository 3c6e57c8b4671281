#include "checks/rpm.h"

#include <fmt/format.h>

#include <cstring>

namespace harrier::rpm {
namespace {

uint32_t Be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }

struct Entry {
  int32_t tag;
  uint32_t type, offset, count;
};

// The NUL-terminated string at `e.offset` in `data`, cut at kMaxFieldBytes.
Result<std::string> StringAt(const Entry& e, std::span<const uint8_t> data) {
  if (e.type != kTypeString || e.count != 1)
    return Status::Corrupt(fmt::format("tag {}: type {} count {}, want a STRING", e.tag, e.type,
                                       e.count));
  if (e.offset >= data.size())
    return Status::Corrupt(fmt::format("tag {}: offset {} outside the {} data bytes", e.tag,
                                       e.offset, data.size()));
  const uint8_t* start = data.data() + e.offset;
  const void* nul = std::memchr(start, 0, data.size() - e.offset);
  if (nul == nullptr) return Status::Corrupt(fmt::format("tag {}: string without NUL", e.tag));
  size_t len = static_cast<size_t>(static_cast<const uint8_t*>(nul) - start);
  return std::string(reinterpret_cast<const char*>(start), std::min(len, kMaxFieldBytes));
}

Result<uint32_t> Int32At(const Entry& e, std::span<const uint8_t> data) {
  if (e.type != kTypeInt32 || e.count != 1)
    return Status::Corrupt(fmt::format("tag {}: type {} count {}, want one INT32", e.tag, e.type,
                                       e.count));
  if (e.offset > data.size() || data.size() - e.offset < 4)
    return Status::Corrupt(fmt::format("tag {}: offset {} outside the {} data bytes", e.tag,
                                       e.offset, data.size()));
  return Be32(data.data() + e.offset);
}

// The leading segment of `s` from `i` on: digits or letters, and whether numeric.
std::string_view Segment(std::string_view s, size_t* i, bool numeric) {
  size_t start = *i;
  while (*i < s.size() && (numeric ? IsDigit(s[*i]) : IsAlpha(s[*i]))) ++*i;
  return s.substr(start, *i - start);
}

int Sign(int v) { return v < 0 ? -1 : (v > 0 ? 1 : 0); }

}  // namespace

std::string Package::Evr() const {
  std::string out;
  if (epoch) out = fmt::format("{}:", *epoch);
  out += version;
  if (!release.empty()) out += "-" + release;
  return out;
}

std::string Package::SourceName() const {
  std::string_view s = sourcerpm;
  for (std::string_view suffix : {".src.rpm", ".nosrc.rpm"}) {
    if (s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix) {
      s.remove_suffix(suffix.size());
      // name-version-release: drop the last two '-' parts.
      size_t r = s.rfind('-');
      if (r == std::string_view::npos || r == 0) return "";
      size_t v = s.rfind('-', r - 1);
      if (v == std::string_view::npos || v == 0) return "";
      return std::string(s.substr(0, v));
    }
  }
  return "";
}

Result<Package> ParseHeaderBlob(std::span<const uint8_t> blob) {
  if (blob.size() < 8)
    return Status::Corrupt(fmt::format("header of {} bytes: shorter than its 8-byte preamble",
                                       blob.size()));
  const uint32_t il = Be32(blob.data()), dl = Be32(blob.data() + 4);
  if (il == 0 || il > kMaxIndexEntries)
    return Status::Corrupt(fmt::format("header: {} index entries (want 1..{})", il,
                                       kMaxIndexEntries));
  if (dl > kMaxDataBytes)
    return Status::Corrupt(fmt::format("header: {} data bytes (at most {})", dl, kMaxDataBytes));
  const uint64_t want = 8 + 16 * uint64_t{il} + dl;  // no overflow: both capped above
  if (blob.size() != want)
    return Status::Corrupt(fmt::format("header: {} bytes, but 8 + 16 * {} + {} = {}", blob.size(),
                                       il, dl, want));
  const uint8_t* index = blob.data() + 8;
  std::span<const uint8_t> data = blob.subspan(8 + 16 * size_t{il});

  std::optional<Entry> found[6];
  constexpr int32_t kTags[6] = {kTagName, kTagVersion, kTagRelease,
                                kTagEpoch, kTagArch, kTagSourceRpm};
  for (uint32_t k = 0; k < il; ++k) {
    const uint8_t* e = index + 16 * size_t{k};
    Entry entry{static_cast<int32_t>(Be32(e)), Be32(e + 4), Be32(e + 8), Be32(e + 12)};
    for (int t = 0; t < 6; ++t)
      if (entry.tag == kTags[t]) found[t] = entry;  // a later entry replaces an earlier one
  }

  Package p;
  std::string* strings[6] = {&p.name, &p.version, &p.release, nullptr, &p.arch, &p.sourcerpm};
  for (int t = 0; t < 6; ++t) {
    if (!found[t]) {
      if (t <= 2) return Status::Corrupt(fmt::format("header: no tag {}", kTags[t]));
      continue;
    }
    if (strings[t] == nullptr) {
      auto v = Int32At(*found[t], data);
      if (!v.ok()) return v.status();
      p.epoch = *v;
      continue;
    }
    auto s = StringAt(*found[t], data);
    if (!s.ok()) return s.status();
    *strings[t] = std::move(*s);
  }
  if (p.name.empty() || p.version.empty())
    return Status::Corrupt("header: empty name or version");
  return p;
}

int CompareVersions(std::string_view a, std::string_view b) {
  if (a == b) return 0;
  size_t i = 0, j = 0;
  auto skip = [](std::string_view s, size_t* k) {
    while (*k < s.size() && !IsAlnum(s[*k]) && s[*k] != '~' && s[*k] != '^') ++*k;
  };
  while (i < a.size() || j < b.size()) {
    skip(a, &i);
    skip(b, &j);
    const bool a_end = i >= a.size(), b_end = j >= b.size();
    const char ca = a_end ? '\0' : a[i], cb = b_end ? '\0' : b[j];
    if (ca == '~' || cb == '~') {  // before everything, even the end
      if (ca != '~') return 1;
      if (cb != '~') return -1;
      ++i, ++j;
      continue;
    }
    if (ca == '^' || cb == '^') {  // after the end, before anything else
      if (a_end) return -1;
      if (b_end) return 1;
      if (ca != '^') return 1;
      if (cb != '^') return -1;
      ++i, ++j;
      continue;
    }
    if (a_end || b_end) break;
    const bool numeric = IsDigit(ca);
    std::string_view sa = Segment(a, &i, numeric);
    std::string_view sb = Segment(b, &j, numeric);
    // sa is never empty (ca is alphanumeric); an empty sb means the other
    // kind of segment, and numeric is newer.
    if (sb.empty()) return numeric ? 1 : -1;
    if (numeric) {
      while (sa.size() > 1 && sa.front() == '0') sa.remove_prefix(1);
      while (sb.size() > 1 && sb.front() == '0') sb.remove_prefix(1);
      if (sa.size() != sb.size()) return sa.size() > sb.size() ? 1 : -1;
    }
    if (int c = sa.compare(sb)) return Sign(c);
  }
  const bool a_left = i < a.size(), b_left = j < b.size();
  if (a_left == b_left) return 0;
  return a_left ? 1 : -1;
}

Evr ParseEvr(std::string_view s) {
  Evr e;
  if (size_t colon = s.find(':'); colon != std::string_view::npos && colon > 0 && colon <= 18) {
    bool digits = true;
    uint64_t v = 0;
    for (size_t k = 0; k < colon && digits; ++k) {
      digits = IsDigit(s[k]);
      v = v * 10 + static_cast<uint64_t>(s[k] - '0');
    }
    if (digits) {
      e.epoch = v;
      s.remove_prefix(colon + 1);
    }
  }
  if (size_t dash = s.rfind('-'); dash != std::string_view::npos) {
    e.release = s.substr(dash + 1);
    s = s.substr(0, dash);
  }
  e.version = s;
  return e;
}

int CompareEvr(const Evr& a, const Evr& b) {
  uint64_t ea = a.epoch.value_or(0), eb = b.epoch.value_or(0);
  if (ea != eb) return ea < eb ? -1 : 1;
  if (int c = CompareVersions(a.version, b.version)) return c;
  return CompareVersions(a.release.value_or(""), b.release.value_or(""));
}

int CompareToBound(const Package& p, const Evr& bound) {
  if (bound.epoch) {
    uint64_t e = p.epoch.value_or(0);
    if (e != *bound.epoch) return e < *bound.epoch ? -1 : 1;
  }
  if (int c = CompareVersions(p.version, bound.version)) return c;
  if (!bound.release) return 0;
  return CompareVersions(p.release, *bound.release);
}

}  // namespace harrier::rpm
