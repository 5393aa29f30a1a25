// Tests io::detect(): every content type and subtype from inline bytes, and hostile CFB/ZIP/text inputs.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "emoguard/text.hpp"
#include "io/detect.hpp"

namespace emoguard::io {
namespace {

using namespace std::literals;
using Bytes = std::vector<std::uint8_t>;

// ------------------------------------------------------------------ byte helpers

void put16(Bytes& b, std::size_t off, std::uint16_t v) {
  if (b.size() < off + 2) b.resize(off + 2);
  b[off] = static_cast<std::uint8_t>(v);
  b[off + 1] = static_cast<std::uint8_t>(v >> 8);
}
void put32(Bytes& b, std::size_t off, std::uint32_t v) {
  if (b.size() < off + 4) b.resize(off + 4);
  for (int i = 0; i < 4; ++i) b[off + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
}
void put(Bytes& b, std::size_t off, std::string_view s) {
  if (b.size() < off + s.size()) b.resize(off + s.size());
  for (std::size_t i = 0; i < s.size(); ++i) b[off + i] = static_cast<std::uint8_t>(s[i]);
}
void append(Bytes& b, std::string_view s) { b.insert(b.end(), s.begin(), s.end()); }
void append16(Bytes& b, std::uint16_t v) { put16(b, b.size(), v); }
void append32(Bytes& b, std::uint32_t v) { put32(b, b.size(), v); }

Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

Detection det(const Bytes& b, const Limits& l = {}) { return detect(ByteView(b.data(), b.size()), l); }
Detection det(std::string_view s, const Limits& l = {}) { return detect(ByteView(s), l); }

::testing::AssertionResult is(const Detection& d, ContentType t, std::string_view sub) {
  if (d.type == t && d.subtype == sub) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "got " << d.label() << " (" << d.reason << "), want " << to_string(t)
                                       << (sub.empty() ? "" : "/") << sub;
}

// ------------------------------------------------------------------ CFB builder

constexpr std::string_view kCfbMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr std::uint32_t kEnd = 0xFFFFFFFE;
constexpr std::uint32_t kFree = 0xFFFFFFFF;
constexpr std::uint32_t kFatSect = 0xFFFFFFFD;
const std::string kMsiClsid = "\x84\x10\x0C\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46"s;

struct CfbEntry {
  std::string name;
  std::uint8_t type = 2;  // 1 storage, 2 stream, 5 root
  std::string clsid;      // 16 bytes or empty
};

// A minimal compound file: header, one FAT sector (sector 0), then the directory chain in sectors
// 1..n. Only what the detector reads is filled in.
struct Cfb {
  Bytes bytes;
  std::uint64_t sector_size = 512;
  std::uint32_t dir_sectors = 0;
  std::size_t fat_entry(std::uint32_t i) const { return static_cast<std::size_t>(sector_size + 4ULL * i); }
  void set_fat(std::uint32_t i, std::uint32_t v) { put32(bytes, fat_entry(i), v); }
};

Cfb build_cfb(const std::vector<CfbEntry>& entries, std::uint16_t shift = 9) {
  Cfb c;
  c.sector_size = std::uint64_t{1} << shift;
  const std::uint64_t per_sector = c.sector_size / 128;
  c.dir_sectors = static_cast<std::uint32_t>((entries.size() + per_sector - 1) / per_sector);
  if (c.dir_sectors == 0) c.dir_sectors = 1;
  Bytes& b = c.bytes;
  b.assign(static_cast<std::size_t>(c.sector_size * (2 + c.dir_sectors)), 0);
  put(b, 0, kCfbMagic);
  put16(b, 0x18, 0x3E);
  put16(b, 0x1A, shift == 12 ? 4 : 3);
  put16(b, 0x1C, 0xFFFE);
  put16(b, 0x1E, shift);
  put16(b, 0x20, 6);
  put32(b, 0x2C, 1);  // one FAT sector
  put32(b, 0x30, 1);  // directory starts in sector 1
  put32(b, 0x38, 0x1000);
  put32(b, 0x3C, kEnd);
  put32(b, 0x44, kEnd);
  put32(b, 0x4C, 0);  // DIFAT[0] = sector 0
  for (int i = 1; i < 109; ++i) put32(b, 0x4C + 4 * static_cast<std::size_t>(i), kFree);
  for (std::uint32_t i = 0; i < c.sector_size / 4; ++i) c.set_fat(i, kFree);
  c.set_fat(0, kFatSect);
  for (std::uint32_t s = 1; s <= c.dir_sectors; ++s) c.set_fat(s, s == c.dir_sectors ? kEnd : s + 1);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::size_t off = static_cast<std::size_t>(c.sector_size * 2 + i * 128);
    const auto& e = entries[i];
    for (std::size_t k = 0; k < e.name.size() && k < 31; ++k) put16(b, off + 2 * k, static_cast<std::uint8_t>(e.name[k]));
    put16(b, off + 0x40, static_cast<std::uint16_t>((std::min<std::size_t>(e.name.size(), 31) + 1) * 2));
    b[off + 0x42] = e.type;
    b[off + 0x43] = 1;
    put32(b, off + 0x44, kFree);
    put32(b, off + 0x48, kFree);
    put32(b, off + 0x4C, kFree);
    if (!e.clsid.empty()) put(b, off + 0x50, e.clsid);
  }
  return c;
}

Cfb cfb_with(std::vector<std::string> names, std::uint16_t shift = 9) {
  std::vector<CfbEntry> e = {{"Root Entry", 5, ""}};
  for (auto& n : names) e.push_back({std::move(n), 2, ""});
  return build_cfb(e, shift);
}

// ------------------------------------------------------------------ ZIP builder

struct ZipMember {
  std::string name;
  std::string data;
  std::uint16_t flags = 0;
};

struct Zip {
  Bytes bytes;
  std::size_t cd = 0;    // offset of the central directory
  std::size_t eocd = 0;  // offset of the end record
  std::vector<std::size_t> local;  // offsets of local headers
  std::vector<std::size_t> central;  // offsets of central directory entries
};

Zip build_zip(const std::vector<ZipMember>& members, bool with_cd = true, const std::string& comment = "") {
  Zip z;
  Bytes& b = z.bytes;
  for (const auto& m : members) {
    z.local.push_back(b.size());
    append(b, "PK\x03\x04");
    append16(b, 20);
    append16(b, m.flags);
    append16(b, 0);  // stored
    append16(b, 0);
    append16(b, 0);
    append32(b, 0);  // crc (not checked by the detector)
    append32(b, static_cast<std::uint32_t>(m.data.size()));
    append32(b, static_cast<std::uint32_t>(m.data.size()));
    append16(b, static_cast<std::uint16_t>(m.name.size()));
    append16(b, 0);
    append(b, m.name);
    append(b, m.data);
  }
  if (!with_cd) return z;
  z.cd = b.size();
  for (std::size_t i = 0; i < members.size(); ++i) {
    const auto& m = members[i];
    z.central.push_back(b.size());
    append(b, "PK\x01\x02");
    append16(b, 20);
    append16(b, 20);
    append16(b, m.flags);
    append16(b, 0);
    append16(b, 0);
    append16(b, 0);
    append32(b, 0);
    append32(b, static_cast<std::uint32_t>(m.data.size()));
    append32(b, static_cast<std::uint32_t>(m.data.size()));
    append16(b, static_cast<std::uint16_t>(m.name.size()));
    append16(b, 0);
    append16(b, 0);
    append16(b, 0);
    append16(b, 0);
    append32(b, 0);
    append32(b, static_cast<std::uint32_t>(z.local[i]));
    append(b, m.name);
  }
  const std::size_t cd_size = b.size() - z.cd;
  z.eocd = b.size();
  append(b, "PK\x05\x06");
  append16(b, 0);
  append16(b, 0);
  append16(b, static_cast<std::uint16_t>(members.size()));
  append16(b, static_cast<std::uint16_t>(members.size()));
  append32(b, static_cast<std::uint32_t>(cd_size));
  append32(b, static_cast<std::uint32_t>(z.cd));
  append16(b, static_cast<std::uint16_t>(comment.size()));
  append(b, comment);
  return z;
}

Zip zip_of(std::vector<std::string> names, bool with_cd = true) {
  std::vector<ZipMember> m;
  for (auto& n : names) m.push_back({std::move(n), "x", 0});
  return build_zip(m, with_cd);
}

const std::vector<std::string> kDocx = {"[Content_Types].xml", "_rels/.rels", "word/document.xml"};

// ------------------------------------------------------------------ simple binary magics

TEST(DetectMagic, Empty) {
  EXPECT_TRUE(is(detect(ByteView()), ContentType::empty, ""));
  EXPECT_FALSE(detect(ByteView()).reason.empty());
}

TEST(DetectMagic, Evtx) {
  Bytes b = bytes_of("ElfFile\0"sv);
  b.resize(4096, 0);
  EXPECT_TRUE(is(det(b), ContentType::evtx, ""));
  EXPECT_FALSE(is(det("ElfFile!"sv), ContentType::evtx, ""));  // the NUL is part of the signature
}

TEST(DetectMagic, Regf) {
  Bytes b = bytes_of("regf");
  b.resize(4096, 0);
  EXPECT_TRUE(is(det(b), ContentType::regf, ""));
}

TEST(DetectMagic, Lnk) {
  Bytes b = bytes_of("\x4C\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46"sv);
  b.resize(76, 0);
  EXPECT_TRUE(is(det(b), ContentType::lnk, ""));
  b[19] = 0x47;  // a different CLSID is not a shell link
  EXPECT_NE(det(b).type, ContentType::lnk);
}

TEST(DetectMagic, OneNote) {
  Bytes b = bytes_of("\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D\xAE\xB1\x53\x78\xD0\x29\x96\xD3"sv);
  b.resize(1024, 0);
  EXPECT_TRUE(is(det(b), ContentType::onenote, ""));
}

Bytes pe_image(std::uint16_t characteristics, std::uint32_t lfanew = 0x80) {
  Bytes b(0x200, 0);
  put(b, 0, "MZ");
  put32(b, 0x3C, lfanew);
  if (std::uint64_t{lfanew} + 24 <= b.size()) {
    put(b, lfanew, "PE\0\0"sv);
    put16(b, lfanew + 4, 0x14C);
    put16(b, lfanew + 22, characteristics);
  }
  return b;
}

TEST(DetectMagic, PeExeAndDll) {
  EXPECT_TRUE(is(det(pe_image(0x0102)), ContentType::pe, "exe"));
  EXPECT_TRUE(is(det(pe_image(0x2102)), ContentType::pe, "dll"));
}

TEST(DetectMagic, MzWithoutReachablePe) {
  EXPECT_TRUE(is(det(pe_image(0, 0x7FFFFFF0)), ContentType::pe, "mz"));   // e_lfanew past the end
  EXPECT_TRUE(is(det(pe_image(0, 0xFFFFFFFF)), ContentType::pe, "mz"));   // e_lfanew that would wrap
  EXPECT_TRUE(is(det(pe_image(0, 0x1FE)), ContentType::pe, "mz"));       // "PE\0\0" would run past the end
  EXPECT_TRUE(is(det("MZ"sv), ContentType::pe, "mz"));                    // too short for e_lfanew
  Bytes b = pe_image(0x0102);
  b.resize(0x80 + 4);  // PE signature present, characteristics cut off
  EXPECT_TRUE(is(det(b), ContentType::pe, "exe"));
}

TEST(DetectMagic, Elf) { EXPECT_TRUE(is(det("\x7F" "ELF\x02\x01\x01\x00\x00\x00"sv), ContentType::elf, "")); }

TEST(DetectMagic, Pdf) {
  EXPECT_TRUE(is(det("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n"sv), ContentType::pdf, ""));
  // Readers accept the marker anywhere in the first 1024 bytes.
  EXPECT_TRUE(is(det(std::string(1000, ' ') + "%PDF-1.4\n"), ContentType::pdf, ""));
  EXPECT_NE(det(std::string(1100, ' ') + "%PDF-1.4\n").type, ContentType::pdf);
}

TEST(DetectMagic, Rtf) {
  EXPECT_TRUE(is(det("{\\rtf1\\ansi\\deff0 hello}"sv), ContentType::rtf, ""));
  EXPECT_TRUE(is(det("{\\rtx1 still opened by Word}"sv), ContentType::rtf, ""));
}

TEST(DetectMagic, Archives) {
  EXPECT_TRUE(is(det("\x1F\x8B\x08\x00\x00\x00\x00\x00\x00\x03"sv), ContentType::gzip, ""));
  EXPECT_TRUE(is(det("7z\xBC\xAF\x27\x1C\x00\x04"sv), ContentType::sevenzip, ""));
  EXPECT_TRUE(is(det("Rar!\x1A\x07\x00\xCF"sv), ContentType::rar, ""));
  EXPECT_TRUE(is(det("Rar!\x1A\x07\x01\x00"sv), ContentType::rar, ""));
  EXPECT_TRUE(is(det("MSCF\0\0\0\0\x10\x00\x00\x00"sv), ContentType::cab, ""));
}

TEST(DetectMagic, Iso9660AtEachDescriptorOffset) {
  for (const std::size_t off : {0x8001u, 0x8801u, 0x9001u}) {
    Bytes b(off + 0x800, 0);
    put(b, off - 1, "\x01" "CD001\x01"sv);
    EXPECT_TRUE(is(det(b), ContentType::iso, "")) << std::hex << off;
  }
  Bytes b(0x9100, 0);
  put(b, 0x8002, "CD001");  // off by one: not a volume descriptor
  EXPECT_FALSE(is(det(b), ContentType::iso, ""));
}

TEST(DetectMagic, UnknownBinaryAndZeros) {
  EXPECT_TRUE(is(det("\x00\x01\x02\x03\xFF\xFE\xFD\x80"sv), ContentType::data, ""));
  EXPECT_TRUE(is(det(Bytes(4096, 0)), ContentType::data, "zeros"));
  Bytes mostly_zero(4096, 0);
  mostly_zero[4000] = 1;
  EXPECT_TRUE(is(det(mostly_zero), ContentType::data, ""));
}

TEST(DetectMagic, ZerosOnlyJudgedOnTheHead) {
  Limits l;
  l.detect_head_bytes = 64;
  Bytes b(4096, 0);
  b[4000] = 1;  // beyond the examined head
  EXPECT_TRUE(is(det(b, l), ContentType::data, "zeros"));
}

// ------------------------------------------------------------------ OLE2

TEST(DetectCfb, Subtypes) {
  EXPECT_TRUE(is(det(cfb_with({"WordDocument", "1Table"}).bytes), ContentType::ole2, "doc"));
  EXPECT_TRUE(is(det(cfb_with({"Workbook"}).bytes), ContentType::ole2, "xls"));
  EXPECT_TRUE(is(det(cfb_with({"Book"}).bytes), ContentType::ole2, "xls"));  // BIFF5
  EXPECT_TRUE(is(det(cfb_with({"PowerPoint Document", "Current User"}).bytes), ContentType::ole2, "ppt"));
  EXPECT_TRUE(is(det(cfb_with({"__properties_version1.0"}).bytes), ContentType::ole2, "msg"));
  EXPECT_TRUE(is(det(cfb_with({"__substg1.0_0037001F"}).bytes), ContentType::ole2, "msg"));
  EXPECT_TRUE(is(det(cfb_with({"VisioDocument"}).bytes), ContentType::ole2, "vsd"));
  EXPECT_TRUE(is(det(cfb_with({"EncryptionInfo", "EncryptedPackage"}).bytes), ContentType::ole2, "encrypted_ooxml"));
  EXPECT_TRUE(is(det(cfb_with({"Contents", "Something"}).bytes), ContentType::ole2, ""));
  EXPECT_TRUE(is(det(cfb_with({}).bytes), ContentType::ole2, ""));
}

TEST(DetectCfb, MsiFromRootClsid) {
  const Cfb c = build_cfb({{"Root Entry", 5, kMsiClsid}, {"SummaryInformation", 2, ""}});
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "msi"));
  // The same CLSID on a stream entry (not the root) does not make an installer.
  const Cfb d = build_cfb({{"Root Entry", 5, ""}, {"Stream", 2, kMsiClsid}});
  EXPECT_TRUE(is(det(d.bytes), ContentType::ole2, ""));
}

