// The archive source (src/sources/archive_source.h): libarchive over the
// input in memory, with a sink that opens nested containers the way the
// pipeline's MemberScan does (DetectContainer, then ExpandContainer one level
// deeper, up to the depth limit), under small limits so that bombs end fast.
// Invariants, checked on every input (a violation traps):
//  * every member the sink sees is an archive member one level below its
//    container, its chain extends the container's;
//  * no member read is larger than the member limit, its recorded size is
//    its data size, and its bytes are readable (summed: ASan sees a bad span);
//  * all levels together read at most --archive-max-total bytes;
//  * ExpandResult.members counts exactly the members reported (read or
//    skipped), and nothing is reported from data that is no container.
#include <atomic>
#include <cstdint>
#include <span>

#include "core/finding.h"
#include "fuzz/fuzz_target.h"
#include "sources/archive_source.h"

namespace {

using namespace harrier;

ContainerLimits FuzzLimits() {
  ContainerLimits l;
  l.max_depth = 3;
  l.max_members = 64;
  l.max_total_bytes = 4ULL << 20;
  l.max_ratio = 50;
  l.ratio_floor_bytes = 1ULL << 20;
  l.max_member_bytes = 256ULL << 10;
  return l;
}

struct Totals {
  uint64_t bytes_read = 0;
  uint64_t checksum = 0;  // keeps the reads of member bytes alive
};

class FuzzSink final : public MemberSink {
 public:
  FuzzSink(const Subject& container, int depth, const ContainerLimits& limits,
           ContainerBudget& budget, Totals& totals, const std::atomic<bool>& cancel)
      : container_(container),
        depth_(depth),
        limits_(limits),
        budget_(budget),
        totals_(totals),
        cancel_(cancel) {}

  bool OnMember(Subject m, std::span<const uint8_t> data) override {
    ++reported_;
    CheckMember(m);
    if (data.size() > limits_.max_member_bytes) __builtin_trap();
    if (m.file.size != data.size()) __builtin_trap();
    totals_.bytes_read += data.size();
    if (totals_.bytes_read > limits_.max_total_bytes) __builtin_trap();
    for (uint8_t b : data) totals_.checksum += b;
    if (depth_ < limits_.max_depth) Expand(m, data, depth_, limits_, budget_, totals_, cancel_);
    return true;
  }

  void OnMemberSkipped(Subject m, SkipReason why, std::string detail) override {
    ++reported_;
    CheckMember(m);
    if (why == SkipReason::kCount) __builtin_trap();
  }

  uint64_t reported() const { return reported_; }

  // Opens `data` of `container` (at `depth`: 0 for the fuzz input) when it
  // is a container, as MemberScan::Expand does.
  static void Expand(const Subject& container, std::span<const uint8_t> data, int depth,
                     const ContainerLimits& limits, ContainerBudget& budget, Totals& totals,
                     const std::atomic<bool>& cancel) {
    auto format = DetectContainer(data);
    if (!format) return;
    FuzzSink sink(container, depth + 1, limits, budget, totals, cancel);
    ExpandResult r = ExpandContainer(container, data, *format, limits, budget, sink, cancel);
    if (r.members != sink.reported()) __builtin_trap();
    if (!r.opened && sink.reported() != 0) __builtin_trap();
  }

 private:
  void CheckMember(const Subject& m) const {
    if (m.kind != SubjectKind::kArchiveMember) __builtin_trap();
    if (m.containers.size() != static_cast<size_t>(depth_)) __builtin_trap();
    for (size_t i = 0; i < container_.containers.size(); ++i)
      if (!(m.containers[i] == container_.containers[i])) __builtin_trap();
    if (m.containers.back().path != container_.path) __builtin_trap();
    if (m.containers.back().format.empty()) __builtin_trap();
  }

  const Subject& container_;
  int depth_;
  const ContainerLimits& limits_;
  ContainerBudget& budget_;
  Totals& totals_;
  const std::atomic<bool>& cancel_;
  uint64_t reported_ = 0;
};

}  // namespace

HARRIER_FUZZ_TARGET(archive_source)(const uint8_t* data, size_t size) {
  static const ContainerLimits limits = FuzzLimits();
  static const std::atomic<bool> cancel{false};
  Subject file;
  file.path = file.display_root = "/evidence/input.bin";
  file.name = "input.bin";
  file.file.size = size;
  ContainerBudget budget{limits.max_total_bytes};
  Totals totals;
  FuzzSink::Expand(file, std::span<const uint8_t>(data, size), 0, limits, budget, totals, cancel);
  if (budget.bytes_left > limits.max_total_bytes) __builtin_trap();
  asm volatile("" : : "r"(totals.checksum));  // the member bytes were really read
  return 0;
}
