// Windows artefact writers. Each structure is laid out as its specification says (libyal's EVTX
// and REGF notes, MS-SHLLINK, MS-ONESTORE), with every checksum computed.
#include "writers/windows_artifacts.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace emoguard::fixturegen {

Bytes evtx_empty_log(std::uint64_t next_record_id) {
  Bytes b = std::string("ElfFile\0", 8);
  put_u64le(b, 0);  // first chunk number
  put_u64le(b, 0);  // last chunk number
  put_u64le(b, next_record_id);
  put_u32le(b, 128);  // header size
  put_u16le(b, 2);    // minor version
  put_u16le(b, 3);    // major version
  put_u16le(b, 4096);
  put_u16le(b, 0);  // chunk count
  put_zeros(b, 76);
  put_u32le(b, 0);  // flags: clean, not full
  put_u32le(b, crc32(std::string_view(b).substr(0, 120)));
  put_zeros(b, 4096 - b.size());
  return b;
}

// ------------------------------------------------------------------ REGF

RegfWriter::RegfWriter(std::string hive_file_name) : file_name_(std::move(hive_file_name)) {
  keys_.push_back(Key{"ROOT", {}, {}});
}

std::size_t RegfWriter::key(const std::string& path) {
  std::size_t at = 0;
  std::size_t pos = 0;
  while (pos < path.size()) {
    auto end = path.find('\\', pos);
    if (end == std::string::npos) end = path.size();
    const std::string name = path.substr(pos, end - pos);
    pos = end + 1;
    if (name.empty()) continue;
    std::size_t found = keys_.size();
    for (const auto k : keys_[at].subkeys) {
      if (keys_[k].name == name) found = k;
    }
    if (found == keys_.size()) {
      keys_.push_back(Key{name, {}, {}});
      keys_[at].subkeys.push_back(found);
    }
    at = found;
  }
  return at;
}

void RegfWriter::add_key(const std::string& path) {
  (void)key(path);
}

void RegfWriter::add_string_value(const std::string& key_path, const std::string& name, const std::string& value, bool expand) {
  Bytes data = utf16le(value);
  data += std::string(2, '\0');
  keys_[key(key_path)].values.push_back(Value{name, expand ? 2U : 1U, data});
}

void RegfWriter::add_dword_value(const std::string& key_path, const std::string& name, std::uint32_t value) {
  Bytes data;
  put_u32le(data, value);
  keys_[key(key_path)].values.push_back(Value{name, 4, data});
}

