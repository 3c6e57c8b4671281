// End-to-end: disk images read without mounting (src/sources/image_source.h)
// with the built binary. Every image is built here, at test time, with
// Debian's tools (mkfs.fat + mtools, mkfs.ext4 -d, mkntfs + the test tool
// ntfs_put over libntfs-3g, sfdisk, ewfacquire); no image is committed and
// nothing is mounted. A planted file whose MD5 is a hash IOC, and a file
// whose Windows path is a filename IOC, must be found with their in-image
// paths and chains; damaged images must end as counted skips.
// A test whose tool is missing skips with the tool's name.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "scan/hasher.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const std::string kSep = " \xe2\x80\xba ";  // the chain separator " › "

std::string Planted() {
  std::string s;
  for (int i = 0; i < 64; ++i)
    s += "harrier planted sample inside a disk image, line " + std::to_string(i) + "\n";
  return s;
}

std::string Md5(std::string_view s) {
  Hasher h;
  return h.Compute({reinterpret_cast<const uint8_t*>(s.data()), s.size()}).md5;
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string NtfsPut() { return HARRIER_NTFS_PUT; }

std::string MissingTools(std::initializer_list<std::string_view> names) {
  std::string missing;
  for (auto n : names) {
    bool have = n == "ntfs_put" ? !NtfsPut().empty() : !FindProgram(n).empty();
    if (!have) missing += (missing.empty() ? "" : ", ") + std::string(n);
  }
  return missing;
}

#define REQUIRE_TOOLS(...)                                                         \
  do {                                                                             \
    if (std::string m = MissingTools({__VA_ARGS__}); !m.empty())                   \
      GTEST_SKIP() << m << " not installed (scripts/install-deps.sh installs it)"; \
  } while (0)

struct Scan {
  RunResult run;
  std::map<std::string, Json> findings;  // by harrier.subject.display
  Json summary;
  const Json& images() const { return summary["images"]; }
  uint64_t EntriesSkipped(std::string_view why) const {
    return images()["skipped"].value(std::string(why), uint64_t{0});
  }
  uint64_t VolumesSkipped(std::string_view why) const {
    return images()["volumes_skipped"].value(std::string(why), uint64_t{0});
  }
  std::string Findings() const {
    std::string s;
    for (const auto& [k, v] : findings) s += k + "\n";
    return s + run.err;
  }
};

// entries_seen == entries_scanned + entries_skipped, and the reasons add up.
void ExpectEntriesAccounted(const Json& summary) {
  ASSERT_TRUE(summary.is_object()) << "no summary line";
  const Json& im = summary["images"];
  ASSERT_TRUE(im.is_object()) << summary.dump();
  uint64_t by_reason = 0;
  for (auto& [k, v] : im["skipped"].items()) by_reason += v.get<uint64_t>();
  EXPECT_EQ(im["entries_skipped"].get<uint64_t>(), by_reason) << im.dump();
  EXPECT_EQ(im["entries_seen"].get<uint64_t>(),
            im["entries_scanned"].get<uint64_t>() + im["entries_skipped"].get<uint64_t>())
      << im.dump();
}

class Lab {
 public:
  const std::string planted = Planted();
  TempDir sig, dir;

  Lab() {
    sig.Write("iocs/hash-iocs.txt",
              "# Planted in images\n" + Md5(planted) + ";Planted in images\n");
    // Matches only the drive form of the path: proves the C: mapping.
    sig.Write("iocs/filename-iocs.txt",
              "# Tool on a Windows volume\n^C:\\\\Windows\\\\Temp\\\\evil_tool\\.exe$;80\n");
    dir.Mkdir("src");
  }
  std::string Path(std::string_view rel) const { return dir.path() + "/" + std::string(rel); }
  std::string Put(std::string_view rel, std::string_view content) const {
    return dir.Write(rel, content);
  }

  // Runs an installed tool (no shell); a failure is a test failure.
  bool Make(std::vector<std::string> argv,
            const std::map<std::string, std::string>& env = {}) const {
    std::string tool = argv[0] == "ntfs_put" ? NtfsPut() : FindProgram(argv[0]);
    if (tool.empty()) {
      ADD_FAILURE() << argv[0] << " not installed";
      return false;
    }
    argv[0] = tool;
    std::vector<std::string> full;
    if (!env.empty()) {
      full.push_back(FindProgram("env"));
      for (const auto& [k, v] : env) full.push_back(k + "=" + v);
    }
    full.insert(full.end(), argv.begin(), argv.end());
    RunOptions o;
    o.cwd = dir.path();
    o.timeout_s = 60;
    o.stdin_path = "/dev/null";
    RunResult r = RunProgram(full, o);
    if (r.exit_code != 0) {
      std::string cmd;
      for (const auto& a : full) cmd += a + " ";
      ADD_FAILURE() << cmd << "exited " << r.exit_code << ": " << r.err << r.out;
      return false;
    }
    return true;
  }
  bool Mtools(std::vector<std::string> argv) const {
    return Make(std::move(argv), {{"MTOOLS_SKIP_CHECK", "1"}});
  }

  // A FAT volume image of `kib` KiB holding `files` (path -> content).
  std::string Fat(const std::string& name, int kib,
                  const std::map<std::string, std::string>& files) const {
    std::string img = Path(name);
    if (!Make({"mkfs.fat", "-C", img, std::to_string(kib)})) return "";
    for (const auto& [p, content] : files) {
      std::string src = Put("src/fat-" + std::to_string(std::hash<std::string>()(p)), content);
      std::string d = fs::path(p).parent_path().string();
      std::string acc;
      for (const auto& part : fs::path(d)) {
        if (part == "/") continue;
        acc += "/" + part.string();
        Mtools({"mmd", "-D", "s", "-i", img, "::" + acc});  // may exist already
      }
      if (!Mtools({"mcopy", "-i", img, src, "::" + p})) return "";
    }
    return img;
  }

  // An NTFS volume image of `mib` MiB holding `files` ("/dir/name" or
  // "/dir/name:stream" -> content; a stream's file must come first).
  std::string Ntfs(const std::string& name, int mib,
                   const std::vector<std::pair<std::string, std::string>>& files) const {
    std::string img = Path(name);
    { std::ofstream(img, std::ios::binary); }
    fs::resize_file(img, static_cast<uint64_t>(mib) << 20);
    if (!Make({"mkntfs", "-F", "-Q", "-q", img})) return "";
    int i = 0;
    for (const auto& [p, content] : files) {
      std::string src = Put("src/ntfs-" + std::to_string(i++), content);
      if (!Make({"ntfs_put", img, p, src})) return "";
    }
    return img;
  }

  Scan Run(const std::vector<std::string>& args, int timeout_s = 60) const {
    std::vector<std::string> a = {"scan",         "--no-builtin", "--no-progress", "--all-files",
                                  "--signatures", sig.path(),     "--jsonl",       "-"};
    a.insert(a.end(), args.begin(), args.end());
    Scan s;
    s.run = RunHarrier(a, timeout_s);
    for (const auto& line : Lines(s.run.out)) {
      Json v = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (v.is_discarded()) {
        ADD_FAILURE() << "not a JSON line: " << line;
        continue;
      }
      std::string type = v["harrier"].value("type", "");
      if (type == "finding") {
        std::string d = v["harrier"]["subject"]["display"].get<std::string>();
        EXPECT_EQ(s.findings.count(d), 0u) << "two findings for " << d;
        s.findings[d] = v;
      } else if (type == "summary") {
        s.summary = v["harrier"];
      }
    }
    return s;
  }

  bool IsPlantedHit(const Json& f) const {
    return f["file"]["hash"]["md5"] == Md5(planted) && f["harrier"]["reasons"][0]["type"] == "hash";
  }
};

// Copies `part` into `disk` at byte `offset` (a partition's place).
void Place(const std::string& disk, const std::string& part, uint64_t offset) {
  std::fstream d(disk, std::ios::in | std::ios::out | std::ios::binary);
  d.seekp(static_cast<std::streamoff>(offset));
  std::string bytes = ReadAll(part);
  d.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// A GPT disk: partition 1 NTFS (16 MiB at 1 MiB), partition 2 FAT (4 MiB).
std::string GptDisk(const Lab& lab, const std::string& ntfs, const std::string& fat) {
  std::string disk = lab.Path("disk.img");
  { std::ofstream(disk, std::ios::binary); }
  fs::resize_file(disk, 22ULL << 20);
  std::string script =
      lab.Put("sfdisk.txt",
              "label: gpt\n"
              "start=2048, size=32768, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n"
              "start=34816, size=8192, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n");
  RunOptions o;
  o.stdin_path = script;
  o.timeout_s = 60;
  RunResult r = RunProgram({FindProgram("sfdisk"), "--quiet", disk}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Place(disk, ntfs, 2048 * 512ULL);
  Place(disk, fat, 34816 * 512ULL);
  return disk;
}

TEST(ImageE2E, FatVolumeEntriesAreFoundWithTheirInImagePaths) {
  REQUIRE_TOOLS("mkfs.fat", "mcopy", "mmd");
  Lab lab;
  std::string img =
      lab.Fat("fat.img", 4096,
              {{"/Tools/planted.bin", lab.planted}, {"/Docs/readme.txt", "nothing to see\n"}});
  ASSERT_FALSE(img.empty());
  Scan s = lab.Run({"--image", img});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  std::string key = img + kSep + "volume" + kSep + "/Tools/planted.bin";
  ASSERT_EQ(s.findings.count(key), 1u) << s.Findings();
  const Json& f = s.findings[key];
  EXPECT_TRUE(lab.IsPlantedHit(f)) << f.dump();
  EXPECT_EQ(f["harrier"]["subject"]["kind"], "image_entry");
  const Json& chain = f["harrier"]["subject"]["chain"];
  ASSERT_EQ(chain.size(), 3u) << chain.dump();
  EXPECT_EQ(chain[0]["format"], "raw");
  EXPECT_EQ(chain[1]["path"], "volume");
  EXPECT_EQ(chain[1]["format"].get<std::string>().substr(0, 3), "fat") << chain.dump();
  EXPECT_EQ(f["file"]["path"], "/Tools/planted.bin");
  EXPECT_EQ(s.findings.size(), 1u) << s.Findings();
  EXPECT_EQ(s.images()["opened"], 1);
  EXPECT_EQ(s.images()["filesystems"], 1);
  EXPECT_EQ(s.images()["entries_scanned"], 2) << s.images().dump();
  EXPECT_EQ(s.summary["files_seen"], 0) << "no walk without paths";
  ExpectEntriesAccounted(s.summary);
}

// A raw image split in parts (disk.001, disk.002, as dd | split and
// forensic tools write them): given the first part, the others are found.
TEST(ImageE2E, SplitRawImageIsReadFromItsFirstPart) {
  REQUIRE_TOOLS("mkfs.fat", "mcopy", "mmd");
  Lab lab;
  std::string filler(5 << 19, 'f');  // 2.5 MiB first: planted.bin lands in the second part
  for (size_t i = 0; i < filler.size(); i += 512) filler[i] = static_cast<char>(i >> 9);
  std::string img = lab.Fat("fat.img", 4096, {{"/a/filler.bin", filler},
                                               {"/z/planted.bin", lab.planted}});
  ASSERT_FALSE(img.empty());
  std::string bytes = ReadAll(img);
  size_t half = bytes.size() / 2;
  ASSERT_GT(bytes.find(lab.planted), half) << "planted.bin must lie in disk.002";
  { std::ofstream(lab.Path("disk.001"), std::ios::binary) << bytes.substr(0, half); }
  { std::ofstream(lab.Path("disk.002"), std::ios::binary) << bytes.substr(half); }
  Scan s = lab.Run({"--image", lab.Path("disk.001")});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  EXPECT_EQ(s.findings.count(lab.Path("disk.001") + kSep + "volume" + kSep + "/z/planted.bin"), 1u)
      << s.Findings();
  EXPECT_EQ(s.EntriesSkipped("corrupt"), 0u) << s.images().dump();
  ExpectEntriesAccounted(s.summary);
}

TEST(ImageE2E, Ext4ImageCountsSymlinksAndSpecialFilesAsSkips) {
  REQUIRE_TOOLS("mkfs.ext4");
  Lab lab;
  lab.Put("tree/etc/planted.conf", lab.planted);
  lab.Put("tree/etc/clean.conf", "clean\n");
  fs::create_symlink("planted.conf", lab.Path("tree/etc/link.conf"));
  std::string img = lab.Path("ext4.img");
  ASSERT_TRUE(lab.Make({"mkfs.ext4", "-q", "-F", "-d", lab.Path("tree"), img, "8M"}));
  Scan s = lab.Run({"--image", img});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  std::string key = img + kSep + "volume" + kSep + "/etc/planted.conf";
  ASSERT_EQ(s.findings.count(key), 1u) << s.Findings();
  EXPECT_EQ(s.findings[key]["harrier"]["subject"]["chain"][1]["format"], "ext4");
  EXPECT_EQ(s.EntriesSkipped("symlink"), 1u) << s.images().dump();
  ExpectEntriesAccounted(s.summary);
}

// A package database in an image is read up to --max-package-db-size, not
// --max-file-size (what a walked file gets too: docs/checks.md).
TEST(ImageE2E, PackageDatabaseInAnImageHasItsOwnReadLimit) {
  REQUIRE_TOOLS("mkfs.ext4");
  Lab lab;
  std::string status;
  for (int i = 0; status.size() < (3u << 19); ++i)
    status += "Package: filler" + std::to_string(i) +
              "\nStatus: install ok installed\nVersion: 1\nDescription: " + std::string(200, 'x') +
              "\n\n";
  status += "Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: 5.6.1-1\n\n";
  lab.Put("tree/var/lib/dpkg/status", status);
  std::string img = lab.Path("ext4.img");
  ASSERT_TRUE(lab.Make({"mkfs.ext4", "-q", "-F", "-d", lab.Path("tree"), img, "8M"}));
  std::string key = img + kSep + "volume" + kSep + "/var/lib/dpkg/status";
  // The xz pack holds the dpkg advisory (the lab loads no built-in signatures).
  const std::string xz = SourceDir() + "/rules/packs/xz-cve-2024-3094";
  Scan s = lab.Run({"--signatures", xz, "--image", img, "--max-file-size", "1M"});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  ASSERT_EQ(s.findings.count(key), 1u) << s.Findings();
  Scan small = lab.Run({"--signatures", xz, "--image", img, "--max-file-size", "1M",
                        "--max-package-db-size", "1M"});
  EXPECT_EQ(small.findings.count(key), 0u) << small.Findings();
  EXPECT_EQ(small.EntriesSkipped("size"), 1u) << small.images().dump();
}

// The "done when": a planted indicator found with its C:\ path in
// an NTFS partition of an E01 image; also a named data stream, and the FAT
// partition beside it.
TEST(ImageE2E, NtfsWindowsVolumeInAGptDiskInAnE01Image) {
  REQUIRE_TOOLS("mkntfs", "ntfs_put", "mkfs.fat", "mcopy", "mmd", "sfdisk", "ewfacquire");
  Lab lab;
  std::string ntfs = lab.Ntfs("ntfs.img", 16,
                              {{"/Windows/System32/drivers/etc/hosts", "127.0.0.1 localhost\n"},
                               {"/Windows/Temp/evil_tool.exe", "MZ not really a tool\n"},
                               {"/Users/bob/readme.txt", "hello\n"},
                               {"/Users/bob/readme.txt:payload", lab.planted}});
  ASSERT_FALSE(ntfs.empty());
  std::string fat = lab.Fat("fat.img", 4096, {{"/data/planted.bin", lab.planted}});
  ASSERT_FALSE(fat.empty());
  std::string disk = GptDisk(lab, ntfs, fat);
  ASSERT_TRUE(lab.Make({"ewfacquire", "-u", "-q", "-t", lab.Path("disk"), "-f", "encase6", disk}));
  std::string e01 = lab.Path("disk.E01");
  ASSERT_TRUE(fs::exists(e01));

  Scan s = lab.Run({"--image", e01});
  EXPECT_EQ(s.run.exit_code, 1) << s.run.err;
  std::string tool = e01 + kSep + "partition 1" + kSep + "C:\\Windows\\Temp\\evil_tool.exe";
  ASSERT_EQ(s.findings.count(tool), 1u) << s.Findings();
  EXPECT_EQ(s.findings[tool]["file"]["path"], "C:\\Windows\\Temp\\evil_tool.exe");
  EXPECT_EQ(s.findings[tool]["harrier"]["reasons"][0]["type"], "filename");
  EXPECT_EQ(s.findings[tool]["harrier"]["subject"]["chain"][0]["format"], "ewf");
  EXPECT_EQ(s.findings[tool]["harrier"]["subject"]["chain"][1]["format"], "ntfs");
  EXPECT_EQ(s.findings[tool]["harrier"]["subject"]["drive"], "C:");
  std::string ads = e01 + kSep + "partition 1" + kSep + "C:\\Users\\bob\\readme.txt:payload";
  ASSERT_EQ(s.findings.count(ads), 1u) << s.Findings();
  EXPECT_TRUE(lab.IsPlantedHit(s.findings[ads]));
  std::string on_fat = e01 + kSep + "partition 2" + kSep + "/data/planted.bin";
  ASSERT_EQ(s.findings.count(on_fat), 1u) << s.Findings();
  EXPECT_EQ(s.findings.size(), 3u) << s.Findings();
  EXPECT_EQ(s.images()["volumes"], 2);
  EXPECT_EQ(s.images()["filesystems"], 2);
  ExpectEntriesAccounted(s.summary);

  // The same disk raw, only partition 2: partition 1 is counted, not read.
  Scan p2 = lab.Run({"--image", disk, "--partition", "2"});
  EXPECT_EQ(p2.findings.size(), 1u) << p2.Findings();
  EXPECT_EQ(p2.findings.count(disk + kSep + "partition 2" + kSep + "/data/planted.bin"), 1u)
      << p2.Findings();
  EXPECT_EQ(p2.VolumesSkipped("excluded"), 1u) << p2.images().dump();

  // The text report shows the drive form too.
  RunResult text = RunHarrier(
      {"scan", "--no-builtin", "--no-progress", "--signatures", lab.sig.path(), "--image", e01});
  EXPECT_NE(text.out.find("C:\\Windows\\Temp\\evil_tool.exe"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("Disk images: 1 opened"), std::string::npos) << text.out;
}

// A partition whose file system libtsk does not read (here: zeros, as an
// LVM or BitLocker volume would look to it) is counted, and the scan is
// incomplete; the partition beside it is still scanned.
TEST(ImageE2E, UnsupportedPartitionIsCountedAndMakesTheScanIncomplete) {
  REQUIRE_TOOLS("mkfs.fat", "mcopy", "mmd", "sfdisk");
  Lab lab;
  std::string fat = lab.Fat("fat.img", 4096, {{"/clean.txt", "clean\n"}});
  ASSERT_FALSE(fat.empty());
  std::string disk = lab.Path("disk.img");
  { std::ofstream(disk, std::ios::binary); }
  fs::resize_file(disk, 10ULL << 20);
  std::string script = lab.Put("sfdisk.txt",
                               "label: gpt\n"
                               "start=2048, size=8192, type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7\n"
                               "start=10240, size=8192, type=E6D6D379-F507-44C2-A23C-238F2A3DF928\n");
  RunOptions o;
  o.stdin_path = script;
  RunResult r = RunProgram({FindProgram("sfdisk"), "--quiet", disk}, o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  Place(disk, fat, 2048 * 512ULL);
  Scan s = lab.Run({"--image", disk});
  EXPECT_EQ(s.run.exit_code, 3) << s.run.err;
  EXPECT_EQ(s.images()["volumes"], 2);
  EXPECT_EQ(s.images()["filesystems"], 1);
  EXPECT_EQ(s.VolumesSkipped("unsupported"), 1u) << s.images().dump();
  EXPECT_EQ(s.images()["entries_scanned"], 1);
  EXPECT_EQ(s.summary["verdict"], "incomplete");
  EXPECT_NE(s.run.err.find("(not scanned: 1 unsupported)"), std::string::npos) << s.run.err;
}

TEST(ImageE2E, DeletedFileIsFoundOnlyWithDeleted) {
  REQUIRE_TOOLS("mkfs.fat", "mcopy", "mmd", "mdel");
  Lab lab;
  std::string img =
      lab.Fat("fat.img", 4096, {{"/gone/planted.bin", lab.planted}, {"/kept.txt", "kept\n"}});
  ASSERT_FALSE(img.empty());
  ASSERT_TRUE(lab.Mtools({"mdel", "-i", img, "::/gone/planted.bin"}));

  Scan plain = lab.Run({"--image", img});
  EXPECT_EQ(plain.run.exit_code, 0) << plain.Findings();
  EXPECT_TRUE(plain.findings.empty()) << plain.Findings();

  Scan del = lab.Run({"--image", img, "--deleted"});
  EXPECT_EQ(del.run.exit_code, 1) << del.Findings();
  ASSERT_EQ(del.findings.size(), 1u) << del.Findings();
  const Json& f = del.findings.begin()->second;
  EXPECT_TRUE(lab.IsPlantedHit(f)) << f.dump();
  EXPECT_EQ(f["harrier"]["subject"]["deleted"], true);
  EXPECT_GE(del.images()["deleted_scanned"].get<uint64_t>(), 1u);
  ExpectEntriesAccounted(del.summary);
}

TEST(ImageE2E, ArchiveInsideAnImageAndAnImageInsideAnArchive) {
  REQUIRE_TOOLS("mkfs.fat", "mcopy", "mmd", "zip");
  Lab lab;
  lab.Put("src/planted.bin", lab.planted);
  ASSERT_TRUE(lab.Make({"zip", "-q", "-j", lab.Path("in.zip"), lab.Path("src/planted.bin")}));
  std::string img =
      lab.Fat("fat.img", 4096,
              {{"/backup/in.zip", ReadAll(lab.Path("in.zip"))}, {"/planted.bin", lab.planted}});
  ASSERT_FALSE(img.empty());
  Scan s = lab.Run({"--image", img});
  std::string member = img + kSep + "volume" + kSep + "/backup/in.zip" + kSep + "planted.bin";
  EXPECT_EQ(s.findings.count(member), 1u) << s.Findings();

  fs::create_directory(lab.Path("outer"));
  ASSERT_TRUE(lab.Make({"zip", "-q", "-j", lab.Path("outer/images.zip"), img}));
  Scan z = lab.Run({lab.Path("outer")});
  std::string nested =
      lab.Path("outer/images.zip") + kSep + "fat.img" + kSep + "volume" + kSep + "/planted.bin";
  EXPECT_EQ(z.findings.count(nested), 1u) << z.Findings();
  EXPECT_EQ(z.findings.count(nested.substr(0, nested.size() - 12) + "/backup/in.zip" + kSep +
                             "planted.bin"),
            1u)
      << z.Findings();
  EXPECT_EQ(z.images()["opened"], 1) << z.summary.dump();
}

TEST(ImageE2E, TruncatedImageAndCorruptRecordEndAsCountedSkips) {
  REQUIRE_TOOLS("mkntfs", "ntfs_put");
  Lab lab;
  std::string big(6 << 20, 'x');
  for (size_t i = 0; i < big.size(); i += 4096) big[i] = static_cast<char>(i >> 12);
  std::string img = lab.Ntfs("ntfs.img", 16,
                             {{"/victim.txt", "record to be damaged\n"},
                              {"/big.bin", big},
                              {"/planted.bin", lab.planted}});
  ASSERT_FALSE(img.empty());

  // Damage the MFT record of victim.txt (found by its name in UTF-16 in its
  // $FILE_NAME attribute, in a record that starts with "FILE"): the update
  // sequence check bytes at the end of its first sector no longer match.
  // (libtsk ignores a damaged "FILE" signature itself.)
  std::string bytes = ReadAll(img);
  std::string name16;
  for (char c : std::string("victim.txt")) name16 += std::string{c, '\0'};
  size_t at = bytes.find(name16);
  size_t rec = std::string::npos;
  while (at != std::string::npos) {
    size_t r = at & ~size_t{1023};
    if (bytes.compare(r, 4, "FILE") == 0) {
      rec = r;
      break;
    }
    at = bytes.find(name16, at + 1);
  }
  ASSERT_NE(rec, std::string::npos) << "no MFT record names victim.txt";
  {
    std::fstream f(img, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(rec + 510));
    f.write("\xde\xad", 2);
  }
  Scan corrupt = lab.Run({"--image", img});
  EXPECT_EQ(corrupt.EntriesSkipped("corrupt"), 1u) << corrupt.images().dump() << corrupt.run.err;
  EXPECT_EQ(corrupt.findings.size(), 1u) << corrupt.Findings();  // planted.bin still found
  EXPECT_EQ(corrupt.summary["verdict"], "alert");
  ExpectEntriesAccounted(corrupt.summary);

  // Cut the image where big.bin's content lies: it cannot be read.
  std::string cut = lab.Path("cut.img");
  fs::copy_file(img, cut);
  size_t big_at = bytes.find(big.substr(4096, 64 << 10));
  ASSERT_NE(big_at, std::string::npos);
  fs::resize_file(cut, big_at + (1 << 20));
  Scan t = lab.Run({"--image", cut});
  EXPECT_GE(t.EntriesSkipped("corrupt"), 1u) << t.images().dump() << t.run.err;
  ExpectEntriesAccounted(t.summary);
  EXPECT_EQ(t.summary["incomplete"], true);
}

TEST(ImageE2E, WhatIsNoImageIsAnErrorAndTheScanIncomplete) {
  Lab lab;
  std::string junk = lab.Put("junk.bin", std::string(100000, '\x42'));
  Scan s = lab.Run({"--image", junk});
  EXPECT_EQ(s.run.exit_code, 3) << s.run.err;
  EXPECT_EQ(s.images()["failed"], 1) << s.summary.dump();
  EXPECT_EQ(s.summary["verdict"], "incomplete");
  RunResult missing = RunHarrier({"scan", "--no-builtin", "--image", lab.Path("nope.E01")});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
  EXPECT_NE(missing.err.find("--image"), std::string::npos) << missing.err;
}

}  // namespace
}  // namespace harrier::testing
