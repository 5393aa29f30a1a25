// BinXML value types: names used in spec files, and the encoding of JSON values into their bytes.
#include "values.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include <fmt/format.h>

namespace emoguard::evtxgen {
namespace {

struct TypeName {
  std::string_view name;
  std::uint8_t code;
};

constexpr TypeName kTypeNames[] = {
    {"null", vt::kNull},         {"string", vt::kString},     {"ansistring", vt::kAnsiString},
    {"int8", vt::kInt8},         {"uint8", vt::kUInt8},       {"int16", vt::kInt16},
    {"uint16", vt::kUInt16},     {"int32", vt::kInt32},       {"uint32", vt::kUInt32},
    {"int64", vt::kInt64},       {"uint64", vt::kUInt64},     {"real32", vt::kReal32},
    {"real64", vt::kReal64},     {"bool", vt::kBool},         {"binary", vt::kBinary},
    {"guid", vt::kGuid},         {"sizet", vt::kSizeT},       {"filetime", vt::kFileTime},
    {"systemtime", vt::kSysTime}, {"sid", vt::kSid},          {"hexint32", vt::kHexInt32},
    {"hexint64", vt::kHexInt64}, {"binxml", vt::kBinXml},
};

[[noreturn]] void fail(const std::string& path, const std::string& msg) { throw InputError(path + ": " + msg); }

// Size in bytes of one item of a fixed-size type; 0 for variable-size types.
std::size_t fixed_size(std::uint8_t base) {
  switch (base) {
    case vt::kInt8:
    case vt::kUInt8:
      return 1;
    case vt::kInt16:
    case vt::kUInt16:
      return 2;
    case vt::kInt32:
    case vt::kUInt32:
    case vt::kReal32:
    case vt::kBool:
    case vt::kHexInt32:
      return 4;
    case vt::kInt64:
    case vt::kUInt64:
    case vt::kReal64:
    case vt::kFileTime:
    case vt::kHexInt64:
    case vt::kSizeT:
      return 8;
    case vt::kGuid:
    case vt::kSysTime:
      return 16;
    default:
      return 0;
  }
}

// Parses an unsigned decimal or 0x-hex string.
std::optional<std::uint64_t> parse_u64_text(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return std::nullopt;
    const auto ud = static_cast<std::uint64_t>(d);
    if (v > (std::numeric_limits<std::uint64_t>::max() - ud) / static_cast<std::uint64_t>(base)) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + ud;
  }
  return v;
}

std::int64_t parse_signed(const Json& v, std::int64_t min, std::int64_t max, const std::string& path) {
  std::int64_t x = 0;
  if (v.is_number_unsigned()) {
    const auto u = v.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max)) fail(path, fmt::format("value {} is out of range {}..{}", u, min, max));
    x = static_cast<std::int64_t>(u);
  } else if (v.is_number_integer()) {
    x = v.get<std::int64_t>();
  } else if (v.is_string()) {
    const auto s = v.get<std::string>();
    std::string_view sv = s;
    const bool neg = !sv.empty() && sv[0] == '-';
    if (neg) sv.remove_prefix(1);
    const auto u = parse_u64_text(sv);
    if (!u) fail(path, "'" + s + "' is not an integer");
    if (neg) {
      if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) + 1) fail(path, "'" + s + "' is out of range");
      x = static_cast<std::int64_t>(0 - *u);
    } else {
      if (*u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) fail(path, "'" + s + "' is out of range");
      x = static_cast<std::int64_t>(*u);
    }
  } else {
    fail(path, "expected an integer, got " + std::string(v.type_name()));
  }
  if (x < min || x > max) fail(path, fmt::format("value {} is out of range {}..{}", x, min, max));
  return x;
}

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based civil calendar formula).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

struct DateTime {
  std::int64_t year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  std::uint32_t fraction = 0;  // in units of 10^-max_digits s
};

