// EVTX parser tests on chunks built byte by byte here (MS-EVEN6 layouts), plus the spec's vectors.
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "formats/evtx/evtx.hpp"
#include "formats/evtx/internal.hpp"

namespace evtx = emoguard::formats::evtx;
using emoguard::ByteView;

namespace {

using Bytes = std::vector<std::uint8_t>;

void put16(Bytes& b, std::uint16_t v) { b.push_back(v & 0xFF); b.push_back(v >> 8); }
void put32(Bytes& b, std::uint32_t v) { for (int i = 0; i < 4; ++i) b.push_back((v >> (8 * i)) & 0xFF); }
void put64(Bytes& b, std::uint64_t v) { for (int i = 0; i < 8; ++i) b.push_back((v >> (8 * i)) & 0xFF); }
void set32(Bytes& b, std::size_t off, std::uint32_t v) { std::memcpy(b.data() + off, &v, 4); }
void set64(Bytes& b, std::size_t off, std::uint64_t v) { std::memcpy(b.data() + off, &v, 8); }
void utf16(Bytes& b, std::string_view s) { for (char c : s) put16(b, static_cast<std::uint8_t>(c)); }

// Builds BinXML at a known chunk offset, so that inline names and definitions get the offsets
// Windows gives them, and names already written are referenced by offset.
class Xml {
 public:
  explicit Xml(std::size_t base) : base_(base) {}
  Bytes b;
  std::size_t here() const { return base_ + b.size(); }
  void name(std::string_view n) {
    if (auto it = names_.find(std::string(n)); it != names_.end()) {
      put32(b, it->second);
      return;
    }
    const auto off = static_cast<std::uint32_t>(here() + 4);
    names_[std::string(n)] = off;
    put32(b, off);
    put32(b, 0);
    std::u16string u(n.begin(), n.end());
    put16(b, evtx::name_hash(u));
    put16(b, static_cast<std::uint16_t>(n.size()));
    utf16(b, n);
    put16(b, 0);
  }
  void open(std::string_view n, bool attrs, bool in_template) {
    b.push_back(attrs ? 0x41 : 0x01);
    if (in_template) put16(b, 0);
    put32(b, 0);  // data size, unused by readers
    name(n);
    if (attrs) put32(b, 0);
  }
  void attr(std::string_view n) { b.push_back(0x06); name(n); }
  void text(std::string_view s) { b.push_back(0x05); b.push_back(0x01); put16(b, static_cast<std::uint16_t>(s.size())); utf16(b, s); }
  void subst(std::uint16_t idx, std::uint8_t type, bool optional = false) { b.push_back(optional ? 0x0E : 0x0D); put16(b, idx); b.push_back(type); }
  void close_start() { b.push_back(0x02); }
  void close_empty() { b.push_back(0x03); }
  void end() { b.push_back(0x04); }
  void fragment() {
    // push_back rather than insert of a list: GCC 12 -O3 warns falsely on the latter.
    for (const std::uint8_t v : {0x0F, 0x01, 0x01, 0x00}) b.push_back(v);
  }
  std::map<std::string, std::uint32_t>& names() { return names_; }
  void share(std::map<std::string, std::uint32_t> n) { names_ = std::move(n); }

 private:
  std::size_t base_;
  std::map<std::string, std::uint32_t> names_;
};

// A chunk with records appended one after another; finish() fills the header and CRCs.
class ChunkBuilder {
 public:
  ChunkBuilder() : c(evtx::kChunkSize, 0) { std::memcpy(c.data(), "ElfChnk", 8); }
  Bytes c;
  std::size_t pos = 512;
  std::map<std::string, std::uint32_t> names;
  std::uint32_t template_offset = 0;

