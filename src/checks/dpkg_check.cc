#include <fmt/format.h>

#include "checks/check_data.h"
#include "checks/dpkg.h"
#include "checks/native.h"

namespace harrier {
namespace {

constexpr std::string_view kStatusSuffix = "var/lib/dpkg/status";

bool IsStatusPath(std::string_view p) {
  if (p.size() < kStatusSuffix.size()) return false;
  if (p.substr(p.size() - kStatusSuffix.size()) != kStatusSuffix) return false;
  return p.size() == kStatusSuffix.size() || p[p.size() - kStatusSuffix.size() - 1] == '/';
}

class DpkgCheck : public Check {
 public:
  DpkgCheck(const CheckData* d, const PackageDbLimits& limits) : data_(d), limits_(limits) {}
  std::string_view id() const override { return "inventory.dpkg"; }
  bool Wants(std::string_view unix_path) const override {
    return data_->HasDpkgAdvisories() && IsStatusPath(unix_path);
  }

  void Run(const FileContext& ctx, std::vector<Reason>* out) const override {
    if (!data_->HasDpkgAdvisories() || !IsStatusPath(ctx.unix_form)) return;
    dpkg::ParseResult parsed = dpkg::ParseStatus(ctx.data, limits_.max_packages);
    if (ctx.diag && parsed.truncated)
      ctx.diag->Warning(std::string(ctx.unix_form),
                        fmt::format("dpkg status: more than {} packages, the rest not checked "
                                    "(--max-packages)",
                                    limits_.max_packages));
    for (const auto& p : parsed.packages) {
      if (!p.installed() || p.version.empty()) continue;
      for (const auto& a : data_->package_advisories) {
        if (!a.has_dpkg()) continue;
        bool named = false;
        for (const auto& n : a.packages) named |= n == p.name;
        for (const auto& n : a.source_packages) named |= n == p.source || n == p.name;
        if (!named) continue;
        if (dpkg::CompareVersions(p.version, a.affected_min) < 0 ||
            dpkg::CompareVersions(p.version, a.affected_max) > 0)
          continue;
        Reason r;
        r.kind = ReasonKind::kCheck;
        r.name = "inventory.dpkg." + a.id;
        r.score = a.score;
        r.description = fmt::format(
            "{} {} ({}) installed: {} — versions {} to {} are affected{}", p.name, p.version,
            p.arch.empty() ? "?" : p.arch, a.name, a.affected_min, a.affected_max,
            a.description.empty() ? "" : "; " + a.description);
        r.remediation = a.remediation;
        r.source = a.source;
        r.details = {{"package", p.name},
                     {"version", p.version},
                     {"source_package", p.source},
                     {"status", p.status},
                     {"status_line", std::to_string(p.line)},
                     {"cve", a.cve},
                     {"affected", a.affected_min + " .. " + a.affected_max},
                     {"fixed", a.fixed}};
        out->push_back(std::move(r));
      }
    }
  }

 private:
  const CheckData* data_;
  PackageDbLimits limits_;
};

}  // namespace

std::unique_ptr<Check> MakeDpkgCheck(const CheckData* data, const PackageDbLimits& limits) {
  return std::make_unique<DpkgCheck>(data, limits);
}

}  // namespace harrier
