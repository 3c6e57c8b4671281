#include "platform/host.h"

#include <gtest/gtest.h>

#include "platform/fs.h"

namespace harrier::platform {
namespace {

TEST(ParseOsRelease, ReadsQuotedAndBareValuesAndIgnoresTheRest) {
  OsRelease r = ParseOsRelease(
      "# comment\n"
      "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"
      "NAME='Debian GNU/Linux'\n"
      "VERSION_ID=\"12\"\r\n"
      "ID=debian\n"
      "garbage line\n"
      "=novalue\n"
      "ID_LIKE=\"a \\\"b\\\"\"\n");
  EXPECT_EQ(r.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  EXPECT_EQ(r.name, "Debian GNU/Linux");
  EXPECT_EQ(r.version, "12");
  EXPECT_EQ(r.id, "debian");
  EXPECT_EQ(r.id_like, "a \"b\"");
}

TEST(ParseOsRelease, CapsHostileValues) {
  OsRelease r = ParseOsRelease("NAME=" + std::string(100000, 'x'));
  EXPECT_EQ(r.name.size(), 256u);
}

TEST(LocalHostFacts, DescribesThisMachine) {
  HostFacts h = LocalHostFacts();
  EXPECT_EQ(h.hostname, HostName());
  EXPECT_EQ(h.os_type, "linux");
  EXPECT_FALSE(h.kernel.empty());
  EXPECT_FALSE(h.architecture.empty());
  EXPECT_EQ(h.pid, ProcessId());
  EXPECT_FALSE(h.executable.empty());
  for (const auto& ip : h.ips) EXPECT_NE(ip, "127.0.0.1");
}

TEST(NewScanId, Is32HexDigitsAndDiffersEachTime) {
  std::string a = NewScanId(), b = NewScanId();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace harrier::platform
