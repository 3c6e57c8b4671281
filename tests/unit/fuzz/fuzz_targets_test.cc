// Runs every fuzz target over seeds generated at test time (valid files and
// their truncations / bit flips), so the targets keep compiling and do not
// crash on the inputs the fuzzers start from.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>

#include "fuzz/fuzz_target.h"
#include "update/manifest.h"
#include "testutil/archive_synth.h"
#include "testutil/bplist_fixtures.h"
#include "testutil/ole_synth.h"
#include "testutil/rpm_synth.h"
#include "testutil/synth.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// With HARRIER_WRITE_FUZZ_SEEDS=DIR set, the seeds are also written to
// DIR/<target>/seed-N to start a libFuzzer corpus (docs/checks.md).
void MaybeWriteSeed(const char* target, const std::string& seed) {
  const char* dir = std::getenv("HARRIER_WRITE_FUZZ_SEEDS");
  if (dir == nullptr || *dir == '\0') return;
  static int n = 0;
  std::string d = std::string(dir) + "/" + target;
  (void)std::system(("mkdir -p '" + d + "'").c_str());
  std::ofstream(d + "/seed-" + std::to_string(n++), std::ios::binary) << seed;
}

void RunWithMutations(const std::function<int(const uint8_t*, size_t)>& target,
                      const std::string& seed) {
  // A target traps (kills the test) when its oracle fails; it returns 0
  // for every input it accepted.
  auto run = [&](const std::string& s) {
    EXPECT_EQ(target(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0) << s.size();
  };
  ASSERT_FALSE(seed.empty()) << "an empty seed replays nothing";
  run(seed);
  for (size_t n = 0; n < seed.size(); n += std::max<size_t>(1, seed.size() / 64))
    run(seed.substr(0, n));
  for (size_t i = 0; i < seed.size(); i += std::max<size_t>(1, seed.size() / 97)) {
    std::string m = seed;
    m[i] = static_cast<char>(m[i] ^ 0xA5);
    run(m);
  }
}

std::vector<std::string> PeSeeds() {
  synth::PeSpec signed_padded;
  signed_padded.cert_table = synth::WinCertificate(
      synth::MakePkcs7({}),
      std::string("\xFE\xED\xFA\xCE\xFE\xED\xFA\xCE", 8) + synth::RandomBytes(64));
  synth::PeSpec with_version;
  with_version.pe64 = false;
  with_version.version_blob =
      synth::VersionInfoBlob({{"ProductName", "X_TRADER"}, {"ProductVersion", "7.17.90"}});
  return {synth::BuildPe({}), synth::BuildPe(signed_padded), synth::BuildPe(with_version),
          synth::MakePkcs7({})};
}

TEST(FuzzTargets, PeSeeds) {
  for (const auto& s : PeSeeds()) {
    MaybeWriteSeed("pe", s);
    RunWithMutations(HarrierFuzz_pe, s);
  }
}

TEST(FuzzTargets, IcoSeeds) {
  for (const auto& s :
       {synth::IcoWithPng(), synth::IcoWithPng("$" + synth::Base64Text(64)),
        synth::IcoWithPng("$" + synth::Base64Text(40), true), synth::MinimalPng() + "$QUJDRA=="}) {
    MaybeWriteSeed("ico", s);
    RunWithMutations(HarrierFuzz_ico, s);
  }
}

TEST(FuzzTargets, PlistSeeds) {
  std::string p = synth::InfoPlist({{"CFBundleIdentifier", "com.electron.3cx-desktop-app"},
                                    {"CFBundleShortVersionString", "18.12.416"}});
  MaybeWriteSeed("plist", p);
  RunWithMutations(HarrierFuzz_plist, p);
  RunWithMutations(HarrierFuzz_plist, "<plist><dict><key>a</key><string>&amp;</string><dict><key>");
  for (const auto* b : {&bplist::Affected(), &bplist::Utf16()}) {
    std::string bin(b->begin(), b->end());
    MaybeWriteSeed("plist", bin);
    RunWithMutations(HarrierFuzz_plist, bin);
  }
}

TEST(FuzzTargets, DpkgSeeds) {
  for (const std::string s :
       {"Package: liblzma5\nStatus: install ok installed\nSource: xz-utils (5.6.1-1)\n"
        "Version: 5.6.1-1\nArchitecture: amd64\nDescription: x\n multi\n .\n\n"
        "Package: xz-utils\nStatus: deinstall ok config-files\nVersion: 1:5.6.0-0.2~bpo\n",
        "Package: a\r\nVersion: 5.6.1+really5.4.5-1\r\n\r\nPackage:\nVersion: :::-~-\n"}) {
    MaybeWriteSeed("dpkg", s);
    RunWithMutations(HarrierFuzz_dpkg, s);
  }
}

// Header blobs, version pairs and a small rpmdb.sqlite (mutated: SQLite's
// own corruption handling behind the reader's checks).
TEST(FuzzTargets, RpmSeeds) {
  namespace rs = rpm_synth;
  TempDir t;
  ASSERT_TRUE(rs::WriteDb(t.path() + "/rpmdb.sqlite",
                          {rs::Package("xz-libs", "5.6.1", "1.fc40"), "bad"}, /*wal=*/true));
  for (const std::string& s :
       {rs::Package("xz-libs", "5.6.1", "1.fc40", "x86_64", 1),
        rs::Blob({rs::Str(1000, "gpg-pubkey"), rs::Str(1001, "a15b79cc"),
                  rs::Str(1002, "63d04c2c")},
                 /*region=*/false),
        std::string("1.0~rc1^git2.a_b\n1.0^20160101~x"), ReadWholeFile(t.path() + "/rpmdb.sqlite")}) {
    MaybeWriteSeed("rpm", s);
    RunWithMutations(HarrierFuzz_rpm, s);
  }
}

TEST(FuzzTargets, IocSeeds) {
  for (const std::string s :
       {"# comment as description\n\\\\evil\\.exe;80\n(?i)/tmp/x[0-9]+;60;/tmp/x1\n",
        "d41d8cd98f00b204e9800998ecf8427e;a;b\nD41D8CD98F00B204E9800998ECF8427E;90;c\nzz;1\n",
        "\xEF\xBB\xBF"  // a UTF-8 byte order mark
        "example.invalid;70\r\n10.0.0.1\n(unclosed;50\n"}) {
    MaybeWriteSeed("ioc", s);
    RunWithMutations(HarrierFuzz_ioc, s);
  }
}

TEST(FuzzTargets, ProcParseSeeds) {
  for (const std::string s : {
           std::string("4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 1 0 0 0 3 1 0 0 20 0 1 0 "
                       "123456 1000 100 18446744073709551615\n"),
           std::string("Name:\tx\nUid:\t1000\t1000\t1000\t1000\nGid:\t1\n"),
           std::string("/bin/sh\0-c\0sleep 1\0LD_PRELOAD=/tmp/x.so\0", 40),
           std::string("55d0c0a00000-55d0c0a21000 rw-p 00000000 00:00 0          [heap]\n"
                       "7f0c4a1e3000-7f0c4a205000 r-xp 00001000 08:01 1234 /usr/lib/libc.so.6\n"
                       "7f0c4a1e3000-7f0c4a205000 rwxp 00000000 00:01 99 /memfd:x (deleted)\n"),
           std::string("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                       "retrnsmt   uid  timeout inode\n"
                       "   0: 0100007F:0277 0200007F:1F90 01 00000000:00000000 00:00000000 "
                       "00000000     0        0 12345 1 0000000000000000 100 0 0 10 0\n"
                       "   1: 00000000000000000000000001000000:0016 "
                       "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                       "00000000     0        0 777 1\n"),
           std::string("cpu  1 2 3\nbtime 1700000000\n"),
           std::string("127.0.0.1 localhost\n192.0.2.9 update.example.invalid # c2\n"
                       "::1 ip6-localhost ip6-loopback\n198.51.100.0/24\n")}) {
    MaybeWriteSeed("proc_parse", s);
    RunWithMutations(HarrierFuzz_proc_parse, s);
  }
}

TEST(FuzzTargets, JsonlSeeds) {
  std::string s =
      R"({"harrier":{"schema":1,"type":"scan_start","paths":["/"]}})" "\n"
      R"({"file":{"path":"/a"},"harrier":{"type":"finding","score":80,"reasons":[{"name":"x"}]}})" "\n"
      "not json\n"
      R"({"harrier":{"type":"summary","findings":{"alert":1}}})" "\n";
  MaybeWriteSeed("jsonl", s);
  RunWithMutations(HarrierFuzz_jsonl, s);
}

// Rule files for the partitioner's differential oracle: gates of every kind
// the partitioner decides (magic, size, pe-only, rule references, globals),
// and the lexical traps of the splitter (comments, regexes, hex strings).
TEST(FuzzTargets, YaraPartitionSeeds) {
  for (const std::string& s : {
           std::string(R"(import "pe"
import "math"
global rule g { condition: filesize > 0 }
private rule mz { condition: uint16(0) == 0x5a4d }
rule a { strings: $a = "MZ" $b = { 4D 5A [2-4] ( 90 | 00 ) } condition: mz and ($a or $b) and filesize < 100 }
rule b { strings: $s = /a\/b{1,3}/ nocase condition: $s or pe.imphash() == "x" }
rule c { condition: not pe.is_pe and filesize <= 3 }
rule d { strings: $x = "and or rule { }" condition: $x at pe.entry_point or uint32be(0) == 0x7f454c46 }
rule e { condition: 0x464c457f == uint32(0) and not b and math.entropy(0, filesize) >= 0 }
rule f { strings: $m = "#!" condition: (uint16(0) == 0x2123 or filesize > 1KB) and #m > 0 }
rule h { condition: uint16(0) == 0x4d4d or filesize == 7 }
)"),
           std::string(R"(import "pe"
rule r1 : tag1 tag2 { meta: note = "condition: x }" strings: $a = "A" // } comment
 condition: /* and */ $a and (filesize < 10 or filesize >= 20) }
rule r2 { condition: r1 or uint8(0) == 0x4d and uint8(1) == 0x5a }
global rule g2 { condition: uint16(0) != 0x5a4d }
rule r3 { condition: for any i in (0..pe.number_of_sections) : (true) }
rule r4 { condition: filesize >= 99 }
rule r5 { strings: $q = "A" condition: $q and filesize < 100 }
)"),
           // pe rules with no MZ gate anywhere: no "MZ" class, so pe leaves
           // must stay undecided for the files of "other" (PE included).
           std::string(R"(import "pe"
rule p1 { condition: pe.number_of_sections > 0 and filesize > 10 }
rule p2 { strings: $a = "rule" condition: $a and pe.is_dll() or pe.is_pe }
rule p3 { condition: not pe.is_pe and filesize < 64 }
rule p4 { strings: $b = "p4" condition: $b at pe.entry_point or filesize < 3 }
)")}) {
    MaybeWriteSeed("yara_partition", s);
    RunWithMutations(HarrierFuzz_yara_partition, s);
  }
}

TEST(FuzzTargets, YaraPrefilterSeeds) {
  for (const std::string& s : {
           std::string(R"(rule a { strings: $a = "needle-one" $b = { 4E 45 45 44 4C 45 } condition: any of them }
rule b { strings: $a = "MixedCase" nocase wide ascii condition: #a >= 2 or $a at 0 }
rule c { strings: $a = "needle-one" condition: not $a }
rule d { strings: $a = "needle-one" condition: d2 }
rule e { strings: $a = "longer-literal-x" fullword condition: filesize < 100 and $a }
rule f { strings: $a = "abcd" condition: #a == 0 or $a }
----
..NEEDLE-ONE..m\0i\0x\0e\0d\0c\0a\0s\0e\0 abcd longer-literal-x)"),
           std::string(R"(global rule g { strings: $a = "gate" condition: $a }
rule h { strings: $a = "tail" condition: $a in (filesize-4..filesize) }
rule i { strings: $a = "xorme" xor condition: $a }
----
no literal here, tail)"),
           std::string(R"(rule hx { strings: $a = { 4E 45 45 44 ?? 4C 45 2D 4F 4E 45 } condition: $a }
rule alt { strings: $a = { 41 42 ( 43 44 45 46 | 47 ) [1-2] 48 49 4A 4B } condition: $a }
rule slow { strings: $g = "[gate]" $r = /url\s*=[^\x0d]*exe/ condition: $g and $r }
----
NEEDxLE-ONE ABGxHIJK [GATE] url = a.exe)")}) {
    MaybeWriteSeed("yara_prefilter", s);
    RunWithMutations(HarrierFuzz_yara_prefilter, s);
  }
}


// OLE compound files: nested storages, small- and big-block streams, MSI
// names (by class id), an Ole10Native package, 4096-byte sectors, and a raw
// directory whose siblings form a list.
TEST(FuzzTargets, OleSeeds) {
  namespace os = ole_synth;
  const uint8_t msi_clsid[16] = {0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
  std::vector<os::Bytes> seeds = {
      os::BuildOle({{"WordDocument", std::string(4500, 'w')},
                    {"\x05SummaryInformation", "summary"},
                    {"ObjectPool/_1/\x01Ole10Native",
                     os::Ole10Native("calc.lnk", std::string("L\0\0\0payload", 11), 11)},
                    {"ObjectPool/_1/Inner/marker", "marker"}}),
      os::BuildOle({{os::MsiEncode("_StringPool", true), std::string(40, 'p')},
                    {os::MsiEncode("Binary.bannrbmp", false), "BM"},
                    {os::MsiEncode("product.cab", false), "MSCF" + std::string(5000, 'c')}},
                   msi_clsid),
      os::BuildOle({{"a", "1"}, {"S/b", std::string(5000, 'b')}}, nullptr, 4096),
      os::SiblingChain(6)};
  for (const auto& b : seeds) {
    std::string s(b.begin(), b.end());
    MaybeWriteSeed("ole", s);
    RunWithMutations(HarrierFuzz_ole, s);
  }
}

// Small archives of the formats the archive source reads, built at test time
// with the Debian tools scripts/install-deps.sh installs (never committed);
// one nests a zip in a tar.gz. A format whose tool is missing has no seed
// (said in the test output).
std::vector<std::string> ArchiveSeeds() {
  TempDir d;
  d.Write("a.txt", "alpha member\n");
  std::string c;
  for (int i = 0; i < 20; ++i) c += "nested member line " + std::to_string(i) + "\n";
  d.Write("b/c.txt", c);
  std::vector<std::string> seeds;
  // Runs argv (argv[0] a program name) in d; the seed is `file` in d, or the
  // program's standard output when `file` is empty.
  auto make = [&](std::vector<std::string> argv, const std::string& file,
                  const std::string& stdin_text = "") {
    std::string tool = argv[0] == "7z" ? FindProgram("7z") : FindProgram(argv[0]);
    if (tool.empty() && argv[0] == "7z") tool = FindProgram("7zz");
    if (tool.empty()) {
      std::printf("no %s seed: %s not installed\n", file.empty() ? argv.back().c_str() : file.c_str(),
                  argv[0].c_str());
      return;
    }
    argv[0] = tool;
    RunOptions o;
    o.cwd = d.path();
    o.timeout_s = 60;
    if (!stdin_text.empty()) o.stdin_path = d.Write("stdin.txt", stdin_text);
    RunResult r = RunProgram(argv, o);
    ASSERT_EQ(r.exit_code, 0) << argv[0] << ": " << r.err;
    if (!file.empty()) {
      std::ifstream f(d.path() + "/" + file, std::ios::binary);
      seeds.emplace_back(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    } else {
      seeds.push_back(r.out);
    }
  };
  make({"zip", "-q", "-r", "s.zip", "a.txt", "b"}, "s.zip");
  make({"tar", "-czf", "s.tar.gz", "s.zip", "a.txt"}, "s.tar.gz");
  make({"tar", "-cJf", "s.tar.xz", "a.txt", "b"}, "s.tar.xz");
  make({"tar", "-cjf", "s.tar.bz2", "a.txt"}, "s.tar.bz2");
  make({"7z", "a", "-bd", "-bso0", "s.7z", "a.txt", "b"}, "s.7z");
  make({"7z", "a", "-bd", "-bso0", "-psecret", "e.7z", "a.txt"}, "e.7z");
  make({"gcab", "-c", "-z", "s.cab", "a.txt", "b/c.txt"}, "s.cab");
  make({"cpio", "--quiet", "-o", "-H", "newc", "-F", "s.cpio"}, "s.cpio", "a.txt\nb/c.txt\n");
  make({"xorriso", "-as", "mkisofs", "-quiet", "-no-pad", "-R", "-o", "s.iso", "b"}, "s.iso");
  make({"lha", "a", "s.lzh", "a.txt", "b/c.txt"}, "s.lzh");
  make({"ar", "rc", "s.a", "a.txt"}, "s.a");
  make({"gzip", "-c", "b/c.txt"}, "");
  make({"bzip2", "-c", "b/c.txt"}, "");
  make({"xz", "-c", "b/c.txt"}, "");
  make({"xz", "--format=lzma", "-c", "b/c.txt"}, "");
  make({"zstd", "-q", "-c", "b/c.txt"}, "");
  make({"lzip", "-c", "b/c.txt"}, "");
  make({"lz4", "-q", "-c", "b/c.txt"}, "");
  return seeds;
}

TEST(FuzzTargets, ArchiveSourceSeeds) {
  std::vector<std::string> seeds = ArchiveSeeds();
  EXPECT_GE(seeds.size(), 1u);
  // An empty zip and bytes that only look like the start of containers.
  seeds.push_back(std::string("PK\x05\x06", 4) + std::string(18, '\0'));
  seeds.push_back(std::string("\x1f\x8b\x08\x00", 4) + std::string(16, '\0'));
  seeds.push_back(std::string("7z\xbc\xaf\x27\x1c", 6) + std::string(26, '\0'));
  // libmspack formats: a stored KWAJ file and an SZDD header with LZ data.
  seeds.push_back(std::string("KWAJ\x88\xf0\x27\xd1\x00\x00\x0e\x00\x00\x00", 14) +
                  "kwaj member data");
  seeds.push_back(std::string("SZDD\x88\xf0\x27\x33\x41\x65\x05\x00\x00\x00", 14) +
                  std::string("\xff" "hello", 6));
  for (const auto& s : seeds) {
    MaybeWriteSeed("archive_source", s);
    RunWithMutations(HarrierFuzz_archive_source, s);
  }
}

// Signature-update inputs: member names, a manifest, a checksum line, and
// archives with a good set, a traversal member and a link out.
TEST(FuzzTargets, UpdateSeeds) {
  SetManifest m;
  m.id = "2026-12-02T18-00-00Z-0123456789ab";
  m.source = "https://example.org/s.tar.gz";
  m.sha256 = std::string(64, 'e');
  m.yara_rules = 3;
  using T = SynthMember::Type;
  std::vector<std::string> seeds = {
      "signature-base-master/yara/apt.yar", "a/../../b", "/etc/passwd",
      ManifestToJson(m), std::string(64, 'f') + "  sigs.tar.gz\n",
      MakeArchive({{"top/", "", T::kDir}, {"top/yara/a.yar", "rule a { condition: true }"}}),
      MakeArchive({{"top/yara/a.yar", "x"}, {"../evil", "x"}}),
      MakeArchive({{"top/link", "", T::kSymlink, "/etc"}}, SynthFormat::kZip),
      MakeArchive({{"a", "x"}, {"b", "", T::kHardlink, "a"}})};
  for (const auto& s : seeds) {
    MaybeWriteSeed("update", s);
    RunWithMutations(HarrierFuzz_update, s);
  }
}

// Small disk images built at test time (mkfs.fat + mtools, mkfs.ext4 -d,
// mkntfs), an MBR around the FAT one, and headers that only look like
// images. A tool that is missing gives no seed (said in the test output).
TEST(FuzzTargets, ImageSourceSeeds) {
  TempDir d;
  d.Write("tree/dir/a.txt", "alpha entry\n");
  d.Write("tree/b.txt", std::string(5000, 'b'));
  std::vector<std::string> seeds;
  auto run = [&](std::vector<std::string> argv) {
    std::string tool = FindProgram(argv[0]);
    if (tool.empty()) {
      std::printf("no image seed from %s: not installed\n", argv[0].c_str());
      return false;
    }
    argv[0] = tool;
    RunOptions o;
    o.cwd = d.path();
    o.timeout_s = 60;
    o.stdin_path = "/dev/null";
    RunResult r = RunProgram(argv, o);
    EXPECT_EQ(r.exit_code, 0) << argv[0] << ": " << r.err;
    return r.exit_code == 0;
  };
  auto slurp = [&](const std::string& f) {
    std::ifstream in(d.path() + "/" + f, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  };
  if (run({"mkfs.fat", "-C", d.path() + "/fat.img", "256"}) &&
      run({"env", "MTOOLS_SKIP_CHECK=1", FindProgram("mcopy"), "-s", "-i", d.path() + "/fat.img",
           d.path() + "/tree/dir", "::/"})) {
    std::string fat = slurp("fat.img");
    seeds.push_back(fat);
    // The same volume behind an MBR with one FAT16 partition at sector 1.
    std::string mbr(512, '\0');
    mbr[446] = '\x00';
    mbr[446 + 4] = '\x06';
    mbr[446 + 8] = '\x01';
    uint32_t sectors = static_cast<uint32_t>(fat.size() / 512);
    for (int i = 0; i < 4; ++i) mbr[446 + 12 + i] = static_cast<char>(sectors >> (8 * i));
    mbr[510] = '\x55';
    mbr[511] = '\xaa';
    seeds.push_back(mbr + fat);
  }
  if (run({"mkfs.ext4", "-q", "-F", "-d", d.path() + "/tree", d.path() + "/ext4.img", "1M"}))
    seeds.push_back(slurp("ext4.img"));
  {
    std::string ntfs = d.Write("ntfs.img", "");
    std::filesystem::resize_file(ntfs, 2 << 20);
    if (run({"mkntfs", "-F", "-Q", "-q", ntfs})) seeds.push_back(slurp("ntfs.img"));
  }
  seeds.push_back(std::string(3, '\0') + "NTFS    " + std::string(600, '\0'));
  seeds.push_back(std::string(512, '\0') + "EFI PART" + std::string(600, '\0'));
  for (const auto& s : seeds) {
    MaybeWriteSeed("image_source", s);
    RunWithMutations(HarrierFuzz_image_source, s);
  }
}

}  // namespace
}  // namespace harrier::testing
