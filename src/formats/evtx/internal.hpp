// Helpers shared by the EVTX parser's translation units; not part of its interface.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>

namespace emoguard::formats::evtx::detail {

static_assert(std::endian::native == std::endian::little, "EVTX reads assume a little-endian host");

inline std::uint16_t rd16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }
inline std::uint32_t rd32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline std::uint64_t rd64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// UTF-16LE code units to UTF-8; stops at the first NUL when stop_at_nul. Unpaired surrogates
// become U+FFFD so the output is always valid UTF-8.
void append_utf16(std::string& out, const std::uint8_t* p, std::size_t units, bool stop_at_nul);
// The same as a quoted JSON string in one pass: stops at a NUL, escapes as JSON needs, and drops
// trailing white space when trim (the evtx crate's form).
void append_utf16_json(std::string& out, const std::uint8_t* p, std::size_t units, bool trim);
// A quoted JSON string of valid UTF-8.
void append_json_string(std::string& out, std::string_view s);

}  // namespace emoguard::formats::evtx::detail
