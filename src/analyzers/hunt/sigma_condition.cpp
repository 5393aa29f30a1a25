// Sigma conditions: a recursive-descent parser into a flat node pool, and a memoising evaluator.
//
// Canonical form (to_string): every operator is parenthesised; identifiers are bare.
//   "a or b and not c"   -> "(a or (b and (not c)))"
//   "a and b and c"      -> "(a and b and c)"       (and/or chains are n-ary, not nested)
//   "1 of sel*"          -> "(1 of sel*)"           (the pattern as written, not the list it expands to)
//   "any of sel*"        -> "(1 of sel*)"           ("any of" is accepted as pySigma does; it means "1 of")
//   "ALL OF THEM"        -> "(all of them)"         (keywords are written in lower case)
// A list of conditions (parse_any) with more than one item becomes "(c1 or c2 ...)".
#include "analyzers/hunt/sigma_condition.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace emoguard::analyzers::hunt {

namespace {

constexpr int kMaxDepth = 64;  // parentheses and "not" levels; bounds parser and evaluator recursion
constexpr std::size_t kStackMemo = 128;  // evaluate() memo on the stack up to this many identifiers

enum class Kind : std::uint8_t { ident, not_op, and_op, or_op, any_of, all_of };

struct Node {
  Kind kind = Kind::ident;
  std::uint32_t a = 0;        // ident: identifier (slot after finish); not: child; and/or/of: offset
  std::uint32_t n = 0;        // and/or: child count; of: identifier count
  std::uint32_t pattern = 0;  // of: index into patterns
};

enum class Tok : std::uint8_t { word, lparen, rparen, end };

struct Token {
  Tok type = Tok::end;
  std::string_view text;
  std::size_t offset = 0;
};

bool is_word_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-' || c == '*';
}

