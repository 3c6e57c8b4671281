// The Linux process table over this test's own process: listing, stat,
// links, descriptors, executable, and memory read at an address; and name
// resolution of "localhost" (answered from the hosts file, no DNS query).
#include "platform/proc.h"

#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>

#include "platform/net.h"

namespace harrier::platform {
namespace {

TEST(ProcessTable, ReadsItsOwnProcess) {
  const ProcessTable& t = LocalProcessTable();
  const int64_t self = t.SelfPid();
  EXPECT_EQ(self, getpid());
  auto pids = t.ListPids();
  ASSERT_TRUE(pids.ok());
  EXPECT_TRUE(std::binary_search(pids->begin(), pids->end(), self));
  auto stat = t.ReadFile(self, "stat", 4096);
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->rfind(std::to_string(self) + " (", 0), 0u);
  auto ns = t.ReadLink(self, "ns/net");
  ASSERT_TRUE(ns.ok());
  EXPECT_EQ(ns->rfind("net:[", 0), 0u);
  int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  auto fds = t.ListFdTargets(self);
  ASSERT_TRUE(fds.ok());
  EXPECT_TRUE(std::any_of(fds->begin(), fds->end(),
                          [](const std::string& f) { return f.rfind("socket:[", 0) == 0; }));
  close(sock);
  auto exe = t.OpenExecutable(self);
  ASSERT_TRUE(exe.ok());
  EXPECT_GT((*exe)->stat().size, 0u);
  EXPECT_GT(t.ClockTicks(), 0);
}

TEST(ProcessTable, ReadsMemoryAtAnAddressAndReportsHolesAndMissingProcesses) {
  const ProcessTable& t = LocalProcessTable();
  std::string secret = std::string("proc-memory-") + "read-test";
  auto mem = t.OpenMemory(t.SelfPid());
  ASSERT_TRUE(mem.ok()) << mem.status().ToString();
  std::vector<uint8_t> buf(secret.size());
  auto n = (*mem)->Read(reinterpret_cast<uintptr_t>(secret.data()), {buf.data(), buf.size()});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(std::string(buf.begin(), buf.end()), secret);
  EXPECT_FALSE((*mem)->Read(0, {buf.data(), buf.size()}).ok());  // page 0 is never mapped
  EXPECT_EQ(t.ReadFile(999999999, "stat", 4096).status().code(), Status::Code::kNotFound);
}

TEST(ResolveNames, LocalhostFromTheHostsFile) {
  auto out = ResolveNames({"localhost", "no-such-name.invalid"},
                          std::chrono::steady_clock::now() + std::chrono::seconds(5));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_TRUE(std::any_of(out[0].begin(), out[0].end(),
                          [](const std::string& a) { return a == "127.0.0.1" || a == "::1"; }));
  EXPECT_TRUE(out[1].empty());
}

}  // namespace
}  // namespace harrier::platform
