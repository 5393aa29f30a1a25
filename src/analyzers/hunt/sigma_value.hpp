// Sigma field values: one compiled matcher per detection item "Field|mod1|mod2: value(s)", and
// keyword searches (a bare list of strings under an identifier). Semantics: Sigma spec v2.1.0 as
// summarised in ../shared/specs/event-logs.md §2.1-§2.2 (wildcards, escapes, case, modifiers,
// missing fields, multi-valued fields).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/result.hpp"

namespace emoguard::analyzers::hunt {

// Values for the |expand modifier: placeholder name (without %) -> its values.
using ExpandVars = std::map<std::string, std::vector<std::string>>;

// Gives every value of a named field of the current record (f called once per value; not at
// all when the field is missing). Used by |fieldref.
using FieldGetter = std::function<void(std::string_view field, const std::function<void(std::string_view)>& f)>;

class ValueMatcher {
 public:
  // modifiers: as written after the field name, in order (e.g. {"contains", "all"}); values: the
  // item's values (a YAML scalar or each element of a YAML list), std::nullopt for YAML null.
  // An unknown or unsupported modifier, a bad combination (|all on one value, |re that RE2
  // cannot compile, |expand without vars, |cidr with a bad prefix, ...) is an Error whose message
  // says why (it becomes the reason the rule is not loaded).
  static Result<ValueMatcher> compile(std::span<const std::string> modifiers, std::span<const std::optional<std::string>> values,
                                      const ExpandVars* vars = nullptr);

  // values: every value the field has in the record (empty span: the field is missing).
  // other: for |fieldref.
  [[nodiscard]] bool matches(std::span<const std::string_view> values, const FieldGetter& other = {}) const;

  ValueMatcher(ValueMatcher&&) noexcept;
  ValueMatcher& operator=(ValueMatcher&&) noexcept;
  ~ValueMatcher();

  struct Impl;

 private:
  explicit ValueMatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Keyword search: true when any value of any field of the record contains one of the values
// (case-insensitive, wildcards allowed); with |all, when every value is found (each anywhere).
class KeywordMatcher {
 public:
  static Result<KeywordMatcher> compile(std::span<const std::string> modifiers, std::span<const std::optional<std::string>> values);
  // for_each_value calls its argument with every value of every field until it returns false.
  [[nodiscard]] bool matches(const std::function<void(const std::function<bool(std::string_view)>&)>& for_each_value) const;

  KeywordMatcher(KeywordMatcher&&) noexcept;
  KeywordMatcher& operator=(KeywordMatcher&&) noexcept;
  ~KeywordMatcher();

  struct Impl;

 private:
  explicit KeywordMatcher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Exposed for tests and for the rule loader's explanations.
// windash: every '-' or '/' at a word start (start of text or after a non-word character, and
// followed by a word character) expands to '-', '/', U+2013, U+2014, U+2015; at most 4 such
// places are expanded (5^4 strings). Returns the expansions, the original first.
std::vector<std::string> windash_variants(std::string_view value);
// base64offset: the three strings of Sigma's definition (for offsets 0, 1, 2).
std::vector<std::string> base64offset_variants(std::string_view raw_bytes);
std::string base64(std::string_view raw_bytes);

}  // namespace emoguard::analyzers::hunt
