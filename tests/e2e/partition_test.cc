// Adversarial differential tests for partitioned YARA rule sets: the default
// scan (which may split rule files by header magic x size class, rewrite
// leaves that are false/undefined for a class into `false` and drop unused
// imports) must report exactly the (file, namespace:rule) set of
// `--yara-reference` (every rule, plain libyara evaluation, on every file).
//
// Partition.MatchesReferenceAndPinnedSet pins the set explicitly too, so the
// comparison cannot pass vacuously, and checks the pinned set against the
// yara CLI when /usr/bin/yara exists. The semantics it relies on were first
// checked by hand with yara 4.2.3 (Debian 12) on a text file, a 2-byte "MZ"
// file, an empty file and the minimal PE below:
//   - on a non-PE file pe.is_pe is defined (0): `not pe.is_pe` and
//     `pe.is_pe == 0` match; pe constants (pe.MACHINE_I386) are defined on
//     every file, so `pe.MACHINE_I386 == 0x14c` matches everywhere;
//   - pe.imphash(), pe.exports("x"), pe.imports(..), pe.is_dll(),
//     pe.number_of_signatures, pe.number_of_sections, pe.machine and
//     pe.entry_point are undefined (U); a comparison with U is U, also `!=`;
//   - `U or true` matches, `U and true` does not; `not (U)` does not match
//     (not U is U), but `not (U and true)` and `not (U or U)` match (and/or
//     turn U into false); `not defined U` matches;
//   - `for any/all i in (0..pe.number_of_sections-1) : (..)` is false, so
//     `not (for any ...)` matches; `not ($a at pe.entry_point)` matches;
//   - uintN(off) past the end of the file is U: on a 1-byte file
//     `not uint16(0) == 0x5a4d` does not match, on a 3-byte file
//     `not uint32(0) == 0x464c457f` does not match, while a *rule*
//     reference is never U (`not p_elf` matches a 3-byte file);
//   - `not` binds looser than comparisons: `not uint16(0) == 0x5a4d` is
//     `not (uint16(0) == 0x5a4d)`, `not filesize < 100` is
//     `not (filesize < 100)`;
//   - hash.md5(0, 2) on an empty file and math.entropy(0, filesize) on an
//     empty file are U; hash.md5(0, 2) on a 1-byte file is defined;
//   - a global rule that is false suppresses every rule of its namespace,
//     including other (true) global rules; private rules are never reported.
#include <gtest/gtest.h>

#include <fstream>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <iterator>
#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "e2e/yara_matches.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

namespace fs = std::filesystem;

const char* kYaraCli = "/usr/bin/yara";

// A minimal valid PE32 (i386, one .text section, 1024 bytes): enough for
// libyara 4.2.3's pe module to set pe.is_pe = 1, pe.number_of_sections = 1,
// pe.entry_point = 0x200 (a RET byte there), pe.machine = MACHINE_I386,
// pe.number_of_signatures = 0, and pe.is_dll() from the DLL characteristic.
// Checked with the yara CLI.
std::string MinimalPe(bool dll) {
  std::string b(0x400, '\0');
  auto put16 = [&](size_t o, uint16_t v) {
    b[o] = static_cast<char>(v & 0xff);
    b[o + 1] = static_cast<char>(v >> 8);
  };
  auto put32 = [&](size_t o, uint32_t v) {
    put16(o, static_cast<uint16_t>(v & 0xffff));
    put16(o + 2, static_cast<uint16_t>(v >> 16));
  };
  // DOS header: e_magic, e_lfanew.
  b[0] = 'M';
  b[1] = 'Z';
  put32(0x3c, 0x40);
  // "PE\0\0" + COFF header: Machine, NumberOfSections, TimeDateStamp,
  // PointerToSymbolTable, NumberOfSymbols, SizeOfOptionalHeader,
  // Characteristics (EXECUTABLE_IMAGE | 32BIT_MACHINE [| DLL]).
  b[0x40] = 'P';
  b[0x41] = 'E';
  const size_t coff = 0x44;
  put16(coff + 0, 0x14c);
  put16(coff + 2, 1);
  put16(coff + 16, 0xE0);
  put16(coff + 18, static_cast<uint16_t>(0x0102 | (dll ? 0x2000 : 0)));
  // Optional header PE32.
  const size_t opt = coff + 20;
  put16(opt + 0, 0x10b);          // Magic
  put32(opt + 4, 0x200);          // SizeOfCode
  put32(opt + 16, 0x1000);        // AddressOfEntryPoint
  put32(opt + 20, 0x1000);        // BaseOfCode
  put32(opt + 28, 0x400000);      // ImageBase
  put32(opt + 32, 0x1000);        // SectionAlignment
  put32(opt + 36, 0x200);         // FileAlignment
  put16(opt + 40, 4);             // MajorOperatingSystemVersion
  put16(opt + 48, 4);             // MajorSubsystemVersion
  put32(opt + 56, 0x2000);        // SizeOfImage
  put32(opt + 60, 0x200);         // SizeOfHeaders
  put16(opt + 68, 2);             // Subsystem (GUI)
  put32(opt + 72, 0x100000);      // SizeOfStackReserve
  put32(opt + 76, 0x1000);        // SizeOfStackCommit
  put32(opt + 80, 0x100000);      // SizeOfHeapReserve
  put32(opt + 84, 0x1000);        // SizeOfHeapCommit
  put32(opt + 92, 16);            // NumberOfRvaAndSizes
  // One section header right after the optional header.
  const size_t sec = opt + 0xE0;
  b.replace(sec, 5, ".text");
  put32(sec + 8, 0x10);           // VirtualSize
  put32(sec + 12, 0x1000);        // VirtualAddress
  put32(sec + 16, 0x200);         // SizeOfRawData
  put32(sec + 20, 0x200);         // PointerToRawData
  put32(sec + 36, 0x60000020);    // CODE | EXECUTE | READ
  b[0x200] = static_cast<char>(0xc3);
  return b;
}

