// Tests for the Sigma value and keyword matchers (event-logs.md §2.1-§2.2 vectors included).
#include "analyzers/hunt/sigma_value.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace emoguard::analyzers::hunt {
namespace {

using Mods = std::vector<std::string>;
using Vals = std::vector<std::optional<std::string>>;
using Field = std::vector<std::string_view>;

// nullopt when the matcher does not compile, so EXPECT_EQ(..., true/false) fails loudly then.
std::optional<bool> hit(const Mods& mods, const Vals& vals, const Field& field, const FieldGetter& other = {},
                        const ExpandVars* vars = nullptr) {
  auto r = ValueMatcher::compile(mods, vals, vars);
  if (!r.ok()) {
    ADD_FAILURE() << "compile failed: " << r.error().message;
    return std::nullopt;
  }
  return r->matches(field, other);
}

constexpr std::optional<bool> kYes{true};
constexpr std::optional<bool> kNo{false};

::testing::AssertionResult fails_with(const Mods& mods, const Vals& vals, std::string_view needle, const ExpandVars* vars = nullptr) {
  auto r = ValueMatcher::compile(mods, vals, vars);
  if (r.ok()) return ::testing::AssertionFailure() << "compiled, expected an error naming '" << needle << "'";
  if (r.error().message.find(needle) == std::string::npos) {
    return ::testing::AssertionFailure() << "message '" << r.error().message << "' does not name '" << needle << "'";
  }
  return ::testing::AssertionSuccess();
}

// A record as field -> values, for |fieldref.
FieldGetter getter(const std::map<std::string, std::vector<std::string>>& record) {
  return [&record](std::string_view field, const std::function<void(std::string_view)>& f) {
    const auto it = record.find(std::string(field));
    if (it == record.end()) return;
    for (const std::string& v : it->second) f(v);
  };
}

// ------------------------------------------------------------------ plain values and wildcards

TEST(SigmaValuePlain, WholeFieldCaseInsensitive) {
  EXPECT_EQ(hit({}, {"cmd.exe"}, {"CMD.EXE"}), kYes);
  EXPECT_EQ(hit({}, {"cmd.exe"}, {"cmd.exe"}), kYes);
  EXPECT_EQ(hit({}, {"cmd.exe"}, {"xcmd.exe"}), kNo);
  EXPECT_EQ(hit({}, {"cmd.exe"}, {"cmd.exe "}), kNo);
  EXPECT_EQ(hit({}, {"cmd.exe"}, {"cmd.ex"}), kNo);
}

TEST(SigmaValuePlain, NonAsciiIsComparedByteForByte) {
  EXPECT_EQ(hit({}, {"Überweisung.doc"}, {"Überweisung.DOC"}), kYes);
  EXPECT_EQ(hit({}, {"Überweisung.doc"}, {"überweisung.doc"}), kNo);  // ASCII-only folding
}

TEST(SigmaValueWildcard, StarMatchesAnyRunIncludingEmptyAndNewlines) {
  EXPECT_EQ(hit({}, {"a*b"}, {"ab"}), kYes);
  EXPECT_EQ(hit({}, {"a*b"}, {"a\nx\r\ny\nb"}), kYes);
  EXPECT_EQ(hit({}, {"a*b"}, {"a\nx"}), kNo);
  EXPECT_EQ(hit({}, {"*\\powershell.exe"}, {"C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\PowerShell.exe"}), kYes);
  EXPECT_EQ(hit({}, {"*\\powershell.exe"}, {"C:\\x\\powershell.exe.bak"}), kNo);
  EXPECT_EQ(hit({}, {"c:\\users\\*"}, {"C:\\Users\\bob\\x"}), kNo);  // '\*' is a literal star
}

TEST(SigmaValueWildcard, StarAloneNeedsThePresentField) {
  EXPECT_EQ(hit({}, {"*"}, {""}), kYes);
  EXPECT_EQ(hit({}, {"*"}, {"anything"}), kYes);
  EXPECT_EQ(hit({}, {"*"}, {}), kNo);
}

TEST(SigmaValueWildcard, QuestionMarkIsOneCodePoint) {
  EXPECT_EQ(hit({}, {"a?c"}, {"abc"}), kYes);
  EXPECT_EQ(hit({}, {"a?c"}, {"ac"}), kNo);
  EXPECT_EQ(hit({}, {"a?c"}, {"abbc"}), kNo);
  EXPECT_EQ(hit({}, {"caf?"}, {"café"}), kYes);    // é is two bytes, one code point
  EXPECT_EQ(hit({}, {"caf??"}, {"café"}), kNo);
  EXPECT_EQ(hit({}, {"?"}, {"\xF0\x9F\x98\x80"}), kYes);  // four-byte code point
  EXPECT_EQ(hit({}, {"*?x"}, {"\xC3\xA9\xC3\xA9x"}), kYes);
}

TEST(SigmaValueWildcard, BacktrackingToTheLastStar) {
  EXPECT_EQ(hit({}, {"*aab"}, {"aaab"}), kYes);
  EXPECT_EQ(hit({}, {"*ab*abc"}, {"xabyabababc"}), kYes);
  EXPECT_EQ(hit({}, {"a*b*c"}, {"abbbc"}), kYes);
  EXPECT_EQ(hit({}, {"a*b*c"}, {"acb"}), kNo);
  EXPECT_EQ(hit({}, {"*a?c*"}, {"xxABCxx"}), kYes);
  EXPECT_EQ(hit({}, {"*a?c*"}, {"xxACxx"}), kNo);
  EXPECT_EQ(hit({}, {"a*?"}, {"a"}), kNo);
  EXPECT_EQ(hit({}, {"a*?"}, {"ab"}), kYes);
  EXPECT_EQ(hit({}, {"**x**"}, {"yxy"}), kYes);
  // A long near-miss stays correct (and fast).
  const std::string text(20000, 'a');
  EXPECT_EQ(hit({}, {"*a*a*a*b"}, {text}), kNo);
  EXPECT_EQ(hit({}, {"*a*a*a*a"}, {text}), kYes);
}

TEST(SigmaValueEscape, BackslashStarIsALiteralStar) {
  EXPECT_EQ(hit({}, {"a\\*"}, {"a*"}), kYes);
  EXPECT_EQ(hit({}, {"a\\*"}, {"ab"}), kNo);
}

TEST(SigmaValueEscape, BackslashQuestionIsALiteralQuestion) {
  EXPECT_EQ(hit({}, {"why\\?"}, {"why?"}), kYes);
  EXPECT_EQ(hit({}, {"why\\?"}, {"whyx"}), kNo);
}

TEST(SigmaValueEscape, DoubleBackslashIsOneBackslash) {
  EXPECT_EQ(hit({}, {"a\\\\b"}, {"a\\b"}), kYes);
  EXPECT_EQ(hit({}, {"a\\\\b"}, {"a\\\\b"}), kNo);
}

TEST(SigmaValueEscape, OtherBackslashIsLiteral) {
  EXPECT_EQ(hit({}, {"C:\\Windows\\System32\\cmd.exe"}, {"c:\\windows\\system32\\CMD.EXE"}), kYes);
  EXPECT_EQ(hit({}, {"abc\\"}, {"abc\\"}), kYes);  // trailing lone backslash
  EXPECT_EQ(hit({}, {"\\n"}, {"\n"}), kNo);
  EXPECT_EQ(hit({}, {"\\n"}, {"\\n"}), kYes);
}

TEST(SigmaValueEscape, BackslashBackslashStarIsBackslashAndWildcard) {
  // Sigma text  C:\Windows\\*  = "C:\Windows\" followed by a wildcard.
  EXPECT_EQ(hit({}, {"C:\\Windows\\\\*"}, {"C:\\Windows\\x.exe"}), kYes);
  EXPECT_EQ(hit({}, {"C:\\Windows\\\\*"}, {"C:\\Windows\\"}), kYes);
  EXPECT_EQ(hit({}, {"C:\\Windows\\\\*"}, {"C:\\Windowsx"}), kNo);
}

TEST(SigmaValueEscape, ThreeBackslashesStarIsBackslashAndLiteralStar) {
  // Sigma text  a\\\*  = "a\*" literally.
  EXPECT_EQ(hit({}, {"a\\\\\\*"}, {"a\\*"}), kYes);
  EXPECT_EQ(hit({}, {"a\\\\\\*"}, {"a\\xyz"}), kNo);
}

TEST(SigmaValuePlain, EmptyStringNeedsPresentEmptyField) {
  EXPECT_EQ(hit({}, {""}, {""}), kYes);
  EXPECT_EQ(hit({}, {""}, {"x"}), kNo);
  EXPECT_EQ(hit({}, {""}, {}), kNo);
}

TEST(SigmaValuePlain, ListIsAnOr) {
  EXPECT_EQ(hit({}, {"a", "b"}, {"B"}), kYes);
  EXPECT_EQ(hit({}, {"a", "b"}, {"c"}), kNo);
}

// ------------------------------------------------------------------ missing, null, multi-valued

TEST(SigmaValueMissing, ValueTestsAreFalse) {
  EXPECT_EQ(hit({}, {"x"}, {}), kNo);
  EXPECT_EQ(hit({"contains"}, {"x"}, {}), kNo);
  EXPECT_EQ(hit({"re"}, {".*"}, {}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"0.0.0.0/0"}, {}), kNo);
  EXPECT_EQ(hit({"gte"}, {"0"}, {}), kNo);
  EXPECT_EQ(hit({"contains", "windash"}, {"-x"}, {}), kNo);
}

