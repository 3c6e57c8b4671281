// The libmspack formats through the archive source, on files built at test
// time: an SZDD file (mscompress), a CHM (chmcmd from fp-utils), a KWAJ file
// written from its published header layout (no compression), and damage.
#include "sources/mspack_reader.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "sources/archive_source.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::RunProgram;
using testing::TempDir;

std::string ReadAll(const std::string& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

struct Seen {
  std::string path;
  std::string data;
  std::optional<SkipReason> skipped;
};

class Recorder final : public MemberSink {
 public:
  std::vector<Seen> seen;
  bool OnMember(Subject m, std::span<const uint8_t> d) override {
    seen.push_back({m.path, std::string(d.begin(), d.end()), std::nullopt});
    EXPECT_EQ(m.containers.size(), 1u);
    return true;
  }
  void OnMemberSkipped(Subject m, SkipReason why, std::string) override {
    seen.push_back({m.path, "", why});
  }
};

ExpandResult Expand(const std::string& bytes, const std::string& name, Recorder& rec,
                    ContainerLimits limits = {}) {
  auto fmt = DetectContainer(Bytes(bytes));
  EXPECT_TRUE(fmt.has_value()) << name;
  if (!fmt) return {};
  Subject c;
  c.path = "/t/" + name;
  c.name = name;
  ContainerBudget budget{1ULL << 30};
  std::atomic<bool> cancel{false};
  return ExpandContainer(c, Bytes(bytes), *fmt, limits, budget, rec, cancel);
}

TEST(MspackReader, SzddFromMscompressIsExpanded) {
  TempDir t;
  std::string payload = "MZ szdd payload " + std::string(5000, 'z');
  t.Write("setup.exe", payload);
  auto r = RunProgram({"/usr/bin/mscompress", t.path() + "/setup.exe"});
  ASSERT_EQ(r.exit_code, 0) << "mscompress (Debian package mscompress) failed: " << r.err;
  std::string szdd = ReadAll(t.path() + "/setup.exe_");
  ASSERT_FALSE(szdd.empty());
  Recorder rec;
  ExpandResult res = Expand(szdd, "setup.exe_", rec);
  EXPECT_EQ(res.format, "szdd");
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].path, "setup.exe");  // compress.exe's trailing '_' undone
  EXPECT_EQ(rec.seen[0].data, payload);
}

TEST(MspackReader, ChmFromChmcmdIsExpanded) {
  TempDir t;
  t.Write("index.html", "<html><body>planted chm page</body></html>");
  t.Write("p.hhp",
          "[OPTIONS]\nCompiled file=help.chm\nDefault topic=index.html\nTitle=T\n\n[FILES]\n"
          "index.html\n");
  testing::RunOptions opts;
  opts.cwd = t.path();
  auto r = RunProgram({"/usr/bin/chmcmd", "p.hhp"}, opts);
  ASSERT_EQ(r.exit_code, 0) << "chmcmd (Debian package fp-utils) failed: " << r.out << r.err;
  std::string chm = ReadAll(t.path() + "/help.chm");
  ASSERT_GT(chm.size(), 0x30u);
  // chmcmd 3.2.2 writes the header's second GUID as a copy of the first;
  // every CHM Windows writes has {7C01FD11-...} there, which libmspack checks.
  chm[0x28] = '\x11';
  Recorder rec;
  ExpandResult res = Expand(chm, "help.chm", rec);
  EXPECT_EQ(res.format, "chm");
  bool found = false;
  for (const auto& s : rec.seen)
    if (s.path == "index.html") found = s.data == "<html><body>planted chm page</body></html>";
  EXPECT_TRUE(found) << rec.seen.size() << " members";
  // Unpatched, libmspack refuses it: one counted corrupt skip, no member.
  chm[0x28] = '\x10';
  Recorder bad;
  Expand(chm, "help.chm", bad);
  ASSERT_EQ(bad.seen.size(), 1u);
  EXPECT_EQ(bad.seen[0].skipped, SkipReason::kCorrupt);
}

// KWAJ header: magic, compression type (0 = stored), data offset, header
// flags (none); the data follows.
std::string KwajStored(const std::string& data) {
  return std::string("KWAJ\x88\xf0\x27\xd1\x00\x00\x0e\x00\x00\x00", 14) + data;
}

TEST(MspackReader, KwajStoredIsExpanded) {
  Recorder rec;
  ExpandResult res = Expand(KwajStored("kwaj content"), "x.dl_", rec);
  EXPECT_EQ(res.format, "kwaj");
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].data, "kwaj content");
}

TEST(MspackReader, LimitsAndDamageAreCountedSkips) {
  ContainerLimits small;
  small.max_member_bytes = 4;
  Recorder rec;
  Expand(KwajStored("longer than four"), "x.dl_", rec, small);
  ASSERT_EQ(rec.seen.size(), 1u);
  EXPECT_EQ(rec.seen[0].skipped, SkipReason::kSize);

  Recorder trunc;
  Expand(std::string("SZDD\x88\xf0\x27\x33", 8), "cut.ex_", trunc);
  ASSERT_EQ(trunc.seen.size(), 1u);
  EXPECT_EQ(trunc.seen[0].skipped, SkipReason::kCorrupt);
  MspackFormat f;
  EXPECT_FALSE(DetectMspack(Bytes("ITSX...."), &f));
}

}  // namespace
}  // namespace harrier
