#include "signatures/yara_rules.h"

#include <yara.h>

#include <algorithm>
#include <cstring>
#include <atomic>
#include <regex>

#include <fmt/format.h>

namespace harrier {
namespace {

struct CompileErrors {
  const std::string* current = nullptr;
  std::vector<std::pair<int, std::string>> errors;  // line, message
  std::vector<std::pair<int, std::string>> warnings;
};

void OnCompileMessage(int level, const char* /*file_name*/, int line_number,
                      const YR_RULE* /*rule*/, const char* message, void* user_data) {
  auto* e = static_cast<CompileErrors*>(user_data);
  if (level == YARA_ERROR_LEVEL_ERROR) e->errors.emplace_back(line_number, message);
  else e->warnings.emplace_back(line_number, message);
}

struct CompilerDeleter {
  void operator()(YR_COMPILER* c) const { yr_compiler_destroy(c); }
};
using CompilerPtr = std::unique_ptr<YR_COMPILER, CompilerDeleter>;

CompilerPtr NewCompiler(const std::vector<std::string>& extra, CompileErrors* errs) {
  YR_COMPILER* c = nullptr;
  if (yr_compiler_create(&c) != ERROR_SUCCESS) return nullptr;
  for (const auto& ext : kYaraExternals) {
    if (ext.is_integer) yr_compiler_define_integer_variable(c, ext.name, 0);
    else yr_compiler_define_string_variable(c, ext.name, "");
  }
  for (const auto& name : extra) yr_compiler_define_string_variable(c, name.c_str(), "");
  yr_compiler_set_callback(c, OnCompileMessage, errs);
  return CompilerPtr(c);
}

// 'undefined identifier "foo"' -> "foo"
std::string UndefinedIdentifier(const std::string& msg) {
  static const std::string kPrefix = "undefined identifier \"";
  auto p = msg.find(kPrefix);
  if (p == std::string::npos) return "";
  auto start = p + kPrefix.size();
  auto end = msg.find('"', start);
  if (end == std::string::npos) return "";
  std::string id = msg.substr(start, end - start);
  // Only plain identifiers can be externals (not "pe.foo" or "$a").
  if (id.empty() || !std::all_of(id.begin(), id.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
      }))
    return "";
  return id;
}

uint64_t CountRules(YR_RULES* rules) {
  uint64_t n = 0;
  YR_RULE* rule;
  yr_rules_foreach(rules, rule) { ++n; }
  return n;
}

// Compiles one source alone to find out whether it is good, defining
// undefined identifiers as empty string externals (added to `extra`).
bool TrialCompile(const YaraSource& src, std::vector<std::string>& extra, CompileErrors* errs) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    errs->errors.clear();
    errs->warnings.clear();
    CompilerPtr c = NewCompiler(extra, errs);
    if (!c) return false;
    if (yr_compiler_add_string(c.get(), src.text.c_str(), src.name.c_str()) == 0) return true;
    bool retried = false;
    for (const auto& [line, msg] : errs->errors) {
      std::string id = UndefinedIdentifier(msg);
      if (!id.empty() && std::find(extra.begin(), extra.end(), id) == extra.end()) {
        extra.push_back(id);
        retried = true;
      }
    }
    if (!retried) return false;
  }
  return false;
}

}  // namespace

YaraLibrary::YaraLibrary() { ok_ = yr_initialize() == ERROR_SUCCESS; }
YaraLibrary::~YaraLibrary() {
  if (ok_) yr_finalize();
}

YaraRules::YaraRules(YR_RULES* r, std::vector<std::string> extra)
    : rules_(r), extra_(std::move(extra)) {
  rule_count_ = r ? CountRules(r) : 0;
}

YaraRules::~YaraRules() {
  if (rules_) yr_rules_destroy(rules_);
}

