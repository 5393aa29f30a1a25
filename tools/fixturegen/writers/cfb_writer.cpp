// CFB writer: lays out streams, the mini stream, mini FAT, directory, FAT and DIFAT sectors in that
// order and fills in the header last, when every position is known.
#include "writers/cfb_writer.hpp"

#include <algorithm>
#include <functional>
#include <stdexcept>

namespace emoguard::fixturegen {
namespace {

constexpr std::uint32_t kSectorSize = 512;
constexpr std::uint32_t kMiniSectorSize = 64;
constexpr std::uint32_t kMiniCutoff = 4096;
constexpr std::uint32_t kEntriesPerSector = kSectorSize / 4;
constexpr std::uint32_t kHeaderDifat = 109;
constexpr std::uint32_t kFreeSect = 0xFFFFFFFF;
constexpr std::uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr std::uint32_t kFatSect = 0xFFFFFFFD;
constexpr std::uint32_t kDifSect = 0xFFFFFFFC;
constexpr std::uint32_t kNoStream = 0xFFFFFFFF;

std::uint32_t div_up(std::uint64_t a, std::uint64_t b) {
  return static_cast<std::uint32_t>((a + b - 1) / b);
}

// MS-CFB 2.6.4: shorter names sort first, then a code-unit compare after upper-casing. We upper-case
// ASCII only; names outside ASCII are ours to choose and never collide on case.
bool name_less(const std::string& a, const std::string& b) {
  const Bytes ua = utf16le(a);
  const Bytes ub = utf16le(b);
  if (ua.size() != ub.size()) return ua.size() < ub.size();
  for (std::size_t i = 0; i < ua.size(); i += 2) {
    auto unit = [](const Bytes& u, std::size_t k) {
      auto c = static_cast<std::uint16_t>(static_cast<unsigned char>(u[k]) | static_cast<unsigned char>(u[k + 1]) << 8);
      if (c >= 'a' && c <= 'z') c = static_cast<std::uint16_t>(c - 32);
      return c;
    };
    const auto ca = unit(ua, i);
    const auto cb = unit(ub, i);
    if (ca != cb) return ca < cb;
  }
  return false;
}

}  // namespace

CfbWriter::CfbWriter() {
  Entry root;
  root.name = "Root Entry";
  root.type = 5;
  entries_.push_back(std::move(root));
}

void CfbWriter::set_root_clsid(const Guid& clsid) {
  entries_[0].clsid = clsid;
}

std::uint32_t CfbWriter::child(std::uint32_t parent, std::string_view name, std::uint8_t type) {
  if (name.empty() || utf16_units(name) > 31)
    throw std::invalid_argument("CFB entry name must be 1..31 UTF-16 units: " + std::string(name));
  for (const auto c : entries_[parent].children) {
    if (entries_[c].name == name) {
      if (entries_[c].type != type || type == 2) throw std::invalid_argument("CFB entry added twice: " + std::string(name));
      return c;
    }
  }
  Entry e;
  e.name = std::string(name);
  e.type = type;
  const auto id = static_cast<std::uint32_t>(entries_.size());
  entries_.push_back(std::move(e));
  entries_[parent].children.push_back(id);
  return id;
}

void CfbWriter::add_storage(std::string_view path, const Guid& clsid) {
  std::uint32_t at = 0;
  while (!path.empty()) {
    const auto slash = path.find('/');
    at = child(at, path.substr(0, slash), 1);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
  }
  if (at != 0) entries_[at].clsid = clsid;
}

void CfbWriter::add_stream(std::string_view path, Bytes data) {
  const auto slash = path.rfind('/');
  std::uint32_t parent = 0;
  if (slash != std::string_view::npos) {
    std::string_view rest = path.substr(0, slash);
    while (!rest.empty()) {
      const auto s = rest.find('/');
      parent = child(parent, rest.substr(0, s), 1);
      rest = s == std::string_view::npos ? std::string_view{} : rest.substr(s + 1);
    }
  }
  const auto id = child(parent, slash == std::string_view::npos ? path : path.substr(slash + 1), 2);
  entries_[id].data = std::move(data);
}

Bytes CfbWriter::build() const {
  const auto n_entries = static_cast<std::uint32_t>(entries_.size());

  // Sibling trees: each storage's children, sorted, as a balanced tree rooted at the middle.
  std::vector<std::uint32_t> left(n_entries, kNoStream), right(n_entries, kNoStream), down(n_entries, kNoStream);
  for (std::uint32_t i = 0; i < n_entries; ++i) {
    std::vector<std::uint32_t> kids = entries_[i].children;
    if (kids.empty()) continue;
    std::sort(kids.begin(), kids.end(),
              [&](std::uint32_t a, std::uint32_t b) { return name_less(entries_[a].name, entries_[b].name); });
    std::function<std::uint32_t(std::size_t, std::size_t)> tree = [&](std::size_t lo, std::size_t hi) -> std::uint32_t {
      if (lo >= hi) return kNoStream;
      const std::size_t mid = lo + (hi - lo) / 2;
      left[kids[mid]] = tree(lo, mid);
      right[kids[mid]] = tree(mid + 1, hi);
      return kids[mid];
    };
    down[i] = tree(0, kids.size());
  }

  // Where each stream lives: regular sectors (>= cutoff) or mini sectors (< cutoff, not empty).
  std::vector<std::uint32_t> start(n_entries, kEndOfChain);
  std::vector<std::uint32_t> fat;  // grows as sectors are assigned
  std::vector<std::uint32_t> minifat;
  Bytes body;  // sector data after the header
  Bytes mini_stream;
  auto chain = [](std::vector<std::uint32_t>& table, std::uint32_t first, std::uint32_t count) {
    for (std::uint32_t k = 0; k < count; ++k) table.push_back(k + 1 < count ? first + k + 1 : kEndOfChain);
  };
  auto add_sectors = [&](const Bytes& data) -> std::uint32_t {
    const auto first = static_cast<std::uint32_t>(fat.size());
    const std::uint32_t count = div_up(data.size(), kSectorSize);
    chain(fat, first, count);
    body += data;
    pad_to(body, kSectorSize);
    return count == 0 ? kEndOfChain : first;
  };
  for (std::uint32_t i = 1; i < n_entries; ++i) {
    const Entry& e = entries_[i];
    if (e.type != 2 || e.data.empty()) continue;
    if (e.data.size() >= kMiniCutoff) {
      start[i] = add_sectors(e.data);
    } else {
      const auto first = static_cast<std::uint32_t>(minifat.size());
      chain(minifat, first, div_up(e.data.size(), kMiniSectorSize));
      mini_stream += e.data;
      pad_to(mini_stream, kMiniSectorSize);
      start[i] = first;
    }
  }
  // The root entry's stream is the mini stream; the mini FAT and directory follow.
  start[0] = add_sectors(mini_stream);
  Bytes minifat_bytes;
  for (const auto v : minifat) put_u32le(minifat_bytes, v);
  const std::uint32_t minifat_first = add_sectors(minifat_bytes);
  const std::uint32_t minifat_count = div_up(minifat_bytes.size(), kSectorSize);

  Bytes dir;
  for (std::uint32_t i = 0; i < n_entries; ++i) {
    const Entry& e = entries_[i];
    const Bytes name = utf16le(e.name);
    const std::size_t at = dir.size();
    dir += name;
    put_zeros(dir, 64 - name.size());
    put_u16le(dir, static_cast<std::uint16_t>(name.size() + 2));
    put_u8(dir, e.type);
    put_u8(dir, 1);  // black
    put_u32le(dir, left[i]);
    put_u32le(dir, right[i]);
    put_u32le(dir, down[i]);
    put_guid(dir, e.clsid);
    put_u32le(dir, 0);  // state bits
    put_u64le(dir, 0);  // creation time: must be zero for the root and streams; we keep storages alike
    put_u64le(dir, 0);  // modified time
    put_u32le(dir, e.type == 1 ? 0 : start[i]);
    put_u64le(dir, e.type == 5 ? mini_stream.size() : e.type == 2 ? e.data.size() : 0);
    if (dir.size() - at != 128) throw std::logic_error("CFB directory entry is not 128 bytes");
  }
  while (dir.size() % kSectorSize != 0) {  // unused entries: zero, with NOSTREAM links
    put_zeros(dir, 64 + 2 + 2);
    put_u32le(dir, kNoStream);
    put_u32le(dir, kNoStream);
    put_u32le(dir, kNoStream);
    put_zeros(dir, 128 - 64 - 4 - 12);
  }
  const std::uint32_t dir_first = add_sectors(dir);

  // FAT and DIFAT sectors must also describe themselves: find the fixed point of their counts.
  const auto data_sectors = static_cast<std::uint32_t>(fat.size());
  std::uint32_t n_fat = 0;
  std::uint32_t n_difat = 0;
  for (;;) {
    const std::uint32_t need_fat = div_up(std::uint64_t{data_sectors} + n_fat + n_difat, kEntriesPerSector);
    const std::uint32_t need_difat = need_fat > kHeaderDifat ? div_up(need_fat - kHeaderDifat, kEntriesPerSector - 1) : 0;
    if (need_fat == n_fat && need_difat == n_difat) break;
    n_fat = need_fat;
    n_difat = need_difat;
  }
  const std::uint32_t fat_first = data_sectors;
  const std::uint32_t difat_first = data_sectors + n_fat;
  for (std::uint32_t k = 0; k < n_fat; ++k) fat.push_back(kFatSect);
  for (std::uint32_t k = 0; k < n_difat; ++k) fat.push_back(kDifSect);
  fat.resize(std::size_t{n_fat} * kEntriesPerSector, kFreeSect);
  for (const auto v : fat) put_u32le(body, v);
  for (std::uint32_t k = 0; k < n_difat; ++k) {
    const std::size_t at = body.size();
    for (std::uint32_t j = 0; j < kEntriesPerSector - 1; ++j) {
      const std::uint64_t idx = kHeaderDifat + std::uint64_t{k} * (kEntriesPerSector - 1) + j;
      put_u32le(body, idx < n_fat ? fat_first + static_cast<std::uint32_t>(idx) : kFreeSect);
    }
    put_u32le(body, k + 1 < n_difat ? difat_first + k + 1 : kEndOfChain);
    if (body.size() - at != kSectorSize) throw std::logic_error("DIFAT sector size");
  }

  Bytes out;
  out.reserve(kSectorSize + body.size());
  out += "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
  put_zeros(out, 16);      // header CLSID
  put_u16le(out, 0x003E);  // minor version
  put_u16le(out, 0x0003);  // major version 3: 512-byte sectors
  put_u16le(out, 0xFFFE);  // byte order mark
  put_u16le(out, 9);       // sector shift
  put_u16le(out, 6);       // mini sector shift
  put_zeros(out, 6);
  put_u32le(out, 0);  // directory sector count: must be zero in version 3
  put_u32le(out, n_fat);
  put_u32le(out, dir_first);
  put_u32le(out, 0);  // transaction signature
  put_u32le(out, kMiniCutoff);
  put_u32le(out, minifat_count ? minifat_first : kEndOfChain);
  put_u32le(out, minifat_count);
  put_u32le(out, n_difat ? difat_first : kEndOfChain);
  put_u32le(out, n_difat);
  for (std::uint32_t k = 0; k < kHeaderDifat; ++k) put_u32le(out, k < n_fat ? fat_first + k : kFreeSect);
  if (out.size() != kSectorSize) throw std::logic_error("CFB header is not 512 bytes");
  out += body;
  return out;
}

Bytes summary_information_stream(const SummaryInfo& info) {
  struct Prop {
    std::uint32_t id;
    Bytes value;  // type tag and value, padded to 4
  };
  std::vector<Prop> props;
  auto i2 = [](std::uint16_t v) {
    Bytes b;
    put_u32le(b, 0x0002);
    put_u16le(b, v);
    put_u16le(b, 0);
    return b;
  };
  auto i4 = [](std::uint32_t v) {
    Bytes b;
    put_u32le(b, 0x0003);
    put_u32le(b, v);
    return b;
  };
  auto lpstr = [](const std::string& s) {
    Bytes b;
    put_u32le(b, 0x001E);
    put_u32le(b, static_cast<std::uint32_t>(s.size() + 1));
    b += s;
    b.push_back('\0');
    pad_to(b, 4);
    return b;
  };
  auto filetime = [](std::uint64_t v) {
    Bytes b;
    put_u32le(b, 0x0040);
    put_u64le(b, v);
    return b;
  };
  props.push_back({1, i2(info.codepage)});
  const std::pair<std::uint32_t, const std::string*> strings[] = {
      {2, &info.title},    {3, &info.subject},       {4, &info.author},      {5, &info.keywords},
      {6, &info.comments}, {7, &info.template_name}, {8, &info.last_author}, {18, &info.app_name}};
  for (const auto& [id, s] : strings) {
    if (!s->empty()) props.push_back({id, lpstr(*s)});
  }
  props.push_back({9, lpstr("1")});  // revision number
  props.push_back({12, filetime(info.created)});
  props.push_back({13, filetime(info.saved)});
  props.push_back({14, i4(info.pages)});
  props.push_back({19, i4(0)});  // security: none
  std::sort(props.begin(), props.end(), [](const Prop& a, const Prop& b) { return a.id < b.id; });

  Bytes set;
  put_u32le(set, 0);  // size, set below
  put_u32le(set, static_cast<std::uint32_t>(props.size()));
  std::uint32_t off = 8 + static_cast<std::uint32_t>(props.size()) * 8;
  for (const auto& p : props) {
    put_u32le(set, p.id);
    put_u32le(set, off);
    off += static_cast<std::uint32_t>(p.value.size());
  }
  for (const auto& p : props) set += p.value;
  set_u32le(set, 0, static_cast<std::uint32_t>(set.size()));

  Bytes out;
  put_u16le(out, 0xFFFE);
  put_u16le(out, 0);
  put_u32le(out, 0x00020006);  // written by Windows NT 6.x
  put_zeros(out, 16);
  put_u32le(out, 1);
  put_guid(out, guid("F29F85E0-4FF9-1068-AB91-08002B27B3D9"));  // FMTID_SummaryInformation
  put_u32le(out, 48);
  out += set;
  return out;
}

}  // namespace emoguard::fixturegen
