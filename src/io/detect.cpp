// Content-type detection. Order matters: binary magics first, then container peeks, then the
// shapes of text (mail, XML, HTML, JSON and log formats), so that a name never decides a type.
#include "io/detect.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/text.hpp"

namespace emoguard::io {
namespace {

using namespace std::string_view_literals;

constexpr std::string_view kCfbMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1"sv;
constexpr std::string_view kLnkMagic = "\x4C\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46"sv;
constexpr std::string_view kOneNoteMagic = "\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D\xAE\xB1\x53\x78\xD0\x29\x96\xD3"sv;
constexpr std::string_view kMsiClsid = "\x84\x10\x0C\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46"sv;

Detection make(ContentType t, std::string subtype, std::string reason) {
  return Detection{t, std::move(subtype), std::move(reason)};
}

// ---------------------------------------------------------------- OLE2 directory peek

std::string cfb_subtype(ByteView b, const Limits& limits, std::string& reason) {
  const auto shift = b.u16le(0x1E);
  if (!shift || (*shift != 9 && *shift != 12)) {
    reason += "; unusual sector shift";
    return {};
  }
  const std::uint64_t ss = std::uint64_t{1} << *shift;
  const std::uint64_t per_fat = ss / 4;
  auto sector_off = [&](std::uint32_t s) { return (std::uint64_t{s} + 1) * ss; };
  auto next = [&](std::uint32_t s) -> std::optional<std::uint32_t> {
    const std::uint64_t idx = s / per_fat;
    if (idx >= 109) return std::nullopt;  // beyond the header DIFAT: not worth following for a peek
    const auto fat_sector = b.u32le(0x4C + idx * 4);
    if (!fat_sector || *fat_sector >= 0xFFFFFFFA) return std::nullopt;
    return b.u32le(sector_off(*fat_sector) + (s % per_fat) * 4);
  };
  std::set<std::string> names;
  bool msi = false;
  auto s = b.u32le(0x30);
  std::set<std::uint32_t> seen;
  for (std::uint32_t n = 0; s && *s < 0xFFFFFFFA && n < limits.cfb_max_dir_sectors; ++n) {
    if (!seen.insert(*s).second) break;  // chain loop: the real parser reports it
    const auto sec = b.slice(sector_off(*s), ss);
    if (!sec) break;
    for (std::uint64_t e = 0; e + 128 <= ss; e += 128) {
      const auto len = sec->u16le(e + 0x40).value_or(0);
      const auto type = sec->u8(e + 0x42).value_or(0);
      if (type == 0 || len < 2 || len > 64) continue;
      names.insert(text::utf16le_to_utf8(*sec->slice(e, len - 2u)));
      if (type == 5 && sec->has_at(e + 0x50, kMsiClsid)) msi = true;
    }
    s = next(*s);
  }
  auto has = [&](std::string_view n) { return names.count(std::string(n)) > 0; };
  auto has_prefix = [&](std::string_view p) {
    return std::any_of(names.begin(), names.end(), [&](const std::string& n) { return n.rfind(p, 0) == 0; });
  };
  if (msi) return "msi";
  if (has("EncryptedPackage")) return "encrypted_ooxml";
  if (has("WordDocument")) return "doc";
  if (has("Workbook") || has("Book")) return "xls";
  if (has("PowerPoint Document")) return "ppt";
  if (has("__properties_version1.0") || has_prefix("__substg1.0_")) return "msg";
  if (has("VisioDocument")) return "vsd";
  return {};
}

// ---------------------------------------------------------------- ZIP names

struct ZipPeek {
  std::vector<std::string> names;
  bool encrypted = false;
  bool from_central_directory = false;
};

ZipPeek zip_peek(ByteView b, const Limits& limits) {
  ZipPeek out;
  // The central directory is authoritative; look for the end record in the tail window.
  const ByteView tail = b.tail(limits.zip_tail_bytes);
  const std::size_t tail_base = b.size() - tail.size();
  for (std::size_t i = tail.size() >= 22 ? tail.size() - 22 + 1 : 0; i-- > 0;) {
    if (!tail.has_at(i, "PK\x05\x06"sv)) continue;
    const std::uint64_t eocd = tail_base + i;
    const auto entries = b.u16le(eocd + 10).value_or(0);
    const auto cd_off = b.u32le(eocd + 16).value_or(0xFFFFFFFF);
    std::uint64_t p = cd_off;
    for (std::uint32_t n = 0; n < entries && n < limits.zip_max_names; ++n) {
      if (!b.has_at(p, "PK\x01\x02"sv)) break;
      const auto flags = b.u16le(p + 8).value_or(0);
      const auto nlen = b.u16le(p + 28).value_or(0);
      const auto xlen = b.u16le(p + 30).value_or(0);
      const auto clen = b.u16le(p + 32).value_or(0);
      const auto name = b.slice(p + 46, nlen);
      if (!name) break;
      out.names.emplace_back(name->chars());
      out.encrypted = out.encrypted || (flags & 1) != 0;
      p += 46ULL + nlen + xlen + clen;
    }
    if (!out.names.empty()) {
      out.from_central_directory = true;
      return out;
    }
    break;
  }
  // No usable central directory (truncated, or SFX with a broken end): walk local headers.
  std::uint64_t p = 0;
  for (std::uint32_t n = 0; n < limits.zip_max_names && b.has_at(p, "PK\x03\x04"sv); ++n) {
    const auto flags = b.u16le(p + 6).value_or(0);
    const auto csize = b.u32le(p + 18).value_or(0);
    const auto nlen = b.u16le(p + 26).value_or(0);
    const auto xlen = b.u16le(p + 28).value_or(0);
    const auto name = b.slice(p + 30, nlen);
    if (!name) break;
    out.names.emplace_back(name->chars());
    out.encrypted = out.encrypted || (flags & 1) != 0;
    if ((flags & 8) != 0 && csize == 0) break;  // size only in the data descriptor: stop the peek
    p += 30ULL + nlen + xlen + csize;
  }
  return out;
}

Detection classify_zip(ByteView b, const Limits& limits) {
  const ZipPeek z = zip_peek(b, limits);
  auto any = [&](auto pred) { return std::any_of(z.names.begin(), z.names.end(), pred); };
  auto has = [&](std::string_view n) { return any([&](const std::string& s) { return s == n; }); };
  auto prefix = [&](std::string_view p) { return any([&](const std::string& s) { return s.rfind(p, 0) == 0; }); };
  const bool vba = any([](const std::string& s) {
    const auto l = text::to_lower_ascii(s);
    return l.size() >= 14 && l.compare(l.size() - 14, 14, "vbaproject.bin") == 0;
  });
  const std::string src = z.from_central_directory ? "central directory" : "local headers";
  if (has("[Content_Types].xml") || prefix("word/") || prefix("xl/") || prefix("ppt/")) {
    std::string sub;
    if (prefix("word/")) sub = vba ? "docm" : "docx";
    else if (has("xl/workbook.bin")) sub = "xlsb";
    else if (prefix("xl/")) sub = (vba || prefix("xl/macrosheets/")) ? "xlsm" : "xlsx";
    else if (prefix("ppt/")) sub = vba ? "pptm" : "pptx";
    else if (prefix("visio/")) sub = "vsdx";
    return make(ContentType::ooxml, sub, "ZIP with Office package parts (" + src + ")");
  }
  if (!z.names.empty() && z.names.front() == "mimetype") return make(ContentType::zip, "odf", "ZIP with mimetype first (OpenDocument)");
  if (has("manifest.json") && prefix("hives/")) return make(ContentType::zip, "emoguard_collection", "ZIP with manifest.json and hives/");
  if (has("AndroidManifest.xml")) return make(ContentType::zip, "apk", "ZIP with AndroidManifest.xml");
  if (has("META-INF/MANIFEST.MF")) return make(ContentType::zip, "jar", "ZIP with META-INF/MANIFEST.MF");
  return make(ContentType::zip, z.encrypted ? "encrypted" : "",
              "ZIP signature, " + std::to_string(z.names.size()) + " member name(s) from " + src);
}

// ---------------------------------------------------------------- text shapes

bool looks_binary(std::string_view s) {
  if (s.empty()) return false;
  std::size_t bad = 0;
  for (const unsigned char c : s) {
    if (c == 0) return true;
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v' && c != 0x1B && c != 0x1A) ++bad;
    if (c == 0x7F) ++bad;
  }
  return bad * 100 > s.size();  // more than 1% control bytes
}

std::string_view first_line(std::string_view s, std::size_t from = 0) {
  if (from >= s.size()) return {};
  const auto end = s.find('\n', from);
  auto line = s.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

std::vector<std::string_view> lines(std::string_view s, std::size_t max) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < s.size() && out.size() < max) {
    const auto end = s.find('\n', pos);
    auto line = s.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return out;
}

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r' || s.front() == '\n')) s.remove_prefix(1);
  return s;
}

bool istarts_with(std::string_view s, std::string_view p) {
  if (s.size() < p.size()) return false;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != std::tolower(static_cast<unsigned char>(p[i]))) return false;
  }
  return true;
}