Result<std::string> YaraRules::Serialize() const {
  if (!rules_) return Status::InvalidArgument("no rules");
  std::string out;
  YR_STREAM stream{};
  stream.user_data = &out;
  stream.write = [](const void* p, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(static_cast<const char*>(p), size * count);
    return count;
  };
  if (yr_rules_save_stream(rules_, &stream) != ERROR_SUCCESS)
    return Status::IoError("yr_rules_save_stream failed");
  return out;
}

Result<std::shared_ptr<const YaraRules>> YaraRules::Deserialize(std::string_view bytes,
                                                                std::vector<std::string> extra) {
  auto lib = std::make_shared<YaraLibrary>();
  if (!lib->ok()) return Status::IoError("libyara failed to initialise");
  struct Cursor {
    std::string_view data;
    size_t pos = 0;
  } cur{bytes};
  YR_STREAM stream{};
  stream.user_data = &cur;
  // libyara reads whole items: a short read is a failure, never a partial item.
  stream.read = [](void* p, size_t size, size_t count, void* user) -> size_t {
    auto* c = static_cast<Cursor*>(user);
    if (size == 0) return 0;
    size_t items = std::min(count, (c->data.size() - c->pos) / size);
    std::memcpy(p, c->data.data() + c->pos, items * size);
    c->pos += items * size;
    return items;
  };
  YR_RULES* r = nullptr;
  if (yr_rules_load_stream(&stream, &r) != ERROR_SUCCESS)
    return Status::Corrupt("yr_rules_load_stream: not a compiled rule set of this libyara");
  std::shared_ptr<YaraRules> rules(new YaraRules(r, std::move(extra)));
  rules->lib_ = std::move(lib);
  return std::shared_ptr<const YaraRules>(std::move(rules));
}

struct YaraRulesHandle::State {
  std::once_flag once;
  std::function<std::shared_ptr<const YaraRules>()> load;
  std::shared_ptr<const YaraRules> rules;
  std::atomic<bool> loaded{false};
  uint64_t rule_count = 0;
  std::vector<std::string> extra;
};

YaraRulesHandle::YaraRulesHandle(std::shared_ptr<const YaraRules> rules) {
  if (!rules) return;
  state_ = std::make_shared<State>();
  state_->rule_count = rules->rule_count();
  state_->extra = rules->extra_externals();
  state_->rules = std::move(rules);
  state_->loaded = true;
}

YaraRulesHandle YaraRulesHandle::Lazy(std::function<std::shared_ptr<const YaraRules>()> load,
                                      uint64_t rule_count, std::vector<std::string> extra) {
  YaraRulesHandle h;
  h.state_ = std::make_shared<State>();
  h.state_->load = std::move(load);
  h.state_->rule_count = rule_count;
  h.state_->extra = std::move(extra);
  return h;
}

std::shared_ptr<const YaraRules> YaraRulesHandle::rules() const {
  if (!state_) return nullptr;
  std::call_once(state_->once, [&] {
    if (state_->load) state_->rules = state_->load();  // else given at construction
    state_->load = nullptr;  // releases what the loader held (an open file)
    state_->loaded = true;
  });
  return state_->rules;
}

uint64_t YaraRulesHandle::rule_count() const { return state_ ? state_->rule_count : 0; }

const std::vector<std::string>& YaraRulesHandle::extra_externals() const {
  static const std::vector<std::string> kNone;
  return state_ ? state_->extra : kNone;
}

bool YaraRulesHandle::loaded() const { return state_ && state_->loaded; }

