// Disk images held in memory (sources/image_source.h): libtsk's partition
// table and file-system parsers (MBR, GPT, NTFS, FAT, exFAT, ext2/3/4,
// HFS+, ISO 9660, APFS) behind ScanImageBuffer, the directory walk, named
// data streams, and the magic check LooksLikeDiskImage. The oracle: every
// entry is reported once, read entries hold at most their limit, and the
// sink's counts agree.
#include <atomic>

#include "fuzz/fuzz_target.h"
#include "sources/image_source.h"

namespace {

class CountingSink final : public harrier::ImageSink {
 public:
  uint64_t entries = 0, skipped = 0, volumes = 0;
  bool OnEntry(harrier::Subject e, std::vector<uint8_t> content) override {
    ++entries;
    if (content.size() > kMaxEntry || e.kind != harrier::SubjectKind::kImageEntry ||
        e.containers.size() < 2)
      __builtin_trap();
    return entries < 10000;
  }
  void OnEntrySkipped(harrier::Subject, harrier::SkipReason, std::string) override { ++skipped; }
  void OnVolume(const harrier::VolumeReport&) override { ++volumes; }
  static constexpr uint64_t kMaxEntry = 1 << 20;
};

}  // namespace

HARRIER_FUZZ_TARGET(image_source)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::span<const uint8_t> in(data, size);
  (void)LooksLikeDiskImage(in);
  ImageOptions opts;
  opts.max_entry_bytes = CountingSink::kMaxEntry;
  opts.deleted = size % 2 == 1;  // both walks, chosen by the input
  Subject image;
  image.path = "fuzz.img";
  image.name = "fuzz.img";
  CountingSink sink;
  std::atomic<bool> cancel{false};
  ImageResult r = ScanImageBuffer(image, in, opts, sink, cancel);
  if (!r.opened && (sink.entries || sink.volumes)) __builtin_trap();
  if (r.volumes > sink.volumes) __builtin_trap();
  return 0;
}
