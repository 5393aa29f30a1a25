// Deliberate damage to a written EVTX file (bad CRCs, dirty flag, zeroed or cut chunks, bad tokens).
#include "damage.hpp"

#include <filesystem>
#include <fstream>
#include <optional>

#include "bytes.hpp"
#include "evtx_writer.hpp"

namespace emoguard::evtxgen {

const char* const kDamageHelp =
    "Damage kinds (--damage, repeatable, applied in order after the file is written; chunk numbers K\n"
    "count from 0; each kind makes one defect and keeps every other CRC valid unless it says so):\n"
    "  flip:OFFSET        xor 0xFF into the byte at file offset OFFSET (no CRC is updated)\n"
    "  header-crc         corrupt the file header CRC (bytes 124..127)\n"
    "  dirty              set file header flag 0x1 (dirty)\n"
    "  no-crc             set flag 0x4 (no CRC32) in the file header and every chunk header, and write 0\n"
    "                     for every CRC: file header, chunk headers, chunk data\n"
    "  chunk-crc:K        corrupt the data CRC of chunk K (its header CRC is updated to match)\n"
    "  zero-chunk:K       overwrite chunk K with zeros; the file keeps its length\n"
    "  truncate-chunk:K   cut the file in the middle of chunk K's records (halfway between byte 512 of\n"
    "                     the chunk and its free-space offset), so a record is cut too\n"
    "  garbage:R          the record with id R gets the unknown BinXML token 0x7F in place of its\n"
    "                     fragment header (its first BinXML byte); the chunk CRCs are updated\n"
    "  chunk-count:N      write N as the u16 chunk count of the file header\n"
    "OFFSET, K, R and N are decimal or 0x-hex.\n";

namespace {

struct KindInfo {
  const char* name;
  bool needs_arg;
};

constexpr KindInfo kKinds[] = {
    {"flip", true},          {"header-crc", false},  {"dirty", false},   {"no-crc", false},      {"chunk-crc", true},
    {"zero-chunk", true},    {"truncate-chunk", true}, {"garbage", true}, {"chunk-count", true},
};

std::optional<std::uint64_t> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  int base = 10;
  std::size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    i = 2;
  }
  if (i >= s.size() || s.size() - i > (base == 16 ? 16U : 19U)) return std::nullopt;
  std::uint64_t v = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    std::uint64_t d = 0;
    if (c >= '0' && c <= '9') d = static_cast<std::uint64_t>(c - '0');
    else if (base == 16 && c >= 'a' && c <= 'f') d = static_cast<std::uint64_t>(c - 'a' + 10);
    else if (base == 16 && c >= 'A' && c <= 'F') d = static_cast<std::uint64_t>(c - 'A' + 10);
    else return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + d;
  }
  return v;
}

// Positioned reads and writes on an existing file, without loading it.
class File {
 public:
  explicit File(const std::string& path) : path_(path) {
    std::error_code ec;
    size_ = std::filesystem::file_size(path, ec);
    if (ec) throw InputError(path + ": cannot stat: " + ec.message());
    f_.open(path, std::ios::in | std::ios::out | std::ios::binary);
    if (!f_) throw InputError(path + ": cannot open for damage");
  }

  [[nodiscard]] std::uint64_t size() const { return size_; }
  [[nodiscard]] std::uint64_t chunk_slots() const { return size_ < kFileHeaderBlock ? 0 : (size_ - kFileHeaderBlock) / kChunkSize; }

  Bytes read(std::uint64_t off, std::size_t n) {
    if (off + n > size_) throw InputError(path_ + ": read past the end of the file");
    Bytes b(n, '\0');
    f_.seekg(static_cast<std::streamoff>(off));
    f_.read(b.data(), static_cast<std::streamsize>(n));
    if (!f_) throw InputError(path_ + ": read failed");
    return b;
  }

  void write(std::uint64_t off, const Bytes& b) {
    f_.seekp(static_cast<std::streamoff>(off));
    f_.write(b.data(), static_cast<std::streamsize>(b.size()));
    if (!f_) throw InputError(path_ + ": write failed");
  }

  void close() {
    f_.close();
    if (!f_) throw InputError(path_ + ": write failed");
  }

 private:
  std::string path_;
  std::fstream f_;
  std::uint64_t size_ = 0;
};

std::uint64_t chunk_offset(File& f, std::uint64_t k, const std::string& what) {
  if (k >= f.chunk_slots())
    throw InputError(what + ": the file has " + std::to_string(f.chunk_slots()) + " chunk slot(s), numbered from 0");
  return kFileHeaderBlock + k * kChunkSize;
}

void update_file_crc(Bytes& h) {
  if ((get_u32(h, 120) & 0x4) != 0) return;  // no-CRC files keep 0
  set_u32(h, 124, crc32(std::string_view(h).substr(0, 120)));
}

void update_chunk_crcs(Bytes& c) {
  if ((get_u32(c, 120) & 0x4) != 0) return;
  const std::uint32_t free = get_u32(c, 48);
  if (free >= kChunkHeaderSize && free <= kChunkSize)
    set_u32(c, 52, crc32(std::string_view(c).substr(kChunkHeaderSize, free - kChunkHeaderSize)));
  const std::string_view v(c);
  set_u32(c, 124, crc32(v.substr(128, kChunkHeaderSize - 128), crc32(v.substr(0, 120))));
}

}  // namespace

