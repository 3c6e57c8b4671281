// ForEachOleStream: every input is built at test time — with libgsf's own
// writer (GsfOutfileMSOle), with msitools' wixl (a real MSI), or byte by
// byte for the malformed structures a writer would never produce.
#include "sources/ole_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include <thread>

#include "testutil/ole_synth.h"
#include "testutil/testutil.h"

namespace harrier {
namespace {

using testing::ole_synth::BuildOle;
using testing::ole_synth::BuildRawCfb;
using testing::ole_synth::Bytes;
using testing::ole_synth::MsiEncode;
using testing::ole_synth::Ole10Native;
using testing::ole_synth::RawEntry;
using testing::ole_synth::SiblingChain;

Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
std::string ToString(const std::vector<uint8_t>& b) { return std::string(b.begin(), b.end()); }

struct Visited {
  std::map<std::string, std::string> streams;  // path -> content
  std::vector<std::string> order;
  std::map<std::string, bool> embedded;
};

Result<OleResult> Visit(const Bytes& f, Visited& v, const OleLimits& limits = {}) {
  return ForEachOleStream(f, limits, [&](OleStream&& s) {
    v.order.push_back(s.path);
    v.embedded[s.path] = s.embedded_file;
    v.streams[s.path] = ToString(s.data);
    return true;
  });
}

bool HasSkip(const OleResult& r, const std::string& path, const std::string& reason) {
  for (const auto& s : r.skipped)
    if (s.path == path && s.reason == reason) return true;
  return false;
}

// ---------------------------------------------------------------------------

TEST(OleReader, IsOleFile) {
  EXPECT_TRUE(IsOleFile(BuildOle({{"a", "x"}})));
  EXPECT_FALSE(IsOleFile(ToBytes("MZ\x90")));
  EXPECT_FALSE(IsOleFile(ToBytes("\xD0\xCF\x11\xE0\xA1\xB1\x1A")));  // 7 of 8 bytes
  EXPECT_FALSE(IsOleFile({}));
}

TEST(OleReader, NotOleIsCorrupt) {
  Visited v;
  auto r = Visit(ToBytes("PK\x03\x04 not an OLE file"), v);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kCorrupt);
}

TEST(OleReader, DecodesMsiNames) {
  EXPECT_EQ(DecodeOleName(MsiEncode("_StringPool", true), true), "!_StringPool");
  EXPECT_EQ(DecodeOleName(MsiEncode("Binary.bannrbmp", false), true), "Binary.bannrbmp");
  EXPECT_EQ(DecodeOleName(MsiEncode("product.cab", false), true), "product.cab");
  EXPECT_EQ(DecodeOleName(MsiEncode("_Tables", true), true), "!_Tables");
  // An odd length ends in a single-character code point (U+4800..U+483F).
  EXPECT_EQ(DecodeOleName(MsiEncode("abc", false), true), "abc");
  // Every alphabet pair round-trips.
  const std::string alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._";
  for (char a : alphabet)
    for (char b : alphabet) {
      std::string n{a, b};
      ASSERT_EQ(DecodeOleName(MsiEncode(n, false), true), n);
    }
  // Outside MSI files the same code points are CJK text and stay as they are.
  const std::string cjk = MsiEncode("ab", false);
  EXPECT_EQ(DecodeOleName(cjk, false), cjk);
}

TEST(OleReader, EscapesUnprintableNames) {
  EXPECT_EQ(DecodeOleName("\x01Ole10Native", false), "\\x01Ole10Native");
  EXPECT_EQ(DecodeOleName("\x05SummaryInformation", true), "\\x05SummaryInformation");
  EXPECT_EQ(DecodeOleName("a/b\\c\x7f", false), "a\\x2Fb\\x5Cc\\x7F");
  EXPECT_EQ(DecodeOleName("caf\xC3\xA9", false), "caf\xC3\xA9");       // UTF-8 kept
  EXPECT_EQ(DecodeOleName("x\xFF\xC3", false), "x\\xFF\\xC3");         // not UTF-8
  EXPECT_EQ(DecodeOleName("\xED\xA0\x80", false), "\\xED\\xA0\\x80");  // a surrogate
  EXPECT_EQ(DecodeOleName("", false), "\\?");
}

TEST(OleReader, NestedStoragesAndMarker) {
  const std::string marker = "HARRIER-OLE-MARKER-5b1c";
  Bytes f = BuildOle({{"WordDocument", std::string(5000, 'w')},
                      {"\x05SummaryInformation", "summary"},
                      {"ObjectPool/_1/Inner/deep", "x"},
                      {"ObjectPool/_1/Inner/marker", marker},
                      {"ObjectPool/_1/CompObj", std::string(100, 'c')}});
  Visited v;
  auto r = Visit(f, v);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->streams, 5u);
  EXPECT_TRUE(r->skipped.empty());
  EXPECT_EQ(v.streams["ObjectPool/_1/Inner/marker"], marker);
  EXPECT_EQ(v.streams["ObjectPool/_1/Inner/deep"], "x");
  EXPECT_EQ(v.streams["WordDocument"], std::string(5000, 'w'));          // big-block stream
  EXPECT_EQ(v.streams["ObjectPool/_1/CompObj"], std::string(100, 'c'));  // small-block
  EXPECT_EQ(v.streams["\\x05SummaryInformation"], "summary");
  EXPECT_FALSE(v.embedded["ObjectPool/_1/Inner/marker"]);
}

