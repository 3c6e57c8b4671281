// PE (Portable Executable) parser for native checks: headers, sections, data
// directories, the Authenticode certificate table and the version resource.
//
// Input is untrusted. Every offset and size read from the file is checked
// against the buffer before use; nothing is dereferenced outside `data`.
// Arithmetic is done in 64 bits, so 32-bit fields cannot wrap. Limits (number
// of sections, certificate entries, resource entries, version-resource nodes
// and depth) are constants below; hitting one ends that part of the parse and
// sets a flag in the result instead of failing the file.
//
// The parser does not copy the file: PeFile holds offsets into the caller's
// buffer. REQUIRES: the buffer outlives every use of the offsets.
// Thread-safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace harrier::pe {

// Limits (documented in docs/checks.md). Real files stay far below them.
constexpr size_t kMaxSections = 96;           // the PE loader's own limit
constexpr size_t kMaxCertificates = 32;       // WIN_CERTIFICATE entries walked
constexpr size_t kMaxResourceEntries = 4096;  // directory entries visited while locating RT_VERSION
constexpr size_t kMaxVersionNodes = 512;      // VS_VERSIONINFO nodes parsed
constexpr size_t kMaxVersionDepth = 6;

constexpr uint16_t kMagicPe32 = 0x10B;
constexpr uint16_t kMagicPe32Plus = 0x20B;
constexpr size_t kDirSecurity = 4;
constexpr size_t kDirResource = 2;
constexpr uint16_t kWinCertTypePkcsSignedData = 0x0002;

struct Section {
  std::string name;  // up to 8 bytes, NULs stripped
  uint32_t virtual_address = 0, virtual_size = 0;
  uint32_t raw_offset = 0, raw_size = 0;
};

struct DataDirectory {
  uint32_t address = 0;  // RVA; for the security directory a FILE OFFSET
  uint32_t size = 0;
};

struct Certificate {
  uint64_t offset = 0;     // file offset of the WIN_CERTIFICATE header
  uint32_t length = 0;     // dwLength (header + bCertificate)
  uint16_t revision = 0;   // wRevision (0x0200 normally)
  uint16_t type = 0;       // wCertificateType (2 = PKCS#7 SignedData)
  bool truncated = false;  // dwLength runs past the directory or the file
  // Entries are only listed when their header is plausible (dwLength >= 8,
  // revision 0x0100/0x0200, type 1..4); the walk stops at the first that is
  // not, and the bytes from there are the directory tail.
  // For PKCS#7 entries: DER length of the SignedData blob (0 when the blob is
  // not a well-formed DER SEQUENCE header), and the slack after it inside
  // dwLength: [der_end, offset + length).
  uint64_t der_length = 0;
  uint64_t slack_offset = 0, slack_size = 0;
};

struct SecurityDirectory {
  uint64_t offset = 0, size = 0;  // as declared
  bool out_of_bounds = false;     // offset + size > file size (table clipped)
  bool misaligned = false;        // offset not 8-byte aligned
  std::vector<Certificate> certs;
  bool too_many = false;  // kMaxCertificates reached
  // Bytes inside the directory after the last entry (rounded up to the
  // alignment): [tail_offset, offset + size) clipped to the file.
  uint64_t tail_offset = 0, tail_size = 0;
  uint64_t overlay_after = 0;  // file bytes after offset + size
};

struct PeFile {
  uint64_t nt_offset = 0;  // e_lfanew
  uint16_t machine = 0;
  uint16_t characteristics = 0;
  uint32_t timestamp = 0;  // COFF TimeDateStamp
  uint16_t magic = 0;      // kMagicPe32 / kMagicPe32Plus
  std::vector<Section> sections;
  bool sections_truncated = false;            // declared more than fit / kMaxSections
  std::vector<DataDirectory> dirs;            // NumberOfRvaAndSizes entries, clipped to 16
  std::optional<SecurityDirectory> security;  // present when dir 4 is non-empty

  bool is_dll() const { return (characteristics & 0x2000) != 0; }
  // File offset of an RVA through the section table, if it maps into raw data
  // with at least `len` bytes. Headers (RVA below the first section) map 1:1.
  std::optional<uint64_t> RvaToOffset(uint64_t rva, uint64_t len, uint64_t file_size) const;
};

// Parses the headers, section table, data directories and the certificate
// table. Fails (Corrupt / InvalidArgument) only when the DOS or NT headers are
// missing or malformed; problems in later structures are flags.
Result<PeFile> Parse(std::span<const uint8_t> data);

// Strings from the version resource (first language found) plus the fixed
// file version. Fields are UTF-8 (converted from UTF-16LE; invalid
// surrogates become U+FFFD).
struct VersionInfo {
  std::string file_version, product_version;  // StringFileInfo values
  std::string product_name, company_name;
  std::string file_description, internal_name, original_filename;
  std::string fixed_file_version;  // "a.b.c.d" from VS_FIXEDFILEINFO, "" if none
  std::vector<std::pair<std::string, std::string>> all;  // every key/value seen, in order
};

// NotFound when there is no RT_VERSION resource; Corrupt when it is malformed
// before any value was read.
Result<VersionInfo> ReadVersionInfo(const PeFile& pe, std::span<const uint8_t> data);

// DER length (header + content) of the TLV at data[0]; nullopt when the
// header is malformed, indefinite, or longer than 8 length bytes. Does not
// check that the content fits in `data`.
std::optional<uint64_t> DerTotalLength(std::span<const uint8_t> data);

// Shannon entropy in bits per byte (0..8); 0 for empty input.
double Entropy(std::span<const uint8_t> data);

}  // namespace harrier::pe
