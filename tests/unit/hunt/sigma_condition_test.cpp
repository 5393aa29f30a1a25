// Unit tests for the Sigma condition parser and evaluator (analyzers/hunt/sigma_condition).
#include "analyzers/hunt/sigma_condition.hpp"

#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <vector>

namespace emoguard::analyzers::hunt {
namespace {

using Ids = std::vector<std::string>;

Condition must_parse(const std::string& text, const Ids& ids) {
  auto c = Condition::parse(text, ids);
  EXPECT_TRUE(c.ok()) << text << ": " << (c.ok() ? std::string() : c.error().message);
  if (!c.ok()) return Condition::parse(ids.at(0), ids).value();
  return std::move(c).value();
}

// Evaluates with identifier i true when bit i of mask is set.
bool eval_mask(const Condition& c, unsigned mask) {
  return c.evaluate([mask](std::size_t i) { return ((mask >> i) & 1U) != 0; });
}

std::string parse_error(const std::string& text, const Ids& ids) {
  auto c = Condition::parse(text, ids);
  EXPECT_FALSE(c.ok()) << text << " parsed as " << (c.ok() ? c.value().to_string() : std::string());
  return c.ok() ? std::string() : c.error().message;
}

TEST(SigmaConditionPrecedence, OrAndNotTruthTable) {
  const Ids ids{"a", "b", "c"};
  const auto c = must_parse("a or b and not c", ids);
  EXPECT_EQ(c.to_string(), "(a or (b and (not c)))");
  for (unsigned m = 0; m < 8; ++m) {
    const bool a = (m & 1U) != 0;
    const bool b = (m & 2U) != 0;
    const bool cc = (m & 4U) != 0;
    EXPECT_EQ(eval_mask(c, m), a || (b && !cc)) << "mask " << m;
  }
  EXPECT_EQ(c.used(), (std::vector<std::size_t>{0, 1, 2}));
}

TEST(SigmaConditionPrecedence, ParenthesesOverride) {
  const Ids ids{"a", "b", "c"};
  const auto c = must_parse("(a or b) and c", ids);
  EXPECT_EQ(c.to_string(), "((a or b) and c)");
  for (unsigned m = 0; m < 8; ++m) {
    const bool a = (m & 1U) != 0;
    const bool b = (m & 2U) != 0;
    const bool cc = (m & 4U) != 0;
    EXPECT_EQ(eval_mask(c, m), (a || b) && cc) << "mask " << m;
  }
}

TEST(SigmaConditionPrecedence, NotBindsTighterThanAnd) {
  const Ids ids{"a", "b"};
  const auto c = must_parse("not a and b", ids);
  EXPECT_EQ(c.to_string(), "((not a) and b)");
  for (unsigned m = 0; m < 4; ++m) {
    EXPECT_EQ(eval_mask(c, m), !((m & 1U) != 0) && ((m & 2U) != 0)) << "mask " << m;
  }
}

TEST(SigmaConditionPrecedence, ChainsAreNary) {
  const Ids ids{"a", "b", "c", "d"};
  EXPECT_EQ(must_parse("a and b and c or d", ids).to_string(), "((a and b and c) or d)");
  EXPECT_EQ(must_parse("((a))", ids).to_string(), "a");
  EXPECT_EQ(must_parse("not not a", ids).to_string(), "(not (not a))");
}

TEST(SigmaConditionKeywords, UpperAndMixedCase) {
  const Ids ids{"a", "b", "c", "sel_x", "sel_y"};
  const auto c = must_parse("A OR b AND NOT c", Ids{"A", "b", "c"});
  EXPECT_EQ(c.to_string(), "(A or (b and (not c)))");
  EXPECT_EQ(must_parse("a AnD Not b", ids).to_string(), "(a and (not b))");
  EXPECT_EQ(must_parse("1 OF sel_*", ids).to_string(), "(1 of sel_*)");
  EXPECT_EQ(must_parse("ALL OF THEM", ids).to_string(), "(all of them)");
  // Identifiers stay case-sensitive.
  EXPECT_NE(parse_error("A and b", ids).find("unknown identifier 'A'"), std::string::npos);
}

TEST(SigmaConditionQuantifier, OneOfPattern) {
  const Ids ids{"sel_a", "sel_b", "filter"};
  const auto c = must_parse("1 of sel_*", ids);
  // Canonical form keeps the pattern as written rather than the expanded list.
  EXPECT_EQ(c.to_string(), "(1 of sel_*)");
  EXPECT_EQ(c.used(), (std::vector<std::size_t>{0, 1}));
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c, m), (m & 3U) != 0) << "mask " << m;
  }
}