TEST(DetectCfb, EncryptedPackageWinsOverOtherNames) {
  EXPECT_TRUE(is(det(cfb_with({"WordDocument", "EncryptedPackage"}).bytes), ContentType::ole2, "encrypted_ooxml"));
}

TEST(DetectCfb, Version4SectorSize) {
  EXPECT_TRUE(is(det(cfb_with({"Workbook"}, 12).bytes), ContentType::ole2, "xls"));
  const Cfb c = build_cfb({{"Root Entry", 5, kMsiClsid}}, 12);
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "msi"));
}

TEST(DetectCfb, DirectoryChainAcrossSectors) {
  // 4 entries per 512-byte sector: WordDocument lands in the third directory sector.
  const Cfb c = cfb_with({"a", "b", "c", "d", "e", "f", "g", "h", "WordDocument"});
  ASSERT_EQ(c.dir_sectors, 3u);
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "doc"));
  Limits l;
  l.cfb_max_dir_sectors = 2;  // the peek is bounded
  EXPECT_TRUE(is(det(c.bytes, l), ContentType::ole2, ""));
}

TEST(DetectCfb, UnusedAndOddEntriesAreIgnored) {
  Cfb c = cfb_with({"WordDocument"});
  const std::size_t e1 = static_cast<std::size_t>(c.sector_size * 2 + 128);
  c.bytes[e1 + 0x42] = 0;  // type 0: unused entry
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, ""));
  c.bytes[e1 + 0x42] = 2;
  put16(c.bytes, e1 + 0x40, 0xFFFF);  // name length beyond the entry
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, ""));
  put16(c.bytes, e1 + 0x40, 1);
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, ""));
  put16(c.bytes, e1 + 0x40, 64);  // the maximum is still read
  EXPECT_EQ(det(c.bytes).type, ContentType::ole2);
}

