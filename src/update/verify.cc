#include "update/verify.h"

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "core/units.h"
#include "update/manifest.h"

namespace harrier {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr);
  return HexEncode(std::string_view(reinterpret_cast<const char*>(md), len));
}

Result<std::string> ParseChecksumFile(std::string_view text) {
  text = text.substr(0, 4096);
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return Status::Corrupt("checksum file is empty");
  size_t end = text.find_first_of(" \t\r\n", start);
  std::string word(text.substr(start, end == std::string_view::npos ? text.npos : end - start));
  for (char& c : word)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  if (!IsSha256Hex(word)) return Status::Corrupt("checksum file does not start with a SHA-256");
  return word;
}

Status VerifySignature(std::string_view data, std::string_view signature,
                       std::string_view public_key_pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())), BIO_free);
  if (!bio) return Status::IoError("out of memory");
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) return Status::InvalidArgument("not a PEM public key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx) return Status::IoError("out of memory");
  const int id = EVP_PKEY_get_base_id(key.get());
  const EVP_MD* md = (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? nullptr : EVP_sha256();
  if (EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.get()) != 1)
    return Status::InvalidArgument("the public key cannot verify signatures");
  int rc = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                            data.size());
  if (rc != 1) return Status::Corrupt("signature does not verify with the public key");
  return Status::Ok();
}

}  // namespace harrier