TEST(SigmaConditionQuantifier, AllOfPattern) {
  const Ids ids{"sel_a", "sel_b", "filter"};
  const auto c = must_parse("all of sel_*", ids);
  EXPECT_EQ(c.to_string(), "(all of sel_*)");
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c, m), (m & 3U) == 3U) << "mask " << m;
  }
}

TEST(SigmaConditionQuantifier, AllOfThemSkipsUnderscore) {
  const Ids ids{"sel", "filter", "_x"};
  const auto c = must_parse("all of them", ids);
  EXPECT_EQ(c.to_string(), "(all of them)");
  EXPECT_EQ(c.used(), (std::vector<std::size_t>{0, 1}));
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c, m), (m & 3U) == 3U) << "mask " << m;  // _x (bit 2) never matters
  }
}

TEST(SigmaConditionQuantifier, OneOfThem) {
  const Ids ids{"sel", "filter", "_x"};
  const auto c = must_parse("1 of them", ids);
  EXPECT_EQ(c.to_string(), "(1 of them)");
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c, m), (m & 3U) != 0) << "mask " << m;
  }
  // "any of" is accepted as a synonym and printed canonically.
  EXPECT_EQ(must_parse("any of them", ids).to_string(), "(1 of them)");
}

TEST(SigmaConditionQuantifier, NotOneOf) {
  const Ids ids{"sel", "filter_a", "filter_b"};
  const auto c = must_parse("not 1 of filter*", ids);
  EXPECT_EQ(c.to_string(), "(not (1 of filter*))");
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c, m), (m & 6U) == 0) << "mask " << m;
  }
  const auto d = must_parse("sel and not 1 of filter*", ids);
  EXPECT_EQ(d.to_string(), "(sel and (not (1 of filter*)))");
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(d, m), (m & 1U) != 0 && (m & 6U) == 0) << "mask " << m;
  }
}

TEST(SigmaConditionQuantifier, GlobAnywhereIsCaseSensitive) {
  const Ids ids{"selection_img", "sel_cli", "Sel_upper", "filter_main_x"};
  EXPECT_EQ(must_parse("1 of *_main_*", ids).used(), (std::vector<std::size_t>{3}));
  EXPECT_EQ(must_parse("1 of sel*", ids).used(), (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(must_parse("1 of *", ids).used(), (std::vector<std::size_t>{0, 1, 2, 3}));
  EXPECT_EQ(must_parse("all of s*_*", ids).used(), (std::vector<std::size_t>{0, 1}));
}

TEST(SigmaConditionQuantifier, OnlyOneOrAll) {
  const Ids ids{"sel_a", "sel_b"};
  auto c = Condition::parse("2 of sel_*", ids);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::unsupported);
  EXPECT_NE(c.error().message.find("only '1 of' and 'all of'"), std::string::npos) << c.error().message;
  EXPECT_FALSE(Condition::parse("0 of sel_*", ids).ok());
  EXPECT_FALSE(Condition::parse("1 of", ids).ok());
  EXPECT_FALSE(Condition::parse("of sel_*", ids).ok());
}

TEST(SigmaConditionErrors, UnknownIdentifier) {
  const std::string msg = parse_error("selection and not filter", Ids{"selection"});
  EXPECT_EQ(msg.rfind("condition: ", 0), 0U) << msg;
  EXPECT_NE(msg.find("unknown identifier 'filter'"), std::string::npos) << msg;
}

TEST(SigmaConditionErrors, PatternMatchesNothing) {
  const std::string msg = parse_error("1 of sel_*", Ids{"selection", "filter"});
  EXPECT_NE(msg.find("condition: 'sel_*' matches no identifier"), std::string::npos) << msg;
  EXPECT_NE(parse_error("all of them", Ids{"_a", "_b"}).find("'them' matches no identifier"), std::string::npos);
}

TEST(SigmaConditionErrors, AggregationPipe) {
  auto c = Condition::parse("selection | count() by x > 5", Ids{"selection"});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().code, Errc::unsupported);
  EXPECT_EQ(c.error().message,
            "condition: aggregation '| count() by x > 5' is obsolete; write a correlation rule");
  EXPECT_EQ(c.error().offset, 10U);
}