// "YYYY-MM-DDTHH:MM:SS[.f...]Z" ('T' may be a space, 'Z' may be left out: always UTC).
DateTime parse_iso(std::string_view s, unsigned max_digits, const std::string& path) {
  const std::string orig(s);
  auto bad = [&](const std::string& why) {
    fail(path, "'" + orig + "' is not an ISO-8601 UTC time (YYYY-MM-DDTHH:MM:SS[.fraction]Z): " + why);
  };
  auto num = [&](std::size_t pos, std::size_t len) -> unsigned {
    unsigned v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (i >= s.size() || s[i] < '0' || s[i] > '9') bad("digit expected at position " + std::to_string(i + 1));
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return v;
  };
  if (s.size() < 19) bad("too short");
  DateTime t;
  t.year = num(0, 4);
  if (s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' ') || s[13] != ':' || s[16] != ':') bad("bad separators");
  t.month = num(5, 2);
  t.day = num(8, 2);
  t.hour = num(11, 2);
  t.minute = num(14, 2);
  t.second = num(17, 2);
  std::size_t i = 19;
  unsigned digits = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (++digits > max_digits) bad("at most " + std::to_string(max_digits) + " fraction digits");
      t.fraction = t.fraction * 10 + static_cast<std::uint32_t>(s[i] - '0');
      ++i;
    }
    if (digits == 0) bad("empty fraction");
  }
  for (unsigned k = digits; k < max_digits; ++k) t.fraction *= 10;
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) bad("unexpected '" + std::string(s.substr(i)) + "' (only UTC, 'Z', is supported)");
  if (t.month < 1 || t.month > 12) bad("month out of range");
  if (t.day < 1 || t.day > days_in_month(t.year, t.month)) bad("day out of range");
  if (t.hour > 23 || t.minute > 59 || t.second > 59) bad("time of day out of range");
  return t;
}

void put_sid(Bytes& out, std::string_view s, const std::string& path) {
  const std::string orig(s);
  auto bad = [&](const std::string& why) { fail(path, "'" + orig + "' is not a SID (S-1-5-21-...): " + why); };
  if (s.size() < 2 || (s[0] != 'S' && s[0] != 's') || s[1] != '-') bad("must start with S-");
  s.remove_prefix(2);
  std::vector<std::uint64_t> parts;
  while (true) {
    const auto dash = s.find('-');
    const auto part = s.substr(0, dash);
    if (part.empty() || part.find_first_not_of("0123456789") != std::string_view::npos) bad("components must be decimal");
    const auto v = parse_u64_text(part);
    if (!v) bad("component too large");
    parts.push_back(*v);
    if (dash == std::string_view::npos) break;
    s.remove_prefix(dash + 1);
  }
  if (parts.size() < 2) bad("needs a revision and an authority");
  if (parts.size() - 2 > 15) bad("at most 15 sub-authorities");
  if (parts[0] > 0xFF) bad("revision above 255");
  if (parts[1] > 0xFFFFFFFFFFFFULL) bad("authority above 2^48-1");
  for (std::size_t k = 2; k < parts.size(); ++k)
    if (parts[k] > 0xFFFFFFFFULL) bad("sub-authority above 2^32-1");
  put_u8(out, static_cast<std::uint8_t>(parts[0]));
  put_u8(out, static_cast<std::uint8_t>(parts.size() - 2));
  for (int k = 5; k >= 0; --k) put_u8(out, static_cast<std::uint8_t>((parts[1] >> (8 * k)) & 0xFF));  // big-endian
  for (std::size_t k = 2; k < parts.size(); ++k) put_u32(out, static_cast<std::uint32_t>(parts[k]));
}

void put_hex_bytes(Bytes& out, const Json& v, const std::string& path) {
  if (!v.is_string()) fail(path, "binary values are hex strings (\"4d5a90\")");
  std::string hex;
  for (const char c : v.get<std::string>())
    if (c != ' ') hex.push_back(c);
  if (hex.size() % 2 != 0) fail(path, "hex string has an odd number of digits");
  auto nib = [&](char c) -> unsigned {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    fail(path, std::string("not a hex digit: '") + c + "'");
  };
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const unsigned hi = nib(hex[i]);
    const unsigned lo = nib(hex[i + 1]);
    put_u8(out, static_cast<std::uint8_t>((hi << 4) | lo));
  }
}

