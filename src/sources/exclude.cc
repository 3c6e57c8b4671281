#include "sources/exclude.h"

#include <fmt/format.h>

#include "platform/fs.h"

namespace harrier {
namespace {
// Windows paths (the Windows build): '\' and '/' both separate, and names
// compare without regard to case, so a glob matches as Explorer would.
#ifdef _WIN32
constexpr bool kWindowsPaths = true;
#else
constexpr bool kWindowsPaths = false;
#endif
constexpr std::string_view kSeparators = kWindowsPaths ? "/\\" : "/";
}  // namespace

std::string ExcludeMatcher::GlobToRegex(std::string_view glob) {
  std::string re = kWindowsPaths ? "(?i)^" : "^";
  const std::string not_sep = kWindowsPaths ? "[^/\\\\]" : "[^/]";
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c == '*') {
      if (i + 1 < glob.size() && glob[i + 1] == '*') {
        re += ".*";
        ++i;
      } else {
        re += not_sep + "*";
      }
    } else if (c == '?') {
      re += not_sep;
    } else if (kWindowsPaths && (c == '/' || c == '\\')) {
      re += "[/\\\\]";
    } else if (c == '[') {
      size_t close = glob.find(']', i + 1);
      if (close == std::string_view::npos) {
        re += "\\[";
      } else {
        std::string cls(glob.substr(i + 1, close - i - 1));
        if (!cls.empty() && cls[0] == '!') cls[0] = '^';
        re += "[" + cls + "]";
        i = close;
      }
    } else if (std::string_view("\\.+()|{}^$").find(c) != std::string_view::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  re += "$";
  return re;
}

Status ExcludeMatcher::Add(std::string_view pattern) {
  if (pattern.starts_with("re:")) {
    auto r = path_set_.Add(pattern.substr(3));
    if (!r.ok()) return Status::InvalidArgument(fmt::format("bad exclude regex '{}': {}", pattern, r.status().message()));
    return Status::Ok();
  }
  std::string re = GlobToRegex(pattern);
  bool has_slash = pattern.find_first_of(kSeparators) != std::string_view::npos;
  auto r = has_slash ? path_set_.Add(re) : name_set_.Add(re);
  if (!r.ok()) return Status::InvalidArgument(fmt::format("bad exclude glob '{}': {}", pattern, r.status().message()));
  return Status::Ok();
}

Status ExcludeMatcher::AddFile(const std::string& path) {
  auto text = platform::ReadTextFile(path, 16 << 20);
  if (!text.ok()) return text.status();
  size_t line_no = 0;
  std::string_view rest = *text;
  while (!rest.empty()) {
    ++line_no;
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
      line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line[0] == '#') continue;
    Status s = Add(line);
    if (!s.ok()) return Status::InvalidArgument(fmt::format("{}:{}: {}", path, line_no, s.message()));
  }
  return Status::Ok();
}

Status ExcludeMatcher::Compile() {
  Status s = path_set_.Compile();
  if (!s.ok()) return s;
  return name_set_.Compile();
}

bool ExcludeMatcher::Matches(std::string_view path) const {
  std::vector<int> hits;
  path_set_.Match(path, &hits);
  if (!hits.empty()) return true;
  auto slash = path.find_last_of(kSeparators);
  std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
  name_set_.Match(name, &hits);
  return !hits.empty();
}

}  // namespace harrier
