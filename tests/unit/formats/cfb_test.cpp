// Tests formats::cfb: round trips of built v3/v4 files, hostile structures (loops, cycles,
// orphans, shared sectors, sizes), limits, and classification of padding after the last sector.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "formats/cfb/cfb.hpp"
#include "office_builders.hpp"

namespace emoguard::formats::cfb {
namespace {

using namespace emoguard::testing;

bool has_issue(const Compound& c, std::string_view code) {
  return std::any_of(c.issues().begin(), c.issues().end(), [&](const Issue& i) { return i.code == code; });
}
std::string issue_codes(const Compound& c) {
  std::string s;
  for (const auto& i : c.issues()) s += i.code + " ";
  return s;
}
std::string read_str(const Compound& c, const Entry& e) {
  auto r = c.read(e);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? std::string(r->begin(), r->end()) : std::string();
}
const Entry* by_name(const Compound& c, std::string_view name) {
  for (const auto& e : c.entries()) {
    if (e.name == name && e.type != EntryType::unused) return &e;
  }
  return nullptr;
}

// A small document: streams of every interesting size, in the root and two storages deep.
//   S1, S4096 | Macros/{S63, S4097, S64} | Macros/VBA/{S65, S4095, S10000, Empty} (siblings in that order)
struct Sample {
  CfbBuilder b;
  std::string file;
  std::vector<std::pair<std::string, std::string>> streams;  // path -> content
  [[nodiscard]] const std::string& data(std::string_view path) const {
    for (const auto& [p, d] : streams) {
      if (p == path) return d;
    }
    throw std::out_of_range(std::string(path));
  }
};

Sample make_sample(int version = 3) {
  Sample s{CfbBuilder(version), {}, {}};
  const auto macros = s.b.add_storage(CfbBuilder::kRoot, "Macros");
  const auto vba = s.b.add_storage(macros, "VBA");
  struct Spec {
    std::uint32_t parent;
    std::string prefix;
    std::size_t size;
  };
  const std::vector<Spec> specs = {{CfbBuilder::kRoot, "", 1},     {CfbBuilder::kRoot, "", 4096},   {macros, "Macros/", 63},
                                   {macros, "Macros/", 4097},      {macros, "Macros/", 64},         {vba, "Macros/VBA/", 65},
                                   {vba, "Macros/VBA/", 4095},     {vba, "Macros/VBA/", 10000}};
  std::uint32_t seed = 1;
  for (const auto& sp : specs) {
    const std::string name = "S" + std::to_string(sp.size);
    const std::string data = random_text(sp.size, seed++);
    s.b.add_stream(sp.parent, name, data);
    s.streams.emplace_back(sp.prefix + name, data);
  }
  s.b.add_stream(vba, "Empty", "");
  s.streams.emplace_back("Macros/VBA/Empty", "");
  s.file = s.b.build();
  return s;
}

// ------------------------------------------------------------------ round trips

TEST(Cfb, RoundTripVersion3) {
  const Sample s = make_sample(3);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->major_version(), 3);
  EXPECT_EQ(c->sector_size(), 512u);
  EXPECT_TRUE(c->issues().empty()) << issue_codes(*c);
  for (const auto& [path, data] : s.streams) {
    const Entry* e = c->find(path);
    ASSERT_NE(e, nullptr) << path;
    EXPECT_EQ(e->type, EntryType::stream);
    EXPECT_EQ(e->path, path);
    EXPECT_TRUE(e->in_tree);
    EXPECT_EQ(e->size, data.size()) << path;
    EXPECT_EQ(e->mini, data.size() < 4096) << path;
    EXPECT_FALSE(e->chain_short) << path;
    EXPECT_EQ(read_str(*c, *e), data) << path;
  }
  // Storages and parents.
  const Entry* macros = c->find("Macros");
  const Entry* vba = c->find("Macros/VBA");
  ASSERT_NE(macros, nullptr);
  ASSERT_NE(vba, nullptr);
  EXPECT_EQ(macros->type, EntryType::storage);
  EXPECT_EQ(vba->parent, macros->id);
  EXPECT_EQ(macros->parent, 0u);
  EXPECT_EQ(c->entries()[0].type, EntryType::root);
  EXPECT_EQ(c->entries()[0].name, "Root Entry");
}

TEST(Cfb, FindIsCaseInsensitiveAndChildrenAreSorted) {
  const Sample s = make_sample();
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  const Entry* e = c->find("mAcRoS/vba/s65");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->path, "Macros/VBA/S65");
  EXPECT_EQ(c->find("Macros/VBA/nope"), nullptr);
  EXPECT_EQ(c->find("S65"), nullptr);  // a path from the root, not a bare name
  const auto kids = c->children(*c->find("Macros/VBA"));
  std::vector<std::string> names;
  for (const auto* k : kids) names.push_back(k->name);
  EXPECT_EQ(names, (std::vector<std::string>{"Empty", "S10000", "S4095", "S65"}));
}

