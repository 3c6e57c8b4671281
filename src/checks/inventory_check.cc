// "inventory": see native.h and docs/checks.md.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "checks/native.h"
#include "checks/pe.h"
#include "checks/plist.h"

namespace harrier {
namespace {

std::string Lower(std::string_view s) {
  std::string o(s);
  std::transform(o.begin(), o.end(), o.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return o;
}
bool EqNoCase(std::string_view a, std::string_view b) { return Lower(a) == Lower(b); }
bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  return !needle.empty() && Lower(hay).find(Lower(needle)) != std::string::npos;
}
bool StartsNoCase(std::string_view s, std::string_view prefix) {
  return !prefix.empty() && s.size() >= prefix.size() &&
         EqNoCase(s.substr(0, prefix.size()), prefix);
}
std::string_view BaseName(std::string_view p) {
  auto s = p.find_last_of("/\\");
  return s == std::string_view::npos ? p : p.substr(s + 1);
}
std::vector<std::string_view> Components(std::string_view p) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i <= p.size()) {
    size_t j = p.find_first_of("/\\", i);
    if (j == std::string_view::npos) j = p.size();
    if (j > i) out.push_back(p.substr(i, j - i));
    i = j + 1;
  }
  return out;
}
bool AnyEqNoCase(std::string_view s, const std::vector<std::string>& list) {
  return std::any_of(list.begin(), list.end(),
                     [&](const std::string& x) { return EqNoCase(s, x); });
}

class InventoryCheck final : public Check {
 public:
  explicit InventoryCheck(const CheckData* d) : d_(d) {}
  std::string_view id() const override { return "inventory"; }

  void Run(const FileContext& ctx, std::vector<Reason>* out) const override {
    if (ctx.data.size() >= 2 && ctx.data[0] == 'M' && ctx.data[1] == 'Z') {
      RunPe(ctx, out);
    } else if (EqNoCase(BaseName(ctx.unix_form), "Info.plist")) {
      RunPlist(ctx, out);
    } else if (ctx.filetype == "OLE") {
      Installer(ctx, "MSI/OLE", out);
    }
  }

 private:
  Reason Base(const std::string& name, int score, const std::string& source,
              const std::string& remediation) const {
    Reason r;
    r.kind = ReasonKind::kCheck;
    r.name = name;
    r.score = score;
    r.source = source;
    r.remediation = remediation;
    return r;
  }

  void Product(const ProductData& p, const std::string& platform, const std::string& version,
               const std::vector<std::string>& affected, const char* version_from,
               std::vector<std::pair<std::string, std::string>> details,
               std::vector<Reason>* out) const {
    bool bad = VersionIn(version, affected);
    Reason r = Base("inventory." + p.id, bad ? p.score_affected : p.score_clean, p.source,
                    bad ? p.remediation : p.remediation_clean);
    if (bad) {
      r.description = fmt::format("{} {} {} installed: an affected (trojanized) build", p.name,
                                  platform, version);
    } else {
      r.description =
          fmt::format("{} {} {} installed: {}", p.name, platform,
                      version.empty() ? "(version unknown)" : version,
                      VersionIn(version, p.fixed) ? "a fixed build" : "not in the affected list");
    }
    r.details.emplace_back("product", p.name);
    r.details.emplace_back("platform", platform);
    r.details.emplace_back("version", version);
    r.details.emplace_back("version_from", version_from);
    for (auto& d : details) r.details.push_back(std::move(d));
    out->push_back(std::move(r));
  }

