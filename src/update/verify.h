// Checks of a downloaded signature archive: its SHA-256, a published
// checksum file, and a detached signature made with
// `openssl dgst -sha256 -sign KEY.pem -out ARCHIVE.sig ARCHIVE` (RSA or
// ECDSA) or `openssl pkeyutl -sign -rawin` (Ed25519).
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace harrier {

// Lowercase hex SHA-256 of `bytes`.
std::string Sha256Hex(std::string_view bytes);

// The digest in a checksum file as sha256sum writes it ("HEX  NAME", or HEX
// alone; the first word counts, upper case accepted): Corrupt unless it is
// 64 hex digits. Bounded: at most 4 KiB are looked at.
Result<std::string> ParseChecksumFile(std::string_view text);

// Verifies `signature` over `data` with the public key in PEM text
// `public_key_pem`: SHA-256 for RSA/ECDSA keys, the key's own scheme for
// Ed25519/Ed448. InvalidArgument when the key does not parse; Corrupt
// ("signature does not verify") otherwise.
Status VerifySignature(std::string_view data, std::string_view signature,
                       std::string_view public_key_pem);

}  // namespace harrier