TEST(SigmaValueNull, MatchesOnlyAMissingField) {
  EXPECT_EQ(hit({}, {std::nullopt}, {}), kYes);
  EXPECT_EQ(hit({}, {std::nullopt}, {""}), kNo);
  EXPECT_EQ(hit({}, {std::nullopt}, {"x"}), kNo);
}

TEST(SigmaValueNull, NullOrEmpty) {
  const Vals vals{std::nullopt, ""};
  EXPECT_EQ(hit({}, vals, {}), kYes);
  EXPECT_EQ(hit({}, vals, {""}), kYes);
  EXPECT_EQ(hit({}, vals, {"x"}), kNo);
}

TEST(SigmaValueNull, RejectedWithNonStringModifiers) {
  EXPECT_TRUE(fails_with({"re"}, {std::nullopt}, "null"));
  EXPECT_TRUE(fails_with({"cidr"}, {std::nullopt}, "null"));
  EXPECT_TRUE(fails_with({"gt"}, {std::nullopt}, "null"));
  EXPECT_TRUE(fails_with({"fieldref"}, {std::nullopt}, "null"));
}

TEST(SigmaValueMultiValued, AnyValueMayMatch) {
  EXPECT_EQ(hit({}, {"b"}, {"a", "b", "c"}), kYes);
  EXPECT_EQ(hit({}, {"d"}, {"a", "b", "c"}), kNo);
  EXPECT_EQ(hit({"re"}, {"^c$"}, {"a", "c"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"junk", "10.9.9.9"}), kYes);
  EXPECT_EQ(hit({"gt"}, {"5"}, {"abc", "0x10"}), kYes);
}