bool icontains(std::string_view s, std::string_view p) {
  if (p.empty() || s.size() < p.size()) return false;
  for (std::size_t i = 0; i + p.size() <= s.size(); ++i) {
    if (istarts_with(s.substr(i), p)) return true;
  }
  return false;
}

// An RFC 5322 field name: printable ASCII except colon, no spaces.
std::optional<std::string> header_name(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 76) return std::nullopt;
  for (std::size_t i = 0; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(line[i]);
    if (c <= 0x20 || c >= 0x7F) return std::nullopt;
  }
  return text::to_lower_ascii(line.substr(0, colon));
}

// A header block of at least two fields, at least one of them a field every mail carries.
bool looks_like_mail_headers(std::string_view s, std::size_t start, bool& multipart_related, bool& addressed, bool& saved_page) {
  static const std::set<std::string> kCore = {"from", "to", "subject", "date", "received", "message-id",
                                              "return-path", "mime-version", "delivered-to", "reply-to", "cc"};
  int fields = 0;
  int core = 0;
  bool ended = false;
  std::size_t pos = start;
  // Bounded by the examined head, not by a line count: folded headers can run to hundreds of lines.
  for (;;) {
    if (pos >= s.size()) break;
    const auto line = first_line(s, pos);
    const auto next = s.find('\n', pos);
    if (line.empty()) {
      ended = true;
      break;
    }
    if (line.front() == ' ' || line.front() == '\t') {
      if (fields == 0) return false;
      if (icontains(line, "multipart/related")) multipart_related = true;
    } else {
      const auto name = header_name(line);
      if (!name) return false;
      ++fields;
      if (kCore.count(*name)) ++core;
      if (*name == "from" || *name == "to" || *name == "received" || *name == "subject") addressed = true;
      if (*name == "content-type" && icontains(line, "multipart/related")) multipart_related = true;
      if (*name == "snapshot-content-location" || (*name == "from" && icontains(line, "<saved by "))) saved_page = true;
    }
    if (next == std::string_view::npos) {
      pos = s.size();  // the head ends inside the header block
      break;
    }
    pos = next + 1;
  }
  return fields >= 2 && core >= 1 && (ended || pos >= s.size());
}

