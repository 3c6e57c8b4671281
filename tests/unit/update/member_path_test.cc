// Member-name confinement (src/update/member_path.h).
#include "update/member_path.h"

#include <gtest/gtest.h>

namespace harrier {
namespace {

std::string Ok(std::string_view name) {
  auto r = ConfineMemberPath(name);
  EXPECT_TRUE(r.ok()) << name << ": " << r.status().ToString();
  return r.ok() ? *r : "";
}

std::string Refused(std::string_view name) {
  auto r = ConfineMemberPath(name);
  EXPECT_FALSE(r.ok()) << name << " was accepted as " << (r.ok() ? *r : "");
  return r.ok() ? "" : r.status().message();
}

TEST(ConfineMemberPath, NormalisesOrdinaryNames) {
  EXPECT_EQ(Ok("signature-base-master/yara/apt.yar"), "signature-base-master/yara/apt.yar");
  EXPECT_EQ(Ok("./yara//x.yar"), "yara/x.yar");
  EXPECT_EQ(Ok("iocs/"), "iocs");  // a folder member
  EXPECT_EQ(Ok("a/./b"), "a/b");
  EXPECT_EQ(Ok("..foo/bar.."), "..foo/bar..");  // dots inside a name are a name
}

TEST(ConfineMemberPath, RefusesEveryWayOut) {
  EXPECT_NE(Refused("../x").find("'..' leaves the folder"), std::string::npos);
  Refused("a/../../x");
  Refused("a/..");
  Refused("yara/../../../etc/cron.d/x");
  EXPECT_NE(Refused("/etc/passwd").find("absolute"), std::string::npos);
  Refused("//x");
  Refused("C:/Windows/x");
  Refused("c:x");
  // Found by the update fuzz target: "./C:x" normalised to "C:x", which a
  // second call refused (the drive letter was checked before normalising).
  EXPECT_NE(Refused("./C:x").find("drive letter"), std::string::npos);
  Refused(".//c:/x");
  EXPECT_EQ(Ok("a/C:x"), "a/C:x");  // a colon further in is a name on Linux
  EXPECT_NE(Refused("..\\x").find("backslash"), std::string::npos);
  Refused(std::string("a\0b", 3));
  Refused("a\nb");
  Refused("");
  Refused("./");
  Refused(".");
}

TEST(ConfineMemberPath, RefusesNamesBeyondTheLimits) {
  Refused(std::string(kMaxMemberPathBytes + 1, 'a'));
  Refused(std::string(kMaxMemberComponentBytes + 1, 'a'));
  std::string deep;
  for (size_t i = 0; i <= kMaxMemberPathDepth; ++i) deep += "d/";
  Refused(deep);
  std::string ok;
  for (size_t i = 0; i < kMaxMemberPathDepth; ++i) ok += "d/";
  Ok(ok);
}

}  // namespace
}  // namespace harrier
