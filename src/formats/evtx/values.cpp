// EVTX substitution values as text: integers, hex, GUIDs, SIDs, times, strings and arrays.
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <charconv>
#include <cstdio>
#include <cstring>

#include "emoguard/text.hpp"
#include "formats/evtx/evtx.hpp"
#include "formats/evtx/internal.hpp"

namespace emoguard::formats::evtx {

using detail::rd16;
using detail::rd32;
using detail::rd64;

namespace detail {

void append_utf16(std::string& out, const std::uint8_t* p, std::size_t units, bool stop_at_nul) {
  // ASCII runs are the common case in event logs; take them a unit at a time without branching
  // into the general path.
  std::size_t i = 0;
  while (i < units) {
    std::uint32_t u = rd16(p + 2 * i);
    if (u < 0x80) {
      if (u == 0 && stop_at_nul) return;
      out.push_back(static_cast<char>(u));
      ++i;
      continue;
    }
    ++i;
    std::uint32_t cp = u;
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i < units) {
        const std::uint32_t lo = rd16(p + 2 * i);
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
          ++i;
        } else {
          cp = 0xFFFD;
        }
      } else {
        cp = 0xFFFD;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      cp = 0xFFFD;
    }
    text::append_utf8(out, static_cast<char32_t>(cp));
  }
}

namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

// 0: copy; 1: two-character escape; 2: \u00XX.
constexpr std::array<std::uint8_t, 128> kJsonEscape = [] {
  std::array<std::uint8_t, 128> t{};
  for (int i = 0; i < 0x20; ++i) t[static_cast<std::size_t>(i)] = 2;
  t['"'] = t['\\'] = t['\n'] = t['\r'] = t['\t'] = t['\b'] = t['\f'] = 1;
  return t;
}();

void escape_ascii(std::string& out, unsigned c) {
  switch (c) {
    case '"': out += "\\\""; return;
    case '\\': out += "\\\\"; return;
    case '\n': out += "\\n"; return;
    case '\r': out += "\\r"; return;
    case '\t': out += "\\t"; return;
    case '\b': out += "\\b"; return;
    case '\f': out += "\\f"; return;
    default:
      out += "\\u00";
      out.push_back(kHexDigits[c >> 4]);
      out.push_back(kHexDigits[c & 15]);
  }
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80 || kJsonEscape[c] == 0) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    escape_ascii(out, c);
  }
  out.append(s.data() + run, s.size() - run);
  out.push_back('"');
}

void append_utf16_json(std::string& out, const std::uint8_t* p, std::size_t units, bool trim) {
  // The output is written through an index into a buffer grown ahead of need: plain ASCII
  // (the bulk of event data) is narrowed 8 units at a time where SSE2 is there.
  out.push_back('"');
  std::size_t w = out.size();
  std::size_t keep = w;  // end of the output up to the last character that is not white space
  out.resize(w + units + 16);
  auto room = [&](std::size_t need) {
    if (w + need > out.size()) out.resize(w + need + 32);  // within capacity: only the new part is filled
  };
  std::size_t i = 0;
  while (i < units) {
#if defined(__SSE2__)
    while (i + 8 <= units) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 2 * i));
      const __m128i b = _mm_packus_epi16(v, v);  // units above 0xFF saturate to 0xFF
      // Not plain: below 0x20 or from 0x80 (negative as signed bytes), a quote or a backslash.
      const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(b, _mm_set1_epi8(0x20)),
                                       _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('"')), _mm_cmpeq_epi8(b, _mm_set1_epi8('\\'))));
      const unsigned m = static_cast<unsigned>(_mm_movemask_epi8(bad)) & 0xFFU;
      if (m != 0) break;
      room(8 + (units - i));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(out.data() + w), b);
      const unsigned ns = ~static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(b, _mm_set1_epi8(' ')))) & 0xFFU;
      if (ns != 0) keep = w + static_cast<std::size_t>(32 - __builtin_clz(ns));
      w += 8;
      i += 8;
    }
