#include "signatures/c2_matcher.h"

#include <hs.h>

#include <algorithm>
#include <string>
#include <tuple>

#include <fmt/format.h>

namespace harrier {
namespace {

bool IsAlnum(uint8_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
uint8_t Lower(uint8_t c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

// The fullword rule of libyara 4.2 for a hit at [off, off + len).
bool FullWord(std::span<const uint8_t> d, uint64_t off, uint64_t len, bool wide) {
  if (wide) {
    if (off >= 2 && d[off - 1] == 0 && IsAlnum(d[off - 2])) return false;
    if (off + len + 1 < d.size() && d[off + len + 1] == 0 && IsAlnum(d[off + len])) return false;
  } else {
    if (off >= 1 && IsAlnum(d[off - 1])) return false;
    if (off + len < d.size() && IsAlnum(d[off + len])) return false;
  }
  return true;
}

struct MatchCtx {
  std::span<const uint8_t> data;
  const std::vector<uint32_t>* lengths;
  std::vector<C2Hit>* out;
};

int OnMatch(unsigned id, unsigned long long /*from*/, unsigned long long to, unsigned /*flags*/,
            void* user) {
  auto* ctx = static_cast<MatchCtx*>(user);
  uint32_t len = (*ctx->lengths)[id];
  uint64_t off = to - len;
  bool wide = id & 1;
  if (FullWord(ctx->data, off, len, wide)) ctx->out->push_back({id / 2, off, len, wide});
  return 0;
}

void SortAndLimit(std::vector<C2Hit>* hits, size_t max_per_ioc) {
  std::sort(hits->begin(), hits->end(), [](const C2Hit& a, const C2Hit& b) {
    return std::tie(a.ioc, a.offset, a.wide) < std::tie(b.ioc, b.offset, b.wide);
  });
  hits->erase(std::unique(hits->begin(), hits->end()), hits->end());
  if (max_per_ioc == 0) return;
  size_t w = 0, run = 0;
  for (size_t r = 0; r < hits->size(); ++r) {
    run = (r > 0 && (*hits)[r].ioc == (*hits)[r - 1].ioc) ? run + 1 : 0;
    if (run < max_per_ioc) (*hits)[w++] = (*hits)[r];
  }
  hits->resize(w);
}

}  // namespace

C2Matcher::Scratch::~Scratch() {
  if (s_) hs_free_scratch(s_);
}

C2Matcher::~C2Matcher() {
  for (hs_database_t* db : db_)
    if (db) hs_free_database(db);
}

Result<std::unique_ptr<C2Matcher>> C2Matcher::Build(const std::vector<C2Ioc>& iocs) {
  std::unique_ptr<C2Matcher> m(new C2Matcher());
  m->lengths_.assign(iocs.size() * 2, 0);
  // One database per form. vectorscan 5.4.9 (Debian 12) misses ascii hits
  // when a small database also holds the wide (NUL-interleaved) form of the
  // same literal, depending on how many bytes precede the hit (found by
  // fuzz/ioc_fuzzer.cc against ScanSlow; reproduced with two patterns).
  for (int wide = 0; wide < 2; ++wide) {
    std::vector<std::string> pats;
    std::vector<unsigned> ids;
    for (size_t i = 0; i < iocs.size(); ++i) {
      const std::string& s = iocs[i].indicator;
      if (s.empty()) continue;
      std::string p;
      for (char c : s) {
        p += c;
        if (wide) p += '\0';
      }
      m->lengths_[2 * i + wide] = static_cast<uint32_t>(p.size());
      pats.push_back(std::move(p));
      ids.push_back(static_cast<unsigned>(2 * i + wide));
    }
    if (pats.empty()) return m;  // nothing to search: Scan finds nothing
    std::vector<unsigned> flags(pats.size(), HS_FLAG_CASELESS);
    std::vector<const char*> ptrs;
    std::vector<size_t> lens;
    for (const auto& p : pats) {
      ptrs.push_back(p.data());
      lens.push_back(p.size());
    }
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(ptrs.data(), flags.data(), ids.data(), lens.data(),
                             static_cast<unsigned>(pats.size()), HS_MODE_BLOCK, nullptr,
                             &m->db_[wide], &err) != HS_SUCCESS) {
      std::string msg = err && err->message ? err->message : "unknown error";
      if (err) hs_free_compile_error(err);
      return Status::InvalidArgument(fmt::format("vectorscan refused the C2 indicators: {}", msg));
    }
  }
  return m;
}

Result<std::unique_ptr<C2Matcher::Scratch>> C2Matcher::NewScratch() const {
  hs_scratch_t* s = nullptr;  // one scratch serves both databases
  for (hs_database_t* db : db_)
    if (db && hs_alloc_scratch(db, &s) != HS_SUCCESS)
      return Status::ResourceExhausted("vectorscan: cannot allocate scratch");
  return std::unique_ptr<Scratch>(new Scratch(s));
}

Status C2Matcher::Scan(std::span<const uint8_t> data, Scratch& scratch, size_t max_per_ioc,
                       std::vector<C2Hit>* out) const {
  out->clear();
  if (!db_[0] || data.empty()) return Status::Ok();
  // hs_scan takes an unsigned length: inputs over 1 GiB are scanned in
  // windows that overlap by the longest pattern; a hit seen twice is kept
  // once. Offsets passed to OnMatch are absolute.
  constexpr uint64_t kWindow = 1ULL << 30;
  uint64_t longest = *std::max_element(lengths_.begin(), lengths_.end());
  MatchCtx ctx{data, &lengths_, out};
  struct Window {
    MatchCtx* ctx;
    uint64_t base;
  };
  auto on_match = [](unsigned id, unsigned long long from, unsigned long long to, unsigned fl,
                     void* user) -> int {
    auto* w = static_cast<Window*>(user);
    return OnMatch(id, from + w->base, to + w->base, fl, w->ctx);
  };
  for (hs_database_t* db : db_) {
    for (uint64_t base = 0;;) {
      uint64_t n = std::min<uint64_t>(kWindow, data.size() - base);
      Window w{&ctx, base};
      hs_error_t rc = hs_scan(db, reinterpret_cast<const char*>(data.data() + base),
                              static_cast<unsigned>(n), 0, scratch.s_, on_match, &w);
      if (rc != HS_SUCCESS) return Status::IoError(fmt::format("vectorscan scan error {}", rc));
      if (base + n >= data.size()) break;
      base = base + n - std::min<uint64_t>(n - 1, longest);
    }
  }
  SortAndLimit(out, max_per_ioc);
  return Status::Ok();
}

std::vector<C2Hit> C2Matcher::ScanSlow(const std::vector<C2Ioc>& iocs,
                                       std::span<const uint8_t> data, size_t max_per_ioc) {
  std::vector<C2Hit> out;
  for (size_t i = 0; i < iocs.size(); ++i) {
    const std::string& s = iocs[i].indicator;
    if (s.empty()) continue;
    for (int wide = 0; wide < 2; ++wide) {
      size_t len = s.size() * (wide ? 2 : 1);
      for (size_t off = 0; off + len <= data.size(); ++off) {
        bool eq = true;
        for (size_t k = 0; k < s.size() && eq; ++k) {
          uint8_t b = data[off + (wide ? 2 * k : k)];
          eq = Lower(b) == Lower(static_cast<uint8_t>(s[k])) && (!wide || data[off + 2 * k + 1] == 0);
        }
        if (eq && FullWord(data, off, len, wide))
          out.push_back({static_cast<uint32_t>(i), off, static_cast<uint32_t>(len), wide != 0});
      }
    }
  }
  SortAndLimit(&out, max_per_ioc);
  return out;
}

}  // namespace harrier
