// Byte-building helpers shared by the fixture writers: little/big-endian fields, CRC32, UTF-16, base64, a seeded RNG.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include <fmt/format.h>

// fmt::format whose arguments are evaluated left to right. A call's arguments are evaluated in
// an unspecified order (GCC goes right to left, Clang left to right), so two random draws in one
// call would make the output depend on the compiler; a braced list is always left to right.
#define EMOGUARD_SEQ_FORMAT(FMT, ...) \
  std::apply([&](auto&&... emoguard_seq_args) { return fmt::format(FMT, emoguard_seq_args...); }, std::tuple{__VA_ARGS__})

namespace emoguard::fixturegen {

// Every writer builds into a std::string: bytes that are also easy to embed and compare.
using Bytes = std::string;

// A fixed instant for every timestamp we write (2022-11-02 09:15:00 UTC, the week Emotet returned
// after its summer pause), so that two runs produce the same bytes.
inline constexpr std::int64_t kFixedUnixTime = 1667380500;
// The same instant as a Windows FILETIME (100 ns ticks since 1601-01-01).
inline constexpr std::uint64_t kFixedFiletime = (static_cast<std::uint64_t>(kFixedUnixTime) + 11644473600ULL) * 10000000ULL;

void put_u8(Bytes& b, std::uint8_t v);
void put_u16le(Bytes& b, std::uint16_t v);
void put_u32le(Bytes& b, std::uint32_t v);
void put_u64le(Bytes& b, std::uint64_t v);
void put_u16be(Bytes& b, std::uint16_t v);
void put_u32be(Bytes& b, std::uint32_t v);
// ISO 9660 stores many numbers twice, little-endian then big-endian.
void put_u16both(Bytes& b, std::uint16_t v);
void put_u32both(Bytes& b, std::uint32_t v);
void put_zeros(Bytes& b, std::size_t n);
// Pads with zeros to a multiple of align.
void pad_to(Bytes& b, std::size_t align);

// Overwrite fields already reserved (sizes and offsets known only after the body is written).
void set_u16le(Bytes& b, std::size_t off, std::uint16_t v);
void set_u32le(Bytes& b, std::size_t off, std::uint32_t v);
void set_u64le(Bytes& b, std::size_t off, std::uint64_t v);

// CRC-32 (ISO-HDLC, as in ZIP, gzip, PNG, EVTX, 7z, RAR5), computed by zlib.
[[nodiscard]] std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

// Decodes the code point at s[i] and moves i past it; throws std::invalid_argument on bad UTF-8.
[[nodiscard]] char32_t next_code_point(std::string_view s, std::size_t& i);
// UTF-8 to UTF-16LE code units as bytes; no terminator. Input must be valid UTF-8 (ours always is).
[[nodiscard]] Bytes utf16le(std::string_view utf8);
// Number of UTF-16 code units in a UTF-8 string.
[[nodiscard]] std::size_t utf16_units(std::string_view utf8);

// RFC 4648 base64; line_len 0 for one line, else CRLF-separated lines (MIME uses 76).
[[nodiscard]] std::string base64(std::string_view data, std::size_t line_len = 0);

// A GUID in its on-disk mixed-endian layout, from the text form "XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX".
using Guid = std::array<std::uint8_t, 16>;
[[nodiscard]] Guid guid(std::string_view text);
void put_guid(Bytes& b, const Guid& g);

// Windows FILETIME and MS-DOS date/time of a Unix time (UTC).
[[nodiscard]] std::uint64_t unix_to_filetime(std::int64_t t);
struct DosDateTime {
  std::uint16_t time;
  std::uint16_t date;
};
[[nodiscard]] DosDateTime unix_to_dos(std::int64_t t);

// SplitMix64: small, fast and identical on every platform, unlike std:: distributions, so that a
// seed names the same tree everywhere.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next();
  // Uniform in [0, n); n > 0.
  std::uint32_t below(std::uint32_t n);
  // Uniform in [lo, hi].
  std::uint32_t between(std::uint32_t lo, std::uint32_t hi) { return lo + below(hi - lo + 1); }
  bool chance(std::uint32_t percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const std::array<T, N>& a) {
    return a[below(static_cast<std::uint32_t>(N))];
  }
  // n pseudo-random bytes (for encrypted or compressed-looking payloads).
  Bytes bytes(std::size_t n);

 private:
  std::uint64_t state_;
};

// A stable 64-bit hash (FNV-1a) to derive per-item seeds from names.
[[nodiscard]] std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ULL);

}  // namespace emoguard::fixturegen