TEST(SigmaConditionErrors, UnbalancedParentheses) {
  const Ids ids{"a", "b"};
  EXPECT_NE(parse_error("(a or b", ids).find("unbalanced parentheses"), std::string::npos);
  EXPECT_NE(parse_error("a or b)", ids).find("unbalanced parentheses"), std::string::npos);
  EXPECT_NE(parse_error("((a)", ids).find("never closed"), std::string::npos);
  EXPECT_NE(parse_error("()", ids).find("missing operand"), std::string::npos);
}

TEST(SigmaConditionErrors, MissingOperand) {
  const Ids ids{"a", "b"};
  EXPECT_NE(parse_error("a and", ids).find("missing operand"), std::string::npos);
  EXPECT_NE(parse_error("or a", ids).find("missing operand"), std::string::npos);
  EXPECT_NE(parse_error("not", ids).find("missing operand"), std::string::npos);
  EXPECT_NE(parse_error("a and or b", ids).find("missing operand"), std::string::npos);
}

TEST(SigmaConditionErrors, TrailingTokens) {
  const auto msg = parse_error("a b", Ids{"a", "b"});
  EXPECT_NE(msg.find("unexpected 'b' at offset 2"), std::string::npos) << msg;
  EXPECT_FALSE(Condition::parse("(a) (b)", Ids{"a", "b"}).ok());
}

TEST(SigmaConditionErrors, EmptyCondition) {
  EXPECT_EQ(parse_error("", Ids{"a"}), "condition: empty condition");
  EXPECT_EQ(parse_error("  \t\n", Ids{"a"}), "condition: empty condition");
  EXPECT_FALSE(Condition::parse_any({}, Ids{"a"}).ok());
}

TEST(SigmaConditionErrors, BadCharactersAndStrayWildcards) {
  const Ids ids{"a", "b"};
  EXPECT_NE(parse_error("a && b", ids).find("unexpected character '&'"), std::string::npos);
  EXPECT_NE(parse_error("a*", ids).find("only allowed after"), std::string::npos);
  EXPECT_NE(parse_error(std::string("a\x01"), ids).find("\\x01"), std::string::npos);
}

std::string nested(int levels, const std::string& inner) {
  return std::string(static_cast<std::size_t>(levels), '(') + inner + std::string(static_cast<std::size_t>(levels), ')');
}