#endif
    // One unit at a time: the tail, and whatever the block test stopped at.
    if (i >= units) break;
    const std::uint32_t u = rd16(p + 2 * i);
    if (u == 0) break;
    room(12 + (units - i));
    if (u < 0x80) {
      if (kJsonEscape[u] == 0) {
        out[w++] = static_cast<char>(u);
      } else {
        std::string e;
        escape_ascii(e, u);
        std::memcpy(out.data() + w, e.data(), e.size());
        w += e.size();
      }
      if (u != ' ' && u != '\t' && u != '\n' && u != '\r') keep = w;
      ++i;
      continue;
    }
    std::uint32_t cp = u;
    std::size_t n = 1;
    if (u >= 0xD800 && u <= 0xDBFF) {
      const std::uint32_t lo = i + 1 < units ? rd16(p + 2 * i + 2) : 0;
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        cp = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        n = 2;
      } else {
        cp = 0xFFFD;
      }
    } else if (u >= 0xDC00 && u <= 0xDFFF) {
      cp = 0xFFFD;
    }
    std::string enc;
    text::append_utf8(enc, static_cast<char32_t>(cp));
    std::memcpy(out.data() + w, enc.data(), enc.size());
    w += enc.size();
    keep = w;
    i += n;
  }
  out.resize(trim ? keep : w);
  out.push_back('"');
}

}  // namespace detail

namespace {

template <class T>
void append_int(std::string& out, T v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void append_hex(std::string& out, std::uint64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v, 16);
  out += "0x";
  out.append(buf, r.ptr);
}

constexpr char kHexUpper[] = "0123456789ABCDEF";

void append_hex_bytes(std::string& out, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kHexUpper[p[i] >> 4]);
    out.push_back(kHexUpper[p[i] & 15]);
  }
}

void append_guid(std::string& out, const std::uint8_t* p, Style style) {
  // Data1..Data3 little-endian, Data4 as stored.
  static constexpr int kOrder[16] = {3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15};
  if (style == Style::windows) out.push_back('{');
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const std::uint8_t b = p[kOrder[i]];
    out.push_back(kHexUpper[b >> 4]);
    out.push_back(kHexUpper[b & 15]);
  }
  if (style == Style::windows) out.push_back('}');
}

// Windows-1252 bytes 0x80-0x9F; the rest of the high half equals Latin-1.
constexpr std::array<std::uint16_t, 32> kCp1252High = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

void append_ansi(std::string& out, const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t b = p[i];
    if (b == 0) continue;  // NULs dropped, as the evtx crate does
    if (b < 0x80) {
      out.push_back(static_cast<char>(b));
      continue;
    }
    text::append_utf8(out, b < 0xA0 ? kCp1252High[b - 0x80] : b);
  }
}

void append_sid(std::string& out, const std::uint8_t* p, std::size_t n) {
  if (n < 8) {
    append_hex_bytes(out, p, n);
    return;
  }
  const std::uint8_t count = p[1];
  std::uint64_t auth = 0;
  for (int i = 0; i < 6; ++i) auth = (auth << 8) | p[2 + i];
  out += "S-";
  append_int(out, static_cast<unsigned>(p[0]));
  out.push_back('-');
  append_int(out, auth);
  for (std::size_t i = 0; i < count && 8 + 4 * i + 4 <= n; ++i) {
    out.push_back('-');
    append_int(out, rd32(p + 8 + 4 * i));
  }
}

void append_2(std::string& out, unsigned v) {
  out.push_back(static_cast<char>('0' + (v / 10) % 10));
  out.push_back(static_cast<char>('0' + v % 10));
}

// Days since 1970-01-01 to a civil date (proleptic Gregorian).
void civil(std::int64_t days, int& y, unsigned& m, unsigned& d) {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0));
}

std::int64_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void append_systemtime(std::string& out, const std::uint8_t* p, Style style) {
  const unsigned y = rd16(p), mo = rd16(p + 2), d = rd16(p + 6), h = rd16(p + 8), mi = rd16(p + 10), s = rd16(p + 12),
                 ms = rd16(p + 14);
  if (y == 0 && mo == 0 && d == 0) {
    out += style == Style::json ? "1601-01-01T00:00:00.000000Z" : "1601-01-01T00:00:00.000Z";
    return;
  }
  char buf[48];
  if (style == Style::json) {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u.%06uZ", y % 10000, mo % 100, d % 100, h % 100, mi % 100, s % 100,
                  (ms % 1000) * 1000);
  } else {
    std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ", y % 10000, mo % 100, d % 100, h % 100, mi % 100, s % 100,
                  ms % 1000);
  }
  out += buf;
}

