// Tests text helpers: UTF-8 validation, UTF-16LE decoding, iconv code pages, Base64, printable/hex.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "emoguard/text.hpp"

namespace emoguard {
namespace {

using namespace std::string_literals;

ByteView bv(const std::string& s) { return ByteView(std::string_view(s)); }

const std::string kPasswordUtf8 = "\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89";  // パスワード
const std::string kFffd = "\xEF\xBF\xBD";

// ------------------------------------------------------------------ Text

TEST(Text, InPicksLanguageWithEnglishFallback) {
  const Text both{"hello", "こんにちは"};
  EXPECT_EQ(both.in("en"), "hello");
  EXPECT_EQ(both.in("ja"), "こんにちは");
  EXPECT_EQ(both.in("fr"), "hello");
  const Text en_only{"hello", ""};
  EXPECT_EQ(en_only.in("ja"), "hello");
}

// ------------------------------------------------------------------ is_valid_utf8

TEST(Utf8, AcceptsWellFormed) {
  for (const std::string& s : {""s, "plain ASCII"s, "a\0b"s, "\x7F"s,
                               "\xC2\x80"s,                 // U+0080, smallest 2-byte
                               "\xC3\xA9"s,                 // é
                               "\xDF\xBF"s,                 // U+07FF
                               "\xE0\xA0\x80"s,             // U+0800, smallest 3-byte
                               "\xED\x9F\xBF"s,             // U+D7FF, just below surrogates
                               "\xEE\x80\x80"s,             // U+E000, just above surrogates
                               "\xEF\xBF\xBD"s,             // U+FFFD
                               "\xEF\xBF\xBF"s,             // U+FFFF
                               "\xF0\x90\x80\x80"s,         // U+10000, smallest 4-byte
                               "\xF0\x9F\x98\x80"s,         // U+1F600
                               "\xF4\x8F\xBF\xBF"s,         // U+10FFFF, the last code point
                               kPasswordUtf8, "mixed \xC3\xA9 and \xF0\x9F\x98\x80 text"s}) {
    EXPECT_TRUE(text::is_valid_utf8(s)) << text::hex(bv(s));
  }
}

TEST(Utf8, RejectsMalformed) {
  for (const std::string& s : {
           "\x80"s,                          // lone continuation
           "\xBF"s,                          // lone continuation
           "a\x80z"s,                        // continuation in the middle of ASCII
           "\xC0\x80"s,                      // overlong NUL
           "\xC0\xAF"s,                      // overlong '/'
           "\xC1\xBF"s,                      // overlong U+007F
           "\xE0\x80\x80"s,                  // overlong 3-byte NUL
           "\xE0\x9F\xBF"s,                  // overlong U+07FF
           "\xF0\x80\x80\x80"s,              // overlong 4-byte NUL
           "\xF0\x8F\xBF\xBF"s,              // overlong U+FFFF
           "\xED\xA0\x80"s,                  // U+D800 surrogate
           "\xED\xAF\xBF"s,                  // U+DBFF
           "\xED\xB0\x80"s,                  // U+DC00
           "\xED\xBF\xBF"s,                  // U+DFFF
           "\xED\xA0\xBD\xED\xB8\x80"s,      // CESU-8 surrogate pair
           "\xF4\x90\x80\x80"s,              // U+110000
           "\xF5\x80\x80\x80"s,              // lead byte beyond the range
           "\xF7\xBF\xBF\xBF"s,              // U+1FFFFF
           "\xF8\x88\x80\x80\x80"s,          // 5-byte form
           "\xFC\x84\x80\x80\x80\x80"s,      // 6-byte form
           "\xFE"s, "\xFF"s,                 // never valid
           "\xC3"s,                          // truncated 2-byte
           "\xE3\x83"s,                      // truncated 3-byte
           "\xF0\x9F\x98"s,                  // truncated 4-byte
           "abc\xE3"s,                       // truncated at the end after valid text
           "\xC3\x28"s,                      // bad continuation
           "\xE3\x28\xA1"s,                  // bad second byte
           "\xE3\x83\x28"s,                  // bad third byte
           "\xF0\x9F\x98\x28"s,              // bad fourth byte
       }) {
    EXPECT_FALSE(text::is_valid_utf8(s)) << text::hex(bv(s));
  }
}

// ------------------------------------------------------------------ append_utf8

TEST(Utf8, AppendEncodesBoundaries) {
  const auto enc = [](char32_t cp) {
    std::string s;
    text::append_utf8(s, cp);
    return s;
  };
  EXPECT_EQ(enc(0), "\0"s);
  EXPECT_EQ(enc(0x7F), "\x7F");
  EXPECT_EQ(enc(0x80), "\xC2\x80");
  EXPECT_EQ(enc(0x7FF), "\xDF\xBF");
  EXPECT_EQ(enc(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(enc(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(enc(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(enc(0x10FFFF), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(enc(0x110000), kFffd);
  EXPECT_EQ(enc(0xFFFFFFFF), kFffd);
  EXPECT_EQ(enc(0xD800), kFffd);
  EXPECT_EQ(enc(0xDFFF), kFffd);
  EXPECT_TRUE(text::is_valid_utf8(enc(0x10FFFF)));
}

// ------------------------------------------------------------------ utf16le_to_utf8

TEST(Utf16, ToUtf8) {
  EXPECT_EQ(text::utf16le_to_utf8(ByteView()), "");
  EXPECT_EQ(text::utf16le_to_utf8(bv("a\0b\0"s)), "ab");
  // パスワード in UTF-16LE
  EXPECT_EQ(text::utf16le_to_utf8(bv("\xD1\x30\xB9\x30\xEF\x30\xFC\x30\xC9\x30"s)), kPasswordUtf8);
  EXPECT_EQ(text::utf16le_to_utf8(bv("\x3D\xD8\x00\xDE"s)), "\xF0\x9F\x98\x80");    // surrogate pair
  EXPECT_EQ(text::utf16le_to_utf8(bv("\x00\xD8" "A\0"s)), kFffd + "A");            // lone high
  EXPECT_EQ(text::utf16le_to_utf8(bv("\x00\xDC"s)), kFffd);                        // lone low
  EXPECT_EQ(text::utf16le_to_utf8(bv("\x00\xD8"s)), kFffd);                        // high at end
  EXPECT_EQ(text::utf16le_to_utf8(bv("a\0b"s)), "a");                              // odd byte dropped
  EXPECT_EQ(text::utf16le_to_utf8(bv("\0\0"s)), "\0"s);                             // NUL kept
}

TEST(Utf16, OutputIsAlwaysValidUtf8) {
  // Every 16-bit unit, alone and followed by a low surrogate.
  for (std::uint32_t u = 0; u <= 0xFFFF; u += 7) {
    const std::string one = {static_cast<char>(u & 0xFF), static_cast<char>(u >> 8)};
    const std::string pair = one + "\x00\xDC"s;
    ASSERT_TRUE(text::is_valid_utf8(text::utf16le_to_utf8(bv(one)))) << u;
    ASSERT_TRUE(text::is_valid_utf8(text::utf16le_to_utf8(bv(pair)))) << u;
  }
}

// ------------------------------------------------------------------ to_utf8 (iconv)

TEST(CodePages, PasswordInJapaneseEncodings) {
  // Bytes from specs/documents-and-mail.md §8.2.
  const std::string cp932 = "\x83\x70\x83\x58\x83\x8F\x81\x5B\x83\x68";
  const std::string jis = "\x1B\x24\x42\x25\x51\x25\x39\x25\x6F\x21\x3C\x25\x49\x1B\x28\x42";
  const std::string eucjp = "\xA5\xD1\xA5\xB9\xA5\xEF\xA1\xBC\xA5\xC9";
  const auto a = text::to_utf8(bv(cp932), "CP932");
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(*a, kPasswordUtf8);
  const auto b = text::to_utf8(bv(jis), "ISO-2022-JP");
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(*b, kPasswordUtf8);
  const auto c = text::to_utf8(bv(eucjp), "EUC-JP");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(*c, kPasswordUtf8);
}

TEST(CodePages, FullWidthColon) {
  const auto r = text::to_utf8(bv("PW\x81\x46" "abc"s), "CP932");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "PW\xEF\xBC\x9A" "abc");
}

TEST(CodePages, EmptyInput) {
  const auto r = text::to_utf8(ByteView(), "CP932");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
}

TEST(CodePages, InvalidBytesBecomeReplacementAndConversionGoesOn) {
  // CP932: パ, an invalid byte, ス.
  const auto a = text::to_utf8(bv("A\x83\x70\xFF\x83\x58" "B"s), "CP932");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "A\xE3\x83\x91" + kFffd + "\xE3\x82\xB9" "B");
  // EUC-JP: パ, invalid, ス.
  const auto b = text::to_utf8(bv("\xA5\xD1\xFF\xA5\xB9"s), "EUC-JP");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "\xE3\x83\x91" + kFffd + "\xE3\x82\xB9");
  // ISO-2022-JP: an 8-bit byte in the ASCII part.
  const auto c = text::to_utf8(bv("a\x80" "b"s), "ISO-2022-JP");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "a" + kFffd + "b");
  // Many invalid bytes in a row: one replacement each, nothing dropped after them.
  const auto d = text::to_utf8(bv("\xFF\xFF\xFF\xFF" "end"s), "EUC-JP");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(*d, kFffd + kFffd + kFffd + kFffd + "end");
  EXPECT_TRUE(text::is_valid_utf8(*d));
}

TEST(CodePages, TruncatedMultibyteAtEnd) {
  const auto a = text::to_utf8(bv("A\x83"s), "CP932");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(*a, "A" + kFffd);
  const auto b = text::to_utf8(bv("\xA5\xD1\xA5"s), "EUC-JP");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, "\xE3\x83\x91" + kFffd);
  // ISO-2022-JP that never shifts back to ASCII still yields what it decoded.
  const auto c = text::to_utf8(bv("\x1B\x24\x42\x25\x51"s), "ISO-2022-JP");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, "\xE3\x83\x91");
}

TEST(CodePages, InvalidByteInsideIso2022JpKeepsTheShiftState) {
  // ESC $ B, パ, an invalid byte, ス, ESC ( B, x
  const auto r = text::to_utf8(bv("\x1B\x24\x42\x25\x51\x80\x25\x39\x1B\x28\x42x"s), "ISO-2022-JP");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "\xE3\x83\x91" + kFffd + "\xE3\x82\xB9x");
}

TEST(CodePages, LongInputIsConvertedWhole) {
  std::string in;
  std::string want;
  for (int i = 0; i < 20000; ++i) {
    in += "\x83\x70";         // パ
    in += "\xB1";             // half-width katakana ｱ (1 byte -> 3 bytes)
    want += "\xE3\x83\x91";
    want += "\xEF\xBD\xB1";
  }
  const auto r = text::to_utf8(bv(in), "CP932");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->size(), want.size());
  EXPECT_EQ(*r, want);
}

TEST(CodePages, UnknownCharsetIsUnsupported) {
  const auto r = text::to_utf8(bv("abc"s), "X-NO-SUCH-CHARSET-EMOGUARD");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::unsupported);
  EXPECT_NE(r.error().message.find("X-NO-SUCH-CHARSET-EMOGUARD"), std::string::npos);
}

