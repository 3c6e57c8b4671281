// The process source's memory reader: blocks at virtual addresses that
// overlap, holes skipped (not errors), the per-process deadline, regions
// found by address; and reading a process through a fake table.
#include "sources/process_source.h"

#include <gtest/gtest.h>

#include "testutil/fake_proc.h"

namespace harrier {
namespace {

using testing::FakeProcess;
using testing::FakeProcessTable;
using testing::FakeStat;

struct Block {
  uint64_t offset;
  std::string data;
};

std::vector<Block> ReadAll(ProcessMemoryBlocks& b) {
  std::vector<Block> out;
  ContentBlock cb;
  while (b.Next(&cb))
    out.push_back({cb.offset, std::string(reinterpret_cast<const char*>(cb.data.data()),
                                          cb.data.size())});
  return out;
}

TEST(ProcessMemoryBlocks, OverlappingBlocksHolesAndRewind) {
  FakeProcess p;
  p.memory[0x10000] = std::string(0x2000, 'a');  // the region's first half only: then a hole
  p.memory[0x20000] = std::string(0x1000, 'b');
  testing::FakeMemory mem(p);
  MemoryScanOptions o;
  o.block_bytes = 0x1000;
  o.overlap_bytes = 0x100;
  std::vector<MapsRegion> regions = {*ParseMapsLine("20000-21000 rw-p 0 00:00 0"),
                                     *ParseMapsLine("10000-14000 rw-p 0 00:00 0 [heap]")};
  ProcessMemoryBlocks b(mem, regions, o);
  auto blocks = ReadAll(b);
  EXPECT_TRUE(b.status().ok());
  ASSERT_EQ(blocks.size(), 4u);
  EXPECT_EQ(blocks[0].offset, 0x10000u);
  EXPECT_EQ(blocks[1].offset, 0x10f00u);  // overlaps the first by 0x100
  EXPECT_EQ(blocks[2].offset, 0x11e00u);
  EXPECT_EQ(blocks[2].data.size(), 0x200u);  // up to the hole
  EXPECT_EQ(blocks[3].offset, 0x20000u);     // the hole (0x12000-0x14000) is skipped
  EXPECT_EQ(b.regions_read(), 2u);
  EXPECT_EQ(b.size(), 0x21000u);
  ASSERT_NE(b.RegionAt(0x10010), nullptr);
  EXPECT_EQ(b.RegionAt(0x10010)->path, "[heap]");
  EXPECT_EQ(b.RegionAt(0x15000), nullptr);
  ASSERT_TRUE(b.Rewind());
  EXPECT_EQ(ReadAll(b).size(), 4u);
  EXPECT_EQ(b.bytes_read(), 0x2000u + 0x200u + 0x1000u);  // the first pass only
}

TEST(ProcessMemoryBlocks, StopsAtTheDeadline) {
  FakeProcess p;
  p.memory[0x10000] = std::string(0x1000, 'a');
  testing::FakeMemory mem(p);
  MemoryScanOptions o;
  o.deadline = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  ProcessMemoryBlocks b(mem, {*ParseMapsLine("10000-11000 rw-p 0 00:00 0")}, o);
  EXPECT_TRUE(ReadAll(b).empty());
  EXPECT_TRUE(b.timed_out());
  EXPECT_TRUE(b.status().ok());
}

TEST(ProcessMemoryBlocks, AProcessThatExitsEndsTheIterationWithNotFound) {
  FakeProcess p;
  p.memory[0x10000] = std::string(0x3000, 'a');
  p.memory_gone_midway = true;
  testing::FakeMemory mem(p);
  MemoryScanOptions o;
  o.block_bytes = 0x1000;
  ProcessMemoryBlocks b(mem, {*ParseMapsLine("10000-13000 rw-p 0 00:00 0")}, o);
  EXPECT_EQ(ReadAll(b).size(), 1u);
  EXPECT_EQ(b.status().code(), Status::Code::kNotFound);
}

TEST(ProcessSource, ReadsAProcessAndConfirmsItByStartTime) {
  FakeProcessTable table;
  FakeProcess p;
  p.stat = {FakeStat(42, "x", 7, 250), FakeStat(42, "y", 7, 900)};
  p.files["status"] = "Uid:\t0\t0\t0\t0\n";
  p.files["cmdline"] = std::string("/bin/x\0-v\0", 10);
  p.exe_link = "/bin/x";
  table.procs[42] = p;
  auto info = ReadProcess(table, platform::LocalFileSystem(), 42, BootTime(table));
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->attrs.ppid, 7);
  EXPECT_EQ(info->attrs.name, "x");
  EXPECT_EQ(info->attrs.cmdline, "/bin/x -v");
  EXPECT_EQ(info->attrs.user, "root");
  EXPECT_EQ(info->attrs.start_time, 1700000000 + 2);
  EXPECT_EQ(info->exe_link, "/bin/x");
  EXPECT_FALSE(SameProcess(table, *info));  // start time 900 now: another process
  EXPECT_EQ(ReadProcess(table, platform::LocalFileSystem(), 43, 0).status().code(),
            Status::Code::kNotFound);
}

TEST(ProcessSource, ExecutablePathDropsDeleted) {
  EXPECT_EQ(ExecutablePath("/tmp/x (deleted)"), "/tmp/x");
  EXPECT_EQ(ExecutablePath("/usr/bin/x"), "/usr/bin/x");
}

}  // namespace
}  // namespace harrier
