// Slow reference twin of FindC2Matches (src/signatures/c2_indicator.h),
// written again from that header's contract with plain RE2 and sharing no
// code or YARA modifiers with the product: one RE2 pattern per indicator
// form (ascii, wide), tried anchored at every offset of the data, plus one
// for the unit before it. Quadratic; for small test inputs and ASCII
// indicators only.
#pragma once

#include <re2/re2.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace harrier::testing {

struct C2RefMatch {
  uint64_t offset = 0;
  size_t length = 0;
  bool operator==(const C2RefMatch&) const = default;
};

// The patterns of one indicator; Matches gives every place (ascending
// offset) where it matches `data`.
class C2Reference {
 public:
  explicit C2Reference(std::string_view indicator) : length_(indicator.size()) {
    RE2::Options latin1;
    latin1.set_encoding(RE2::Options::EncodingLatin1);
    latin1.set_dot_nl(true);
    latin1.set_log_errors(false);

    const bool url = RE2::PartialMatch(indicator, R"(^[A-Za-z][A-Za-z0-9+.\-]*://)");
    std::string_view after_scheme = url ? indicator.substr(indicator.find("://") + 3) : indicator;
    const bool prefix = RE2::PartialMatch(after_scheme, "[/?#]");
    std::string host;
    const bool ipv4 = !url && RE2::PartialMatch(indicator, R"(^([^/?#:]*))", &host) &&
                      RE2::FullMatch(host, R"([0-9]{1,3}(\.[0-9]{1,3}){3})");
    // Characters that may not come right before the indicator.
    const std::string left_set = url    ? R"(A-Za-z0-9+.\-)"
                                 : ipv4 ? R"(A-Za-z0-9_.\-)"
                                        : R"(A-Za-z0-9_\-)";

    std::string body = "(?i:" + RE2::QuoteMeta(indicator) + ")";
    if (!prefix) body += R"((?:$|[^A-Za-z0-9_.\-]|\.(?:$|[^A-Za-z0-9_\-])))";
    forms_.push_back({1, std::make_unique<RE2>("[^" + left_set + "]", latin1),
                      std::make_unique<RE2>(body, latin1)});

    // A wide unit that is not an ASCII character: any byte, then not 0.
    const std::string other = R"([\x00-\xff][\x01-\xff])";
    std::string wide_body;
    for (char c : indicator) wide_body += "(?i:" + RE2::QuoteMeta(std::string(1, c)) + R"()\x00)";
    if (!prefix)
      wide_body += R"((?:$|[\x00-\xff]$|[^A-Za-z0-9_.\-]\x00|)" + other +
                   R"(|\.\x00(?:$|[\x00-\xff]$|[^A-Za-z0-9_\-]\x00|)" + other + "))";
    forms_.push_back({2,
                      std::make_unique<RE2>("(?:[^" + left_set + R"(]\x00|)" + other + ")", latin1),
                      std::make_unique<RE2>(wide_body, latin1)});
  }

  bool ok() const {
    for (const auto& f : forms_)
      if (!f.before->ok() || !f.body->ok()) return false;
    return true;
  }

  std::vector<C2RefMatch> Matches(std::string_view data) const {
    std::vector<C2RefMatch> out;
    for (const Form& f : forms_) {
      for (size_t p = 0; p < data.size(); ++p) {
        if (p >= f.width && !RE2::FullMatch(data.substr(p - f.width, f.width), *f.before)) continue;
        if (!f.body->Match(data, p, data.size(), RE2::ANCHOR_START, nullptr, 0)) continue;
        out.push_back({p, length_ * f.width});
      }
    }
    std::sort(out.begin(), out.end(),
              [](const C2RefMatch& a, const C2RefMatch& b) { return a.offset < b.offset; });
    return out;
  }

 private:
  struct Form {
    size_t width;
    std::unique_ptr<RE2> before;  // matches the unit before a match
    std::unique_ptr<RE2> body;    // anchored at a match: the indicator and what may follow
  };
  size_t length_;
  std::vector<Form> forms_;
};

inline std::vector<C2RefMatch> C2ReferenceMatches(std::string_view indicator,
                                                  std::string_view data) {
  return C2Reference(indicator).Matches(data);
}

}  // namespace harrier::testing