TEST(Cfb, RoundTripVersion4) {
  const Sample s = make_sample(4);
  ASSERT_EQ(s.file.size() % 4096, 0u);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->major_version(), 4);
  EXPECT_EQ(c->sector_size(), 4096u);
  EXPECT_TRUE(c->issues().empty()) << issue_codes(*c);
  for (const auto& [path, data] : s.streams) {
    const Entry* e = c->find(path);
    ASSERT_NE(e, nullptr) << path;
    EXPECT_EQ(e->mini, data.size() < 4096) << path;
    EXPECT_EQ(read_str(*c, *e), data) << path;
  }
}

TEST(Cfb, Version3IgnoresTheHighHalfOfTheSize) {
  Sample s = make_sample(3);
  const Entry* probe = nullptr;
  auto c0 = Compound::parse(view(s.file));
  ASSERT_TRUE(c0.ok());
  probe = c0->find("S1");
  ASSERT_NE(probe, nullptr);
  put32(s.file, s.b.entry_offset(probe->id) + 0x7C, 0xDEADBEEF);  // garbage above the low 32 bits
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->find("S1")->size, 1u);
  EXPECT_EQ(read_str(*c, *c->find("S1")), s.data("S1"));
}

TEST(Cfb, ReadingAStorageIsAUsageError) {
  const Sample s = make_sample();
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  const auto r = c->read(*c->find("Macros"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::usage);
}

TEST(Cfb, NoTailOnAnExactFile) {
  const Sample s = make_sample();
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tail().used_end, s.file.size());
  EXPECT_EQ(c->tail().tail_bytes, 0u);
  EXPECT_EQ(c->tail().kind, Tail::Kind::none);
}

// ------------------------------------------------------------------ not a compound file

TEST(Cfb, RejectsWhatIsNotACompoundFile) {
  auto a = Compound::parse(view(std::string("PK\x03\x04 not ole")));
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().code, Errc::malformed);
  auto b = Compound::parse(view(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(100, '\0')));
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.error().code, Errc::truncated);
  EXPECT_FALSE(Compound::parse(ByteView()).ok());
}

TEST(Cfb, UnusableSectorShiftFails) {
  for (const std::uint16_t shift : {0, 7, 8, 10, 16, 31, 0xFFFF}) {
    Sample s = make_sample();
    put16(s.file, 0x1E, shift);
    auto c = Compound::parse(view(s.file));
    ASSERT_FALSE(c.ok()) << shift;
    EXPECT_EQ(c.error().code, Errc::malformed) << shift;
    EXPECT_EQ(c.error().offset, 0x1Eu) << shift;
  }
}

TEST(Cfb, HeaderOddities) {
  Sample s = make_sample();
  put16(s.file, 0x1A, 4);   // v4 with 512-byte sectors
  put16(s.file, 0x1C, 0xFEFF);
  put16(s.file, 0x20, 7);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.version_mismatch"));
  EXPECT_TRUE(has_issue(*c, "cfb.bad_byte_order"));
  EXPECT_TRUE(has_issue(*c, "cfb.bad_mini_shift"));
}

