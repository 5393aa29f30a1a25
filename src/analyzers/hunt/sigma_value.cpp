// Sigma value matchers: modifiers compiled once into patterns (wildcards, fast paths, RE2, CIDR,
// numbers, field references) so that matching an event allocates nothing.
#include "analyzers/hunt/sigma_value.hpp"

#include <arpa/inet.h>
#include <re2/re2.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <utility>

namespace emoguard::analyzers::hunt {

namespace {

// A value's expansions (windash x expand placeholders) are capped so that a hostile rule cannot
// make compile() build millions of patterns.
constexpr std::size_t kMaxAlternativesPerValue = 4096;
constexpr std::size_t kMaxWindashPlaces = 4;

Error fail(std::string message) { return make_error(Errc::malformed, std::move(message)); }

// ---------------------------------------------------------------- text helpers

inline char fold(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + ('a' - 'A')) : c; }

void fold_in_place(std::string& s) noexcept {
  for (char& c : s) c = fold(c);
}

bool eq_ci(std::string_view text, std::string_view folded_needle) noexcept {
  if (text.size() != folded_needle.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (fold(text[i]) != folded_needle[i]) return false;
  }
  return true;
}

// Length of the UTF-8 code point starting at text[i] (1 for a stray continuation or invalid byte,
// never past the end).
inline std::size_t cp_len(std::string_view text, std::size_t i) noexcept {
  std::size_t n = 1;
  while (i + n < text.size() && (static_cast<unsigned char>(text[i + n]) & 0xC0U) == 0x80U && n < 4) ++n;
  return n;
}

inline bool is_word(unsigned char c) noexcept {
  // ASCII word characters as in regex \w; non-ASCII bytes count as letters (Python's Unicode \w).
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

// Decodes UTF-8 leniently: an invalid byte becomes the code point of the same value (Latin-1).
std::vector<char32_t> decode_utf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b0 = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      len = 1;
      cp = b0;
    } else if ((b0 & 0xE0U) == 0xC0U) {
      len = 2;
      cp = b0 & 0x1FU;
    } else if ((b0 & 0xF0U) == 0xE0U) {
      len = 3;
      cp = b0 & 0x0FU;
    } else if ((b0 & 0xF8U) == 0xF0U) {
      len = 4;
      cp = b0 & 0x07U;
    }
    bool ok = len != 0 && i + len <= s.size();
    for (std::size_t k = 1; ok && k < len; ++k) {
      const auto b = static_cast<unsigned char>(s[i + k]);
      if ((b & 0xC0U) != 0x80U) {
        ok = false;
      } else {
        cp = (cp << 6U) | (b & 0x3FU);
      }
    }
    if (ok && len > 1 && (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))) ok = false;
    if (!ok) {
      out.push_back(b0);
      ++i;
    } else {
      out.push_back(cp);
      i += len;
    }
  }
  return out;
}

enum class Encoding : std::uint8_t { none, utf16le, utf16be, utf16bom };

std::string encode_utf16(std::string_view utf8, Encoding enc, bool with_bom) {
  std::string out;
  const bool be = enc == Encoding::utf16be;
  const auto put = [&out, be](std::uint16_t unit) {
    const auto lo = static_cast<char>(unit & 0xFFU);
    const auto hi = static_cast<char>(unit >> 8U);
    if (be) {
      out.push_back(hi);
      out.push_back(lo);
    } else {
      out.push_back(lo);
      out.push_back(hi);
    }
  };
  if (with_bom) {
    out.push_back(static_cast<char>(0xFF));
    out.push_back(static_cast<char>(0xFE));
  }
  for (const char32_t cp : decode_utf8(utf8)) {
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      put(static_cast<std::uint16_t>(0xD800 + (v >> 10U)));
      put(static_cast<std::uint16_t>(0xDC00 + (v & 0x3FFU)));
    } else {
      put(static_cast<std::uint16_t>(cp));
    }
  }
  return out;
}

// ---------------------------------------------------------------- wildcard patterns

struct Tok {
  enum Kind : std::uint8_t { lit, star, one } kind = lit;
  std::string text;  // for lit
};

// Sigma string: '*' any run, '?' one character; '\*' '\?' '\\' escapes; any other '\' is literal.
std::vector<Tok> parse_wildcards(std::string_view v) {
  std::vector<Tok> toks;
  const auto add_lit = [&toks](char c) {
    if (toks.empty() || toks.back().kind != Tok::lit) toks.push_back(Tok{Tok::lit, {}});
    toks.back().text.push_back(c);
  };
  for (std::size_t i = 0; i < v.size(); ++i) {
    const char c = v[i];
    if (c == '\\' && i + 1 < v.size() && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) {
      add_lit(v[i + 1]);
      ++i;
    } else if (c == '*') {
      if (toks.empty() || toks.back().kind != Tok::star) toks.push_back(Tok{Tok::star, {}});
    } else if (c == '?') {
      toks.push_back(Tok{Tok::one, {}});
    } else {
      add_lit(c);
    }
  }
  return toks;
}