std::string Elf64Header() {
  std::string b("\x7f" "ELF\x02\x01\x01", 7);
  b.resize(64, '\0');
  return b;
}

std::string Padded(std::string head, size_t size, char fill) {
  head.resize(size, fill);
  return head;
}

// The generated tree: header magic x size classes, boundaries of the size
// thresholds the rules use (100, 1KB, 1MB), files shorter than the gate
// width, "MZ" that is not PE, a valid PE/DLL, ELF, zip, text.
std::map<std::string, std::string> TreeFiles() {
  std::map<std::string, std::string> f;
  f["empty"] = "";
  f["m1"] = "M";
  f["mz2"] = "MZ";
  f["mz3"] = "MZ\x90";
  f["elf3"] = "\x7f" "EL";
  f["text.txt"] = "plain text with a needle in it\n";
  f["a99"] = std::string(99, 'a');
  f["a100"] = std::string(100, 'a');
  f["a101"] = std::string(101, 'a');
  f["mz_needle"] = "MZ needle";
  f["mz999"] = Padded("MZ", 999, 'x');
  f["mz1000"] = Padded("MZ", 1000, 'x');
  f["mz1001"] = Padded("MZ", 1001, 'x');
  f["mz1023"] = Padded("MZ", 1023, 'x');
  f["mz1024"] = Padded("MZ", 1024, 'x');
  f["mz1025"] = Padded("MZ", 1025, 'x');
  f["mz_100k_minus"] = Padded("MZ", 100 * 1024 - 1, 'x');
  f["mz_100k"] = Padded("MZ", 100 * 1024, 'x');
  f["mz_100k_plus"] = Padded("MZ", 100 * 1024 + 1, 'x');
  f["pe.exe"] = MinimalPe(false);
  f["pe_overlay.exe"] = MinimalPe(false) + "\n";
  f["pe.dll"] = MinimalPe(true);
  f["elf64"] = Elf64Header();
  f["elf_1m_minus"] = Padded(Elf64Header(), (1u << 20) - 1, '\0');
  f["elf_1m"] = Padded(Elf64Header(), 1u << 20, '\0');
  f["elf_1m_plus"] = Padded(Elf64Header(), (1u << 20) + 1, '\0');
  f["zip"] = Padded("PK\x03\x04", 30, '\0') + "needle";
  std::string tricky = std::string("MZ\x00\x00\x90\x00\x00 ", 8) +
                       "rule x { condition: and or } / abccd esc \"quote\" condition: } "
                       "/* */ or true a\"b x/ or /y { } needdle/ab ab/ccd";
  f["tricky.bin"] = tricky;
  f["tricky.txt"] = tricky.substr(8);
  return f;
}

