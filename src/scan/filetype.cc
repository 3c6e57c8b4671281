#include "scan/filetype.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

namespace harrier {
namespace {

using namespace std::string_view_literals;

struct Magic {
  size_t offset;
  std::string_view bytes;
  std::string_view type;
};

// Format facts (magic numbers), not detection content.
constexpr Magic kMagics[] = {
    {0, "MZ"sv, "EXE"},
    {0, "\x7f" "ELF"sv, "ELF"},
    {0, "\xfe\xed\xfa\xce"sv, "MACH-O"},
    {0, "\xfe\xed\xfa\xcf"sv, "MACH-O"},
    {0, "\xce\xfa\xed\xfe"sv, "MACH-O"},
    {0, "\xcf\xfa\xed\xfe"sv, "MACH-O"},
    {0, "\xca\xfe\xba\xbe"sv, "MACH-O"},  // fat binary (or Java class, see below)
    {0, "PK\x03\x04"sv, "ZIP"},
    {0, "PK\x05\x06"sv, "ZIP"},
    {0, "Rar!\x1a\x07"sv, "RAR"},
    {0, "7z\xbc\xaf\x27\x1c"sv, "7ZIP"},
    {0, "\x1f\x8b\x08"sv, "GZIP"},
    {0, "BZh"sv, "BZIP2"},
    {0, "\xfd" "7zXZ"sv, "XZ"},
    {0, "MSCF"sv, "CAB"},
    {0, "%PDF"sv, "PDF"},
    {0, "{\\rt"sv, "RTF"},
    {0, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"sv, "OLE"},
    {0, "MDMP"sv, "MDMP"},
    {0, "PAGEDU64"sv, "DMP"},
    {0, "PAGEDUMP"sv, "DMP"},
    {0, "regf"sv, "REGISTRY"},
    {0, "ElfFile"sv, "EVTX"},
    {0, "L\x00\x00\x00\x01\x14\x02\x00"sv, "LNK"},
    {0, "\x00\x00\x01\x00"sv, "ICO"},
    {0, "\x89PNG"sv, "PNG"},
    {0, "GIF8"sv, "GIF"},
    {0, "\xff\xd8\xff"sv, "JPEG"},
    {0, "koly"sv, "DMG"},
    {0, "xar!"sv, "XAR"},
    {0, "ITSF"sv, "CHM"},
    {0, "SZDD\x88\xf0\x27\x33"sv, "SZDD"},
    {0, "KWAJ\x88\xf0\x27\xd1"sv, "KWAJ"},
    {0, "<?php"sv, "PHP"},
    {0, "<?xml"sv, "XML"},
    {0, "bplist00"sv, "PLIST"},
    {0, "SQLite format 3"sv, "SQLITE"},
    {0, "#!"sv, "SCRIPT"},
    {257, "ustar"sv, "TAR"},
};

std::string_view ScriptType(std::string_view first_line) {
  if (first_line.find("python") != std::string_view::npos) return "Python";
  if (first_line.find("perl") != std::string_view::npos) return "PERL";
  if (first_line.find("php") != std::string_view::npos) return "PHP";
  if (first_line.find("ruby") != std::string_view::npos) return "RUBY";
  if (first_line.find("node") != std::string_view::npos) return "JS";
  if (first_line.find("pwsh") != std::string_view::npos ||
      first_line.find("powershell") != std::string_view::npos)
    return "PowerShell";
  return "SHELL";
}

constexpr std::string_view kRelevantExtensions[] = {
    // Windows executables and libraries
    "exe", "dll", "sys", "drv", "ocx", "scr", "cpl", "com", "efi", "mui", "node",
    // scripts and script hosts
    "bat", "cmd", "ps1", "psm1", "psd1", "vbs", "vbe", "js", "jse", "wsf", "wsh", "hta", "sct",
    "sh", "bash", "zsh", "py", "pyc", "pl", "rb", "lua", "applescript", "scpt",
    // web shells
    "php", "phtml", "jsp", "jspx", "asp", "aspx", "ashx", "asmx", "cfm", "war", "jar", "class",
    // installers and packages
    "msi", "msp", "msix", "appx", "dmg", "pkg", "deb", "rpm", "app", "dylib", "so", "ko", "elf",
    // archives
    "zip", "rar", "7z", "gz", "tgz", "tar", "cab", "iso", "img", "vhd", "vhdx", "xz", "bz2",
    // documents that carry code
    "doc", "docm", "xls", "xlsm", "ppt", "pptm", "rtf", "pdf", "one", "chm", "lnk", "reg",
    // data where incident traces live (dead drops, configs, logs, dumps)
    "ico", "plist", "dat", "bin", "tmp", "log", "txt", "ini", "cfg", "conf", "dmp",
};

}  // namespace

std::string_view DetectFileType(std::span<const uint8_t> header) {
  std::string_view h(reinterpret_cast<const char*>(header.data()), header.size());
  for (const auto& m : kMagics) {
    if (h.size() >= m.offset + m.bytes.size() && h.compare(m.offset, m.bytes.size(), m.bytes) == 0) {
      if (m.type == "MACH-O" && m.bytes == "\xca\xfe\xba\xbe"sv && h.size() >= 8) {
        // Java class files share 0xCAFEBABE; their next field is a version
        // >= 45, fat Mach-O's is a small architecture count.
        uint32_t second = (uint32_t(uint8_t(h[4])) << 24) | (uint32_t(uint8_t(h[5])) << 16) |
                          (uint32_t(uint8_t(h[6])) << 8) | uint32_t(uint8_t(h[7]));
        if (second >= 45) return "Java";
      }
      if (m.type == "SCRIPT") return ScriptType(h.substr(0, h.find('\n')));
      return m.type;
    }
  }
  return "";
}

std::string ExtensionOf(std::string_view file_name) {
  auto slash = file_name.find_last_of("/\\");
  if (slash != std::string_view::npos) file_name.remove_prefix(slash + 1);
  auto dot = file_name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == file_name.size()) return "";
  std::string ext(file_name.substr(dot + 1));
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
  return ext;
}

bool IsRelevantExtension(std::string_view lower_ext) {
  return std::find(std::begin(kRelevantExtensions), std::end(kRelevantExtensions), lower_ext) !=
         std::end(kRelevantExtensions);
}

bool IsRelevantFileType(std::string_view t) {
  // PNG stays relevant: the 3CX ICONIC dead drops are PNG data with a
  // trailer (icon.iconic_deaddrop, docs/checks.md), renamed or not.
  static constexpr std::string_view kIrrelevant[] = {"GIF", "JPEG", "SQLITE", "XML", ""};
  for (auto x : kIrrelevant) {
    if (t == x) return false;
  }
  return true;
}

}  // namespace harrier