// ------------------------------------------------------------------ Base64

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> v[] = {{"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},
                                                   {"foo", "Zm9v"},  {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, enc] : v) {
    EXPECT_EQ(text::base64_encode(bv(plain)), enc);
    EXPECT_EQ(text::base64_decode(enc), plain);
  }
}

TEST(Base64, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t len = 0; len <= all.size(); ++len) {
    const std::string s = all.substr(all.size() - len);
    const std::string e = text::base64_encode(bv(s));
    EXPECT_EQ(e.size() % 4, 0u);
    EXPECT_EQ(e.size(), (len + 2) / 3 * 4);
    ASSERT_EQ(text::base64_decode(e), s) << len;
  }
}

TEST(Base64, LenientDecode) {
  EXPECT_EQ(text::base64_decode("Zm9v\r\nYmFy"), "foobar");    // line breaks
  EXPECT_EQ(text::base64_decode(" Zm9v YmFy \t"), "foobar");   // blanks
  EXPECT_EQ(text::base64_decode("Zm*9v!Ym\x01" "Fy~"), "foobar");  // junk outside the alphabet
  EXPECT_EQ(text::base64_decode("Zm9vYg"), "foob");             // missing padding
  EXPECT_EQ(text::base64_decode("Zm9vYmE"), "fooba");
  EXPECT_EQ(text::base64_decode("Zg"), "f");
  EXPECT_EQ(text::base64_decode("Z"), "");                      // a lone sextet carries no byte
  EXPECT_EQ(text::base64_decode(""), "");
  EXPECT_EQ(text::base64_decode("===="), "");
  EXPECT_EQ(text::base64_decode("\xFF\xFE\x80"s), "");           // only non-alphabet bytes
}

