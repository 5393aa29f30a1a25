// Sigma conditions: "selection and not filter", "1 of sel_*", "all of them", parentheses.
// Precedence, loosest to tightest: or < and < not < "1 of"/"all of" < ( ). Identifier patterns
// may use * anywhere; "them" means every identifier except those starting with "_". Keywords
// are case-insensitive ("AND", "Not", "1 OF").
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/result.hpp"

namespace emoguard::analyzers::hunt {

class Condition {
 public:
  // identifiers: the detection's identifier names, in the rule's order. Errors (each message
  // says why): syntax errors, an unknown identifier, a pattern that matches no identifier, an
  // aggregation pipe ("| count() by x > 5": obsolete; use a correlation rule), nesting deeper
  // than 64.
  static Result<Condition> parse(std::string_view text, const std::vector<std::string>& identifiers);
  // A YAML list of conditions means any of them.
  static Result<Condition> parse_any(const std::vector<std::string>& texts, const std::vector<std::string>& identifiers);

  // truth(i): whether identifier i matches the record; called lazily (short-circuit), at most
  // once per identifier per evaluation.
  [[nodiscard]] bool evaluate(const std::function<bool(std::size_t)>& truth) const;
  // Indices of the identifiers the condition refers to, sorted, without repeats.
  [[nodiscard]] const std::vector<std::size_t>& used() const noexcept;
  // The condition as parsed, fully parenthesised, e.g. "(sel and (not filter))", for --explain.
  [[nodiscard]] std::string to_string() const;

  Condition(Condition&&) noexcept;
  Condition& operator=(Condition&&) noexcept;
  ~Condition();

  struct Impl;

 private:
  explicit Condition(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace emoguard::analyzers::hunt