TEST(OleReader, MsiNamesDecodedByClsid) {
  const uint8_t msi_clsid[16] = {0x84, 0x10, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                                 0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46};
  const std::vector<std::pair<std::string, std::string>> streams = {
      {MsiEncode("Binary.bannrbmp", false), "BM"},
      {MsiEncode("_StringPool", true), "pool"},
      {"\x05SummaryInformation", "s"}};
  Visited v;
  auto r = Visit(BuildOle(streams, msi_clsid), v);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(v.streams["Binary.bannrbmp"], "BM");
  EXPECT_EQ(v.streams["!_StringPool"], "pool");
  EXPECT_EQ(v.streams["\\x05SummaryInformation"], "s");
  // Without the MSI class id, a table-prefixed root entry still marks an MSI.
  Visited w;
  ASSERT_TRUE(Visit(BuildOle(streams), w).ok());
  EXPECT_EQ(w.streams.count("Binary.bannrbmp"), 1u);
  // Neither: names stay as libgsf gave them.
  Visited x;
  ASSERT_TRUE(Visit(BuildOle({{MsiEncode("Binary.bannrbmp", false), "BM"}}), x).ok());
  EXPECT_EQ(x.streams.count(MsiEncode("Binary.bannrbmp", false)), 1u);
}

// A real MSI from msitools' wixl: the cabinet holding the packed file is a
// stream with an MSI-encoded name.
TEST(OleReader, WixlMsiCabinetStream) {
  const std::string wixl = "/usr/bin/wixl";
  ASSERT_EQ(access(wixl.c_str(), X_OK), 0)
      << wixl << " is not installed: run scripts/install-deps.sh (Debian package wixl)";
  testing::TempDir t;
  t.Write("payload.txt", "HARRIER-MSI-PAYLOAD-7f3a\n");  // Source= is relative to the .wxs
  const std::string wxs = t.Write("t.wxs", R"(<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
  <Product Id="*" Name="HarrierTest" Language="1033" Version="1.0.0" Manufacturer="Harrier"
           UpgradeCode="8E2A5C1D-0F4B-4C3A-9D7E-1A2B3C4D5E6F">
    <Package InstallerVersion="200" Compressed="yes"/>
    <Media Id="1" Cabinet="product.cab" EmbedCab="yes"/>
    <Directory Id="TARGETDIR" Name="SourceDir">
      <Directory Id="ProgramFilesFolder">
        <Directory Id="INSTALLDIR" Name="HarrierTest">
          <Component Id="Main" Guid="3F1E2D4C-5B6A-4798-8A9B-0C1D2E3F4A5B">
            <File Id="payload" Name="payload.txt" Source="payload.txt"/>
          </Component>
        </Directory>
      </Directory>
    </Directory>
    <Feature Id="Complete" Level="1"><ComponentRef Id="Main"/></Feature>
  </Product>
</Wix>
)");
  const std::string msi = t.path() + "/t.msi";
  auto run = testing::RunProgram({wixl, "-o", msi, wxs});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::ifstream in(msi, std::ios::binary);
  Bytes f((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_TRUE(IsOleFile(f));
  Visited v;
  auto r = Visit(f, v);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->skipped.empty());
  ASSERT_EQ(v.streams.count("product.cab"), 1u) << "streams: " << ::testing::PrintToString(v.order);
  EXPECT_EQ(v.streams["product.cab"].substr(0, 4), "MSCF");
  EXPECT_EQ(v.streams.count("!_StringPool"), 1u);
  EXPECT_EQ(v.streams.count("!_StringData"), 1u);
  EXPECT_EQ(v.streams.count("!File"), 1u);
  EXPECT_EQ(v.streams.count("\\x05SummaryInformation"), 1u);
  EXPECT_NE(v.streams["!_StringData"].find("payload.txt"), std::string::npos);
  for (const auto& p : v.order)
    for (char c : p) ASSERT_TRUE(c >= 0x20 && c < 0x7F) << "unprintable path " << p;
}

TEST(OleReader, Ole10NativeEmbeddedFile) {
  const std::string payload = "LNK-PAYLOAD-91ae";
  Bytes f = BuildOle({{"ObjectPool/_1573545115/\x01Ole10Native",
                       Ole10Native("calc.lnk", payload, static_cast<uint32_t>(payload.size()))},
                      {"ObjectPool/_1573545115/ObjInfo", "info"}});
  Visited v;
  auto r = Visit(f, v);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const std::string native = "ObjectPool/_1573545115/\\x01Ole10Native";
  const std::string embedded = native + "/calc.lnk";
  ASSERT_EQ(v.streams.count(embedded), 1u) << ::testing::PrintToString(v.order);
  EXPECT_EQ(v.streams[embedded], payload);
  EXPECT_TRUE(v.embedded[embedded]);
  EXPECT_FALSE(v.embedded[native]);
  EXPECT_EQ(r->streams, 3u);  // ObjInfo, the native stream, the embedded file
  // The embedded file follows its stream.
  auto at = [&](const std::string& p) { return std::find(v.order.begin(), v.order.end(), p); };
  EXPECT_EQ(at(native) + 1, at(embedded));
}

TEST(OleReader, Ole10NativeLyingSizesStayInBounds) {
  const std::string payload = "PAYLOAD";
  // A data size far beyond the stream: the available bytes are the file.
  {
    Visited v;
    auto r = Visit(BuildOle({{"\x01Ole10Native", Ole10Native("a.exe", payload, 0xFFFFFFF0)}}), v);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(v.streams["\\x01Ole10Native/a.exe"], payload);
  }
  // Every truncation of the stream: no embedded file or a prefix of the
  // payload, never bytes from outside the stream.
  const std::string full = Ole10Native("a.exe", payload, static_cast<uint32_t>(payload.size()));
  for (size_t n = 0; n <= full.size(); ++n) {
    Visited v;
    auto r = Visit(BuildOle({{"\x01Ole10Native", full.substr(0, n)}}), v);
    ASSERT_TRUE(r.ok());
    auto it = v.streams.find("\\x01Ole10Native/a.exe");
    if (it != v.streams.end()) {
      EXPECT_EQ(payload.substr(0, it->second.size()), it->second);
    }
  }
  // A temp path length beyond the stream: no embedded file.
  std::string bad = full;
  const size_t len_at = 4 + 2 + 6 + 1 + std::string("C:\\Users\\u\\Desktop\\a.exe").size() + 1 + 4;
  bad[len_at] = '\xFF', bad[len_at + 1] = '\xFF';
  Visited v;
  ASSERT_TRUE(Visit(BuildOle({{"\x01Ole10Native", bad}}), v).ok());
  EXPECT_EQ(v.streams.size(), 1u);
}

TEST(OleReader, TruncatedInputIsAnError) {
  Bytes f = BuildOle(
      {{"A/one", std::string(3000, '1')}, {"A/two", std::string(9000, '2')}, {"three", "3"}});
  for (size_t n : {size_t{0}, size_t{8}, size_t{100}, size_t{511}, size_t{512}, size_t{1024}}) {
    Bytes cut(f.begin(), f.begin() + std::min(n, f.size()));
    Visited v;
    auto r = Visit(cut, v);
    ASSERT_FALSE(r.ok()) << "cut at " << n;
    EXPECT_EQ(r.status().code(), Status::Code::kCorrupt) << r.status().ToString();
  }
  // Every other cut: an error, or streams that are skipped / read in part;
  // never a crash (ASan builds check the reads).
  for (size_t n = 0; n < f.size(); n += 97) {
    Bytes cut(f.begin(), f.begin() + n);
    Visited v;
    (void)Visit(cut, v);
  }
}

TEST(OleReader, HeaderRulesLibgsfDoesNotEnforce) {
  Bytes ok = SiblingChain(3);
  Visited v;
  ASSERT_TRUE(Visit(ok, v).ok());
  EXPECT_EQ(v.streams.size(), 3u);
  auto with = [&](size_t off, uint16_t val) {
    Bytes b = ok;
    b[off] = val & 0xFF, b[off + 1] = val >> 8;
    Visited w;
    return Visit(b, w);
  };
  EXPECT_EQ(with(0x1E, 10).status().code(), Status::Code::kCorrupt);  // 1 KiB sectors
  EXPECT_EQ(with(0x20, 7).status().code(), Status::Code::kCorrupt);   // mini sector 128
  EXPECT_EQ(with(0x1C, 0xFEFF).status().code(), Status::Code::kCorrupt);
  EXPECT_EQ(with(0x39, 0xFFFF).status().code(), Status::Code::kCorrupt);  // cutoff
  EXPECT_EQ(with(0x2C, 5000).status().code(), Status::Code::kCorrupt);    // FAT > file
}

TEST(OleReader, StreamOverMaxStreamBytesIsSkipped) {
  Bytes f = BuildOle({{"big", std::string(10000, 'b')}, {"small", "s"}});
  OleLimits limits;
  limits.max_stream_bytes = 4096;
  Visited v;
  auto r = Visit(f, v, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(v.streams.count("big"), 0u);
  EXPECT_EQ(v.streams["small"], "s");
  EXPECT_TRUE(HasSkip(*r, "big", "size"));
  EXPECT_EQ(r->streams, 1u);
}

TEST(OleReader, MaxStreamsStopsAndCounts) {
  std::vector<std::pair<std::string, std::string>> s;
  for (int i = 0; i < 20; ++i) s.push_back({"S/s" + std::to_string(100 + i), "x"});
  OleLimits limits;
  limits.max_streams = 5;
  Visited v;
  auto r = Visit(BuildOle(s), v, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->streams, 5u);
  EXPECT_EQ(v.streams.size(), 5u);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].reason, "limit");
}