// The value as plain bytes: escapes resolved, wildcards taken literally (for |base64...).
std::string unescape_literal(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size() && (v[i + 1] == '*' || v[i + 1] == '?' || v[i + 1] == '\\')) ++i;
    out.push_back(v[i]);
  }
  return out;
}

enum class Cmp : std::uint8_t { any, exact, prefix, suffix, contains, glob };

struct Pattern {
  Cmp cmp = Cmp::exact;
  bool cased = false;
  std::string needle;     // folded unless cased (exact, prefix, suffix, contains)
  std::vector<Tok> toks;  // glob; literals folded unless cased
};

Pattern make_pattern(std::vector<Tok> toks, bool cased) {
  Pattern p;
  p.cased = cased;
  if (!cased) {
    for (Tok& t : toks) fold_in_place(t.text);
  }
  bool has_one = false;
  std::size_t stars = 0;
  for (const Tok& t : toks) {
    has_one = has_one || t.kind == Tok::one;
    stars += t.kind == Tok::star ? 1U : 0U;
  }
  const auto is = [&toks](std::size_t i, Tok::Kind k) { return i < toks.size() && toks[i].kind == k; };
  if (!has_one) {
    if (toks.empty()) {
      p.cmp = Cmp::exact;
      return p;
    }
    if (toks.size() == 1 && is(0, Tok::star)) {
      p.cmp = Cmp::any;
      return p;
    }
    if (toks.size() == 1) {
      p.cmp = Cmp::exact;
      p.needle = std::move(toks[0].text);
      return p;
    }
    if (toks.size() == 2 && is(0, Tok::lit)) {
      p.cmp = Cmp::prefix;
      p.needle = std::move(toks[0].text);
      return p;
    }
    if (toks.size() == 2 && is(1, Tok::lit)) {
      p.cmp = Cmp::suffix;
      p.needle = std::move(toks[1].text);
      return p;
    }
    if (toks.size() == 3 && stars == 2 && is(1, Tok::lit)) {
      p.cmp = Cmp::contains;
      p.needle = std::move(toks[1].text);
      return p;
    }
  }
  p.cmp = Cmp::glob;
  p.toks = std::move(toks);
  return p;
}

// Greedy matching with backtracking to the last star; a literal after the star is located with
// find() so common patterns stay linear.
bool glob_match(std::string_view text, const std::vector<Tok>& toks) noexcept {
  constexpr std::size_t npos = std::string_view::npos;
  std::size_t p = 0;
  std::size_t s = 0;
  std::size_t star_p = npos;
  std::size_t star_s = 0;
  const std::size_t n = text.size();
  for (;;) {
    if (p < toks.size()) {
      const Tok& t = toks[p];
      if (t.kind == Tok::star) {
        star_p = p;
        star_s = s;
        ++p;
        continue;
      }
      if (t.kind == Tok::one) {
        if (s < n) {
          s += cp_len(text, s);
          ++p;
          continue;
        }
      } else if (n - s >= t.text.size() && std::memcmp(text.data() + s, t.text.data(), t.text.size()) == 0) {
        s += t.text.size();
        ++p;
        continue;
      }
    } else if (s == n) {
      return true;
    }
    // Mismatch: let the last star absorb one more code point.
    if (star_p == npos || star_s >= n) return false;
    star_s += cp_len(text, star_s);
    if (star_p + 1 < toks.size() && toks[star_p + 1].kind == Tok::lit) {
      const std::size_t at = text.find(toks[star_p + 1].text, star_s);
      if (at == npos) return false;
      star_s = at;
    }
    s = star_s;
    p = star_p + 1;
  }
}

// A field value with its ASCII-folded copy made on first need (thread_local buffer: no allocation
// once it has grown).
class Subject {
 public:
  explicit Subject(std::string_view raw) noexcept : raw_(raw) {}
  [[nodiscard]] std::string_view raw() const noexcept { return raw_; }
  std::string_view folded() {
    if (!have_) {
      thread_local std::string buf;
      buf.assign(raw_.data(), raw_.size());
      fold_in_place(buf);
      folded_ = buf;
      have_ = true;
    }
    return folded_;
  }

 private:
  std::string_view raw_;
  std::string_view folded_;
  bool have_ = false;
};

