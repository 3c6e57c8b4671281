// The rpm header-blob parser (untrusted: installed-package headers from the
// scanned host or image), RPM version order and the rpmdb.sqlite reader with
// the rpm inventory check. Asserts that parsed fields respect their bounds
// and that version and EVR order are antisymmetric.
#include <cstdlib>

#include "checks/native.h"
#include "checks/rpm.h"
#include "checks/rpmdb.h"
#include "fuzz/fuzz_check_data.h"
#include "fuzz/fuzz_context.h"
#include "fuzz/fuzz_target.h"

namespace {

void CheckOrder(std::string_view a, std::string_view b) {
  using namespace harrier;
  int x = rpm::CompareVersions(a, b), y = rpm::CompareVersions(b, a);
  if (x < -1 || x > 1 || x != -y) std::abort();
  if (rpm::CompareVersions(a, a) != 0) std::abort();
  rpm::Evr ea = rpm::ParseEvr(a), eb = rpm::ParseEvr(b);
  if (rpm::CompareEvr(ea, eb) != -rpm::CompareEvr(eb, ea)) std::abort();
}

}  // namespace

HARRIER_FUZZ_TARGET(rpm)(const uint8_t* data, size_t size) {
  using namespace harrier;
  std::span<const uint8_t> in(data, size);
  if (auto p = rpm::ParseHeaderBlob(in); p.ok()) {
    for (const std::string* f : {&p->name, &p->version, &p->release, &p->arch, &p->sourcerpm})
      if (f->size() > rpm::kMaxFieldBytes) std::abort();
    if (p->name.empty() || p->version.empty()) std::abort();
    CheckOrder(p->version, p->release);
    CheckOrder(p->Evr(), p->sourcerpm);
    rpm::CompareToBound(*p, rpm::ParseEvr(p->release));
  }
  // The input split in two as a pair of version strings.
  std::string_view text(reinterpret_cast<const char*>(data), size);
  size_t cut = text.find('\n');
  if (cut == std::string_view::npos) cut = size / 2;
  CheckOrder(text.substr(0, cut), text.substr(std::min(size, cut + 1)));
  // As a whole database (only inputs that start like one reach SQLite).
  if (auto db = rpm::ReadSqliteDb(in); db.ok()) {
    if (db->rows > rpm::kMaxPackages || db->packages.size() + db->bad != db->rows) std::abort();
  }
  static const auto check = MakeRpmCheck(&fuzz::Data());
  fuzz::RunCheck(*check, data, size, "/mnt/img/var/lib/rpm/rpmdb.sqlite");
  return 0;
}
