#include "core/units.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

TEST(ParseSize, PlainAndUnits) {
  EXPECT_EQ(*ParseSize("0"), 0u);
  EXPECT_EQ(*ParseSize("123"), 123u);
  EXPECT_EQ(*ParseSize("17b"), 17u);
  EXPECT_EQ(*ParseSize("64K"), 64u << 10);
  EXPECT_EQ(*ParseSize("32M"), 32u << 20);
  EXPECT_EQ(*ParseSize("32MiB"), 32u << 20);
  EXPECT_EQ(*ParseSize("32mb"), 32u << 20);
  EXPECT_EQ(*ParseSize("1G"), 1ull << 30);
  EXPECT_EQ(*ParseSize("2GB"), 2ull << 30);
  EXPECT_EQ(*ParseSize("3t"), 3ull << 40);
  EXPECT_EQ(*ParseSize("10G "), 10ull << 30);
}

TEST(ParseSize, Rejects) {
  for (const char* bad : {"", "M", "-1", "1.5G", "12X", "1 G", "0x10", "1GG"}) {
    auto r = ParseSize(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

TEST(ParseSize, Overflow) {
  EXPECT_FALSE(ParseSize("18446744073709551616").ok());  // 2^64
  EXPECT_EQ(*ParseSize("18446744073709551615"), UINT64_MAX);
  EXPECT_FALSE(ParseSize("16777216T").ok());  // 2^24 * 2^40
  EXPECT_TRUE(ParseSize("16777215T").ok());
}

TEST(FormatBytes, Units) {
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(320 * 1024), "320.0 KiB");
  EXPECT_EQ(FormatBytes(1536ull << 20), "1.5 GiB");
}

TEST(Hex, EncodeAndDecode) {
  EXPECT_EQ(HexEncode("\x01\xab"), "01ab");
  EXPECT_EQ(HexEncode(std::string("\x00\xff", 2)), "00ff");
  EXPECT_EQ(*HexDecode("01aB"), "\x01\xab");
  EXPECT_EQ(*HexDecode(""), "");
  EXPECT_FALSE(HexDecode("abc").has_value());
  EXPECT_FALSE(HexDecode("0g").has_value());
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(*HexDecode(HexEncode(all)), all);
}

}  // namespace
}  // namespace harrier