// ------------------------------------------------------------------ contains / startswith / endswith / all / cased

TEST(SigmaValueContains, SubstringCaseInsensitive) {
  EXPECT_EQ(hit({"contains"}, {"-EncodedCommand"}, {"powershell.exe -encodedcommand AAAA"}), kYes);
  EXPECT_EQ(hit({"contains"}, {"-EncodedCommand"}, {"powershell.exe -enc AAAA"}), kNo);
  EXPECT_EQ(hit({"contains"}, {"a*c"}, {"xxABbbCxx"}), kYes);  // wildcard inside
  EXPECT_EQ(hit({"contains"}, {""}, {""}), kYes);
  EXPECT_EQ(hit({"contains"}, {"long needle"}, {"short"}), kNo);
}

TEST(SigmaValueStartsWith, PrefixOnly) {
  EXPECT_EQ(hit({"startswith"}, {"C:\\Users\\"}, {"c:\\users\\bob\\a.exe"}), kYes);
  EXPECT_EQ(hit({"startswith"}, {"C:\\Users\\"}, {"D:\\c:\\users\\"}), kNo);
}

TEST(SigmaValueEndsWith, SuffixOnly) {
  EXPECT_EQ(hit({"endswith"}, {"\\rundll32.exe"}, {"C:\\Windows\\System32\\RUNDLL32.EXE"}), kYes);
  EXPECT_EQ(hit({"endswith"}, {"\\rundll32.exe"}, {"C:\\rundll32.exe.tmp"}), kNo);
  EXPECT_EQ(hit({"endswith"}, {"\\rundll32.exe"}, {"exe"}), kNo);
}

TEST(SigmaValueAll, EveryValueMustMatch) {
  EXPECT_EQ(hit({"contains", "all"}, {"-nop", "-w hidden"}, {"powershell -NoP -nop -W Hidden"}), kYes);
  EXPECT_EQ(hit({"contains", "all"}, {"-nop", "-w hidden"}, {"powershell -nop"}), kNo);
  EXPECT_EQ(hit({"contains", "all"}, {"a", "b"}, {}), kNo);
  // Multi-valued field: each value may be found in a different field value.
  EXPECT_EQ(hit({"contains", "all"}, {"a", "b"}, {"xa", "xb"}), kYes);
}

TEST(SigmaValueAll, RejectedOnOneValue) {
  EXPECT_TRUE(fails_with({"contains", "all"}, {"a"}, "|all needs a list of values"));
  EXPECT_TRUE(fails_with({"all"}, {"a"}, "|all needs a list of values"));
}

TEST(SigmaValueCased, CaseSensitive) {
  EXPECT_EQ(hit({"cased"}, {"Cmd"}, {"Cmd"}), kYes);
  EXPECT_EQ(hit({"cased"}, {"Cmd"}, {"cmd"}), kNo);
  EXPECT_EQ(hit({"contains", "cased"}, {"Mimi"}, {"xMimix"}), kYes);
  EXPECT_EQ(hit({"contains", "cased"}, {"Mimi"}, {"xmimix"}), kNo);
  EXPECT_EQ(hit({"startswith", "cased"}, {"AB"}, {"ab"}), kNo);
  EXPECT_EQ(hit({"endswith", "cased"}, {"AB"}, {"xAB"}), kYes);
  EXPECT_EQ(hit({"cased"}, {"A?c*"}, {"Abcd"}), kYes);
  EXPECT_EQ(hit({"cased"}, {"A?c*"}, {"abcd"}), kNo);
}

// ------------------------------------------------------------------ re

TEST(SigmaValueRe, CaseSensitiveUnanchoredSearch) {
  EXPECT_EQ(hit({"re"}, {"Invoke-\\w+"}, {"x Invoke-Expression y"}), kYes);
  EXPECT_EQ(hit({"re"}, {"Invoke-\\w+"}, {"x invoke-expression y"}), kNo);
  EXPECT_EQ(hit({"re"}, {"^abc$"}, {"xabc"}), kNo);
  EXPECT_EQ(hit({"re"}, {"b"}, {"abc"}), kYes);
}

TEST(SigmaValueRe, Flags) {
  EXPECT_EQ(hit({"re", "i"}, {"invoke-\\w+"}, {"INVOKE-X"}), kYes);
  EXPECT_EQ(hit({"re"}, {"^b"}, {"a\nb"}), kNo);
  EXPECT_EQ(hit({"re", "m"}, {"^b"}, {"a\nb"}), kYes);
  EXPECT_EQ(hit({"re"}, {"a.b"}, {"a\nb"}), kNo);
  EXPECT_EQ(hit({"re", "s"}, {"a.b"}, {"a\nb"}), kYes);
  EXPECT_EQ(hit({"re", "i", "m", "s"}, {"^B.C"}, {"a\nb\nc"}), kYes);
}