// Rule files (name -> text). Every namespace has something that matches,
// and most rules discriminate between the files above.
std::map<std::string, std::string> RuleFiles() {
  std::map<std::string, std::string> r;
  r["gates.yar"] = R"yar(
rule mz16 { condition: uint16(0) == 0x5a4d }
rule mz16_upper_rev { condition: 0x5A4D == uint16(0) }
rule mz16_dec { condition: uint16(0) == 23117 }
rule mz_bytes { condition: uint8(0) == 0x4d and uint8(1) == 0x5a }
rule m_byte { condition: uint8(0) == 0x4d }
rule mz_be { condition: uint16be(0) == 0x4d5a }
rule not_mz { condition: not uint16(0) == 0x5a4d }
rule not_mz_paren { condition: not (uint16(0) == 0x5a4d) }
rule mz_neq { condition: uint16(0) != 0x5a4d }
rule elf { condition: uint32(0) == 0x464c457f }
rule elf_be_rev { condition: 0x7f454c46 == uint32be(0) }
rule not_elf { condition: not uint32(0) == 0x464c457f }
rule elf_signed { condition: int32(0) == 0x464c457f }
rule zip { condition: uint32(0) == 0x04034b50 }
rule zip_at2 { condition: uint16(2) == 0x0403 }
rule z_at1 { condition: uint8(1) == 0x5a and not (uint16(0) == 0x5a4d) }
rule not_u32_zero { condition: not (uint32(0) == 0) }
rule pe_sig_via_lfanew { condition: uint16(0) == 0x5a4d and uint32(uint32(0x3c)) == 0x00004550 }
rule mz_or_elf { condition: uint16(0) == 0x5a4d or uint32(0) == 0x464c457f }
rule mz_or_small { condition: uint16(0) == 0x5a4d or filesize < 100 }
rule mz_small_or_big_elf { condition: (uint16(0) == 0x5a4d and filesize < 100) or (uint32(0) == 0x464c457f and filesize > 1MB) }
rule nested_parens { condition: ((uint16(0) == 0x5a4d) and ((filesize < 1025))) }
rule mz_in_for { condition: for any i in (0..1) : (uint16(i) == 0x5a4d) }
rule lt100 { condition: filesize < 100 }
rule le100 { condition: filesize <= 100 }
rule gt100 { condition: filesize > 100 }
rule ge100 { condition: filesize >= 100 }
rule eq100 { condition: filesize == 100 }
rule lt100_rev { condition: 100 > filesize }
rule ge100_rev { condition: 100 <= filesize }
rule lt100_hex { condition: filesize < 0x64 }
rule not_lt100 { condition: not (filesize < 100) }
rule not_lt100_bare { condition: not filesize < 100 }
rule between { condition: filesize > 99 and filesize < 101 }
rule lt1kb { condition: filesize < 1KB }
rule le1kb_mz { condition: uint16(0) == 0x5a4d and filesize <= 1KB }
rule gt1kb_mz { condition: filesize > 1KB and uint16(0) == 0x5a4d }
rule ge1024_mz { condition: filesize >= 1024 and uint16(0) == 0x5a4d }
rule mz_not_small { condition: uint16(0) == 0x5a4d and not (filesize < 1KB) }
rule lt1mb_elf { condition: uint32(0) == 0x464c457f and filesize < 1MB }
rule le1mb_gt1000kb { condition: filesize <= 1MB and filesize > 1000KB }
rule gt1mb { condition: filesize > 1MB }
rule ge1mb_rev { condition: 1MB <= filesize }
rule lt1000_mz { condition: uint16(0) == 0x5a4d and filesize < 1000 }
rule le1000 { condition: filesize <= 1000 and filesize > 998 }
rule gt1000_mz_rev { condition: 1000 < filesize and 0x5a4d == uint16(0) }
rule lt100kb_mz { condition: uint16(0) == 0x5a4d and filesize < 100KB }
rule gt100kb { condition: filesize > 100KB }
rule le102400 { condition: filesize <= 102400 and filesize > 102398 }
rule lt_expr { condition: filesize < 2 * 50 }
rule lt_kb_expr { condition: filesize < 1KB + 1 and uint16(0) == 0x5a4d }
rule mz_expr { condition: uint16(0) == 0x5a00 + 0x4d }
rule mz_low_byte { condition: uint16(0) & 0xff == 0x4d }
rule not_conj { condition: not (uint16(0) == 0x5a4d and filesize < 100) }
rule needle_or_mz { strings: $a = "needle" condition: $a or uint16(0) == 0x5a4d }
rule needle_not_mz { strings: $a = "needle" condition: $a and not uint16(0) == 0x5a4d }
)yar";

  r["pe_mix.yar"] = R"yar(
import "pe"
rule pe_gated { condition: uint16(0) == 0x5a4d and pe.number_of_sections == 1 }
rule is_pe { condition: pe.is_pe }
rule not_is_pe { condition: not pe.is_pe }
rule is_pe_eq0 { condition: pe.is_pe == 0 }
rule is_pe_or_zip { condition: pe.is_pe or uint32(0) == 0x04034b50 }
rule pe_const { condition: pe.MACHINE_I386 == 0x14c }
rule pe_const_small { condition: pe.MACHINE_I386 == 0x14c and filesize < 100 }
rule u_or_true { condition: pe.imphash() == "x" or true }
rule u_and_true { condition: pe.imphash() == "x" and true }
rule not_u { condition: not (pe.imphash() == "x") }
rule u_neq { condition: pe.imphash() != "x" }
rule not_u_and_true { condition: not (pe.imphash() == "x" and true) }
rule not_u_or_u { condition: not (pe.exports("x") or pe.imports("kernel32.dll")) }
rule not_for_sections { condition: not (for any i in (0..pe.number_of_sections-1) : (pe.sections[i].name == ".text")) }
rule for_sections_only { condition: for any i in (0..pe.number_of_sections - 1) : (pe.sections[i].name == ".text") }
rule for_all_sections { condition: for all i in (0..pe.number_of_sections-1) : (pe.sections[i].name == ".text") }
rule is_dll { condition: pe.is_dll() }
rule not_is_dll { condition: not pe.is_dll() }
rule nsig_eq0 { condition: pe.number_of_signatures == 0 }
rule not_nsig_gt0 { condition: not (pe.number_of_signatures > 0) }
rule not_defined_nsig { condition: not defined pe.number_of_signatures }
rule ep_not_at { strings: $a = "zz" condition: not ($a at pe.entry_point) }
rule ep_byte { condition: pe.is_pe and uint8(pe.entry_point) == 0xc3 }
rule mz_not_pe { condition: uint16(0) == 0x5a4d and not pe.is_pe }
rule imphash_or_needle { strings: $a = "needle" condition: pe.imphash() == "0123456789abcdef0123456789abcdef" or $a }
rule exports_or_small { condition: pe.exports("x") or filesize < 100 }
rule not_imports_and { condition: not (pe.imports("kernel32.dll") and filesize > 0) }
rule nested_not { condition: not (not pe.is_pe and filesize < 100) }
rule machine_or_elf { condition: pe.machine == pe.MACHINE_I386 or uint32(0) == 0x464c457f }
rule not_machine { condition: not (pe.machine == pe.MACHINE_I386) }
rule sections_or_big { condition: (pe.number_of_sections == 1 or filesize > 1MB) and not (filesize < 3) }
)yar";

  // Imports pe but never uses it: dropping the import must change nothing.
  r["pe_unused.yar"] = R"yar(
