// Synthetic, benign test files generated at test time (never committed as
// binaries): minimal PE files with a version resource and an Authenticode
// certificate table holding a real DER PKCS#7 SignedData made with OpenSSL,
// ICO/PNG files, Info.plist text. Header-only so unit, e2e and fuzz-seed
// tests share it without build changes.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace harrier::testing::synth {

inline void Put16(std::string& s, size_t at, uint16_t v) {
  if (s.size() < at + 2) s.resize(at + 2);
  s[at] = static_cast<char>(v & 0xFF);
  s[at + 1] = static_cast<char>(v >> 8);
}
inline void Put32(std::string& s, size_t at, uint32_t v) {
  Put16(s, at, static_cast<uint16_t>(v & 0xFFFF));
  Put16(s, at + 2, static_cast<uint16_t>(v >> 16));
}
inline void Put64(std::string& s, size_t at, uint64_t v) {
  Put32(s, at, static_cast<uint32_t>(v));
  Put32(s, at + 4, static_cast<uint32_t>(v >> 32));
}
inline void App16(std::string& s, uint16_t v) { Put16(s, s.size(), v); }
inline void App32(std::string& s, uint32_t v) { Put32(s, s.size(), v); }
inline void PadTo(std::string& s, size_t align) {
  while (s.size() % align) s.push_back('\0');
}
inline std::string Utf16(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

// ---- Version resource -------------------------------------------------------

// One VS_VERSIONINFO-style node; `base` alignment is relative to the node's
// start (callers keep nodes 4-aligned).
inline std::string VerNode(std::string_view key, const std::string& value, uint16_t value_len,
                           uint16_t type, const std::vector<std::string>& children) {
  std::string n(6, '\0');
  n += Utf16(key);
  n.append(2, '\0');
  PadTo(n, 4);
  n += value;
  for (const auto& c : children) {
    PadTo(n, 4);
    n += c;
  }
  Put16(n, 0, static_cast<uint16_t>(n.size()));
  Put16(n, 2, value_len);
  Put16(n, 4, type);
  return n;
}

// VS_VERSION_INFO with a fixed file version and a StringFileInfo table.
inline std::string VersionInfoBlob(const std::vector<std::pair<std::string, std::string>>& strings,
                                   uint16_t a = 1, uint16_t b = 0, uint16_t c = 0, uint16_t d = 0) {
  std::string fixed;
  App32(fixed, 0xFEEF04BD);
  App32(fixed, 0x00010000);
  App32(fixed, (uint32_t(a) << 16) | b);
  App32(fixed, (uint32_t(c) << 16) | d);
  App32(fixed, (uint32_t(a) << 16) | b);
  App32(fixed, (uint32_t(c) << 16) | d);
  for (int i = 0; i < 7; ++i) App32(fixed, 0);
  std::vector<std::string> kids;
  for (const auto& [k, v] : strings) {
    std::string val = Utf16(v);
    val.append(2, '\0');
    kids.push_back(VerNode(k, val, static_cast<uint16_t>(v.size() + 1), 1, {}));
  }
  std::string table = VerNode("040904b0", "", 0, 1, kids);
  std::string sfi = VerNode("StringFileInfo", "", 0, 1, {table});
  return VerNode("VS_VERSION_INFO", fixed, 52, 0, {sfi});
}

// A .rsrc section body (at `rva`) holding one RT_VERSION resource.
inline std::string VersionResourceSection(const std::string& blob, uint32_t rva) {
  std::string r;
  auto dir = [&](uint32_t id, uint32_t target) {
    size_t at = r.size();
    r.append(16, '\0');
    Put16(r, at + 14, 1);  // one id entry
    App32(r, id);
    App32(r, target);
  };
  dir(16, 0x80000000u | 24);  // type RT_VERSION -> name dir at 24
  dir(1, 0x80000000u | 48);   // name 1 -> language dir at 48
  dir(0x409, 72);             // language -> data entry at 72
  App32(r, rva + 88);         // IMAGE_RESOURCE_DATA_ENTRY
  App32(r, static_cast<uint32_t>(blob.size()));
  App32(r, 0);
  App32(r, 0);
  r += blob;
  return r;
}

// ---- PE ---------------------------------------------------------------------

struct PeSpec {
  bool pe64 = true;
  bool dll = false;
  uint32_t timestamp = 0x64000000;             // 2023-03-14
  std::string text = std::string(64, '\x90');  // .text body
  std::optional<std::string> version_blob;     // VersionInfoBlob(...)
  std::optional<std::string> cert_table;       // WinCertificate(...) bytes
  std::string overlay_after_cert;              // appended after the table
};

inline std::string BuildPe(const PeSpec& spec) {
  const uint32_t kFileAlign = 0x200, kSectAlign = 0x1000, kHeaders = 0x400;
  struct Sec {
    std::string name, body;
    uint32_t rva = 0, raw = 0, chars = 0;
  };
  std::vector<Sec> secs;
  secs.push_back({".text", spec.text, 0x1000, 0, 0x60000020});
  if (spec.version_blob) {
    uint32_t rva =
        0x1000 +
        ((static_cast<uint32_t>(spec.text.size()) + kSectAlign - 1) / kSectAlign) * kSectAlign;
    secs.push_back({".rsrc", VersionResourceSection(*spec.version_blob, rva), rva, 0, 0x40000040});
  }
  uint32_t raw = kHeaders;
  for (auto& s : secs) {
    s.raw = raw;
    raw += ((static_cast<uint32_t>(s.body.size()) + kFileAlign - 1) / kFileAlign) * kFileAlign;
  }
  uint32_t image_size =
      secs.back().rva +
      ((static_cast<uint32_t>(secs.back().body.size()) + kSectAlign - 1) / kSectAlign) * kSectAlign;

  std::string f(kHeaders, '\0');
  f[0] = 'M';
  f[1] = 'Z';
  Put32(f, 0x3C, 0x80);
  size_t nt = 0x80;
  f.replace(nt, 4, std::string("PE\0\0", 4));
  uint16_t opt_size = spec.pe64 ? 240 : 224;
  Put16(f, nt + 4, spec.pe64 ? 0x8664 : 0x14C);
  Put16(f, nt + 6, static_cast<uint16_t>(secs.size()));
  Put32(f, nt + 8, spec.timestamp);
  Put16(f, nt + 20, opt_size);
  Put16(f, nt + 22, static_cast<uint16_t>(0x0022 | (spec.dll ? 0x2000 : 0)));
  size_t opt = nt + 24;
  Put16(f, opt, spec.pe64 ? 0x20B : 0x10B);
  f[opt + 2] = 14;
  Put32(f, opt + 4, static_cast<uint32_t>(secs[0].body.size()));
  Put32(f, opt + 16, 0x1000);  // entry point
  Put32(f, opt + 20, 0x1000);  // base of code
  if (spec.pe64) {
    Put64(f, opt + 24, 0x140000000ULL);
  } else {
    Put32(f, opt + 24, 0x2000);
    Put32(f, opt + 28, 0x400000);
  }
  Put32(f, opt + 32, kSectAlign);
  Put32(f, opt + 36, kFileAlign);
  Put16(f, opt + 40, 6);
  Put16(f, opt + 48, 6);
  Put32(f, opt + 56, image_size);
  Put32(f, opt + 60, kHeaders);
  Put16(f, opt + 68, 2);  // GUI subsystem
  size_t count_off = spec.pe64 ? opt + 108 : opt + 92;
  size_t dd = spec.pe64 ? opt + 112 : opt + 96;
  Put32(f, count_off, 16);
  if (spec.version_blob) {
    Put32(f, dd + 2 * 8, secs[1].rva);
    Put32(f, dd + 2 * 8 + 4, static_cast<uint32_t>(secs[1].body.size()));
  }
  size_t sh = opt + opt_size;
  for (size_t i = 0; i < secs.size(); ++i) {
    size_t o = sh + i * 40;
    f.replace(o, secs[i].name.size(), secs[i].name);
    Put32(f, o + 8, static_cast<uint32_t>(secs[i].body.size()));
    Put32(f, o + 12, secs[i].rva);
    Put32(
        f, o + 16,
        ((static_cast<uint32_t>(secs[i].body.size()) + kFileAlign - 1) / kFileAlign) * kFileAlign);
    Put32(f, o + 20, secs[i].raw);
    Put32(f, o + 36, secs[i].chars);
  }
  for (const auto& s : secs) {
    f.resize(s.raw);
    f += s.body;
    PadTo(f, kFileAlign);
  }
  if (spec.cert_table) {
    PadTo(f, 8);
    Put32(f, dd + 4 * 8, static_cast<uint32_t>(f.size()));  // a FILE offset
    Put32(f, dd + 4 * 8 + 4, static_cast<uint32_t>(spec.cert_table->size()));
    f += *spec.cert_table;
    f += spec.overlay_after_cert;
  }
  return f;
}

// WIN_CERTIFICATE (revision 0x0200, type PKCS_SIGNED_DATA) around `der`,
// with `extra` bytes inside dwLength after the DER blob, padded to 8.
inline std::string WinCertificate(const std::string& der, const std::string& extra = "") {
  std::string c;
  App32(c, static_cast<uint32_t>(8 + der.size() + extra.size()));
  App16(c, 0x0200);
  App16(c, 0x0002);
  c += der;
  c += extra;
  PadTo(c, 8);
  return c;
}

// ---- PKCS#7 -----------------------------------------------------------------

struct SignSpec {
  std::string serial_hex = "01";  // certificate serial
  std::string common_name = "Harrier Test Signer";
  std::string organization = "Harrier Test";
  std::string issuer_cn;                // "" = self-signed (issuer = subject)
  std::optional<int64_t> signing_time;  // signingTime attribute; nullopt = now
  bool no_attributes = false;           // PKCS7_NOATTR: no signing time at all
};

// A real DER PKCS#7 SignedData over some bytes, signed with a fresh EC key
// and a certificate carrying `spec`'s serial and names.
inline std::string MakePkcs7(const SignSpec& spec) {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  BIGNUM* bn = nullptr;
  BN_hex2bn(&bn, spec.serial_hex.c_str());
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert), -86400L * 365 * 10);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365 * 10);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("US"),
                             -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.organization.c_str()), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(spec.common_name.c_str()), -1,
                             -1, 0);
  if (spec.issuer_cn.empty()) {
    X509_set_issuer_name(cert, name);
  } else {
    X509_NAME* iss = X509_NAME_new();
    X509_NAME_add_entry_by_txt(iss, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(spec.issuer_cn.c_str()), -1,
                               -1, 0);
    X509_set_issuer_name(cert, iss);
    X509_NAME_free(iss);
  }
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());

  const std::string content = "harrier synthetic authenticode content";
  BIO* in = BIO_new_mem_buf(content.data(), static_cast<int>(content.size()));
  int flags = PKCS7_BINARY | PKCS7_PARTIAL | (spec.no_attributes ? PKCS7_NOATTR : 0);
  PKCS7* p7 = PKCS7_sign(nullptr, nullptr, nullptr, in, flags);
  PKCS7_SIGNER_INFO* si = PKCS7_sign_add_signer(p7, cert, key, EVP_sha256(), flags);
  if (si && spec.signing_time && !spec.no_attributes) {
    ASN1_UTCTIME* t = ASN1_UTCTIME_set(nullptr, static_cast<time_t>(*spec.signing_time));
    PKCS7_add_signed_attribute(si, NID_pkcs9_signingTime, V_ASN1_UTCTIME, t);
  }
  PKCS7_final(p7, in, flags);
  unsigned char* der = nullptr;
  int len = i2d_PKCS7(p7, &der);
  std::string out =
      len > 0 ? std::string(reinterpret_cast<char*>(der), static_cast<size_t>(len)) : "";
  OPENSSL_free(der);
  PKCS7_free(p7);
  BIO_free(in);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

