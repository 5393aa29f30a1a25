// Text helpers: bilingual messages, UTF-8 validation, UTF-16 and code-page conversion, Base64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emoguard/bytes.hpp"

namespace emoguard {

// A message in the two languages emoguard speaks. Japanese may be empty: English is then shown.
struct Text {
  std::string en;
  std::string ja;
  [[nodiscard]] const std::string& in(std::string_view lang) const { return lang == "ja" && !ja.empty() ? ja : en; }
};

namespace text {

[[nodiscard]] bool is_valid_utf8(std::string_view s) noexcept;
// UTF-16LE bytes to UTF-8; an odd trailing byte is dropped, unpaired surrogates become U+FFFD.
[[nodiscard]] std::string utf16le_to_utf8(ByteView bytes);
void append_utf8(std::string& out, char32_t cp);
// Convert from a named code page (iconv names: CP932, ISO-2022-JP, EUC-JP, ...) to UTF-8.
[[nodiscard]] Result<std::string> to_utf8(ByteView bytes, const char* from_charset);
[[nodiscard]] std::string base64_encode(ByteView bytes);
// Decodes leniently (RFC 2045: characters outside the alphabet are skipped, padding optional).
[[nodiscard]] std::string base64_decode(std::string_view s);
[[nodiscard]] std::string to_lower_ascii(std::string_view s);
[[nodiscard]] std::string hex(ByteView bytes);
// Printable rendering of bytes for a message: non-printables as \xNN, cut at max bytes.
[[nodiscard]] std::string printable(ByteView bytes, std::size_t max = 64);

}  // namespace text
}  // namespace emoguard
