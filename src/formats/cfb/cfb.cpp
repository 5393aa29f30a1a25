// CFB parser. Every chain walk is bounded by the sector count and a visited bitset, so FAT loops,
// directory cycles and out-of-range sectors end the walk with an Issue instead of a hang.
#include "formats/cfb/cfb.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

#include "emoguard/text.hpp"

namespace emoguard::formats::cfb {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv;
constexpr std::uint64_t kMiniSectorSize = 64;
constexpr std::uint64_t kMiniCutoff = 4096;

std::string hex32(std::uint32_t v) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string s = "0x";
  for (int i = 7; i >= 0; --i) s += kHex[(v >> (i * 4)) & 0xF];
  return s;
}

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

}  // namespace

void Compound::add_issue(std::string code, std::string message, std::uint64_t offset) {
  if (issues_.size() >= limits_.max_issues_per_object) {
    ++issues_dropped_;
    return;
  }
  issues_.push_back(Issue{std::move(code), std::move(message), offset});
}

std::vector<std::uint32_t> Compound::follow(std::uint32_t start, const std::vector<std::uint32_t>& table, std::uint64_t count,
                                            std::uint64_t max_len, std::string_view what, bool& ended_early) {
  std::vector<std::uint32_t> chain;
  std::vector<bool> seen(static_cast<std::size_t>(std::min<std::uint64_t>(count, table.size())), false);
  ended_early = false;
  std::uint32_t s = start;
  while (s != kEndOfChain && chain.size() < max_len) {
    if (s == kFreeSect && chain.empty()) break;  // empty stream written with FREESECT start
    if (s > kMaxRegSect || s >= count || s >= table.size()) {
      add_issue("cfb.chain_out_of_range", std::string(what) + ": chain points to sector " + hex32(s) + " outside the file");
      ended_early = true;
      return chain;
    }
    if (seen[s]) {
      add_issue("cfb.chain_loop", std::string(what) + ": chain loops back to sector " + std::to_string(s));
      ended_early = true;
      return chain;
    }
    seen[s] = true;
    chain.push_back(s);
    s = table[s];
  }
  return chain;
}

Result<Compound> Compound::parse(ByteView file, const Limits& limits) {
  if (!file.starts_with(kMagic)) return make_error(Errc::malformed, "not a compound file (no OLE2 signature)", 0);
  if (file.size() < 512) return make_error(Errc::truncated, "compound file header truncated", file.size());
  Compound c;
  c.file_ = file;
  c.limits_ = limits;
  c.major_ = file.u16le(0x1A).value_or(0);
  const auto byte_order = file.u16le(0x1C).value_or(0);
  const auto shift = file.u16le(0x1E).value_or(0);
  if (byte_order != 0xFFFE) c.add_issue("cfb.bad_byte_order", "byte order mark is " + hex32(byte_order) + ", not 0xFFFE", 0x1C);
  if (shift != 9 && shift != 12) return make_error(Errc::malformed, "unusable sector shift " + std::to_string(shift), 0x1E);
  if ((c.major_ == 3 && shift != 9) || (c.major_ == 4 && shift != 12) || (c.major_ != 3 && c.major_ != 4)) {
    c.add_issue("cfb.version_mismatch",
                "major version " + std::to_string(c.major_) + " with sector shift " + std::to_string(shift), 0x1A);
  }
  if (file.u16le(0x20).value_or(0) != 6) c.add_issue("cfb.bad_mini_shift", "mini sector shift is not 6", 0x20);
  if (file.u32le(0x38).value_or(0) != kMiniCutoff) c.add_issue("cfb.bad_mini_cutoff", "mini stream cutoff is not 4096", 0x38);
  c.ss_ = 1U << shift;
  // Sectors that exist at least in part; the last one may be short (tolerated, reads are clamped).
  c.sector_count_ = file.size() <= c.ss_ ? 0 : (file.size() - c.ss_ + c.ss_ - 1) / c.ss_;
  c.fat_count_ = file.u32le(0x2C).value_or(0);
  c.first_dir_ = file.u32le(0x30).value_or(kEndOfChain);
  c.first_minifat_ = file.u32le(0x3C).value_or(kEndOfChain);
  c.minifat_count_ = file.u32le(0x40).value_or(0);
  c.first_difat_ = file.u32le(0x44).value_or(kEndOfChain);
  c.difat_count_ = file.u32le(0x48).value_or(0);
  if (file.size() % c.ss_ != 0) c.add_issue("cfb.partial_sector", "file size is not a multiple of the sector size", file.size());

  c.load_fat();
  c.load_directory();
  c.build_tree();
  c.load_streams();
  c.compute_tail();
  if (c.issues_dropped_ > 0) {
    c.issues_.push_back(Issue{"limit.max_issues", std::to_string(c.issues_dropped_) + " further malformations not listed", kNoOffset});
  }
  return c;
}