TEST(SigmaValueRe, AllOfSeveral) {
  EXPECT_EQ(hit({"re", "all"}, {"a", "b"}, {"ab"}), kYes);
  EXPECT_EQ(hit({"re", "all"}, {"a", "b"}, {"a"}), kNo);
}

TEST(SigmaValueRe, UncompilableIsAnErrorWithRe2Message) {
  EXPECT_TRUE(fails_with({"re"}, {"a(b"}, "missing )"));
  EXPECT_TRUE(fails_with({"re"}, {"(?=x)y"}, "RE2 cannot compile"));
  EXPECT_TRUE(fails_with({"re"}, {"(a)\\1"}, "RE2 cannot compile"));
}

TEST(SigmaValueRe, OtherModifiersAreRejected) {
  EXPECT_TRUE(fails_with({"re", "contains"}, {"a"}, "contains"));
  EXPECT_TRUE(fails_with({"contains", "re"}, {"a"}, "contains"));
  EXPECT_TRUE(fails_with({"re", "cased"}, {"a"}, "cased"));
  EXPECT_TRUE(fails_with({"re", "base64"}, {"a"}, "base64"));
  EXPECT_TRUE(fails_with({"re", "cidr"}, {"a"}, "cidr"));
  EXPECT_TRUE(fails_with({"i"}, {"a"}, "|re"));
  EXPECT_TRUE(fails_with({"contains", "s"}, {"a"}, "|re"));
}

// ------------------------------------------------------------------ windash

TEST(SigmaValueWindash, EncVector) {
  const std::vector<std::string> want{" -enc ", " /enc ", " \xE2\x80\x93" "enc ", " \xE2\x80\x94" "enc ", " \xE2\x80\x95" "enc "};
  EXPECT_EQ(windash_variants(" -enc "), want);
}

TEST(SigmaValueWindash, TwoPlacesGive25) {
  const auto v = windash_variants(" -nop -w hidden");
  ASSERT_EQ(v.size(), 25U);
  EXPECT_EQ(v.front(), " -nop -w hidden");
  EXPECT_EQ(std::set<std::string>(v.begin(), v.end()).size(), 25U);
  EXPECT_NE(std::find(v.begin(), v.end(), " /nop \xE2\x80\x95w hidden"), v.end());
}

TEST(SigmaValueWindash, NoWordStartIsUnchanged) {
  EXPECT_EQ(windash_variants("foo-bar"), std::vector<std::string>{"foo-bar"});
  EXPECT_EQ(windash_variants("a - b"), std::vector<std::string>{"a - b"});  // not followed by a word character
}

TEST(SigmaValueWindash, SlashAfterWordCharacterIsKept) {
  const auto v = windash_variants("a -b/c");
  ASSERT_EQ(v.size(), 5U);
  for (const std::string& s : v) EXPECT_NE(s.find("b/c"), std::string::npos) << s;
  EXPECT_EQ(windash_variants("/c").size(), 5U);  // start of text
}

TEST(SigmaValueWindash, OriginalSlashComesFirst) {
  const auto v = windash_variants(" /c");
  ASSERT_EQ(v.size(), 5U);
  EXPECT_EQ(v[0], " /c");
  EXPECT_EQ(v[1], " -c");
}

TEST(SigmaValueWindash, CappedAtFourPlaces) {
  const auto v = windash_variants(" -a -b -c -d -e");
  ASSERT_EQ(v.size(), 625U);
  for (const std::string& s : v) EXPECT_NE(s.find(" -e"), std::string::npos);
}

TEST(SigmaValueWindash, Matcher) {
  const Mods mods{"contains", "windash"};
  EXPECT_EQ(hit(mods, {" -enc "}, {"powershell.exe /ENC AAA"}), kYes);
  EXPECT_EQ(hit(mods, {" -enc "}, {"powershell.exe \xE2\x80\x93" "enc AAA"}), kYes);
  EXPECT_EQ(hit(mods, {" -enc "}, {"powershell.exe -enc AAA"}), kYes);
  EXPECT_EQ(hit(mods, {" -enc "}, {"powershell.exe +enc AAA"}), kNo);
  EXPECT_EQ(hit({"endswith", "windash"}, {" -s"}, {"x /s"}), kYes);
}

// ------------------------------------------------------------------ base64 / base64offset / utf16

TEST(SigmaValueBase64, Encoder) {
  EXPECT_EQ(base64(""), "");
  EXPECT_EQ(base64("a"), "YQ==");
  EXPECT_EQ(base64("ab"), "YWI=");
  EXPECT_EQ(base64("abc"), "YWJj");
  EXPECT_EQ(base64("http"), "aHR0cA==");
  EXPECT_EQ(base64(std::string_view("\xff\xfe\x00", 3)), "//4A");
}

TEST(SigmaValueBase64, ExactWithContains) {
  EXPECT_EQ(hit({"base64", "contains"}, {"http"}, {"x aHR0cA== y"}), kYes);
  EXPECT_EQ(hit({"base64", "contains"}, {"http"}, {"x aHR0cHM6Ly8= y"}), kNo);  // exact: padding included
  EXPECT_EQ(hit({"base64"}, {"http"}, {"aHR0cA=="}), kYes);
  EXPECT_EQ(hit({"base64"}, {"http"}, {"xaHR0cA=="}), kNo);
}

