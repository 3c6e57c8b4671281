#include "checks/check.h"
#include "checks/check_data.h"
#include "checks/native.h"

namespace harrier {

CheckRegistry DefaultChecks(std::shared_ptr<const CheckData> data) {
  CheckRegistry r;
  if (!data) return r;
  r.Add(MakeAuthenticodeCheck(data.get()));
  r.Add(MakeDeadDropIconCheck(data.get()));
  r.Add(MakeInventoryCheck(data.get()));
  r.Add(MakeDpkgCheck(data.get()));
  r.Add(MakeRpmCheck(data.get()));
  r.Hold(std::move(data));
  return r;
}

}  // namespace harrier
