// PE / Authenticode parser: headers, certificate table walk, PKCS#7 decode
// (OpenSSL), version resource, and the checks built on them.
#include <algorithm>

#include "checks/authenticode.h"
#include "checks/native.h"
#include "checks/pe.h"
#include "fuzz/fuzz_check_data.h"
#include "fuzz/fuzz_context.h"
#include "fuzz/fuzz_target.h"

HARRIER_FUZZ_TARGET(pe)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::span<const uint8_t> in(data, size);
  auto pe = pe::Parse(in);
  if (pe.ok()) {
    (void)pe::ReadVersionInfo(*pe, in);
    for (uint64_t i = 0; i < 4 && i < pe->dirs.size(); ++i)
      (void)pe->RvaToOffset(pe->dirs[i].address, 16, size);
    if (pe->security) {
      for (const auto& c : pe->security->certs) {
        if (c.der_length == 0 || c.offset + 8 > size) continue;
        uint64_t len = std::min<uint64_t>(c.der_length, size - c.offset - 8);
        (void)authenticode::DecodeSigner(in.subspan(c.offset + 8, len));
      }
    }
  }
  // The raw input as a PKCS#7 blob too, so the decoder sees arbitrary DER.
  (void)authenticode::DecodeSigner(in);
  static const auto auth = MakeAuthenticodeCheck(&fuzz::Data());
  static const auto inv = MakeInventoryCheck(&fuzz::Data());
  fuzz::RunCheck(*auth, data, size,
                 "/mnt/win/Users/u/AppData/Local/Programs/3CXDesktopApp/app/3CXDesktopApp.exe");
  fuzz::RunCheck(*inv, data, size, "/mnt/win/tt/x_trader/bin/X_TRADER_setup.exe", "EXE");
  return 0;
}
