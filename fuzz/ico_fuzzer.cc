// ICO/PNG layout parser, base64 scanning and the dead-drop icon check.
#include "checks/ico.h"
#include "checks/native.h"
#include "fuzz/fuzz_check_data.h"
#include "fuzz/fuzz_context.h"
#include "fuzz/fuzz_target.h"

HARRIER_FUZZ_TARGET(ico)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::span<const uint8_t> in(data, size);
  auto l = ico::Parse(in);
  if (l.ok()) {
    for (const auto& t : l->trailers) {
      if (t.offset > size || t.size > size - t.offset)
        __builtin_trap();  // invariant: inside the input
      auto run = ico::Base64Run(in.subspan(t.offset, t.size));
      (void)ico::Base64DecodedSize(in.subspan(t.offset, run));
    }
  }
  (void)ico::PngEnd(in);
  static const auto check = MakeDeadDropIconCheck(&fuzz::Data());
  fuzz::RunCheck(*check, data, size, "/tmp/icon.ico", "ICO");
  return 0;
}