Damage parse_damage(const std::string& text) {
  Damage d;
  d.text = text;
  const auto colon = text.find(':');
  d.kind = text.substr(0, colon);
  for (const auto& k : kKinds) {
    if (d.kind != k.name) continue;
    if (!k.needs_arg) {
      if (colon != std::string::npos) throw InputError("--damage " + text + ": " + d.kind + " takes no argument");
      return d;
    }
    if (colon == std::string::npos) throw InputError("--damage " + text + ": " + d.kind + " needs an argument (" + d.kind + ":N)");
    const auto n = parse_number(text.substr(colon + 1));
    if (!n) throw InputError("--damage " + text + ": '" + text.substr(colon + 1) + "' is not a number");
    if (d.kind == "chunk-count" && *n > 0xFFFF) throw InputError("--damage " + text + ": the chunk count is a u16 (at most 65535)");
    d.arg = *n;
    return d;
  }
  throw InputError("--damage " + text + ": unknown kind '" + d.kind + "' (see --help)");
}

void apply_damage(const std::string& path, const Damage& d) {
  const std::string what = "--damage " + d.text;
  std::optional<std::uint64_t> truncate_to;
  {
    File f(path);
    if (f.size() < kFileHeaderBlock) throw InputError(what + ": the file is shorter than its header");
    if (d.kind == "flip") {
      if (d.arg >= f.size()) throw InputError(what + ": offset beyond the end of the file (" + std::to_string(f.size()) + " bytes)");
      Bytes b = f.read(d.arg, 1);
      b[0] = static_cast<char>(static_cast<unsigned char>(b[0]) ^ 0xFFU);
      f.write(d.arg, b);
    } else if (d.kind == "header-crc") {
      Bytes h = f.read(0, 128);
      set_u32(h, 124, get_u32(h, 124) ^ 0xFFFFFFFFU);
      f.write(0, h);
    } else if (d.kind == "dirty" || d.kind == "chunk-count") {
      Bytes h = f.read(0, 128);
      if (d.kind == "dirty") set_u32(h, 120, get_u32(h, 120) | 0x1);
      else set_u16(h, 42, static_cast<std::uint16_t>(d.arg));
      update_file_crc(h);
      f.write(0, h);
    } else if (d.kind == "no-crc") {
      Bytes h = f.read(0, 128);
      set_u32(h, 120, get_u32(h, 120) | 0x4);
      set_u32(h, 124, 0);
      f.write(0, h);
      for (std::uint64_t k = 0; k < f.chunk_slots(); ++k) {
        const std::uint64_t off = kFileHeaderBlock + k * kChunkSize;
        Bytes c = f.read(off, kChunkHeaderSize);
        if (c.compare(0, 8, std::string("ElfChnk\0", 8)) != 0) continue;
        set_u32(c, 120, get_u32(c, 120) | 0x4);
        set_u32(c, 52, 0);
        set_u32(c, 124, 0);
        f.write(off, c);
      }
    } else if (d.kind == "chunk-crc") {
      const std::uint64_t off = chunk_offset(f, d.arg, what);
      Bytes c = f.read(off, kChunkHeaderSize);
      set_u32(c, 52, get_u32(c, 52) ^ 0xFFFFFFFFU);
      const std::string_view v(c);
      set_u32(c, 124, crc32(v.substr(128, kChunkHeaderSize - 128), crc32(v.substr(0, 120))));
      f.write(off, c);
    } else if (d.kind == "zero-chunk") {
      const std::uint64_t off = chunk_offset(f, d.arg, what);
      f.write(off, Bytes(kChunkSize, '\0'));
    } else if (d.kind == "truncate-chunk") {
      const std::uint64_t off = chunk_offset(f, d.arg, what);
      const Bytes c = f.read(off, kChunkHeaderSize);
      std::uint64_t free = get_u32(c, 48);
      if (free < kChunkHeaderSize || free > kChunkSize) free = kChunkSize;  // not a sound chunk: cut at half
      truncate_to = off + kChunkHeaderSize + (free - kChunkHeaderSize) / 2;
    } else if (d.kind == "garbage") {
      bool done = false;
      for (std::uint64_t k = 0; k < f.chunk_slots() && !done; ++k) {
        const std::uint64_t off = kFileHeaderBlock + k * kChunkSize;
        Bytes c = f.read(off, kChunkSize);
        if (c.compare(0, 8, std::string("ElfChnk\0", 8)) != 0) continue;
        if (d.arg < get_u64(c, 24) || d.arg > get_u64(c, 32)) continue;
        const std::uint32_t free = get_u32(c, 48);
        std::size_t pos = kChunkHeaderSize;
        while (pos + 28 <= free && pos + 28 <= kChunkSize && get_u32(c, pos) == 0x00002A2A) {
          const std::uint32_t size = get_u32(c, pos + 4);
          if (get_u64(c, pos + 8) == d.arg) {
            c[pos + 24] = static_cast<char>(0x7F);
            update_chunk_crcs(c);
            f.write(off, c);
            done = true;
            break;
          }
          if (size < 28) break;
          pos += size;
        }
      }
      if (!done) throw InputError(what + ": no record with id " + std::to_string(d.arg));
    } else {
      throw InputError(what + ": unknown kind");
    }
    f.close();
  }
  if (truncate_to) {
    std::error_code ec;
    std::filesystem::resize_file(path, *truncate_to, ec);
    if (ec) throw InputError(path + ": cannot truncate: " + ec.message());
  }
}

}  // namespace emoguard::evtxgen