TEST(DetectCfbHostile, FatLoopInDirectoryChain) {
  Cfb c = cfb_with({"a", "b", "c", "d", "e", "f", "g", "WordDocument"});
  ASSERT_EQ(c.dir_sectors, 3u);
  c.set_fat(1, 2);
  c.set_fat(2, 3);
  c.set_fat(3, 1);  // back to the start
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "doc"));
  c.set_fat(3, 3);  // self loop
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "doc"));
  c.set_fat(1, 1);  // the first sector loops onto itself: the rest is never reached
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, ""));
}

TEST(DetectCfbHostile, DirectorySectorPastEof) {
  for (const std::uint32_t s : {100u, 0x7FFFFFF0u, 0xFFFFFFF9u}) {
    Cfb c = cfb_with({"WordDocument"});
    put32(c.bytes, 0x30, s);
    EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "")) << s;
  }
  Cfb c = cfb_with({"a", "b", "c", "d", "e", "WordDocument"});
  c.set_fat(1, 0x00FFFFFF);  // chain continues past the end of the file
  EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, ""));
}

TEST(DetectCfbHostile, FatSectorPastEofOrSpecial) {
  for (const std::uint32_t fat : {0x00100000u, 0xFFFFFFFAu, kFree}) {
    Cfb c = cfb_with({"a", "b", "c", "d", "e", "WordDocument"});  // needs the FAT to reach sector 2
    put32(c.bytes, 0x4C, fat);
    EXPECT_TRUE(is(det(c.bytes), ContentType::ole2, "")) << fat;
  }
}

