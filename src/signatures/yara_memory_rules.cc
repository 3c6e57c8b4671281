#include "signatures/yara_memory_rules.h"

#include <unordered_map>

#include "core/diagnostics.h"
#include "signatures/signature_set.h"
#include "signatures/yara_source.h"

namespace harrier {
namespace {

bool FileOnlyIdent(std::string_view t) {
  static const std::unordered_set<std::string_view> kIdents = {
      "filesize", "entrypoint", "at",       "in",       "filename", "filepath", "extension",
      "filetype", "owner",      "md5",      "filemode", "int8",     "int16",    "int32",
      "uint8",    "uint16",     "uint32",   "int8be",   "int16be",  "int32be",  "uint8be",
      "uint16be", "uint32be"};
  return kIdents.count(t) != 0;
}

std::string_view Unquote(std::string_view t) {
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') return t.substr(1, t.size() - 2);
  return t;
}

}  // namespace

MemoryRules::MemoryRules(std::vector<YaraSource> sources) : sources_(std::move(sources)) {}

void MemoryRules::Analyse() const {
  for (const YaraSource& src : sources_) {
    if (src.name == kC2Namespace) continue;
    auto split = SplitYara(src.text);
    if (!split.ok()) continue;  // opaque: not on memory
    const auto& rules = split->rules;
    const auto& tokens = split->tokens;
    std::unordered_set<std::string_view> modules(split->imports.begin(), split->imports.end());
    std::unordered_map<std::string_view, size_t> index;
    for (size_t i = 0; i < rules.size(); ++i) index.emplace(rules[i].name, i);
    // 0 = decided by the condition, 1 = memory (meta), -1 = file only (meta).
    std::vector<int> meta(rules.size(), 0);
    std::vector<bool> file_only(rules.size(), false);
    std::vector<std::vector<size_t>> names(rules.size());
    size_t tk = 0;
    for (size_t i = 0; i < rules.size(); ++i) {
      // Tokens of the rule before its condition: meta and strings.
      while (tk < tokens.size() && tokens[tk].begin < rules[i].begin) ++tk;
      for (size_t k = tk; k + 2 < rules[i].cond_tok_begin && k + 2 < tokens.size(); ++k) {
        if (tokens[k].kind == YaraTok::kIdent && tokens[k].text == "scan_context" &&
            tokens[k + 1].text == "=" && tokens[k + 2].kind == YaraTok::kText) {
          meta[i] = Unquote(tokens[k + 2].text).find("memory") != std::string_view::npos ? 1 : -1;
          break;
        }
      }
      for (uint32_t k = rules[i].cond_tok_begin; k < rules[i].cond_tok_end && k < tokens.size();
           ++k) {
        if (tokens[k].kind != YaraTok::kIdent) continue;
        std::string_view t = tokens[k].text;
        // A module field (pe.is_dll) starts with the module's name; a field
        // of a module named like a rule does not make it a rule reference.
        bool field = k > 0 && tokens[k - 1].text == ".";
        if (!field && (FileOnlyIdent(t) || modules.count(t))) file_only[i] = true;
        if (!field) {
          if (auto it = index.find(t); it != index.end()) names[i].push_back(it->second);
        }
      }
      if (meta[i] == 1) file_only[i] = false;
      if (meta[i] == -1) file_only[i] = true;
    }
    for (bool changed = true; changed;) {  // rules that name a file-only one, to a fixed point
      changed = false;
      for (size_t i = 0; i < rules.size(); ++i) {
        if (file_only[i]) continue;
        for (size_t j : names[i]) {
          if (file_only[j]) {
            file_only[i] = changed = true;
            break;
          }
        }
      }
    }
    bool namespace_off = false;
    for (size_t i = 0; i < rules.size(); ++i)
      if (file_only[i] && rules[i].is_global) namespace_off = true;
    for (size_t i = 0; i < rules.size(); ++i) {
      if (file_only[i] || namespace_off) {
        ++file_only_;
        continue;
      }
      memory_.insert(src.name + '\0' + rules[i].name);
    }
  }
}

bool MemoryRules::RunsOnMemory(std::string_view ns, std::string_view name) const {
  std::call_once(analysed_, [this] { Analyse(); });
  std::string key(ns);
  key += '\0';
  key += name;
  return memory_.count(key) != 0;
}

size_t MemoryRules::memory_rules() const {
  std::call_once(analysed_, [this] { Analyse(); });
  return memory_.size();
}

size_t MemoryRules::file_only_rules() const {
  std::call_once(analysed_, [this] { Analyse(); });
  return file_only_;
}

std::vector<YaraSource> MemoryRules::MemorySources() const {
  std::call_once(analysed_, [this] { Analyse(); });
  std::vector<YaraSource> out;
  for (const YaraSource& src : sources_) {
    if (src.name == kC2Namespace) continue;
    auto split = SplitYara(src.text);
    if (!split.ok()) continue;
    YaraSource kept{src.name, {}};
    size_t at = 0;
    bool any = false;
    for (const auto& r : split->rules) {
      if (memory_.count(src.name + '\0' + r.name)) {
        any = true;
        continue;
      }
      kept.text.append(src.text, at, r.begin - at);
      at = r.end;
    }
    if (!any) continue;
    kept.text.append(src.text, at, std::string::npos);
    out.push_back(std::move(kept));
  }
  return out;
}

std::shared_ptr<const YaraRules> MemoryRules::Rules() const {
  std::call_once(compiled_, [this] {
    auto sources = MemorySources();
    if (sources.empty()) return;
    Diagnostics unused;  // the first compilation reported the same files
    auto rules = CompileYara(sources, unused, nullptr);
    if (rules.ok()) rules_ = std::move(*rules);
  });
  return rules_;
}

}  // namespace harrier
