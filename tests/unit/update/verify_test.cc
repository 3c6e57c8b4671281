// Archive checks (src/update/verify.h).
#include "update/verify.h"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <memory>

namespace harrier {
namespace {

struct KeyPair {
  std::string public_pem;
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key{nullptr, EVP_PKEY_free};
};

KeyPair MakeKey(const char* type, const char* param) {
  KeyPair k;
  k.key.reset(param ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, param)
                    : EVP_PKEY_Q_keygen(nullptr, nullptr, type));
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, k.key.get());
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  k.public_pem.assign(data, static_cast<size_t>(n));
  BIO_free(bio);
  return k;
}

std::string Sign(const KeyPair& k, std::string_view data, bool digest) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestSignInit(ctx, nullptr, digest ? EVP_sha256() : nullptr, nullptr, k.key.get());
  size_t len = 0;
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  return sig;
}

TEST(Verify, Sha256AndChecksumFiles) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  const std::string h = Sha256Hex("abc");
  EXPECT_EQ(*ParseChecksumFile(h + "  sigs.tar.gz\n"), h);
  EXPECT_EQ(*ParseChecksumFile("\n" + h), h);
  std::string upper = h;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*ParseChecksumFile(upper), h);
  EXPECT_FALSE(ParseChecksumFile("").ok());
  EXPECT_FALSE(ParseChecksumFile("<html>404</html>").ok());
  EXPECT_FALSE(ParseChecksumFile(h.substr(1)).ok());
}

TEST(Verify, DetachedSignaturesEcdsaAndEd25519) {
  const std::string data = "archive bytes";
  for (bool ed : {false, true}) {
    KeyPair k = ed ? MakeKey("ED25519", nullptr) : MakeKey("EC", "P-256");
    ASSERT_TRUE(k.key);
    std::string sig = Sign(k, data, !ed);
    EXPECT_TRUE(VerifySignature(data, sig, k.public_pem).ok());
    Status bad = VerifySignature(data + "x", sig, k.public_pem);
    EXPECT_EQ(bad.code(), Status::Code::kCorrupt) << bad.ToString();
    KeyPair other = ed ? MakeKey("ED25519", nullptr) : MakeKey("EC", "P-256");
    EXPECT_FALSE(VerifySignature(data, sig, other.public_pem).ok());
  }
  EXPECT_EQ(VerifySignature("x", "y", "not a key").code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace harrier
