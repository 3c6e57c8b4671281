// End-to-end tests of the report outputs (issue 4): JSONL, CSV and syslog
// goldens from a fixed generated tree, syslog over UDP and TCP to listeners
// started here, a collector that stops reading, `harrier report`, and the
// HTML report in a real headless browser.
//
// Goldens live in tests/golden/; volatile values (times, host, pid, inode,
// temp paths, duration) are normalised first. Regenerate after an intended
// format change with HARRIER_UPDATE_GOLDEN=1 and review the diff.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "testutil/testutil.h"

namespace harrier::testing {
namespace {

using Json = nlohmann::ordered_json;
namespace fs = std::filesystem;

// The fixed tree: a hash IOC, a filename IOC on names that need CSV quoting
// and formula neutralisation, and a YARA rule whose string holds </script>.
struct GoldenTree {
  TempDir sig, tree;
  GoldenTree() {
    // sha256("harrier planted sample\n")
    sig.Write("iocs/my-hash-iocs.txt",
              "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;Planted test sample\n");
    sig.Write("iocs/my-filename-iocs.txt", "# Test DLL name\n\\.dll$;60\n");
    sig.Write("yara/test.yar",
              "rule Test_Script_Marker {\n  meta:\n    description = \"Marker with </script> in it\"\n"
              "    score = 75\n  strings:\n    $a = \"evil-marker</script>\"\n  condition:\n    $a\n}\n");
    tree.Write("a.txt", "nothing to see\n");
    tree.Write("sub/planted.dat", "harrier planted sample\n");
    tree.Write("x=1,\"quoted\".dll", "hello\n");
    tree.Write("=formula.dll", "hello\n");
    tree.Write("marker.txt", "prefix evil-marker</script> suffix\n");
  }
  std::vector<std::string> Args(std::vector<std::string> extra) const {
    std::vector<std::string> a = {"scan", "--no-builtin", "--no-progress", "--all-files", "-q",
                                  "--signatures", sig.path(), tree.path()};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  std::string Normalise(std::string s) const {
    auto repl = [&](const std::string& from, const std::string& to) {
      for (size_t p = 0; (p = s.find(from, p)) != std::string::npos; p += to.size()) s.replace(p, from.size(), to);
    };
    repl(tree.path(), "<TREE>");
    repl(sig.path(), "<SIG>");
    return s;
  }
};

// Replaces the values that differ between runs and hosts.
void NormaliseJson(Json& j, const GoldenTree& t) {
  if (j.is_object()) {
    for (auto& [k, v] : j.items()) {
      if (k == "@timestamp" || k == "mtime" || k == "ctime" || k == "start" || k == "end") v = "<TIME>";
      else if (k == "hostname") v = "<HOST>";
      else if (k == "host" || k == "process" || k == "user") v = "<" + k + ">";  // this machine
      else if (k == "inode" || k == "device") v = v.is_string() ? Json("<N>") : Json(0);
      else if (k == "owner") v = "<OWNER>";
      else if (k == "duration_s" || k == "duration") v = 0;
      else if (k == "version") v = "<VERSION>";
      else if (k == "digest" || k == "rules_digest") v = "<DIGEST>";
      else if (k == "id" && j.contains("rules_digest")) v = "<SCAN_ID>";
      else NormaliseJson(v, t);
    }
  } else if (j.is_array()) {
    for (auto& v : j) NormaliseJson(v, t);
  } else if (j.is_string()) {
    j = t.Normalise(j.get<std::string>());
  }
}

std::string NormaliseJsonl(const std::string& text, const GoldenTree& t) {
  std::vector<std::string> lines;
  for (const auto& l : Lines(text)) {
    Json j = Json::parse(l);
    NormaliseJson(j, t);
    lines.push_back(j.dump());
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// --- listeners -----------------------------------------------------------

int Listen(int type, int rcvbuf, uint16_t* port) {
  int fd = socket(AF_INET, type, 0);
  if (rcvbuf) setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  if (type == SOCK_STREAM) listen(fd, 8);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  *port = ntohs(a.sin_port);
  return fd;
}

// Collects datagrams until `idle_ms` pass without one.
std::vector<std::string> ReceiveUdp(int fd, int idle_ms) {
  std::vector<std::string> out;
  char buf[65536];
  for (;;) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, idle_ms) <= 0) break;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n > 0) out.emplace_back(buf, static_cast<size_t>(n));
  }
  return out;
}

// Accepts connections and reads until the peer closes; returns the bytes.
std::string ReceiveTcp(int lfd, int total_timeout_ms) {
  std::string data;
  auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(total_timeout_ms);
  pollfd p{lfd, POLLIN, 0};
  if (poll(&p, 1, total_timeout_ms) <= 0) return data;
  int c = accept(lfd, nullptr, nullptr);
  char buf[65536];
  while (std::chrono::steady_clock::now() < end) {
    pollfd q{c, POLLIN, 0};
    if (poll(&q, 1, 200) <= 0) continue;
    ssize_t n = recv(c, buf, sizeof buf, 0);
    if (n <= 0) break;
    data.append(buf, static_cast<size_t>(n));
  }
  close(c);
  return data;
}

// Splits an RFC 6587 octet-counted stream; fails the test on bad framing.
std::vector<std::string> SplitOctetCounted(std::string_view s) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t sp = s.find(' ');
    EXPECT_NE(sp, std::string_view::npos) << "frame without length";
    if (sp == std::string_view::npos) break;
    std::string len_text(s.substr(0, sp));
    EXPECT_TRUE(!len_text.empty() && std::all_of(len_text.begin(), len_text.end(), ::isdigit)) << len_text;
    size_t len = std::stoul(len_text);
    EXPECT_LE(sp + 1 + len, s.size()) << "truncated frame";
    if (sp + 1 + len > s.size()) break;
    out.emplace_back(s.substr(sp + 1, len));
    s.remove_prefix(sp + 1 + len);
  }
  return out;
}

