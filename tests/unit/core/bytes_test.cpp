// Tests ByteView and Reader: bounds checks (incl. overflow-prone offsets), integer decoding, cursor rules.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "emoguard/bytes.hpp"

namespace emoguard {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

std::vector<std::uint8_t> seq(std::size_t n) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i + 1);
  return v;
}

std::string str(ByteView v) { return std::string(v.chars()); }

// ------------------------------------------------------------------ ByteView construction

TEST(ByteView, DefaultIsEmpty) {
  const ByteView v;
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_EQ(v.data(), nullptr);
  EXPECT_EQ(v.begin(), v.end());
}

TEST(ByteView, NullDataWithSizeIsEmpty) {
  const ByteView v(nullptr, 100);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.size(), 0u);
  EXPECT_FALSE(v.u8(0).has_value());
  EXPECT_FALSE(v.slice(0, 1).has_value());
}

TEST(ByteView, ZeroSizeDropsPointer) {
  const std::uint8_t b[1] = {7};
  const ByteView v(b, 0);
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.data(), nullptr);
}

TEST(ByteView, FromStringViewAndSpan) {
  const std::string s = "abc";
  const ByteView v{std::string_view(s)};
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(v.chars(), "abc");
  const auto bytes = seq(4);
  const ByteView w{std::span<const std::uint8_t>(bytes)};
  EXPECT_EQ(w.size(), 4u);
  EXPECT_EQ(*w.u8(3), 4);
  std::size_t n = 0;
  for (const auto b : w) EXPECT_EQ(b, ++n);
  EXPECT_EQ(n, 4u);
}

// ------------------------------------------------------------------ contains / slice

TEST(ByteView, Contains) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  EXPECT_TRUE(v.contains(0, 10));
  EXPECT_TRUE(v.contains(10, 0));
  EXPECT_TRUE(v.contains(9, 1));
  EXPECT_FALSE(v.contains(9, 2));
  EXPECT_FALSE(v.contains(11, 0));
  EXPECT_FALSE(v.contains(0, 11));
  EXPECT_FALSE(v.contains(1, kMax));
  EXPECT_FALSE(v.contains(kMax, 1));
  EXPECT_FALSE(v.contains(kMax, 0));
  EXPECT_FALSE(v.contains(kMax, kMax));
  // offset + len wraps to a small number: must still be rejected.
  EXPECT_FALSE(v.contains(2, kMax - 1));
  EXPECT_FALSE(v.contains(kMax - 3, 5));
}

TEST(ByteView, SliceInside) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  const auto s = v.slice(2, 3);
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->size(), 3u);
  EXPECT_EQ(s->data(), b.data() + 2);
  EXPECT_EQ(*s->u8(0), 3);
  EXPECT_EQ(*s->u8(2), 5);
  EXPECT_FALSE(s->u8(3).has_value());  // the slice is itself bounded
}

TEST(ByteView, SliceEdges) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  ASSERT_TRUE(v.slice(0, 10).has_value());
  EXPECT_EQ(v.slice(0, 10)->size(), 10u);
  ASSERT_TRUE(v.slice(10, 0).has_value());
  EXPECT_TRUE(v.slice(10, 0)->empty());
  EXPECT_FALSE(v.slice(10, 1).has_value());
  EXPECT_FALSE(v.slice(11, 0).has_value());
  EXPECT_FALSE(v.slice(0, 11).has_value());
}

TEST(ByteView, SliceOverflowProneOffsets) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  EXPECT_FALSE(v.slice(kMax, 0).has_value());
  EXPECT_FALSE(v.slice(kMax, 1).has_value());
  EXPECT_FALSE(v.slice(1, kMax).has_value());
  EXPECT_FALSE(v.slice(kMax, kMax).has_value());
  EXPECT_FALSE(v.slice(5, kMax - 4).has_value());  // 5 + (2^64-5) wraps to 0
  EXPECT_FALSE(v.slice(std::uint64_t{1} << 63, std::uint64_t{1} << 63).has_value());
}

TEST(ByteView, SliceOfEmpty) {
  const ByteView v;
  ASSERT_TRUE(v.slice(0, 0).has_value());
  EXPECT_TRUE(v.slice(0, 0)->empty());
  EXPECT_FALSE(v.slice(0, 1).has_value());
  EXPECT_FALSE(v.slice(1, 0).has_value());
}

// ------------------------------------------------------------------ clamp / head / tail