// XML root element name after declarations, comments and a DOCTYPE.
std::string xml_root(std::string_view s, std::string& prolog) {
  std::size_t p = 0;
  for (int guard = 0; guard < 64; ++guard) {
    while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p]))) ++p;
    if (p >= s.size() || s[p] != '<') return {};
    if (s.compare(p, 2, "<?") == 0) {
      const auto e = s.find("?>", p);
      if (e == std::string_view::npos) return {};
      prolog += s.substr(p, e + 2 - p);
      p = e + 2;
    } else if (s.compare(p, 4, "<!--") == 0) {
      const auto e = s.find("-->", p);
      if (e == std::string_view::npos) return {};
      p = e + 3;
    } else if (s.compare(p, 2, "<!") == 0) {
      const auto e = s.find('>', p);
      if (e == std::string_view::npos) return {};
      prolog += s.substr(p, e + 1 - p);
      p = e + 1;
    } else {
      std::size_t q = p + 1;
      while (q < s.size() && !std::isspace(static_cast<unsigned char>(s[q])) && s[q] != '>' && s[q] != '/') ++q;
      return std::string(s.substr(p + 1, q - p - 1));
    }
  }
  return {};
}

bool is_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::vector<std::string_view> split_ws(std::string_view s, std::size_t max) {
  std::vector<std::string_view> out;
  std::size_t p = 0;
  while (p < s.size() && out.size() < max) {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t')) ++p;
    const auto b = p;
    while (p < s.size() && s[p] != ' ' && s[p] != '\t') ++p;
    if (p > b) out.push_back(s.substr(b, p - b));
  }
  return out;
}

