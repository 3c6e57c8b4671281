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
  ASSERT_EQ(j.findings.count(bad), 1u) << r.out << r.err;
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

// A package database larger than --max-file-size and the block threshold is
// still read whole (--max-package-db-size); one over that limit is skipped
// "size", counted, and the other files stay limited by --max-file-size.
TEST(DpkgE2E, APackageDatabaseHasItsOwnReadLimit) {
  TempDir t;
  // 1.5 MiB of other packages before the compromised one.
  std::string status;
  for (int i = 0; status.size() < (3u << 19); ++i)
    status += "Package: filler" + std::to_string(i) +
              "\nStatus: install ok installed\nVersion: 1.0-1\nArchitecture: amd64\nDescription: " +
              std::string(200, 'x') + "\n\n";
  status += Status("5.6.1-1");
  const std::string db = t.Write("root/var/lib/dpkg/status", status);
  const std::string other = t.Write("root/opt/big.sh", "#!/bin/sh\n" + std::string(3u << 19, '#'));
  auto r = RunHarrier({"scan", "--no-progress", "--jsonl", "-", "--max-file-size", "1M",
                       "--block-threshold", "1M", t.path()}, 300);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.findings.count(db), 1u) << r.out << r.err;
  EXPECT_EQ(j.findings.at(db)["harrier"]["level"], "alert");
  EXPECT_EQ(j.summary["skipped"]["size"], 1) << j.summary.dump(1);
  EXPECT_EQ(r.exit_code, 1);
  (void)other;

  auto small = RunHarrier({"scan", "--no-progress", "--jsonl", "-", "--max-file-size", "1M",
                           "--max-package-db-size", "1M", t.path()}, 300);
  Jsonl s = ParseJsonl(small.out);
  EXPECT_EQ(s.findings.count(db), 0u) << small.out;
  EXPECT_EQ(s.summary["skipped"]["size"], 2) << s.summary.dump(1);
  EXPECT_EQ(small.exit_code, 0) << small.err;

  // --max-packages: the compromised package is past the limit, a warning says so.
  auto few = RunHarrier({"scan", "--no-progress", "--jsonl", "-", "--jsonl-diagnostics", "--max-file-size", "1M",
                         "--max-packages", "10", t.path()}, 300);
  EXPECT_EQ(ParseJsonl(few.out).findings.count(db), 0u);
  EXPECT_NE(few.out.find("more than 10 packages"), std::string::npos) << few.out;
}

}  // namespace
}  // namespace harrier::testing

namespace harrier::testing {
namespace {

std::string Md5(const std::string& path) {
  return RunProgram({FindProgram("md5sum"), path}).out.substr(0, 32);
}

// debsums-like: an ELF file of a package whose content changed since
// installation is a Warning naming the package; an unchanged one, a
// conffile and a diverted path are quiet. Relative scan paths work too.
TEST(DpkgE2E, ChangedPackageExecutableIsAWarning) {
  TempDir t;
  t.Write("root/var/lib/dpkg/status", "Package: foo\nStatus: install ok installed\nVersion: 1\n\n");
  const std::string changed = t.Write("root/usr/bin/foo", std::string("\x7f" "ELF\x02\x01\x01", 7) + "patched");
  const std::string same = t.Write("root/usr/bin/bar", std::string("\x7f" "ELF\x02\x01\x01", 7) + "same");
  const std::string conf = t.Write("root/usr/lib/foo/helper", std::string("\x7f" "ELF\x02\x01\x01", 7) + "conf");
  const std::string diverted = t.Write("root/usr/bin/baz", std::string("\x7f" "ELF\x02\x01\x01", 7) + "other");
  t.Write("root/var/lib/dpkg/info/foo:amd64.md5sums",
          std::string(32, '0') + "  usr/bin/foo\n" + Md5(same) + "  usr/bin/bar\n" +
              std::string(32, '1') + "  usr/lib/foo/helper\n" + std::string(32, '2') +
              "  usr/bin/baz\n");
  t.Write("root/var/lib/dpkg/info/foo:amd64.conffiles", "/usr/lib/foo/helper\n");
  t.Write("root/var/lib/dpkg/diversions", "/usr/bin/baz\n/usr/bin/baz.distrib\nother-pkg\n");
  auto r = RunHarrier({"scan", "--no-progress", "--jsonl", "-", t.path()}, 300);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.findings.count(changed), 1u) << r.out;
  EXPECT_EQ(j.findings.at(changed)["harrier"]["level"], "warning");
  EXPECT_NE(j.findings.at(changed).dump().find("package.integrity"), std::string::npos);
  EXPECT_NE(j.findings.at(changed).dump().find("\"foo\""), std::string::npos);
  EXPECT_EQ(j.findings.count(same), 0u);
  EXPECT_EQ(j.findings.count(conf), 0u);
  EXPECT_EQ(j.findings.count(diverted), 0u);
  // --no-package-integrity switches it off.
  auto off = RunHarrier({"scan", "--no-progress", "--no-package-integrity", "--jsonl", "-", t.path()});
  EXPECT_EQ(ParseJsonl(off.out).findings.count(changed), 0u);
  // A relative scan path finds the same file.
  RunOptions o;
  o.cwd = t.path();
  auto rel = RunProgram({HarrierBinary(), "scan", "--no-progress", "--jsonl", "-", "root"}, o);
  EXPECT_NE(rel.out.find("package.integrity"), std::string::npos) << rel.out;
}

}  // namespace
}  // namespace harrier::testing
