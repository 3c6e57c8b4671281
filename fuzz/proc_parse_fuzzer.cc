// The parsers of the live checks (sources/proc_parse.h): /proc/PID/stat,
// status, cmdline, environ and maps, the socket tables of /proc/PID/net/*,
// /proc/stat and hosts files, and the C2 matching of hosts entries
// (sources/network_source.h). A process chooses its own name and command
// line, and a hosts file may hold anything.
#include <string_view>

#include "fuzz/fuzz_target.h"
#include "sources/network_source.h"
#include "sources/proc_parse.h"

HARRIER_FUZZ_TARGET(proc_parse)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto st = ParseProcStat(text)) {
    // Invariant: the name lies inside the text, between '(' and ')'.
    if (st->comm.size() > text.size()) __builtin_trap();
  }
  (void)ParseStatusUid(text);
  (void)ParseBootTime(text);
  (void)JoinCmdline(text);
  (void)CmdlineArgs(text, 3);
  (void)FindEnv(text, "LD_PRELOAD");
  for (const MapsRegion& r : ParseMaps(text)) {
    if (r.end < r.start) __builtin_trap();
    (void)DescribeRegion(r);
  }
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find('\n', i);
    if (j == std::string_view::npos) j = text.size();
    std::string_view line = text.substr(i, j - i);
    for (bool v6 : {false, true}) {
      if (auto s = ParseNetLine(line, v6)) {
        if (s->local.v6 != v6) __builtin_trap();
        (void)FormatIp(s->remote);
        (void)TcpStateName(s->state, v6);
      }
    }
    if (auto r = ParseIpRange(line)) {
      // Invariant: a range holds its own base address.
      if (!r->Contains(r->base)) __builtin_trap();
    }
    i = j + 1;
  }
  std::vector<C2Ioc> iocs;
  for (std::string_view s : {"example.invalid", "192.0.2.0/24", "2001:db8::/32",
                             "https://c2.example.invalid/gate"})
    iocs.push_back({std::string(s), 75, "", "fuzz"});
  C2Matcher c2(iocs);
  (void)HostsReasons(ParseHosts(text, 1000), c2);
  return 0;
}