  std::size_t body_offset() const { return pos + 24; }
  void add(std::uint64_t id, const Bytes& body) {
    const auto size = static_cast<std::uint32_t>((24 + body.size() + 4 + 7) & ~std::size_t{7});
    Bytes r;
    put32(r, 0x00002A2A);
    put32(r, size);
    put64(r, id);
    put64(r, 132400000000000000ULL + id);
    r.insert(r.end(), body.begin(), body.end());
    r.resize(size - 4, 0);
    put32(r, size);
    std::memcpy(c.data() + pos, r.data(), r.size());
    pos += size;
  }
  void finish() {
    set64(c, 8, 1);
    set64(c, 24, 1);
    set32(c, 40, 128);
    set32(c, 48, static_cast<std::uint32_t>(pos));
    set32(c, 52, static_cast<std::uint32_t>(crc32(0, c.data() + 512, static_cast<uInt>(pos - 512))));
    uLong h = crc32(0, c.data(), 120);
    h = crc32(h, c.data() + 128, 384);
    set32(c, 124, static_cast<std::uint32_t>(h));
  }
};

// A record through the Sysmon-like template <Event><System><EventID>%0</EventID>
// <Computer>%1</Computer><Security UserID=%2(optional)/></System><EventData>
// <Data Name="Image">%3</Data><Data Name="Rule">%4(optional)</Data></EventData></Event>.
Bytes templated_record(ChunkBuilder& cb, std::uint16_t event_id, std::string_view computer, bool with_sid,
                       std::string_view image, bool with_rule, std::string_view image_name = "Image") {
  Xml x(cb.body_offset());
  x.share(cb.names);
  x.fragment();
  x.b.push_back(0x0C);
  x.b.push_back(0x01);
  put32(x.b, 0x1234);
  const bool first = cb.template_offset == 0;
  const std::uint32_t def = first ? static_cast<std::uint32_t>(x.here() + 4) : cb.template_offset;
  put32(x.b, def);
  if (first) {
    cb.template_offset = def;
    put32(x.b, 0);  // next definition
    for (int i = 0; i < 16; ++i) x.b.push_back(static_cast<std::uint8_t>(i));
    const std::size_t size_at = x.b.size();
    put32(x.b, 0);
    const std::size_t data_start = x.b.size();
    x.fragment();
    x.open("Event", false, true);
    x.close_start();
    x.open("System", false, true);
    x.close_start();
    x.open("EventID", false, true);
    x.close_start();
    x.subst(0, evtx::kUInt16);
    x.end();
    x.open("Computer", false, true);
    x.close_start();
    x.subst(1, evtx::kString);
    x.end();
    x.open("Security", true, true);
    x.attr("UserID");
    x.subst(2, evtx::kSid, true);
    x.close_empty();
    x.end();  // System
    x.open("EventData", false, true);
    x.close_start();
    x.open("Data", true, true);
    x.attr("Name");
    x.text(image_name);
    x.close_start();
    x.subst(3, evtx::kString);
    x.end();
    x.open("Data", true, true);
    x.attr("Name");
    x.text("Rule");
    x.close_start();
    x.subst(4, evtx::kString, true);
    x.end();
    x.end();  // EventData
    x.end();  // Event
    x.b.push_back(0x00);
    set32(x.b, size_at, static_cast<std::uint32_t>(x.b.size() - data_start));
  }
  // Instance data: 5 descriptors then the values.
  Bytes v0, v1, v2, v3, v4;
  put16(v0, event_id);
  utf16(v1, computer);
  if (with_sid) v2 = {1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0};
  utf16(v3, image);
  if (with_rule) utf16(v4, "r1");
  put32(x.b, 5);
  auto desc = [&](const Bytes& v, std::uint8_t type) { put16(x.b, static_cast<std::uint16_t>(v.size())); x.b.push_back(v.empty() ? 0 : type); x.b.push_back(0); };
  desc(v0, evtx::kUInt16);
  desc(v1, evtx::kString);
  desc(v2, evtx::kSid);
  desc(v3, evtx::kString);
  desc(v4, evtx::kString);
  for (const Bytes* v : {&v0, &v1, &v2, &v3, &v4}) x.b.insert(x.b.end(), v->begin(), v->end());
  x.b.push_back(0x00);
  cb.names = x.names();
  return x.b;
}

struct Parsed {
  evtx::Chunk chunk;
  std::vector<evtx::Problem> problems;
  bool ok = false;
};

std::unique_ptr<Parsed> parse(const Bytes& c, evtx::ParseOptions opt = {}) {
  auto p = std::make_unique<Parsed>();
  p->ok = p->chunk.parse(ByteView(c.data(), c.size()), 4096, 0, opt, p->problems);
  return p;
}

bool has_problem(const Parsed& p, std::string_view code) {
  for (const auto& pr : p.problems) if (pr.code == code) return true;
  return false;
}

}  // namespace