// ---- ICO / PNG / plist ------------------------------------------------------

inline std::string PngChunk(std::string_view type, const std::string& data) {
  std::string c;
  uint32_t n = static_cast<uint32_t>(data.size());
  c.push_back(static_cast<char>(n >> 24));
  c.push_back(static_cast<char>(n >> 16));
  c.push_back(static_cast<char>(n >> 8));
  c.push_back(static_cast<char>(n));
  c += type;
  c += data;
  c.append(4, '\x11');  // CRC (not checked by readers we test)
  return c;
}

// A structurally valid 1x1 PNG (signature, IHDR, IDAT, IEND).
inline std::string MinimalPng() {
  std::string png("\x89PNG\r\n\x1a\n", 8);
  std::string ihdr("\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 13);
  png += PngChunk("IHDR", ihdr);
  png += PngChunk("IDAT", std::string("\x78\x9c\x63\x60\x00\x00\x00\x02\x00\x01", 10));
  png += PngChunk("IEND", "");
  return png;
}

// An ICO with one PNG image; `trailer` is appended after the image data
// (outside the entry's declared size, as the ICONIC dead drops do).
inline std::string IcoWithPng(const std::string& trailer = "", bool trailer_inside_entry = false) {
  std::string png = MinimalPng();
  std::string ico;
  App16(ico, 0);
  App16(ico, 1);
  App16(ico, 1);
  ico += std::string("\x01\x01\x00\x00", 4);
  App16(ico, 1);
  App16(ico, 32);
  App32(ico, static_cast<uint32_t>(png.size() + (trailer_inside_entry ? trailer.size() : 0)));
  App32(ico, 22);
  ico += png;
  ico += trailer;
  return ico;
}

// Deterministic pseudo-random base64 text of `n` characters.
inline std::string Base64Text(size_t n, uint32_t seed = 7) {
  static const char kAlpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    seed = seed * 1103515245u + 12345u;
    s.push_back(kAlpha[(seed >> 16) % 64]);
  }
  return s;
}

inline std::string InfoPlist(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string s =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" "
      "\"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
      "<plist version=\"1.0\">\n<dict>\n";
  for (const auto& [k, v] : kv) s += "\t<key>" + k + "</key>\n\t<string>" + v + "</string>\n";
  s += "\t<key>LSMinimumSystemVersion</key>\n\t<string>10.11.0</string>\n"
       "\t<key>NSHighResolutionCapable</key>\n\t<true/>\n"
       "\t<key>ElectronAsarIntegrity</key>\n\t<dict>\n\t\t<key>Resources/app.asar</key>\n"
       "\t\t<dict>\n\t\t\t<key>algorithm</key>\n\t\t\t<string>SHA256</string>\n\t\t</dict>\n\t</"
       "dict>\n"
       "</dict>\n</plist>\n";
  return s;
}

// Deterministic high-entropy bytes.
inline std::string RandomBytes(size_t n, uint32_t seed = 1) {
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    s.push_back(static_cast<char>(seed & 0xFF));
  }
  return s;
}

}  // namespace harrier::testing::synth