TEST(DetectCfbHostile, UnusualSectorShift) {
  for (const std::uint16_t shift : {0xFFFFu, 0u, 7u, 10u, 63u, 64u}) {
    Cfb c = cfb_with({"WordDocument"});
    put16(c.bytes, 0x1E, shift);
    const auto d = det(c.bytes);
    EXPECT_TRUE(is(d, ContentType::ole2, "")) << shift;
    EXPECT_NE(d.reason.find("unusual sector shift"), std::string::npos) << d.reason;
  }
}

TEST(DetectCfbHostile, EveryTruncationStillAnswers) {
  const Cfb c = cfb_with({"a", "b", "c", "d", "WordDocument"});
  for (std::size_t n = 0; n <= c.bytes.size(); ++n) {
    const auto d = detect(ByteView(c.bytes.data(), n));
    if (n == 0) {
      ASSERT_EQ(d.type, ContentType::empty);
    } else if (n >= 8) {
      ASSERT_EQ(d.type, ContentType::ole2) << n;
    }
    ASSERT_FALSE(d.reason.empty());
  }
}

// ------------------------------------------------------------------ ZIP and OOXML

TEST(DetectZip, OoxmlSubtypes) {
  EXPECT_TRUE(is(det(zip_of(kDocx).bytes), ContentType::ooxml, "docx"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "word/document.xml", "word/vbaProject.bin"}).bytes), ContentType::ooxml, "docm"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "xl/workbook.xml"}).bytes), ContentType::ooxml, "xlsx"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "xl/workbook.xml", "xl/vbaProject.bin"}).bytes), ContentType::ooxml, "xlsm"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "xl/workbook.xml", "xl/macrosheets/sheet1.xml"}).bytes), ContentType::ooxml, "xlsm"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "xl/workbook.bin"}).bytes), ContentType::ooxml, "xlsb"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "ppt/presentation.xml"}).bytes), ContentType::ooxml, "pptx"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "ppt/presentation.xml", "ppt/vbaProject.bin"}).bytes), ContentType::ooxml, "pptm"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "visio/document.xml"}).bytes), ContentType::ooxml, "vsdx"));
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml"}).bytes), ContentType::ooxml, ""));
  // Office parts without [Content_Types].xml are still a package.
  EXPECT_TRUE(is(det(zip_of({"word/document.xml"}).bytes), ContentType::ooxml, "docx"));
}

TEST(DetectZip, VbaProjectNameIsCaseInsensitive) {
  EXPECT_TRUE(is(det(zip_of({"[Content_Types].xml", "word/document.xml", "word/VBAPROJECT.BIN"}).bytes), ContentType::ooxml, "docm"));
}