TEST(EvtxVectors, Crc32AndNameHash) {
  EXPECT_EQ(evtx::crc32(ByteView(std::string_view("123456789"))), 0xCBF43926U);
  EXPECT_EQ(evtx::name_hash(u"Event"), 0x0CBA);
  EXPECT_EQ(evtx::name_hash(u"System"), 0x546F);
  EXPECT_EQ(evtx::name_hash(u"Provider"), 0x7BF1);
  EXPECT_EQ(evtx::name_hash(u"EventData"), 0x8244);
  EXPECT_EQ(evtx::name_hash(u"Data"), 0x6F8A);
}

TEST(EvtxVectors, ValueForms) {
  auto render = [](std::uint8_t type, Bytes bytes, evtx::Style st) {
    static std::vector<Bytes> keep;
    keep.push_back(std::move(bytes));
    evtx::Value v;
    v.type = type;
    v.bytes = ByteView(keep.back().data(), keep.back().size());
    std::string s;
    evtx::append_value_text(s, v, st);
    return s;
  };
  const Bytes ft = {0x47, 0x65, 0x01, 0x16, 0x67, 0x7b, 0xd6, 0x01};
  EXPECT_EQ(render(evtx::kFileTime, ft, evtx::Style::windows), "2020-08-26T05:09:33.5046471Z");
  EXPECT_EQ(render(evtx::kFileTime, ft, evtx::Style::json), "2020-08-26T05:09:33.504647Z");
  EXPECT_EQ(render(evtx::kSysTime, {0xe4, 0x07, 0x08, 0, 3, 0, 0x1a, 0, 5, 0, 9, 0, 0x21, 0, 0xf8, 0x01}, evtx::Style::windows),
            "2020-08-26T05:09:33.504Z");
  EXPECT_EQ(render(evtx::kSid, {1, 1, 0, 0, 0, 0, 0, 5, 0x12, 0, 0, 0}, evtx::Style::windows), "S-1-5-18");
  const Bytes guid = {0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9};
  EXPECT_EQ(render(evtx::kGuid, guid, evtx::Style::json), "5770385F-C22A-43E0-BF4C-06F5698FFBD9");
  EXPECT_EQ(render(evtx::kGuid, guid, evtx::Style::windows), "{5770385F-C22A-43E0-BF4C-06F5698FFBD9}");
  EXPECT_EQ(render(evtx::kHexInt64, {0xe7, 0x03, 0, 0, 0, 0, 0, 0}, evtx::Style::windows), "0x3e7");
  EXPECT_EQ(render(evtx::kSizeT, {0xe7, 0x03, 0, 0}, evtx::Style::windows), "0x3e7");
  EXPECT_EQ(render(evtx::kBool, {2, 0, 0, 0}, evtx::Style::windows), "true");
  EXPECT_EQ(render(evtx::kBool, {0, 0, 0, 0}, evtx::Style::windows), "false");
  EXPECT_EQ(render(evtx::kBinary, {0xde, 0xad}, evtx::Style::windows), "DEAD");
  EXPECT_EQ(render(evtx::kInt32, {0xff, 0xff, 0xff, 0xff}, evtx::Style::windows), "-1");
  EXPECT_EQ(render(evtx::kAnsiString, {'a', 0x80, 0, 'b'}, evtx::Style::windows), "a\xE2\x82\xAC" "b");  // cp1252 euro, NUL dropped
  EXPECT_EQ(render(evtx::kString, {'a', 0, ' ', 0}, evtx::Style::windows), "a ");
  EXPECT_EQ(render(evtx::kString, {'a', 0, ' ', 0}, evtx::Style::json), "a");  // evtx crate trims
  EXPECT_EQ(render(evtx::kString, {'a', 0, 0, 0, 'b', 0}, evtx::Style::windows), "a");  // cut at NUL
  EXPECT_EQ(render(evtx::kString, {0x3d, 0xd8}, evtx::Style::windows), "\xEF\xBF\xBD");  // lone surrogate
  // Arrays: a string array is NUL-separated; an integer array is items of the type's size.
  EXPECT_EQ(render(evtx::kString | evtx::kArrayFlag, {'a', 0, 0, 0, 'b', 0, 0, 0}, evtx::Style::windows), "a, b");
  EXPECT_EQ(render(evtx::kUInt16 | evtx::kArrayFlag, {1, 0, 2, 0}, evtx::Style::windows), "1, 2");
}

