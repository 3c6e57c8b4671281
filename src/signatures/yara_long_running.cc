#include "signatures/yara_long_running.h"

#include <algorithm>
#include <unordered_map>

#include "core/diagnostics.h"
#include "signatures/yara_source.h"

namespace harrier {

LongRunningRules::LongRunningRules(std::vector<YaraSource> sources)
    : sources_(std::move(sources)) {}

void LongRunningRules::Analyse() const {
  for (const YaraSource& src : sources_) {
    auto split = SplitYara(src.text);
    if (!split.ok()) {
      namespaces_.insert(src.name);
      continue;
    }
    const auto& rules = split->rules;
    const auto& tokens = split->tokens;
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < rules.size(); ++i) index.emplace(rules[i].name, i);
    std::vector<bool> slow(rules.size(), false);
    std::vector<std::vector<size_t>> names(rules.size());  // rules named in the condition
    for (size_t i = 0; i < rules.size(); ++i) {
      for (uint32_t k = rules[i].cond_tok_begin; k < rules[i].cond_tok_end && k < tokens.size();
           ++k) {
        if (tokens[k].kind != YaraTok::kIdent) continue;
        if (tokens[k].text == "for") slow[i] = true;
        // Any identifier spelled like a rule counts (also a module field
        // of that name): leaving out too much only loses matches.
        if (auto it = index.find(tokens[k].text); it != index.end()) names[i].push_back(it->second);
      }
    }
    for (bool changed = true; changed;) {  // rules that name a slow one, to a fixed point
      changed = false;
      for (size_t i = 0; i < rules.size(); ++i) {
        if (slow[i]) continue;
        for (size_t j : names[i]) {
          if (slow[j]) {
            slow[i] = changed = true;
            break;
          }
        }
      }
    }
    for (size_t i = 0; i < rules.size(); ++i) {
      if (!slow[i]) continue;
      if (rules[i].is_global) namespaces_.insert(src.name);
      rules_.insert(src.name + '\0' + rules[i].name);
    }
  }
}

bool LongRunningRules::Contains(std::string_view ns, std::string_view name) const {
  std::call_once(analysed_, [this] { Analyse(); });
  std::string key(ns);
  if (namespaces_.count(key)) return true;
  key += '\0';
  key += name;
  return rules_.count(key) != 0;
}

std::vector<std::string> LongRunningRules::List() const {
  std::call_once(analysed_, [this] { Analyse(); });
  std::vector<std::string> out(rules_.begin(), rules_.end());
  for (const auto& ns : namespaces_) out.push_back(ns + '\0' + '*');
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<YaraSource> LongRunningRules::RetrySources() const {
  std::call_once(analysed_, [this] { Analyse(); });
  std::vector<YaraSource> out;
  for (const YaraSource& src : sources_) {
    if (namespaces_.count(src.name)) continue;
    auto split = SplitYara(src.text);
    if (!split.ok()) continue;  // in namespaces_ already; kept for safety
    YaraSource kept{src.name, {}};
    size_t at = 0;
    for (const auto& r : split->rules) {
      if (!rules_.count(src.name + '\0' + r.name)) continue;
      kept.text.append(src.text, at, r.begin - at);
      at = r.end;
    }
    kept.text.append(src.text, at, std::string::npos);
    out.push_back(std::move(kept));
  }
  return out;
}

std::shared_ptr<const YaraRules> LongRunningRules::RetryRules() const {
  std::call_once(compiled_, [this] {
    if (List().empty()) return;
    Diagnostics unused;  // the first compilation reported the same files
    auto rules = CompileYara(RetrySources(), unused, nullptr);
    if (rules.ok()) retry_ = std::move(*rules);
  });
  return retry_;
}

}  // namespace harrier