import "pe"
rule tiny { condition: filesize < 4 }
)yar";

  r["global_mz.yar"] = R"yar(
global rule g_mz { condition: uint16(0) == 0x5a4d }
rule gm_any { condition: true }
rule gm_small { condition: filesize < 1KB }
rule gm_not_mz { condition: not uint16(0) == 0x5a4d }
)yar";

  r["global_size.yar"] = R"yar(
import "pe"
global private rule gs_big_enough { condition: not (filesize < 100) }
global rule gs_not_elf { condition: not (uint32(0) == 0x464c457f) }
rule gs_any { condition: true }
rule gs_pe { condition: pe.is_pe }
rule gs_not_pe { condition: not pe.is_pe }
)yar";

  // A global rule whose only leaf is pe-only: false (not undefined-true)
  // on every non-PE file, so gp_any matches the PE files only.
  r["global_pe.yar"] = R"yar(
import "pe"
global rule gp_not_dll { condition: not pe.is_dll() }
rule gp_any { condition: true }
)yar";

  r["private_refs.yar"] = R"yar(
private rule p_elf { condition: uint32(0) == 0x464c457f }
private rule p_small { condition: filesize < 100 }
private rule p_mz { condition: uint16(0) == 0x5a4d }
rule r_elf_small { condition: p_elf and p_small }
rule r_not_elf { condition: not p_elf }
rule r_elf_or_tiny { condition: p_elf or filesize < 4 }
rule r_mz_big { condition: p_mz and not p_small }
rule r_chain { condition: r_elf_small or r_mz_big }
rule r_not_chain { condition: not r_chain and filesize > 1KB }
)yar";

  // Same rule names in two files: two namespaces, reported separately.
  r["dup_a.yar"] = R"yar(
rule dup { condition: uint16(0) == 0x5a4d }
rule dup2 { condition: filesize < 100 }
)yar";
  r["dup_b.yar"] = R"yar(
rule dup { condition: uint32(0) == 0x464c457f }
rule dup2 { condition: filesize >= 100 and dup }
)yar";

  // md5("MZ") = ac6ad5d9b99757c3a878f2d275ace198.
  r["modules.yar"] = R"yar(
import "math"
import "hash"
rule hash_mz { condition: uint16(0) == 0x5a4d and hash.md5(0, 2) == "ac6ad5d9b99757c3a878f2d275ace198" }
rule not_hash_mz { condition: not (hash.md5(0, 2) == "ac6ad5d9b99757c3a878f2d275ace198") and filesize < 100 }
rule entropy_elf { condition: uint32(0) == 0x464c457f and math.entropy(0, filesize) < 1.0 }
rule entropy_small { condition: filesize < 100 and math.entropy(0, filesize) >= 0 }
)yar";

  // Lexing traps for a rule splitter / condition tokenizer.
  r["tokens.yar"] = R"yar(
/* rule fake_in_comment { condition: true } and or { } / uint16(0) == 0x5a4d */
// rule fake_line { condition: true }
rule tricky_meta : tag_one tag_two
{
  meta:
    description = "condition: uint16(0) == 0x5a4d and rule { } / or true"
    other = "}"
    n = 3
  strings:
    $s1 = "rule x { condition: and or } /"
    $s2 = "esc \"quote\" condition: }"
    $re = /ab\/c{2,3}d/
    $hex = { 4D 5A [2-4] ( 90 | 91 ) ?? 00 }
  condition:
    // a comment: uint32(0) == 0x464c457f and or rule {
    uint16(0) == 0x5a4d and /* or true */ all of them
}
rule line_comment_hides_gate
{
  strings: $n = "needle"
  condition:
    // uint16(0) == 0x5a4d and
    $n
}
rule block_comment_hides_or
{
  strings: $n = "needle"
  condition: uint16(0) == 0x5a4d /* and filesize < 10 */ or $n
}
rule slash_in_regex_hides_or
{
  strings: $r = /x\/ or \/y/
  condition: $r or filesize < 4
}
rule quote_in_regex { strings: $r = /a"b/ condition: uint32(0) == 0x464c457f or $r }
rule comment_marker_in_string
{
  strings:
    $a = "/*"
    $b = "*/ or true"
  condition: uint16(0) == 0x5a4d and ($a or $b)
}
rule regex_quant { strings: $r = /ne{1,2}dle\/?[a-z]{0,3}/ condition: not uint16(0) == 0x5a4d and $r }
rule hex_jumps { strings: $h = { 7F 45 4C 46 [1-3] 01 ( 01 | 02 ) } condition: $h and filesize > 60 }
rule brace_string { strings: $a = "{ }" condition: filesize < 30 or $a }
)yar";
  return r;
}

