// Incident packs end to end: the built-in xz-utils pack (CVE-2024-3094)
// finds synthetic traces of each of its detections and stays quiet on near
// misses, and a pack written by a user (a folder given to --signatures) adds
// an incident, native package advisory included, without new code.
#include <gtest/gtest.h>

#include <string>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

// The published prologue of the injected function, as the pack's rule has it.
const std::string kPrologue(
    "\xF3\x0F\x1E\xFA\x55\x48\x89\xF5\x4C\x89\xCE\x53\x89\xFB\x81\xE7\x00\x00\x00\x80"
    "\x48\x83\xEC\x28\x48\x89\x54\x24\x18\x48\x89\x4C\x24\x10",
    34);

std::string Elf(const std::string& body) {
  std::string f("\x7F" "ELF\x02\x01\x01", 7);
  f.resize(64, '\0');
  f += std::string(4000, '\x90') + body + std::string(4000, '\xC3');
  return f;
}

// The reasons of a finding whose name starts with `prefix`.
std::vector<nlohmann::json> ReasonsNamed(const nlohmann::json& finding, const std::string& prefix) {
  std::vector<nlohmann::json> out;
  for (const auto& r : finding["harrier"]["reasons"])
    if (r["name"].get<std::string>().rfind(prefix, 0) == 0) out.push_back(r);
  return out;
}

TEST(XzPackE2E, EachDetectionFindsItsTraceAndNotItsNearMiss) {
  ASSERT_EQ(kPrologue.size(), 34u);
  TempDir t;
  // An installed library with the injected code: Alert (YARA) plus the name Warning.
  const std::string lib = t.Write("root/usr/lib/x86_64-linux-gnu/liblzma.so.5.6.1", Elf(kPrologue));
  // One byte of the prologue changed, under an unaffected version's name: nothing.
  std::string near = kPrologue;
  near[20] = '\x49';
  const std::string ok_lib = t.Write("root/usr/lib/x86_64-linux-gnu/liblzma.so.5.4.5", Elf(near));
  // The tarball's build trigger (m4): Alert. The same names in a README without the
  // decode-and-eval: nothing.
  const std::string m4 = t.Write(
      "src/xz-5.6.1/m4/build-to-host.m4",
      "dnl synthetic\n"
      "gl_am_configmake=`grep -aErls \"#{4}[[:alnum:]]{5}#{4}$\" $srcdir/ 2>/dev/null`\n"
      "gl_[$1]_prefix=`echo $gl_am_configmake | sed \"s/.*\\.//g\"`\n"
      "gl_path_map='tr \"\\t \\-_\" \" \\t_\\-\"'\n"
      "xz -dc $srcdir/tests/files/bad-3-corrupt_lzma2.xz | tr \"\\t \\-_\" \" \\t_\\-\" | sh\n"
      "eval $gl_config_prefix\n");
  const std::string readme = t.Write(
      "src/xz-5.6.2/tests/files/README.m4",
      "bad-3-corrupt_lzma2.xz was removed in 5.6.2; eval $nothing here\n");
  // The payload test file of an affected source tree: a Notice.
  const std::string payload = t.Write("src/xz-5.6.1/tests/files/bad-3-corrupt_lzma2.xz", "\xFD" "7zXZ");
  auto r = RunHarrier({"scan", "--no-progress", "--jsonl", "-", t.path()}, 300);
  Jsonl j = ParseJsonl(r.out);

  ASSERT_EQ(j.findings.count(lib), 1u) << r.out << r.err;
  EXPECT_EQ(j.findings.at(lib)["harrier"]["level"], "alert");
  auto code = ReasonsNamed(j.findings.at(lib), "Harrier_XZ_CVE_2024_3094_Injected_Code");
  ASSERT_EQ(code.size(), 1u) << j.findings.at(lib).dump(1);
  EXPECT_EQ(code[0]["details"]["pack"], "xz-cve-2024-3094");
  // The rule has no remediation meta: the pack's stands in.
  EXPECT_NE(code[0]["remediation"].get<std::string>().find("5.6.1+really5.4.5-1"), std::string::npos);
  // The library name is a Warning (65): it names the pack but does not say
  // "compromised" through the pack's remediation.
  auto name = ReasonsNamed(j.findings.at(lib), "/liblzma");
  ASSERT_EQ(name.size(), 1u);
  EXPECT_EQ(name[0]["details"]["pack"], "xz-cve-2024-3094");
  EXPECT_FALSE(name[0].contains("remediation")) << name[0].dump(1);

  EXPECT_EQ(j.findings.count(ok_lib), 0u) << j.findings[ok_lib].dump(1);

  ASSERT_EQ(j.findings.count(m4), 1u) << r.out;
  EXPECT_EQ(j.findings.at(m4)["harrier"]["level"], "alert");
  EXPECT_EQ(ReasonsNamed(j.findings.at(m4), "Harrier_XZ_CVE_2024_3094_Build_Trigger").size(), 1u);
  EXPECT_EQ(j.findings.count(readme), 0u) << j.findings[readme].dump(1);

  ASSERT_EQ(j.findings.count(payload), 1u) << r.out;
  EXPECT_EQ(j.findings.at(payload)["harrier"]["level"], "notice");
  EXPECT_EQ(j.summary["rules"]["packs"],
            nlohmann::json::array({"3cx-unc4736", "xz-cve-2024-3094"}));
  EXPECT_EQ(r.exit_code, 1);
}

