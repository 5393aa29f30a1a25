// Byte-building helpers: the only place that knows how numbers and strings are laid out in bytes.
#include "writers/bytes.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>

namespace emoguard::fixturegen {

void put_u8(Bytes& b, std::uint8_t v) {
  b.push_back(static_cast<char>(v));
}
void put_u16le(Bytes& b, std::uint16_t v) {
  put_u8(b, static_cast<std::uint8_t>(v));
  put_u8(b, static_cast<std::uint8_t>(v >> 8));
}
void put_u32le(Bytes& b, std::uint32_t v) {
  put_u16le(b, static_cast<std::uint16_t>(v));
  put_u16le(b, static_cast<std::uint16_t>(v >> 16));
}
void put_u64le(Bytes& b, std::uint64_t v) {
  put_u32le(b, static_cast<std::uint32_t>(v));
  put_u32le(b, static_cast<std::uint32_t>(v >> 32));
}
void put_u16be(Bytes& b, std::uint16_t v) {
  put_u8(b, static_cast<std::uint8_t>(v >> 8));
  put_u8(b, static_cast<std::uint8_t>(v));
}
void put_u32be(Bytes& b, std::uint32_t v) {
  put_u16be(b, static_cast<std::uint16_t>(v >> 16));
  put_u16be(b, static_cast<std::uint16_t>(v));
}
void put_u16both(Bytes& b, std::uint16_t v) {
  put_u16le(b, v);
  put_u16be(b, v);
}
void put_u32both(Bytes& b, std::uint32_t v) {
  put_u32le(b, v);
  put_u32be(b, v);
}
void put_zeros(Bytes& b, std::size_t n) {
  b.append(n, '\0');
}
void pad_to(Bytes& b, std::size_t align) {
  if (b.size() % align != 0) put_zeros(b, align - b.size() % align);
}

void set_u16le(Bytes& b, std::size_t off, std::uint16_t v) {
  b.at(off + 1);  // throws before a partial write
  b[off] = static_cast<char>(v);
  b[off + 1] = static_cast<char>(v >> 8);
}
void set_u32le(Bytes& b, std::size_t off, std::uint32_t v) {
  set_u16le(b, off, static_cast<std::uint16_t>(v));
  set_u16le(b, off + 2, static_cast<std::uint16_t>(v >> 16));
}
void set_u64le(Bytes& b, std::size_t off, std::uint64_t v) {
  set_u32le(b, off, static_cast<std::uint32_t>(v));
  set_u32le(b, off + 4, static_cast<std::uint32_t>(v >> 32));
}

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  // zlib takes uInt lengths: feed large inputs in pieces.
  uLong c = crc;
  while (!data.empty()) {
    const auto n = static_cast<uInt>(std::min<std::size_t>(data.size(), 1U << 30));
    c = ::crc32(c, reinterpret_cast<const Bytef*>(data.data()), n);
    data.remove_prefix(n);
  }
  return static_cast<std::uint32_t>(c);
}

// Our inputs are literals in this program, so bad UTF-8 is a bug here.
char32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  int extra = 0;
  char32_t cp = 0;
  if (c < 0x80) {
    cp = c;
  } else if ((c & 0xE0) == 0xC0) {
    cp = c & 0x1F;
    extra = 1;
  } else if ((c & 0xF0) == 0xE0) {
    cp = c & 0x0F;
    extra = 2;
  } else if ((c & 0xF8) == 0xF0) {
    cp = c & 0x07;
    extra = 3;
  } else {
    throw std::invalid_argument("invalid UTF-8 in a fixture string");
  }
  ++i;
  for (int k = 0; k < extra; ++k, ++i) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      throw std::invalid_argument("truncated UTF-8 in a fixture string");
    cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  }
  return cp;
}

Bytes utf16le(std::string_view utf8) {
  Bytes out;
  out.reserve(utf8.size() * 2);
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      put_u16le(out, static_cast<std::uint16_t>(0xD800 + (v >> 10)));
      put_u16le(out, static_cast<std::uint16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      put_u16le(out, static_cast<std::uint16_t>(cp));
    }
  }
  return out;
}

std::size_t utf16_units(std::string_view utf8) {
  return utf16le(utf8).size() / 2;
}

std::string base64(std::string_view data, std::size_t line_len) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve(data.size() * 4 / 3 + data.size() / 38 + 8);
  std::size_t col = 0;
  auto emit = [&](char c) {
    if (line_len != 0 && col == line_len) {
      out += "\r\n";
      col = 0;
    }
    out.push_back(c);
    ++col;
  };
  std::size_t i = 0;
  for (; i + 3 <= data.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16) |
                            (static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    emit(kAlphabet[(v >> 18) & 63]);
    emit(kAlphabet[(v >> 12) & 63]);
    emit(kAlphabet[(v >> 6) & 63]);
    emit(kAlphabet[v & 63]);
  }
  const std::size_t rest = data.size() - i;
  if (rest != 0) {
    std::uint32_t v = static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 16;
    if (rest == 2) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 8;
    emit(kAlphabet[(v >> 18) & 63]);
    emit(kAlphabet[(v >> 12) & 63]);
    emit(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
    emit('=');
  }
  return out;
}

Guid guid(std::string_view text) {
  // Data1 (4 bytes), Data2 and Data3 (2 each) are little-endian on disk; Data4 is a byte array.
  if (text.size() != 36) throw std::invalid_argument("bad GUID literal");
  auto hex = [&](std::size_t pos) {
    auto nib = [&](char c) -> std::uint8_t {
      if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
      if (c >= 'a' && c <= 'f') return static_cast<std::uint8_t>(c - 'a' + 10);
      if (c >= 'A' && c <= 'F') return static_cast<std::uint8_t>(c - 'A' + 10);
      throw std::invalid_argument("bad GUID literal");
    };
    return static_cast<std::uint8_t>(nib(text[pos]) << 4 | nib(text[pos + 1]));
  };
  Guid g{};
  static constexpr std::array<std::size_t, 16> kPos = {6, 4, 2, 0, 11, 9, 16, 14, 19, 21, 24, 26, 28, 30, 32, 34};
  for (std::size_t i = 0; i < 16; ++i) g[i] = hex(kPos[i]);
  return g;
}

void put_guid(Bytes& b, const Guid& g) {
  b.append(reinterpret_cast<const char*>(g.data()), g.size());
}

std::uint64_t unix_to_filetime(std::int64_t t) {
  return (static_cast<std::uint64_t>(t) + 11644473600ULL) * 10000000ULL;
}

DosDateTime unix_to_dos(std::int64_t t) {
  // Civil-from-days (Howard Hinnant's algorithm), so that no time zone or libc state is involved.
  const std::int64_t days = t / 86400;
  const std::int64_t secs = t % 86400;
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  DosDateTime out{};
  out.time = static_cast<std::uint16_t>((secs / 3600) << 11 | ((secs / 60) % 60) << 5 | (secs % 60) / 2);
  out.date = static_cast<std::uint16_t>((y - 1980) << 9 | m << 5 | d);
  return out;
}

std::uint64_t Rng::next() {
  std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint32_t Rng::below(std::uint32_t n) {
  // Multiply-shift: unbiased enough for fixtures and free of modulo's low-bit patterns.
  return static_cast<std::uint32_t>(((next() >> 32) * static_cast<std::uint64_t>(n)) >> 32);
}

Bytes Rng::bytes(std::size_t n) {
  Bytes out;
  out.reserve(n + 8);
  while (out.size() < n) put_u64le(out, next());
  out.resize(n);
  return out;
}

std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace emoguard::fixturegen
