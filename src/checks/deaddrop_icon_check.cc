// "icon.iconic_deaddrop": see native.h and docs/checks.md.
#include <fmt/format.h>

#include "checks/ico.h"
#include "checks/native.h"

namespace harrier {
namespace {

class DeadDropIconCheck final : public Check {
 public:
  explicit DeadDropIconCheck(const CheckData* d) : d_(d) {}
  std::string_view id() const override { return "icon.iconic_deaddrop"; }

  void Run(const FileContext& ctx, std::vector<Reason>* out) const override {
    const IconData& ic = d_->icon;
    if (!ic.enabled || ctx.data.size() < 6) return;
    // Cheap pre-filter on the magic before parsing: ICO/CUR or PNG.
    bool ico = ctx.data[0] == 0 && ctx.data[1] == 0 && (ctx.data[2] == 1 || ctx.data[2] == 2) &&
               ctx.data[3] == 0;
    bool png =
        ctx.data[0] == 0x89 && ctx.data[1] == 'P' && ctx.data[2] == 'N' && ctx.data[3] == 'G';
    if (!ico && !png) return;
    auto layout = ico::Parse(ctx.data);
    if (!layout.ok()) return;
    for (const auto& t : layout->trailers) {
      auto tail = ctx.data.subspan(t.offset, t.size);
      // The marker may follow a few bytes of slack; look in the first 16.
      std::string_view hay(reinterpret_cast<const char*>(tail.data()),
                           std::min<size_t>(tail.size(), 16 + ic.marker.size()));
      size_t m = hay.find(ic.marker);
      if (m == std::string_view::npos) continue;
      auto after = tail.subspan(m + ic.marker.size());
      size_t run = ico::Base64Run(after);
      if (run < ic.min_base64_chars) continue;
      auto decoded = ico::Base64DecodedSize(after.first(run));
      if (!decoded) continue;
      Reason r;
      r.kind = ReasonKind::kCheck;
      r.name = "icon.iconic_deaddrop";
      r.score = ic.score;
      bool layout_ok = *decoded > ic.layout_prefix_bytes;
      r.description = fmt::format(
          "{} file carries '{}' + {} base64 characters ({} bytes decoded) after its image data: "
          "the "
          "3CX ICONIC dead-drop format (encrypted C2 URL){}",
          layout->kind == ico::ImageLayout::Kind::kPng ? "PNG" : "ICO", ic.marker, run, *decoded,
          layout_ok ? fmt::format("; {} bytes of ciphertext after the {}-byte header",
                                  *decoded - ic.layout_prefix_bytes, ic.layout_prefix_bytes)
                    : "");
      r.source = ic.source;
      r.remediation = ic.remediation;
      r.details.emplace_back("image_end", fmt::format("{:#x}", layout->image_end));
      r.details.emplace_back("marker_offset", fmt::format("{:#x}", t.offset + m));
      r.details.emplace_back("base64_chars", std::to_string(run));
      r.details.emplace_back("decoded_bytes", std::to_string(*decoded));
      r.details.emplace_back(
          "base64_prefix",
          std::string(reinterpret_cast<const char*>(after.data()), std::min<size_t>(run, 24)));
      out->push_back(std::move(r));
      return;
    }
  }

 private:
  const CheckData* d_;
};

}  // namespace

std::unique_ptr<Check> MakeDeadDropIconCheck(const CheckData* data) {
  return std::make_unique<DeadDropIconCheck>(data);
}

}  // namespace harrier
