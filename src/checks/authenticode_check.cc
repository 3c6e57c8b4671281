// "pe.authenticode": see native.h and docs/checks.md.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "checks/authenticode.h"
#include "checks/native.h"
#include "checks/pe.h"

namespace harrier {
namespace {

bool ContainsNoCase(std::string_view hay, std::string_view needle) {
  if (needle.empty()) return true;
  auto it = std::search(hay.begin(), hay.end(), needle.begin(), needle.end(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
  return it != hay.end();
}

// Entropy threshold for `n` bytes: short slack cannot reach 8 bits/byte, so
// the bar is min(configured, 90% of log2(n)).
bool HighEntropy(std::span<const uint8_t> b, const PaddingData& p) {
  if (b.size() < p.high_entropy_min_bytes) return false;
  double bar = std::min(p.high_entropy_bits, 0.9 * std::log2(static_cast<double>(b.size())));
  return pe::Entropy(b) >= bar;
}

class AuthenticodeCheck final : public Check {
 public:
  explicit AuthenticodeCheck(const CheckData* d) : d_(d) {}
  std::string_view id() const override { return "pe.authenticode"; }

  void Run(const FileContext& ctx, std::vector<Reason>* out) const override {
    if (ctx.data.size() < 2 || ctx.data[0] != 'M' || ctx.data[1] != 'Z') return;
    auto parsed = pe::Parse(ctx.data);
    if (!parsed.ok() || !parsed->security) return;
    const pe::PeFile& pe = *parsed;
    const pe::SecurityDirectory& sec = *pe.security;

    // Signer of the first PKCS#7 entry (evidence for every reason).
    std::optional<authenticode::SignerInfo> signer;
    for (const auto& c : sec.certs) {
      if (c.type != pe::kWinCertTypePkcsSignedData || c.der_length == 0) continue;
      uint64_t start = c.offset + 8;
      uint64_t len = std::min<uint64_t>(c.der_length, ctx.data.size() - start);
      auto s = authenticode::DecodeSigner(ctx.data.subspan(start, len));
      if (s.ok()) signer = std::move(*s);
      break;
    }
    if (d_->padding.enabled) Padding(ctx, pe, signer, out);
    if (signer) Signers(ctx, pe, *signer, out);
  }

 private:
  static void AddSignerDetails(const std::optional<authenticode::SignerInfo>& s, Reason* r) {
    if (!s) return;
    if (!s->subject.empty()) r->details.emplace_back("signer_subject", s->subject);
    if (!s->issuer.empty()) r->details.emplace_back("signer_issuer", s->issuer);
    r->details.emplace_back("signer_serial", s->serial);
    if (s->signing_time) {
      r->details.emplace_back("signing_time", authenticode::FormatTime(*s->signing_time));
      r->details.emplace_back("signing_time_source", s->signing_time_source);
    }
  }

  void Padding(const FileContext& ctx, const pe::PeFile& pe,
               const std::optional<authenticode::SignerInfo>& signer,
               std::vector<Reason>* out) const {
    const PaddingData& p = d_->padding;
    const pe::SecurityDirectory& sec = *pe.security;
    // Regions inside the table that are not PKCS#7 DER: per-entry slack and
    // the directory tail after the last entry.
    struct Region {
      uint64_t off, size;
      const char* what;
    };
    std::vector<Region> regions;
    for (const auto& c : sec.certs)
      if (c.slack_size > 0)
        regions.push_back({c.slack_offset, c.slack_size, "after the PKCS#7 blob"});
    if (sec.tail_size > 0)
      regions.push_back({sec.tail_offset, sec.tail_size, "after the last WIN_CERTIFICATE"});

    for (const auto& reg : regions) {
      auto bytes = ctx.data.subspan(reg.off, reg.size);
      bool nonzero = std::any_of(bytes.begin(), bytes.end(), [](uint8_t b) { return b != 0; });
      if (reg.size < p.alignment && !nonzero) continue;  // ordinary alignment padding
      const PaddingTag* tag = nullptr;
      uint64_t tag_at = 0;
      for (const auto& t : p.tags) {
        std::string_view hay(reinterpret_cast<const char*>(bytes.data()), bytes.size());
        if (auto pos = hay.find(t.bytes); pos != std::string_view::npos) {
          tag = &t;
          tag_at = pos;
          break;
        }
      }
      bool high = HighEntropy(bytes, p);
      Reason r;
      r.kind = ReasonKind::kCheck;
      r.name = "pe.authenticode_padding";
      r.score = tag ? p.score_tag : high ? p.score_high_entropy : p.score_padding;
      r.description = fmt::format(
          "Authenticode certificate table carries {} extra bytes {} (CVE-2013-3900 padding{}{}); "
          "the "
          "signature still verifies on hosts without EnableCertPaddingCheck",
          reg.size, reg.what, tag ? fmt::format(", {} at +{}", tag->name, tag_at) : "",
          high ? ", high entropy" : "");
      r.source = p.source;
      r.remediation = p.remediation;
      r.details.emplace_back("cert_table_offset", fmt::format("{:#x}", sec.offset));
      r.details.emplace_back("cert_table_size", std::to_string(sec.size));
      r.details.emplace_back("extra_offset", fmt::format("{:#x}", reg.off));
      r.details.emplace_back("extra_bytes", std::to_string(reg.size));
      r.details.emplace_back("extra_entropy", fmt::format("{:.2f}", pe::Entropy(bytes)));
      if (tag) {
        r.details.emplace_back("tag", tag->name);
        r.details.emplace_back("tag_offset", fmt::format("{:#x}", reg.off + tag_at));
        r.source += "; tag: " + tag->source;
      }
      if (sec.overlay_after > 0)
        r.details.emplace_back("overlay_after_table", std::to_string(sec.overlay_after));
      AddSignerDetails(signer, &r);
      out->push_back(std::move(r));
      return;  // one reason per file; the details name the first region
    }
  }

  void Signers(const FileContext& ctx, const pe::PeFile& pe, const authenticode::SignerInfo& s,
               std::vector<Reason>* out) const {
    for (const SignerData& sd : d_->signers) {
      if (!sd.serial.empty() && sd.serial != s.serial) continue;
      if (sd.serial.empty() && s.subject.empty()) continue;  // nothing to compare
      if (!s.subject.empty() && !ContainsNoCase(s.subject, sd.subject_contains)) continue;
      if (!sd.issuer_contains.empty() && !s.issuer.empty() &&
          !ContainsNoCase(s.issuer, sd.issuer_contains))
        continue;
      Reason r;
      r.kind = ReasonKind::kCheck;
      r.name = "pe.signer." + sd.id;
      r.source = sd.source;
      r.remediation = sd.remediation;
      AddSignerDetails(s, &r);
      // Time: signing time if present, else the PE header timestamp.
      int64_t when = s.signing_time ? *s.signing_time : static_cast<int64_t>(pe.timestamp);
      r.details.emplace_back("pe_timestamp", authenticode::FormatTime(pe.timestamp));

      if (!sd.affected_product.empty()) {
        const ProductData* prod = d_->FindProduct(sd.affected_product);
        std::string version;
        if (auto vi = pe::ReadVersionInfo(pe, ctx.data); vi.ok()) {
          version = !vi->product_version.empty() ? vi->product_version
                    : !vi->file_version.empty()  ? vi->file_version
                                                 : vi->fixed_file_version;
        }
        if (!version.empty()) r.details.emplace_back("version", version);
        if (prod && VersionIn(version, prod->affected_windows)) {
          r.score = sd.score_affected_build;
          r.description = fmt::format("Signed with the {} and version {} is an affected {} build",
                                      sd.name, version, prod->name);
        } else if (sd.window_start && sd.window_end && when >= *sd.window_start &&
                   when < *sd.window_end && sd.score_in_window > 0) {
          r.score = sd.score_in_window;
          r.description = fmt::format(
              "Signed with the {} at {} ({}), inside the window in which the trojanized builds "
              "were "
              "signed; version {}",
              sd.name, authenticode::FormatTime(when),
              s.signing_time ? "signing time" : "PE timestamp",
              version.empty() ? "unknown" : version);
        } else {
          continue;  // the certificate also signed clean builds
        }
      } else if (sd.signed_after) {
        if (when <= *sd.signed_after) continue;
        r.score = sd.score_after;
        r.description = fmt::format("Signed with the {} at {} ({}), after {}", sd.name,
                                    authenticode::FormatTime(when),
                                    s.signing_time ? "signing time" : "PE timestamp",
                                    authenticode::FormatTime(*sd.signed_after).substr(0, 10));
      } else {
        continue;
      }
      out->push_back(std::move(r));
    }
  }

  const CheckData* d_;
};

}  // namespace

std::unique_ptr<Check> MakeAuthenticodeCheck(const CheckData* data) {
  return std::make_unique<AuthenticodeCheck>(data);
}

}  // namespace harrier