Result<std::shared_ptr<const YaraRules>> CompileYara(const std::vector<YaraSource>& sources,
                                                     Diagnostics& diag,
                                                     YaraCompileStats* stats) {
  auto lib = std::make_shared<YaraLibrary>();
  if (!lib->ok()) return Status::IoError("libyara failed to initialise");
  YaraCompileStats local;
  YaraCompileStats& st = stats ? *stats : local;
  st.files += sources.size();

  // Fast path: everything in one compiler. libyara's compiler is unusable
  // after an error, so on any error fall back to compiling each file alone
  // (to find the bad ones and collect undefined externals), then build the
  // final set from the good files.
  std::vector<std::string> extra;
  std::vector<const YaraSource*> good;
  {
    CompileErrors errs;
    CompilerPtr c = NewCompiler(extra, &errs);
    if (!c) return Status::ResourceExhausted("yr_compiler_create failed");
    bool failed = false;
    for (const auto& src : sources) {
      if (yr_compiler_add_string(c.get(), src.text.c_str(), src.name.c_str()) != 0) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      st.source_ok.assign(sources.size(), true);
      return YaraRules::Freeze(c.get(), lib, extra, st);
    }
  }
  st.source_ok.assign(sources.size(), false);
  for (size_t i = 0; i < sources.size(); ++i) {
    const YaraSource& src = sources[i];
    CompileErrors errs;
    if (TrialCompile(src, extra, &errs)) {
      good.push_back(&src);
      st.source_ok[i] = true;
      continue;
    }
    ++st.files_failed;
    if (errs.errors.empty()) {
      diag.Error(src.name, "YARA file failed to compile");
    }
    for (const auto& [line, msg] : errs.errors) {
      diag.Error(fmt::format("{}:{}", src.name, line), fmt::format("YARA: {}", msg));
    }
  }
  st.auto_externals = extra;
  for (const auto& e : extra) {
    diag.Info("yara", fmt::format("undefined external '{}' defined as empty string", e));
  }
  CompileErrors errs;
  CompilerPtr c = NewCompiler(extra, &errs);
  if (!c) return Status::ResourceExhausted("yr_compiler_create failed");
  for (const YaraSource* src : good) {
    if (yr_compiler_add_string(c.get(), src->text.c_str(), src->name.c_str()) != 0) {
      // Cannot happen for files that compiled alone in their own namespace;
      // if it does, report and give up on YARA rather than load half a set.
      for (const auto& [line, msg] : errs.errors)
        diag.Error(fmt::format("{}:{}", src->name, line), fmt::format("YARA: {}", msg));
      return Status::Corrupt("YARA rules compiled alone but not together");
    }
  }
  return YaraRules::Freeze(c.get(), lib, extra, st);
}

Result<std::shared_ptr<const YaraRules>> CompileYaraStrict(const std::vector<YaraSource>& sources,
                                                           const std::vector<std::string>& extra) {
  auto lib = std::make_shared<YaraLibrary>();
  if (!lib->ok()) return Status::IoError("libyara failed to initialise");
  CompileErrors errs;
  CompilerPtr c = NewCompiler(extra, &errs);
  if (!c) return Status::ResourceExhausted("yr_compiler_create failed");
  for (const auto& src : sources) {
    if (yr_compiler_add_string(c.get(), src.text.c_str(), src.name.c_str()) != 0) {
      std::string first = errs.errors.empty() ? "error" : errs.errors.front().second;
      int line = errs.errors.empty() ? 0 : errs.errors.front().first;
      return Status::Corrupt(fmt::format("{}:{}: {}", src.name, line, first));
    }
  }
  YaraCompileStats st;
  return YaraRules::Freeze(c.get(), lib, extra, st);
}

Result<std::shared_ptr<const YaraRules>> YaraRules::Freeze(YR_COMPILER* compiler,
                                                           std::shared_ptr<YaraLibrary> lib,
                                                           std::vector<std::string> extra,
                                                           YaraCompileStats& stats) {
  YR_RULES* r = nullptr;
  if (yr_compiler_get_rules(compiler, &r) != ERROR_SUCCESS)
    return Status::ResourceExhausted("yr_compiler_get_rules failed");
  std::shared_ptr<YaraRules> rules(new YaraRules(r, std::move(extra)));
  rules->lib_ = std::move(lib);
  stats.rules += rules->rule_count();
  return std::shared_ptr<const YaraRules>(std::move(rules));
}

}  // namespace harrier