TEST(ByteView, ClampShortensToWhatExists) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  EXPECT_EQ(v.clamp(2, 3).size(), 3u);
  EXPECT_EQ(v.clamp(2, 3).data(), b.data() + 2);
  EXPECT_EQ(v.clamp(8, 5).size(), 2u);
  EXPECT_EQ(*v.clamp(8, 5).u8(0), 9);
  EXPECT_EQ(v.clamp(0, kMax).size(), 10u);
  EXPECT_EQ(v.clamp(9, kMax).size(), 1u);
  EXPECT_TRUE(v.clamp(10, 1).empty());
  EXPECT_TRUE(v.clamp(11, 1).empty());
  EXPECT_TRUE(v.clamp(kMax, 1).empty());
  EXPECT_TRUE(v.clamp(kMax, kMax).empty());
  EXPECT_TRUE(v.clamp(3, 0).empty());
}

TEST(ByteView, Head) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  EXPECT_EQ(v.head(4).size(), 4u);
  EXPECT_EQ(v.head(4).data(), b.data());
  EXPECT_EQ(v.head(10).size(), 10u);
  EXPECT_EQ(v.head(11).size(), 10u);
  EXPECT_EQ(v.head(kMax).size(), 10u);
  EXPECT_TRUE(v.head(0).empty());
  EXPECT_TRUE(ByteView().head(5).empty());
}

TEST(ByteView, Tail) {
  const auto b = seq(10);
  const ByteView v(b.data(), b.size());
  EXPECT_EQ(v.tail(3).size(), 3u);
  EXPECT_EQ(v.tail(3).data(), b.data() + 7);
  EXPECT_EQ(*v.tail(3).u8(0), 8);
  EXPECT_EQ(v.tail(10).size(), 10u);
  EXPECT_EQ(v.tail(11).size(), 10u);
  EXPECT_EQ(v.tail(kMax).size(), 10u);
  EXPECT_EQ(v.tail(kMax).data(), b.data());
  EXPECT_TRUE(v.tail(0).empty());
  EXPECT_TRUE(ByteView().tail(kMax).empty());
}

// ------------------------------------------------------------------ integers

TEST(ByteView, LittleAndBigEndianIntegers) {
  const std::vector<std::uint8_t> b = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  const ByteView v(b.data(), b.size());
  EXPECT_EQ(*v.u8(0), 0x01);
  EXPECT_EQ(*v.u16le(0), 0x0201);
  EXPECT_EQ(*v.u16be(0), 0x0102);
  EXPECT_EQ(*v.u32le(0), 0x04030201u);
  EXPECT_EQ(*v.u32be(0), 0x01020304u);
  EXPECT_EQ(*v.u64le(0), 0x0807060504030201ull);
  EXPECT_EQ(*v.u64be(0), 0x0102030405060708ull);
  EXPECT_EQ(*v.u64le(1), 0x0908070605040302ull);
  EXPECT_EQ(*v.u64be(1), 0x0203040506070809ull);
  EXPECT_EQ(*v.u16le(7), 0x0908);
  EXPECT_EQ(*v.u32be(5), 0x06070809u);
}

TEST(ByteView, HighBitsAreNotSignExtended) {
  const std::vector<std::uint8_t> b = {0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0xFA, 0xF9, 0xF8};
  const ByteView v(b.data(), b.size());
  EXPECT_EQ(*v.u8(0), 0xFF);
  EXPECT_EQ(*v.u16le(0), 0xFEFF);
  EXPECT_EQ(*v.u16be(0), 0xFFFE);
  EXPECT_EQ(*v.u32le(0), 0xFCFDFEFFu);
  EXPECT_EQ(*v.u32be(4), 0xFBFAF9F8u);
  EXPECT_EQ(*v.u64le(0), 0xF8F9FAFBFCFDFEFFull);
  EXPECT_EQ(*v.u64be(0), 0xFFFEFDFCFBFAF9F8ull);
}

TEST(ByteView, IntegersOutOfBounds) {
  const auto b = seq(8);
  const ByteView v(b.data(), b.size());
  EXPECT_FALSE(v.u8(8).has_value());
  EXPECT_FALSE(v.u16le(7).has_value());
  EXPECT_FALSE(v.u16be(7).has_value());
  EXPECT_FALSE(v.u32le(5).has_value());
  EXPECT_FALSE(v.u32be(5).has_value());
  EXPECT_FALSE(v.u64le(1).has_value());
  EXPECT_FALSE(v.u64be(1).has_value());
  EXPECT_TRUE(v.u64le(0).has_value());
  for (const std::uint64_t off : {kMax, kMax - 1, kMax - 3, kMax - 7, std::uint64_t{1} << 63}) {
    EXPECT_FALSE(v.u8(off).has_value()) << off;
    EXPECT_FALSE(v.u16le(off).has_value()) << off;
    EXPECT_FALSE(v.u32le(off).has_value()) << off;
    EXPECT_FALSE(v.u64le(off).has_value()) << off;
    EXPECT_FALSE(v.u16be(off).has_value()) << off;
    EXPECT_FALSE(v.u32be(off).has_value()) << off;
    EXPECT_FALSE(v.u64be(off).has_value()) << off;
  }
  EXPECT_FALSE(ByteView().u8(0).has_value());
}