bool is_space(char c) noexcept { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

bool is_number(std::string_view s) noexcept {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_keyword(std::string_view s) noexcept {
  return iequals(s, "and") || iequals(s, "or") || iequals(s, "not") || iequals(s, "of");
}

// '*' matches any run of characters (possibly empty); everything else matches itself, case-sensitively.
// Greedy with one backtrack point: linear in practice, O(n*m) worst case.
bool glob_match(std::string_view pat, std::string_view s) noexcept {
  std::size_t p = 0;
  std::size_t i = 0;
  std::size_t star = std::string_view::npos;
  std::size_t mark = 0;
  while (i < s.size()) {
    if (p < pat.size() && pat[p] == '*') {
      star = p++;
      mark = i;
    } else if (p < pat.size() && pat[p] == s[i]) {
      ++p;
      ++i;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      i = ++mark;
    } else {
      return false;
    }
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;  // keep error lines short even for hostile rule text
  std::string out = "'";
  if (s.size() > kMax) {
    out.append(s.substr(0, kMax));
    out += "...";
  } else {
    out.append(s);
  }
  out += "'";
  return out;
}

std::string describe(const Token& t) {
  switch (t.type) {
    case Tok::end: return "the end of the condition";
    case Tok::lparen: return "'(' at offset " + std::to_string(t.offset);
    case Tok::rparen: return "')' at offset " + std::to_string(t.offset);
    case Tok::word: break;
  }
  return quoted(t.text) + " at offset " + std::to_string(t.offset);
}

}  // namespace

struct Condition::Impl {
  std::vector<Node> nodes;
  std::vector<std::uint32_t> kids;     // children of and/or nodes
  std::vector<std::uint32_t> refs;     // identifiers of "1 of"/"all of" nodes
  std::vector<std::string> patterns;   // "of" patterns as written ("them" in lower case)
  std::vector<std::size_t> used;       // sorted, unique identifier indices; slot i <-> used[i]
  std::vector<std::string> names;      // names[slot]
  std::uint32_t root = 0;

  bool eval(std::uint32_t id, std::uint8_t* memo, const std::function<bool(std::size_t)>& truth) const {
    const Node& nd = nodes[id];
    switch (nd.kind) {
      case Kind::ident: return slot(nd.a, memo, truth);
      case Kind::not_op: return !eval(nd.a, memo, truth);
      case Kind::and_op:
        for (std::uint32_t k = 0; k < nd.n; ++k) {
          if (!eval(kids[nd.a + k], memo, truth)) return false;
        }
        return true;
      case Kind::or_op:
        for (std::uint32_t k = 0; k < nd.n; ++k) {
          if (eval(kids[nd.a + k], memo, truth)) return true;
        }
        return false;
      case Kind::any_of:
        for (std::uint32_t k = 0; k < nd.n; ++k) {
          if (slot(refs[nd.a + k], memo, truth)) return true;
        }
        return false;
      case Kind::all_of:
        for (std::uint32_t k = 0; k < nd.n; ++k) {
          if (!slot(refs[nd.a + k], memo, truth)) return false;
        }
        return true;
    }
    return false;
  }

  // memo: 0 = not asked yet, 1 = false, 2 = true.
  bool slot(std::uint32_t s, std::uint8_t* memo, const std::function<bool(std::size_t)>& truth) const {
    if (memo[s] == 0) memo[s] = truth(used[s]) ? 2 : 1;
    return memo[s] == 2;
  }

  void print(std::uint32_t id, std::string& out) const {
    const Node& nd = nodes[id];
    switch (nd.kind) {
      case Kind::ident: out += names[nd.a]; return;
      case Kind::not_op:
        out += "(not ";
        print(nd.a, out);
        out += ')';
        return;
      case Kind::and_op:
      case Kind::or_op: {
        const char* op = nd.kind == Kind::and_op ? " and " : " or ";
        out += '(';
        for (std::uint32_t k = 0; k < nd.n; ++k) {
          if (k != 0) out += op;
          print(kids[nd.a + k], out);
        }
        out += ')';
        return;
      }
      case Kind::any_of:
      case Kind::all_of:
        out += nd.kind == Kind::any_of ? "(1 of " : "(all of ";
        out += patterns[nd.pattern];
        out += ')';
        return;
    }
  }

  // After parsing: compute used, then rewrite identifier indices as dense slots for the memo.
  void finish(const std::vector<std::string>& identifiers) {
    for (const Node& nd : nodes) {
      if (nd.kind == Kind::ident) used.push_back(nd.a);
    }
    used.insert(used.end(), refs.begin(), refs.end());
    std::sort(used.begin(), used.end());
    used.erase(std::unique(used.begin(), used.end()), used.end());
    auto to_slot = [this](std::uint32_t index) {
      return static_cast<std::uint32_t>(std::lower_bound(used.begin(), used.end(), index) - used.begin());
    };
    for (Node& nd : nodes) {
      if (nd.kind == Kind::ident) nd.a = to_slot(nd.a);
    }
    for (std::uint32_t& r : refs) r = to_slot(r);
    names.reserve(used.size());
    for (std::size_t index : used) names.push_back(identifiers[index]);
  }
};

namespace {

class Parser {
 public:
  Parser(std::string_view text, const std::vector<std::string>& identifiers, Condition::Impl& impl)
      : text_(text), ids_(identifiers), impl_(impl) {}

  // Parses the whole text; on success returns the root node. Messages carry no "condition:" prefix.
  Result<std::uint32_t> run() {
    const std::size_t pipe = text_.find('|');
    if (pipe != std::string_view::npos) {
      std::string_view agg = text_.substr(pipe);
      while (!agg.empty() && is_space(agg.back())) agg.remove_suffix(1);
      return make_error(Errc::unsupported,
                        "aggregation " + quoted(agg) + " is obsolete; write a correlation rule", pipe);
    }
    if (!tokenize()) return error_;
    if (tokens_.size() == 1) return make_error(Errc::malformed, "empty condition", 0);
    std::uint32_t root = 0;
    if (!parse_or(root)) return error_;
    if (peek().type == Tok::rparen) {
      fail(Errc::malformed, "unbalanced parentheses: ')' at offset " + std::to_string(peek().offset) +
                                " has no matching '('", peek().offset);
      return error_;
    }
    if (peek().type != Tok::end) {
      fail(Errc::malformed, "unexpected " + describe(peek()) + " after a complete expression (missing 'and'/'or'?)",
           peek().offset);
      return error_;
    }
    return root;
  }

 private:
  bool fail(Errc code, std::string message, std::size_t offset) {
    error_ = make_error(code, std::move(message), offset);
    return false;
  }

  bool tokenize() {
    std::size_t i = 0;
    while (i < text_.size()) {
      const char c = text_[i];
      if (is_space(c)) {
        ++i;
      } else if (c == '(') {
        tokens_.push_back({Tok::lparen, text_.substr(i, 1), i});
        ++i;
      } else if (c == ')') {
        tokens_.push_back({Tok::rparen, text_.substr(i, 1), i});
        ++i;
      } else if (is_word_char(c)) {
        const std::size_t start = i;
        while (i < text_.size() && is_word_char(text_[i])) ++i;
        tokens_.push_back({Tok::word, text_.substr(start, i - start), start});
      } else {
        const auto byte = static_cast<unsigned>(static_cast<unsigned char>(c));
        std::string shown = byte >= 0x20 && byte < 0x7f ? std::string(1, c) : "\\x" + std::string{
            "0123456789abcdef"[byte >> 4], "0123456789abcdef"[byte & 15]};
        return fail(Errc::malformed, "unexpected character '" + shown + "' at offset " + std::to_string(i), i);
      }
    }
    tokens_.push_back({Tok::end, {}, text_.size()});
    return true;
  }

  [[nodiscard]] const Token& peek(std::size_t ahead = 0) const {
    const std::size_t k = std::min(pos_ + ahead, tokens_.size() - 1);
    return tokens_[k];
  }
  bool peek_word(std::string_view kw, std::size_t ahead = 0) const {
    return peek(ahead).type == Tok::word && iequals(peek(ahead).text, kw);
  }

  std::uint32_t add(Node nd) {
    impl_.nodes.push_back(nd);
    return static_cast<std::uint32_t>(impl_.nodes.size() - 1);
  }

  // and_or: or := and ("or" and)*   /   and := not ("and" not)*
  bool parse_or(std::uint32_t& out) { return parse_chain(out, "or", Kind::or_op); }

  bool parse_chain(std::uint32_t& out, std::string_view op, Kind kind) {
    std::vector<std::uint32_t> items;
    std::uint32_t first = 0;
    if (!(kind == Kind::or_op ? parse_chain(first, "and", Kind::and_op) : parse_not(first))) return false;
    items.push_back(first);
    while (peek_word(op)) {
      ++pos_;
      std::uint32_t next = 0;
      if (!(kind == Kind::or_op ? parse_chain(next, "and", Kind::and_op) : parse_not(next))) return false;
      items.push_back(next);
    }
    if (items.size() == 1) {
      out = first;
      return true;
    }
    const auto offset = static_cast<std::uint32_t>(impl_.kids.size());
    impl_.kids.insert(impl_.kids.end(), items.begin(), items.end());
    out = add(Node{kind, offset, static_cast<std::uint32_t>(items.size()), 0});
    return true;
  }

  bool enter(std::size_t offset) {
    if (++depth_ > kMaxDepth) {
      return fail(Errc::malformed,
                  "nesting deeper than " + std::to_string(kMaxDepth) + " levels at offset " + std::to_string(offset),
                  offset);
    }
    return true;
  }

  // not := "not" not | quant. Each "not" is a nesting level, so "not not ... x" is bounded too.
  bool parse_not(std::uint32_t& out) {
    if (!peek_word("not")) return parse_quant(out);
    const std::size_t at = peek().offset;
    ++pos_;
    if (!enter(at)) return false;
    std::uint32_t child = 0;
    if (!parse_not(child)) return false;
    --depth_;
    out = add(Node{Kind::not_op, child, 0, 0});
    return true;
  }

  // quant := ("1" | "all" | "any") "of" pattern | atom
  bool parse_quant(std::uint32_t& out) {
    const Token& t = peek();
    if (t.type == Tok::word && peek_word("of", 1)) {
      Kind kind = Kind::any_of;
      if (iequals(t.text, "all")) {
        kind = Kind::all_of;
      } else if (t.text == "1" || iequals(t.text, "any")) {
        kind = Kind::any_of;
      } else if (is_number(t.text)) {
        return fail(Errc::unsupported,
                    "'" + std::string(t.text) + " of' at offset " + std::to_string(t.offset) +
                        " is not Sigma; only '1 of' and 'all of' are allowed",
                    t.offset);
      } else {
        return fail(Errc::malformed,
                    "expected '1', 'all' or 'any' before 'of', found " + describe(t), t.offset);
      }
      pos_ += 2;
      return parse_pattern(kind, out);
    }
    if (peek_word("of")) {
      return fail(Errc::malformed, "'of' at offset " + std::to_string(t.offset) + " needs '1' or 'all' before it",
                  t.offset);
    }
    return parse_atom(out);
  }

  bool parse_pattern(Kind kind, std::uint32_t& out) {
    const Token& t = peek();
    if (t.type != Tok::word || is_keyword(t.text)) {
      return fail(Errc::malformed, "expected an identifier pattern or 'them' after 'of', found " + describe(t),
                  t.offset);
    }
    ++pos_;
    const bool them = iequals(t.text, "them");
    const auto offset = static_cast<std::uint32_t>(impl_.refs.size());
    for (std::size_t i = 0; i < ids_.size(); ++i) {
      const bool hit = them ? (ids_[i].empty() || ids_[i][0] != '_') : glob_match(t.text, ids_[i]);
      if (hit) impl_.refs.push_back(static_cast<std::uint32_t>(i));
    }
    const auto count = static_cast<std::uint32_t>(impl_.refs.size() - offset);
    if (count == 0) {
      return fail(Errc::malformed, (them ? std::string("'them'") : quoted(t.text)) + " matches no identifier",
                  t.offset);
    }
    impl_.patterns.emplace_back(them ? std::string("them") : std::string(t.text));
    out = add(Node{kind, offset, count, static_cast<std::uint32_t>(impl_.patterns.size() - 1)});
    return true;
  }

  // atom := "(" expr ")" | identifier
  bool parse_atom(std::uint32_t& out) {
    const Token& t = peek();
    if (t.type == Tok::lparen) {
      const std::size_t open = t.offset;
      ++pos_;
      if (!enter(open)) return false;
      if (peek().type == Tok::rparen) {
        return fail(Errc::malformed, "missing operand: empty parentheses at offset " + std::to_string(open), open);
      }
      if (!parse_or(out)) return false;
      if (peek().type != Tok::rparen) {
        if (peek().type == Tok::end) {
          return fail(Errc::malformed,
                      "unbalanced parentheses: '(' at offset " + std::to_string(open) + " is never closed", open);
        }
        return fail(Errc::malformed,
                    "expected ')' to close '(' at offset " + std::to_string(open) + ", found " + describe(peek()),
                    peek().offset);
      }
      ++pos_;
      --depth_;
      return true;
    }
    if (t.type == Tok::word && !is_keyword(t.text)) {
      if (t.text.find('*') != std::string_view::npos) {
        return fail(Errc::malformed,
                    "wildcard " + quoted(t.text) + " at offset " + std::to_string(t.offset) +
                        " is only allowed after '1 of' or 'all of'",
                    t.offset);
      }
      const auto it = std::find(ids_.begin(), ids_.end(), t.text);
      if (it == ids_.end()) return fail(Errc::malformed, unknown_message(t), t.offset);
      ++pos_;
      out = add(Node{Kind::ident, static_cast<std::uint32_t>(it - ids_.begin()), 0, 0});
      return true;
    }
    if (t.type == Tok::rparen) {
      return fail(Errc::malformed, "missing operand before ')' at offset " + std::to_string(t.offset), t.offset);
    }
    const std::string after = pos_ == 0 ? std::string() : " after " + quoted(tokens_[pos_ - 1].text);
    return fail(Errc::malformed, "missing operand" + after + ": expected an identifier, '(', 'not', '1 of' or "
                                 "'all of', found " + describe(t),
                t.offset);
  }

  std::string unknown_message(const Token& t) const {
    std::string msg = "unknown identifier " + quoted(t.text) + " at offset " + std::to_string(t.offset);
    if (ids_.empty()) return msg + " (the detection defines no identifiers)";
    msg += " (the detection defines: ";
    constexpr std::size_t kList = 10;
    for (std::size_t i = 0; i < ids_.size() && i < kList; ++i) {
      if (i != 0) msg += ", ";
      msg += ids_[i];
    }
    if (ids_.size() > kList) msg += ", ...";
    msg += ")";
    return msg;
  }

  std::string_view text_;
  const std::vector<std::string>& ids_;
  Condition::Impl& impl_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;
  Error error_;
};

Result<std::uint32_t> parse_into(std::string_view text, const std::vector<std::string>& identifiers,
                                 Condition::Impl& impl, std::string_view prefix) {
  Parser parser(text, identifiers, impl);
  auto root = parser.run();
  if (!root.ok()) {
    Error e = std::move(root).error();
    e.message.insert(0, prefix);
    return e;
  }
  return root;
}

}  // namespace

Condition::Condition(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Condition::Condition(Condition&&) noexcept = default;
Condition& Condition::operator=(Condition&&) noexcept = default;
Condition::~Condition() = default;

Result<Condition> Condition::parse(std::string_view text, const std::vector<std::string>& identifiers) {
  auto impl = std::make_unique<Impl>();
  auto root = parse_into(text, identifiers, *impl, "condition: ");
  if (!root.ok()) return std::move(root).error();
  impl->root = root.value();
  impl->finish(identifiers);
  return Condition(std::move(impl));
}

Result<Condition> Condition::parse_any(const std::vector<std::string>& texts,
                                       const std::vector<std::string>& identifiers) {
  if (texts.empty()) return make_error(Errc::malformed, "condition: empty condition list");
  if (texts.size() == 1) return parse(texts.front(), identifiers);
  auto impl = std::make_unique<Impl>();
  std::vector<std::uint32_t> roots;
  roots.reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    const std::string prefix =
        "condition " + std::to_string(i + 1) + " of " + std::to_string(texts.size()) + ": ";
    auto root = parse_into(texts[i], identifiers, *impl, prefix);
    if (!root.ok()) return std::move(root).error();
    roots.push_back(root.value());
  }
  const auto offset = static_cast<std::uint32_t>(impl->kids.size());
  impl->kids.insert(impl->kids.end(), roots.begin(), roots.end());
  impl->nodes.push_back(Node{Kind::or_op, offset, static_cast<std::uint32_t>(roots.size()), 0});
  impl->root = static_cast<std::uint32_t>(impl->nodes.size() - 1);
  impl->finish(identifiers);
  return Condition(std::move(impl));
}

bool Condition::evaluate(const std::function<bool(std::size_t)>& truth) const {
  if (!impl_ || !truth || impl_->nodes.empty()) return false;
  const std::size_t slots = impl_->used.size();
  if (slots <= kStackMemo) {
    std::array<std::uint8_t, kStackMemo> memo{};  // no heap allocation per event in the usual case
    return impl_->eval(impl_->root, memo.data(), truth);
  }
  std::vector<std::uint8_t> memo(slots, 0);
  return impl_->eval(impl_->root, memo.data(), truth);
}

const std::vector<std::size_t>& Condition::used() const noexcept {
  static const std::vector<std::size_t> kNone;
  return impl_ ? impl_->used : kNone;
}

std::string Condition::to_string() const {
  std::string out;
  if (impl_ && !impl_->nodes.empty()) impl_->print(impl_->root, out);
  return out;
}

}  // namespace emoguard::analyzers::hunt