Bytes RegfWriter::build() const {
  // Cells are laid out in one hive bin; offsets are relative to the first bin (file offset 4096).
  Bytes cells;  // starts after the 32-byte bin header
  auto cell = [&](const Bytes& payload) -> std::uint32_t {
    const auto off = static_cast<std::uint32_t>(32 + cells.size());
    const std::size_t size = (payload.size() + 4 + 7) / 8 * 8;
    put_u32le(cells, static_cast<std::uint32_t>(-static_cast<std::int32_t>(size)));  // negative: allocated
    cells += payload;
    put_zeros(cells, size - 4 - payload.size());
    return off;
  };
  auto upper = [](std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  };
  for (const auto& k : keys_) {
    for (const auto& v : k.values) {
      if (v.data.size() > 16344) throw std::length_error("REGF writer: value data needs big-data cells");
    }
    if (!std::all_of(k.name.begin(), k.name.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; }))
      throw std::invalid_argument("REGF writer: key names are ASCII (compressed) here");
  }

  // Security cell first: every key points to it.
  const std::uint32_t sk_off = 32;
  {
    Bytes sd;  // self-relative security descriptor without owner, group or ACLs
    put_u8(sd, 1);
    put_u8(sd, 0);
    put_u16le(sd, 0x8000);  // SE_SELF_RELATIVE
    put_zeros(sd, 16);
    Bytes sk = "sk";
    put_u16le(sk, 0);
    put_u32le(sk, sk_off);  // flink and blink: the list of one
    put_u32le(sk, sk_off);
    put_u32le(sk, static_cast<std::uint32_t>(keys_.size()));
    put_u32le(sk, static_cast<std::uint32_t>(sd.size()));
    sk += sd;
    if (cell(sk) != sk_off) throw std::logic_error("REGF sk cell offset");
  }

  // Keys are written children first so that parents know their lists' offsets; each key's own
  // offset is needed by its children (parent field), so reserve offsets in a first pass.
  std::vector<std::uint32_t> nk_off(keys_.size(), 0);
  std::vector<std::size_t> parent(keys_.size(), 0);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    for (const auto c : keys_[i].subkeys) parent[c] = i;
  }
  // Pass 1: values, value lists and subkey lists need key offsets; lay keys out at known sizes
  // first by building all nk cells with placeholders, then patch.
  std::vector<std::size_t> nk_pos(keys_.size(), 0);  // position in cells of the nk payload
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Key& k = keys_[i];
    Bytes nk = "nk";
    put_u16le(nk, i == 0 ? 0x2C : 0x20);  // root: HIVE_ENTRY|NO_DELETE; all: COMP_NAME (ASCII name)
    put_u64le(nk, kFixedFiletime);
    put_u32le(nk, 0);
    put_u32le(nk, 0);  // parent: patched
    put_u32le(nk, static_cast<std::uint32_t>(k.subkeys.size()));
    put_u32le(nk, 0);
    put_u32le(nk, 0xFFFFFFFF);  // subkey list: patched
    put_u32le(nk, 0xFFFFFFFF);
    put_u32le(nk, static_cast<std::uint32_t>(k.values.size()));
    put_u32le(nk, 0xFFFFFFFF);  // value list: patched
    put_u32le(nk, sk_off);
    put_u32le(nk, 0xFFFFFFFF);  // class name
    std::uint32_t max_sub = 0, max_vname = 0, max_vdata = 0;
    for (const auto c : k.subkeys)
      max_sub = std::max<std::uint32_t>(max_sub, static_cast<std::uint32_t>(keys_[c].name.size() * 2));
    for (const auto& v : k.values) {
      max_vname = std::max<std::uint32_t>(max_vname, static_cast<std::uint32_t>(v.name.size() * 2));
      max_vdata = std::max<std::uint32_t>(max_vdata, static_cast<std::uint32_t>(v.data.size()));
    }
    put_u32le(nk, max_sub);
    put_u32le(nk, 0);
    put_u32le(nk, max_vname);
    put_u32le(nk, max_vdata);
    put_u32le(nk, 0);
    put_u16le(nk, static_cast<std::uint16_t>(k.name.size()));
    put_u16le(nk, 0);
    nk += k.name;
    nk_pos[i] = cells.size() + 4;
    nk_off[i] = cell(nk);
  }
  auto patch = [&](std::size_t key_index, std::size_t field, std::uint32_t v) { set_u32le(cells, nk_pos[key_index] + field, v); };
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    const Key& k = keys_[i];
    patch(i, 16, i == 0 ? 0 : nk_off[parent[i]]);
    if (!k.subkeys.empty()) {
      std::vector<std::size_t> sorted = k.subkeys;
      std::sort(sorted.begin(), sorted.end(),
                [&](std::size_t a, std::size_t b) { return upper(keys_[a].name) < upper(keys_[b].name); });
      Bytes lh = "lh";
      put_u16le(lh, static_cast<std::uint16_t>(sorted.size()));
      for (const auto c : sorted) {
        std::uint32_t hash = 0;
        for (const char ch : upper(keys_[c].name)) hash = hash * 37 + static_cast<unsigned char>(ch);
        put_u32le(lh, nk_off[c]);
        put_u32le(lh, hash);
      }
      patch(i, 28, cell(lh));
    }
    if (!k.values.empty()) {
      Bytes list;
      for (const auto& v : k.values) {
        Bytes vk = "vk";
        put_u16le(vk, static_cast<std::uint16_t>(v.name.size()));
        if (v.data.size() <= 4) {
          put_u32le(vk, 0x80000000U | static_cast<std::uint32_t>(v.data.size()));  // data stored in the offset field
          Bytes inl = v.data;
          inl.resize(4, '\0');
          vk += inl;
        } else {
          put_u32le(vk, static_cast<std::uint32_t>(v.data.size()));
          put_u32le(vk, cell(v.data));
        }
        put_u32le(vk, v.type);
        put_u16le(vk, v.name.empty() ? 0 : 1);  // VALUE_COMP_NAME
        put_u16le(vk, 0);
        vk += v.name;
        put_u32le(list, cell(vk));
      }
      patch(i, 40, cell(list));
    }
  }

  // One bin, a multiple of 4096, with the unused tail as a single free cell.
  std::size_t bin_size = (32 + cells.size() + 8 + 4095) / 4096 * 4096;
  const std::size_t free_size = bin_size - 32 - cells.size();
  put_u32le(cells, static_cast<std::uint32_t>(free_size));  // positive: free
  put_zeros(cells, free_size - 4);

  Bytes base = "regf";
  put_u32le(base, 1);  // primary and secondary sequence numbers equal: the hive is consistent
  put_u32le(base, 1);
  put_u64le(base, kFixedFiletime);
  put_u32le(base, 1);  // version 1.5
  put_u32le(base, 5);
  put_u32le(base, 0);  // primary file
  put_u32le(base, 1);  // direct memory load
  put_u32le(base, nk_off[0]);
  put_u32le(base, static_cast<std::uint32_t>(bin_size));
  put_u32le(base, 1);
  Bytes fname = utf16le(file_name_.size() > 31 ? file_name_.substr(file_name_.size() - 31) : file_name_);
  fname.resize(64, '\0');
  base += fname;
  put_zeros(base, 508 - base.size());
  std::uint32_t x = 0;
  for (std::size_t i = 0; i < 508; i += 4) {
    x ^= static_cast<std::uint32_t>(static_cast<unsigned char>(base[i])) |
         static_cast<std::uint32_t>(static_cast<unsigned char>(base[i + 1])) << 8 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(base[i + 2])) << 16 |
         static_cast<std::uint32_t>(static_cast<unsigned char>(base[i + 3])) << 24;
  }
  if (x == 0) x = 1;
  if (x == 0xFFFFFFFF) x = 0xFFFFFFFE;
  put_u32le(base, x);
  put_zeros(base, 4096 - base.size());

  Bytes bin = "hbin";
  put_u32le(bin, 0);  // offset of this bin
  put_u32le(bin, static_cast<std::uint32_t>(bin_size));
  put_zeros(bin, 8);
  put_u64le(bin, kFixedFiletime);
  put_u32le(bin, 0);
  return base + bin + cells;
}