// Latin-1 bytes of an ANSI string: windows-1252 agrees with Latin-1 outside 0x80..0x9F, which is refused.
void put_ansi(Bytes& out, const Json& v, const std::string& path) {
  if (!v.is_string()) fail(path, "expected a string, got " + std::string(v.type_name()));
  for (const char16_t u : to_utf16(v.get<std::string>(), path)) {
    if (u == 0) fail(path, "ANSI strings cannot hold NUL");
    if (u > 0xFF || (u >= 0x80 && u < 0xA0)) fail(path, "ANSI strings hold ASCII and U+00A0..U+00FF only");
    put_u8(out, static_cast<std::uint8_t>(u));
  }
}

void put_utf16_string(Bytes& out, const Json& v, bool allow_nul, const std::string& path) {
  if (!v.is_string()) fail(path, "expected a string, got " + std::string(v.type_name()));
  const auto u = to_utf16(v.get<std::string>(), path);
  if (!allow_nul && u.find(u'\0') != std::u16string::npos) fail(path, "array items cannot hold NUL");
  put_utf16(out, u);
}

// Encodes one item of base type `base` (not null, binxml or an array).
void put_item(Bytes& out, std::uint8_t base, const Json& v, const std::string& path) {
  switch (base) {
    case vt::kString:
      put_utf16_string(out, v, true, path);
      return;
    case vt::kAnsiString:
      put_ansi(out, v, path);
      return;
    case vt::kInt8:
      put_u8(out, static_cast<std::uint8_t>(parse_signed(v, -128, 127, path)));
      return;
    case vt::kUInt8:
      put_u8(out, static_cast<std::uint8_t>(parse_unsigned(v, 0xFF, path)));
      return;
    case vt::kInt16:
      put_u16(out, static_cast<std::uint16_t>(parse_signed(v, -32768, 32767, path)));
      return;
    case vt::kUInt16:
      put_u16(out, static_cast<std::uint16_t>(parse_unsigned(v, 0xFFFF, path)));
      return;
    case vt::kInt32:
      put_u32(out, static_cast<std::uint32_t>(parse_signed(v, std::numeric_limits<std::int32_t>::min(),
                                                            std::numeric_limits<std::int32_t>::max(), path)));
      return;
    case vt::kUInt32:
    case vt::kHexInt32:
      put_u32(out, static_cast<std::uint32_t>(parse_unsigned(v, 0xFFFFFFFFULL, path)));
      return;
    case vt::kInt64:
      put_u64(out, static_cast<std::uint64_t>(parse_signed(v, std::numeric_limits<std::int64_t>::min(),
                                                            std::numeric_limits<std::int64_t>::max(), path)));
      return;
    case vt::kUInt64:
    case vt::kHexInt64:
    case vt::kSizeT:
      put_u64(out, parse_unsigned(v, std::numeric_limits<std::uint64_t>::max(), path));
      return;
    case vt::kReal32: {
      if (!v.is_number()) fail(path, "expected a number");
      const double d = v.get<double>();
      if (!std::isfinite(d) || std::fabs(d) > static_cast<double>(std::numeric_limits<float>::max()))
        fail(path, "out of range for real32");
      const auto f = static_cast<float>(d);
      std::uint32_t bits = 0;
      std::memcpy(&bits, &f, sizeof bits);
      put_u32(out, bits);
      return;
    }
    case vt::kReal64: {
      if (!v.is_number()) fail(path, "expected a number");
      const double d = v.get<double>();
      std::uint64_t bits = 0;
      std::memcpy(&bits, &d, sizeof bits);
      put_u64(out, bits);
      return;
    }
    case vt::kBool:
      if (v.is_boolean()) put_u32(out, v.get<bool>() ? 1 : 0);
      else if (v.is_number_unsigned() && v.get<std::uint64_t>() <= 1) put_u32(out, static_cast<std::uint32_t>(v.get<std::uint64_t>()));
      else fail(path, "expected true or false");
      return;
    case vt::kBinary:
      put_hex_bytes(out, v, path);
      return;
    case vt::kGuid: {
      if (!v.is_string()) fail(path, "expected a GUID string");
      const auto g = parse_guid(v.get<std::string>(), path);
      out.append(reinterpret_cast<const char*>(g.data()), g.size());
      return;
    }
    case vt::kFileTime:
      put_u64(out, parse_filetime(v, path));
      return;
    case vt::kSysTime: {
      if (!v.is_string()) fail(path, "expected an ISO-8601 time string");
      const auto t = parse_iso(v.get<std::string>(), 3, path);
      if (t.year < 1601 || t.year > 30827) fail(path, "year out of SYSTEMTIME range 1601..30827");
      const std::int64_t days = days_from_civil(t.year, t.month, t.day);
      const auto dow = static_cast<std::uint16_t>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
      put_u16(out, static_cast<std::uint16_t>(t.year));
      put_u16(out, static_cast<std::uint16_t>(t.month));
      put_u16(out, dow);
      put_u16(out, static_cast<std::uint16_t>(t.day));
      put_u16(out, static_cast<std::uint16_t>(t.hour));
      put_u16(out, static_cast<std::uint16_t>(t.minute));
      put_u16(out, static_cast<std::uint16_t>(t.second));
      put_u16(out, static_cast<std::uint16_t>(t.fraction));
      return;
    }
    case vt::kSid:
      if (!v.is_string()) fail(path, "expected a SID string");
      put_sid(out, v.get<std::string>(), path);
      return;
    default:
      fail(path, "type " + type_name(base) + " cannot be encoded here");
  }
}

}  // namespace