TEST(SigmaConditionErrors, DeepNesting) {
  const Ids ids{"a"};
  const auto ok = Condition::parse(nested(64, "a"), ids);
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_TRUE(ok.value().evaluate([](std::size_t) { return true; }));
  const std::string msg = parse_error(nested(65, "a"), ids);
  EXPECT_NE(msg.find("nesting deeper than 64"), std::string::npos) << msg;
  // Far deeper input must fail the same way, not overflow the stack.
  EXPECT_NE(parse_error(nested(100000, "a"), ids).find("nesting deeper than 64"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 100000; ++i) nots += "not ";
  EXPECT_NE(parse_error(nots + "a", ids).find("nesting deeper than 64"), std::string::npos);
  // Long flat chains are not nesting.
  std::string chain = "a";
  for (int i = 0; i < 10000; ++i) chain += " and a";
  EXPECT_TRUE(Condition::parse(chain, ids).ok());
}

TEST(SigmaConditionEvaluate, ShortCircuit) {
  const auto c = must_parse("a or b", Ids{"a", "b"});
  std::vector<std::size_t> calls;
  EXPECT_TRUE(c.evaluate([&calls](std::size_t i) {
    calls.push_back(i);
    return i == 0;
  }));
  EXPECT_EQ(calls, (std::vector<std::size_t>{0}));

  const auto d = must_parse("a and b", Ids{"a", "b"});
  calls.clear();
  EXPECT_FALSE(d.evaluate([&calls](std::size_t i) {
    calls.push_back(i);
    return false;
  }));
  EXPECT_EQ(calls, (std::vector<std::size_t>{0}));
}

TEST(SigmaConditionEvaluate, EachIdentifierAtMostOnce) {
  const auto c = must_parse("a and (a or b) and a", Ids{"a", "b"});
  for (unsigned m = 0; m < 4; ++m) {
    std::vector<int> calls(2, 0);
    const bool got = c.evaluate([&calls, m](std::size_t i) {
      ++calls[i];
      return ((m >> i) & 1U) != 0;
    });
    EXPECT_EQ(got, (m & 1U) != 0) << "mask " << m;
    EXPECT_EQ(calls[0], 1) << "mask " << m;
    EXPECT_EQ(calls[1], 0) << "mask " << m;  // a true short-circuits (a or b); a false stops at once
  }
  // Memoisation is per evaluation: a second call asks again.
  int total = 0;
  const auto e = must_parse("1 of x* and all of x*", Ids{"x1", "x2"});
  for (int round = 0; round < 2; ++round) {
    EXPECT_TRUE(e.evaluate([&total](std::size_t) {
      ++total;
      return true;
    }));
  }
  EXPECT_EQ(total, 4);
}

TEST(SigmaConditionEvaluate, ManyIdentifiersBeyondStackMemo) {
  Ids ids;
  for (int i = 0; i < 300; ++i) ids.push_back("s" + std::to_string(i));
  const auto c = must_parse("all of s*", ids);
  EXPECT_EQ(c.used().size(), 300U);
  std::vector<int> calls(300, 0);
  EXPECT_TRUE(c.evaluate([&calls](std::size_t i) {
    ++calls[i];
    return true;
  }));
  for (int n : calls) EXPECT_EQ(n, 1);
  EXPECT_FALSE(c.evaluate([](std::size_t i) { return i != 299; }));
}

TEST(SigmaConditionUsed, SortedUnique) {
  const Ids ids{"a", "b", "c", "d"};
  EXPECT_EQ(must_parse("d or b and d or b", ids).used(), (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(must_parse("c and 1 of them", ids).used(), (std::vector<std::size_t>{0, 1, 2, 3}));
}

TEST(SigmaConditionParseAny, OrOfList) {
  const Ids ids{"a", "b", "c"};
  auto c = Condition::parse_any({"a and b", "not c"}, ids);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c.value().to_string(), "((a and b) or (not c))");
  EXPECT_EQ(c.value().used(), (std::vector<std::size_t>{0, 1, 2}));
  for (unsigned m = 0; m < 8; ++m) {
    EXPECT_EQ(eval_mask(c.value(), m), ((m & 3U) == 3U) || (m & 4U) == 0) << "mask " << m;
  }
  auto one = Condition::parse_any({"a or b"}, ids);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one.value().to_string(), "(a or b)");
  auto bad = Condition::parse_any({"a", "zz"}, ids);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("condition 2 of 2: unknown identifier 'zz'"), std::string::npos)
      << bad.error().message;
}

TEST(SigmaConditionMisc, IdentifierCharactersAndMove) {
  const Ids ids{"sel.v1-x", "1", "all"};
  auto c = must_parse("sel.v1-x and 1 and all", ids);
  EXPECT_EQ(c.to_string(), "(sel.v1-x and 1 and all)");
  Condition moved = std::move(c);
  EXPECT_TRUE(moved.evaluate([](std::size_t) { return true; }));
  EXPECT_FALSE(moved.evaluate({}));  // an empty truth function is "no match", not a throw
}

}  // namespace
}  // namespace emoguard::analyzers::hunt
