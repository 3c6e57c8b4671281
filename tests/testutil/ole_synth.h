// Synthetic OLE compound files built at test time (never committed as
// binaries): with libgsf's own writer (GsfOutfileMSOle), byte by byte for
// structures no writer produces, plus the MSI name packing and an OLE1
// Package (Ole10Native) stream. Header-only so unit tests and fuzz seeds
// share it.
#pragma once

#include <gsf/gsf-outfile-msole.h>
#include <gsf/gsf-outfile.h>
#include <gsf/gsf-output-memory.h>
#include <gsf/gsf-output.h>
#include <gsf/gsf-utils.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace harrier::testing::ole_synth {

using Bytes = std::vector<uint8_t>;

// An OLE file written by libgsf: `streams` maps "storage/.../name" to the
// content; storages are created as the paths need them.
// `sector` 512 or 4096 (libgsf's big-block size; mini blocks are 64 bytes).
inline Bytes BuildOle(const std::vector<std::pair<std::string, std::string>>& streams,
                      const uint8_t* root_clsid = nullptr, size_t sector = 512) {
  static std::once_flag once;
  std::call_once(once, [] { gsf_init(); });
  GsfOutput* sink = gsf_output_memory_new();
  GsfOutfile* root = gsf_outfile_msole_new_full(sink, sector, 64);
  if (root_clsid != nullptr) gsf_outfile_msole_set_class_id(GSF_OUTFILE_MSOLE(root), root_clsid);
  std::map<std::string, GsfOutfile*> dirs;  // path -> storage
  std::vector<GsfOutfile*> open_dirs;       // in creation order
  auto dir_of = [&](const std::string& path) {
    GsfOutfile* d = root;
    size_t start = 0;
    for (size_t slash; (slash = path.find('/', start)) != std::string::npos; start = slash + 1) {
      std::string key = path.substr(0, slash);
      auto it = dirs.find(key);
      if (it == dirs.end()) {
        GsfOutfile* nd =
            GSF_OUTFILE(gsf_outfile_new_child(d, path.substr(start, slash - start).c_str(), TRUE));
        it = dirs.emplace(key, nd).first;
        open_dirs.push_back(nd);
      }
      d = it->second;
    }
    return std::make_pair(d, path.substr(start));
  };
  for (const auto& [path, content] : streams) {
    auto [dir, name] = dir_of(path);
    GsfOutput* s = gsf_outfile_new_child(dir, name.c_str(), FALSE);
    gsf_output_write(s, content.size(), reinterpret_cast<const guint8*>(content.data()));
    gsf_output_close(s);
    g_object_unref(s);
  }
  for (auto it = open_dirs.rbegin(); it != open_dirs.rend(); ++it) {
    gsf_output_close(GSF_OUTPUT(*it));
    g_object_unref(*it);
  }
  gsf_output_close(GSF_OUTPUT(root));
  g_object_unref(root);
  const guint8* p = gsf_output_memory_get_bytes(GSF_OUTPUT_MEMORY(sink));
  Bytes out(p, p + gsf_output_size(sink));
  g_object_unref(sink);
  return out;
}

// A raw compound file with 512-byte sectors: FAT sectors, then the
// directory, no stream data (every stream has size 0). For structures no
// writer produces (deep sibling chains, bad header fields).
struct RawEntry {
  std::u16string name;
  uint8_t type = 2;  // 1 storage, 2 stream, 5 root
  uint32_t left = 0xFFFFFFFF, right = 0xFFFFFFFF, child = 0xFFFFFFFF;
};