// ------------------------------------------------------------------ has_at / find

TEST(ByteView, HasAt) {
  const ByteView v(std::string_view("hello world"));
  EXPECT_TRUE(v.has_at(0, "hello"));
  EXPECT_TRUE(v.has_at(6, "world"));
  EXPECT_FALSE(v.has_at(6, "worlds"));  // runs past the end
  EXPECT_FALSE(v.has_at(1, "hello"));
  EXPECT_TRUE(v.has_at(11, ""));   // empty signature at the end
  EXPECT_FALSE(v.has_at(12, ""));  // but not beyond it
  EXPECT_FALSE(v.has_at(kMax, "h"));
  EXPECT_FALSE(v.has_at(kMax, ""));
  EXPECT_TRUE(v.starts_with("hell"));
  EXPECT_FALSE(v.starts_with("ello"));
  EXPECT_TRUE(v.has_at(0, ByteView(std::string_view("he"))));
  EXPECT_FALSE(ByteView().has_at(0, "x"));
  EXPECT_TRUE(ByteView().has_at(0, ""));
}

TEST(ByteView, HasAtWithEmbeddedNul) {
  using namespace std::string_view_literals;
  const ByteView v("PE\0\0x"sv);
  EXPECT_TRUE(v.has_at(0, "PE\0\0"sv));
  EXPECT_FALSE(v.has_at(0, "PE\0\1"sv));
}

TEST(ByteView, Find) {
  const ByteView v(std::string_view("abcabcab"));
  EXPECT_EQ(v.find("abc"), std::optional<std::size_t>(0));
  EXPECT_EQ(v.find("abc", 1), std::optional<std::size_t>(3));
  EXPECT_EQ(v.find("abc", 3), std::optional<std::size_t>(3));
  EXPECT_FALSE(v.find("abc", 4).has_value());  // only "ab" is left at 6
  EXPECT_EQ(v.find("ab", 6), std::optional<std::size_t>(6));
  EXPECT_EQ(v.find("b", 7), std::optional<std::size_t>(7));
  EXPECT_FALSE(v.find("x").has_value());
  EXPECT_FALSE(v.find("").has_value());
  EXPECT_FALSE(v.find("a", 8).has_value());
  EXPECT_FALSE(v.find("a", std::numeric_limits<std::size_t>::max()).has_value());
  EXPECT_FALSE(v.find("abcabcabc").has_value());
  EXPECT_FALSE(ByteView().find("a").has_value());
}

// ------------------------------------------------------------------ Reader