void append_scalar(std::string& out, std::uint8_t type, const std::uint8_t* p, std::size_t n, Style style) {
  switch (type) {
    case kNull: return;
    case kString: {
      const std::size_t start = out.size();
      detail::append_utf16(out, p, n / 2, true);
      // The evtx crate (and so the SigmaHQ regression JSON) trims trailing white space;
      // Windows keeps it. Each style follows its reference.
      if (style == Style::json) {
        while (out.size() > start && (out.back() == ' ' || out.back() == '\t' || out.back() == '\n' || out.back() == '\r')) out.pop_back();
      }
      return;
    }
    case kAnsiString: append_ansi(out, p, n); return;
    case kInt8: if (n >= 1) append_int(out, static_cast<std::int8_t>(p[0])); return;
    case kUInt8: if (n >= 1) append_int(out, static_cast<unsigned>(p[0])); return;
    case kInt16: if (n >= 2) append_int(out, static_cast<std::int16_t>(rd16(p))); return;
    case kUInt16: if (n >= 2) append_int(out, rd16(p)); return;
    case kInt32: if (n >= 4) append_int(out, static_cast<std::int32_t>(rd32(p))); return;
    case kUInt32: if (n >= 4) append_int(out, rd32(p)); return;
    case kInt64: if (n >= 8) append_int(out, static_cast<std::int64_t>(rd64(p))); return;
    case kUInt64: if (n >= 8) append_int(out, rd64(p)); return;
    case kReal32:
      if (n >= 4) {
        float f;
        std::memcpy(&f, p, 4);
        char buf[48];
        const auto r = std::to_chars(buf, buf + sizeof buf, f);
        out.append(buf, r.ptr);
      }
      return;
    case kReal64:
      if (n >= 8) {
        double f;
        std::memcpy(&f, p, 8);
        char buf[48];
        const auto r = std::to_chars(buf, buf + sizeof buf, f);
        out.append(buf, r.ptr);
      }
      return;
    case kBool: {
      bool v = false;
      for (std::size_t i = 0; i < n; ++i) v = v || p[i] != 0;
      out += v ? "true" : "false";
      return;
    }
    case kGuid: if (n >= 16) append_guid(out, p, style); else append_hex_bytes(out, p, n); return;
    case kSizeT:
      if (n == 4) append_hex(out, rd32(p));
      else if (n == 8) append_hex(out, rd64(p));
      else append_hex_bytes(out, p, n);
      return;
    case kFileTime: if (n >= 8) append_filetime(out, rd64(p), style == Style::json ? 6 : 7); return;
    case kSysTime: if (n >= 16) append_systemtime(out, p, style); return;
    case kSid: append_sid(out, p, n); return;
    case kHexInt32: if (n >= 4) append_hex(out, rd32(p)); return;
    case kHexInt64: if (n >= 8) append_hex(out, rd64(p)); return;
    default: append_hex_bytes(out, p, n); return;  // Binary, EvtHandle, EvtXml and unknown types
  }
}

std::size_t item_size(std::uint8_t base, std::size_t total) {
  switch (base) {
    case kInt8: case kUInt8: return 1;
    case kInt16: case kUInt16: return 2;
    case kInt32: case kUInt32: case kReal32: case kBool: case kHexInt32: return 4;
    case kInt64: case kUInt64: case kReal64: case kFileTime: case kHexInt64: return 8;
    case kGuid: case kSysTime: return 16;
    case kSizeT: return total % 8 == 0 ? 8 : 4;
    default: return 0;
  }
}

// Start and length of each item of an array value, by calling f(p, n).
template <class F>
void for_each_item(const Value& v, F&& f) {
  const std::uint8_t base = v.type & 0x7F;
  const std::uint8_t* p = v.bytes.data();
  const std::size_t n = v.bytes.size();
  if (base == kString) {
    // NUL-separated UTF-16 strings; a trailing NUL ends the last one.
    std::size_t start = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2) {
      if (rd16(p + i) == 0) {
        f(p + start, i - start);
        start = i + 2;
      }
    }
    if (start + 1 < n) f(p + start, (n - start) & ~std::size_t{1});
    return;
  }
  if (base == kAnsiString) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (p[i] == 0) {
        f(p + start, i - start);
        start = i + 1;
      }
    }
    if (start < n) f(p + start, n - start);
    return;
  }
  if (base == kSid) {
    std::size_t off = 0;
    while (off + 8 <= n) {
      const std::size_t len = 8 + std::size_t{p[off + 1]} * 4;
      if (off + len > n) break;
      f(p + off, len);
      off += len;
    }
    return;
  }
  const std::size_t is = item_size(base, n);
  if (is == 0) {
    f(p, n);
    return;
  }
  for (std::size_t off = 0; off + is <= n; off += is) f(p + off, is);
}

}  // namespace

