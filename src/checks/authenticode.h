// Decoding the PKCS#7 SignedData blob of an Authenticode signature with
// OpenSSL, for evidence: signer subject, issuer, serial and signing time.
// No chain or digest verification: this says who the blob claims signed the
// file, which is what the checks compare with the intel, not whether the
// signature is valid (that is environment-dependent, see docs/checks.md).
// Thread-safety: pure function (OpenSSL's decoders are reentrant).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "core/status.h"

namespace harrier::authenticode {

struct SignerInfo {
  std::string subject;  // one-line RFC 2253 form, e.g. "CN=3CX Ltd,O=3CX Ltd,C=GB"
  std::string issuer;
  std::string serial;  // lower-case hex of the integer value, no sign byte
  // Signing time, seconds since the epoch (UTC), from the first source found:
  // the signer's signingTime attribute, a PKCS#9 countersignature's
  // signingTime, or an RFC 3161 timestamp token (Microsoft's
  // 1.3.6.1.4.1.311.3.3.1 attribute).
  std::optional<int64_t> signing_time;
  std::string signing_time_source;  // "signingTime" | "countersignature" | "rfc3161" | ""
  bool signer_cert_found = false;   // the certificate named by the SignerInfo is in the blob
};

// REQUIRES: `der` is the bCertificate of a PKCS#7 WIN_CERTIFICATE, clipped to
// the DER length. Corrupt when OpenSSL cannot decode it or it has no signer.
Result<SignerInfo> DecodeSigner(std::span<const uint8_t> der);

// "2023-03-13T06:41:52Z".
std::string FormatTime(int64_t t);
// "YYYY-MM-DD" (UTC midnight) -> seconds since the epoch.
std::optional<int64_t> ParseDate(std::string_view ymd);

}  // namespace harrier::authenticode
