// A process table in memory (platform/proc.h) for tests of the live checks:
// processes that exit between two reads, PIDs reused by another process,
// permission errors as a normal user meets them, memory with holes.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "platform/proc.h"

namespace harrier::testing {

struct FakeProcess {
  // Successive reads of "stat" return these in turn (the last one repeats):
  // a second entry with another start time is a PID reused meanwhile.
  std::vector<std::string> stat;
  // After this many reads of "stat" the process is gone (NotFound for
  // everything); -1 = never.
  int gone_after_stat_reads = -1;
  std::map<std::string, std::string> files;  // "status", "cmdline", "maps", "net/tcp", ...
  std::string exe_link;                       // "" = no executable (kernel thread)
  std::string exe_content;
  platform::StatInfo exe_stat;
  std::vector<std::string> fds;               // link targets
  std::string ns = "net:[4026531840]";
  std::map<uint64_t, std::string> memory;     // address -> bytes
  bool memory_gone_midway = false;            // memory reads after the first fail NotFound
  Status deny;  // when not OK: every read but stat, status and cmdline fails with this
};

// "PID (NAME) S PPID ... start" with flags and start ticks in place.
inline std::string FakeStat(int64_t pid, const std::string& name, int64_t ppid,
                            uint64_t start_ticks, uint64_t flags = 0x400100) {
  return std::to_string(pid) + " (" + name + ") S " + std::to_string(ppid) + " " +
         std::to_string(pid) + " " + std::to_string(pid) + " 0 -1 " + std::to_string(flags) +
         " 0 0 0 0 0 0 0 0 20 0 1 0 " + std::to_string(start_ticks) + " 1000 100\n";
}

class FakeProcessTable final : public platform::ProcessTable {
 public:
  std::map<int64_t, FakeProcess> procs;
  int64_t self = 1;
  std::string proc_stat = "cpu 1 2 3\nbtime 1700000000\n";

  Result<std::vector<int64_t>> ListPids() const override {
    std::vector<int64_t> out;
    for (const auto& [pid, p] : procs) out.push_back(pid);
    return out;
  }
  Result<std::string> ReadFile(int64_t pid, std::string_view name, size_t max) const override {
    std::lock_guard lock(mu_);
    if (pid == 0) {
      if (name == "stat") return proc_stat;
      return Status::NotFound("no such file");
    }
    auto* p = Find(pid);
    if (!p) return Status::NotFound("gone");
    if (name == "stat") {
      int n = stat_reads_[pid]++;
      if (p->gone_after_stat_reads >= 0 && n >= p->gone_after_stat_reads)
        return Status::NotFound("gone");
      return p->stat[std::min<size_t>(static_cast<size_t>(n), p->stat.size() - 1)];
    }
    if (Gone(pid)) return Status::NotFound("gone");
    if (!p->deny.ok() && name != "cmdline" && name != "status") return p->deny;
    auto it = p->files.find(std::string(name));
    if (it == p->files.end()) return Status::NotFound("no such file");
    return it->second.substr(0, max);
  }
  Result<std::string> ReadLink(int64_t pid, std::string_view name) const override {
    std::lock_guard lock(mu_);
    auto* p = Find(pid);
    if (!p || Gone(pid)) return Status::NotFound("gone");
    if (!p->deny.ok()) return p->deny;
    if (name == "exe") {
      if (p->exe_link.empty()) return Status::NotFound("no exe");
      return p->exe_link;
    }
    if (name == "ns/net") return p->ns;
    return Status::NotFound("no such link");
  }
  Result<std::vector<std::string>> ListFdTargets(int64_t pid) const override {
    std::lock_guard lock(mu_);
    auto* p = Find(pid);
    if (!p || Gone(pid)) return Status::NotFound("gone");
    if (!p->deny.ok()) return p->deny;
    return p->fds;
  }
  Result<std::unique_ptr<platform::ReadableFile>> OpenExecutable(int64_t pid) const override;
  Result<std::unique_ptr<platform::ProcessMemory>> OpenMemory(int64_t pid) const override;
  int64_t SelfPid() const override { return self; }
  int64_t ClockTicks() const override { return 100; }

  int stat_reads(int64_t pid) const {
    std::lock_guard lock(mu_);
    auto it = stat_reads_.find(pid);
    return it == stat_reads_.end() ? 0 : it->second;
  }

 private:
  const FakeProcess* Find(int64_t pid) const {
    auto it = procs.find(pid);
    return it == procs.end() ? nullptr : &it->second;
  }
  bool Gone(int64_t pid) const {
    const FakeProcess* p = Find(pid);
    auto it = stat_reads_.find(pid);
    int n = it == stat_reads_.end() ? 0 : it->second;
    return p->gone_after_stat_reads >= 0 && n >= p->gone_after_stat_reads;
  }
  mutable std::mutex mu_;
  mutable std::map<int64_t, int> stat_reads_;
};

class FakeFile final : public platform::ReadableFile {
 public:
  FakeFile(std::string data, platform::StatInfo st) : data_(std::move(data)), st_(st) {
    st_.size = data_.size();
    st_.type = platform::FileType::kRegular;
  }
  const platform::StatInfo& stat() const override { return st_; }
  Result<size_t> Read(std::span<uint8_t> buf) override {
    size_t n = std::min(buf.size(), data_.size() - pos_);
    std::memcpy(buf.data(), data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  Status Seek(uint64_t offset) override {
    pos_ = std::min<size_t>(offset, data_.size());
    return Status::Ok();
  }

 private:
  std::string data_;
  platform::StatInfo st_;
  size_t pos_ = 0;
};

class FakeMemory final : public platform::ProcessMemory {
 public:
  FakeMemory(const FakeProcess& p) : p_(p) {}
  Result<size_t> Read(uint64_t address, std::span<uint8_t> out) override {
    if (p_.memory_gone_midway && reads_++ > 0) return Status::NotFound("gone");
    for (const auto& [base, bytes] : p_.memory) {
      if (address < base || address >= base + bytes.size()) continue;
      size_t off = static_cast<size_t>(address - base);
      size_t n = std::min(out.size(), bytes.size() - off);
      std::memcpy(out.data(), bytes.data() + off, n);
      return n;
    }
    return Status::IoError("hole");
  }

 private:
  const FakeProcess& p_;
  int reads_ = 0;
};

inline Result<std::unique_ptr<platform::ReadableFile>> FakeProcessTable::OpenExecutable(
    int64_t pid) const {
  std::lock_guard lock(mu_);
  auto* p = Find(pid);
  if (!p || Gone(pid) || p->exe_link.empty()) return Status::NotFound("gone");
  if (!p->deny.ok()) return p->deny;
  return std::unique_ptr<platform::ReadableFile>(new FakeFile(p->exe_content, p->exe_stat));
}

inline Result<std::unique_ptr<platform::ProcessMemory>> FakeProcessTable::OpenMemory(
    int64_t pid) const {
  std::lock_guard lock(mu_);
  auto* p = Find(pid);
  if (!p || Gone(pid)) return Status::NotFound("gone");
  if (!p->deny.ok()) return p->deny;
  return std::unique_ptr<platform::ProcessMemory>(new FakeMemory(*p));
}

}  // namespace harrier::testing