// The pinned expectation: namespace:rule -> the files it matches (space
// separated). Derived by hand from the semantics above and checked against
// the yara CLI; rules absent here match nothing.
std::vector<std::string> Words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// Every tree file except the listed ones (space separated).
std::string AllBut(const std::string& except) {
  auto skip = Words(except);
  std::string out;
  for (const auto& [name, data] : TreeFiles())
    if (std::find(skip.begin(), skip.end(), name) == skip.end()) out += name + " ";
  return out;
}

// The pinned expectation: namespace:rule -> the files it matches (space
// separated). Reviewed by hand against the semantics above and equal to the
// yara CLI's output; rules absent here match nothing (pe_mix.yar:u_and_true,
// global_mz.yar:gm_not_mz, the private rules, ...).
std::map<std::string, std::string> ExpectedByRule() {
  return {
      {"dup_a.yar:dup", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"dup_a.yar:dup2", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"dup_b.yar:dup", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"dup_b.yar:dup2", "elf_1m elf_1m_minus elf_1m_plus"},
      {"gates.yar:between", "a100"},
      {"gates.yar:elf", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"gates.yar:elf_be_rev", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"gates.yar:elf_signed", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"gates.yar:eq100", "a100"},
      {"gates.yar:ge100", AllBut("a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"gates.yar:ge100_rev", AllBut("a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"gates.yar:ge1024_mz", "mz1024 mz1025 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe"},
      {"gates.yar:ge1mb_rev", "elf_1m elf_1m_plus"},
      {"gates.yar:gt100", AllBut("a100 a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"gates.yar:gt1000_mz_rev", "mz1001 mz1023 mz1024 mz1025 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe"},
      {"gates.yar:gt100kb", "elf_1m elf_1m_minus elf_1m_plus mz_100k_plus"},
      {"gates.yar:gt1kb_mz", "mz1025 mz_100k mz_100k_minus mz_100k_plus pe_overlay.exe"},
      {"gates.yar:gt1mb", "elf_1m_plus"},
      {"gates.yar:le100", "a100 a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"gates.yar:le1000", "mz1000 mz999"},
      {"gates.yar:le102400", "mz_100k mz_100k_minus"},
      {"gates.yar:le1kb_mz", "mz1000 mz1001 mz1023 mz1024 mz2 mz3 mz999 mz_needle pe.dll pe.exe tricky.bin"},
      {"gates.yar:le1mb_gt1000kb", "elf_1m elf_1m_minus"},
      {"gates.yar:lt100", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"gates.yar:lt1000_mz", "mz2 mz3 mz999 mz_needle tricky.bin"},
      {"gates.yar:lt100_hex", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"gates.yar:lt100_rev", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"gates.yar:lt100kb_mz", "mz1000 mz1001 mz1023 mz1024 mz1025 mz2 mz3 mz999 mz_100k_minus mz_needle pe.dll pe.exe pe_overlay.exe tricky.bin"},
      {"gates.yar:lt1kb", AllBut("elf_1m elf_1m_minus elf_1m_plus mz1024 mz1025 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe")},
      {"gates.yar:lt1mb_elf", "elf64 elf_1m_minus"},
      {"gates.yar:lt_expr", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"gates.yar:lt_kb_expr", "mz1000 mz1001 mz1023 mz1024 mz2 mz3 mz999 mz_needle pe.dll pe.exe tricky.bin"},
      {"gates.yar:m_byte", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty text.txt tricky.txt zip")},
      {"gates.yar:mz16", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz16_dec", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz16_upper_rev", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_be", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_bytes", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_expr", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_in_for", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_low_byte", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_neq", "a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus text.txt tricky.txt zip"},
      {"gates.yar:mz_not_small", "mz1024 mz1025 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe"},
      {"gates.yar:mz_or_elf", AllBut("a100 a101 a99 elf3 empty m1 text.txt tricky.txt zip")},
      {"gates.yar:mz_or_small", AllBut("a100 a101 elf_1m elf_1m_minus elf_1m_plus tricky.txt")},
      {"gates.yar:mz_small_or_big_elf", "elf_1m_plus mz2 mz3 mz_needle"},
      {"gates.yar:needle_not_mz", "text.txt zip"},
      {"gates.yar:needle_or_mz", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 tricky.txt")},
      {"gates.yar:nested_parens", "mz1000 mz1001 mz1023 mz1024 mz2 mz3 mz999 mz_needle pe.dll pe.exe tricky.bin"},
      {"gates.yar:not_conj", AllBut("mz2 mz3 mz_needle")},
      {"gates.yar:not_elf", AllBut("elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 mz2 mz3")},
      {"gates.yar:not_lt100", AllBut("a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"gates.yar:not_lt100_bare", AllBut("a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"gates.yar:not_mz", "a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus text.txt tricky.txt zip"},
      {"gates.yar:not_mz_paren", "a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus text.txt tricky.txt zip"},
      {"gates.yar:not_u32_zero", AllBut("elf3 empty m1 mz2 mz3")},
      {"gates.yar:pe_sig_via_lfanew", "pe.dll pe.exe pe_overlay.exe"},
      {"gates.yar:zip", "zip"},
      {"gates.yar:zip_at2", "zip"},
      {"global_mz.yar:g_mz", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"global_mz.yar:gm_any", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"global_mz.yar:gm_small", "mz1000 mz1001 mz1023 mz2 mz3 mz999 mz_needle tricky.bin"},
      {"global_pe.yar:gp_any", "pe.exe pe_overlay.exe"},
      {"global_pe.yar:gp_not_dll", "pe.exe pe_overlay.exe"},
      {"global_size.yar:gs_any", AllBut("a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"global_size.yar:gs_not_elf", AllBut("a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"global_size.yar:gs_not_pe", "a100 a101 mz1000 mz1001 mz1023 mz1024 mz1025 mz999 mz_100k mz_100k_minus mz_100k_plus tricky.bin tricky.txt"},
      {"global_size.yar:gs_pe", "pe.dll pe.exe pe_overlay.exe"},
      {"modules.yar:entropy_elf", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"modules.yar:entropy_small", "a99 elf3 elf64 m1 mz2 mz3 mz_needle text.txt zip"},
      {"modules.yar:hash_mz", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 text.txt tricky.txt zip")},
      {"modules.yar:not_hash_mz", "a99 elf3 elf64 m1 text.txt zip"},
      {"pe_mix.yar:ep_byte", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:ep_not_at", AllBut("")},
      {"pe_mix.yar:exports_or_small", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"pe_mix.yar:for_all_sections", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:for_sections_only", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:imphash_or_needle", "mz_needle text.txt zip"},
      {"pe_mix.yar:is_dll", "pe.dll"},
      {"pe_mix.yar:is_pe", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:is_pe_eq0", AllBut("pe.dll pe.exe pe_overlay.exe")},
      {"pe_mix.yar:is_pe_or_zip", "pe.dll pe.exe pe_overlay.exe zip"},
      {"pe_mix.yar:machine_or_elf", "elf64 elf_1m elf_1m_minus elf_1m_plus pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:mz_not_pe", "mz1000 mz1001 mz1023 mz1024 mz1025 mz2 mz3 mz999 mz_100k mz_100k_minus mz_100k_plus mz_needle tricky.bin"},
      {"pe_mix.yar:nested_not", AllBut("a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip")},
      {"pe_mix.yar:not_defined_nsig", AllBut("pe.dll pe.exe pe_overlay.exe")},
      {"pe_mix.yar:not_for_sections", AllBut("pe.dll pe.exe pe_overlay.exe")},
      {"pe_mix.yar:not_imports_and", AllBut("")},
      {"pe_mix.yar:not_is_dll", "pe.exe pe_overlay.exe"},
      {"pe_mix.yar:not_is_pe", AllBut("pe.dll pe.exe pe_overlay.exe")},
      {"pe_mix.yar:not_nsig_gt0", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:not_u", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:not_u_and_true", AllBut("")},
      {"pe_mix.yar:not_u_or_u", AllBut("")},
      {"pe_mix.yar:nsig_eq0", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:pe_const", AllBut("")},
      {"pe_mix.yar:pe_const_small", "a99 elf3 elf64 empty m1 mz2 mz3 mz_needle text.txt zip"},
      {"pe_mix.yar:pe_gated", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:sections_or_big", "elf_1m_plus pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:u_neq", "pe.dll pe.exe pe_overlay.exe"},
      {"pe_mix.yar:u_or_true", AllBut("")},
      {"pe_unused.yar:tiny", "elf3 empty m1 mz2 mz3"},
      {"private_refs.yar:r_chain", "elf64 mz1000 mz1001 mz1023 mz1024 mz1025 mz999 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe tricky.bin"},
      {"private_refs.yar:r_elf_or_tiny", "elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 mz2 mz3"},
      {"private_refs.yar:r_elf_small", "elf64"},
      {"private_refs.yar:r_mz_big", "mz1000 mz1001 mz1023 mz1024 mz1025 mz999 mz_100k mz_100k_minus mz_100k_plus pe.dll pe.exe pe_overlay.exe tricky.bin"},
      {"private_refs.yar:r_not_chain", "elf_1m elf_1m_minus elf_1m_plus"},
      {"private_refs.yar:r_not_elf", AllBut("elf64 elf_1m elf_1m_minus elf_1m_plus")},
      {"tokens.yar:block_comment_hides_or", AllBut("a100 a101 a99 elf3 elf64 elf_1m elf_1m_minus elf_1m_plus empty m1 tricky.txt")},
      {"tokens.yar:brace_string", "elf3 empty m1 mz2 mz3 mz_needle tricky.bin tricky.txt"},
      {"tokens.yar:comment_marker_in_string", "tricky.bin"},
      {"tokens.yar:hex_jumps", "elf64 elf_1m elf_1m_minus elf_1m_plus"},
      {"tokens.yar:line_comment_hides_gate", "mz_needle text.txt zip"},
      {"tokens.yar:quote_in_regex", "elf64 elf_1m elf_1m_minus elf_1m_plus tricky.bin tricky.txt"},
      {"tokens.yar:regex_quant", "text.txt zip"},
      {"tokens.yar:slash_in_regex_hides_or", "elf3 empty m1 mz2 mz3 tricky.bin tricky.txt"},
      {"tokens.yar:tricky_meta", "tricky.bin"},
  };
}

// "namespace:rule path" lines of the pinned table, sorted like MatchSet.
std::vector<std::string> ExpectedSet(const std::string& tree) {
  std::vector<std::string> out;
  for (const auto& [rule, files] : ExpectedByRule())
    for (const auto& f : Words(files)) out.push_back(rule + " " + tree + "/" + f);
  std::sort(out.begin(), out.end());
  return out;
}

// A match set in the table's format, for reading failures (and updating the
// table after checking the new lines against the yara CLI).
std::string AsTable(const std::vector<std::string>& set, const std::string& tree) {
  std::map<std::string, std::string> by_rule;
  for (const auto& l : set) {
    auto sp = l.find(' ');
    std::string file = l.substr(sp + 1);
    if (file.starts_with(tree + "/")) file = file.substr(tree.size() + 1);
    auto& v = by_rule[l.substr(0, sp)];
    v += (v.empty() ? "" : " ") + file;
  }
  std::string out;
  for (const auto& [rule, files] : by_rule) out += "      {\"" + rule + "\", \"" + files + "\"},\n";
  return out;
}

// Fails with the lines only on either side (at most 50 of each) unless
// `got` == `want`; returns whether they were equal.

// The yara CLI's -e output for the same rule files (namespace = file name)
// over the tree, sorted; empty when the CLI is absent.
std::vector<std::string> YaraCliSet(const std::string& sig_dir, const std::string& tree) {
  std::vector<std::string> argv = {kYaraCli, "-e", "-r"};
  for (const auto& [name, text] : RuleFiles()) argv.push_back(name + ":" + sig_dir + "/" + name);
  argv.push_back(tree);
  auto r = RunProgram(argv);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto out = Lines(r.out);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(Partition, MatchesReferenceAndPinnedSet) {
  TempDir sig, tree, out;
  for (const auto& [name, text] : RuleFiles()) sig.Write("yara/" + name, text);
  for (const auto& [name, data] : TreeFiles()) tree.Write(name, data);

  auto def = ScanYaraMatches(sig.path(), tree.path(), out.path(), "default", {});
  auto ref = ScanYaraMatches(sig.path(), tree.path(), out.path(), "ref", {"--yara-reference"});
  auto expected = ExpectedSet(tree.path());
  ASSERT_GT(expected.size(), 500u);
  ExpectSameSet(def, ref, "default mode", "--yara-reference");
  if (!ExpectSameSet(ref, expected, "--yara-reference", "the pinned table"))
    std::cout << "--yara-reference as a table:\n" << AsTable(ref, tree.path());
  ExpectSameSet(def, expected, "default mode", "the pinned table");

  std::error_code ec;
  if (fs::exists(kYaraCli, ec))
    ExpectSameSet(YaraCliSet(sig.path() + "/yara", tree.path()), expected, "the yara CLI",
                  "the pinned table");
}

// The text strings ($x = "...") of each rule in a signature-base file,
// unescaped (\" \\ \xNN \n \t), read at test time: planted into generated
// files so that some rules fire. Rules are not copied into the repository.
std::vector<std::string> PlantsPerRule(const std::string& text) {
  std::vector<std::string> rules;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos) continue;
    std::string_view t = std::string_view(line).substr(b);
    if (t.starts_with("rule ") || t.starts_with("private rule ") || t.starts_with("global rule ") ||
        t.starts_with("global private rule ") || t.starts_with("private global rule ")) {
      rules.emplace_back();
      continue;
    }
    if (rules.empty() || !t.starts_with("$")) continue;
    size_t q = t.find("= \"");
    if (q == std::string_view::npos) continue;
    std::string s;
    bool closed = false;
    for (size_t i = q + 3; i < t.size(); ++i) {
      char c = t[i];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c != '\\' || i + 1 == t.size()) {
        s += c;
        continue;
      }
      char e = t[++i];
      if (e == 'x' && i + 2 < t.size() && std::isxdigit(static_cast<unsigned char>(t[i + 1])) &&
          std::isxdigit(static_cast<unsigned char>(t[i + 2]))) {
        s += static_cast<char>(std::stoi(std::string(t.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else if (e == 'n') {
        s += '\n';
      } else if (e == 't') {
        s += '\t';
      } else {
        s += e;
      }
    }
    if (closed && s.size() >= 4) rules.back() += s + "\n";
  }
  return rules;
}

// All of signature-base on files carrying the header magics and sizes the
// partitioning keys on (MZ that is not PE, a valid PE, ELF, zip, text; around
// 1KB, 100KB and 1MB), with the text strings of signature-base rules planted
// in them: default and --yara-reference must give the same match set, and
// that set must not be empty.
TEST(Partition, SignatureBaseMatchesReference) {
  std::string sb = SignatureBaseDir();
  if (sb.empty()) GTEST_SKIP() << "../shared/signature-base not present";
  std::vector<fs::path> rule_files;
  for (const auto& e : fs::recursive_directory_iterator(sb + "/yara")) {
    auto ext = e.path().extension().string();
    if (e.is_regular_file() && (ext == ".yar" || ext == ".yara")) rule_files.push_back(e.path());
  }
  std::sort(rule_files.begin(), rule_files.end());
  ASSERT_FALSE(rule_files.empty());

  // Planted chunks of at most ~6 KB: every rule's strings together, so that
  // "all of them" / "N of them" conditions can hold.
  std::vector<std::string> chunks(1);
  for (const auto& f : rule_files) {
    for (auto& plant : PlantsPerRule(ReadFileText(f.string()))) {
      if (plant.empty() || plant.size() > 2048) continue;
      if (chunks.back().size() + plant.size() > 6 * 1024) chunks.emplace_back();
      chunks.back() += plant;
    }
  }
  ASSERT_GT(chunks.size(), 10u);

  TempDir tree, out;
  const std::string pe = MinimalPe(false), dll = MinimalPe(true);
  const std::string mz = "MZ\x90";
  const std::string elf = Elf64Header();
  const std::string zip("PK\x03\x04\x14\x00\x00\x00", 8);
  const std::vector<std::pair<std::string, std::string>> heads = {
      {"mz", mz}, {"pe", pe}, {"dll", dll}, {"elf", elf}, {"zip", zip}, {"txt", ""}};
  // Every chunk in a small file of every kind.
  for (size_t i = 0; i < chunks.size(); ++i) {
    for (const auto& [kind, head] : heads)
      tree.Write("planted/" + kind + "/" + std::to_string(i), head + chunks[i]);
  }
  // Size boundaries with every header; one planted chunk after the header
  // (when it fits), then padding.
  const size_t sizes[] = {100,          1023,           1024,           1025,       100 * 1024 - 1,
                          100 * 1024,   100 * 1024 + 1, (1u << 20) - 1, 1u << 20,   (1u << 20) + 1};
  for (size_t s : sizes) {
    for (size_t k = 0; k < heads.size(); ++k) {
      const auto& [kind, head] = heads[k];
      if (head.size() > s) continue;
      std::string body = head + chunks[(s + k) % chunks.size()];
      body.resize(s, ' ');
      tree.Write("sizes/" + kind + "_" + std::to_string(s), body);
    }
  }
  tree.Write("sizes/empty", "");
  tree.Write("sizes/m1", "M");
  tree.Write("sizes/mz3", "MZ\x90");

  auto def = ScanYaraMatches(sb, tree.path(), out.path(), "default", {"--threads", "2"}, 300);
  auto ref = ScanYaraMatches(sb, tree.path(), out.path(), "ref",
                             {"--threads", "2", "--yara-reference"}, 300);
  EXPECT_FALSE(ref.empty()) << "nothing planted fired: the comparison would be vacuous";
  ExpectSameSet(def, ref, "default mode", "--yara-reference");
  std::set<std::string> rules_fired;
  for (const auto& l : ref) rules_fired.insert(l.substr(0, l.find(' ')));
  std::cout << "[ info ] " << chunks.size() << " planted chunks; " << ref.size()
            << " matches of " << rules_fired.size() << " signature-base rules\n";
}

// The fast path is really partitioned (the differential tests above would
// also pass if it silently fell back to the whole set): `rules check -v`
// shows the classes, non-MZ classes do not import pe, and the dumped source
// of the "other" class has the MZ-only rule left out and the pe leaf
// rewritten.
TEST(Partition, RulesCheckShowsTheClassesAndTheDump) {
  TempDir sig, dump;
  sig.Write("yara/p.yar", R"(import "pe"
rule mz_a { strings: $a = "x1" condition: uint16(0) == 0x5a4d and $a }
rule mz_b { strings: $a = "x2" condition: uint16(0) == 0x5a4d and $a }
rule mz_c { strings: $a = "x3" condition: uint16(0) == 0x5a4d and $a }
rule pe_or_text { strings: $a = "x4" condition: pe.imphash() == "00" or $a }
rule small { strings: $a = "x5" condition: filesize < 1KB and $a }
rule small2 { strings: $a = "x6" condition: filesize < 1KB and $a }
rule small3 { strings: $a = "x7" condition: filesize < 1KB and $a }
)");
  auto r = RunHarrier({"rules", "check", "-v", "--no-builtin", sig.path(), "--dump-partition",
                       dump.path()});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("Partitioned YARA sets: 4 classes"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("class MZ/<1024"), std::string::npos) << r.out;
  for (const char* other : {"class other/<1024", "class other/>=1024"}) {
    size_t at = r.out.find(other);
    ASSERT_NE(at, std::string::npos) << r.out;
    std::string line = r.out.substr(at, r.out.find('\n', at) - at);
    EXPECT_EQ(line.find("imports pe"), std::string::npos) << line;
  }
  std::ifstream in(dump.path() + "/set-02.yar");  // other/<1024
  std::stringstream ss;
  ss << in.rdbuf();
  std::string other = ss.str();
  EXPECT_NE(other.find("class other/<1024"), std::string::npos) << other;
  EXPECT_EQ(other.find("rule mz_a"), std::string::npos) << other;
  EXPECT_NE(other.find("false or $a"), std::string::npos) << other;
  EXPECT_EQ(other.find("import \"pe\""), std::string::npos) << other;
}

}  // namespace
}  // namespace harrier::testing