// Squid native access.log: "1613697302.123    845 10.0.0.5 TCP_TUNNEL/200 5120 CONNECT host:443 - HIER_DIRECT/ip -"
bool looks_like_squid(std::string_view line) {
  const auto f = split_ws(line, 10);
  if (f.size() < 7) return false;
  const auto dot = f[0].find('.');
  if (dot == std::string_view::npos || !is_digits(f[0].substr(0, dot)) || !is_digits(f[0].substr(dot + 1))) return false;
  if (!is_digits(f[1]) || !is_digits(f[4])) return false;
  const auto slash = f[3].find('/');
  return slash != std::string_view::npos && slash > 0 && is_digits(f[3].substr(slash + 1));
}

std::size_t count_unquoted(std::string_view line, char sep) {
  std::size_t n = 0;
  bool q = false;
  for (const char c : line) {
    if (c == '"') q = !q;
    else if (c == sep && !q) ++n;
  }
  return n;
}

bool looks_like_syslog(std::string_view line) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (line.size() < 16) return false;
  const bool month = std::any_of(kMonths.begin(), kMonths.end(), [&](std::string_view m) { return line.substr(0, 3) == m; });
  return month && line[3] == ' ' && line[6] == ' ' && line[9] == ':' && line[12] == ':';
}

Detection classify_json(std::string_view s) {
  const auto l1 = first_line(s);
  const auto t1 = trim_left(l1);
  const bool one_object_line = !t1.empty() && t1.front() == '{' && l1.find_last_not_of(" \t") != std::string_view::npos &&
                               l1[l1.find_last_not_of(" \t")] == '}';
  const auto second = s.find('\n');
  const bool more_lines = second != std::string_view::npos && trim_left(s.substr(second + 1)).rfind('{', 0) == 0;
  if (one_object_line && more_lines) {
    if (l1.find("\"event_type\"") != std::string_view::npos && l1.find("\"timestamp\"") != std::string_view::npos)
      return make(ContentType::log, "suricata_eve", "JSON Lines with event_type and timestamp");
    if (l1.find("\"id.orig_h\"") != std::string_view::npos || (l1.find("\"uid\"") != std::string_view::npos && l1.find("\"ts\"") != std::string_view::npos))
      return make(ContentType::log, "zeek_json", "JSON Lines with Zeek field names");
    if (l1.find("\"Event\"") != std::string_view::npos && l1.find("\"System\"") != std::string_view::npos)
      return make(ContentType::log, "event_json", "JSON Lines of Windows events");
    return make(ContentType::log, "jsonl", "one JSON object per line");
  }
  if (s.find("\"format\"") != std::string_view::npos && s.find("\"emoguard-triage\"") != std::string_view::npos)
    return make(ContentType::json, "emoguard_manifest", "JSON with format emoguard-triage");
  return make(ContentType::json, "", "JSON document");
}

