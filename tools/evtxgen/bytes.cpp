// Little-endian byte building, CRC32 and UTF-8 to UTF-16 conversion for the EVTX writer.
#include "bytes.hpp"

#include <zlib.h>

#include <string>

namespace emoguard::evtxgen {

void put_u8(Bytes& b, std::uint8_t v) { b.push_back(static_cast<char>(v)); }

void put_u16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<char>(v & 0xFF));
  b.push_back(static_cast<char>(v >> 8));
}

void put_u32(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void put_u64(Bytes& b, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void set_u16(Bytes& b, std::size_t off, std::uint16_t v) {
  b.at(off + 1);  // bounds check once for the whole field
  b[off] = static_cast<char>(v & 0xFF);
  b[off + 1] = static_cast<char>(v >> 8);
}

void set_u32(Bytes& b, std::size_t off, std::uint32_t v) {
  b.at(off + 3);
  for (std::size_t i = 0; i < 4; ++i) b[off + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

void set_u64(Bytes& b, std::size_t off, std::uint64_t v) {
  b.at(off + 7);
  for (std::size_t i = 0; i < 8; ++i) b[off + i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}

std::uint16_t get_u16(std::string_view b, std::size_t off) {
  if (off + 2 > b.size()) throw std::out_of_range("get_u16");
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[off]) |
                                    (static_cast<unsigned char>(b[off + 1]) << 8));
}

std::uint32_t get_u32(std::string_view b, std::size_t off) {
  if (off + 4 > b.size()) throw std::out_of_range("get_u32");
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(b[off + i])) << (8 * i);
  return v;
}

std::uint64_t get_u64(std::string_view b, std::size_t off) {
  if (off + 8 > b.size()) throw std::out_of_range("get_u64");
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(b[off + i])) << (8 * i);
  return v;
}

std::uint32_t crc32(std::string_view data, std::uint32_t crc) {
  // zlib takes a uInt length: feed large buffers in pieces.
  uLong c = crc;
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  std::size_t left = data.size();
  while (left > 0) {
    const uInt n = left > 0x40000000U ? 0x40000000U : static_cast<uInt>(left);
    c = ::crc32(c, p, n);
    p += n;
    left -= n;
  }
  return static_cast<std::uint32_t>(c);
}

std::u16string to_utf16(std::string_view s, std::string_view what) {
  std::u16string out;
  out.reserve(s.size());
  std::size_t i = 0;
  auto bad = [&]() {
    return InputError(std::string(what) + ": invalid UTF-8 at byte " + std::to_string(i));
  };
  while (i < s.size()) {
    const auto c0 = static_cast<unsigned char>(s[i]);
    char32_t cp = 0;
    std::size_t len = 0;
    if (c0 < 0x80) {
      cp = c0;
      len = 1;
    } else if ((c0 & 0xE0) == 0xC0) {
      cp = c0 & 0x1F;
      len = 2;
    } else if ((c0 & 0xF0) == 0xE0) {
      cp = c0 & 0x0F;
      len = 3;
    } else if ((c0 & 0xF8) == 0xF0) {
      cp = c0 & 0x07;
      len = 4;
    } else {
      throw bad();
    }
    if (i + len > s.size()) throw bad();
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) throw bad();
      cp = (cp << 6) | (c & 0x3F);
    }
    const bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) throw bad();
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (v >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (v & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
    i += len;
  }
  return out;
}

void put_utf16(Bytes& b, std::u16string_view s) {
  for (const char16_t u : s) put_u16(b, static_cast<std::uint16_t>(u));
}

}  // namespace emoguard::evtxgen