bool match_pattern(const Pattern& p, Subject& subject) {
  const std::string_view raw = subject.raw();
  switch (p.cmp) {
    case Cmp::any:
      return true;
    case Cmp::exact:
      return p.cased ? raw == p.needle : eq_ci(raw, p.needle);
    case Cmp::prefix:
      if (raw.size() < p.needle.size()) return false;
      return p.cased ? raw.substr(0, p.needle.size()) == p.needle : eq_ci(raw.substr(0, p.needle.size()), p.needle);
    case Cmp::suffix:
      if (raw.size() < p.needle.size()) return false;
      return p.cased ? raw.substr(raw.size() - p.needle.size()) == p.needle
                     : eq_ci(raw.substr(raw.size() - p.needle.size()), p.needle);
    case Cmp::contains:
      if (raw.size() < p.needle.size()) return false;
      return (p.cased ? raw : subject.folded()).find(p.needle) != std::string_view::npos;
    case Cmp::glob:
      return glob_match(p.cased ? raw : subject.folded(), p.toks);
  }
  return false;
}

// ---------------------------------------------------------------- numbers and networks

struct Number {
  bool is_float = false;
  double d = 0;
  bool neg = false;
  std::uint64_t mag = 0;
};

std::optional<Number> parse_number(std::string_view s) {
  s = trim(s);
  if (s.empty()) return std::nullopt;
  Number n;
  std::string_view body = s;
  if (body.front() == '-' || body.front() == '+') {
    n.neg = body.front() == '-';
    body.remove_prefix(1);
  }
  if (body.empty()) return std::nullopt;
  int base = 10;
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    base = 16;
    body.remove_prefix(2);
  }
  const char* end = body.data() + body.size();
  auto [ptr, ec] = std::from_chars(body.data(), end, n.mag, base);
  if (ec == std::errc{} && ptr == end) {
    n.d = n.neg ? -static_cast<double>(n.mag) : static_cast<double>(n.mag);
    if (n.mag == 0) n.neg = false;
    return n;
  }
  if (base == 16) return std::nullopt;
  // A decimal fraction or an integer too large for 64 bits.
  for (const char c : body) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '-' || c == '+')) return std::nullopt;
  }
  double d = 0;
  auto [p2, ec2] = std::from_chars(body.data(), end, d);
  if (ec2 != std::errc{} || p2 != end) return std::nullopt;
  n.is_float = true;
  n.d = n.neg ? -d : d;
  return n;
}

// -1, 0, 1 as a <, ==, > b.
int compare_numbers(const Number& a, const Number& b) noexcept {
  if (a.is_float || b.is_float) return a.d < b.d ? -1 : (a.d > b.d ? 1 : 0);
  if (a.neg != b.neg) return a.neg ? -1 : 1;
  if (a.mag == b.mag) return 0;
  const bool a_less_mag = a.mag < b.mag;
  return (a_less_mag != a.neg) ? -1 : 1;
}

struct Net {
  bool v6 = false;
  std::array<unsigned char, 16> addr{};
  unsigned prefix = 0;
};

struct Ip {
  bool v6 = false;
  std::array<unsigned char, 16> addr{};
};