Detection classify_text(std::string_view s, std::string_view enc_note) {
  std::string note(enc_note);
  auto with = [&](std::string r) { return note.empty() ? r : r + " (" + note + ")"; };
  const std::string_view t = trim_left(s);

  // mbox: "From " envelope line then a header block.
  if (s.rfind("From ", 0) == 0) {
    const auto nl = s.find('\n');
    bool mr = false;
    bool addr = false;
    bool saved = false;
    if (nl != std::string_view::npos && looks_like_mail_headers(s, nl + 1, mr, addr, saved))
      return make(ContentType::mbox, "", with("mbox From_ line followed by mail headers"));
  }
  {
    bool related = false;
    bool addressed = false;
    bool saved_page = false;
    if (looks_like_mail_headers(s, 0, related, addressed, saved_page)) {
      if (related && (!addressed || saved_page)) return make(ContentType::mail, "mhtml", with("MIME headers with multipart/related (MHTML)"));
      return make(ContentType::mail, "", with("RFC 5322 header block"));
    }
  }
  if (s.rfind("#separator", 0) == 0) return make(ContentType::log, "zeek_tsv", with("Zeek #separator header"));
  if (s.rfind("ID;", 0) == 0) return make(ContentType::sylk, "", with("SYLK ID record"));
  if (!t.empty() && t.front() == '<') {
    if (istarts_with(t, "<!doctype html") || istarts_with(t, "<html") || istarts_with(t, "<head") || istarts_with(t, "<body") ||
        istarts_with(t, "<script") || istarts_with(t, "<meta")) {
      return make(ContentType::html, icontains(s, "<hta:application") ? "hta" : "", with("HTML markup"));
    }
    std::string prolog;
    const std::string root = xml_root(t, prolog);
    if (!root.empty()) {
      // Word writes flat OPC with the same <?mso-application progid="Word.Document"?> as Word 2003
      // XML, so the package root decides first.
      if (root == "pkg:package") return make(ContentType::xml, "flat_opc", with("Office flat OPC package"));
      if (root == "w:wordDocument" || prolog.find("Word.Document") != std::string::npos)
        return make(ContentType::xml, "word2003", with("Word 2003 XML document"));
      if (root == "AppLockerPolicy") return make(ContentType::xml, "applocker_policy", with("AppLockerPolicy root"));
      if (root == "SiPolicy") return make(ContentType::xml, "wdac_policy", with("SiPolicy root"));
      if (root == "Events" || root == "Event") return make(ContentType::xml, "event_xml", with("Windows event XML"));
      if (root == "job" || root == "package") return make(ContentType::xml, "wsf", with("Windows Script File"));
      if (istarts_with(root, "html")) return make(ContentType::html, icontains(s, "<hta:application") ? "hta" : "", with("HTML root"));
      return make(ContentType::xml, "", with("XML root <" + root + ">"));
    }
  }
  if (!t.empty() && (t.front() == '{' || t.front() == '[')) return classify_json(t);
  const auto ls = lines(s, 3);
  if (!ls.empty()) {
    if (looks_like_squid(ls[0])) return make(ContentType::log, "squid", with("Squid native access.log line"));
    if (looks_like_syslog(ls[0])) return make(ContentType::log, "syslog", with("syslog timestamp"));
    if (ls.size() >= 2 && !ls[1].empty()) {
      for (const char sep : {',', '\t', ';'}) {
        const auto n0 = count_unquoted(ls[0], sep);
        if (n0 >= 2 && n0 == count_unquoted(ls[1], sep))
          return make(ContentType::log, sep == ',' ? "csv" : sep == '\t' ? "tsv" : "ssv", with("delimited columns"));
      }
    }
  }
  return make(ContentType::text, "", with("text"));
}

}  // namespace

