#include "signatures/literal_filter.h"

#include <algorithm>
#include <cstring>

namespace harrier {
namespace {

constexpr int kFilterBits = 20;  // 128 KiB per table: ~1 % false keys at 13k literals

uint64_t HashKey(uint64_t k) { return (k * 0x9E3779B97F4A7C15ull) >> (64 - kFilterBits); }
// The first filter on every position: the first 4 bytes of some literal?
// 2^18 bits = 32 KiB, in L1 on this hardware; ~5 % of positions pass at 14k
// literals.
constexpr int kPrefixBits = 18;
uint32_t HashPrefix(uint32_t k) { return (k * 0x9E3779B1u) >> (32 - kPrefixBits); }

}  // namespace

LiteralFilter::LiteralFilter(const std::vector<PrefilterRule>& rules) : rule_count_(rules.size()) {
  for (size_t r = 0; r < rules.size(); ++r)
    for (const auto& l : rules[r].literals) {
      if (l.size() < 4) continue;  // never: FindPrefilterRules refuses them
      lit_.push_back(l);
      lit_rule_.push_back(static_cast<uint32_t>(r));
    }
  auto build = [&](Table& t, bool is_long) {
    std::vector<std::pair<uint64_t, uint32_t>> kv;
    for (size_t i = 0; i < lit_.size(); ++i) {
      if ((lit_[i].size() >= 8) != is_long) continue;
      uint64_t k = 0;
      std::memcpy(&k, lit_[i].data(), is_long ? 8 : 4);
      kv.emplace_back(k, static_cast<uint32_t>(i));
    }
    std::sort(kv.begin(), kv.end());
    t.bits.assign((size_t{1} << kFilterBits) / 64, 0);
    size_t cap = 16;
    while (cap < 2 * kv.size()) cap *= 2;
    t.slots.assign(cap, Slot{});
    for (size_t a = 0; a < kv.size();) {
      size_t b = a;
      while (b < kv.size() && kv[b].first == kv[a].first) t.lits.push_back(kv[b++].second);
      uint64_t k = kv[a].first, h = HashKey(k);
      t.bits[h >> 6] |= uint64_t{1} << (h & 63);
      size_t s = h & (cap - 1);
      while (t.slots[s].count) s = (s + 1) & (cap - 1);
      t.slots[s] = Slot{k, static_cast<uint32_t>(t.lits.size() - (b - a)), static_cast<uint32_t>(b - a)};
      a = b;
    }
  };
  build(long_, true);
  build(short_, false);
  prefix_bits_.assign((size_t{1} << kPrefixBits) / 64, 0);
  for (const auto& l : lit_) {
    uint32_t k;
    std::memcpy(&k, l.data(), 4);
    uint32_t h = HashPrefix(k);
    prefix_bits_[h >> 6] |= uint64_t{1} << (h & 63);
  }
}

bool LiteralFilter::Table::MayHave(uint64_t key) const {
  if (lits.empty()) return false;
  uint64_t h = HashKey(key);
  return (bits[h >> 6] >> (h & 63)) & 1;
}

void LiteralFilter::Lookup(const Table& t, uint64_t key, const uint8_t* p, size_t left,
                           std::vector<uint8_t>* hit) const {
  const size_t mask = t.slots.size() - 1;
  for (size_t s = HashKey(key) & mask; t.slots[s].count; s = (s + 1) & mask) {
    const Slot& slot = t.slots[s];
    if (slot.key != key) continue;
    for (uint32_t j = slot.begin; j < slot.begin + slot.count; ++j) {
      uint32_t li = t.lits[j];
      uint8_t& h = (*hit)[lit_rule_[li]];
      if (h) continue;
      const std::string& l = lit_[li];
      if (l.size() <= left && std::memcmp(p, l.data(), l.size()) == 0) h = 1;
    }
    return;
  }
}

void LiteralFilter::Match(std::span<const uint8_t> data, std::vector<uint8_t>* hit,
                          std::vector<uint8_t>* scratch) const {
  hit->assign(rule_count_, 0);
  if (data.size() < 4 || lit_.empty()) return;
  scratch->resize(data.size());
  uint8_t* f = scratch->data();
  for (size_t i = 0; i < data.size(); ++i) f[i] = FoldAscii(data[i]);
  const size_t n = data.size();
  const uint64_t* prefix = prefix_bits_.data();
  for (size_t i = 0; i + 4 <= n; ++i) {
    uint32_t p4;
    std::memcpy(&p4, f + i, 4);
    uint32_t ph = HashPrefix(p4);
    if (!((prefix[ph >> 6] >> (ph & 63)) & 1)) continue;
    if (i + 8 <= n) {
      uint64_t k8;
      std::memcpy(&k8, f + i, 8);
      if (long_.MayHave(k8)) Lookup(long_, k8, f + i, n - i, hit);
    }
    uint32_t k4;
    std::memcpy(&k4, f + i, 4);
    if (short_.MayHave(k4)) Lookup(short_, k4, f + i, n - i, hit);
  }
}

}  // namespace harrier
