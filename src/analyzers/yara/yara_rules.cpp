// libyara wrapper: errors collected from the compiler callback; matches with tags and metadata.
#include "analyzers/yara/yara_rules.hpp"

#include <yara.h>

#include <mutex>

namespace emoguard::analyzers::yara {
namespace {

std::mutex g_init_mu;
int g_users = 0;

void acquire() {
  std::lock_guard lk(g_init_mu);
  if (g_users++ == 0) yr_initialize();
}
void release() {
  std::lock_guard lk(g_init_mu);
  if (--g_users == 0) yr_finalize();
}

struct CompileErrors {
  std::string text;
  std::string current;  // the source being compiled, for messages
};

void on_compile_message(int level, const char* file, int line, const YR_RULE*, const char* message, void* user) {
  if (level != YARA_ERROR_LEVEL_ERROR) return;
  auto* e = static_cast<CompileErrors*>(user);
  if (!e->text.empty()) e->text += "; ";
  e->text += (file != nullptr ? std::string(file) : e->current) + ":" + std::to_string(line) + ": " + message;
}

int on_scan_message(YR_SCAN_CONTEXT*, int message, void* data, void* user) {
  if (message != CALLBACK_MSG_RULE_MATCHING) return CALLBACK_CONTINUE;
  const auto* rule = static_cast<const YR_RULE*>(data);
  Match m;
  m.rule = rule->identifier;
  m.ns = rule->ns != nullptr && rule->ns->name != nullptr ? rule->ns->name : "";
  const char* tag = nullptr;
  yr_rule_tags_foreach(rule, tag) { m.tags.emplace_back(tag); }
  const YR_META* meta = nullptr;
  yr_rule_metas_foreach(rule, meta) {
    if (meta->type == META_TYPE_STRING) m.meta.emplace_back(meta->identifier, meta->string);
    else if (meta->type == META_TYPE_INTEGER) m.meta.emplace_back(meta->identifier, std::to_string(meta->integer));
  }
  static_cast<std::vector<Match>*>(user)->push_back(std::move(m));
  return CALLBACK_CONTINUE;
}

}  // namespace

Result<std::shared_ptr<const Rules>> Rules::compile(const std::vector<std::pair<std::string, std::string>>& sources) {
  acquire();
  std::shared_ptr<Rules> out(new Rules());  // its destructor releases libyara
  YR_COMPILER* c = nullptr;
  if (yr_compiler_create(&c) != ERROR_SUCCESS) return make_error(Errc::internal, "libyara: cannot create a compiler");
  CompileErrors errors;
  yr_compiler_set_callback(c, on_compile_message, &errors);
  int failed = 0;
  for (const auto& [name, text] : sources) {
    // Each source is compiled from memory (files are read by io); its name goes into messages.
    errors.current = name;
    failed += yr_compiler_add_string(c, text.c_str(), nullptr);
    if (failed > 0) break;  // libyara refuses further sources after an error
  }
  if (failed > 0) {
    yr_compiler_destroy(c);
    return make_error(Errc::malformed, "YARA rules do not compile: " + errors.text);
  }
  YR_RULES* rules = nullptr;
  const int rc = yr_compiler_get_rules(c, &rules);
  yr_compiler_destroy(c);
  if (rc != ERROR_SUCCESS) return make_error(Errc::internal, "libyara: cannot build the rule set (error " + std::to_string(rc) + ")");
  out->rules_ = rules;
  const YR_RULE* r = nullptr;
  yr_rules_foreach(rules, r) { ++out->count_; }
  return std::shared_ptr<const Rules>(std::move(out));
}

Rules::~Rules() {
  if (rules_ != nullptr) yr_rules_destroy(static_cast<YR_RULES*>(rules_));
  release();
}

Result<std::vector<Match>> Rules::scan(ByteView data, int timeout_s) const {
  std::vector<Match> matches;
  const int rc = yr_rules_scan_mem(static_cast<YR_RULES*>(rules_), data.data(), data.size(), SCAN_FLAGS_FAST_MODE, on_scan_message, &matches, timeout_s);
  if (rc == ERROR_SCAN_TIMEOUT) return make_error(Errc::limit, "YARA scan timed out after " + std::to_string(timeout_s) + " s");
  if (rc != ERROR_SUCCESS) return make_error(Errc::internal, "YARA scan failed (error " + std::to_string(rc) + ")");
  return matches;
}

}  // namespace emoguard::analyzers::yara