TEST(SigmaValueBase64, WildcardsAreNotInterpreted) {
  EXPECT_EQ(hit({"base64"}, {"a*"}, {"YSo="}), kYes);  // base64("a*")
  EXPECT_EQ(hit({"base64"}, {"a*"}, {"YQ=="}), kNo);
}

TEST(SigmaValueBase64Offset, HttpVector) {
  EXPECT_EQ(base64offset_variants("http"), (std::vector<std::string>{"aHR0c", "h0dH", "odHRw"}));
}

TEST(SigmaValueBase64Offset, IexVector) {
  EXPECT_EQ(base64offset_variants("IEX"), (std::vector<std::string>{"SUVY", "lFW", "JRV"}));
}

TEST(SigmaValueBase64Offset, WideInvokeExpressionVector) {
  std::string wide;
  for (const char c : std::string_view("Invoke-Expression")) {
    wide.push_back(c);
    wide.push_back('\0');
  }
  EXPECT_EQ(base64offset_variants(wide), (std::vector<std::string>{"SQBuAHYAbwBrAGUALQBFAHgAcAByAGUAcwBzAGkAbwBuA",
                                                                   "kAbgB2AG8AawBlAC0ARQB4AHAAcgBlAHMAcwBpAG8Abg",
                                                                   "JAG4AdgBvAGsAZQAtAEUAeABwAHIAZQBzAHMAaQBvAG4A"}));
}

TEST(SigmaValueBase64Offset, CobaltStrikeServiceVector) {
  const auto v = base64offset_variants("IEX (New-Object Net.Webclient).DownloadString('http://127.0.0.1:");
  ASSERT_EQ(v.size(), 3U);
  EXPECT_EQ(v[0].rfind("SUVYIChOZXct", 0), 0U) << v[0];
  EXPECT_EQ(v[1].rfind("lFWCAoTmV3", 0), 0U) << v[1];
  EXPECT_EQ(v[2].rfind("JRVggKE5ldy1", 0), 0U) << v[2];
}

TEST(SigmaValueBase64Offset, MatcherWithContains) {
  const Mods mods{"base64offset", "contains"};
  EXPECT_EQ(hit(mods, {"http"}, {"powershell -e aHR0cHM6Ly8="}), kYes);  // offset 0
  EXPECT_EQ(hit(mods, {"http"}, {"IGh0dHA="}), kYes);                    // offset 1 (" http")
  EXPECT_EQ(hit(mods, {"http"}, {"aGVsbG8="}), kNo);                     // "hello"
  EXPECT_EQ(hit({"wide", "base64offset", "contains"}, {"Invoke-Expression"},
                {"powershell -enc SQBuAHYAbwBrAGUALQBFAHgAcAByAGUAcwBzAGkAbwBuACAAeAA="}),
            kYes);
  EXPECT_EQ(hit({"wide", "base64offset", "contains"}, {"Invoke-Expression"}, {"SUVYIChOZXct"}), kNo);
}

TEST(SigmaValueUtf16, EncodingsBeforeBase64) {
  EXPECT_EQ(hit({"utf16le", "base64"}, {"ab"}, {"YQBiAA=="}), kYes);
  EXPECT_EQ(hit({"wide", "base64"}, {"ab"}, {"YQBiAA=="}), kYes);
  EXPECT_EQ(hit({"utf16be", "base64"}, {"ab"}, {"AGEAYg=="}), kYes);
  EXPECT_EQ(hit({"utf16", "base64"}, {"ab"}, {"//5hAGIA"}), kYes);
  EXPECT_EQ(hit({"utf16", "base64"}, {"ab"}, {"YQBiAA=="}), kNo);
  EXPECT_EQ(hit({"wide", "base64"}, {"é€😀"}, {"6QCsID3YAN4="}), kYes);  // surrogate pair
}

TEST(SigmaValueUtf16, WideAloneMatchesRawUtf16) {
  const std::string field("xa\0b\0y", 6);
  EXPECT_EQ(hit({"wide", "contains"}, {"ab"}, {field}), kYes);
  EXPECT_EQ(hit({"wide", "contains"}, {"ab"}, {"xaby"}), kNo);
}

TEST(SigmaValueUtf16, Conflicts) {
  EXPECT_TRUE(fails_with({"utf16le", "utf16be", "base64"}, {"a"}, "utf16be"));
  EXPECT_TRUE(fails_with({"base64", "base64offset"}, {"a"}, "base64offset"));
}

// ------------------------------------------------------------------ cidr

