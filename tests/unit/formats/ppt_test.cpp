// Tests formats::ppt::embedded_storages: plain and zlib-compressed ExOleObjStg records are found
// at their offsets; records that overrun the stream, corrupt zlib data and limits are handled.
#include <gtest/gtest.h>

#include <zlib.h>

#include <string>
#include <vector>

#include "formats/cfb/cfb.hpp"
#include "formats/ppt/ppt.hpp"
#include "office_builders.hpp"

namespace emoguard::formats::ppt {
namespace {

using namespace emoguard::testing;

std::string zlib_compress(std::string_view data) {
  uLongf len = compressBound(static_cast<uLong>(data.size()));
  std::string out(len, '\0');
  if (compress2(reinterpret_cast<Bytef*>(out.data()), &len, reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 9) != Z_OK)
    throw std::runtime_error("compress2");
  out.resize(len);
  return out;
}

std::string record(std::uint16_t ver_inst, std::uint16_t type, std::string_view body, std::optional<std::uint32_t> len = {}) {
  std::string r;
  app16(r, ver_inst);
  app16(r, type);
  app32(r, len.value_or(static_cast<std::uint32_t>(body.size())));
  r.append(body);
  return r;
}
std::string compressed_storage(std::string_view data, std::optional<std::uint32_t> declared = {}) {
  std::string body;
  app32(body, declared.value_or(static_cast<std::uint32_t>(data.size())));
  body += zlib_compress(data);
  return record(0x0010, 0x1011, body);
}

std::string small_cfb(const std::string& tag) {
  CfbBuilder b;
  b.add_stream(CfbBuilder::kRoot, "Tag", tag);
  return b.build();
}

TEST(Ppt, FindsPlainAndCompressedStorages) {
  const std::string a = small_cfb("plain one");
  const std::string c = small_cfb("compressed one");
  std::string s = random_text(100, 1);
  s += record(0x000F, 0x03E8, random_text(40, 2));  // an unrelated container record
  const std::size_t off_plain = s.size();
  s += record(0x0000, 0x1011, a);
  s += random_text(33, 3);
  const std::size_t off_comp = s.size();
  s += compressed_storage(c);
  s += random_text(10, 4);
  const auto found = embedded_storages(view(s));
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].offset, off_plain);
  EXPECT_FALSE(found[0].compressed);
  EXPECT_EQ(found[0].data, a);
  EXPECT_TRUE(found[0].issue.empty());
  EXPECT_EQ(found[1].offset, off_comp);
  EXPECT_TRUE(found[1].compressed);
  EXPECT_EQ(found[1].data, c);
  EXPECT_TRUE(found[1].issue.empty()) << found[1].issue;
  // And what comes out is the compound file that went in.
  auto cfb = cfb::Compound::parse(view(found[1].data));
  ASSERT_TRUE(cfb.ok());
  ASSERT_NE(cfb->find("Tag"), nullptr);
  auto tag = cfb->read(*cfb->find("Tag"));
  ASSERT_TRUE(tag.ok());
  EXPECT_EQ(str(*tag), "compressed one");
}

TEST(Ppt, RecordRunningPastTheStreamIsIgnored) {
  std::string s = record(0x0000, 0x1011, small_cfb("ok"));
  s += record(0x0010, 0x1011, "\x10\x00\x00\x00 short", 0x7FFFFFF0);
  s += record(0x0000, 0x1011, "12345678", 9);  // one byte beyond the end
  const auto found = embedded_storages(view(s));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].offset, 0u);
}

TEST(Ppt, CorruptZlibSetsAnIssue) {
  std::string body;
  app32(body, 5000);
  body += "this is not zlib data at all";
  const std::string s = record(0x0010, 0x1011, body);
  const auto found = embedded_storages(view(s));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_TRUE(found[0].compressed);
  EXPECT_FALSE(found[0].issue.empty());
}

TEST(Ppt, TruncatedZlibSetsAnIssue) {
  const std::string data = random_text(20000, 9);
  std::string body;
  app32(body, static_cast<std::uint32_t>(data.size()));
  const std::string z = zlib_compress(data);
  body += z.substr(0, z.size() / 2);
  const auto found = embedded_storages(view(record(0x0010, 0x1011, body)));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].issue.empty());
  EXPECT_LT(found[0].data.size(), data.size());
  EXPECT_EQ(found[0].data, data.substr(0, found[0].data.size()));
}

TEST(Ppt, DeclaredSizeTooSmall) {
  const std::string data = random_text(20000, 10);
  const auto found = embedded_storages(view(compressed_storage(data, 100)));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].issue.empty());
  EXPECT_EQ(found[0].data, data.substr(0, 100));
}

TEST(Ppt, DeclaredSizeBeyondTheLimit) {
  const std::string data = random_text(20000, 11);
  const auto found = embedded_storages(view(compressed_storage(data, 0xFFFFFFF0)), 256, 1000);
  ASSERT_EQ(found.size(), 1u);
  EXPECT_FALSE(found[0].issue.empty());
  EXPECT_LE(found[0].data.size(), 1000u);
  EXPECT_EQ(found[0].data, data.substr(0, found[0].data.size()));
}

TEST(Ppt, WrongHeadersAreNotStorages) {
  std::string s;
  s += record(0x0001, 0x1011, "12345678");  // recVer 1
  s += record(0x0020, 0x1011, "12345678");  // instance 2
  s += record(0x0000, 0x1011, "1234567");   // shorter than the u32 size + data minimum
  s += record(0x0000, 0x1012, "12345678");  // another type
  EXPECT_TRUE(embedded_storages(view(s)).empty());
  EXPECT_TRUE(embedded_storages(ByteView()).empty());
  EXPECT_TRUE(embedded_storages(view(std::string("\x00\x00\x11\x10", 4))).empty());
}

TEST(Ppt, RecordCountLimit) {
  std::string s;
  for (int i = 0; i < 10; ++i) s += record(0x0000, 0x1011, "abcdefgh");
  EXPECT_EQ(embedded_storages(view(s)).size(), 10u);
  const auto found = embedded_storages(view(s), 3);
  ASSERT_EQ(found.size(), 3u);
  EXPECT_EQ(found[2].offset, 32u);
}

}  // namespace
}  // namespace emoguard::formats::ppt
