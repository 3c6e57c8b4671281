// `harrier update`: fetch (or import) a signature archive, verify it, unpack
// it, test-load it, and make it the active set of the store (store.h). Any
// failure leaves the active set as it was, and the Status says which step
// failed and why.
//
// Steps, in order (each one refuses the update when it fails):
//  1. Fetch over HTTPS (https_fetch.h, bounded by max_download_bytes), or
//     read the bundle file (bounded the same way).
//  2. Checksums: the expected SHA-256 given (--sha256), then a published one
//     (URL + ".sha256" on the server, FILE + ".sha256" beside a bundle; a 404
//     or a missing file means none is published, any other error fails).
//  3. With a public key: the detached signature URL/FILE + ".sig" must exist
//     and verify (verify.h).
//  4. Already up to date when the SHA-256 equals the active set's: done.
//  5. Unpack into STORE/tmp-* (extract.h: member names confined, no links,
//     limits); a single top folder (signature-base-master/) is stripped.
//  6. Test-load the tree alone (loader.h, YARA compiled, no cache): refused
//     when it fails, when nothing loads, or when it has more errors than
//     max_rule_errors.
//  7. Install (StoreWriter::Install): the switch is one rename.
// Thread-safety: one update per store at a time (the store's lock).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "update/extract.h"
#include "update/manifest.h"

namespace harrier {

// The public signature-base repository's archive of its main branch. It
// publishes neither a checksum nor a signature.
inline constexpr const char* kDefaultSignatureUrl =
    "https://github.com/Neo23x0/signature-base/archive/refs/heads/master.tar.gz";

struct UpdateOptions {
  std::string store;            // REQUIRES: not empty (DefaultStoreDir())
  std::string url = kDefaultSignatureUrl;
  std::string from_file;        // a bundle to import instead of fetching
  std::string sha256;           // expected SHA-256 (hex); "" = none
  std::string public_key_file;  // PEM; requires a .sig
  std::string ca_file;          // --ca-file (https_fetch.h)
  uint64_t max_download_bytes = 256ull << 20;
  int connect_timeout_s = 30;
  int timeout_s = 600;
  ExtractLimits limits;
  uint64_t max_rule_errors = 0;  // load errors (rule files, IOC lines) tolerated
  const std::atomic<bool>* cancel = nullptr;
};

struct UpdateOutcome {
  bool up_to_date = false;      // the archive is the active set already
  SetManifest manifest;         // the installed (or active) set
  std::string previous_id;      // the set replaced ("" when none)
  size_t stale_removed = 0;     // work folders of killed updates removed
};

// `progress` gets one line per step ("Fetching URL", "Unpacking", ...).
Result<UpdateOutcome> RunUpdate(const UpdateOptions& opts,
                                const std::function<void(std::string_view)>& progress);

// `harrier bundle`: a gzip-compressed tar of `folder` (every regular file
// below it, sorted, under the single top folder "harrier-signatures/") is
// written to `out`, and its SHA-256 to out + ".sha256" (sha256sum format).
// Returns the SHA-256. Links and special files below `folder` are refused.
Result<std::string> WriteBundle(const std::string& folder, const std::string& out);

}  // namespace harrier