TEST(DetectZip, OtherZipSubtypes) {
  EXPECT_TRUE(is(det(zip_of({"mimetype", "content.xml", "META-INF/manifest.xml"}).bytes), ContentType::zip, "odf"));
  EXPECT_TRUE(is(det(zip_of({"manifest.json", "hives/SYSTEM", "evtx/Security.evtx"}).bytes), ContentType::zip, "emoguard_collection"));
  EXPECT_TRUE(is(det(zip_of({"AndroidManifest.xml", "classes.dex"}).bytes), ContentType::zip, "apk"));
  EXPECT_TRUE(is(det(zip_of({"META-INF/MANIFEST.MF", "a/B.class"}).bytes), ContentType::zip, "jar"));
  EXPECT_TRUE(is(det(zip_of({"invoice.doc", "readme.txt"}).bytes), ContentType::zip, ""));
  // "mimetype" counts only as the first member.
  EXPECT_TRUE(is(det(zip_of({"content.xml", "mimetype"}).bytes), ContentType::zip, ""));
  // manifest.json alone is not a collection.
  EXPECT_TRUE(is(det(zip_of({"manifest.json"}).bytes), ContentType::zip, ""));
}

TEST(DetectZip, EncryptedMembers) {
  const Zip z = build_zip({{"invoice.doc", "xxxx", 1}});
  EXPECT_TRUE(is(det(z.bytes), ContentType::zip, "encrypted"));
  const Zip mixed = build_zip({{"readme.txt", "x", 0}, {"invoice.lnk", "xxxx", 9}});
  EXPECT_TRUE(is(det(mixed.bytes), ContentType::zip, "encrypted"));
}

TEST(DetectZip, EmptyArchiveAndSpannedMarker) {
  const Zip z = build_zip({});
  ASSERT_EQ(z.bytes.size(), 22u);
  const auto d = det(z.bytes);
  EXPECT_TRUE(is(d, ContentType::zip, ""));
  EXPECT_NE(d.reason.find("0 member"), std::string::npos) << d.reason;

  Bytes spanned = bytes_of("PK\x07\x08"sv);
  const Zip inner = zip_of(kDocx);
  spanned.insert(spanned.end(), inner.bytes.begin(), inner.bytes.end());
  EXPECT_EQ(det(spanned).type, ContentType::zip);
}

TEST(DetectZip, ReasonNamesTheSource) {
  const auto from_cd = det(zip_of(kDocx).bytes);
  EXPECT_NE(from_cd.reason.find("central directory"), std::string::npos) << from_cd.reason;
  const auto from_local = det(zip_of(kDocx, false).bytes);
  EXPECT_TRUE(is(from_local, ContentType::ooxml, "docx"));
  EXPECT_NE(from_local.reason.find("local headers"), std::string::npos) << from_local.reason;
}

TEST(DetectZip, CentralDirectoryIsAuthoritative) {
  // Rename the member in the central directory only (same length), so the two sources disagree.
  const std::string cd_name = "word/x";
  Zip w = build_zip({{"aaaaaa", "x", 0}});
  put(w.bytes, w.central[0] + 46, cd_name);
  EXPECT_TRUE(is(det(w.bytes), ContentType::ooxml, "docx"));
}

TEST(DetectZip, EndRecordWithComment) {
  const Zip z = build_zip({{"[Content_Types].xml", "x", 0}, {"xl/workbook.xml", "x", 0}}, true, std::string(1000, 'c') + "PK");
  EXPECT_TRUE(is(det(z.bytes), ContentType::ooxml, "xlsx"));
}

TEST(DetectZip, NameLimitBoundsThePeek) {
  Limits l;
  l.zip_max_names = 1;
  const Zip z = zip_of({"readme.txt", "word/document.xml"});
  EXPECT_TRUE(is(det(z.bytes), ContentType::ooxml, "docx"));
  EXPECT_TRUE(is(det(z.bytes, l), ContentType::zip, ""));
}

TEST(DetectZip, DataDescriptorStopsTheLocalWalk) {
  // Without a central directory, a member whose size is only in the data descriptor ends the peek.
  Zip z = build_zip({{"readme.txt", "", 8}, {"word/document.xml", "x", 0}}, false);
  EXPECT_TRUE(is(det(z.bytes), ContentType::zip, ""));
}

TEST(DetectZipHostile, BogusCentralDirectoryOffset) {
  for (const std::uint32_t off : {0xFFFFFFFFu, 0xFFFFFF00u, 0x7FFFFFFFu, 3u}) {
    Zip z = zip_of(kDocx);
    put32(z.bytes, z.eocd + 16, off);
    const auto d = det(z.bytes);
    EXPECT_TRUE(is(d, ContentType::ooxml, "docx")) << off;  // falls back to the local headers
    EXPECT_NE(d.reason.find("local headers"), std::string::npos) << d.reason;
  }
}

TEST(DetectZipHostile, EntryCount65535) {
  Zip z = zip_of(kDocx);
  put16(z.bytes, z.eocd + 8, 0xFFFF);
  put16(z.bytes, z.eocd + 10, 0xFFFF);
  const auto d = det(z.bytes);
  EXPECT_TRUE(is(d, ContentType::ooxml, "docx"));
  EXPECT_NE(d.reason.find("central directory"), std::string::npos) << d.reason;
}

TEST(DetectZipHostile, NameLengthBeyondEof) {
  Zip z = zip_of({"readme.txt"});
  put16(z.bytes, z.central[0] + 28, 0xFFFF);  // central directory name runs past the end
  EXPECT_TRUE(is(det(z.bytes), ContentType::zip, ""));
  put16(z.bytes, z.local[0] + 26, 0xFFFF);  // and so does the local one
  const auto d = det(z.bytes);
  EXPECT_TRUE(is(d, ContentType::zip, ""));
  EXPECT_NE(d.reason.find("0 member"), std::string::npos) << d.reason;
}

TEST(DetectZipHostile, SecondEntryBrokenKeepsTheFirst) {
  Zip z = zip_of({"word/document.xml", "readme.txt"});
  put16(z.bytes, z.central[1] + 28, 0xFFFF);
  EXPECT_TRUE(is(det(z.bytes), ContentType::ooxml, "docx"));
}

