// Sigma rules: loaded from YAML, mapped from their logsource to Windows channels, providers and
// event ids, compiled into value matchers and a condition, and matched against EVTX records
// through the record view's field index (no JSON is built). A rule that uses something we do not
// support is rejected with the reason, never dropped silently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>
#include <string>
#include <vector>

#include "analyzers/hunt/sigma_value.hpp"
#include "formats/evtx/evtx.hpp"

namespace emoguard::analyzers::hunt {

enum class Level : std::uint8_t { informational, low, medium, high, critical };
std::string_view to_string(Level l) noexcept;

// One kind of event a rule applies to: a channel or a provider (never an event id alone: EventID
// 1 of another provider is not a Sysmon process creation), and the event ids (empty: any).
struct Target {
  std::vector<std::string> channels;   // compared case-insensitively
  std::vector<std::string> providers;
  std::vector<std::uint32_t> event_ids;
  bool security_4688 = false;          // process_creation through Security 4688: Sysmon field names are mapped
};

class Rule {
 public:
  std::string file, id, title, author, status, description;
  Level level = Level::medium;
  std::string category, product, service;
  std::vector<std::string> tags;
  std::vector<Target> targets;

  // Whether the record is of one of the rule's targets and its detection matches.
  [[nodiscard]] bool matches(const formats::evtx::RecordView& v) const;

  Rule();
  Rule(Rule&&) noexcept;
  Rule& operator=(Rule&&) noexcept;
  ~Rule();

  struct Detection;
  std::unique_ptr<Detection> detection;
};

struct RejectedRule {
  std::string file, id, title;
  std::string reason;
};

struct RuleSet {
  std::vector<Rule> rules;
  std::vector<RejectedRule> rejected;
  std::size_t documents = 0;  // YAML documents read
};

struct LoadOptions {
  const ExpandVars* expand = nullptr;  // values for |expand placeholders
};

// Rules indexed by the channel (or provider) and event id they apply to, so that a record is
// tried only against the rules that can match it (most of a rule set never sees most events).
class RuleIndex {
 public:
  explicit RuleIndex(const RuleSet& set);
  // Calls f(rule) for each rule that may apply to the record, each once, in rule-set order;
  // f decides with rule.matches(v).
  void candidates(const formats::evtx::RecordView& v, const std::function<void(const Rule&)>& f) const;
  [[nodiscard]] std::size_t size() const noexcept { return rules_; }

 private:
  // key: lower-case channel or "provider:" + provider, '\0', event id or "*"
  std::unordered_map<std::string, std::vector<std::uint32_t>> by_key_;
  std::vector<const Rule*> order_;
  std::size_t rules_ = 0;
};

// Loads rules from YAML text (one or more documents); file names the origin in messages. Rules
// of other products, unmapped logsources, unsupported modifiers, correlation documents and YAML
// errors go to out.rejected, each with its reason. (Reading rule files is the caller's: only io
// opens files.)
void load_rules_text(const std::string& text, const std::string& file, const LoadOptions& options, RuleSet& out);

}  // namespace emoguard::analyzers::hunt