void Compound::load_fat() {
  const std::uint64_t per_sector = ss_ / 4;
  // The header holds the first 109 FAT sector ids; DIFAT sectors hold the rest.
  for (std::uint32_t i = 0; i < 109; ++i) {
    const auto id = file_.u32le(0x4C + i * 4).value_or(kFreeSect);
    if (id == kFreeSect || id == kEndOfChain) continue;
    fat_sectors_.push_back(id);
  }
  std::uint32_t d = first_difat_;
  std::vector<bool> seen(static_cast<std::size_t>(sector_count_), false);
  for (std::uint32_t n = 0; d != kEndOfChain && d != kFreeSect; ++n) {
    if (d > kMaxRegSect || d >= sector_count_) {
      add_issue("cfb.difat_out_of_range", "DIFAT sector " + hex32(d) + " outside the file");
      break;
    }
    if (seen[d]) {
      add_issue("cfb.difat_loop", "DIFAT chain loops at sector " + std::to_string(d));
      break;
    }
    seen[d] = true;
    const std::uint64_t off = (std::uint64_t{d} + 1) * ss_;
    for (std::uint64_t i = 0; i + 1 < per_sector; ++i) {
      const auto id = file_.u32le(off + i * 4).value_or(kFreeSect);
      if (id != kFreeSect && id != kEndOfChain) fat_sectors_.push_back(id);
    }
    d = file_.u32le(off + (per_sector - 1) * 4).value_or(kEndOfChain);
    if (n + 1 > difat_count_ + 1) {
      add_issue("cfb.difat_count", "DIFAT chain longer than the header's count " + std::to_string(difat_count_));
      break;
    }
  }
  if (fat_sectors_.size() != fat_count_) {
    add_issue("cfb.fat_count", "header declares " + std::to_string(fat_count_) + " FAT sectors, DIFAT lists " +
                                   std::to_string(fat_sectors_.size()), 0x2C);
  }
  // Enough FAT to describe every sector of the file is all that can matter; more is padding.
  const std::uint64_t needed = (sector_count_ + per_sector - 1) / per_sector;
  if (fat_sectors_.size() > needed + 1) fat_sectors_.resize(static_cast<std::size_t>(needed + 1));
  fat_.assign(static_cast<std::size_t>(fat_sectors_.size() * per_sector), kFreeSect);
  for (std::size_t i = 0; i < fat_sectors_.size(); ++i) {
    const std::uint32_t s = fat_sectors_[i];
    const auto sec = file_.slice((std::uint64_t{s} + 1) * ss_, ss_);
    if (s > kMaxRegSect || !sec) {
      add_issue("cfb.fat_out_of_range", "FAT sector " + hex32(s) + " outside the file");
      continue;
    }
    for (std::uint64_t j = 0; j < per_sector; ++j) fat_[static_cast<std::size_t>(i * per_sector + j)] = *sec->u32le(j * 4);
  }
}