TEST(Base64, UrlSafeAlphabet) {
  EXPECT_EQ(text::base64_decode("-_-_"), "\xFB\xFF\xBF");
  EXPECT_EQ(text::base64_decode("+/+/"), "\xFB\xFF\xBF");
}

TEST(Base64, EncodeOutputIsPlainAlphabet) {
  const std::string bin = "\x00\xFF\xFE\x80\x7F\x10"s;
  const auto e = text::base64_encode(bv(bin));
  EXPECT_EQ(e.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="), std::string::npos);
  EXPECT_EQ(e, "AP/+gH8Q");
}

// ------------------------------------------------------------------ small helpers

TEST(Printable, EscapesNonPrintables) {
  EXPECT_EQ(text::printable(bv("abc XYZ ~")), "abc XYZ ~");
  EXPECT_EQ(text::printable(bv("\x00\x1F\x7F\x80\xFF"s)), "\\x00\\x1f\\x7f\\x80\\xff");
  EXPECT_EQ(text::printable(bv("a\\b")), "a\\x5cb");  // a backslash cannot be confused with an escape
  EXPECT_EQ(text::printable(bv("\r\n\t")), "\\x0d\\x0a\\x09");
  EXPECT_EQ(text::printable(ByteView()), "");
}

TEST(Printable, CutsAtMax) {
  EXPECT_EQ(text::printable(bv("abcdef"), 3), "abc...");
  EXPECT_EQ(text::printable(bv("abc"), 3), "abc");
  EXPECT_EQ(text::printable(bv("abcd"), 0), "...");
  EXPECT_EQ(text::printable(bv("\x01\x02\x03"s), 2), "\\x01\\x02...");
  const std::string longer(100, 'x');
  EXPECT_EQ(text::printable(bv(longer)), std::string(64, 'x') + "...");  // default max 64
}

TEST(Hex, LowerCase) {
  EXPECT_EQ(text::hex(bv("\x00\x01\xAB\xFF"s)), "0001abff");
  EXPECT_EQ(text::hex(ByteView()), "");
}

TEST(ToLowerAscii, OnlyAsciiLetters) {
  EXPECT_EQ(text::to_lower_ascii("HeLLo-World_09.EXE"), "hello-world_09.exe");
  EXPECT_EQ(text::to_lower_ascii("\xC3\x89"), "\xC3\x89");  // É is left as is
  EXPECT_EQ(text::to_lower_ascii("@[`{"), "@[`{");
}

}  // namespace
}  // namespace emoguard