void append_filetime(std::string& out, std::uint64_t ft, int digits) {
  const std::uint64_t secs = ft / 10'000'000ULL;
  const auto frac = static_cast<unsigned>(ft % 10'000'000ULL);
  const auto days = static_cast<std::int64_t>(secs / 86400) - 134774;  // 1601-01-01 .. 1970-01-01
  const auto rem = static_cast<unsigned>(secs % 86400);
  int y = 0;
  unsigned m = 0, d = 0;
  civil(days, y, m, d);
  if (y >= 0 && y <= 9999) {
    append_2(out, static_cast<unsigned>(y) / 100);
    append_2(out, static_cast<unsigned>(y) % 100);
    out.push_back('-');
  } else {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-", y);
    out += buf;
  }
  append_2(out, m);
  out.push_back('-');
  append_2(out, d);
  out.push_back('T');
  append_2(out, rem / 3600);
  out.push_back(':');
  append_2(out, (rem / 60) % 60);
  out.push_back(':');
  append_2(out, rem % 60);
  if (digits > 0) {
    out.push_back('.');
    char f[7];
    unsigned v = frac;
    for (int i = 6; i >= 0; --i) {
      f[i] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    out.append(f, static_cast<std::size_t>(std::min(digits, 7)));
  }
  out.push_back('Z');
}

std::optional<std::uint64_t> parse_iso_filetime(std::string_view s) {
  auto num = [&](std::size_t pos, std::size_t len, unsigned& v) {
    if (pos + len > s.size()) return false;
    v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + static_cast<unsigned>(s[i] - '0');
    }
    return true;
  };
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!num(0, 4, y) || s.size() < 10 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d)) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || y < 1601) return std::nullopt;
  std::size_t pos = 10;
  std::uint64_t frac = 0;
  if (pos < s.size() && (s[pos] == 'T' || s[pos] == ' ')) {
    if (!num(pos + 1, 2, h) || pos + 3 >= s.size() || s[pos + 3] != ':' || !num(pos + 4, 2, mi)) return std::nullopt;
    pos += 6;
    if (pos < s.size() && s[pos] == ':') {
      if (!num(pos + 1, 2, sec)) return std::nullopt;
      pos += 3;
      if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
          if (digits < 7) {
            frac = frac * 10 + static_cast<unsigned>(s[pos] - '0');
            ++digits;
          }
          ++pos;
        }
        for (; digits < 7; ++digits) frac *= 10;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
  }
  if (pos < s.size() && s[pos] == 'Z') ++pos;
  if (pos != s.size()) return std::nullopt;
  const std::int64_t days = days_from_civil(static_cast<int>(y), mo, d) + 134774;
  return static_cast<std::uint64_t>(days) * 86400ULL * 10'000'000ULL + (std::uint64_t{h} * 3600 + mi * 60 + sec) * 10'000'000ULL + frac;
}

void append_value_text(std::string& out, const Value& v, Style style) {
  if (v.type & kArrayFlag) {
    bool first = true;
    for_each_item(v, [&](const std::uint8_t* p, std::size_t n) {
      if (!first) out += ", ";
      first = false;
      append_scalar(out, v.type & 0x7F, p, n, style);
    });
    return;
  }
  append_scalar(out, v.type, v.bytes.data(), v.bytes.size(), style);
}

void append_scalar_text(std::string& out, std::uint8_t type, ByteView bytes, Style style) {
  append_scalar(out, static_cast<std::uint8_t>(type & 0x7F), bytes.data(), bytes.size(), style);
}

void for_each_array_item(const Value& v, const std::function<void(ByteView)>& f) {
  if (!(v.type & kArrayFlag)) return;
  for_each_item(v, [&](const std::uint8_t* p, std::size_t n) { f(ByteView(p, n)); });
}

std::size_t array_size(const Value& v) {
  if (!(v.type & kArrayFlag)) return 0;
  std::size_t count = 0;
  for_each_item(v, [&](const std::uint8_t*, std::size_t) { ++count; });
  return count;
}

void append_array_item(std::string& out, const Value& v, std::size_t item, Style style) {
  std::size_t i = 0;
  for_each_item(v, [&](const std::uint8_t* p, std::size_t n) {
    if (i++ == item) append_scalar(out, v.type & 0x7F, p, n, style);
  });
}

}  // namespace emoguard::formats::evtx
