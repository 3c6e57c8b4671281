#include "checks/plist.h"

namespace harrier::plist {
namespace {

std::string Decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '&') {
      out.push_back(s[i++]);
      continue;
    }
    static constexpr std::pair<std::string_view, char> kEnt[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (auto [e, c] : kEnt) {
      if (s.substr(i, e.size()) == e) {
        out.push_back(c);
        i += e.size();
        done = true;
        break;
      }
    }
    if (!done) out.push_back(s[i++]);
  }
  return out;
}

// A tag at `pos` ("<name>", "</name>", "<name/>"); returns its name and the
// offset after '>'. Comments, processing instructions and DOCTYPE are
// reported with an empty name.
struct Tag {
  std::string_view name;
  bool closing = false, self_closing = false;
  size_t end = std::string_view::npos;
};

Tag NextTag(std::string_view s, size_t pos) {
  Tag t;
  if (s.substr(pos, 4) == "<!--") {
    size_t e = s.find("-->", pos + 4);
    t.end = e == std::string_view::npos ? e : e + 3;
    return t;
  }
  size_t e = s.find('>', pos);
  if (e == std::string_view::npos) return t;
  t.end = e + 1;
  std::string_view body = s.substr(pos + 1, e - pos - 1);
  if (body.empty() || body[0] == '?' || body[0] == '!') return t;
  if (body[0] == '/') t.closing = true, body.remove_prefix(1);
  if (!body.empty() && body.back() == '/') t.self_closing = true, body.remove_suffix(1);
  size_t sp = body.find_first_of(" \t\r\n");
  t.name = body.substr(0, sp);
  return t;
}

}  // namespace

Result<std::vector<std::pair<std::string, std::string>>> TopLevelStrings(
    std::span<const uint8_t> data) {
  std::string_view s(reinterpret_cast<const char*>(data.data()), data.size());
  if (s.substr(0, 8) == "bplist00") return Status::Unsupported("binary plist");
  if (s.find("<plist") == std::string_view::npos)
    return Status::InvalidArgument("not an XML plist");
  std::vector<std::pair<std::string, std::string>> out;
  int depth = 0;  // dict/array nesting; the top-level dict is depth 1
  std::string pending_key;
  bool have_key = false;
  size_t pos = 0;
  while ((pos = s.find('<', pos)) != std::string_view::npos) {
    Tag t = NextTag(s, pos);
    if (t.end == std::string_view::npos) break;
    size_t after = t.end;
    if (t.name == "dict" || t.name == "array") {
      if (t.self_closing) {
        have_key = false;
      } else if (t.closing) {
        --depth;
      } else {
        ++depth;
        if (depth > 1) have_key = false;  // a nested container is the pending key's value
      }
    } else if (!t.closing && !t.self_closing && (t.name == "key" || t.name == "string")) {
      size_t close = s.find("</", after);
      if (close == std::string_view::npos) break;
      std::string text = Decode(s.substr(after, close - after));
      if (depth == 1) {
        if (t.name == "key") {
          pending_key = std::move(text);
          have_key = true;
        } else if (have_key) {
          out.emplace_back(std::move(pending_key), std::move(text));
          have_key = false;
        }
      }
      size_t ce = s.find('>', close);
      after = ce == std::string_view::npos ? s.size() : ce + 1;
    } else if (!t.closing && depth == 1 && !t.name.empty()) {
      have_key = false;  // <true/>, <integer>, ... : a non-string value
    }
    pos = after;
  }
  return out;
}

std::optional<std::string> Find(const std::vector<std::pair<std::string, std::string>>& kv,
                                std::string_view key) {
  for (const auto& [k, v] : kv)
    if (k == key) return v;
  return std::nullopt;
}

}  // namespace harrier::plist