TEST(Reader, SequentialReadsAdvance) {
  const std::vector<std::uint8_t> b = {0x11, 0x01, 0x02, 0x01, 0x02, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8,
                                       0x01, 0x02, 0x01, 0x02, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8, 0xAA};
  Reader r(ByteView(b.data(), b.size()));
  EXPECT_EQ(r.remaining(), b.size());
  EXPECT_FALSE(r.at_end());
  EXPECT_EQ(*r.u8(), 0x11);
  EXPECT_EQ(r.position(), 1u);
  EXPECT_EQ(*r.u16le(), 0x0201);
  EXPECT_EQ(r.position(), 3u);
  EXPECT_EQ(*r.u32le(), 0x04030201u);
  EXPECT_EQ(r.position(), 7u);
  EXPECT_EQ(*r.u64le(), 0x0807060504030201ull);
  EXPECT_EQ(r.position(), 15u);
  EXPECT_EQ(*r.u16be(), 0x0102);
  EXPECT_EQ(*r.u32be(), 0x01020304u);
  EXPECT_EQ(*r.u64be(), 0x0102030405060708ull);
  EXPECT_EQ(r.position(), 29u);
  EXPECT_EQ(r.remaining(), 1u);
  const auto last = r.bytes(1);
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(*last->u8(0), 0xAA);
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(Reader, FailedReadsDoNotMoveAndCarryOffset) {
  const auto b = seq(5);
  Reader r(ByteView(b.data(), b.size()), 1000);
  ASSERT_TRUE(r.skip(3).ok());
  ASSERT_EQ(r.position(), 3u);

  const auto check = [&](const Error& e) {
    EXPECT_EQ(e.code, Errc::truncated);
    EXPECT_EQ(e.offset, 1003u);  // base + position where the read was attempted
    EXPECT_FALSE(e.message.empty());
    EXPECT_EQ(r.position(), 3u);
    EXPECT_EQ(r.remaining(), 2u);
  };
  {
    const auto v = r.u32le();
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.u32be();
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.u64le();
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.u64be();
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.bytes(3);
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.bytes(kMax);
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.skip(3);
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  {
    const auto v = r.skip(kMax);
    ASSERT_FALSE(v.ok());
    check(v.error());
  }
  // The data that is there can still be read after the failures.
  EXPECT_EQ(*r.u16le(), 0x0504);
  EXPECT_TRUE(r.at_end());
  const auto v = r.u8();
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, Errc::truncated);
  EXPECT_EQ(v.error().offset, 1005u);
  const auto w = r.u16be();
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(r.position(), 5u);
}

TEST(Reader, ZeroLengthReadsAtEndSucceed) {
  const auto b = seq(2);
  Reader r(ByteView(b.data(), b.size()));
  ASSERT_TRUE(r.skip(2).ok());
  EXPECT_TRUE(r.skip(0).ok());
  const auto e = r.bytes(0);
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->empty());
  EXPECT_EQ(r.position(), 2u);
}

TEST(Reader, Seek) {
  const auto b = seq(8);
  Reader r(ByteView(b.data(), b.size()), 50);
  ASSERT_TRUE(r.seek(6).ok());
  EXPECT_EQ(r.position(), 6u);
  EXPECT_EQ(*r.u8(), 7);
  ASSERT_TRUE(r.seek(8).ok());  // the end is a valid position
  EXPECT_TRUE(r.at_end());
  ASSERT_TRUE(r.seek(2).ok());
  const auto bad = r.seek(9);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, Errc::out_of_range);
  EXPECT_EQ(bad.error().offset, 59u);
  EXPECT_EQ(r.position(), 2u);
  const auto huge = r.seek(kMax);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, Errc::out_of_range);
  EXPECT_EQ(r.position(), 2u);
}

TEST(Reader, BytesReturnsAView) {
  const std::string s = "0123456789";
  Reader r{ByteView(std::string_view(s))};
  ASSERT_TRUE(r.skip(2).ok());
  const auto b = r.bytes(4);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(str(*b), "2345");
  EXPECT_EQ(b->data(), reinterpret_cast<const std::uint8_t*>(s.data()) + 2);
  EXPECT_EQ(r.position(), 6u);
  EXPECT_EQ(r.view().size(), 10u);
}

// ------------------------------------------------------------------ Reader UTF-16

std::vector<std::uint8_t> u16(std::initializer_list<std::uint16_t> units) {
  std::vector<std::uint8_t> out;
  for (const auto u : units) {
    out.push_back(static_cast<std::uint8_t>(u & 0xFF));
    out.push_back(static_cast<std::uint8_t>(u >> 8));
  }
  return out;
}

TEST(ReaderUtf16, BasicMultilingualPlane) {
  const auto b = u16({'A', 0x00E9, 0x30D1, 'z'});  // A é パ z
  Reader r(ByteView(b.data(), b.size()));
  const auto s = r.utf16le(4);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "A\xC3\xA9\xE3\x83\x91z");
  EXPECT_TRUE(r.at_end());
}

TEST(ReaderUtf16, SurrogatePair) {
  const auto b = u16({0xD83D, 0xDE00, 'x'});  // U+1F600
  Reader r(ByteView(b.data(), b.size()));
  const auto s = r.utf16le(3);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "\xF0\x9F\x98\x80x");
}

TEST(ReaderUtf16, LoneSurrogatesBecomeReplacement) {
  const std::string fffd = "\xEF\xBF\xBD";
  {
    const auto b = u16({0xD800, 'A'});  // high surrogate followed by a non-surrogate
    Reader r(ByteView(b.data(), b.size()));
    EXPECT_EQ(*r.utf16le(2), fffd + "A");
  }
  {
    const auto b = u16({'A', 0xDC00});  // low surrogate alone
    Reader r(ByteView(b.data(), b.size()));
    EXPECT_EQ(*r.utf16le(2), "A" + fffd);
  }
  {
    const auto b = u16({0xDBFF});  // high surrogate at the very end
    Reader r(ByteView(b.data(), b.size()));
    EXPECT_EQ(*r.utf16le(1), fffd);
  }
  {
    const auto b = u16({0xDC00, 0xD800});  // reversed pair: two lone surrogates
    Reader r(ByteView(b.data(), b.size()));
    EXPECT_EQ(*r.utf16le(2), fffd + fffd);
  }
  {
    const auto b = u16({0xD800, 0xD800, 0xDC00});  // lone high, then a valid pair
    Reader r(ByteView(b.data(), b.size()));
    EXPECT_EQ(*r.utf16le(3), fffd + "\xF0\x90\x80\x80");
  }
}