std::optional<std::uint8_t> type_from_name(std::string_view name) {
  bool array = false;
  if (name.size() > 2 && name.substr(name.size() - 2) == "[]") {
    array = true;
    name.remove_suffix(2);
  }
  for (const auto& t : kTypeNames) {
    if (t.name != name) continue;
    // MS-EVEN6: no arrays of binary or binary XML; an array of nulls means nothing.
    if (array && (t.code == vt::kNull || t.code == vt::kBinary || t.code == vt::kBinXml)) return std::nullopt;
    return array ? static_cast<std::uint8_t>(t.code | vt::kArray) : t.code;
  }
  return std::nullopt;
}

std::string type_name(std::uint8_t code) {
  const auto base = static_cast<std::uint8_t>(code & ~vt::kArray);
  for (const auto& t : kTypeNames)
    if (t.code == base) return std::string(t.name) + ((code & vt::kArray) != 0 ? "[]" : "");
  return fmt::format("0x{:02x}", code);
}

std::uint8_t default_type(const Json& v, const std::string& path) {
  if (v.is_string()) return vt::kString;
  if (v.is_boolean()) return vt::kBool;
  if (v.is_null()) return vt::kNull;
  if (v.is_number_unsigned()) return v.get<std::uint64_t>() <= 0xFFFFFFFFULL ? vt::kUInt32 : vt::kUInt64;
  if (v.is_number_integer()) {
    const auto x = v.get<std::int64_t>();
    return x >= std::numeric_limits<std::int32_t>::min() ? vt::kInt32 : vt::kInt64;
  }
  if (v.is_number_float()) return vt::kReal64;
  if (v.is_array()) {
    bool strings = !v.empty();
    bool unsigneds = !v.empty();
    bool big = false;
    for (const auto& item : v) {
      strings = strings && item.is_string();
      unsigneds = unsigneds && item.is_number_unsigned();
      big = big || (item.is_number_unsigned() && item.get<std::uint64_t>() > 0xFFFFFFFFULL);
    }
    if (strings) return vt::kString | vt::kArray;
    if (unsigneds) return static_cast<std::uint8_t>((big ? vt::kUInt64 : vt::kUInt32) | vt::kArray);
    fail(path, "an array needs an explicit type ({\"type\":\"uint16[]\",\"value\":[...]}) unless it holds only strings or only unsigned integers");
  }
  fail(path, "cannot infer a value type from " + std::string(v.type_name()) + "; write {\"type\":..., \"value\":...}");
}

