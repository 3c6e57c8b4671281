#include "scan/hasher.h"

#include <openssl/evp.h>

namespace harrier {
namespace {
constexpr size_t kChunk = 64 * 1024;

std::string Hex(const unsigned char* md, unsigned len) {
  static const char* kDigits = "0123456789abcdef";
  std::string out(len * 2, '0');
  for (unsigned i = 0; i < len; ++i) {
    out[2 * i] = kDigits[md[i] >> 4];
    out[2 * i + 1] = kDigits[md[i] & 15];
  }
  return out;
}
}  // namespace

struct Hasher::Impl {
  EVP_MD_CTX* ctx[3];
  const EVP_MD* md[3];
};

Hasher::Hasher() : impl_(new Impl) {
  impl_->md[0] = EVP_md5();
  impl_->md[1] = EVP_sha1();
  impl_->md[2] = EVP_sha256();
  for (auto& c : impl_->ctx) c = EVP_MD_CTX_new();
}

Hasher::~Hasher() {
  for (auto& c : impl_->ctx) EVP_MD_CTX_free(c);
  delete impl_;
}

void Hasher::Begin() {
  for (int i = 0; i < 3; ++i) EVP_DigestInit_ex(impl_->ctx[i], impl_->md[i], nullptr);
}

void Hasher::Update(std::span<const uint8_t> data) {
  for (size_t off = 0; off < data.size(); off += kChunk) {
    size_t n = std::min(kChunk, data.size() - off);
    for (int i = 0; i < 3; ++i) EVP_DigestUpdate(impl_->ctx[i], data.data() + off, n);
  }
}

Hashes Hasher::Finish() {
  Hashes h;
  std::string* out[3] = {&h.md5, &h.sha1, &h.sha256};
  for (int i = 0; i < 3; ++i) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    EVP_DigestFinal_ex(impl_->ctx[i], md, &len);
    *out[i] = Hex(md, len);
  }
  return h;
}

Hashes Hasher::Compute(std::span<const uint8_t> data) {
  Begin();
  Update(data);
  return Finish();
}

}  // namespace harrier