TEST(Cfb, PartialLastSectorIsTolerated) {
  Sample s = make_sample();
  // S10000 is the last regular stream: 19 full sectors, then 272 bytes and 240 bytes of sector padding.
  const std::string& big = s.data("Macros/VBA/S10000");
  s.file.resize(s.file.size() - 400);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.partial_sector"));
  const Entry* e = c->find("Macros/VBA/S10000");
  ASSERT_NE(e, nullptr);
  // Everything that exists is returned, and nothing else.
  EXPECT_EQ(read_str(*c, *e), big.substr(0, 10000 - 160));
}

// ------------------------------------------------------------------ hostile chains

TEST(Cfb, FatLoopInAStreamChain) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  ASSERT_TRUE(c0.ok());
  const Entry* e0 = c0->find("Macros/VBA/S10000");
  const auto sectors = s.b.stream_sectors[e0->id];
  ASSERT_GE(sectors.size(), 3u);
  put32(s.file, s.b.fat_entry_offset(sectors[1]), sectors[0]);  // second sector points back to the first
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_loop")) << issue_codes(*c);
  const Entry* e = c->find("Macros/VBA/S10000");
  EXPECT_EQ(e->sectors.size(), 2u);
  EXPECT_TRUE(e->chain_short);
  const std::string got = read_str(*c, *e);
  EXPECT_EQ(got, s.data("Macros/VBA/S10000").substr(0, 1024));  // read stops where the loop starts
}

TEST(Cfb, SelfLoopOnEverySector) {
  // Every FAT entry points to itself: each chain is one sector long, and parsing ends.
  Sample s = make_sample();
  for (std::uint32_t k = 0; k < s.file.size() / 512; ++k) {
    if (std::find(s.b.fat_ids.begin(), s.b.fat_ids.end(), k) != s.b.fat_ids.end()) continue;
    put32(s.file, s.b.fat_entry_offset(k), k);
  }
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_loop"));
}

TEST(Cfb, DirectoryChainLoop) {
  Sample s = make_sample();
  ASSERT_GE(s.b.dir_ids.size(), 2u);
  put32(s.file, s.b.fat_entry_offset(s.b.dir_ids.back()), s.b.dir_ids.front());
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_loop")) << issue_codes(*c);
  // Each directory sector is read once: no duplicated entries.
  EXPECT_EQ(c->entries().size(), s.b.dir_ids.size() * 4);
  ASSERT_NE(c->find("Macros/VBA/S65"), nullptr);
  EXPECT_EQ(read_str(*c, *c->find("Macros/VBA/S65")), s.data("Macros/VBA/S65"));
}

TEST(Cfb, ChainPointingOutsideTheFile) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const auto sectors = s.b.stream_sectors[c0->find("Macros/VBA/S10000")->id];
  put32(s.file, s.b.fat_entry_offset(sectors[0]), 0x00FFFFF0);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_out_of_range"));
  EXPECT_EQ(read_str(*c, *c->find("Macros/VBA/S10000")), s.data("Macros/VBA/S10000").substr(0, 512));
}

TEST(Cfb, MiniChainLoop) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* e = c0->find("Macros/VBA/S4095");  // 64 mini sectors
  ASSERT_TRUE(e->mini);
  const std::uint32_t first = e->start;
  // The second mini sector points back to the first.
  put32(s.file, s.b.sector_offset(s.b.first_minifat) + 4 * (first + 1), first);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_loop")) << issue_codes(*c);
  EXPECT_EQ(read_str(*c, *c->find("Macros/VBA/S4095")), s.data("Macros/VBA/S4095").substr(0, 128));
}

TEST(Cfb, DifatLoop) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const auto sectors = s.b.stream_sectors[c0->find("Macros/VBA/S10000")->id];
  const std::uint32_t d = sectors[0];
  put32(s.file, 0x44, d);  // first DIFAT sector: a data sector whose last id points to itself
  put32(s.file, 0x48, 1);
  put32(s.file, s.b.sector_offset(d) + 512 - 4, d);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.difat_loop")) << issue_codes(*c);
  // The header's FAT sector is still used: the directory and streams are readable.
  ASSERT_NE(c->find("Macros/VBA/S65"), nullptr);
  EXPECT_EQ(read_str(*c, *c->find("Macros/VBA/S65")), s.data("Macros/VBA/S65"));
}