TEST(SigmaValueCidr, Ipv4) {
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"10.1.2.3"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"11.0.0.1"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"192.168.1.0/25"}, {"192.168.1.127"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"192.168.1.0/25"}, {"192.168.1.128"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"127.0.0.1"}, {"127.0.0.1"}), kYes);  // no prefix: one host
  EXPECT_EQ(hit({"cidr"}, {"127.0.0.1"}, {"127.0.0.2"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"0.0.0.0/0"}, {"8.8.8.8"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8", "172.16.0.0/12"}, {"172.31.255.255"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"::ffff:10.1.2.3"}), kYes);  // IPv4-mapped
}

TEST(SigmaValueCidr, Ipv6) {
  EXPECT_EQ(hit({"cidr"}, {"fe80::/10"}, {"fe80::1"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"fe80::/10"}, {"FEBF::abcd"}), kYes);
  EXPECT_EQ(hit({"cidr"}, {"fe80::/10"}, {"fec0::1"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"fe80::/10"}, {"fe80::1%12"}), kYes);  // zone index
  EXPECT_EQ(hit({"cidr"}, {"fe80::/10"}, {"10.0.0.1"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"::1/128"}, {"::1"}), kYes);
}

TEST(SigmaValueCidr, NonIpFieldValuesAreFalse) {
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"not-an-ip"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {""}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"10.0.0"}), kNo);
  EXPECT_EQ(hit({"cidr"}, {"10.0.0.0/8"}, {"-"}), kNo);
}

TEST(SigmaValueCidr, BadPrefixIsAnError) {
  EXPECT_TRUE(fails_with({"cidr"}, {"10.0.0.0/33"}, "10.0.0.0/33"));
  EXPECT_TRUE(fails_with({"cidr"}, {"10.0.0/8"}, "bad network prefix"));
  EXPECT_TRUE(fails_with({"cidr"}, {"fe80::/129"}, "bad network prefix"));
  EXPECT_TRUE(fails_with({"cidr"}, {"10.0.0.0/"}, "bad network prefix"));
  EXPECT_TRUE(fails_with({"cidr"}, {"intranet"}, "bad network prefix"));
  EXPECT_TRUE(fails_with({"cidr", "contains"}, {"10.0.0.0/8"}, "contains"));
}

// ------------------------------------------------------------------ exists

TEST(SigmaValueExists, Presence) {
  EXPECT_EQ(hit({"exists"}, {"true"}, {"x"}), kYes);
  EXPECT_EQ(hit({"exists"}, {"true"}, {""}), kYes);
  EXPECT_EQ(hit({"exists"}, {"true"}, {}), kNo);
  EXPECT_EQ(hit({"exists"}, {"false"}, {}), kYes);
  EXPECT_EQ(hit({"exists"}, {"false"}, {"x"}), kNo);
}

TEST(SigmaValueExists, Errors) {
  EXPECT_TRUE(fails_with({"exists"}, {"maybe"}, "true or false"));
  EXPECT_TRUE(fails_with({"exists"}, {"true", "false"}, "one value"));
  EXPECT_TRUE(fails_with({"exists"}, {std::nullopt}, "true or false"));
  EXPECT_TRUE(fails_with({"exists", "contains"}, {"true"}, "contains"));
}

// ------------------------------------------------------------------ numeric

TEST(SigmaValueNumeric, GreaterThan) {
  EXPECT_EQ(hit({"gt"}, {"100"}, {"101"}), kYes);
  EXPECT_EQ(hit({"gt"}, {"100"}, {"100"}), kNo);
  EXPECT_EQ(hit({"gt"}, {"100"}, {"0x65"}), kYes);  // 101
  EXPECT_EQ(hit({"gt"}, {"100"}, {"0x64"}), kNo);   // 100
  EXPECT_EQ(hit({"gt"}, {"100"}, {"0X1F4"}), kYes);
  EXPECT_EQ(hit({"gt"}, {"-5"}, {"-4"}), kYes);
  EXPECT_EQ(hit({"gt"}, {"-5"}, {"-6"}), kNo);
  EXPECT_EQ(hit({"gt"}, {"1"}, {"1.5"}), kYes);
  EXPECT_EQ(hit({"gt"}, {"18446744073709551614"}, {"0xFFFFFFFFFFFFFFFF"}), kYes);
}

TEST(SigmaValueNumeric, OtherOperators) {
  EXPECT_EQ(hit({"gte"}, {"100"}, {"100"}), kYes);
  EXPECT_EQ(hit({"gte"}, {"100"}, {"99"}), kNo);
  EXPECT_EQ(hit({"lt"}, {"0x10"}, {"15"}), kYes);
  EXPECT_EQ(hit({"lt"}, {"0x10"}, {"16"}), kNo);
  EXPECT_EQ(hit({"lte"}, {"16"}, {"0x10"}), kYes);
  EXPECT_EQ(hit({"lte"}, {"16"}, {"0x11"}), kNo);
}

TEST(SigmaValueNumeric, NonNumberFieldIsFalse) {
  EXPECT_EQ(hit({"gt"}, {"0"}, {"abc"}), kNo);
  EXPECT_EQ(hit({"lt"}, {"10"}, {""}), kNo);
  EXPECT_EQ(hit({"lt"}, {"10"}, {"0x"}), kNo);
  EXPECT_EQ(hit({"lt"}, {"10"}, {"5 apples"}), kNo);
  EXPECT_EQ(hit({"lt"}, {"10"}, {"0xZZ"}), kNo);
}

TEST(SigmaValueNumeric, NonNumberRuleIsAnError) {
  EXPECT_TRUE(fails_with({"gt"}, {"abc"}, "needs a number"));
  EXPECT_TRUE(fails_with({"lte"}, {""}, "|lte"));
  EXPECT_TRUE(fails_with({"gt", "lt"}, {"1"}, "cannot be combined"));
  EXPECT_TRUE(fails_with({"gt", "contains"}, {"1"}, "contains"));
}

