// The Linux supply-chain pack: a folder holding var/lib/dpkg/status (a Linux
// root: a mounted image or a copied system) is read whatever the default
// selection says, and an installed compromised xz-utils build is an Alert.
#include <gtest/gtest.h>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

std::string Status(const std::string& lzma_version) {
  return "Package: bash\nStatus: install ok installed\nVersion: 5.2.21-2\nArchitecture: amd64\n\n"
         "Package: liblzma5\nStatus: install ok installed\nSource: xz-utils\nVersion: " +
         lzma_version + "\nArchitecture: amd64\n\n";
}

TEST(DpkgE2E, CompromisedXzInALinuxRootAlertsAndTheFixedOneIsQuiet) {
  TempDir t;
  const std::string bad = t.Write("images/sid/var/lib/dpkg/status", Status("5.6.1-1"));
  const std::string fixed = t.Write("images/fixed/var/lib/dpkg/status", Status("5.6.1+really5.4.5-1"));
  const std::string old = t.Write("images/sid/var/lib/dpkg/status-old", Status("5.6.0-0.2"));
  auto r = RunHarrier({"scan", "--no-progress", "--jsonl", "-", t.path()}, 300);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.findings.count(bad), 1u) << r.out;
  EXPECT_EQ(j.findings.at(bad)["harrier"]["level"], "alert");
  bool cve = false;
  for (const auto& reason : j.findings.at(bad)["harrier"]["reasons"])
    cve |= reason["name"].get<std::string>().rfind("inventory.dpkg.", 0) == 0 &&
           reason.contains("remediation");
  EXPECT_TRUE(cve) << j.findings.at(bad).dump(1);
  EXPECT_EQ(j.findings.count(fixed), 0u);
  EXPECT_EQ(j.findings.count(old), 0u) << "only the live status file is the inventory";
  EXPECT_EQ(r.exit_code, 1);
}

}  // namespace
}  // namespace harrier::testing