TEST(EvtxVectors, IsoTimes) {
  const auto t = evtx::parse_iso_filetime("2020-08-26T05:09:33.5046471Z");
  ASSERT_TRUE(t);
  std::string s;
  evtx::append_filetime(s, *t, 7);
  EXPECT_EQ(s, "2020-08-26T05:09:33.5046471Z");
  EXPECT_TRUE(evtx::parse_iso_filetime("2024-05-01"));
  EXPECT_FALSE(evtx::parse_iso_filetime("2024-13-01"));
  EXPECT_FALSE(evtx::parse_iso_filetime("yesterday"));
  EXPECT_LT(*evtx::parse_iso_filetime("2024-05-01"), *evtx::parse_iso_filetime("2024-05-01T00:00:01"));
}

TEST(EvtxHeader, FieldsCrcAndFlags) {
  Bytes h(4096, 0);
  std::memcpy(h.data(), "ElfFile", 8);
  set64(h, 16, 25);
  set64(h, 24, 2226);
  set32(h, 32, 128);
  h[36] = 1;
  h[38] = 3;
  h[40] = 0;
  h[41] = 0x10;
  h[42] = 26;
  set32(h, 120, 1);  // dirty
  set32(h, 124, static_cast<std::uint32_t>(crc32(0, h.data(), 120)));
  std::vector<evtx::Problem> problems;
  auto fh = evtx::parse_file_header(ByteView(h.data(), h.size()), problems);
  ASSERT_TRUE(fh);
  EXPECT_EQ(fh->last_chunk, 25U);
  EXPECT_EQ(fh->next_record_id, 2226U);
  EXPECT_EQ(fh->chunk_count, 26U);
  EXPECT_TRUE(fh->dirty());
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].code, "evtx.dirty");
  h[16] ^= 1;  // the CRC no longer matches
  problems.clear();
  ASSERT_TRUE(evtx::parse_file_header(ByteView(h.data(), h.size()), problems));
  EXPECT_EQ(problems[0].code, "evtx.header_crc_mismatch");
  problems.clear();
  EXPECT_FALSE(evtx::parse_file_header(ByteView(std::string_view("ElfFilX\0")), problems));
  EXPECT_EQ(evtx::chunk_slots(4096 + 65536 * 3), 3U);
  EXPECT_EQ(evtx::chunk_slots(4096 + 65536 * 3 + 10), 4U);  // a cut last chunk is still looked at
  EXPECT_EQ(evtx::chunk_slots(100), 0U);
}