// Syslog message normaliser: header TIMESTAMP/HOSTNAME/PROCID, CEF rt and
// dvchost, ISO times, durations, temp paths; JSON payloads via NormaliseJson.
std::string NormaliseSyslog(const std::string& m, const GoldenTree& t) {
  // <PRI>1 TS HOST APP PROCID MSGID REST
  std::vector<std::string> f;
  size_t p = 0;
  for (int i = 0; i < 6; ++i) {
    size_t sp = m.find(' ', p);
    f.push_back(m.substr(p, sp - p));
    p = sp + 1;
  }
  std::string rest = m.substr(p);
  if (rest.rfind("- {", 0) == 0) {
    Json j = Json::parse(rest.substr(2));
    NormaliseJson(j, t);
    rest = "- " + j.dump();
  } else {
    rest = t.Normalise(rest);
    rest = std::regex_replace(rest, std::regex("rt=[0-9]+"), "rt=<MS>");
    rest = std::regex_replace(rest, std::regex("dvchost=[^ ]+"), "dvchost=<HOST>");
    rest = std::regex_replace(rest, std::regex("[0-9]+\\.[0-9] s;"), "<N> s;");
    rest = std::regex_replace(rest, std::regex("cs1=[0-9a-f]{64}"), "cs1=<DIGEST>");
  }
  return f[0] + " <TIME> <HOST> " + f[3] + " <PID> " + f[5] + " " + rest;
}

std::string SortedLines(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  std::string out;
  for (const auto& l : v) out += l + "\n";
  return out;
}

// --- goldens ---------------------------------------------------------------

