#include "update/member_path.h"

#include <fmt/format.h>

namespace harrier {

Result<std::string> ConfineMemberPath(std::string_view name) {
  if (name.size() > kMaxMemberPathBytes)
    return Status::InvalidArgument(fmt::format("name longer than {} bytes", kMaxMemberPathBytes));
  if (!name.empty() && name.front() == '/') return Status::InvalidArgument("absolute path");
  for (unsigned char c : name) {
    if (c == '\\') return Status::InvalidArgument("backslash in the name");
    if (c < 0x20 || c == 0x7f) return Status::InvalidArgument("control character in the name");
  }
  std::string out;
  size_t depth = 0;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t end = name.find('/', pos);
    if (end == std::string_view::npos) end = name.size();
    std::string_view part = name.substr(pos, end - pos);
    pos = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return Status::InvalidArgument("'..' leaves the folder");
    if (part.size() > kMaxMemberComponentBytes)
      return Status::InvalidArgument(
          fmt::format("a name component longer than {} bytes", kMaxMemberComponentBytes));
    if (++depth > kMaxMemberPathDepth)
      return Status::InvalidArgument(fmt::format("deeper than {} folders", kMaxMemberPathDepth));
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return Status::InvalidArgument("empty name");
  // On the normalised name, so that "./C:x" (which normalises to "C:x", a
  // drive-relative path on Windows) is refused as "C:x" is.
  if (out.size() >= 2 && out[1] == ':' &&
      ((out[0] >= 'A' && out[0] <= 'Z') || (out[0] >= 'a' && out[0] <= 'z')))
    return Status::InvalidArgument("absolute path (drive letter)");
  return out;
}

}  // namespace harrier
