#include "checks/authenticode.h"

#include "core/units.h"

#include <fmt/format.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/ts.h>
#include <openssl/x509.h>

#include <climits>
#include <ctime>
#include <memory>

#include "platform/fs.h"

namespace harrier::authenticode {
namespace {

// OID of Microsoft's RFC 3161 timestamp attribute (a format constant).
constexpr char kMsRfc3161Oid[] = "1.3.6.1.4.1.311.3.3.1";

struct Pkcs7Free {
  void operator()(PKCS7* p) const { PKCS7_free(p); }
};
struct SignerInfoFree {
  void operator()(PKCS7_SIGNER_INFO* p) const { PKCS7_SIGNER_INFO_free(p); }
};
struct TstFree {
  void operator()(TS_TST_INFO* p) const { TS_TST_INFO_free(p); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};

std::string NameToString(const X509_NAME* name) {
  if (name == nullptr) return "";
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio) return "";
  if (X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
    return "";
  char* p = nullptr;
  long n = BIO_get_mem_data(bio.get(), &p);
  return n > 0 && p ? std::string(p, static_cast<size_t>(n)) : "";
}

std::string SerialHex(const ASN1_INTEGER* serial) {
  if (serial == nullptr) return "";
  int first = 0;  // leading zero bytes are dropped
  while (first < serial->length && serial->data[first] == 0) ++first;
  if (first >= serial->length) return "00";
  return HexEncode(std::string_view(reinterpret_cast<const char*>(serial->data + first),
                                    static_cast<size_t>(serial->length - first)));
}

std::optional<int64_t> TimeOf(const ASN1_TIME* t) {
  if (t == nullptr) return std::nullopt;
  struct tm tm {};
  if (ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return platform::UtcTimeFromTm(tm);
}

std::optional<int64_t> SigningTimeAttr(PKCS7_SIGNER_INFO* si) {
  ASN1_TYPE* t = PKCS7_get_signed_attribute(si, NID_pkcs9_signingTime);
  if (t == nullptr) return std::nullopt;
  if (t->type == V_ASN1_UTCTIME || t->type == V_ASN1_GENERALIZEDTIME)
    return TimeOf(reinterpret_cast<const ASN1_TIME*>(t->value.asn1_string));
  return std::nullopt;
}

std::optional<int64_t> CounterSignatureTime(PKCS7_SIGNER_INFO* si) {
  ASN1_TYPE* t = PKCS7_get_attribute(si, NID_pkcs9_countersignature);
  if (t == nullptr || t->type != V_ASN1_SEQUENCE || t->value.sequence == nullptr)
    return std::nullopt;
  const unsigned char* p = t->value.sequence->data;
  std::unique_ptr<PKCS7_SIGNER_INFO, SignerInfoFree> csi(
      d2i_PKCS7_SIGNER_INFO(nullptr, &p, t->value.sequence->length));
  if (!csi) return std::nullopt;
  return SigningTimeAttr(csi.get());
}

std::optional<int64_t> Rfc3161Time(PKCS7_SIGNER_INFO* si) {
  STACK_OF(X509_ATTRIBUTE)* attrs = si->unauth_attr;
  for (int i = 0; i < sk_X509_ATTRIBUTE_num(attrs); ++i) {
    X509_ATTRIBUTE* a = sk_X509_ATTRIBUTE_value(attrs, i);
    char oid[64];
    if (OBJ_obj2txt(oid, sizeof oid, X509_ATTRIBUTE_get0_object(a), 1) <= 0) continue;
    if (std::string_view(oid) != kMsRfc3161Oid) continue;
    ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(a, 0);
    if (v == nullptr || v->type != V_ASN1_SEQUENCE || v->value.sequence == nullptr) continue;
    const unsigned char* p = v->value.sequence->data;
    std::unique_ptr<PKCS7, Pkcs7Free> token(d2i_PKCS7(nullptr, &p, v->value.sequence->length));
    if (!token) continue;
    std::unique_ptr<TS_TST_INFO, TstFree> tst(PKCS7_to_TS_TST_INFO(token.get()));
    if (!tst) continue;
    if (auto t = TimeOf(TS_TST_INFO_get_time(tst.get()))) return t;
  }
  return std::nullopt;
}

}  // namespace

Result<SignerInfo> DecodeSigner(std::span<const uint8_t> der) {
  if (der.empty() || der.size() > LONG_MAX) return Status::Corrupt("empty PKCS#7 blob");
  const unsigned char* p = der.data();
  std::unique_ptr<PKCS7, Pkcs7Free> p7(d2i_PKCS7(nullptr, &p, static_cast<long>(der.size())));
  if (!p7) return Status::Corrupt("PKCS#7 blob does not decode");
  if (!PKCS7_type_is_signed(p7.get()) || p7->d.sign == nullptr)
    return Status::Corrupt("PKCS#7 is not SignedData");
  STACK_OF(PKCS7_SIGNER_INFO)* sis = PKCS7_get_signer_info(p7.get());
  if (sis == nullptr || sk_PKCS7_SIGNER_INFO_num(sis) < 1)
    return Status::Corrupt("PKCS#7 has no signer");
  PKCS7_SIGNER_INFO* si = sk_PKCS7_SIGNER_INFO_value(sis, 0);
  if (si == nullptr || si->issuer_and_serial == nullptr)
    return Status::Corrupt("PKCS#7 signer has no issuer/serial");
  SignerInfo out;
  out.serial = SerialHex(si->issuer_and_serial->serial);
  out.issuer = NameToString(si->issuer_and_serial->issuer);
  X509* cert = X509_find_by_issuer_and_serial(p7->d.sign->cert, si->issuer_and_serial->issuer,
                                              si->issuer_and_serial->serial);
  if (cert != nullptr) {
    out.signer_cert_found = true;
    out.subject = NameToString(X509_get_subject_name(cert));
  }
  if (auto t = SigningTimeAttr(si)) {
    out.signing_time = t;
    out.signing_time_source = "signingTime";
  } else if (auto c = CounterSignatureTime(si)) {
    out.signing_time = c;
    out.signing_time_source = "countersignature";
  } else if (auto r = Rfc3161Time(si)) {
    out.signing_time = r;
    out.signing_time_source = "rfc3161";
  }
  return out;
}

std::string FormatTime(int64_t t) { return platform::UtcIsoTime(t); }

std::optional<int64_t> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  auto num = [&](size_t a, size_t n) -> int {
    int v = 0;
    for (size_t i = a; i < a + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return -1;
      v = v * 10 + (s[i] - '0');
    }
    return v;
  };
  int y = num(0, 4), m = num(5, 2), d = num(8, 2);
  if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = m - 1;
  tm.tm_mday = d;
  return platform::UtcTimeFromTm(tm);
}

}  // namespace harrier::authenticode
