// BinXML value types: names used in spec files, and the encoding of JSON values into their bytes.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "bytes.hpp"

namespace emoguard::evtxgen {

// Spec files keep their key order (Data elements are written in the order given).
using Json = nlohmann::ordered_json;

// Wire codes of the value types (MS-EVEN6 2.2.12, libevtx "Value types").
namespace vt {
inline constexpr std::uint8_t kNull = 0x00;
inline constexpr std::uint8_t kString = 0x01;
inline constexpr std::uint8_t kAnsiString = 0x02;
inline constexpr std::uint8_t kInt8 = 0x03;
inline constexpr std::uint8_t kUInt8 = 0x04;
inline constexpr std::uint8_t kInt16 = 0x05;
inline constexpr std::uint8_t kUInt16 = 0x06;
inline constexpr std::uint8_t kInt32 = 0x07;
inline constexpr std::uint8_t kUInt32 = 0x08;
inline constexpr std::uint8_t kInt64 = 0x09;
inline constexpr std::uint8_t kUInt64 = 0x0A;
inline constexpr std::uint8_t kReal32 = 0x0B;
inline constexpr std::uint8_t kReal64 = 0x0C;
inline constexpr std::uint8_t kBool = 0x0D;
inline constexpr std::uint8_t kBinary = 0x0E;
inline constexpr std::uint8_t kGuid = 0x0F;
inline constexpr std::uint8_t kSizeT = 0x10;
inline constexpr std::uint8_t kFileTime = 0x11;
inline constexpr std::uint8_t kSysTime = 0x12;
inline constexpr std::uint8_t kSid = 0x13;
inline constexpr std::uint8_t kHexInt32 = 0x14;
inline constexpr std::uint8_t kHexInt64 = 0x15;
inline constexpr std::uint8_t kBinXml = 0x21;
inline constexpr std::uint8_t kArray = 0x80;
}  // namespace vt

struct Template;
struct Value;

// A nested BinXML fragment (value type 0x21): fragment header, then an instance of its own template.
struct Fragment {
  const Template* tmpl = nullptr;
  std::vector<Value> values;
};

// One substitution value of a template instance.
struct Value {
  std::uint8_t type = vt::kNull;            // wire type, with vt::kArray for arrays
  Bytes data;                               // the encoded value (empty for null and binxml)
  std::shared_ptr<const Fragment> nested;   // set for binxml only
};

// "uint32" -> 0x08, "string[]" -> 0x81; nullopt for an unknown name or an unsupported array.
[[nodiscard]] std::optional<std::uint8_t> type_from_name(std::string_view name);
[[nodiscard]] std::string type_name(std::uint8_t code);

// The type a plain JSON value gets when the spec gives none: string, uint32/uint64, int32/int64,
// real64, bool, null; arrays of strings or of unsigned integers. Throws InputError otherwise.
[[nodiscard]] std::uint8_t default_type(const Json& v, const std::string& path);

// Encodes v as a value of `type` (not binxml). path names the value in error messages.
[[nodiscard]] Value encode_value(std::uint8_t type, const Json& v, const std::string& path);

// Parsers shared with the System fields. All throw InputError naming path.
[[nodiscard]] std::uint64_t parse_filetime(const Json& v, const std::string& path);
[[nodiscard]] std::array<std::uint8_t, 16> parse_guid(std::string_view s, const std::string& path);
[[nodiscard]] std::uint64_t parse_unsigned(const Json& v, std::uint64_t max, const std::string& path);

// Encodes a FILETIME (100 ns ticks since 1601) as ISO-8601 with 7 fraction digits and 'Z'.
[[nodiscard]] std::string format_filetime(std::uint64_t ticks);

}  // namespace emoguard::evtxgen