TEST(DetectZipHostile, HugeSizesInLocalHeaders) {
  Zip z = zip_of({"readme.txt", "word/document.xml"}, false);
  put32(z.bytes, z.local[0] + 18, 0xFFFFFFFF);  // compressed size past the end
  EXPECT_TRUE(is(det(z.bytes), ContentType::zip, ""));
  put16(z.bytes, z.local[0] + 28, 0xFFFF);      // extra length too
  EXPECT_EQ(det(z.bytes).type, ContentType::zip);
}

TEST(DetectZipHostile, CentralDirectoryEntryLengthsWrapNothing) {
  Zip z = zip_of({"readme.txt", "word/document.xml"});
  put16(z.bytes, z.central[0] + 30, 0xFFFF);  // extra length
  put16(z.bytes, z.central[0] + 32, 0xFFFF);  // comment length
  const auto d = det(z.bytes);
  EXPECT_EQ(d.type, ContentType::zip);  // first name read, the second entry is not found
}

TEST(DetectZipHostile, EndRecordBeyondTheTailWindow) {
  Zip z = zip_of(kDocx);
  z.bytes.resize(z.bytes.size() + 70000, 0);  // the end record is no longer in the window
  const auto d = det(z.bytes);
  EXPECT_TRUE(is(d, ContentType::ooxml, "docx"));
  EXPECT_NE(d.reason.find("local headers"), std::string::npos) << d.reason;
}

TEST(DetectZipHostile, EveryTruncationStillAnswers) {
  const Zip z = zip_of(kDocx);
  for (std::size_t n = 4; n <= z.bytes.size(); ++n) {
    const auto d = detect(ByteView(z.bytes.data(), n));
    ASSERT_TRUE(d.type == ContentType::zip || d.type == ContentType::ooxml) << n << " " << d.label();
  }
}

// ------------------------------------------------------------------ text: mail, mbox, MHTML

TEST(DetectMail, HeaderBlock) {
  const auto d = det("Received: from mx.example.com\r\nFrom: a@example.com\r\nTo: b@example.com\r\nSubject: Invoice\r\n"
                     "MIME-Version: 1.0\r\n\r\nbody\r\n"sv);
  EXPECT_TRUE(is(d, ContentType::mail, ""));
  EXPECT_TRUE(is(det("From: a@example.com\nSubject: hi\n\nbody\n"sv), ContentType::mail, ""));
}

TEST(DetectMail, FoldedHeaders) {
  EXPECT_TRUE(is(det("From: a@example.com\r\nTo: b@example.com,\r\n\tc@example.com\r\nSubject: x\r\n\r\n"sv), ContentType::mail, ""));
}

TEST(DetectMail, PlainNoteLineIsText) {
  EXPECT_TRUE(is(det("Note: x\n"sv), ContentType::text, ""));
  EXPECT_TRUE(is(det("Note: remember the milk\nand the eggs\n"sv), ContentType::text, ""));
  EXPECT_TRUE(is(det("Subject: one field only\n\nbody\n"sv), ContentType::text, ""));
  // Two fields, none of them one that every mail carries.
  EXPECT_TRUE(is(det("Title: A\nAuthor: B\n\nChapter 1\n"sv), ContentType::text, ""));
  // A continuation line before any field.
  EXPECT_TRUE(is(det(" indented: x\nFrom: a\nTo: b\n\n"sv), ContentType::text, ""));
}

TEST(DetectMail, MailWithInlineImagesIsNotMhtml) {
  EXPECT_TRUE(is(det("From: a@example.com\r\nTo: b@example.com\r\nMIME-Version: 1.0\r\n"
                     "Content-Type: multipart/related; boundary=\"b1\"\r\n\r\n--b1\r\n"sv),
                 ContentType::mail, ""));
}

TEST(DetectMail, Mhtml) {
  // What Word writes for "Single File Web Page" (.mht, also renamed .doc).
  const auto d = det("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01D7\"\r\n\r\n"
                     "This document is a Single File Web Page, also known as a Web Archive file.\r\n"sv);
  EXPECT_TRUE(is(d, ContentType::mail, "mhtml"));
  // multipart/related on a folded continuation line.
  EXPECT_TRUE(is(det("MIME-Version: 1.0\r\nContent-Type:\r\n multipart/related; boundary=x\r\n\r\n"sv), ContentType::mail, "mhtml"));
}

TEST(DetectMail, LongFoldedHeaderStillMail) {
  std::string s = "From: a@example.com\nTo: r0@example.com,\n";
  for (int i = 1; i < 450; ++i) s += " r" + std::to_string(i) + "@example.com,\n";
  s += "Subject: hello\n\nbody\n";
  EXPECT_TRUE(is(det(s), ContentType::mail, ""));
}

TEST(DetectMail, Mbox) {
  const auto d = det("From MAILER-DAEMON Thu Jan  1 00:00:00 2024\nFrom: a@example.com\nTo: b@example.com\nSubject: s\n\n"
                     "body\n\nFrom b@example.com Fri Jan  2 00:00:00 2024\nFrom: b@example.com\nSubject: t\n\nx\n"sv);
  EXPECT_TRUE(is(d, ContentType::mbox, ""));
  // "From " prose is not a mailbox.
  EXPECT_TRUE(is(det("From here on, everything changed.\nThe end.\n"sv), ContentType::text, ""));
}

// ------------------------------------------------------------------ text: encodings

