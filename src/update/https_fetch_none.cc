// https_fetch.h for a build without libcurl (HARRIER_WITH_CURL=OFF, the
// Windows build): every download answers Unsupported, so `harrier update`
// says that it cannot download in this build.
#include "update/https_fetch.h"

namespace harrier {

Result<std::string> HttpsGet(const std::string&, const FetchOptions&) {
  return Status::Unsupported(
      "downloading signatures is not available in this build (no HTTPS client built in)");
}

}  // namespace harrier
