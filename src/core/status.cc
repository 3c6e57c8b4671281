#include "core/status.h"

namespace harrier {

std::string_view CodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "OK";
    case Status::Code::kNotFound: return "not found";
    case Status::Code::kPermissionDenied: return "permission denied";
    case Status::Code::kInvalidArgument: return "invalid argument";
    case Status::Code::kIoError: return "I/O error";
    case Status::Code::kCorrupt: return "corrupt";
    case Status::Code::kUnsupported: return "unsupported";
    case Status::Code::kCancelled: return "cancelled";
    case Status::Code::kTimeout: return "timeout";
    case Status::Code::kResourceExhausted: return "resource exhausted";
    case Status::Code::kChanged: return "changed during scan";
  }
  return "unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string s(CodeName(code_));
  if (!message_.empty()) {
    s += ": ";
    s += message_;
  }
  return s;
}

}  // namespace harrier