// ------------------------------------------------------------------ neq

TEST(SigmaValueNeq, EveryValueMustDiffer) {
  EXPECT_EQ(hit({"neq"}, {"a"}, {"b"}), kYes);
  EXPECT_EQ(hit({"neq"}, {"a"}, {"A"}), kNo);  // case-insensitive equality
  EXPECT_EQ(hit({"neq"}, {"a"}, {}), kYes);    // missing field
  EXPECT_EQ(hit({"neq"}, {"a"}, {"a", "b"}), kNo);
  EXPECT_EQ(hit({"neq"}, {"a"}, {"b", "c"}), kYes);
}

TEST(SigmaValueNeq, WithContainsAndAll) {
  EXPECT_EQ(hit({"neq", "contains"}, {"x"}, {"abc"}), kYes);
  EXPECT_EQ(hit({"neq", "contains"}, {"x"}, {"aXb"}), kNo);
  EXPECT_EQ(hit({"neq", "all"}, {"a", "b"}, {"c"}), kYes);
  EXPECT_EQ(hit({"neq", "all"}, {"a", "b"}, {"b"}), kNo);
}

// ------------------------------------------------------------------ fieldref

TEST(SigmaValueFieldref, CaseSensitiveEquality) {
  const std::map<std::string, std::vector<std::string>> rec{{"TargetUserName", {"alice"}}, {"Other", {"ALICE"}}};
  const FieldGetter g = getter(rec);
  EXPECT_EQ(hit({"fieldref"}, {"TargetUserName"}, {"alice"}, g), kYes);
  EXPECT_EQ(hit({"fieldref"}, {"TargetUserName"}, {"bob"}, g), kNo);
  EXPECT_EQ(hit({"fieldref"}, {"Other"}, {"alice"}, g), kNo);         // case differs
  EXPECT_EQ(hit({"fieldref"}, {"Missing"}, {"alice"}, g), kNo);       // other field missing
  EXPECT_EQ(hit({"fieldref"}, {"TargetUserName"}, {}, g), kNo);       // own field missing
  EXPECT_EQ(hit({"fieldref"}, {"TargetUserName"}, {"alice"}), kNo);   // no getter
  EXPECT_EQ(hit({"fieldref"}, {"Missing", "TargetUserName"}, {"alice"}, g), kYes);
}

TEST(SigmaValueFieldref, ContainsStartsEnds) {
  const std::map<std::string, std::vector<std::string>> rec{{"User", {"bob"}}, {"Multi", {"zz", "bo"}}};
  const FieldGetter g = getter(rec);
  EXPECT_EQ(hit({"fieldref", "contains"}, {"User"}, {"C:\\Users\\bob\\x"}, g), kYes);
  EXPECT_EQ(hit({"fieldref", "contains"}, {"User"}, {"C:\\Users\\Bob\\x"}, g), kNo);
  EXPECT_EQ(hit({"fieldref", "startswith"}, {"User"}, {"bob.exe"}, g), kYes);
  EXPECT_EQ(hit({"fieldref", "startswith"}, {"User"}, {"xbob"}, g), kNo);
  EXPECT_EQ(hit({"fieldref", "endswith"}, {"User"}, {"xbob"}, g), kYes);
  EXPECT_EQ(hit({"fieldref", "endswith"}, {"User"}, {"bobx"}, g), kNo);
  EXPECT_EQ(hit({"fieldref", "startswith"}, {"Multi"}, {"bob"}, g), kYes);  // any value of the other field
}

TEST(SigmaValueFieldref, Neq) {
  const std::map<std::string, std::vector<std::string>> rec{{"A", {"x"}}};
  const FieldGetter g = getter(rec);
  EXPECT_EQ(hit({"fieldref", "neq"}, {"A"}, {"y"}, g), kYes);
  EXPECT_EQ(hit({"fieldref", "neq"}, {"A"}, {"x"}, g), kNo);
}

TEST(SigmaValueFieldref, OtherModifiersAreRejected) {
  EXPECT_TRUE(fails_with({"fieldref", "re"}, {"A"}, "cannot be combined"));
  EXPECT_TRUE(fails_with({"fieldref", "base64"}, {"A"}, "base64"));
  EXPECT_TRUE(fails_with({"fieldref", "windash"}, {"A"}, "windash"));
  EXPECT_TRUE(fails_with({"fieldref"}, {""}, "field name"));
}

// ------------------------------------------------------------------ expand

TEST(SigmaValueExpand, PlaceholdersFromTheList) {
  const ExpandVars vars{{"Admins", {"alice", "bob"}}, {"A", {"x", "y"}}, {"B", {"1", "2"}}};
  EXPECT_EQ(hit({"expand"}, {"%Admins%"}, {"ALICE"}, {}, &vars), kYes);
  EXPECT_EQ(hit({"expand"}, {"%Admins%"}, {"bob"}, {}, &vars), kYes);
  EXPECT_EQ(hit({"expand"}, {"%Admins%"}, {"carol"}, {}, &vars), kNo);
  EXPECT_EQ(hit({"expand"}, {"%A%-%B%"}, {"y-2"}, {}, &vars), kYes);
  EXPECT_EQ(hit({"expand"}, {"%A%-%B%"}, {"y-3"}, {}, &vars), kNo);
  EXPECT_EQ(hit({"contains", "expand"}, {"\\%A%\\"}, {"C:\\x\\y\\"}, {}, &vars), kNo);  // "\%" escapes
  EXPECT_EQ(hit({"contains", "expand"}, {"\\%A%\\"}, {"a%A%\\b"}, {}, &vars), kYes);
  EXPECT_EQ(hit({"contains", "expand"}, {"users\\\\%A%\\"}, {"C:\\Users\\x\\d"}, {}, &vars), kYes);
  EXPECT_EQ(hit({"expand"}, {"100%"}, {"100%"}, {}, &vars), kYes);  // a lone % is literal
}

