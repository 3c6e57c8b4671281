// Property lists: the XML reader and the binary (bplist00) reader, on
// binary plists written by Python's plistlib (a writer we did not write),
// and on damaged ones.
#include "checks/plist.h"

#include <gtest/gtest.h>

#include "testutil/bplist_fixtures.h"

#include <string>
#include <vector>

namespace harrier::plist {
namespace {

using testing::bplist::Affected;
using testing::bplist::Utf16;

TEST(BinaryPlist, ReadsTheTopLevelStringsInOrder) {
  auto kv = TopLevelStrings(Affected());
  ASSERT_TRUE(kv.ok()) << kv.status().ToString();
  EXPECT_EQ(Find(*kv, "CFBundleIdentifier"), "com.electron.3cx-desktop-app");
  EXPECT_EQ(Find(*kv, "CFBundleShortVersionString"), "18.12.416");
  EXPECT_EQ(Find(*kv, "CFBundleVersion"), "18.12.416");
  EXPECT_EQ(Find(*kv, "CFBundleIconFile"), "electron.icns");
  // Non-string values (a bool, a nested dict) and the nested dict's keys are not returned.
  EXPECT_EQ(Find(*kv, "NSHighResolutionCapable"), std::nullopt);
  EXPECT_EQ(Find(*kv, "LSEnvironment"), std::nullopt);
  EXPECT_EQ(Find(*kv, "MallocNanoZone"), std::nullopt);
  ASSERT_EQ(kv->size(), 9u);
  EXPECT_EQ(kv->front().first, "CFBundleDisplayName");
}

TEST(BinaryPlist, Utf16StringsBecomeUtf8) {
  auto kv = TopLevelStrings(Utf16());
  ASSERT_TRUE(kv.ok()) << kv.status().ToString();
  EXPECT_EQ(Find(*kv, "CFBundleDisplayName"), "3CX Desktop \xc3\x84pp \xe2\x98\x8e");
  EXPECT_EQ(Find(*kv, "CFBundleShortVersionString"), "18.12.422");
}

TEST(BinaryPlist, DamagedFilesAreErrorsNeverReadsOutside) {
  const auto& good = Affected();
  // Every truncation, and every single byte of the trailer and the offset
  // table set to 0x00 and 0xff: an error or a result, never a read outside
  // the buffer (ASan and the fuzz target `plist` check the same).
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + static_cast<long>(n));
    (void)TopLevelStrings(cut);
  }
  EXPECT_FALSE(TopLevelStrings(std::vector<uint8_t>(good.begin(), good.end() - 1)).ok());
  for (size_t i = 0x170; i < good.size(); ++i) {  // offset table and trailer
    for (uint8_t v : {uint8_t{0x00}, uint8_t{0xff}}) {
      auto bad = good;
      bad[i] = v;
      auto r = TopLevelStrings(bad);
      if (r.ok()) EXPECT_LE(r->size(), 11u);  // the dict has 11 pairs
    }
  }
  // Top object not a dict: the first object made an ASCII string.
  auto notdict = good;
  notdict[8] = 0x51;
  EXPECT_FALSE(TopLevelStrings(notdict).ok());
}

TEST(BinaryPlist, RepeatedReferencesCannotMultiplyTheText) {
  // A dict of 0x7f00 pairs whose every key and value is object 1, a string
  // of 1,000 bytes: 64 MB of text from a 66 KB file unless bounded.
  std::vector<uint8_t> f = {'b', 'p', 'l', 'i', 's', 't', '0', '0'};
  const uint64_t pairs = 0x7f00;
  f.push_back(0xDF);
  f.push_back(0x11);  // int object, 2 bytes
  f.push_back(static_cast<uint8_t>(pairs >> 8));
  f.push_back(static_cast<uint8_t>(pairs & 0xff));
  for (uint64_t i = 0; i < 2 * pairs; ++i) f.push_back(1);  // 1-byte references
  const size_t str = f.size();
  f.push_back(0x5F);
  f.push_back(0x11);
  f.push_back(0x03);
  f.push_back(0xE8);  // 1,000
  f.insert(f.end(), 1000, 'x');
  const size_t table = f.size();
  for (size_t off : {size_t{8}, str}) {  // 4-byte offsets
    for (int s = 24; s >= 0; s -= 8) f.push_back(static_cast<uint8_t>(off >> s));
  }
  std::vector<uint8_t> trailer(32, 0);
  trailer[6] = 4;   // offset size
  trailer[7] = 1;   // reference size
  trailer[15] = 2;  // objects
  trailer[23] = 0;  // top object
  for (int i = 0; i < 8; ++i) trailer[24 + i] = static_cast<uint8_t>(uint64_t{table} >> (56 - 8 * i));
  f.insert(f.end(), trailer.begin(), trailer.end());
  auto r = TopLevelStrings(f);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("more text than the file holds"), std::string::npos)
      << r.status().ToString();
}

TEST(XmlPlist, StillReadAndNeitherFormatIsAnError) {
  const std::string xml =
      "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>CFBundleVersion</key>"
      "<string>1&amp;2</string></dict></plist>";
  auto kv = TopLevelStrings({reinterpret_cast<const uint8_t*>(xml.data()), xml.size()});
  ASSERT_TRUE(kv.ok());
  EXPECT_EQ(Find(*kv, "CFBundleVersion"), "1&2");
  const std::string other = "not a plist";
  EXPECT_FALSE(
      TopLevelStrings({reinterpret_cast<const uint8_t*>(other.data()), other.size()}).ok());
}

}  // namespace
}  // namespace harrier::plist
