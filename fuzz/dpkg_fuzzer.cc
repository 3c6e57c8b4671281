// The dpkg status parser (untrusted: it comes from the scanned host or
// image), Debian version order, and the dpkg inventory check. Asserts that
// parsed fields respect their bounds and that version order is antisymmetric.
#include <cstdlib>

#include "checks/dpkg.h"
#include "checks/dpkg_index.h"
#include "checks/native.h"
#include "fuzz/fuzz_check_data.h"
#include "fuzz/fuzz_context.h"
#include "fuzz/fuzz_target.h"

HARRIER_FUZZ_TARGET(dpkg)(const uint8_t* data, size_t size) {
  using namespace harrier;
  auto r = dpkg::ParseStatus(std::span<const uint8_t>(data, size));
  if (r.packages.size() > dpkg::kMaxPackages) std::abort();
  for (size_t i = 0; i < r.packages.size(); ++i) {
    const auto& p = r.packages[i];
    if (p.name.empty() || p.name.size() > dpkg::kMaxFieldBytes ||
        p.version.size() > dpkg::kMaxFieldBytes || p.source.size() > dpkg::kMaxFieldBytes)
      std::abort();
    if (i > 0 && i < 64) {
      const auto& q = r.packages[i - 1];
      int a = dpkg::CompareVersions(p.version, q.version);
      int b = dpkg::CompareVersions(q.version, p.version);
      if ((a > 0) != (b < 0) || (a == 0) != (b == 0)) std::abort();
    }
  }
  for (const auto& l : dpkg::ParseMd5sums(std::span<const uint8_t>(data, size)))
    if (l.md5.size() != 32 || l.path.empty() || l.path.size() > 4096 || l.path[0] == '/')
      std::abort();
  static const auto check = MakeDpkgCheck(&fuzz::Data());
  fuzz::RunCheck(*check, data, size, "/mnt/img/var/lib/dpkg/status");
  return 0;
}