void Compound::load_directory() {
  bool early = false;
  const auto chain = follow(first_dir_, fat_, sector_count_, sector_count_, "directory", early);
  const std::uint64_t per_sector = ss_ / 128;
  for (const std::uint32_t s : chain) {
    const auto sec = file_.clamp((std::uint64_t{s} + 1) * ss_, ss_);
    for (std::uint64_t k = 0; k < per_sector; ++k) {
      if (entries_.size() >= limits_.cfb_max_entries) {
        add_issue("limit.cfb_max_entries", "more than " + std::to_string(limits_.cfb_max_entries) + " directory entries; the rest ignored");
        return;
      }
      Entry e;
      e.id = static_cast<std::uint32_t>(entries_.size());
      const auto rec = sec.slice(k * 128, 128);
      if (!rec) {
        add_issue("cfb.dir_truncated", "directory sector " + std::to_string(s) + " is cut short by the end of the file");
        entries_.push_back(std::move(e));
        continue;
      }
      const auto name_len = rec->u16le(0x40).value_or(0);
      e.type = static_cast<EntryType>(rec->u8(0x42).value_or(0));
      const auto raw_type = rec->u8(0x42).value_or(0);
      if (raw_type != 0 && raw_type != 1 && raw_type != 2 && raw_type != 5) {
        add_issue("cfb.bad_entry_type", "entry " + std::to_string(e.id) + " has type " + std::to_string(raw_type),
                  (std::uint64_t{s} + 1) * ss_ + k * 128 + 0x42);
        e.type = EntryType::unused;
      }
      if (name_len > 64 || (name_len % 2) != 0) {
        if (e.type != EntryType::unused)
          add_issue("cfb.bad_name_length", "entry " + std::to_string(e.id) + " declares a name of " + std::to_string(name_len) + " bytes");
      }
      const std::uint16_t usable = name_len >= 2 && name_len <= 64 ? static_cast<std::uint16_t>(name_len - 2) : 0;
      e.name = text::utf16le_to_utf8(*rec->slice(0, usable & ~1U));
      e.left = *rec->u32le(0x44);
      e.right = *rec->u32le(0x48);
      e.child = *rec->u32le(0x4C);
      std::copy(rec->begin() + 0x50, rec->begin() + 0x60, e.clsid.begin());
      e.start = *rec->u32le(0x74);
      e.size = *rec->u64le(0x78);
      // Version 3 files: only the low 32 bits count (old writers leave garbage above).
      if (major_ != 4) e.size &= 0xFFFFFFFFULL;
      entries_.push_back(std::move(e));
    }
  }
  if (entries_.empty() || entries_[0].type != EntryType::root) {
    add_issue("cfb.no_root", "directory entry 0 is not the root entry");
  }
}

void Compound::build_tree() {
  if (entries_.empty()) return;
  std::vector<bool> seen(entries_.size(), false);
  entries_[0].in_tree = true;
  seen[0] = true;
  entries_[0].path = "";
  struct Item {
    std::uint32_t id;
    std::uint32_t parent;
    std::uint32_t depth;
  };
  std::vector<Item> stack;
  if (entries_[0].child != kNoStream) stack.push_back({entries_[0].child, 0, 1});
  while (!stack.empty()) {
    const Item it = stack.back();
    stack.pop_back();
    if (it.id >= entries_.size()) {
      add_issue("cfb.dir_out_of_range", "directory link to entry " + hex32(it.id) + " beyond the directory");
      continue;
    }
    if (seen[it.id]) {
      add_issue("cfb.dir_cycle", "directory tree reaches entry " + std::to_string(it.id) + " twice (cycle or shared node)");
      continue;
    }
    if (it.depth > limits_.cfb_max_tree_depth) {
      add_issue("limit.cfb_max_tree_depth", "storages nested deeper than " + std::to_string(limits_.cfb_max_tree_depth));
      continue;
    }
    seen[it.id] = true;
    Entry& e = entries_[it.id];
    if (e.type == EntryType::unused || e.type == EntryType::root) {
      add_issue("cfb.dir_bad_link", "directory tree links to entry " + std::to_string(it.id) + " of type " +
                                        std::to_string(static_cast<int>(e.type)));
      continue;
    }
    e.in_tree = true;
    e.parent = it.parent;
    const std::string& ppath = entries_[it.parent].path;
    e.path = ppath.empty() ? e.name : ppath + "/" + e.name;
    if (e.left != kNoStream) stack.push_back({e.left, it.parent, it.depth});
    if (e.right != kNoStream) stack.push_back({e.right, it.parent, it.depth});
    if (e.type == EntryType::storage && e.child != kNoStream) stack.push_back({e.child, it.id, it.depth + 1});
    if (e.type == EntryType::stream && e.child != kNoStream) {
      add_issue("cfb.stream_has_child", "stream entry " + std::to_string(it.id) + " has a child link");
    }
  }
  for (auto& e : entries_) {
    if (!e.in_tree && (e.type == EntryType::stream || e.type == EntryType::storage)) {
      e.path = "<orphan>/" + e.name;
      add_issue("cfb.orphan_entry", "entry " + std::to_string(e.id) + " (" + e.name + ") is not reachable from the root");
    }
  }
}

