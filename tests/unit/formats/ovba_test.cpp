// Tests formats::ovba: §3.2 decompression vectors, round trips through a literal-only compressor,
// hostile compressed data, the dir stream (code pages, the VERSION quirk, truncation), the PROJECT
// stream and §2.4.3 data encryption.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "emoguard/text.hpp"
#include "formats/ovba/ovba.hpp"
#include "office_builders.hpp"

namespace emoguard::formats::ovba {
namespace {

using namespace emoguard::testing;
using namespace std::literals;

bool has_issue(const std::vector<Issue>& v, std::string_view code) {
  return std::any_of(v.begin(), v.end(), [&](const Issue& i) { return i.code == code; });
}
std::size_t count_issue(const std::vector<Issue>& v, std::string_view code) {
  return static_cast<std::size_t>(std::count_if(v.begin(), v.end(), [&](const Issue& i) { return i.code == code; }));
}
std::string codes(const std::vector<Issue>& v) {
  std::string s;
  for (const auto& i : v) s += i.code + " ";
  return s;
}
Decompressed dec(const std::string& bytes, std::uint64_t max_out = 64ULL << 20) { return decompress(view(bytes), max_out); }

// ------------------------------------------------------------------ §3.2 vectors

TEST(OvbaDecompress, SpecVectorNoCopyTokens) {
  const auto r = dec(from_hex("01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E"));
  EXPECT_EQ(r.data, "abcdefghijklmnopqrstuv.");
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.issues.empty()) << codes(r.issues);
}

TEST(OvbaDecompress, SpecVectorWithCopyTokens) {
  const std::string want = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
  const auto r = dec(from_hex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 "
                              "71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C"));
  EXPECT_EQ(r.data, want);
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.issues.empty()) << codes(r.issues);
  // The variant with different copy tokens for the same text.
  const auto v = dec(from_hex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20 6D 6E 6F 70 06 "
                              "71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C"));
  EXPECT_EQ(v.data, want);
  EXPECT_TRUE(v.complete);
}

TEST(OvbaDecompress, SpecVectorOverlappingCopy) {
  const auto r = dec(from_hex("01 03 B0 02 61 45 00"));
  EXPECT_EQ(r.data, std::string(73, 'a'));
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.issues.empty());
}

TEST(OvbaDecompress, EmptyContainer) {
  const auto r = dec("\x01");
  EXPECT_EQ(r.data, "");
  EXPECT_TRUE(r.complete);
  EXPECT_TRUE(r.issues.empty());
}

TEST(OvbaDecompress, CopyTokenBitsGrowWithTheChunkPosition) {
  // 17 literals (d = 17 needs 5 offset bits), then a copy of offset 17, length 3: token (16 << 11) | 0.
  std::string body;
  std::string lits = "ABCDEFGHIJKLMNOPQ";
  body += '\0';
  body += lits.substr(0, 8);
  body += '\0';
  body += lits.substr(8, 8);
  body += '\x02';
  body += lits.substr(16, 1);
  app16(body, static_cast<std::uint16_t>(16U << 11));
  std::string c = "\x01";
  app16(c, static_cast<std::uint16_t>(0xB000 | (body.size() + 2 - 3)));
  c += body;
  const auto r = dec(c);
  EXPECT_EQ(r.data, lits + "ABC");
  EXPECT_TRUE(r.complete) << codes(r.issues);
}

// ------------------------------------------------------------------ round trips

TEST(OvbaDecompress, LiteralCompressorRoundTrips) {
  std::vector<std::size_t> sizes = {1, 7, 8, 9, 100, 3640, 3641, 4095, 4096, 4097, 8192, 8193, 12000, 20480};
  std::uint32_t x = 99;
  for (int i = 0; i < 20; ++i) {
    x = x * 1664525 + 1013904223;
    sizes.push_back(1 + (x >> 8) % 20480);
  }
  for (const std::size_t n : sizes) {
    const std::string text = random_text(n, static_cast<std::uint32_t>(n));
    const std::string c = ovba_compress_literal(text);
    ASSERT_EQ(c[0], '\x01');
    const auto r = dec(c);
    EXPECT_EQ(r.data, text) << n;
    EXPECT_TRUE(r.complete) << n;
    EXPECT_TRUE(r.issues.empty()) << n << ": " << codes(r.issues);
  }
}