TEST(EvtxChunk, TemplatesSubstitutionsAndRenderings) {
  ChunkBuilder cb;
  cb.add(7, templated_record(cb, 4688, "WS01", true, "C:\\Windows\\System32\\cmd.exe", true));
  cb.add(8, templated_record(cb, 1, "WS02", false, "x\"y<z>", false));
  cb.add(9, templated_record(cb, 11, "WS03 ", true, "D:\\a.exe", true));  // same null pattern as record 7
  cb.finish();
  auto p = parse(cb.c);
  ASSERT_TRUE(p->ok);
  EXPECT_TRUE(p->problems.empty()) << p->problems[0].en;
  ASSERT_EQ(p->chunk.records().size(), 3U);
  EXPECT_EQ(p->chunk.templates_compiled(), 1U);  // later records reuse the first definition

  const evtx::RecordView a(p->chunk, p->chunk.records()[0]);
  EXPECT_EQ(a.record().id, 7U);
  EXPECT_EQ(a.field("EventID"), "4688");
  EXPECT_EQ(a.field("Computer"), "WS01");
  EXPECT_EQ(a.field("Security_UserID"), "S-1-5-18");
  EXPECT_EQ(a.field("Image"), "C:\\Windows\\System32\\cmd.exe");
  EXPECT_EQ(a.field("Rule"), "r1");
  EXPECT_FALSE(a.field("Nope"));
  EXPECT_EQ(a.to_json(),
            R"({"Event":{"System":{"EventID":4688,"Computer":"WS01","Security":{"#attributes":{"UserID":"S-1-5-18"}}},)"
            R"("EventData":{"Image":"C:\\Windows\\System32\\cmd.exe","Rule":"r1"}}})");

  // Optional substitutions with null values: the attribute and the element disappear.
  const evtx::RecordView b(p->chunk, p->chunk.records()[1]);
  EXPECT_FALSE(b.field("Security_UserID"));
  EXPECT_FALSE(b.field("Rule"));
  EXPECT_EQ(b.to_json(), R"({"Event":{"System":{"EventID":1,"Computer":"WS02","Security":null},"EventData":{"Image":"x\"y<z>"}}})");
  // Record 9 has record 7's pattern of null values: its JSON is replayed from 7's, with its own values.
  const evtx::RecordView c(p->chunk, p->chunk.records()[2]);
  EXPECT_EQ(c.to_json(),
            R"({"Event":{"System":{"EventID":11,"Computer":"WS03","Security":{"#attributes":{"UserID":"S-1-5-18"}}},)"
            R"("EventData":{"Image":"D:\\a.exe","Rule":"r1"}}})");
  EXPECT_EQ(c.to_json(), c.to_json());
  std::string xml;
  b.append_xml(xml);
  EXPECT_NE(xml.find("<Security/>"), std::string::npos) << xml;
  EXPECT_NE(xml.find("<Data Name=\"Image\">x\"y&lt;z&gt;</Data>"), std::string::npos) << xml;
  EXPECT_EQ(xml.find("Rule"), std::string::npos) << xml;
}