TEST(OleReader, MaxTotalBytesStops) {
  Bytes f = BuildOle({{"a", std::string(6000, 'a')}, {"b", std::string(6000, 'b')}});
  OleLimits limits;
  limits.max_total_bytes = 8000;
  Visited v;
  auto r = Visit(f, v, limits);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->streams, 1u);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].reason, "total");
}

TEST(OleReader, VisitorStopsEarly) {
  Bytes f = BuildOle({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  int calls = 0;
  auto r = ForEachOleStream(f, {}, [&](OleStream&&) { return ++calls < 2; });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(r->streams, 2u);
}

TEST(OleReader, DeepNestingStopsAtMaxDepth) {
  std::string path;
  for (int i = 0; i < 40; ++i) path += "d" + std::to_string(i) + "/";
  Bytes f = BuildOle({{path + "marker", "deep"}, {"top", "t"}});
  Visited v;
  auto r = Visit(f, v);  // max_depth 32
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(v.streams.size(), 1u);
  ASSERT_EQ(r->skipped.size(), 1u);
  EXPECT_EQ(r->skipped[0].reason, "depth");
  EXPECT_EQ(std::count(r->skipped[0].path.begin(), r->skipped[0].path.end(), '/'), 32);
  OleLimits deeper;
  deeper.max_depth = 64;
  Visited w;
  ASSERT_TRUE(Visit(f, w, deeper).ok());
  EXPECT_EQ(w.streams[path + "marker"], "deep");
}

// libgsf parses the directory tree recursively: a sibling list longer than
// kMaxOleDirectoryDepth is refused before libgsf sees it; one just under it
// is read (and does not exhaust this thread's stack).
TEST(OleReader, DirectoryTreeDepthBound) {
  Visited v;
  auto ok = Visit(SiblingChain(kMaxOleDirectoryDepth - 10), v);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->streams, kMaxOleDirectoryDepth - 10);
  Visited w;
  auto deep = Visit(SiblingChain(kMaxOleDirectoryDepth + 10), w);
  ASSERT_FALSE(deep.ok());
  EXPECT_EQ(deep.status().code(), Status::Code::kCorrupt);
  EXPECT_NE(deep.status().message().find("too deep"), std::string::npos);
}

// Regression (ole fuzzer): libgsf 1.14.50 leaks the root entry's siblings;
// MS-CFB forbids them, so such a file is refused before libgsf parses it.
TEST(OleReader, RootWithSiblingsIsCorrupt) {
  std::vector<RawEntry> e(3);
  e[0] = {u"Root Entry", 5, 0xFFFFFFFF, 2, 1};
  e[1] = {u"a", 2};
  e[2] = {u"stray", 2};
  Visited v;
  auto r = Visit(BuildRawCfb(e), v);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("root entry has siblings"), std::string::npos);
}