TEST(Cfb, DifatOutOfRange) {
  Sample s = make_sample();
  put32(s.file, 0x44, 0x00FFFFFF);
  put32(s.file, 0x48, 1);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.difat_out_of_range")) << issue_codes(*c);
  EXPECT_NE(c->find("Macros/VBA/S65"), nullptr);
}

TEST(Cfb, SiblingCycle) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const auto kids = c0->children(*c0->find("Macros/VBA"));
  ASSERT_GE(kids.size(), 2u);
  // The builder links siblings in insertion order: S65 -> S4095 -> S10000 -> Empty. Close the ring.
  const Entry* last = c0->find("Macros/VBA/Empty");
  const Entry* first = c0->find("Macros/VBA/S65");
  put32(s.file, s.b.entry_offset(last->id) + 0x48, first->id);
  put32(s.file, s.b.entry_offset(last->id) + 0x44, last->id);  // and a self link on the left
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.dir_cycle")) << issue_codes(*c);
  // Each entry appears once and is still usable.
  EXPECT_EQ(c->children(*c->find("Macros/VBA")).size(), 4u);
  EXPECT_EQ(read_str(*c, *c->find("Macros/VBA/S65")), s.data("Macros/VBA/S65"));
}

TEST(Cfb, StorageThatContainsItself) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* vba = c0->find("Macros/VBA");
  const Entry* macros = c0->find("Macros");
  put32(s.file, s.b.entry_offset(vba->id) + 0x4C, macros->id);  // VBA's child is its own parent
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.dir_cycle"));
}

TEST(Cfb, ChildPointingOutOfRange) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* vba = c0->find("Macros/VBA");
  put32(s.file, s.b.entry_offset(vba->id) + 0x4C, 100000);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.dir_out_of_range")) << issue_codes(*c);
  EXPECT_TRUE(c->children(*c->find("Macros/VBA")).empty());
  // The unreachable streams are orphans now, still listed.
  EXPECT_TRUE(has_issue(*c, "cfb.orphan_entry"));
  const Entry* o = by_name(*c, "S65");
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->in_tree);
}

TEST(Cfb, LinkToTheRootOrAnUnusedEntry) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* e = c0->find("Macros/VBA/Empty");
  put32(s.file, s.b.entry_offset(e->id) + 0x48, 0);  // right sibling = root
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.dir_cycle") || has_issue(*c, "cfb.dir_bad_link")) << issue_codes(*c);
}

TEST(Cfb, OrphanEntry) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  // Unlink the last sibling of Macros/VBA: S10000 -> Empty becomes S10000 -> none.
  const Entry* prev = c0->find("Macros/VBA/S10000");
  const Entry* gone = c0->find("Macros/VBA/Empty");
  ASSERT_NE(prev, nullptr);
  ASSERT_NE(gone, nullptr);
  const auto orphan_id = gone->id;
  put32(s.file, s.b.entry_offset(prev->id) + 0x48, kCfbNoStream);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.orphan_entry"));
  const Entry& o = c->entries()[orphan_id];
  EXPECT_FALSE(o.in_tree);
  EXPECT_EQ(o.path, "<orphan>/Empty");
  EXPECT_EQ(o.path.rfind("<orphan>/", 0), 0u);
  EXPECT_EQ(o.parent, kNoStream);
  EXPECT_EQ(c->find("Macros/VBA/Empty"), nullptr);
  EXPECT_EQ(c->children(*c->find("Macros/VBA")).size(), 3u);
}

TEST(Cfb, OrphanStreamIsStillReadable) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* vba = c0->find("Macros/VBA");
  const Entry* first = c0->find("Macros/VBA/S65");
  const Entry* second = c0->find("Macros/VBA/S4095");
  put32(s.file, s.b.entry_offset(vba->id) + 0x4C, second->id);  // skip S65: it is now unreachable
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  const Entry& o = c->entries()[first->id];
  EXPECT_FALSE(o.in_tree);
  EXPECT_EQ(o.path, "<orphan>/S65");
  EXPECT_EQ(read_str(*c, o), s.data("Macros/VBA/S65"));  // olevba scans orphans for VBA: they must read
}