TEST(SigmaValueExpand, NeedsAPlaceholderList) {
  EXPECT_TRUE(fails_with({"expand"}, {"%Admins%"}, "|expand needs a placeholder list"));
  const ExpandVars vars{{"Other", {"x"}}};
  EXPECT_TRUE(fails_with({"expand"}, {"%Admins%"}, "|expand needs a placeholder list", &vars));
  EXPECT_TRUE(fails_with({"expand"}, {"%Admins%"}, "Admins", &vars));
  EXPECT_TRUE(fails_with({"expand", "re"}, {"%Other%"}, "cannot be combined", &vars));
}

// ------------------------------------------------------------------ modifier errors

TEST(SigmaValueErrors, UnknownAndTimeModifiersAreNamed) {
  EXPECT_TRUE(fails_with({"foo"}, {"a"}, "foo"));
  EXPECT_TRUE(fails_with({"contains", "bogus"}, {"a"}, "bogus"));
  for (const char* m : {"minute", "hour", "day", "week", "month", "year"}) {
    EXPECT_TRUE(fails_with({m}, {"1"}, m)) << m;
  }
}

TEST(SigmaValueErrors, NoValues) {
  const Vals none;
  EXPECT_TRUE(fails_with({}, none, "value"));
}

// ------------------------------------------------------------------ keyword searches

using Record = std::vector<std::string>;

// nullopt when the matcher does not compile; calls counts the values looked at.
std::optional<bool> keyword_hit(const Mods& mods, const Vals& vals, const Record& rec, int* calls = nullptr) {
  auto r = KeywordMatcher::compile(mods, vals);
  if (!r.ok()) {
    ADD_FAILURE() << "compile failed: " << r.error().message;
    return std::nullopt;
  }
  return r->matches([&rec, calls](const std::function<bool(std::string_view)>& f) {
    for (const std::string& v : rec) {
      if (calls != nullptr) ++*calls;
      if (!f(v)) return;
    }
  });
}

TEST(SigmaValueKeyword, SubstringCaseInsensitiveWithWildcards) {
  EXPECT_EQ(keyword_hit({}, {"mimikatz"}, {"foo", "xx MIMIKATZ yy"}), kYes);
  EXPECT_EQ(keyword_hit({}, {"mimikatz"}, {"foo", "bar"}), kNo);
  EXPECT_EQ(keyword_hit({}, {"invoke-*shell"}, {"x Invoke-PowerShell y"}), kYes);
  EXPECT_EQ(keyword_hit({}, {"a\\*b"}, {"xa*by"}), kYes);
  EXPECT_EQ(keyword_hit({}, {"a\\*b"}, {"xaqby"}), kNo);
  EXPECT_EQ(keyword_hit({}, {"x", "y"}, {"y"}), kYes);
  EXPECT_EQ(keyword_hit({}, {"x"}, {}), kNo);
}

TEST(SigmaValueKeyword, StopsAtTheFirstHit) {
  int calls = 0;
  EXPECT_EQ(keyword_hit({}, {"b"}, {"a", "b", "c", "d"}, &calls), kYes);
  EXPECT_EQ(calls, 2);
}

TEST(SigmaValueKeyword, AllNeedsEveryKeywordSomewhere) {
  EXPECT_EQ(keyword_hit({"all"}, {"a1", "b2"}, {"xa1", "yb2"}), kYes);
  EXPECT_EQ(keyword_hit({"all"}, {"a1", "b2"}, {"xa1", "y"}), kNo);
  Vals many;
  Record rec;
  for (int i = 0; i < 70; ++i) {
    many.emplace_back("k" + std::to_string(i) + "_");
    rec.push_back("v k" + std::to_string(i) + "_");
  }
  EXPECT_EQ(keyword_hit({"all"}, many, rec), kYes);
  rec.erase(rec.begin() + 67);
  EXPECT_EQ(keyword_hit({"all"}, many, rec), kNo);
}

TEST(SigmaValueKeyword, Errors) {
  EXPECT_FALSE(KeywordMatcher::compile(Mods{"all"}, Vals{"a"}).ok());
  EXPECT_EQ(KeywordMatcher::compile(Mods{"all"}, Vals{"a"}).error().message, "|all needs a list of values");
  const auto contains = KeywordMatcher::compile(Mods{"contains"}, Vals{"a"});
  ASSERT_FALSE(contains.ok());
  EXPECT_NE(contains.error().message.find("contains"), std::string::npos);
  EXPECT_FALSE(KeywordMatcher::compile(Mods{"re"}, Vals{"a"}).ok());
  EXPECT_FALSE(KeywordMatcher::compile(Mods{}, Vals{std::nullopt}).ok());
}

}  // namespace
}  // namespace emoguard::analyzers::hunt