TEST(ReportE2E, JsonlGolden) {
  GoldenTree t;
  TempDir out;
  auto r = RunHarrier(t.Args({"--jsonl", out.path() + "/scan.jsonl"}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = ReadWholeFile(out.path() + "/scan.jsonl");
  auto lines = Lines(text);
  ASSERT_GE(lines.size(), 2u);
  EXPECT_EQ(Json::parse(lines.front())["harrier"]["type"], "scan_start");
  EXPECT_EQ(Json::parse(lines.back())["harrier"]["type"], "summary");
  ExpectGolden("report.jsonl", NormaliseJsonl(text, t));
}

TEST(ReportE2E, CsvGolden) {
  GoldenTree t;
  TempDir out;
  auto r = RunHarrier(t.Args({"--csv", out.path() + "/scan.csv"}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  std::string text = t.Normalise(ReadWholeFile(out.path() + "/scan.csv"));
  // Host column: first cell of every data row.
  std::vector<std::string> rows;
  std::string header;
  for (auto& l : Lines(text)) {
    ASSERT_FALSE(l.empty());
    ASSERT_EQ(l.back(), '\r') << "RFC 4180 line ends are CRLF";
    if (header.empty()) {
      header = l;
      continue;
    }
    // Host and scan start (the last cell) differ between runs.
    rows.push_back(std::regex_replace("<HOST>" + l.substr(l.find(',')),
                                      std::regex(",[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\r$"),
                                      ",<TIME>\r"));
  }
  // Formula neutralisation needs a cell that starts with '=': see CsvCell tests.
  EXPECT_NE(text.find("/x=1,\"\"quoted\"\".dll\""), std::string::npos) << "RFC 4180 quoting";
  ExpectGolden("report.csv", header + "\n" + SortedLines(rows));
}

class SyslogGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(SyslogGolden, UdpMessages) {
  GoldenTree t;
  uint16_t port = 0;
  int fd = Listen(SOCK_DGRAM, 0, &port);
  auto r = RunHarrier(t.Args({"--syslog", "127.0.0.1:" + std::to_string(port), "--syslog-format",
                              GetParam()}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  auto msgs = ReceiveUdp(fd, 500);
  close(fd);
  ASSERT_EQ(msgs.size(), 5u) << "4 findings + summary";
  std::vector<std::string> norm;
  for (const auto& m : msgs) {
    EXPECT_EQ(m.find('\n'), std::string::npos) << "one line per message: " << m;
    norm.push_back(NormaliseSyslog(m, t));
  }
  ExpectGolden("syslog-" + GetParam() + ".txt", SortedLines(norm));
}

INSTANTIATE_TEST_SUITE_P(Formats, SyslogGolden, ::testing::Values("rfc5424", "cef", "json"));

// --- syslog transport --------------------------------------------------------

TEST(ReportE2E, SyslogTcpUsesOctetCountingFraming) {
  GoldenTree t;
  uint16_t port = 0;
  int lfd = Listen(SOCK_STREAM, 0, &port);
  std::string data;
  std::thread rx([&] { data = ReceiveTcp(lfd, 20000); });
  TempDir out;
  auto r = RunHarrier(t.Args({"--syslog", "127.0.0.1:" + std::to_string(port), "--syslog-proto",
                              "tcp", "--jsonl", out.path() + "/s.jsonl"}));
  rx.join();
  close(lfd);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  auto msgs = SplitOctetCounted(data);
  ASSERT_EQ(msgs.size(), 5u) << data;
  int summaries = 0;
  for (const auto& m : msgs) {
    EXPECT_EQ(m.rfind("<", 0), 0u) << m;
    if (m.find(" summary [harrier@32473 verdict=\"alert\"") != std::string::npos) ++summaries;
  }
  EXPECT_EQ(summaries, 1);
  EXPECT_NE(data.find("Planted test sample"), std::string::npos);
  Json sum = Json::parse(Lines(ReadWholeFile(out.path() + "/s.jsonl")).back());
  EXPECT_EQ(sum["harrier"]["syslog"]["sent"], 4) << "findings sent before the summary was taken";
  EXPECT_EQ(sum["harrier"]["syslog"]["dropped"], 0);
}

// The most bytes one TCP connection can hold unread on this host: the
// sender's send buffer grows by autotuning up to tcp_wmem's maximum (harrier
// does not set SO_SNDBUF), and the collector's receive buffer is shrunk to
// the kernel minimum by Listen(..., 1, ...). Both are counted twice, plus
// 1 MiB for the receive side, the segment being built and in-flight data.
size_t UnreadTcpCapacityBound() {
  size_t wmem_max = 4u << 20;  // Linux default when /proc cannot be read
  std::ifstream f("/proc/sys/net/ipv4/tcp_wmem");
  size_t lo = 0, def = 0, max = 0;
  if (f >> lo >> def >> max) wmem_max = max;
  return 2 * wmem_max + (1u << 20);
}

// Regression: this test used to send 1,500 small messages (about 1.8 MB),
// which often all fit in the kernel's socket buffers, so `dropped > 0` was
// a race it lost about half the time under load. Now the messages together
// are certainly larger than what one connection can hold unread, so the
// sender must hit a full buffer: a send then times out or is aborted at the
// end, and either way the message is counted as dropped. The scan itself
// must not wait for that: summary.duration_s (measured before the reporters'
// end-of-scan flush) must stay below the send timeout, which a reporter that
// sends from OnFinding would exceed on its first full buffer.
TEST(ReportE2E, SyslogCollectorThatNeverReadsDoesNotStallTheScan) {
  constexpr int kFindings = 300;
  constexpr int kTimeoutS = 3;  // --syslog-timeout
  const size_t description_size = UnreadTcpCapacityBound() / kFindings + 1;
  TempDir sig, tree, out;
  // The IOC's description (the comment above it) is in every message.
  sig.Write("iocs/my-filename-iocs.txt",
            "# " + std::string(description_size, 'D') + "\n\\.dll$;60\n");
  for (int i = 0; i < kFindings; ++i) tree.Write("d/f" + std::to_string(i) + ".dll", "x");
  uint16_t port = 0;
  int lfd = Listen(SOCK_STREAM, 1, &port);  // smallest receive buffer
  std::atomic<bool> done{false};
  std::vector<int> conns;  // every connection (the reporter reconnects after a failed send)
  std::thread acceptor([&] {  // accepts, never reads
    while (!done) {
      pollfd p{lfd, POLLIN, 0};
      if (poll(&p, 1, 100) > 0) {
        int c = accept(lfd, nullptr, nullptr);
        if (c >= 0) conns.push_back(c);
      }
    }
  });
  auto t0 = std::chrono::steady_clock::now();
  auto r = RunHarrier({"scan", "--no-builtin", "--no-progress", "-q", "--all-files", "--signatures",
                       sig.path(), tree.path(), "--syslog", "127.0.0.1:" + std::to_string(port),
                       "--syslog-proto", "tcp", "--syslog-format", "json", "--syslog-queue", "16",
                       "--syslog-timeout", std::to_string(kTimeoutS), "--jsonl",
                       out.path() + "/s.jsonl"},
                      60);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  done = true;
  acceptor.join();
  for (int c : conns) close(c);
  close(lfd);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  Json sum = Json::parse(Lines(ReadWholeFile(out.path() + "/s.jsonl")).back());
  ASSERT_EQ(sum["harrier"]["type"], "summary");
  EXPECT_LT(sum["harrier"]["duration_s"].get<double>(), kTimeoutS)
      << "the scan waited for the collector";
  // End-of-scan flush: at most 2 x timeout, plus the reconnect pause.
  EXPECT_LT(secs, 30) << "a stalled collector must not stall the scan";
  uint64_t sent = sum["harrier"]["syslog"]["sent"], dropped = sum["harrier"]["syslog"]["dropped"];
  EXPECT_GT(dropped, 0u) << "the messages cannot all fit in the socket buffers";
  EXPECT_EQ(sent + dropped, uint64_t{kFindings})
      << "every finding message is either sent or counted as dropped";
  EXPECT_NE(r.err.find("syslog"), std::string::npos) << r.err;
  // The text summary shows the delivery (it did not before).
  EXPECT_NE(r.out.find("Syslog: " + std::to_string(sent) + " messages sent, " +
                       std::to_string(dropped) + " dropped"),
            std::string::npos)
      << r.out;
}

TEST(ReportE2E, SyslogUnreachableCollectorCountsDrops) {
  GoldenTree t;
  uint16_t port = 0;
  int lfd = Listen(SOCK_STREAM, 0, &port);
  close(lfd);  // nothing listens there now: connection refused
  TempDir out;
  auto r = RunHarrier(t.Args({"--syslog", "127.0.0.1:" + std::to_string(port), "--syslog-proto",
                              "tcp", "--syslog-timeout", "1", "--jsonl", out.path() + "/s.jsonl"}),
                      60);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  Json sum = Json::parse(Lines(ReadWholeFile(out.path() + "/s.jsonl")).back());
  EXPECT_EQ(sum["harrier"]["syslog"]["sent"], 0);
  EXPECT_EQ(sum["harrier"]["syslog"]["dropped"], 4);
}

// UDP has no acknowledgement, but a host that has nothing on the port
// answers ICMP port unreachable: those messages are drops, not "sent" (they
// were all counted as sent before), and the text summary says so.
TEST(ReportE2E, SyslogUdpToAClosedPortCountsDrops) {
  GoldenTree t;
  uint16_t port = 0;
  int fd = Listen(SOCK_DGRAM, 0, &port);
  close(fd);  // nothing receives there now: the kernel answers port unreachable
  TempDir out;
  auto r = RunHarrier(t.Args({"--syslog", "127.0.0.1:" + std::to_string(port), "--syslog-timeout",
                              "1", "--jsonl", out.path() + "/s.jsonl"}),
                      60);
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  Json sum = Json::parse(Lines(ReadWholeFile(out.path() + "/s.jsonl")).back());
  EXPECT_EQ(sum["harrier"]["syslog"]["sent"], 0) << sum.dump();
  EXPECT_EQ(sum["harrier"]["syslog"]["dropped"], 4);
  EXPECT_NE(r.err.find("syslog"), std::string::npos) << r.err;
  // The text summary shows the delivery (it did not before).
  EXPECT_NE(r.out.find("Syslog: 0 messages sent, 4 dropped"), std::string::npos) << r.out;
}

TEST(ReportE2E, BadSyslogEndpointIsAUsageError) {
  auto r = RunHarrier({"scan", "--no-builtin", "--syslog", "nohostport", "/nonexistent"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  auto f = RunHarrier({"scan", "--no-builtin", "--syslog", "127.0.0.1:514", "--syslog-format", "xml", "/x"});
  EXPECT_EQ(f.exit_code, 2);
}

// --- harrier report ----------------------------------------------------------

TEST(ReportE2E, ReportCommandRendersTheSameCsvAndHtmlFromJsonl) {
  GoldenTree t;
  TempDir out;
  std::string o = out.path();
  auto r = RunHarrier(t.Args({"--jsonl", o + "/s.jsonl", "--csv", o + "/live.csv", "--html", o + "/live.html"}));
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  auto rep = RunHarrier({"report", o + "/s.jsonl", "--csv", o + "/again.csv", "--html", o + "/again.html"});
  ASSERT_EQ(rep.exit_code, 0) << rep.err;
  EXPECT_EQ(ReadWholeFile(o + "/live.csv"), ReadWholeFile(o + "/again.csv"));
  std::string live = ReadWholeFile(o + "/live.html"), again = ReadWholeFile(o + "/again.html");
  // Same page apart from times (findings carry their own @timestamp-free view).
  auto strip = [](std::string s) {
    return std::regex_replace(s, std::regex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"), "T");
  };
  EXPECT_EQ(strip(live), strip(again));
  EXPECT_NE(live.find("ALERT: indicators of compromise found"), std::string::npos);
}

TEST(ReportE2E, ReportCommandSkipsMalformedLinesWithLineNumbers) {
  GoldenTree t;
  TempDir out;
  std::string o = out.path();
  auto r = RunHarrier(t.Args({"--jsonl", o + "/s.jsonl"}));
  ASSERT_EQ(r.exit_code, 1);
  std::string text = ReadWholeFile(o + "/s.jsonl");
  auto lines = Lines(text);
  std::string broken = lines[0] + "\n{broken\n";
  for (size_t i = 1; i + 1 < lines.size(); ++i) broken += lines[i] + "\n";  // no summary
  out.Write("broken.jsonl", broken);
  auto rep = RunHarrier({"report", o + "/broken.jsonl", "--html", o + "/b.html"});
  EXPECT_EQ(rep.exit_code, 3) << rep.err;
  EXPECT_NE(rep.err.find("broken.jsonl:2: not a JSON object"), std::string::npos) << rep.err;
  std::string html = ReadWholeFile(o + "/b.html");
  EXPECT_NE(html.find("could not be read"), std::string::npos);
  EXPECT_NE(html.find("ALERT: indicators of compromise found (scan did not finish)"), std::string::npos);
}

TEST(ReportE2E, HtmlMaxFindingsKeepsTheTopAndSaysHowManyWereLeftOut) {
  GoldenTree t;
  TempDir out;
  auto r = RunHarrier(t.Args({"--html", out.path() + "/r.html", "--html-max-findings", "2"}));
  ASSERT_EQ(r.exit_code, 1);
  std::string html = ReadWholeFile(out.path() + "/r.html");
  EXPECT_NE(html.find("shows the 2 highest-scoring of 4 findings; 2 lower-scoring"), std::string::npos);
  EXPECT_NE(html.find("Planted test sample"), std::string::npos);  // score 90+ kept
}

// --- real browser -------------------------------------------------------------

std::string FindChromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    for (const char* dir : {"/usr/bin/", "/usr/local/bin/", "/snap/bin/"}) {
      std::string p = std::string(dir) + name;
      if (access(p.c_str(), X_OK) == 0) return p;
    }
  }
  return "";
}

// Runs chromium headless on `url`; returns stdout (the DOM for --dump-dom).
std::string RunChromium(const std::string& chromium, const std::vector<std::string>& extra,
                        const std::string& url, const std::string& profile) {
  std::vector<std::string> argv = {chromium, "--headless", "--no-sandbox", "--disable-gpu",
                                   "--disable-quic", "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update", "--disable-sync",
                                   "--user-data-dir=" + profile};
  argv.insert(argv.end(), extra.begin(), extra.end());
  argv.push_back(url);
  return RunProgram(argv, 120).out;
}

TEST(ReportE2E, BrowserRunsNoInjectedScriptAndShowsTheFindings) {
  std::string chromium = FindChromium();
  if (chromium.empty())
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it); "
                    "the HTML report was not checked in a browser";
  TempDir sig, tree, out;
  // Hostile content on every channel: file names, IOC descriptions, YARA
  // meta and matched strings. Each payload tries to change document.title
  // or to create an element with id "pwned".
  sig.Write("iocs/my-hash-iocs.txt",
            "677c06bab77fdaea3742685be35fab0bbd1ef2ef84e278a3f657ce377b9766ea;90;"
            "</script><script>document.title='pwned'</script><img src=x onerror=\"document.body.appendChild(document.createElement('b')).id='pwned'\">\n");
  sig.Write("iocs/my-filename-iocs.txt", "# <svg onload=document.title='pwned'>\n\\.(dll|exe)$;60\n");
  sig.Write("yara/x.yar",
            "rule Hostile { meta: description = \"</script><script>document.title='pwned'</script>\" score = 70\n"
            "strings: $a = \"</script><img src=x onerror=document.title='pwned'>\" condition: $a }\n");
  const std::vector<std::string> names = {
      "<img src=x onerror=document.title='pwned'>.dll",
      "<svg onload=\"document.body.appendChild(document.createElement('i')).id='pwned'\">.exe",
      "\"><script>document.title='pwned'<\\script>.dll",
      std::string("bad\xff\xfe\x1b[31mname\xe2\x80\xa8.dll"),
  };
  for (const auto& n : names) tree.Write(n, "harrier planted sample\n");
  tree.Write("content.bin", "MZ </script><img src=x onerror=document.title='pwned'> \xe2\x80\xa9 end");
  std::string html = out.path() + "/report.html";
  auto r = RunHarrier({"scan", "--no-builtin", "--no-progress", "-q", "--all-files", "--signatures",
                       sig.path(), tree.path(), "--html", html});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;

  std::string dom = RunChromium(chromium, {"--dump-dom"}, "file://" + html, out.path() + "/profile");
  ASSERT_FALSE(dom.empty()) << "chromium produced no DOM";
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom, m, std::regex("<title>([^<]*)</title>")));
  EXPECT_EQ(m[1].str().rfind("Harrier report: ", 0), 0u) << "title changed: " << m[1];
  EXPECT_EQ(dom.find("id=\"pwned\""), std::string::npos) << "injected element created";
  // Our script ran and drew one row per finding (5: four names + content).
  EXPECT_NE(dom.find("data-rendered=\"5\""), std::string::npos);
  size_t rows = 0;
  for (size_t p = 0; (p = dom.find("class=\"row-", p)) != std::string::npos; ++p) ++rows;
  EXPECT_EQ(rows, 5u);
  // The hostile names are there, as text.
  EXPECT_NE(dom.find("&lt;img src=x onerror=document.title='pwned'&gt;.dll"), std::string::npos);
  EXPECT_NE(dom.find("bad\\xff\\xfe\\x1b[31mname"), std::string::npos);
  EXPECT_NE(dom.find("ALERT: indicators of compromise found"), std::string::npos);

  if (const char* shot = std::getenv("HARRIER_SCREENSHOT"); shot && *shot) {
    RunChromium(chromium, {"--hide-scrollbars", "--window-size=1280,2000", std::string("--screenshot=") + shot},
                "file://" + html + "#open-all", out.path() + "/profile2");
  }
}

}  // namespace
}  // namespace harrier::testing