Detection detect(ByteView b, const Limits& limits) {
  if (b.empty()) return make(ContentType::empty, "", "zero bytes");

  if (b.starts_with(kCfbMagic)) {
    std::string reason = "OLE2 compound file signature";
    auto sub = cfb_subtype(b, limits, reason);
    return make(ContentType::ole2, std::move(sub), std::move(reason));
  }
  if (b.starts_with("PK\x03\x04"sv) || b.starts_with("PK\x05\x06"sv) || b.starts_with("PK\x07\x08"sv)) return classify_zip(b, limits);
  if (b.starts_with("ElfFile\0"sv)) return make(ContentType::evtx, "", "ElfFile signature");
  if (b.starts_with("regf")) return make(ContentType::regf, "", "regf signature");
  if (b.starts_with(kLnkMagic)) return make(ContentType::lnk, "", "shell link header and CLSID");
  if (b.starts_with(kOneNoteMagic)) return make(ContentType::onenote, "", "OneNote section file GUID");
  if (b.starts_with("MZ")) {
    const auto lfanew = b.u32le(0x3C);
    if (lfanew && b.has_at(*lfanew, "PE\0\0"sv)) {
      const auto characteristics = b.u16le(*lfanew + 22).value_or(0);
      return make(ContentType::pe, (characteristics & 0x2000) ? "dll" : "exe", "MZ header with PE signature");
    }
    // Shorter than a DOS header: a cut-off executable. Longer and text-like: text that starts with "MZ".
    if (b.size() < 64 || looks_binary(b.head(limits.detect_head_bytes).chars()))
      return make(ContentType::pe, "mz", "MZ header without a reachable PE header");
  }
  if (b.starts_with("\x7F" "ELF")) return make(ContentType::elf, "", "ELF signature");
  if (b.head(1024).find("%PDF-")) return make(ContentType::pdf, "", "%PDF- marker in the first 1024 bytes");
  if (b.starts_with("{\\rt")) return make(ContentType::rtf, "", "{\\rt opening");
  if (b.starts_with("\x1F\x8B"sv)) return make(ContentType::gzip, "", "gzip signature");
  if (b.starts_with("7z\xBC\xAF\x27\x1C"sv)) return make(ContentType::sevenzip, "", "7z signature");
  if (b.starts_with("Rar!\x1A\x07"sv)) return make(ContentType::rar, "", "RAR signature");
  if (b.starts_with("MSCF\0\0\0\0"sv)) return make(ContentType::cab, "", "Microsoft cabinet signature");
  for (const std::uint64_t off : {0x8001ULL, 0x8801ULL, 0x9001ULL}) {
    if (b.has_at(off, "CD001")) return make(ContentType::iso, "", "ISO 9660 volume descriptor");
  }

  const ByteView head = b.head(limits.detect_head_bytes);
  // UTF-16LE text (Windows exports: wevtutil XML, reg files, PowerShell output) is judged as UTF-8.
  if (head.starts_with("\xFF\xFE"sv)) {
    const std::string u8 = text::utf16le_to_utf8(*head.slice(2, (head.size() - 2) & ~std::size_t{1}));
    if (!looks_binary(u8)) return classify_text(u8, "UTF-16LE");
  }
  std::string_view s = head.chars();
  std::string_view note;
  if (s.rfind("\xEF\xBB\xBF", 0) == 0) {
    s.remove_prefix(3);
    note = "UTF-8 BOM";
  }
  if (!looks_binary(s)) return classify_text(s, note);

  const bool zeros = std::all_of(head.begin(), head.end(), [](std::uint8_t c) { return c == 0; });
  return make(ContentType::data, zeros ? "zeros" : "", zeros ? "only zero bytes in the examined head" : "no known signature");
}

}  // namespace emoguard::io