// Three storages of 6,000 chained streams each: every chain is within the
// depth bound, but 18,004 entries are more than libgsf can sort quickly.
TEST(OleReader, DirectoryEntryBound) {
  const uint32_t per = 6000;
  std::vector<RawEntry> e;
  e.push_back({u"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1});
  for (uint32_t k = 0; k < 3; ++k)
    e.push_back({u"S" + std::u16string(1, u'0' + k), 1, 0xFFFFFFFF, k < 2 ? k + 2 : 0xFFFFFFFF,
                 4 + k * per});
  for (uint32_t k = 0; k < 3; ++k)
    for (uint32_t i = 0; i < per; ++i) {
      const uint32_t idx = 4 + k * per + i;
      e.push_back({u"s" + std::u16string(1, u'a' + i % 26), 2, 0xFFFFFFFF,
                   i + 1 < per ? idx + 1 : 0xFFFFFFFF});
    }
  Visited v;
  auto r = Visit(BuildRawCfb(e), v);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("too many directory entries"), std::string::npos)
      << r.status().ToString();
}

// libgsf's g_warning / g_critical about a malformed file do not reach stderr.
TEST(OleReader, LibgsfWarningsAreNotPrinted) {
  std::vector<RawEntry> e(3);
  e[0] = {u"Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1};
  e[1] = {u"good", 2, 0xFFFFFFFF, 2, 0xFFFFFFFF};
  e[2] = {u"bad", 7};  // unknown type: libgsf warns and drops it
  e[1].child = 2;      // a stream with children: another warning
  Bytes f = BuildRawCfb(e);
  ::testing::internal::CaptureStderr();
  Visited v;
  auto r = Visit(f, v);
  const std::string err = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(v.streams.count("good"), 1u);
  EXPECT_EQ(err, "");
}

TEST(OleReader, ConcurrentCallsFromTwoThreads) {
  std::vector<std::pair<std::string, std::string>> s;
  for (int i = 0; i < 50; ++i)
    s.push_back({"S" + std::to_string(i % 5) + "/s" + std::to_string(i),
                 std::string(i * 200, 'a' + i % 26)});
  s.push_back({"\x01Ole10Native", Ole10Native("x.exe", "EMBEDDED", 8)});
  const Bytes f = BuildOle(s);
  const Bytes bad = SiblingChain(kMaxOleDirectoryDepth + 1);
  Visited reference;
  ASSERT_TRUE(Visit(f, reference).ok());
  std::atomic<int> mismatches{0};
  auto worker = [&] {
    for (int round = 0; round < 40; ++round) {
      Visited v;
      auto r = Visit(f, v);
      if (!r.ok() || v.streams != reference.streams || v.order != reference.order) ++mismatches;
      Visited w;
      if (Visit(bad, w).ok()) ++mismatches;
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  EXPECT_EQ(mismatches.load(), 0);
  EXPECT_EQ(reference.streams.size(), 52u);
}

}  // namespace
}  // namespace harrier