Value encode_value(std::uint8_t type, const Json& v, const std::string& path) {
  Value out;
  out.type = type;
  if (type == vt::kNull) {
    if (!v.is_null()) fail(path, "a null value must be JSON null");
    return out;
  }
  if (type == vt::kBinXml) fail(path, "binxml values are built by the spec reader");
  if ((type & vt::kArray) == 0) {
    put_item(out.data, type, v, path);
    return out;
  }
  const auto base = static_cast<std::uint8_t>(type & ~vt::kArray);
  if (!v.is_array()) fail(path, "type " + type_name(type) + " needs a JSON array");
  std::size_t i = 0;
  for (const auto& item : v) {
    const std::string item_path = path + "[" + std::to_string(i++) + "]";
    if (base == vt::kString) {
      put_utf16_string(out.data, item, false, item_path);
      put_u16(out.data, 0);  // string arrays: each item ends with NUL
    } else if (base == vt::kAnsiString) {
      put_ansi(out.data, item, item_path);
      put_u8(out.data, 0);
    } else {
      // Fixed-size items are concatenated; SIDs carry their own length.
      if (fixed_size(base) == 0 && base != vt::kSid) fail(item_path, "type " + type_name(type) + " cannot be an array");
      put_item(out.data, base, item, item_path);
    }
  }
  return out;
}

std::uint64_t parse_unsigned(const Json& v, std::uint64_t max, const std::string& path) {
  std::uint64_t u = 0;
  if (v.is_number_unsigned()) {
    u = v.get<std::uint64_t>();
  } else if (v.is_number_integer()) {
    fail(path, fmt::format("value {} is negative", v.get<std::int64_t>()));
  } else if (v.is_string()) {
    const auto s = v.get<std::string>();
    const auto p = parse_u64_text(s);
    if (!p) fail(path, "'" + s + "' is not an unsigned integer (decimal or 0x-hex)");
    u = *p;
  } else {
    fail(path, "expected an unsigned integer, got " + std::string(v.type_name()));
  }
  if (u > max) fail(path, fmt::format("value {} is above the maximum {}", u, max));
  return u;
}

std::uint64_t parse_filetime(const Json& v, const std::string& path) {
  if (v.is_number_unsigned()) return v.get<std::uint64_t>();  // raw ticks
  if (!v.is_string()) fail(path, "expected an ISO-8601 time string");
  const auto t = parse_iso(v.get<std::string>(), 7, path);
  if (t.year < 1601) fail(path, "FILETIME starts in 1601");
  const std::int64_t days = days_from_civil(t.year, t.month, t.day) - days_from_civil(1601, 1, 1);
  const auto secs = static_cast<std::uint64_t>(days) * 86400ULL + t.hour * 3600ULL + t.minute * 60ULL + t.second;
  if (secs > (std::numeric_limits<std::uint64_t>::max() - t.fraction) / 10000000ULL) fail(path, "out of FILETIME range");
  return secs * 10000000ULL + t.fraction;
}

std::array<std::uint8_t, 16> parse_guid(std::string_view s, const std::string& path) {
  const std::string orig(s);
  if (s.size() == 38 && s.front() == '{' && s.back() == '}') s = s.substr(1, 36);
  auto bad = [&]() -> void { fail(path, "'" + orig + "' is not a GUID ({XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX})"); };
  if (s.size() != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-') bad();
  std::string hex;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (i != 8 && i != 13 && i != 18 && i != 23) hex.push_back(s[i]);
  std::array<std::uint8_t, 16> raw{};
  for (std::size_t i = 0; i < 16; ++i) {
    const auto b = parse_u64_text("0x" + hex.substr(2 * i, 2));
    if (!b) bad();
    raw[i] = static_cast<std::uint8_t>(*b);
  }
  // Data1, Data2 and Data3 are stored little-endian, the last 8 bytes as written.
  std::array<std::uint8_t, 16> g{};
  g[0] = raw[3];
  g[1] = raw[2];
  g[2] = raw[1];
  g[3] = raw[0];
  g[4] = raw[5];
  g[5] = raw[4];
  g[6] = raw[7];
  g[7] = raw[6];
  for (std::size_t i = 8; i < 16; ++i) g[i] = raw[i];
  return g;
}

std::string format_filetime(std::uint64_t ticks) {
  const std::uint64_t secs = ticks / 10000000ULL;
  const std::uint64_t frac = ticks % 10000000ULL;
  std::int64_t days = static_cast<std::int64_t>(secs / 86400ULL) + days_from_civil(1601, 1, 1);
  const std::uint64_t sod = secs % 86400ULL;
  // civil_from_days, the inverse of days_from_civil.
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}Z", y, m, d, sod / 3600, (sod / 60) % 60, sod % 60, frac);
}

}  // namespace emoguard::evtxgen