void Compound::load_streams() {
  if (entries_.empty()) return;
  // Mini stream: the root entry's chain of regular sectors.
  Entry& root = entries_[0];
  bool early = false;
  if (root.type == EntryType::root) {
    const std::uint64_t want = (root.size + ss_ - 1) / ss_;
    mini_stream_ = follow(root.start, fat_, sector_count_, std::min<std::uint64_t>(want, sector_count_), "mini stream", early);
    root.sectors = mini_stream_;
    root.chain_short = mini_stream_.size() < want;
  }
  // MiniFAT.
  const auto mf_chain = follow(first_minifat_, fat_, sector_count_, sector_count_, "miniFAT", early);
  if (mf_chain.size() != minifat_count_ && first_minifat_ != kEndOfChain) {
    add_issue("cfb.minifat_count", "header declares " + std::to_string(minifat_count_) + " miniFAT sectors, chain has " +
                                       std::to_string(mf_chain.size()));
  }
  for (const std::uint32_t s : mf_chain) {
    const auto sec = file_.clamp((std::uint64_t{s} + 1) * ss_, ss_);
    for (std::uint64_t j = 0; j + 4 <= sec.size(); j += 4) minifat_.push_back(*sec.u32le(j));
  }
  const std::uint64_t mini_count = mini_stream_.size() * (ss_ / kMiniSectorSize);

  // Which stream owns each regular sector: two owners means overlapping chains.
  std::unordered_map<std::uint32_t, std::uint32_t> owner;
  std::size_t shared_reported = 0;
  auto claim = [&](const std::vector<std::uint32_t>& chain, std::uint32_t id) {
    for (const std::uint32_t s : chain) {
      const auto [it, fresh] = owner.emplace(s, id);
      if (!fresh && it->second != id && shared_reported < 16) {
        ++shared_reported;
        add_issue("cfb.shared_sector", "sector " + std::to_string(s) + " belongs to entries " + std::to_string(it->second) + " and " +
                                           std::to_string(id));
      }
    }
  };
  claim(mini_stream_, 0);
  for (auto& e : entries_) {
    if (e.type != EntryType::stream) continue;
    const std::string what = "stream " + (e.path.empty() ? e.name : e.path);
    if (e.size < kMiniCutoff) {
      e.mini = true;
      const std::uint64_t want = (e.size + kMiniSectorSize - 1) / kMiniSectorSize;
      e.sectors = follow(e.start, minifat_, mini_count, want, what + " (mini)", early);
      e.chain_short = e.sectors.size() < want;
    } else {
      const std::uint64_t want = (e.size + ss_ - 1) / ss_;
      if (want > sector_count_) {
        add_issue("cfb.size_beyond_file", what + " declares " + std::to_string(e.size) + " bytes, more than the file holds");
      }
      e.sectors = follow(e.start, fat_, sector_count_, std::min<std::uint64_t>(want, sector_count_), what, early);
      e.chain_short = e.sectors.size() < want;
      claim(e.sectors, e.id);
    }
    if (e.chain_short && !early) add_issue("cfb.chain_short", what + ": chain ends before the declared size");
  }
}

