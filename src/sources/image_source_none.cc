// image_source.h for a build without The Sleuth Kit (HARRIER_WITH_IMAGES=OFF,
// the Windows build). An image given with --image is not opened (an error:
// the scan is incomplete). An image found inside a tree or an archive
// (LooksLikeDiskImage, as in every build) is reported as one volume skipped
// "unsupported", so it is counted, never silently passed over.
#include "sources/image_source.h"

namespace harrier {
namespace {
constexpr const char* kNoImages = "disk images: unsupported in this build (no libtsk)";
}  // namespace

ImageResult ScanImage(const Subject&, const std::string&, const ImageOptions&, ImageSink&,
                      const std::atomic<bool>&) {
  ImageResult r;
  r.error = kNoImages;
  return r;
}

ImageResult ScanImageBuffer(const Subject&, std::span<const uint8_t> data, const ImageOptions&,
                            ImageSink& sink, const std::atomic<bool>&) {
  VolumeReport v;
  v.name = "image";
  v.size = data.size();
  v.skipped = SkipReason::kUnsupported;
  v.detail = kNoImages;
  sink.OnVolume(v);
  ImageResult r;
  r.opened = true;
  r.format = "raw";
  r.volumes = 1;
  return r;
}

}  // namespace harrier
