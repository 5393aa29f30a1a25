// Tests Result<T>, Result<void>, make_error and the names of error codes.
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <utility>

#include "emoguard/result.hpp"

namespace emoguard {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return make_error(Errc::malformed, std::string("not a digit: ") + c, 7);
  return c - '0';
}

Result<void> check_positive(int v) {
  if (v <= 0) return make_error(Errc::out_of_range, "not positive");
  return {};
}

TEST(Result, HoldsValue) {
  const auto r = parse_digit('7');
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 7);
  EXPECT_EQ(*r, 7);
  EXPECT_EQ(r.value_or(-1), 7);
}

TEST(Result, HoldsError) {
  const auto r = parse_digit('x');
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code, Errc::malformed);
  EXPECT_EQ(r.error().message, "not a digit: x");
  EXPECT_EQ(r.error().offset, 7u);
  EXPECT_EQ(r.value_or(-1), -1);
  EXPECT_THROW((void)r.value(), std::bad_variant_access);
}

TEST(Result, ErrorOnValueThrowsBadAccess) {
  const auto r = parse_digit('3');
  EXPECT_THROW((void)r.error(), std::bad_variant_access);
}

TEST(Result, MakeErrorDefaultsToNoOffset) {
  const Error e = make_error(Errc::io, "m");
  EXPECT_EQ(e.code, Errc::io);
  EXPECT_EQ(e.message, "m");
  EXPECT_EQ(e.offset, kNoOffset);
  EXPECT_EQ(kNoOffset, ~std::uint64_t{0});
  const Error d{};
  EXPECT_EQ(d.code, Errc::internal);
  EXPECT_EQ(d.offset, kNoOffset);
}

TEST(Result, ArrowAndMutation) {
  Result<std::string> r = std::string("abc");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), 3u);
  r->push_back('d');
  *r += "e";
  EXPECT_EQ(r.value(), "abcde");
}

TEST(Result, MoveValueOut) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(42);
  ASSERT_TRUE(r.ok());
  std::unique_ptr<int> p = std::move(r).value();
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(*p, 42);
}

TEST(Result, MoveErrorOut) {
  Result<int> r = make_error(Errc::truncated, "short", 12);
  Error e = std::move(r).error();
  EXPECT_EQ(e.code, Errc::truncated);
  EXPECT_EQ(e.message, "short");
  EXPECT_EQ(e.offset, 12u);
}

TEST(Result, ValueOrConverts) {
  const Result<std::string> r = make_error(Errc::empty, "none");
  EXPECT_EQ(r.value_or("fallback"), "fallback");
  const Result<double> d = make_error(Errc::empty, "none");
  EXPECT_DOUBLE_EQ(d.value_or(1), 1.0);
}

TEST(ResultVoid, DefaultIsOk) {
  const Result<void> r;
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_TRUE(check_positive(3).ok());
}

TEST(ResultVoid, CarriesError) {
  const auto r = check_positive(0);
  ASSERT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(r.error().code, Errc::out_of_range);
  EXPECT_EQ(r.error().message, "not positive");
  EXPECT_EQ(r.error().offset, kNoOffset);
}

TEST(Errc, EveryCodeHasItsOwnStableName) {
  const std::pair<Errc, std::string_view> expected[] = {
      {Errc::io, "io"},
      {Errc::not_found, "not_found"},
      {Errc::permission, "permission"},
      {Errc::not_regular, "not_regular"},
      {Errc::empty, "empty"},
      {Errc::too_large, "too_large"},
      {Errc::loop, "loop"},
      {Errc::truncated, "truncated"},
      {Errc::out_of_range, "out_of_range"},
      {Errc::malformed, "malformed"},
      {Errc::unsupported, "unsupported"},
      {Errc::limit, "limit"},
      {Errc::usage, "usage"},
      {Errc::internal, "internal"},
  };
  std::set<std::string_view> seen;
  for (const auto& [code, name] : expected) {
    EXPECT_EQ(to_string(code), name);
    seen.insert(to_string(code));
  }
  EXPECT_EQ(seen.size(), std::size(expected));
  // A value outside the enum (from corrupt data) must not crash the naming.
  EXPECT_EQ(to_string(static_cast<Errc>(200)), "internal");
}

}  // namespace
}  // namespace emoguard