TEST(EvtxChunk, RawFragmentWithoutTemplate) {
  ChunkBuilder cb;
  Xml x(cb.body_offset());
  x.fragment();
  x.open("Event", false, false);
  x.close_start();
  x.open("Note", true, false);
  x.attr("Kind");
  x.text("plain");
  x.close_start();
  x.text("hello");
  x.end();
  x.end();
  x.b.push_back(0);
  cb.add(1, x.b);
  cb.finish();
  auto p = parse(cb.c);
  ASSERT_EQ(p->chunk.records().size(), 1U);
  const evtx::RecordView v(p->chunk, p->chunk.records()[0]);
  EXPECT_EQ(v.to_json(), R"({"Event":{"Note":{"#attributes":{"Kind":"plain"},"#text":"hello"}}})");
}

TEST(EvtxChunk, DamageIsReportedAndReadingGoesOn) {
  ChunkBuilder cb;
  cb.add(1, templated_record(cb, 1, "A", true, "one", true));
  const std::size_t second = cb.pos;
  cb.add(2, templated_record(cb, 2, "B", true, "two", true));
  cb.add(3, templated_record(cb, 3, "C", true, "three", true));
  cb.finish();

  // A bad data CRC is a warning; the records are still read (the evtx crate's default).
  Bytes crc = cb.c;
  crc[600] ^= 0xFF;
  auto p = parse(crc);
  EXPECT_TRUE(has_problem(*p, "evtx.chunk_data_crc_mismatch"));
  EXPECT_EQ(p->chunk.records().size(), 3U);
  evtx::ParseOptions strict;
  strict.strict_crc = true;
  EXPECT_TRUE(parse(crc, strict)->chunk.records().empty());

  // An unknown token inside record 2: that record is unreadable, 1 and 3 are fine.
  Bytes tok = cb.c;
  const std::size_t body2 = second + 24;
  tok[body2 + 4] = 0x7F;  // the template-instance token
  p = parse(tok);
  ASSERT_EQ(p->chunk.records().size(), 3U);
  EXPECT_GE(p->chunk.records()[0].instance, 0);
  EXPECT_LT(p->chunk.records()[1].instance, 0);
  EXPECT_GE(p->chunk.records()[2].instance, 0);
  EXPECT_TRUE(has_problem(*p, "evtx.record_malformed"));

  // Garbage over record 2's header: reported, and the parser finds record 3 again.
  Bytes junk = cb.c;
  std::memset(junk.data() + second, 0x41, 8);
  p = parse(junk);
  EXPECT_TRUE(has_problem(*p, "evtx.record_bad_magic"));
  ASSERT_EQ(p->chunk.records().size(), 2U);
  EXPECT_EQ(p->chunk.records()[1].id, 3U);

  // A cut chunk: the records that are whole are read, the rest ends the chunk.
  Bytes cut(cb.c.begin(), cb.c.begin() + static_cast<std::ptrdiff_t>(second + 40));
  p = parse(cut);
  EXPECT_TRUE(has_problem(*p, "evtx.chunk_truncated"));
  EXPECT_EQ(p->chunk.records().size(), 1U);

  // Zeroes are an empty slot, not a problem; foreign bytes are reported.
  Bytes zero(evtx::kChunkSize, 0);
  p = parse(zero);
  EXPECT_FALSE(p->ok);
  EXPECT_TRUE(p->problems.empty());
  Bytes foreign(evtx::kChunkSize, 0x5A);
  p = parse(foreign);
  EXPECT_FALSE(p->ok);
  EXPECT_TRUE(has_problem(*p, "evtx.chunk_bad_magic"));
}

TEST(EvtxChunk, CarvingFindsRecordsInSlack) {
  ChunkBuilder cb;
  cb.add(1, templated_record(cb, 1, "A", true, "live", true));
  const std::size_t live_end = cb.pos;
  cb.add(2, templated_record(cb, 2, "B", true, "deleted", true));
  cb.finish();
  set32(cb.c, 48, static_cast<std::uint32_t>(live_end));  // the header no longer counts record 2
  set32(cb.c, 52, static_cast<std::uint32_t>(crc32(0, cb.c.data() + 512, static_cast<uInt>(live_end - 512))));
  uLong h = crc32(0, cb.c.data(), 120);
  h = crc32(h, cb.c.data() + 128, 384);
  set32(cb.c, 124, static_cast<std::uint32_t>(h));
  EXPECT_EQ(parse(cb.c)->chunk.records().size(), 1U);
  evtx::ParseOptions carve;
  carve.carve = true;
  auto p = parse(cb.c, carve);
  ASSERT_EQ(p->chunk.records().size(), 2U);
  EXPECT_TRUE(p->chunk.records()[1].carved);
  EXPECT_EQ(evtx::RecordView(p->chunk, p->chunk.records()[1]).field("Image"), "deleted");
  EXPECT_TRUE(has_problem(*p, "evtx.record_carved"));
}

TEST(EvtxVectors, Utf16ToJsonString) {
  // The block path narrows 8 units at a time: test lengths around its edges, the tail, escapes,
  // non-ASCII, a NUL inside the value and trailing white space trimmed across a block boundary.
  auto json = [](std::u16string_view s, std::size_t units, bool trim = true) {
    EXPECT_LE(units, s.size());
    std::vector<std::uint8_t> b;
    for (const char16_t c : s) {
      b.push_back(static_cast<std::uint8_t>(c & 0xFF));
      b.push_back(static_cast<std::uint8_t>(c >> 8));
    }
    std::string out = "x";
    emoguard::formats::evtx::detail::append_utf16_json(out, b.data(), units, trim);
    return out.substr(1);
  };
  EXPECT_EQ(json(u"ABCDEFGHXY", 8), "\"ABCDEFGH\"");  // exactly one block: nothing read past it
  EXPECT_EQ(json(u"ABCDEFGHIJKLMNOPQ", 16), "\"ABCDEFGHIJKLMNOP\"");
  EXPECT_EQ(json(u"ABCDEFGHIJ", 10), "\"ABCDEFGHIJ\"");
  EXPECT_EQ(json(u"C:\\Users\\\"x\"\t", 13), "\"C:\\\\Users\\\\\\\"x\\\"\"");  // trailing tab trimmed
  EXPECT_EQ(json(u"C:\\Users\\\"x\"\t", 13, false), "\"C:\\\\Users\\\\\\\"x\\\"\\t\"");
  EXPECT_EQ(json(u"cmd.exe         ", 16), "\"cmd.exe\"");  // spaces fill a whole block
  EXPECT_EQ(json(u"abcdefg \u65E5\u672C", 10), "\"abcdefg \xE6\x97\xA5\xE6\x9C\xAC\"");
  EXPECT_EQ(json(std::u16string_view(u"ab\0cdefghijk", 12), 12), "\"ab\"");  // cut at the NUL
  EXPECT_EQ(json(u"\U0001F600abcdefgh", 10), "\"\xF0\x9F\x98\x80" "abcdefgh\"");
  EXPECT_EQ(json(u"\xD83D" "abcdefgh", 9), "\"\xEF\xBF\xBD" "abcdefgh\"");  // lone surrogate
  EXPECT_EQ(json(u"\x01\x1F", 2, false), "\"\\u0001\\u001f\"");
}

TEST(EvtxChunk, TemplatesAreReusedAcrossChunksOnlyWhenTheyAreTheSame) {
  // Chunk 1: the template at its first record. Chunk 2: a raw record first, so the same
  // definition sits elsewhere and its inline names at other offsets. Chunk 3: a definition that
  // differs in one literal. One Chunk object parses all three, as a worker thread does.
  ChunkBuilder a;
  a.add(1, templated_record(a, 1, "A", true, "one.exe", true));
  a.finish();
  ChunkBuilder b;
  Xml raw(b.body_offset());
  raw.fragment();
  raw.open("Event", false, false);
  raw.close_start();
  raw.text("padding");
  raw.end();
  raw.b.push_back(0);
  b.add(2, raw.b);
  b.add(3, templated_record(b, 2, "B", false, "two.exe", true));
  b.finish();
  ChunkBuilder c;
  c.add(4, templated_record(c, 3, "C", true, "three.exe", true, "Imagf"));
  c.finish();

  evtx::Chunk chunk;
  std::vector<evtx::Problem> problems;
  ASSERT_TRUE(chunk.parse(ByteView(a.c.data(), a.c.size()), 4096, 0, {}, problems));
  EXPECT_EQ(chunk.templates_compiled(), 1U);
  const std::string first = evtx::RecordView(chunk, chunk.records()[0]).to_json();

  ASSERT_TRUE(chunk.parse(ByteView(b.c.data(), b.c.size()), 4096 + 65536, 1, {}, problems));
  EXPECT_EQ(chunk.templates_compiled(), 0U);  // taken from the cache
  ASSERT_EQ(chunk.records().size(), 2U);
  const evtx::RecordView v(chunk, chunk.records()[1]);
  EXPECT_EQ(v.field("Image"), "two.exe");
  EXPECT_EQ(v.field("Computer"), "B");
  EXPECT_EQ(v.to_json(), R"({"Event":{"System":{"EventID":2,"Computer":"B","Security":null},"EventData":{"Image":"two.exe","Rule":"r1"}}})");

  ASSERT_TRUE(chunk.parse(ByteView(c.c.data(), c.c.size()), 4096 + 2 * 65536, 2, {}, problems));
  EXPECT_EQ(chunk.templates_compiled(), 1U);  // same GUID and size, other bytes: compiled anew
  const evtx::RecordView w(chunk, chunk.records()[0]);
  EXPECT_EQ(w.field("Imagf"), "three.exe");
  EXPECT_FALSE(w.field("Image"));
  EXPECT_TRUE(problems.empty());
  // And the first chunk again renders exactly as before.
  ASSERT_TRUE(chunk.parse(ByteView(a.c.data(), a.c.size()), 4096, 0, {}, problems));
  EXPECT_EQ(evtx::RecordView(chunk, chunk.records()[0]).to_json(), first);
}
