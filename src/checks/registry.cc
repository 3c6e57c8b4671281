#include "checks/check.h"
#include "checks/check_data.h"
#include "checks/native.h"

namespace harrier {

CheckRegistry DefaultChecks(std::shared_ptr<const CheckData> data,
                            const PackageDbLimits& limits) {
  CheckRegistry r;
  if (!data) return r;
  r.Add(MakeAuthenticodeCheck(data.get()));
  r.Add(MakeDeadDropIconCheck(data.get()));
  r.Add(MakeInventoryCheck(data.get()));
  r.Add(MakeDpkgCheck(data.get(), limits));
  r.Add(MakeRpmCheck(data.get(), limits));
  r.Hold(std::move(data));
  return r;
}

}  // namespace harrier
