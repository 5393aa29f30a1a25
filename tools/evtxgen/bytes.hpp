// Little-endian byte building, CRC32 and UTF-8 to UTF-16 conversion for the EVTX writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace emoguard::evtxgen {

// Raw bytes. A std::string so that buffers are cheap to build, slice and compare.
using Bytes = std::string;

// A problem in the user's input (spec file, arguments): reported as one line, exit code 2.
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

void put_u8(Bytes& b, std::uint8_t v);
void put_u16(Bytes& b, std::uint16_t v);
void put_u32(Bytes& b, std::uint32_t v);
void put_u64(Bytes& b, std::uint64_t v);
void set_u16(Bytes& b, std::size_t off, std::uint16_t v);
void set_u32(Bytes& b, std::size_t off, std::uint32_t v);
void set_u64(Bytes& b, std::size_t off, std::uint64_t v);
[[nodiscard]] std::uint16_t get_u16(std::string_view b, std::size_t off);
[[nodiscard]] std::uint32_t get_u32(std::string_view b, std::size_t off);
[[nodiscard]] std::uint64_t get_u64(std::string_view b, std::size_t off);

// CRC-32 as in RFC 1952 (zlib's crc32), continuing from crc.
[[nodiscard]] std::uint32_t crc32(std::string_view data, std::uint32_t crc = 0);

// UTF-8 to UTF-16 code units; throws InputError naming `what` on invalid UTF-8.
[[nodiscard]] std::u16string to_utf16(std::string_view utf8, std::string_view what);
// UTF-16 code units as little-endian bytes, no terminator.
void put_utf16(Bytes& b, std::u16string_view s);

}  // namespace emoguard::evtxgen