TEST(ReaderUtf16, PairIsNotJoinedAcrossTheRequestedLength) {
  const auto b = u16({0xD83D, 0xDE00});
  Reader r(ByteView(b.data(), b.size()));
  EXPECT_EQ(*r.utf16le(1), "\xEF\xBF\xBD");
  EXPECT_EQ(r.position(), 2u);
  EXPECT_EQ(*r.utf16le(1), "\xEF\xBF\xBD");
}

TEST(ReaderUtf16, ShortReadFailsWithoutMoving) {
  auto b = u16({'a', 'b', 'c'});
  b.push_back('!');  // odd trailing byte
  Reader r(ByteView(b.data(), b.size()), 10);
  ASSERT_TRUE(r.skip(2).ok());
  const auto s = r.utf16le(3);  // needs 6 bytes, 5 left
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::truncated);
  EXPECT_EQ(s.error().offset, 12u);
  EXPECT_EQ(r.position(), 2u);
  const auto huge = r.utf16le(kMax);
  ASSERT_FALSE(huge.ok());
  EXPECT_EQ(huge.error().code, Errc::truncated);
  EXPECT_EQ(r.position(), 2u);
  const auto half = r.utf16le(kMax / 2 + 1);  // units * 2 wraps to 0
  ASSERT_FALSE(half.ok());
  EXPECT_EQ(r.position(), 2u);
  EXPECT_EQ(*r.utf16le(2), "bc");
  EXPECT_EQ(r.remaining(), 1u);
  EXPECT_EQ(*r.utf16le(0), "");
}

TEST(ReaderUtf16, ZeroTerminatedConsumesTheNul) {
  const auto b = u16({'h', 'i', 0, 'x', 0});
  Reader r(ByteView(b.data(), b.size()));
  const auto s = r.utf16le_z(100);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "hi");
  EXPECT_EQ(r.position(), 6u);  // two units and the NUL
  EXPECT_EQ(*r.utf16le_z(100), "x");
  EXPECT_TRUE(r.at_end());
}

TEST(ReaderUtf16, ZeroTerminatedEmptyString) {
  const auto b = u16({0, 'a'});
  Reader r(ByteView(b.data(), b.size()));
  EXPECT_EQ(*r.utf16le_z(5), "");
  EXPECT_EQ(r.position(), 2u);
}

TEST(ReaderUtf16, ZeroTerminatedStopsAtMaxUnits) {
  const auto b = u16({'a', 'b', 'c', 'd', 0});
  Reader r(ByteView(b.data(), b.size()));
  const auto s = r.utf16le_z(2);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, "ab");
  EXPECT_EQ(r.position(), 4u);  // nothing consumed beyond the two units
  EXPECT_EQ(*r.utf16le_z(0), "");
  EXPECT_EQ(r.position(), 4u);
  EXPECT_EQ(*r.utf16le_z(10), "cd");
  EXPECT_TRUE(r.at_end());
}

TEST(ReaderUtf16, ZeroTerminatedWithSurrogates) {
  const auto b = u16({0xD83D, 0xDE00, 0xDC00, 0});
  Reader r(ByteView(b.data(), b.size()));
  EXPECT_EQ(*r.utf16le_z(10), "\xF0\x9F\x98\x80\xEF\xBF\xBD");
  EXPECT_TRUE(r.at_end());
}

TEST(ReaderUtf16, ZeroTerminatedMissingNulFailsWithoutMoving) {
  auto b = u16({'x', 'a', 'b'});
  b.push_back('c');  // odd byte: a half unit
  Reader r(ByteView(b.data(), b.size()), 100);
  ASSERT_TRUE(r.skip(2).ok());
  const auto s = r.utf16le_z(50);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Errc::truncated);
  EXPECT_EQ(s.error().offset, 102u);
  EXPECT_EQ(r.position(), 2u);
  const auto t = r.utf16le_z(kMax);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(r.position(), 2u);
}

}  // namespace
}  // namespace emoguard