std::string utf16le(std::string_view ascii) {
  std::string out = "\xFF\xFE";
  for (const char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

TEST(DetectText, Utf8Bom) {
  const auto d = det("\xEF\xBB\xBF<?xml version=\"1.0\"?><AppLockerPolicy Version=\"1\"></AppLockerPolicy>"sv);
  EXPECT_TRUE(is(d, ContentType::xml, "applocker_policy"));
  EXPECT_NE(d.reason.find("UTF-8 BOM"), std::string::npos) << d.reason;
  EXPECT_TRUE(is(det("\xEF\xBB\xBFhello\n"sv), ContentType::text, ""));
  EXPECT_TRUE(is(det("\xEF\xBB\xBF"sv), ContentType::text, ""));
}

TEST(DetectText, Utf16LeBom) {
  const auto d = det(utf16le("<?xml version=\"1.0\"?>\r\n<Events><Event xmlns=\"x\"></Event></Events>"));
  EXPECT_TRUE(is(d, ContentType::xml, "event_xml"));
  EXPECT_NE(d.reason.find("UTF-16LE"), std::string::npos) << d.reason;
  const auto t = det(utf16le("Windows Registry Editor Version 5.00\r\n"));
  EXPECT_TRUE(is(t, ContentType::text, ""));
  EXPECT_NE(t.reason.find("UTF-16LE"), std::string::npos) << t.reason;
  EXPECT_TRUE(is(det(utf16le("From: a@example.com\r\nTo: b@example.com\r\n\r\nx")), ContentType::mail, ""));
}

TEST(DetectText, Utf16LeBomOddAndBinary) {
  EXPECT_EQ(det("\xFF\xFE"sv).type, ContentType::text);
  EXPECT_EQ(det(utf16le("abc") + "x").type, ContentType::text);  // odd trailing byte dropped
  // BOM followed by binary UTF-16 (NUL units) is not text.
  EXPECT_EQ(det("\xFF\xFE\x00\x00\x01\x00\x02\x00"sv).type, ContentType::data);
}

TEST(DetectText, BinaryBeyondTheHeadIsNotExamined) {
  Limits l;
  l.detect_head_bytes = 32;
  std::string s(100, 'a');
  s[80] = '\0';
  EXPECT_TRUE(is(det(s, l), ContentType::text, ""));
  EXPECT_TRUE(is(det(s), ContentType::data, ""));
}

// ------------------------------------------------------------------ text: XML, HTML, JSON, logs

TEST(DetectText, XmlSubtypes) {
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?>\n<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\">"sv),
                 ContentType::xml, "word2003"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?><?mso-application progid=\"Word.Document\"?><doc/>"sv), ContentType::xml, "word2003"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?><pkg:package xmlns:pkg=\"x\">"sv), ContentType::xml, "flat_opc"));
  EXPECT_TRUE(is(det("<AppLockerPolicy Version=\"1\"/>"sv), ContentType::xml, "applocker_policy"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?>\n<!-- WDAC -->\n<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\">"sv), ContentType::xml, "wdac_policy"));
  EXPECT_TRUE(is(det("<Events><Event/></Events>"sv), ContentType::xml, "event_xml"));
  EXPECT_TRUE(is(det("<Event xmlns=\"http://schemas.microsoft.com/win/2004/08/events/event\">"sv), ContentType::xml, "event_xml"));
  EXPECT_TRUE(is(det("<job id=\"a\"><script language=\"VBScript\">x</script></job>"sv), ContentType::xml, "wsf"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?><package><job/></package>"sv), ContentType::xml, "wsf"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?>\n<!DOCTYPE note SYSTEM \"n.dtd\">\n<note>x</note>"sv), ContentType::xml, ""));
  const auto d = det("<rss version=\"2.0\"></rss>"sv);
  EXPECT_TRUE(is(d, ContentType::xml, ""));
  EXPECT_NE(d.reason.find("<rss>"), std::string::npos) << d.reason;
}

TEST(DetectText, UnterminatedXmlPrologIsNotXml) {
  EXPECT_NE(det("<?xml version=\"1.0\""sv).type, ContentType::xml);
  EXPECT_NE(det("<!-- never closed"sv).type, ContentType::xml);
}