  void RunPe(const FileContext& ctx, std::vector<Reason>* out) const {
    auto pe = pe::Parse(ctx.data);
    if (!pe.ok()) return;
    std::optional<pe::VersionInfo> vi;
    if (auto v = pe::ReadVersionInfo(*pe, ctx.data); v.ok()) vi = std::move(*v);
    std::string_view name = BaseName(ctx.unix_form);

    for (const ProductData& p : d_->products) {
      bool by_resource = vi && AnyEqNoCase(vi->product_name, p.windows_product_names);
      bool by_name = AnyEqNoCase(name, p.windows_exe_names);
      if (!by_resource && !by_name) continue;
      if (p.affected_windows.empty()) continue;
      std::string version;
      const char* from = "";
      if (vi) {
        if (!vi->product_version.empty())
          version = vi->product_version, from = "PE version resource ProductVersion";
        else if (!vi->file_version.empty())
          version = vi->file_version, from = "PE version resource FileVersion";
        else if (!vi->fixed_file_version.empty())
          version = vi->fixed_file_version, from = "PE VS_FIXEDFILEINFO";
      }
      // A file named like the app without a version resource naming it is
      // not an install we can date (e.g. a renamed tool): nothing to report.
      if (version.empty()) continue;
      std::vector<std::pair<std::string, std::string>> det;
      if (vi && !vi->product_name.empty()) det.emplace_back("product_name", vi->product_name);
      if (vi && !vi->company_name.empty()) det.emplace_back("company_name", vi->company_name);
      Product(p, "Windows", version, p.affected_windows, from, std::move(det), out);
    }

    for (const RetiredProductData& rp : d_->retired) {
      std::string why;
      if (vi) {
        for (const std::string* f : {&vi->product_name, &vi->file_description, &vi->internal_name,
                                     &vi->original_filename}) {
          for (const auto& n : rp.product_names) {
            if (ContainsNoCase(*f, n)) {
              why = fmt::format("version resource names the product ('{}')", *f);
              break;
            }
          }
          if (!why.empty()) break;
        }
      }
      if (why.empty()) {
        for (const auto& pre : rp.installer_prefixes)
          if (StartsNoCase(name, pre)) why = fmt::format("installer file name '{}'", name);
      }
      if (why.empty() && !pe->is_dll()) {
        auto comps = Components(ctx.windows_form);
        if (!comps.empty()) comps.pop_back();  // the file itself
        for (auto c : comps)
          if (AnyEqNoCase(c, rp.install_dirs))
            why = fmt::format("executable inside an '{}' folder", c);
      }
      if (why.empty()) continue;
      Reason r = Base("inventory.retired." + rp.id, rp.score, rp.source, rp.remediation);
      r.description =
          fmt::format("{} found ({}): retired product, the entry point of the 3CX / UNC4736 attack",
                      rp.name, why);
      if (vi) {
        if (!vi->product_name.empty()) r.details.emplace_back("product_name", vi->product_name);
        if (!vi->company_name.empty()) r.details.emplace_back("company_name", vi->company_name);
        std::string v = !vi->product_version.empty() ? vi->product_version : vi->file_version;
        if (!v.empty()) r.details.emplace_back("version", v);
      }
      out->push_back(std::move(r));
    }
  }

  // MSI / OLE installers: only the installer-name rule applies.
  void Installer(const FileContext& ctx, const char* kind, std::vector<Reason>* out) const {
    std::string_view name = BaseName(ctx.unix_form);
    for (const RetiredProductData& rp : d_->retired) {
      for (const auto& pre : rp.installer_prefixes) {
        if (!StartsNoCase(name, pre)) continue;
        Reason r = Base("inventory.retired." + rp.id, rp.score, rp.source, rp.remediation);
        r.description = fmt::format(
            "{} installer found ({} file '{}'): retired product, the entry point of the 3CX / "
            "UNC4736 attack",
            rp.name, kind, name);
        out->push_back(std::move(r));
        return;
      }
    }
  }

  void RunPlist(const FileContext& ctx, std::vector<Reason>* out) const {
    auto comps = Components(ctx.unix_form);
    // .../<Bundle>.app/Contents/Info.plist
    std::string_view bundle = comps.size() >= 3 && EqNoCase(comps[comps.size() - 2], "Contents")
                                  ? comps[comps.size() - 3]
                                  : "";
    std::optional<std::vector<std::pair<std::string, std::string>>> kv;
    for (const ProductData& p : d_->products) {
      if (p.affected_macos.empty()) continue;
      bool by_bundle = !bundle.empty() && AnyEqNoCase(bundle, p.macos_bundle_names);
      if (!kv) {
        auto parsed = plist::TopLevelStrings(ctx.data);
        if (!parsed.ok()) return;
        kv = std::move(*parsed);
      }
      auto id = plist::Find(*kv, "CFBundleIdentifier");
      bool by_id = id && AnyEqNoCase(*id, p.macos_bundle_ids);
      if (!by_bundle && !by_id) continue;
      std::string version;
      const char* from = "";
      if (auto v = plist::Find(*kv, "CFBundleShortVersionString"); v && !v->empty()) {
        version = *v, from = "Info.plist CFBundleShortVersionString";
      } else if (auto b = plist::Find(*kv, "CFBundleVersion"); b && !b->empty()) {
        version = *b, from = "Info.plist CFBundleVersion";
      }
      std::vector<std::pair<std::string, std::string>> det;
      if (id) det.emplace_back("bundle_id", *id);
      if (auto b = plist::Find(*kv, "CFBundleVersion")) det.emplace_back("bundle_version", *b);
      Product(p, "macOS", version, p.affected_macos, from, std::move(det), out);
    }
  }

  const CheckData* d_;
};

}  // namespace

std::unique_ptr<Check> MakeInventoryCheck(const CheckData* data) {
  return std::make_unique<InventoryCheck>(data);
}

}  // namespace harrier