// The next incident as data: a user's pack folder with a manifest, a hash IOC
// and a dpkg advisory for a made-up package, loaded with --signatures.
TEST(UserPackE2E, APackFolderAddsAnIncidentWithItsPackageAdvisory) {
  TempDir t;
  t.Write("acme/pack.json", R"({
    "format": 1, "id": "acme-agent-2031", "title": "ACME agent update compromise",
    "remediation": "Remove the ACME agent build and reimage the host.",
    "sources": ["T: test data"]})");
  const std::string bad_content = "synthetic acme agent payload\n";
  // sha256 of bad_content (printf 'synthetic acme agent payload\n' | sha256sum)
  const std::string sha256 = "96d3f5248b07cca4cbbb2281d2f97e464573242187c73f0f9ef3ab75340d4ce3";
  t.Write("acme/iocs/hash-iocs-acme.txt", sha256 + ";95;trojanized ACME agent (test)\n");
  t.Write("acme/checks/acme.json", R"({
    "format": 1,
    "package_advisories": [{
      "id": "acme-2031", "name": "ACME agent backdoor", "cve": "CVE-2031-0001",
      "source": "test data", "description": "test",
      "source_packages": ["acme-agent"], "packages": ["acme-agent"],
      "affected_min": "2.0.0-1", "affected_max": "2.0.3-1", "fixed": "2.0.4-1",
      "score": 90, "remediation": "Install acme-agent 2.0.4-1."}]})");
  auto status = [](const std::string& v) {
    return "Package: acme-agent\nStatus: install ok installed\nVersion: " + v +
           "\nArchitecture: amd64\n\n";
  };
  const std::string bad = t.Write("scan/a/var/lib/dpkg/status", status("2.0.1-1"));
  const std::string fixed = t.Write("scan/b/var/lib/dpkg/status", status("2.0.4-1"));
  const std::string payload = t.Write("scan/a/opt/acme/agent.bin", bad_content);
  auto r = RunHarrier({"scan", "--no-progress", "--all-files", "--no-builtin", "--signatures",
                       t.path() + "/acme", "--jsonl", "-", t.path() + "/scan"},
                      300);
  Jsonl j = ParseJsonl(r.out);
  ASSERT_EQ(j.findings.count(bad), 1u) << r.out << r.err;
  EXPECT_EQ(j.findings.at(bad)["harrier"]["level"], "alert");
  auto adv = ReasonsNamed(j.findings.at(bad), "inventory.dpkg.");
  ASSERT_EQ(adv.size(), 1u) << j.findings.at(bad).dump(1);
  EXPECT_EQ(adv[0]["remediation"], "Install acme-agent 2.0.4-1.");
  EXPECT_EQ(j.findings.count(fixed), 0u);
  ASSERT_EQ(j.findings.count(payload), 1u);
  auto hash = ReasonsNamed(j.findings.at(payload), sha256);
  ASSERT_EQ(hash.size(), 1u) << j.findings.at(payload).dump(1);
  EXPECT_EQ(hash[0]["details"]["pack"], "acme-agent-2031");
  EXPECT_EQ(hash[0]["remediation"], "Remove the ACME agent build and reimage the host.");
  EXPECT_EQ(r.exit_code, 1);

  // The same folder twice is one pack, loaded once: the second is an error.
  auto twice = RunHarrier({"rules", "check", "--no-builtin", t.path() + "/acme", t.path() + "/acme"});
  EXPECT_NE(twice.out.find("already loaded"), std::string::npos) << twice.out << twice.err;
}

}  // namespace
}  // namespace harrier::testing
