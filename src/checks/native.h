// Factories for Harrier's native checks (docs/checks.md). Each check keeps a
// pointer to the CheckData it was built with.
// REQUIRES: `data` outlives the check (CheckRegistry owns both, see check.h).
#pragma once

#include <memory>

#include "checks/check.h"
#include "checks/check_data.h"

namespace harrier {

// "pe.authenticode": CVE-2013-3900 padding in the certificate table, and
// signers from the intel (3CX Ltd on affected builds, Trading Technologies
// after the expiry window).
std::unique_ptr<Check> MakeAuthenticodeCheck(const CheckData* data);

// "icon.iconic_deaddrop": ICO/PNG with marker + base64 after the image data.
std::unique_ptr<Check> MakeDeadDropIconCheck(const CheckData* data);

// "inventory": affected 3CX DesktopApp builds (PE version resource on
// Windows, Info.plist on macOS) and retired products (X_TRADER).
std::unique_ptr<Check> MakeInventoryCheck(const CheckData* data);

// inventory.dpkg.<id>: installed Debian packages in an advisory's affected
// range, read from var/lib/dpkg/status (live host or a Linux root below a
// scanned folder). docs/checks.md.
std::unique_ptr<Check> MakeDpkgCheck(const CheckData* data, const PackageDbLimits& limits = {});

// inventory.rpm.<id>: installed RPM packages in the "rpm" range of an
// advisory, read from rpmdb.sqlite (var/lib/rpm or usr/lib/sysimage/rpm).
// A database it cannot read is an error diagnostic (ctx.diag); the older
// Berkeley-DB / NDB formats a warning (not read). docs/checks.md.
std::unique_ptr<Check> MakeRpmCheck(const CheckData* data, const PackageDbLimits& limits = {});

}  // namespace harrier