TEST(Cfb, SharedSector) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* a = c0->find("S4096");
  const Entry* b = c0->find("Macros/VBA/S10000");
  ASSERT_FALSE(a->mini);
  put32(s.file, s.b.entry_offset(b->id) + 0x74, s.b.stream_sectors[a->id][0]);  // b starts inside a
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.shared_sector")) << issue_codes(*c);
}

TEST(Cfb, StreamSizeBeyondTheFile) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* e = c0->find("Macros/VBA/S10000");
  put32(s.file, s.b.entry_offset(e->id) + 0x78, 200'000'000);
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.size_beyond_file")) << issue_codes(*c);
  const Entry* big = c->find("Macros/VBA/S10000");
  EXPECT_EQ(big->size, 200'000'000u);
  EXPECT_TRUE(big->chain_short);
  // What the chain holds is read; nothing is invented.
  const std::string got = read_str(*c, *big);
  EXPECT_EQ(got.size(), s.b.stream_sectors[e->id].size() * 512);
  EXPECT_EQ(got.substr(0, 10000), s.data("Macros/VBA/S10000"));
}

TEST(Cfb, MiniStreamSizeBeyondItsChain) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* e = c0->find("Macros/VBA/S65");
  put32(s.file, s.b.entry_offset(e->id) + 0x78, 4000);  // still a mini stream, but 63 mini sectors long
  auto c = Compound::parse(view(s.file));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "cfb.chain_short")) << issue_codes(*c);
  const std::string got = read_str(*c, *c->find("Macros/VBA/S65"));
  EXPECT_EQ(got.substr(0, 65), s.data("Macros/VBA/S65").substr(0, 65));
  EXPECT_EQ(got.size(), 128u);  // two mini sectors
}

TEST(Cfb, StreamLargerThanTheReadLimit) {
  const Sample s = make_sample();
  Limits l;
  l.cfb_max_stream_bytes = 5000;
  auto c = Compound::parse(view(s.file), l);
  ASSERT_TRUE(c.ok());
  auto r = c->read(*c->find("Macros/VBA/S10000"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, Errc::limit);
  EXPECT_TRUE(c->read(*c->find("S4096")).ok());
}

TEST(Cfb, HugeDeclaredSizeHitsTheDefaultLimit) {
  Sample s = make_sample();
  auto c0 = Compound::parse(view(s.file));
  const Entry* e = c0->find("Macros/VBA/S10000");
  put32(s.file, s.b.entry_offset(e->id) + 0x78, 0xFFFFFFF0);
  Limits small;
  small.cfb_max_stream_bytes = 1 << 20;
  for (const Limits& l : {Limits{}, small}) {
    auto c = Compound::parse(view(s.file), l);
    ASSERT_TRUE(c.ok());
    auto r = c->read(*c->find("Macros/VBA/S10000"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, Errc::limit);
  }
}

TEST(Cfb, EntryLimit) {
  const Sample s = make_sample();
  Limits l;
  l.cfb_max_entries = 3;
  auto c = Compound::parse(view(s.file), l);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->entries().size(), 3u);
  EXPECT_TRUE(has_issue(*c, "limit.cfb_max_entries"));
}

TEST(Cfb, TreeDepthLimit) {
  CfbBuilder b;
  std::uint32_t parent = CfbBuilder::kRoot;
  for (int i = 0; i < 10; ++i) parent = b.add_storage(parent, "D" + std::to_string(i));
  b.add_stream(parent, "deep", "x");
  const std::string f = b.build();
  Limits l;
  l.cfb_max_tree_depth = 4;
  auto c = Compound::parse(view(f), l);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(has_issue(*c, "limit.cfb_max_tree_depth"));
  auto full = Compound::parse(view(f));
  ASSERT_TRUE(full.ok());
  EXPECT_NE(full->find("D0/D1/D2/D3/D4/D5/D6/D7/D8/D9/deep"), nullptr);
}

TEST(Cfb, IssuesAreCapped) {
  // Every directory entry of a large directory is an orphan: more issues than the cap.
  CfbBuilder b;
  for (int i = 0; i < 300; ++i) b.add_stream(CfbBuilder::kRoot, "s" + std::to_string(i), "x");
  std::string f = b.build();
  put32(f, b.entry_offset(0) + 0x4C, kCfbNoStream);  // root has no children
  Limits l;
  l.max_issues_per_object = 10;
  auto c = Compound::parse(view(f), l);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->issues().size(), 11u);
  EXPECT_EQ(c->issues().back().code, "limit.max_issues");
}

