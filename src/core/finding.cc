#include "core/finding.h"

namespace harrier {

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kNone: return "none";
    case Level::kNotice: return "notice";
    case Level::kWarning: return "warning";
    case Level::kAlert: return "alert";
  }
  return "none";
}

std::string_view LevelLabel(Level level) {
  switch (level) {
    case Level::kNone: return "CLEAN";
    case Level::kNotice: return "NOTICE";
    case Level::kWarning: return "WARNING";
    case Level::kAlert: return "ALERT";
  }
  return "CLEAN";
}

std::string_view SkipReasonName(SkipReason r) {
  switch (r) {
    case SkipReason::kSize: return "size";
    case SkipReason::kType: return "type";
    case SkipReason::kExcluded: return "excluded";
    case SkipReason::kPermission: return "permission";
    case SkipReason::kSpecialFile: return "special_file";
    case SkipReason::kSymlink: return "symlink";
    case SkipReason::kPseudoFs: return "pseudo_fs";
    case SkipReason::kOtherFs: return "other_fs";
    case SkipReason::kNetworkFs: return "network_fs";
    case SkipReason::kTimeout: return "timeout";
    case SkipReason::kError: return "error";
    case SkipReason::kCount: break;
  }
  return "unknown";
}

uint64_t ScanSummary::skipped_total() const {
  uint64_t t = 0;
  for (auto v : skipped) t += v;
  return t;
}

bool ScanSummary::incomplete() const {
  return interrupted || errors > 0 ||
         skipped[static_cast<size_t>(SkipReason::kPermission)] > 0 ||
         skipped[static_cast<size_t>(SkipReason::kTimeout)] > 0 ||
         skipped[static_cast<size_t>(SkipReason::kError)] > 0;
}

int ExitCodeFor(const ScanSummary& s) {
  if (s.findings[static_cast<size_t>(Level::kWarning)] > 0 ||
      s.findings[static_cast<size_t>(Level::kAlert)] > 0)
    return kExitFindings;
  if (s.incomplete()) return kExitIncomplete;
  return kExitClean;
}

}  // namespace harrier