inline Bytes BuildRawCfb(const std::vector<RawEntry>& entries, uint32_t cutoff = 4096) {
  const size_t ndir = (entries.size() * 128 + 511) / 512;
  size_t nfat = 1;
  while (nfat * 128 < nfat + ndir) ++nfat;
  if (nfat > 109) return {};  // the header DIFAT only
  Bytes f((1 + nfat + ndir) * 512, 0);
  auto put16 = [&](size_t off, uint16_t v) { f[off] = v & 0xFF, f[off + 1] = v >> 8; };
  auto put32 = [&](size_t off, uint32_t v) {
    for (int i = 0; i < 4; ++i) f[off + i] = (v >> (8 * i)) & 0xFF;
  };
  const uint8_t sig[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  std::memcpy(f.data(), sig, 8);
  put16(0x18, 0x3E), put16(0x1A, 3), put16(0x1C, 0xFFFE), put16(0x1E, 9), put16(0x20, 6);
  put32(0x2C, static_cast<uint32_t>(nfat));
  put32(0x30, static_cast<uint32_t>(nfat));
  put32(0x38, cutoff);
  put32(0x3C, 0xFFFFFFFE), put32(0x44, 0xFFFFFFFE);
  for (size_t i = 0; i < 109; ++i) put32(0x4C + 4 * i, i < nfat ? i : 0xFFFFFFFF);
  auto sector = [](size_t s) { return (s + 1) * 512; };
  for (size_t s = 0; s < nfat * 128; ++s) {
    uint32_t v = 0xFFFFFFFF;
    if (s < nfat)
      v = 0xFFFFFFFD;
    else if (s < nfat + ndir)
      v = s + 1 < nfat + ndir ? s + 1 : 0xFFFFFFFE;
    put32(sector(s / 128) + 4 * (s % 128), v);
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const size_t off = sector(nfat) + i * 128;
    const RawEntry& e = entries[i];
    for (size_t k = 0; k < e.name.size() && k < 31; ++k) put16(off + 2 * k, e.name[k]);
    put16(off + 0x40, static_cast<uint16_t>(2 * (std::min<size_t>(e.name.size(), 31) + 1)));
    f[off + 0x42] = e.type;
    f[off + 0x43] = 1;  // black
    put32(off + 0x44, e.left), put32(off + 0x48, e.right), put32(off + 0x4C, e.child);
    put32(off + 0x74, 0xFFFFFFFE);
  }
  return f;
}

// A root with `n` streams whose right-sibling links form one list, so
// libgsf's recursive directory parse goes n levels deep.
inline Bytes SiblingChain(size_t n) {
  std::vector<RawEntry> e(n + 1);
  e[0] = {u"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1};
  for (size_t i = 1; i <= n; ++i) {
    std::string name = "s" + std::to_string(i);
    e[i].name.assign(name.begin(), name.end());
    e[i].right = i < n ? static_cast<uint32_t>(i + 1) : 0xFFFFFFFF;
  }
  return BuildRawCfb(e);
}

// The MSI name packing (the inverse of what the reader decodes): pairs of
// [0-9A-Za-z._] characters into U+3800..U+47FF, a single one into
// U+4800..U+483F, "!" table prefix U+4840; returned as UTF-8.
inline std::string MsiEncode(std::string_view name, bool table) {
  static const std::string alphabet =
      "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
  std::u32string cps;
  if (table) cps += U'\x4840';
  for (size_t i = 0; i < name.size(); ++i) {
    size_t a = alphabet.find(name[i]);
    if (a == std::string::npos) {
      cps += static_cast<char32_t>(static_cast<uint8_t>(name[i]));
      continue;
    }
    size_t b = i + 1 < name.size() ? alphabet.find(name[i + 1]) : std::string::npos;
    if (b != std::string::npos) {
      cps += static_cast<char32_t>(0x3800 + a + (b << 6));
      ++i;
    } else {
      cps += static_cast<char32_t>(0x4800 + a);
    }
  }
  std::string out;
  for (char32_t c : cps) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// An OLE1 Package (Ole10Native) stream with the layout Office writes.
inline std::string Ole10Native(const std::string& label, const std::string& payload,
                               uint32_t data_size_field) {
  std::string body;
  auto u16 = [&](uint16_t v) { body.append({char(v & 0xFF), char(v >> 8)}); };
  auto u32 = [&](uint32_t v) {
    for (int i = 0; i < 4; ++i) body += static_cast<char>((v >> (8 * i)) & 0xFF);
  };
  const std::string src = "C:\\Users\\u\\Desktop\\" + label;
  const std::string tmp = "C:\\Users\\u\\AppData\\Local\\Temp\\" + label;
  u16(2);
  body += label + '\0';
  body += src + '\0';
  u16(0), u16(3);
  u32(static_cast<uint32_t>(tmp.size() + 1));
  body += tmp + '\0';
  u32(data_size_field);
  body += payload;
  std::string out;
  const uint32_t total = static_cast<uint32_t>(body.size());
  for (int i = 0; i < 4; ++i) out += static_cast<char>((total >> (8 * i)) & 0xFF);
  return out + body;
}

}  // namespace harrier::testing::ole_synth
