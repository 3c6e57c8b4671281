// File type by magic bytes and the default selection, against expected
// values written out by hand (format facts), never derived from the table
// under test.
#include "scan/filetype.h"

#include <gtest/gtest.h>

#include <string>

namespace harrier {
namespace {

std::string_view TypeOf(const std::string& bytes) {
  return DetectFileType({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()});
}

TEST(FileType, MagicBytesOfExecutablesArchivesAndDocuments) {
  const std::pair<std::string, std::string_view> cases[] = {
      {std::string("MZ\x90\x00", 4), "EXE"},
      {std::string("\x7f" "ELF\x02\x01\x01", 7), "ELF"},
      {std::string("\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8), "MACH-O"},
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x02", 8), "MACH-O"},  // fat, 2 architectures
      {std::string("\xca\xfe\xba\xbe\x00\x00\x00\x34", 8), "Java"},    // class file, version 52
      {std::string("PK\x03\x04\x14\x00", 6), "ZIP"},
      {std::string("7z\xbc\xaf\x27\x1c\x00\x04", 8), "7ZIP"},
      {std::string("\x1f\x8b\x08\x00", 4), "GZIP"},
      {"MSCF\0\0\0\0", "CAB"},
      {"%PDF-1.7\n", "PDF"},
      {std::string("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8), "OLE"},
      {std::string("\x00\x00\x01\x00\x01\x00", 6), "ICO"},
      {"\x89PNG\r\n\x1a\n", "PNG"},
      {"<?php echo 1; ?>", "PHP"},
      {"#!/usr/bin/env python3\nprint(1)\n", "Python"},
      {"#!/bin/sh\necho hi\n", "SHELL"},
      {"#!/usr/bin/perl -w\n", "PERL"},
      {"ITSF\x03\0\0\0", "CHM"},
      {"plain text, no magic\n", ""},
      {"", ""},
  };
  for (const auto& [bytes, type] : cases) EXPECT_EQ(TypeOf(bytes), type) << bytes;
}

TEST(FileType, TarMagicSitsAtOffset257AndShortHeadersAreNotOverread) {
  std::string tar(512, '\0');
  tar.replace(257, 5, "ustar");
  EXPECT_EQ(TypeOf(tar), "TAR");
  EXPECT_EQ(TypeOf(tar.substr(0, 260)), "") << "ustar cut off: not a tar";
  // Only the bytes given are looked at: a one-byte "M" is nothing.
  EXPECT_EQ(TypeOf("M"), "");
  // A Java/Mach-O magic without its second field stays Mach-O.
  EXPECT_EQ(TypeOf(std::string("\xca\xfe\xba\xbe", 4)), "MACH-O");
}

TEST(FileType, ExtensionIsTheLowercasedLastSuffixOfTheLastComponent) {
  EXPECT_EQ(ExtensionOf("Setup.EXE"), "exe");
  EXPECT_EQ(ExtensionOf("/a/b/archive.tar.gz"), "gz");
  EXPECT_EQ(ExtensionOf(".bashrc"), "");
  EXPECT_EQ(ExtensionOf("dir.d/file"), "");
  EXPECT_EQ(ExtensionOf("C:\\dir.x\\file"), "");
  EXPECT_EQ(ExtensionOf("trailing."), "");
  EXPECT_EQ(ExtensionOf(""), "");
}

TEST(FileType, DefaultSelectionByExtensionAndType) {
  for (const char* e : {"exe", "dll", "ps1", "php", "msi", "zip", "lnk", "ico", "dmp", "sh"})
    EXPECT_TRUE(IsRelevantExtension(e)) << e;
  for (const char* e : {"png", "jpg", "mp3", "ttf", "EXE", "", "html"})
    EXPECT_FALSE(IsRelevantExtension(e)) << e;
  for (const char* t : {"EXE", "ELF", "MACH-O", "ZIP", "PNG", "Python", "OLE"})
    EXPECT_TRUE(IsRelevantFileType(t)) << t;
  for (const char* t : {"GIF", "JPEG", "SQLITE", "XML", ""})
    EXPECT_FALSE(IsRelevantFileType(t)) << t;
}

}  // namespace
}  // namespace harrier
