// "inventory.rpm.<id>": see native.h and docs/checks.md.
#include <fmt/format.h>

#include "checks/check_data.h"
#include "checks/native.h"
#include "checks/rpm.h"
#include "checks/rpmdb.h"

namespace harrier {
namespace {

// Where rpm keeps its database below a Linux root: var/lib/rpm (rpm >= 4.16
// on most distributions) and usr/lib/sysimage/rpm (newer Fedora, openSUSE).
constexpr std::string_view kDbDirs[] = {"var/lib/rpm/", "usr/lib/sysimage/rpm/"};
constexpr std::string_view kSqliteName = "rpmdb.sqlite";
// The formats of older rpm, not read: reported, never silently ignored.
constexpr std::string_view kUnsupportedNames[] = {"Packages", "Packages.db"};

// The file name when `p` is <dir>/<name> for one of kDbDirs (after a '/' or
// at the start), else "".
std::string_view DbFileName(std::string_view p) {
  for (std::string_view dir : kDbDirs) {
    size_t at = p.rfind(dir);
    if (at == std::string_view::npos || (at > 0 && p[at - 1] != '/')) continue;
    std::string_view name = p.substr(at + dir.size());
    if (name.find('/') == std::string_view::npos) return name;
  }
  return "";
}

bool IsSqliteDb(std::string_view p) { return DbFileName(p) == kSqliteName; }
bool IsUnsupportedDb(std::string_view p) {
  std::string_view n = DbFileName(p);
  for (auto u : kUnsupportedNames)
    if (n == u) return true;
  return false;
}

class RpmCheck : public Check {
 public:
  RpmCheck(const CheckData* d, const PackageDbLimits& limits)
      : data_(d),
        limits_{limits.max_packages, limits.max_rpm_header_bytes, limits.max_sqlite_steps} {}
  std::string_view id() const override { return "inventory.rpm"; }
  bool Wants(std::string_view unix_path) const override {
    return data_->HasRpmAdvisories() && (IsSqliteDb(unix_path) || IsUnsupportedDb(unix_path));
  }

  void Run(const FileContext& ctx, std::vector<Reason>* out) const override {
    if (!data_->HasRpmAdvisories()) return;
    const std::string where(ctx.unix_form);
    if (IsUnsupportedDb(ctx.unix_form)) {
      if (ctx.diag)
        ctx.diag->Warning(where,
                          "rpm database in the Berkeley-DB (Packages) or NDB (Packages.db) "
                          "format: not read (unsupported; only rpmdb.sqlite of rpm >= 4.16 is), "
                          "the installed RPM packages of this root are not checked");
      return;
    }
    if (!IsSqliteDb(ctx.unix_form)) return;
    auto db = rpm::ReadSqliteDb(ctx.data, limits_);
    if (!db.ok()) {
      if (ctx.diag)
        ctx.diag->Error(where, fmt::format("rpm database not read ({}): the installed RPM "
                                           "packages of this root are not checked",
                                           db.status().ToString()));
      return;
    }
    if (ctx.diag && db->bad > 0)
      ctx.diag->Warning(where, fmt::format("{} of {} rpm package headers not read (first: {})",
                                           db->bad, db->rows, db->first_bad));
    if (ctx.diag && db->truncated)
      ctx.diag->Warning(where, fmt::format("rpm database: more than {} packages, the rest not "
                                           "checked (--max-packages)",
                                           limits_.max_packages));
    for (const auto& [hnum, p] : db->packages) {
      const std::string source_name = p.SourceName();
      for (const auto& a : data_->package_advisories) {
        if (!a.rpm) continue;
        const RpmAdvisoryData& r = *a.rpm;
        bool named = false;
        for (const auto& n : r.packages) named |= n == p.name;
        for (const auto& n : r.source_packages) named |= !source_name.empty() && n == source_name;
        if (!named) continue;
        if (rpm::CompareToBound(p, rpm::ParseEvr(r.affected_min)) < 0 ||
            rpm::CompareToBound(p, rpm::ParseEvr(r.affected_max)) > 0)
          continue;
        const std::string evr = p.Evr();
        Reason reason;
        reason.kind = ReasonKind::kCheck;
        reason.name = "inventory.rpm." + a.id;
        reason.score = r.score.value_or(a.score);
        reason.description = fmt::format(
            "{} {} ({}) installed (rpm): {} — versions {} to {} are affected{}", p.name, evr,
            p.arch.empty() ? "?" : p.arch, a.name, r.affected_min, r.affected_max,
            a.description.empty() ? "" : "; " + a.description);
        reason.remediation = r.remediation.empty() ? a.remediation : r.remediation;
        reason.source = r.source.empty() ? a.source : r.source;
        reason.details = {{"package", p.name},
                          {"version", evr},
                          {"arch", p.arch},
                          {"sourcerpm", p.sourcerpm},
                          {"rpmdb_hnum", std::to_string(hnum)},
                          {"cve", a.cve},
                          {"affected", r.affected_min + " .. " + r.affected_max},
                          {"fixed", r.fixed}};
        out->push_back(std::move(reason));
      }
    }
  }

 private:
  const CheckData* data_;
  rpm::DbLimits limits_;
};

}  // namespace

std::unique_ptr<Check> MakeRpmCheck(const CheckData* data, const PackageDbLimits& limits) {
  return std::make_unique<RpmCheck>(data, limits);
}

}  // namespace harrier