// ------------------------------------------------------------------ padding

TEST(Cfb, TwentyMegabytesOfZeros) {
  std::string f = make_sample().file;
  const std::size_t used = f.size();
  constexpr std::size_t kPad = 20U << 20;
  f.resize(used + kPad, '\0');  // built once, parsed once
  auto c = Compound::parse(view(f));
  ASSERT_TRUE(c.ok());
  const Tail& t = c->tail();
  EXPECT_EQ(t.used_end, used);
  EXPECT_EQ(t.tail_bytes, kPad);
  EXPECT_EQ(t.kind, Tail::Kind::zeros);
  EXPECT_EQ(t.constant, 0);
  EXPECT_TRUE(t.sampled);
  // The streams are unaffected.
  EXPECT_NE(c->find("Macros/VBA/S65"), nullptr);

  // A different last byte is seen even when sampling.
  f.back() = '\x01';
  auto d = Compound::parse(view(f));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->tail().kind, Tail::Kind::other);
}

TEST(Cfb, ConstantPadding) {
  std::string f = make_sample().file;
  const std::size_t used = f.size();
  f.append(100000, 'A');
  auto c = Compound::parse(view(f));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tail().used_end, used);
  EXPECT_EQ(c->tail().tail_bytes, 100000u);
  EXPECT_EQ(c->tail().kind, Tail::Kind::constant);
  EXPECT_EQ(c->tail().constant, 0x41);
  EXPECT_FALSE(c->tail().sampled);
}

TEST(Cfb, MixedPadding) {
  std::string f = make_sample().file;
  const std::size_t used = f.size();
  f.append(50000, '\0');
  f[used + 25000] = 'x';  // one different byte in the middle of a small tail
  auto c = Compound::parse(view(f));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tail().tail_bytes, 50000u);
  EXPECT_EQ(c->tail().kind, Tail::Kind::other);
  EXPECT_FALSE(c->tail().sampled);
}

TEST(Cfb, FreeSectorsAtTheEndArePadding) {
  // Sectors covered by the FAT as FREESECT are not "used": they count as tail.
  std::string f = make_sample().file;
  const std::size_t used = f.size();
  f.append(512 * 3, '\0');
  auto c = Compound::parse(view(f));
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->tail().used_end, used);
  EXPECT_EQ(c->tail().tail_bytes, 512u * 3);
  EXPECT_EQ(c->tail().kind, Tail::Kind::zeros);
}

// ------------------------------------------------------------------ robustness

TEST(Cfb, EveryTruncationParsesOrFailsCleanly) {
  const Sample s = make_sample();
  for (std::size_t n = 0; n <= s.file.size(); n += 97) {
    const std::string cut = s.file.substr(0, n);
    auto c = Compound::parse(view(cut));
    if (!c.ok()) continue;
    for (const auto& e : c->entries()) {
      if (e.type != EntryType::stream) continue;
      auto r = c->read(e);
      if (r.ok()) {
        EXPECT_LE(r->size(), e.size);
      }
    }
  }
}

TEST(Cfb, RandomByteFlipsDoNotBreakTheParser) {
  const Sample s = make_sample();
  std::uint32_t x = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string f = s.file;
    for (int k = 0; k < 8; ++k) {
      x = x * 1103515245 + 12345;
      const std::size_t pos = 8 + (x >> 8) % (f.size() - 8);
      x = x * 1103515245 + 12345;
      f[pos] = static_cast<char>(x >> 16);
    }
    auto c = Compound::parse(view(f));
    if (!c.ok()) continue;
    EXPECT_LE(c->issues().size(), Limits{}.max_issues_per_object + 1);
    for (const auto& e : c->entries()) {
      if (e.type == EntryType::stream) (void)c->read(e);
    }
  }
}

}  // namespace
}  // namespace emoguard::formats::cfb
