// The magic-byte tests of the container readers (IsOleFile, DetectMspack,
// LooksLikeDiskImage): pure, and part of every build, also of one without
// the reader's library (the Windows build), where a container found by them
// is counted as skipped "unsupported" instead of going unnoticed.
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "sources/image_source.h"
#include "sources/mspack_reader.h"
#include "sources/ole_reader.h"

namespace harrier {

using namespace std::string_view_literals;

namespace {
// MS-CFB: the compound file header signature.
constexpr uint8_t kOleSignature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
}  // namespace

bool IsOleFile(std::span<const uint8_t> head) {
  return head.size() >= sizeof kOleSignature &&
         std::memcmp(head.data(), kOleSignature, sizeof kOleSignature) == 0;
}

bool DetectMspack(std::span<const uint8_t> d, MspackFormat* format) {
  auto is = [&](const char* magic, size_t n) {
    return d.size() >= n && std::memcmp(d.data(), magic, n) == 0;
  };
  if (is("ITSF\x03\x00\x00\x00", 8)) *format = MspackFormat::kChm;
  else if (is("SZDD\x88\xf0\x27\x33", 8)) *format = MspackFormat::kSzdd;
  else if (is("KWAJ\x88\xf0\x27\xd1", 8)) *format = MspackFormat::kKwaj;
  else return false;
  return true;
}

bool LooksLikeDiskImage(std::span<const uint8_t> d) {
  auto at = [&](size_t off, std::string_view magic) {
    return d.size() >= off + magic.size() &&
           std::memcmp(d.data() + off, magic.data(), magic.size()) == 0;
  };
  if (at(3, "NTFS    ") || at(3, "EXFAT   ")) return true;
  if (at(512, "EFI PART")) return true;
  bool boot_signature = at(510, "\x55\xaa"sv);
  // FAT boot sectors name their type; a bare MBR has a partition entry with
  // a non-zero type byte and a status of 0x00 or 0x80.
  if (boot_signature && (at(54, "FAT1") || at(82, "FAT32"))) return true;
  if (boot_signature) {
    for (size_t e = 446; e < 510; e += 16) {
      uint8_t status = d[e], type = d[e + 4];
      if ((status == 0x00 || status == 0x80) && type != 0) return true;
    }
  }
  if (at(1080, "\x53\xef"sv)) return true;  // ext2/3/4 superblock magic
  if (at(1024, "H+\x00\x04"sv) || at(1024, "HX\x00\x05"sv)) return true;  // HFS+ / HFSX
  return false;
}

}  // namespace harrier