std::optional<Ip> parse_ip(std::string_view s) {
  s = trim(s);
  if (const auto pct = s.find('%'); pct != std::string_view::npos) s = s.substr(0, pct);  // IPv6 zone
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') s = s.substr(1, s.size() - 2);
  if (s.empty() || s.size() > 63) return std::nullopt;
  char buf[64];
  std::memcpy(buf, s.data(), s.size());
  buf[s.size()] = '\0';
  Ip ip;
  if (inet_pton(AF_INET, buf, ip.addr.data()) == 1) return ip;
  if (inet_pton(AF_INET6, buf, ip.addr.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return std::nullopt;
}

std::optional<Net> parse_cidr(std::string_view s) {
  s = trim(s);
  const auto slash = s.find('/');
  const auto ip = parse_ip(s.substr(0, slash));
  if (!ip) return std::nullopt;
  Net net;
  net.v6 = ip->v6;
  net.addr = ip->addr;
  const unsigned max = net.v6 ? 128U : 32U;
  net.prefix = max;
  if (slash != std::string_view::npos) {
    const std::string_view p = s.substr(slash + 1);
    unsigned v = 0;
    auto [ptr, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (p.empty() || ec != std::errc{} || ptr != p.data() + p.size() || v > max) return std::nullopt;
    net.prefix = v;
  }
  // Host bits are cleared (10.1.2.3/8 means 10.0.0.0/8).
  for (unsigned bit = net.prefix; bit < max; ++bit) {
    net.addr[bit / 8] = static_cast<unsigned char>(net.addr[bit / 8] & ~(0x80U >> (bit % 8)));
  }
  return net;
}

bool in_net(const Net& net, Ip ip) noexcept {
  if (!net.v6 && ip.v6) {
    // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is tested as the IPv4 address.
    static constexpr std::array<unsigned char, 12> kMapped{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF};
    if (!std::equal(kMapped.begin(), kMapped.end(), ip.addr.begin())) return false;
    std::memmove(ip.addr.data(), ip.addr.data() + 12, 4);
    ip.v6 = false;
  }
  if (net.v6 != ip.v6) return false;
  const unsigned full = net.prefix / 8;
  if (std::memcmp(net.addr.data(), ip.addr.data(), full) != 0) return false;
  const unsigned rest = net.prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<unsigned char>(0xFFU << (8 - rest));
  return (net.addr[full] & mask) == (ip.addr[full] & mask);
}

// ---------------------------------------------------------------- modifiers

enum class Special : std::uint8_t { none, re, cidr, exists, numeric, fieldref };
enum class NumOp : std::uint8_t { gt, gte, lt, lte };

struct Mods {
  bool contains = false, startswith = false, endswith = false, all = false, cased = false;
  bool re_i = false, re_m = false, re_s = false;
  bool windash = false, base64 = false, base64offset = false, neq = false, expand = false;
  Encoding enc = Encoding::none;
  Special special = Special::none;
  std::string special_name;
  NumOp num = NumOp::gt;
};

bool is_time_part(std::string_view m) {
  return m == "minute" || m == "hour" || m == "day" || m == "week" || m == "month" || m == "year";
}

Result<Mods> parse_modifiers(std::span<const std::string> modifiers) {
  Mods m;
  std::vector<std::string_view> others;  // non-special modifiers, for combination checks
  for (const std::string& name : modifiers) {
    Special sp = Special::none;
    if (name == "contains") {
      m.contains = true;
    } else if (name == "startswith") {
      m.startswith = true;
    } else if (name == "endswith") {
      m.endswith = true;
    } else if (name == "all") {
      m.all = true;
    } else if (name == "cased") {
      m.cased = true;
    } else if (name == "windash") {
      m.windash = true;
    } else if (name == "base64") {
      m.base64 = true;
    } else if (name == "base64offset") {
      m.base64offset = true;
    } else if (name == "neq") {
      m.neq = true;
    } else if (name == "expand") {
      m.expand = true;
    } else if (name == "i") {
      m.re_i = true;
    } else if (name == "m") {
      m.re_m = true;
    } else if (name == "s") {
      m.re_s = true;
    } else if (name == "utf16le" || name == "wide" || name == "utf16be" || name == "utf16") {
      const Encoding e = name == "utf16be" ? Encoding::utf16be : (name == "utf16" ? Encoding::utf16bom : Encoding::utf16le);
      if (m.enc != Encoding::none && m.enc != e) return fail("|" + name + " conflicts with another UTF-16 modifier");
      m.enc = e;
    } else if (name == "re") {
      sp = Special::re;
    } else if (name == "cidr") {
      sp = Special::cidr;
    } else if (name == "exists") {
      sp = Special::exists;
    } else if (name == "fieldref") {
      sp = Special::fieldref;
    } else if (name == "gt" || name == "gte" || name == "lt" || name == "lte") {
      sp = Special::numeric;
      m.num = name == "gt" ? NumOp::gt : name == "gte" ? NumOp::gte : name == "lt" ? NumOp::lt : NumOp::lte;
    } else if (is_time_part(name)) {
      return make_error(Errc::unsupported, "modifier |" + name + " is not supported (time-part modifiers are rejected)");
    } else {
      return make_error(Errc::unsupported, "unknown modifier |" + name);
    }
    if (sp != Special::none) {
      if (m.special != Special::none) return fail("|" + name + " cannot be combined with |" + m.special_name);
      m.special = sp;
      m.special_name = name;
    } else {
      others.push_back(name);
    }
  }
  if (m.base64 && m.base64offset) return fail("|base64 cannot be combined with |base64offset");
  if ((m.re_i || m.re_m || m.re_s) && m.special != Special::re) return fail("|i, |m and |s are only valid after |re");
  const auto allowed = [&m](std::string_view name) {
    if (name == "all") return true;
    switch (m.special) {
      case Special::none:
        return true;
      case Special::re:
        return name == "i" || name == "m" || name == "s";
      case Special::fieldref:
        return name == "contains" || name == "startswith" || name == "endswith" || name == "neq" || name == "cased";
      case Special::exists:
      case Special::cidr:
      case Special::numeric:
        return false;
    }
    return false;
  };
  for (const std::string_view name : others) {
    if (!allowed(name)) {
      return fail("|" + m.special_name + " cannot be combined with |" + std::string(name));
    }
  }
  if (m.special == Special::exists && m.all) return fail("|exists cannot be combined with |all");
  return m;
}

// %name% placeholders -> every combination of the listed values; '\%' is a literal '%'.
Result<std::vector<std::string>> expand_placeholders(std::string_view value, const ExpandVars& vars) {
  std::vector<std::string> out{std::string{}};
  const auto append = [&out](std::string_view piece) {
    for (std::string& s : out) s.append(piece);
  };
  std::size_t i = 0;
  while (i < value.size()) {
    const char c = value[i];
    if (c == '\\' && i + 1 < value.size() && value[i + 1] == '%') {
      append("%");
      i += 2;
      continue;
    }
    if (c == '\\' && i + 1 < value.size() && value[i + 1] == '\\') {
      append(value.substr(i, 2));  // an escaped backslash stays escaped for the wildcard parser
      i += 2;
      continue;
    }
    if (c == '%') {
      const auto close = value.find('%', i + 1);
      if (close != std::string_view::npos && close > i + 1) {
        const std::string name(value.substr(i + 1, close - i - 1));
        const bool plausible = std::all_of(name.begin(), name.end(), [](char ch) {
          return is_word(static_cast<unsigned char>(ch)) || ch == '-' || ch == '.';
        });
        if (plausible) {
          const auto it = vars.find(name);
          if (it == vars.end()) return fail("|expand needs a placeholder list: no values for %" + name + "%");
          std::vector<std::string> next;
          if (out.size() * it->second.size() > kMaxAlternativesPerValue) return fail("|expand: too many combinations");
          next.reserve(out.size() * it->second.size());
          for (const std::string& prefix : out) {
            for (const std::string& v : it->second) next.push_back(prefix + v);
          }
          out = std::move(next);
          i = close + 1;
          continue;
        }
      }
    }
    append(std::string_view(&value[i], 1));
    ++i;
  }
  return out;
}

// Each Sigma value becomes an OR group of patterns (its windash/expand/base64offset expansions).
struct Group {
  bool null = false;  // YAML null: true when the field is missing
  std::vector<Pattern> alts;
};

Result<Group> compile_string_value(const Mods& m, const std::string& value, const ExpandVars* vars) {
  Group g;
  std::vector<std::string> raws;
  if (m.expand) {
    auto expanded = expand_placeholders(value, *vars);
    if (!expanded) return std::move(expanded).error();
    raws = std::move(expanded).value();
  } else {
    raws.push_back(value);
  }
  if (m.windash) {
    std::vector<std::string> next;
    for (const std::string& r : raws) {
      for (std::string& w : windash_variants(r)) next.push_back(std::move(w));
      if (next.size() > kMaxAlternativesPerValue) return fail("|windash: too many combinations");
    }
    raws = std::move(next);
  }
  const bool b64 = m.base64 || m.base64offset;
  for (const std::string& r : raws) {
    std::vector<std::vector<Tok>> variants;
    if (b64) {
      std::string bytes = unescape_literal(r);
      if (m.enc != Encoding::none) bytes = encode_utf16(bytes, m.enc, m.enc == Encoding::utf16bom);
      if (m.base64) {
        variants.push_back({Tok{Tok::lit, base64(bytes)}});
      } else {
        for (std::string& v : base64offset_variants(bytes)) {
          if (!v.empty()) variants.push_back({Tok{Tok::lit, std::move(v)}});
        }
        if (variants.empty()) return fail("|base64offset: the value '" + value + "' is too short");
      }
    } else {
      std::vector<Tok> toks = parse_wildcards(r);
      if (m.enc != Encoding::none) {
        bool first = true;
        for (Tok& t : toks) {
          if (t.kind == Tok::lit) {
            t.text = encode_utf16(t.text, m.enc, first && m.enc == Encoding::utf16bom);
          }
          first = false;
        }
      }
      variants.push_back(std::move(toks));
    }
    for (std::vector<Tok>& toks : variants) {
      if ((m.contains || m.endswith) && (toks.empty() || toks.front().kind != Tok::star)) {
        toks.insert(toks.begin(), Tok{Tok::star, {}});
      }
      if ((m.contains || m.startswith) && (toks.empty() || toks.back().kind != Tok::star)) toks.push_back(Tok{Tok::star, {}});
      g.alts.push_back(make_pattern(std::move(toks), m.cased));
    }
  }
  return g;
}

}  // namespace

// ---------------------------------------------------------------- public helpers

std::string base64(std::string_view raw_bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((raw_bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&raw_bytes](std::size_t k) { return static_cast<std::uint32_t>(static_cast<unsigned char>(raw_bytes[k])); };
  for (; i + 3 <= raw_bytes.size(); i += 3) {
    const std::uint32_t v = (byte(i) << 16U) | (byte(i + 1) << 8U) | byte(i + 2);
    out.push_back(kAlphabet[(v >> 18U) & 63U]);
    out.push_back(kAlphabet[(v >> 12U) & 63U]);
    out.push_back(kAlphabet[(v >> 6U) & 63U]);
    out.push_back(kAlphabet[v & 63U]);
  }
  const std::size_t rest = raw_bytes.size() - i;
  if (rest == 1) {
    const std::uint32_t v = byte(i) << 16U;
    out.push_back(kAlphabet[(v >> 18U) & 63U]);
    out.push_back(kAlphabet[(v >> 12U) & 63U]);
    out.push_back('=');
    out.push_back('=');
  } else if (rest == 2) {
    const std::uint32_t v = (byte(i) << 16U) | (byte(i + 1) << 8U);
    out.push_back(kAlphabet[(v >> 18U) & 63U]);
    out.push_back(kAlphabet[(v >> 12U) & 63U]);
    out.push_back(kAlphabet[(v >> 6U) & 63U]);
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> base64offset_variants(std::string_view raw_bytes) {
  // For shift i the value is preceded by i unknown bytes (spaces here); drop the characters that
  // depend on the unknown bytes before and after it.
  static constexpr std::array<std::size_t, 3> kStart{0, 2, 3};
  static constexpr std::array<std::size_t, 3> kEnd{0, 3, 2};
  std::vector<std::string> out;
  for (std::size_t i = 0; i < 3; ++i) {
    std::string shifted(i, ' ');
    shifted.append(raw_bytes);
    const std::string enc = base64(shifted);
    const std::size_t start = kStart[i];
    const std::size_t end = kEnd[(raw_bytes.size() + i) % 3];
    out.push_back(start + end >= enc.size() ? std::string{} : enc.substr(start, enc.size() - start - end));
  }
  return out;
}

std::vector<std::string> windash_variants(std::string_view value) {
  static constexpr std::array<std::string_view, 5> kDashes{"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
  std::vector<std::size_t> places;
  for (std::size_t i = 0; i < value.size() && places.size() < kMaxWindashPlaces; ++i) {
    if (value[i] != '-' && value[i] != '/') continue;
    const bool after_non_word = i == 0 || !is_word(static_cast<unsigned char>(value[i - 1]));
    const bool before_word = i + 1 < value.size() && is_word(static_cast<unsigned char>(value[i + 1]));
    if (after_non_word && before_word) places.push_back(i);
  }
  std::vector<std::string> out;
  std::size_t total = 1;
  for (std::size_t k = 0; k < places.size(); ++k) total *= kDashes.size();
  out.reserve(total);
  // Choice 0 at each place is the original character, so the original string comes first.
  std::vector<std::size_t> digit(places.size(), 0);
  for (std::size_t n = 0; n < total; ++n) {
    std::string s;
    s.reserve(value.size() + places.size() * 2);
    std::size_t from = 0;
    for (std::size_t k = 0; k < places.size(); ++k) {
      s.append(value.substr(from, places[k] - from));
      const std::string_view original = value.substr(places[k], 1);
      std::string_view choice = original;
      if (digit[k] != 0) {
        // The other four dashes, in table order, skipping the original.
        std::size_t seen = 0;
        for (const std::string_view d : kDashes) {
          if (d == original) continue;
          if (++seen == digit[k]) {
            choice = d;
            break;
          }
        }
      }
      s.append(choice);
      from = places[k] + 1;
    }
    s.append(value.substr(from));
    out.push_back(std::move(s));
    for (std::size_t k = places.size(); k-- > 0;) {  // odometer, last place fastest
      if (++digit[k] < kDashes.size()) break;
      digit[k] = 0;
    }
  }
  return out;
}

// ---------------------------------------------------------------- ValueMatcher

struct ValueMatcher::Impl {
  Special kind = Special::none;
  bool all = false;
  bool neq = false;
  // strings
  std::vector<Group> groups;
  std::vector<Pattern> flat;  // every pattern of every group (the plain OR case)
  bool any_null = false;
  // re
  std::vector<std::unique_ptr<RE2>> regexes;
  // cidr
  std::vector<Net> nets;
  // exists
  bool want_present = true;
  // numeric
  NumOp op = NumOp::gt;
  std::vector<Number> numbers;
  // fieldref
  std::vector<std::string> refs;
  bool ref_prefix = false;
  bool ref_suffix = false;

  [[nodiscard]] bool group_hit(const Group& g, std::span<const std::string_view> values) const {
    if (values.empty()) return g.null;
    if (g.null) return false;
    for (const std::string_view v : values) {
      Subject subject(v);
      for (const Pattern& p : g.alts) {
        if (match_pattern(p, subject)) return true;
      }
    }
    return false;
  }

  [[nodiscard]] bool numeric_hit(const Number& rule, std::span<const std::string_view> values) const {
    for (const std::string_view v : values) {
      const auto n = parse_number(v);
      if (!n) continue;
      const int c = compare_numbers(*n, rule);
      const bool hit = op == NumOp::gt ? c > 0 : op == NumOp::gte ? c >= 0 : op == NumOp::lt ? c < 0 : c <= 0;
      if (hit) return true;
    }
    return false;
  }

  [[nodiscard]] bool ref_hit(const std::string& ref, std::span<const std::string_view> values, const FieldGetter& other) const {
    if (values.empty() || !other) return false;
    struct State {
      std::span<const std::string_view> values;
      bool prefix;
      bool suffix;
      bool hit;
    } st{values, ref_prefix, ref_suffix, false};
    State* sp = &st;
    other(ref, [sp](std::string_view y) {
      if (sp->hit) return;
      for (const std::string_view x : sp->values) {
        bool h = false;
        if (sp->prefix && sp->suffix) {
          h = x.find(y) != std::string_view::npos;
        } else if (sp->prefix) {
          h = x.size() >= y.size() && x.substr(0, y.size()) == y;
        } else if (sp->suffix) {
          h = x.size() >= y.size() && x.substr(x.size() - y.size()) == y;
        } else {
          h = x == y;
        }
        if (h) {
          sp->hit = true;
          return;
        }
      }
    });
    return st.hit;
  }

  // The test for the i-th Sigma value (before neq and all).
  [[nodiscard]] bool item_hit(std::size_t i, std::span<const std::string_view> values, const FieldGetter& other) const {
    switch (kind) {
      case Special::none:
        return group_hit(groups[i], values);
      case Special::re:
        for (const std::string_view v : values) {
          if (RE2::PartialMatch(re2::StringPiece(v.data(), v.size()), *regexes[i])) return true;
        }
        return false;
      case Special::cidr:
        for (const std::string_view v : values) {
          const auto ip = parse_ip(v);
          if (ip && in_net(nets[i], *ip)) return true;
        }
        return false;
      case Special::exists:
        return values.empty() != want_present;
      case Special::numeric:
        return numeric_hit(numbers[i], values);
      case Special::fieldref:
        return ref_hit(refs[i], values, other);
    }
    return false;
  }

  [[nodiscard]] std::size_t items() const {
    switch (kind) {
      case Special::none:
        return groups.size();
      case Special::re:
        return regexes.size();
      case Special::cidr:
        return nets.size();
      case Special::exists:
        return 1;
      case Special::numeric:
        return numbers.size();
      case Special::fieldref:
        return refs.size();
    }
    return 0;
  }
};

ValueMatcher::ValueMatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ValueMatcher::ValueMatcher(ValueMatcher&&) noexcept = default;
ValueMatcher& ValueMatcher::operator=(ValueMatcher&&) noexcept = default;
ValueMatcher::~ValueMatcher() = default;

Result<ValueMatcher> ValueMatcher::compile(std::span<const std::string> modifiers, std::span<const std::optional<std::string>> values,
                                           const ExpandVars* vars) {
  auto parsed = parse_modifiers(modifiers);
  if (!parsed) return std::move(parsed).error();
  const Mods& m = *parsed;
  if (values.empty()) return fail("a detection item needs at least one value");
  if (m.all && values.size() < 2) return fail("|all needs a list of values");
  if (m.expand && vars == nullptr) return fail("|expand needs a placeholder list");
  if (m.special != Special::none && m.special != Special::exists) {
    for (const auto& v : values) {
      if (!v) return fail("a null value cannot be used with |" + m.special_name);
    }
  }

  auto impl = std::make_unique<Impl>();
  impl->kind = m.special;
  impl->all = m.all;
  impl->neq = m.neq;
  switch (m.special) {
    case Special::none:
      for (const auto& v : values) {
        if (!v) {
          impl->groups.push_back(Group{true, {}});
          impl->any_null = true;
          continue;
        }
        auto g = compile_string_value(m, *v, vars);
        if (!g) return std::move(g).error();
        impl->groups.push_back(std::move(g).value());
      }
      if (!m.all && !m.neq) {
        for (const Group& g : impl->groups) {
          for (const Pattern& p : g.alts) impl->flat.push_back(p);
        }
      }
      break;
    case Special::re:
      for (const auto& v : values) {
        std::string pattern;
        if (m.re_m || m.re_s) {
          pattern = "(?";
          if (m.re_m) pattern += 'm';
          if (m.re_s) pattern += 's';
          pattern += ')';
        }
        pattern += *v;
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_case_sensitive(!m.re_i);
        auto re = std::make_unique<RE2>(pattern, opts);
        if (!re->ok()) return fail("|re: RE2 cannot compile '" + *v + "': " + re->error());
        impl->regexes.push_back(std::move(re));
      }
      break;
    case Special::cidr:
      for (const auto& v : values) {
        const auto net = parse_cidr(*v);
        if (!net) return fail("|cidr: bad network prefix '" + *v + "'");
        impl->nets.push_back(*net);
      }
      break;
    case Special::exists: {
      if (values.size() != 1 || !values[0]) return fail("|exists needs one value, true or false");
      std::string v = *values[0];
      fold_in_place(v);
      if (v == "true" || v == "yes") {
        impl->want_present = true;
      } else if (v == "false" || v == "no") {
        impl->want_present = false;
      } else {
        return fail("|exists needs true or false, not '" + *values[0] + "'");
      }
      break;
    }
    case Special::numeric:
      impl->op = m.num;
      for (const auto& v : values) {
        const auto n = parse_number(*v);
        if (!n) return fail("|" + m.special_name + " needs a number, not '" + *v + "'");
        impl->numbers.push_back(*n);
      }
      break;
    case Special::fieldref:
      impl->ref_prefix = m.contains || m.startswith;
      impl->ref_suffix = m.contains || m.endswith;
      for (const auto& v : values) {
        if (v->empty()) return fail("|fieldref needs a field name");
        impl->refs.push_back(*v);
      }
      break;
  }
  return ValueMatcher(std::move(impl));
}

bool ValueMatcher::matches(std::span<const std::string_view> values, const FieldGetter& other) const {
  const Impl& im = *impl_;
  if (im.kind == Special::none && !im.all && !im.neq) {
    // The common case: any field value against any pattern, folding each value at most once.
    if (values.empty()) return im.any_null;
    for (const std::string_view v : values) {
      Subject subject(v);
      for (const Pattern& p : im.flat) {
        if (match_pattern(p, subject)) return true;
      }
    }
    return false;
  }
  const std::size_t n = im.items();
  for (std::size_t i = 0; i < n; ++i) {
    const bool hit = im.item_hit(i, values, other) != im.neq;
    if (im.all && !hit) return false;
    if (!im.all && hit) return true;
  }
  return im.all;
}

// ---------------------------------------------------------------- KeywordMatcher

struct KeywordMatcher::Impl {
  bool all = false;
  std::vector<Pattern> patterns;
};

KeywordMatcher::KeywordMatcher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
KeywordMatcher::KeywordMatcher(KeywordMatcher&&) noexcept = default;
KeywordMatcher& KeywordMatcher::operator=(KeywordMatcher&&) noexcept = default;
KeywordMatcher::~KeywordMatcher() = default;

Result<KeywordMatcher> KeywordMatcher::compile(std::span<const std::string> modifiers, std::span<const std::optional<std::string>> values) {
  auto impl = std::make_unique<Impl>();
  for (const std::string& name : modifiers) {
    if (name != "all") return make_error(Errc::unsupported, "keyword searches accept only |all, not |" + name);
    impl->all = true;
  }
  if (values.empty()) return fail("a keyword search needs at least one value");
  if (impl->all && values.size() < 2) return fail("|all needs a list of values");
  for (const auto& v : values) {
    if (!v) return fail("a keyword search cannot contain null");
    std::vector<Tok> toks = parse_wildcards(*v);
    if (toks.empty() || toks.front().kind != Tok::star) toks.insert(toks.begin(), Tok{Tok::star, {}});
    if (toks.back().kind != Tok::star) toks.push_back(Tok{Tok::star, {}});
    impl->patterns.push_back(make_pattern(std::move(toks), false));
  }
  return KeywordMatcher(std::move(impl));
}

bool KeywordMatcher::matches(const std::function<void(const std::function<bool(std::string_view)>&)>& for_each_value) const {
  const Impl& im = *impl_;
  if (!im.all) {
    bool hit = false;
    for_each_value([&im, &hit](std::string_view v) {
      Subject subject(v);
      for (const Pattern& p : im.patterns) {
        if (match_pattern(p, subject)) {
          hit = true;
          return false;
        }
      }
      return true;
    });
    return hit;
  }
  // |all: each keyword anywhere in the record; remember which were found.
  const std::size_t n = im.patterns.size();
  std::uint64_t small = 0;
  std::vector<bool> large;
  if (n > 64) large.assign(n, false);
  std::size_t found = 0;
  struct State {
    const Impl* im;
    std::uint64_t* small;
    std::vector<bool>* large;
    std::size_t* found;
  } st{&im, &small, &large, &found};
  for_each_value([&st](std::string_view v) {
    Subject subject(v);
    const std::size_t count = st.im->patterns.size();
    for (std::size_t i = 0; i < count; ++i) {
      const bool seen = count > 64 ? static_cast<bool>((*st.large)[i]) : ((*st.small >> i) & 1U) != 0;
      if (seen || !match_pattern(st.im->patterns[i], subject)) continue;
      if (count > 64) {
        (*st.large)[i] = true;
      } else {
        *st.small |= std::uint64_t{1} << i;
      }
      ++*st.found;
    }
    return *st.found < count;
  });
  return found == n;
}

}  // namespace emoguard::analyzers::hunt
