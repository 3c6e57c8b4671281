#include "checks/check.h"

namespace harrier {

CheckRegistry DefaultChecks() {
  CheckRegistry r;
  // Native checks register here (issue 3: Authenticode padding, ICONIC icons,
  // 3CX / X_Trader inventory).
  return r;
}

}  // namespace harrier