TEST(DetectText, Html) {
  EXPECT_TRUE(is(det("<!DOCTYPE html>\n<html><body>x</body></html>"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("  \n<HTML><HEAD>"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("<head><title>x</title></head>"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("<body onload=\"x()\">"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("<script>alert(1)</script>"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("<meta http-equiv=\"refresh\" content=\"0;url=x\">"sv), ContentType::html, ""));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><body/></html>"sv), ContentType::html, ""));
}

TEST(DetectText, Hta) {
  EXPECT_TRUE(is(det("<html><head><HTA:APPLICATION ID=\"app\" WINDOWSTATE=\"minimize\"/></head></html>"sv), ContentType::html, "hta"));
  EXPECT_TRUE(is(det("<?xml version=\"1.0\"?><html><hta:application id=\"a\"/></html>"sv), ContentType::html, "hta"));
}

TEST(DetectText, Json) {
  EXPECT_TRUE(is(det("{\"a\": 1, \"b\": [1, 2]}"sv), ContentType::json, ""));
  EXPECT_TRUE(is(det("[1, 2, 3]\n"sv), ContentType::json, ""));
  EXPECT_TRUE(is(det("{\n  \"a\": 1\n}\n"sv), ContentType::json, ""));  // pretty-printed: one document
  EXPECT_TRUE(is(det("{\"format\": \"emoguard-triage\", \"version\": 1}"sv), ContentType::json, "emoguard_manifest"));
}

TEST(DetectText, JsonLines) {
  EXPECT_TRUE(is(det("{\"a\":1}\n{\"a\":2}\n"sv), ContentType::log, "jsonl"));
  EXPECT_TRUE(is(det("{\"timestamp\":\"2024-01-01T00:00:00Z\",\"event_type\":\"alert\"}\n{\"timestamp\":\"x\",\"event_type\":\"dns\"}\n"sv),
                 ContentType::log, "suricata_eve"));
  EXPECT_TRUE(is(det("{\"ts\":1.5,\"uid\":\"C1\",\"id.orig_h\":\"10.0.0.1\"}\n{\"ts\":2.5}\n"sv), ContentType::log, "zeek_json"));
  EXPECT_TRUE(is(det("{\"ts\":1.5,\"uid\":\"C1\"}\n{\"ts\":2.5}\n"sv), ContentType::log, "zeek_json"));
  EXPECT_TRUE(is(det("{\"Event\":{\"System\":{\"EventID\":4688}}}\n{\"Event\":{}}\n"sv), ContentType::log, "event_json"));
}

TEST(DetectText, LineLogs) {
  EXPECT_TRUE(is(det("#separator \\x09\n#set_separator\t,\n#fields\tts\tuid\n"sv), ContentType::log, "zeek_tsv"));
  EXPECT_TRUE(is(det("1613697302.123    845 10.0.0.5 TCP_TUNNEL/200 5120 CONNECT host.example:443 - HIER_DIRECT/192.0.2.1 -\n"sv),
                 ContentType::log, "squid"));
  EXPECT_TRUE(is(det("Jan 12 06:30:01 host sshd[1]: Accepted publickey for x\nJan 12 06:30:02 host cron[2]: y\n"sv), ContentType::log, "syslog"));
  EXPECT_TRUE(is(det("time,src,dst,port\n1,10.0.0.1,10.0.0.2,443\n"sv), ContentType::log, "csv"));
  EXPECT_TRUE(is(det("a,\"b,c\",d\n1,\"2,3\",4\n"sv), ContentType::log, "csv"));  // quoted separators do not count
  EXPECT_TRUE(is(det("time\tsrc\tdst\n1\t2\t3\n"sv), ContentType::log, "tsv"));
  EXPECT_TRUE(is(det("time;src;dst\n1;2;3\n"sv), ContentType::log, "ssv"));
  EXPECT_TRUE(is(det("a,b,c\n1,2\n"sv), ContentType::text, ""));  // column counts differ
}

TEST(DetectText, PlainText) {
  const auto d = det("Hello,\nthis is a letter.\n"sv);
  EXPECT_TRUE(is(d, ContentType::text, ""));
  EXPECT_FALSE(d.reason.empty());
  EXPECT_TRUE(is(det("x"sv), ContentType::text, ""));
  EXPECT_TRUE(is(det("\xE3\x83\x91\xE3\x82\xB9\xE3\x83\xAF\xE3\x83\xBC\xE3\x83\x89: abc123\n"sv), ContentType::text, ""));
}

// ------------------------------------------------------------------ robustness

TEST(DetectHostile, RandomBytesAlwaysAnswer) {
  std::mt19937 rng(12345);
  const std::vector<std::string> prefixes = {"",         std::string(kCfbMagic), "PK\x03\x04", "PK\x05\x06", "MZ",
                                             "\xFF\xFE", "\xEF\xBB\xBF",         "From ",      "<?xml ",     "{"};
  for (int i = 0; i < 3000; ++i) {
    std::string s = prefixes[static_cast<std::size_t>(i) % prefixes.size()];
    const std::size_t n = rng() % 700;
    const bool texty = (i % 3) == 0;
    for (std::size_t k = 0; k < n; ++k) {
      s += texty ? static_cast<char>(0x20 + rng() % 0x5F) : static_cast<char>(rng() & 0xFF);
      if (texty && rng() % 20 == 0) s += '\n';
    }
    const auto d = det(s);
    ASSERT_LT(static_cast<int>(d.type), kContentTypeCount);
    ASSERT_FALSE(d.reason.empty());
    if (s.empty()) {
      ASSERT_EQ(d.type, ContentType::empty);
    } else {
      ASSERT_NE(d.type, ContentType::empty);
    }
  }
}

TEST(DetectHostile, CfbWithRandomisedHeaderFields) {
  std::mt19937 rng(777);
  for (int i = 0; i < 2000; ++i) {
    Cfb c = cfb_with({"a", "b", "c", "d", "WordDocument"});
    for (int k = 0; k < 4; ++k) {
      const std::size_t off = 0x1E + rng() % (0x4C + 8 - 0x1E);
      put32(c.bytes, off, static_cast<std::uint32_t>(rng()));
    }
    c.set_fat(rng() % 8, static_cast<std::uint32_t>(rng() % 12));
    const auto d = det(c.bytes);
    ASSERT_EQ(d.type, ContentType::ole2);
  }
}

TEST(DetectHostile, DetectionIsDeterministic) {
  const Zip z = zip_of(kDocx);
  const auto a = det(z.bytes);
  const auto b = det(z.bytes);
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.subtype, b.subtype);
  EXPECT_EQ(a.reason, b.reason);
}


TEST(DetectMail, BrowserSavedMhtmlIsMhtml) {
  // Chrome and IE write a From/Subject pair into saved pages; the page is still MHTML, not mail.
  EXPECT_TRUE(is(det("From: <Saved by Blink>\r\nSnapshot-Content-Location: https://example.invalid/\r\nSubject: page\r\n"
                     "MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\tboundary=\"x\"\r\n\r\n"sv),
                 ContentType::mail, "mhtml"));
}

TEST(DetectMail, HeaderBlockWithoutFinalNewline) {
  EXPECT_TRUE(is(det("From: a@example.invalid\nTo: b@example.invalid"sv), ContentType::mail, ""));
}

TEST(DetectMagic, TextStartingWithMzIsText) {
  const std::string s = "MZ-series maintenance notes: replace the filter every 90 days.\nSecond line of plain text.\n";
  EXPECT_TRUE(is(det(s), ContentType::text, ""));
}

}  // namespace
}  // namespace emoguard::io