void Compound::compute_tail() {
  // Highest allocated sector (FAT entry not FREESECT), FAT and DIFAT sectors included.
  std::int64_t max_alloc = -1;
  const std::uint64_t limit = std::min<std::uint64_t>(fat_.size(), sector_count_);
  for (std::uint64_t s = limit; s-- > 0;) {
    if (fat_[static_cast<std::size_t>(s)] != kFreeSect) {
      max_alloc = static_cast<std::int64_t>(s);
      break;
    }
  }
  for (const std::uint32_t s : fat_sectors_) {
    if (s < sector_count_) max_alloc = std::max<std::int64_t>(max_alloc, s);
  }
  std::uint64_t used = (static_cast<std::uint64_t>(max_alloc + 1) + 1) * ss_;
  if (used > file_.size()) used = file_.size();
  tail_.used_end = used;
  tail_.tail_bytes = file_.size() - used;
  if (tail_.tail_bytes == 0) return;
  // Classify the tail from samples: reading hundreds of MB of padding is what the trick wants.
  const ByteView tail = file_.clamp(used, tail_.tail_bytes);
  constexpr std::uint64_t kBlock = 4096;
  std::vector<ByteView> samples;
  if (tail.size() <= 256 * kBlock) {
    samples.push_back(tail);
  } else {
    tail_.sampled = true;
    samples.push_back(tail.head(16 * kBlock));
    samples.push_back(tail.tail(16 * kBlock));
    for (std::uint64_t i = 1; i < 64; ++i) samples.push_back(tail.clamp(tail.size() / 64 * i, kBlock));
  }
  const std::uint8_t first = *tail.u8(0);
  bool constant = true;
  for (const auto& v : samples) {
    constant = constant && std::all_of(v.begin(), v.end(), [&](std::uint8_t b) { return b == first; });
  }
  tail_.constant = first;
  tail_.kind = constant ? (first == 0 ? Tail::Kind::zeros : Tail::Kind::constant) : Tail::Kind::other;
}

const Entry* Compound::find(std::string_view path) const {
  for (const auto& e : entries_) {
    if (e.in_tree && iequal(e.path, path)) return &e;
  }
  return nullptr;
}

std::vector<const Entry*> Compound::children(const Entry& storage) const {
  std::vector<const Entry*> out;
  for (const auto& e : entries_) {
    if (e.in_tree && e.parent == storage.id && e.id != storage.id) out.push_back(&e);
  }
  std::sort(out.begin(), out.end(), [](const Entry* a, const Entry* b) { return a->name < b->name; });
  return out;
}

Result<std::vector<std::uint8_t>> Compound::read(const Entry& e) const {
  if (e.type != EntryType::stream && e.type != EntryType::root) return make_error(Errc::usage, e.name + " is not a stream");
  if (e.size > limits_.cfb_max_stream_bytes) {
    return make_error(Errc::limit, e.path + ": stream of " + std::to_string(e.size) + " bytes exceeds the limit of " +
                                       std::to_string(limits_.cfb_max_stream_bytes));
  }
  std::vector<std::uint8_t> out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(e.size, e.sectors.size() * std::uint64_t{ss_})));
  std::uint64_t left = e.size;
  if (e.mini) {
    for (const std::uint32_t m : e.sectors) {
      if (left == 0) break;
      const std::uint64_t pos = std::uint64_t{m} * kMiniSectorSize;
      const std::uint64_t idx = pos / ss_;
      if (idx >= mini_stream_.size()) break;
      const auto v = file_.clamp((std::uint64_t{mini_stream_[static_cast<std::size_t>(idx)]} + 1) * ss_ + pos % ss_,
                                 std::min(kMiniSectorSize, left));
      out.insert(out.end(), v.begin(), v.end());
      left -= std::min<std::uint64_t>(left, kMiniSectorSize);
      if (v.size() < kMiniSectorSize && left > 0) break;
    }
  } else {
    for (const std::uint32_t s : e.sectors) {
      if (left == 0) break;
      const auto v = file_.clamp((std::uint64_t{s} + 1) * ss_, std::min<std::uint64_t>(ss_, left));
      out.insert(out.end(), v.begin(), v.end());
      left -= std::min<std::uint64_t>(left, ss_);
      if (v.size() < ss_ && left > 0) break;
    }
  }
  return out;
}

}  // namespace emoguard::formats::cfb