TEST(OvbaDecompress, CompressorWritesTheChunkShapesItClaims) {
  // "abc": one compressed chunk of size 6 (header field 3), one flag byte, three literals.
  EXPECT_EQ(ovba_compress_literal("abc"), from_hex("01 03 B0 00 61 62 63"));
  // 4096 bytes: one raw chunk, header 0x3FFF.
  const std::string raw = ovba_compress_literal(std::string(4096, 'z'));
  ASSERT_EQ(raw.size(), 1u + 2 + 4096);
  EXPECT_EQ(raw.substr(1, 2), "\xFF\x3F"s);
}

TEST(OvbaDecompress, BinaryBytesRoundTrip) {
  std::string all;
  for (int k = 0; k < 40; ++k) {
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  }
  const auto r = dec(ovba_compress_literal(all));
  EXPECT_EQ(r.data, all);
}

// ------------------------------------------------------------------ hostile

TEST(OvbaDecompress, BadSignature) {
  for (const std::string& s : {""s, "\x00\x03\xB0\x00\x61"s, "\x02\x03\xB0\x00\x61\x62\x63"s}) {
    const auto r = dec(s);
    EXPECT_TRUE(has_issue(r.issues, "ovba.bad_signature")) << text::hex(view(s));
    EXPECT_FALSE(r.complete);
    EXPECT_TRUE(r.data.empty());
  }
}