// ------------------------------------------------------------------ LNK

Bytes shell_link(const LnkOptions& o) {
  std::uint32_t flags = 0x80;  // IsUnicode
  if (!o.description.empty()) flags |= 0x04;
  if (!o.relative_path.empty()) flags |= 0x08;
  if (!o.working_dir.empty()) flags |= 0x10;
  if (!o.arguments.empty()) flags |= 0x20;
  if (!o.icon_location.empty()) flags |= 0x40;
  Bytes b;
  put_u32le(b, 0x4C);
  put_guid(b, guid("00021401-0000-0000-C000-000000000046"));
  put_u32le(b, flags);
  put_u32le(b, 0x20);  // FILE_ATTRIBUTE_ARCHIVE
  put_u64le(b, kFixedFiletime);
  put_u64le(b, kFixedFiletime);
  put_u64le(b, kFixedFiletime);
  put_u32le(b, 0);  // target size
  put_u32le(b, 0);  // icon index
  put_u32le(b, o.show_command);
  put_u16le(b, 0);  // hotkey
  put_zeros(b, 10);
  auto str = [&](const std::string& s) {
    if (s.empty()) return;
    const Bytes u = utf16le(s);
    put_u16le(b, static_cast<std::uint16_t>(u.size() / 2));
    b += u;
  };
  // StringData in the order MS-SHLLINK 2.4 fixes.
  str(o.description);
  str(o.relative_path);
  str(o.working_dir);
  str(o.arguments);
  str(o.icon_location);
  put_u32le(b, 0);  // terminal block
  return b;
}

// ------------------------------------------------------------------ OneNote

Bytes onenote_section(std::uint64_t seed) {
  Rng rng(seed);
  auto random_guid = [&] {
    Guid g{};
    const Bytes r = rng.bytes(16);
    std::copy(r.begin(), r.end(), g.begin());
    return g;
  };
  auto fcr64x32 = [](Bytes& b, std::uint64_t stp, std::uint32_t cb) {
    put_u64le(b, stp);
    put_u32le(b, cb);
  };
  Bytes b;
  put_guid(b, guid("7B5C52E4-D88C-4DA7-AEB1-5378D02996D3"));  // guidFileType: .one section
  put_guid(b, random_guid());                                 // guidFile
  put_zeros(b, 16);                                           // guidLegacyFileVersion
  put_guid(b, guid("109ADD3F-911B-49F5-A5D0-1791EDC8AED8"));  // guidFileFormat
  for (int k = 0; k < 4; ++k) put_u32le(b, 0x2A);             // ffv*: OneNote 2010 and later
  put_u64le(b, 0);                                            // fcrLegacyFreeChunkList
  put_u32le(b, 0xFFFFFFFF);                                   // fcrLegacyTransactionLog: fcrNil
  put_u32le(b, 0);
  put_u32le(b, 0);           // cTransactionsInLog
  put_u32le(b, 0);           // cbLegacyExpectedFileLength
  put_u64le(b, 0);           // rgbPlaceholder
  put_u32le(b, 0xFFFFFFFF);  // fcrLegacyFileNodeListRoot: fcrNil
  put_u32le(b, 0);
  put_u32le(b, 0);             // cbLegacyFreeSpaceInFreeChunkList
  put_zeros(b, 4);             // fNeedsDefrag .. fHasNoEmbeddedFileObjects
  put_guid(b, random_guid());  // guidAncestor
  put_u32le(b, 0);             // crcName
  fcr64x32(b, 0, 0);           // fcrHashedChunkList: none
  fcr64x32(b, 0, 0);           // fcrTransactionLog
  fcr64x32(b, 0, 0);           // fcrFileNodeListRoot
  fcr64x32(b, 0, 0);           // fcrFreeChunkList
  put_u64le(b, 1024);          // cbExpectedFileLength
  put_u64le(b, 0);
  put_guid(b, random_guid());  // guidFileVersion
  put_u64le(b, 1);
  put_guid(b, random_guid());  // guidDenyReadFileVersion
  put_u32le(b, 0);
  fcr64x32(b, 0, 0);
  fcr64x32(b, 0, 0);
  put_u32le(b, 0x2A);
  put_u32le(b, 0x2A);
  put_u32le(b, 0x2A);
  put_u32le(b, 0x2A);
  put_zeros(b, 1024 - b.size());
  return b;
}

}  // namespace emoguard::fixturegen