TEST(OvbaDecompress, CopyTokenBeforeAnyLiteral) {
  const auto r = dec(from_hex("01 02 B0 01 00 00"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.bad_copy_token")) << codes(r.issues);
  EXPECT_FALSE(r.complete);
  EXPECT_TRUE(r.data.empty());
}

TEST(OvbaDecompress, CopyTokenBeforeTheFirstLiteralOfALaterChunk) {
  // A full first chunk, then a chunk whose first token is a copy: d counts from the chunk start.
  std::string c = ovba_compress_literal(std::string(4096, 'x'));
  c += from_hex("02 B0 01 00 00");
  const auto r = dec(c);
  EXPECT_TRUE(has_issue(r.issues, "ovba.bad_copy_token"));
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.data, std::string(4096, 'x'));
}

TEST(OvbaDecompress, OffsetBeyondTheChunk) {
  // One literal (d = 1), then a copy with offset 2.
  const auto r = dec(from_hex("01 03 B0 02 61 00 10"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.bad_copy_token")) << codes(r.issues);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.data, "a");
}

TEST(OvbaDecompress, TruncatedCopyToken) {
  const auto r = dec(from_hex("01 02 B0 02 61 00"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.truncated_token")) << codes(r.issues);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.data, "a");
}

TEST(OvbaDecompress, TruncatedChunkHeader) {
  const auto r = dec(from_hex("01 03 B0 00 61 62 63 05"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.truncated_chunk")) << codes(r.issues);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.data, "abc");
}

TEST(OvbaDecompress, ChunkLongerThanTheInputIsClamped) {
  // Header says 4098 bytes, only 4 follow: decoding stops at the end of the input.
  const auto r = dec(from_hex("01 FF BF 00 61 62 63"));
  EXPECT_EQ(r.data, "abc");
}

TEST(OvbaDecompress, BadChunkSignatureIsNotedButDecoded) {
  const auto r = dec(from_hex("01 03 80 00 61 62 63"));  // signature bits 0b000
  EXPECT_TRUE(has_issue(r.issues, "ovba.bad_chunk_signature"));
  EXPECT_EQ(r.data, "abc");
}

TEST(OvbaDecompress, ShortRawChunk) {
  const auto r = dec(from_hex("01 FF 3F 61 62 63"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.short_raw_chunk"));
  EXPECT_EQ(r.data, "abc");
}

TEST(OvbaDecompress, ChunkThatDecompressesBeyond4096) {
  // 'a', then a copy of offset 1 and length 4098 (d = 1 leaves 12 length bits).
  const auto r = dec(from_hex("01 03 B0 02 61 FF 0F"));
  EXPECT_TRUE(has_issue(r.issues, "ovba.chunk_overflow")) << codes(r.issues);
  EXPECT_EQ(r.data, std::string(4099, 'a'));
}

TEST(OvbaDecompress, ChunkOverflowIsReportedOncePerChunk) {
  // After the overflow, every further token of the chunk overflows too; the issue list must not
  // grow with them (a 100 MB stream of such tokens would otherwise hold millions of issues).
  std::string body = from_hex("02 61 FF 0F");
  for (int g = 0; g < 50; ++g) {
    body += '\xFF';
    for (int t = 0; t < 8; ++t) app16(body, 0x0000);  // offset 1, length 3 at 12 offset bits
  }
  std::string c = "\x01";
  app16(c, static_cast<std::uint16_t>(0xB000 | (body.size() + 2 - 3)));
  c += body;
  const auto r = dec(c);
  EXPECT_FALSE(count_issue(r.issues, "ovba.chunk_overflow") > 1) << "regression of a fixed bug: ovba.cpp decompress() pushes one ovba.chunk_overflow issue per copy token after the "
                    "chunk passes 4096 bytes (" << count_issue(r.issues, "ovba.chunk_overflow") << " here), so issues grow with input";
  EXPECT_EQ(count_issue(r.issues, "ovba.chunk_overflow"), 1u);
}

TEST(OvbaDecompress, OutputCapStopsLiterals) {
  const std::string text = random_text(1000, 7);
  const auto r = dec(ovba_compress_literal(text), 100);
  EXPECT_TRUE(has_issue(r.issues, "limit.ovba_output")) << codes(r.issues);
  EXPECT_FALSE(r.complete);
  EXPECT_EQ(r.data, text.substr(0, 100));
}

TEST(OvbaDecompress, OutputCapStopsACopyToken) {
  // The §3.2 vector of 73 'a': one literal, then a copy of 72. A cap of 10 must be reported even
  // though the copy is the last token.
  const auto r = dec(from_hex("01 03 B0 02 61 45 00"), 10);
  EXPECT_LE(r.data.size(), 10u);
  EXPECT_EQ(r.data, std::string(r.data.size(), 'a'));
  EXPECT_FALSE(r.complete) << "regression of a fixed bug: ovba.cpp decompress() truncates a copy token at max_out without an issue when it is "
                    "the last token: complete stays true and limit.ovba_output is missing";
  EXPECT_TRUE(has_issue(r.issues, "limit.ovba_output"));
}

TEST(OvbaDecompress, OutputCapAppliesToRawChunks) {
  const std::string text = random_text(3 * 4096, 3);
  const auto r = dec(ovba_compress_literal(text), 100);
  EXPECT_FALSE(r.data.size() > 100) << "regression of a fixed bug: ovba.cpp decompress() does not apply max_out to uncompressed (raw) chunks: " << r.data.size()
                 << " bytes out with max_out 100";
  EXPECT_TRUE(has_issue(r.issues, "limit.ovba_output"));
  EXPECT_FALSE(r.complete);
}

TEST(OvbaDecompress, ExpansionIsBoundedByTheCap) {
  // Each chunk: 'a' + tokens of maximal length; 200 chunks would inflate to megabytes.
  std::string c = "\x01";
  for (int k = 0; k < 200; ++k) {
    std::string body = from_hex("02 61 FF 0F");
    std::string chunk;
    app16(chunk, static_cast<std::uint16_t>(0xB000 | (body.size() + 2 - 3)));
    c += chunk + body;
  }
  const auto r = dec(c, 64 * 1024);
  EXPECT_LE(r.data.size(), 64u * 1024);
  EXPECT_FALSE(r.complete);
}

TEST(OvbaDecompress, EveryPrefixOfAValidStreamIsSafe) {
  const std::string c = from_hex("01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 30 6D 6E 6F 70 06 "
                                 "71 02 70 04 10 72 73 74 75 76 10 77 78 79 7A 00 3C");
  const std::string full = "#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa";
  for (std::size_t n = 0; n < c.size(); ++n) {
    const auto r = dec(c.substr(0, n));
    EXPECT_EQ(r.data, full.substr(0, r.data.size())) << n;  // never anything but a prefix of the text
  }
}

// ------------------------------------------------------------------ dir stream

// "表示" in CP932: the first character's trail byte is 0x5C ('\').
const std::string kSjisName = "\x95\x5C\x8E\xA6";
const std::string kUtf8Name = "表示";

std::string two_module_dir(std::uint16_t declared = 2, bool reference_without_unicode = false) {
  DirBuilder d;
  d.project(932, "VBAProject", 0x5B0D4F2A, 0x0011, reference_without_unicode).modules_header(declared);
  d.module(kSjisName, kSjisName, 1234, true, utf8_to_utf16le(kUtf8Name));
  d.module("ThisDocument", "ThisDocument", 0x200, false);
  d.end();
  return d.bytes();
}

TEST(OvbaDir, TwoModules) {
  const DirInfo d = parse_dir(view(two_module_dir()));
  EXPECT_TRUE(d.issues.empty()) << codes(d.issues);
  EXPECT_EQ(d.syskind, 1u);
  EXPECT_EQ(d.lcid, 0x411u);
  EXPECT_EQ(d.codepage, 932);
  EXPECT_EQ(d.project_name, "VBAProject");
  EXPECT_EQ(d.references, std::vector<std::string>{"stdole"});
  EXPECT_EQ(d.declared_modules, 2);
  ASSERT_EQ(d.modules.size(), 2u);
  const Module& m0 = d.modules[0];
  EXPECT_EQ(m0.name, kUtf8Name);  // CP932 converted to UTF-8
  EXPECT_EQ(m0.name_unicode, kUtf8Name);
  EXPECT_EQ(m0.stream_name, kUtf8Name);
  EXPECT_EQ(m0.stream_name_unicode, kUtf8Name);
  EXPECT_EQ(m0.text_offset, 1234u);
  EXPECT_TRUE(m0.procedural);
  const Module& m1 = d.modules[1];
  EXPECT_EQ(m1.name, "ThisDocument");
  EXPECT_EQ(m1.stream_name, "ThisDocument");
  EXPECT_EQ(m1.stream_name_unicode, "ThisDocument");
  EXPECT_EQ(m1.text_offset, 0x200u);
  EXPECT_FALSE(m1.procedural);
}

TEST(OvbaDir, VersionRecordCarriesSixBytes) {
  // The PROJECTVERSION size field says 4, but 6 bytes follow: reading 4 would desynchronise the
  // record stream and lose every module after it.
  const DirInfo d = parse_dir(view(two_module_dir()));
  EXPECT_EQ(d.version_major, 0x5B0D4F2Au);
  EXPECT_EQ(d.version_minor, 0x0011);
  EXPECT_EQ(d.modules.size(), 2u);
}

TEST(OvbaDir, ReferenceWithoutUnicodeName) {
  const DirInfo d = parse_dir(view(two_module_dir(2, true)));
  EXPECT_TRUE(d.issues.empty()) << codes(d.issues);
  EXPECT_EQ(d.references, std::vector<std::string>{"stdole"});
  EXPECT_EQ(d.modules.size(), 2u);
}

TEST(OvbaDir, ModuleCountMismatch) {
  const DirInfo d = parse_dir(view(two_module_dir(3)));
  EXPECT_TRUE(has_issue(d.issues, "ovba.module_count")) << codes(d.issues);
  EXPECT_EQ(d.declared_modules, 3);
  EXPECT_EQ(d.modules.size(), 2u);
}

TEST(OvbaDir, EveryTruncationIsReportedWithoutACrash) {
  const std::string full = two_module_dir();
  for (std::size_t n = 0; n < full.size(); ++n) {
    const DirInfo d = parse_dir(view(full.substr(0, n)));
    EXPECT_FALSE(d.issues.empty()) << "cut at " << n;
    EXPECT_LE(d.modules.size(), 2u);
  }
}

TEST(OvbaDir, TruncatedRecordKeepsEarlierModules) {
  const std::string full = two_module_dir();
  // Cut inside the second module's MODULENAME record: the first module is complete.
  const auto pos = full.find("ThisDocument");
  ASSERT_NE(pos, std::string::npos);
  const std::string cut = full.substr(0, pos + 5);
  const DirInfo d = parse_dir(view(cut));
  EXPECT_TRUE(has_issue(d.issues, "ovba.dir_truncated")) << codes(d.issues);
  ASSERT_GE(d.modules.size(), 1u);
  EXPECT_EQ(d.modules[0].name, kUtf8Name);
  EXPECT_EQ(d.modules[0].text_offset, 1234u);
}

TEST(OvbaDir, RecordSizeBeyondTheStream) {
  DirBuilder d;
  d.project(1252, "P").modules_header(1);
  d.raw(from_hex("19 00 FF FF FF 7F 41 42"));  // MODULENAME of 2 GiB
  const DirInfo info = parse_dir(view(d.bytes()));
  EXPECT_TRUE(has_issue(info.issues, "ovba.dir_truncated"));
  EXPECT_TRUE(info.modules.empty());
}

TEST(OvbaDir, UnterminatedModules) {
  DirBuilder d;
  d.project(1252, "P").modules_header(2);
  d.module("A", "A", 0, true, {}, false);  // no 0x002B terminator
  d.module("B", "B", 7, true, {}, false);
  d.end();
  const DirInfo info = parse_dir(view(d.bytes()));
  EXPECT_TRUE(has_issue(info.issues, "ovba.module_unterminated"));
  ASSERT_EQ(info.modules.size(), 2u);
  EXPECT_EQ(info.modules[0].name, "A");
  EXPECT_EQ(info.modules[1].name, "B");
  EXPECT_EQ(info.modules[1].text_offset, 7u);
}

TEST(OvbaDir, MissingTerminator) {
  DirBuilder d;
  d.project(1252, "P").modules_header(1).module("A", "A", 0, true);
  const DirInfo info = parse_dir(view(d.bytes()));
  EXPECT_TRUE(has_issue(info.issues, "ovba.dir_no_terminator"));
  EXPECT_EQ(info.modules.size(), 1u);
}

TEST(OvbaDir, GarbageIsHandled) {
  for (std::uint32_t seed = 1; seed < 200; ++seed) {
    std::string g = random_text(64 + seed * 7, seed);
    for (std::size_t k = 0; k < g.size(); k += 5) g[k] = static_cast<char>(seed * k);
    const DirInfo d = parse_dir(view(g));
    EXPECT_FALSE(d.issues.empty());
  }
}

// ------------------------------------------------------------------ code pages

TEST(OvbaText, ToUtf8) {
  EXPECT_EQ(to_utf8("Module1", 932), "Module1");
  EXPECT_EQ(to_utf8(kSjisName, 932), kUtf8Name);
  EXPECT_EQ(to_utf8("\x83\x82\x83\x57\x83\x85\x81\x5B\x83\x8B", 932), "モジュール");
  EXPECT_EQ(to_utf8("caf\xE9", 1252), "café");
  EXPECT_EQ(to_utf8("caf\xE9", 65001).find("caf"), 0u);  // invalid UTF-8 kept readable
  EXPECT_TRUE(text::is_valid_utf8(to_utf8("caf\xE9", 65001)));
  EXPECT_EQ(to_utf8("caf\xE9", 12345), "café");  // unknown code page: CP1252
  const std::string bad = to_utf8("A\x81", 932);   // a lone lead byte
  EXPECT_TRUE(text::is_valid_utf8(bad));
  EXPECT_EQ(bad.rfind("A", 0), 0u);
  EXPECT_EQ(codepage_name(932), "CP932");
  EXPECT_EQ(codepage_name(65001), "UTF-8");
  EXPECT_EQ(codepage_name(10000), "MACINTOSH");
}

// ------------------------------------------------------------------ data encryption (§2.4.3)

// §2.4.3.2 encryption, with a chosen seed, so that decryption can be checked on any data.
std::string encrypt_data(std::uint8_t seed, std::string_view project_id, const std::vector<std::uint8_t>& data) {
  std::uint8_t key = 0;
  for (const char c : project_id) key = static_cast<std::uint8_t>(key + static_cast<std::uint8_t>(c));
  std::vector<std::uint8_t> out = {seed, static_cast<std::uint8_t>(seed ^ 2), static_cast<std::uint8_t>(seed ^ key)};
  std::uint8_t u = key;
  std::uint8_t e1 = out[2];
  std::uint8_t e2 = out[1];
  auto enc = [&](std::uint8_t b) {
    const auto c = static_cast<std::uint8_t>(b ^ static_cast<std::uint8_t>((e2 + u) & 0xFF));
    out.push_back(c);
    e2 = e1;
    e1 = c;
    u = b;
  };
  for (int k = 0; k < (seed & 6) / 2; ++k) enc(0x42);
  const auto n = static_cast<std::uint32_t>(data.size());
  for (int k = 0; k < 4; ++k) enc(static_cast<std::uint8_t>(n >> (8 * k)));
  for (const auto b : data) enc(b);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex;
  for (const auto b : out) {
    hex += kHex[b >> 4];
    hex += kHex[b & 15];
  }
  return hex;
}

TEST(OvbaCrypt, SpecVectors) {
  EXPECT_EQ(decrypt_data("F1F301E705E705E705E705"), (std::vector<std::uint8_t>{0, 0, 0, 0}));  // CMG
  EXPECT_EQ(decrypt_data("8F8D7FE3831F2020202020"), (std::vector<std::uint8_t>{0x00}));        // DPB: no password
  EXPECT_EQ(decrypt_data("2D2FDD81E51EE61EE6E1"), (std::vector<std::uint8_t>{0xFF}));          // GC: visible
  EXPECT_EQ(decrypt_data("2d2fdd81e51ee61ee6e1"), (std::vector<std::uint8_t>{0xFF}));          // lower case
}

TEST(OvbaCrypt, RoundTripForEverySeedShape) {
  const std::vector<std::uint8_t> data = {0x00, 0x01, 0xFE, 0xFF, 0x42, 0x10, 0x20, 0x30, 0x99};
  for (const std::uint8_t seed : {0x00, 0x02, 0x04, 0x06, 0x8F, 0xF1, 0x2D}) {
    const std::string hex = encrypt_data(seed, "{00000000-0000-0000-0000-000000000000}", data);
    EXPECT_EQ(decrypt_data(hex), data) << static_cast<int>(seed);
  }
}

TEST(OvbaCrypt, Malformed) {
  EXPECT_FALSE(decrypt_data("").has_value());
  EXPECT_FALSE(decrypt_data("F1F").has_value());                       // odd length
  EXPECT_FALSE(decrypt_data("F1F301E705E705E705E7ZZ").has_value());    // not hex
  EXPECT_FALSE(decrypt_data("F1F3").has_value());                      // shorter than the header
  EXPECT_FALSE(decrypt_data("F1F001E705E705E705E705").has_value());    // version is not 2
  EXPECT_FALSE(decrypt_data("F1F301E705").has_value());                // length cut short
  // A length field larger than the data.
  const std::string hex = encrypt_data(0x00, "x", {1, 2, 3});
  EXPECT_FALSE(decrypt_data(hex.substr(0, hex.size() - 2)).has_value());
}

// ------------------------------------------------------------------ PROJECT stream

TEST(OvbaProject, ListsAndProtection) {
  const std::string text =
      "ID=\"{11111111-2222-3333-4444-555555555555}\"\r\n"
      "Document=ThisDocument/&H00000000\r\n"
      "Module=Module1\r\n"
      "Module=NewMacros\r\n"
      "Class=Class1\r\n"
      "BaseClass=UserForm1\r\n"
      "Name=\"Project\"\r\n"
      "CMG=\"F1F301E705E705E705E705\"\r\n"
      "DPB=\"8F8D7FE3831F2020202020\"\r\n"
      "GC=\"2D2FDD81E51EE61EE6E1\"\r\n"
      "\r\n"
      "[Host Extender Info]\r\n"
      "Module=NotAModule\r\n"
      "[Workspace]\r\n"
      "ThisDocument=0, 0, 0, 0, C\r\n";
  const ProjectStream p = parse_project_stream(view(text));
  EXPECT_EQ(p.modules, (std::vector<std::string>{"Module1", "NewMacros"}));
  EXPECT_EQ(p.documents, std::vector<std::string>{"ThisDocument"});
  EXPECT_EQ(p.classes, std::vector<std::string>{"Class1"});
  EXPECT_EQ(p.base_classes, std::vector<std::string>{"UserForm1"});
  ASSERT_TRUE(p.protection_state.has_value());
  EXPECT_EQ(*p.protection_state, (std::vector<std::uint8_t>{0, 0, 0, 0}));
  ASSERT_TRUE(p.locked().has_value());
  EXPECT_FALSE(*p.locked());
  EXPECT_FALSE(p.has_password());
  EXPECT_EQ(p.properties.front().first, "ID");
  EXPECT_EQ(p.properties.front().second, "\"{11111111-2222-3333-4444-555555555555}\"");
}

TEST(OvbaProject, LockedWithPassword) {
  const std::string id = "{11111111-2222-3333-4444-555555555555}";
  std::vector<std::uint8_t> pw_hash(29, 0x5A);
  pw_hash[0] = 0xFF;
  const std::string text = "ID=\"" + id + "\"\nModule=M\nDPB=\"" + encrypt_data(0x13, id, pw_hash) + "\"\nGC=\"" +
                           encrypt_data(0x77, id, {0x00}) + "\"\n";
  const ProjectStream p = parse_project_stream(view(text));
  EXPECT_EQ(p.modules, std::vector<std::string>{"M"});
  ASSERT_TRUE(p.locked().has_value());
  EXPECT_TRUE(*p.locked());
  EXPECT_TRUE(p.has_password());
  ASSERT_TRUE(p.password.has_value());
  EXPECT_EQ(*p.password, pw_hash);
}

TEST(OvbaProject, NoProtectionFieldsAndJunk) {
  const ProjectStream p = parse_project_stream(view("Module=A\r\nno equals sign\r\n=\r\nGC=\"zz\"\r\n"s + "\x00\xFF"s));
  EXPECT_EQ(p.modules, std::vector<std::string>{"A"});
  EXPECT_FALSE(p.locked().has_value());  // GC present but undecodable
  EXPECT_FALSE(p.has_password());
  const ProjectStream e = parse_project_stream(ByteView());
  EXPECT_TRUE(e.modules.empty());
  EXPECT_FALSE(e.locked().has_value());
}

}  // namespace
}  // namespace emoguard::formats::ovba
