// MS-OVBA implementation. The decompressor follows §2.4.1.3 with every copy token checked
// against what has been decoded in the chunk, and an output cap, so a hostile stream can
// neither read outside its buffer nor inflate without bound.
#include "formats/ovba/ovba.hpp"

#include <algorithm>
#include <cctype>

#include "emoguard/text.hpp"

namespace emoguard::formats::ovba {

Decompressed decompress(ByteView in, std::uint64_t max_out) {
  Decompressed r;
  auto fail = [&](std::string code, std::string msg, std::uint64_t off) {
    r.issues.push_back(Issue{std::move(code), std::move(msg), off});
    r.complete = false;
  };
  if (in.empty() || *in.u8(0) != 0x01) {
    fail("ovba.bad_signature", "compressed container does not start with 0x01", 0);
    return r;
  }
  std::uint64_t pos = 1;
  while (pos < in.size()) {
    const auto header = in.u16le(pos);
    if (!header) {
      fail("ovba.truncated_chunk", "chunk header cut short", pos);
      return r;
    }
    const std::uint64_t chunk_start = pos;
    const std::uint64_t chunk_size = (*header & 0x0FFFU) + 3U;
    const bool compressed = (*header & 0x8000U) != 0;
    if (((*header >> 12) & 0x7U) != 0x3U) {
      // Office ignores the signature bits; a malformed value is a signal, not a stop.
      r.issues.push_back(Issue{"ovba.bad_chunk_signature", "chunk signature bits are not 0b011", chunk_start});
    }
    const std::uint64_t chunk_end = std::min<std::uint64_t>(chunk_start + chunk_size, in.size());
    pos += 2;
    const std::size_t out_start = r.data.size();
    if (!compressed) {
      const auto raw = in.clamp(pos, 4096);
      if (raw.size() < 4096) r.issues.push_back(Issue{"ovba.short_raw_chunk", "uncompressed chunk shorter than 4096 bytes", pos});
      const std::size_t room = static_cast<std::size_t>(max_out - std::min<std::uint64_t>(max_out, r.data.size()));
      r.data.append(raw.chars().substr(0, room));
      if (raw.size() > room) {
        fail("limit.ovba_output", "decompressed output reached the limit of " + std::to_string(max_out) + " bytes", pos);
        return r;
      }
      pos += raw.size();
    } else {
      bool overflow_reported = false;
      while (pos < chunk_end) {
        const std::uint8_t flags = *in.u8(pos++);
        for (int bit = 0; bit < 8 && pos < chunk_end; ++bit) {
          if (r.data.size() >= max_out) {
            fail("limit.ovba_output", "decompressed output reached the limit of " + std::to_string(max_out) + " bytes", pos);
            return r;
          }
          if ((flags & (1U << bit)) == 0) {
            r.data.push_back(static_cast<char>(*in.u8(pos++)));
            continue;
          }
          if (pos + 2 > chunk_end) {
            fail("ovba.truncated_token", "copy token cut short", pos);
            return r;
          }
          const std::uint16_t token = *in.u16le(pos);
          pos += 2;
          const std::uint64_t d = r.data.size() - out_start;
          if (d == 0) {
            fail("ovba.bad_copy_token", "copy token before any literal in the chunk", pos - 2);
            return r;
          }
          unsigned bits = 4;
          while ((std::uint64_t{1} << bits) < d) ++bits;
          if (bits > 12) bits = 12;
          const std::uint16_t length_mask = static_cast<std::uint16_t>(0xFFFFU >> bits);
          const std::uint64_t length = (token & length_mask) + 3U;
          const std::uint64_t offset = (static_cast<std::uint64_t>(token) >> (16U - bits)) + 1U;
          if (offset > d) {
            fail("ovba.bad_copy_token", "copy token reaches before the chunk start", pos - 2);
            return r;
          }
          for (std::uint64_t i = 0; i < length; ++i) {
            if (r.data.size() >= max_out) {
              fail("limit.ovba_output", "decompressed output reached the limit of " + std::to_string(max_out) + " bytes", pos - 2);
              return r;
            }
            r.data.push_back(r.data[r.data.size() - offset]);
          }
          if (r.data.size() - out_start > 4096 && !overflow_reported) {
            overflow_reported = true;
            r.issues.push_back(Issue{"ovba.chunk_overflow", "chunk decompresses to more than 4096 bytes", chunk_start});
          }
        }
      }
    }
    pos = std::max(pos, chunk_end);
  }
  return r;
}

std::string codepage_name(std::uint16_t cp) {
  switch (cp) {
    case 65001: return "UTF-8";
    case 1200: return "UTF-16LE";
    case 10000: return "MACINTOSH";
    case 20932: return "EUC-JP";
    case 50220:
    case 50221:
    case 50222: return "ISO-2022-JP";
    default: return "CP" + std::to_string(cp);
  }
}

std::string to_utf8(std::string_view bytes, std::uint16_t codepage) {
  const bool ascii = std::all_of(bytes.begin(), bytes.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  if (ascii) return std::string(bytes);
  auto r = text::to_utf8(ByteView(bytes), codepage_name(codepage).c_str());
  if (r) return *r;
  auto fallback = text::to_utf8(ByteView(bytes), "CP1252");
  return fallback ? *fallback : std::string(bytes);
}

DirInfo parse_dir(ByteView dir) {
  DirInfo info;
  Reader rd(dir);
  Module current;
  bool in_module = false;
  std::string pending_name;  // raw MBCS, converted once the code page is known
  auto issue = [&](std::string code, std::string msg) { info.issues.push_back(Issue{std::move(code), std::move(msg), rd.position()}); };
  std::vector<std::string> raw_refs;
  struct RawModule {
    std::string name, stream, doc;
  };
  std::vector<RawModule> raw_modules;
  RawModule raw_current;
  bool ended = false;
  while (!rd.at_end()) {
    const auto id = rd.u16le();
    if (!id) break;
    if (*id == 0x0009) {  // PROJECTVERSION: Reserved u32 (=4), then 6 bytes
      auto reserved = rd.u32le();
      auto major = rd.u32le();
      auto minor = rd.u16le();
      if (!reserved || !major || !minor) {
        issue("ovba.dir_truncated", "PROJECTVERSION cut short");
        break;
      }
      info.version_major = *major;
      info.version_minor = *minor;
      continue;
    }
    const auto size = rd.u32le();
    if (!size) {
      issue("ovba.dir_truncated", "dir record size cut short");
      break;
    }
    const auto data = rd.bytes(*size);
    if (!data) {
      issue("ovba.dir_truncated", "dir record 0x" + text::hex(ByteView(std::string_view(reinterpret_cast<const char*>(&*id), 2))) +
                                      " declares " + std::to_string(*size) + " bytes beyond the stream");
      break;
    }
    const ByteView v = *data;
    switch (*id) {
      case 0x0001: info.syskind = v.u32le(0).value_or(0); break;
      case 0x0002: info.lcid = v.u32le(0).value_or(0); break;
      case 0x0003: info.codepage = v.u16le(0).value_or(1252); break;
      case 0x0004: info.project_name = std::string(v.chars()); break;
      case 0x0016: raw_refs.emplace_back(v.chars()); break;
      case 0x000F: info.declared_modules = v.u16le(0).value_or(0); break;
      case 0x0019:  // MODULENAME starts a module
        if (in_module) {
          issue("ovba.module_unterminated", "module record without its terminator");
          info.modules.push_back(current);
          raw_modules.push_back(raw_current);
        }
        current = Module{};
        raw_current = RawModule{};
        raw_current.name = std::string(v.chars());
        in_module = true;
        break;
      case 0x0047: current.name_unicode = text::utf16le_to_utf8(v); break;
      case 0x001A: raw_current.stream = std::string(v.chars()); break;
      case 0x0032: current.stream_name_unicode = text::utf16le_to_utf8(v); break;
      case 0x001C: raw_current.doc = std::string(v.chars()); break;
      case 0x0031: current.text_offset = v.u32le(0).value_or(0); break;
      case 0x0021: current.procedural = true; break;
      case 0x0022: current.procedural = false; break;
      case 0x0025: current.read_only = true; break;
      case 0x0028: current.is_private = true; break;
      case 0x002B:
        if (in_module) {
          info.modules.push_back(current);
          raw_modules.push_back(raw_current);
          in_module = false;
        }
        break;
      case 0x0010: ended = true; break;
      default: break;  // records we do not need (references, help files, constants)
    }
    if (ended) break;
  }
  if (in_module) {
    issue("ovba.module_unterminated", "last module has no terminator");
    info.modules.push_back(current);
    raw_modules.push_back(raw_current);
  }
  if (!ended) issue("ovba.dir_no_terminator", "dir stream ends without its terminator record");
  info.project_name = to_utf8(info.project_name, info.codepage);
  for (const auto& r : raw_refs) info.references.push_back(to_utf8(r, info.codepage));
  for (std::size_t i = 0; i < info.modules.size(); ++i) {
    info.modules[i].name = to_utf8(raw_modules[i].name, info.codepage);
    info.modules[i].stream_name = to_utf8(raw_modules[i].stream, info.codepage);
    info.modules[i].doc_string = to_utf8(raw_modules[i].doc, info.codepage);
  }
  if (info.declared_modules != info.modules.size()) {
    info.issues.push_back(Issue{"ovba.module_count", "dir declares " + std::to_string(info.declared_modules) + " modules, lists " +
                                                         std::to_string(info.modules.size()), kNoOffset});
  }
  return info;
}

std::optional<std::vector<std::uint8_t>> decrypt_data(std::string_view hex) {
  std::vector<std::uint8_t> enc;
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  if (hex.size() % 2 != 0) return std::nullopt;
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = nib(hex[i]);
    const int lo = nib(hex[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    enc.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  if (enc.size() < 3) return std::nullopt;
  const std::uint8_t seed = enc[0];
  const std::uint8_t version_enc = enc[1];
  const std::uint8_t project_key_enc = enc[2];
  const std::uint8_t version = seed ^ version_enc;
  if (version != 2) return std::nullopt;
  const std::uint8_t project_key = seed ^ project_key_enc;
  std::uint8_t unencrypted = project_key;
  std::uint8_t e1 = project_key_enc;
  std::uint8_t e2 = version_enc;
  std::vector<std::uint8_t> plain;
  for (std::size_t i = 3; i < enc.size(); ++i) {
    const std::uint8_t c = enc[i];
    const std::uint8_t p = c ^ static_cast<std::uint8_t>((e2 + unencrypted) & 0xFF);
    plain.push_back(p);
    e2 = e1;
    e1 = c;
    unencrypted = p;
  }
  // plain = IgnoredEnc[(seed & 6) / 2] + DataLengthEnc (u32) + DataEnc
  const std::size_t ignored = static_cast<std::size_t>((seed & 6) / 2);
  if (plain.size() < ignored + 4) return std::nullopt;
  const std::uint32_t len = static_cast<std::uint32_t>(plain[ignored]) | (static_cast<std::uint32_t>(plain[ignored + 1]) << 8) |
                            (static_cast<std::uint32_t>(plain[ignored + 2]) << 16) | (static_cast<std::uint32_t>(plain[ignored + 3]) << 24);
  if (len > plain.size() - ignored - 4) return std::nullopt;
  return std::vector<std::uint8_t>(plain.begin() + static_cast<std::ptrdiff_t>(ignored + 4),
                                   plain.begin() + static_cast<std::ptrdiff_t>(ignored + 4 + len));
}

std::optional<bool> ProjectStream::locked() const {
  if (!visibility || visibility->empty()) return std::nullopt;
  return (*visibility)[0] == 0x00;
}

bool ProjectStream::has_password() const {
  if (!password) return false;
  return !(password->size() == 1 && (*password)[0] == 0x00);
}

ProjectStream parse_project_stream(ByteView bytes) {
  ProjectStream p;
  std::string_view s = bytes.chars();
  std::size_t pos = 0;
  auto unquote = [](std::string v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
    return v;
  };
  while (pos < s.size()) {
    auto end = s.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view line = s.substr(pos, end - pos);
    pos = end;
    while (pos < s.size() && (s[pos] == '\r' || s[pos] == '\n')) ++pos;
    if (line.empty() || line.front() == '[') {
      if (!line.empty() && line.front() == '[') break;  // [Host Extender Info] / [Workspace]: not properties
      continue;
    }
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key(line.substr(0, eq));
    const std::string value(line.substr(eq + 1));
    p.properties.emplace_back(key, value);
    if (key == "Module") p.modules.push_back(value);
    else if (key == "Document") p.documents.push_back(value.substr(0, value.find('/')));
    else if (key == "Class") p.classes.push_back(value);
    else if (key == "BaseClass") p.base_classes.push_back(value);
    else if (key == "CMG") p.protection_state = decrypt_data(unquote(value));
    else if (key == "DPB") p.password = decrypt_data(unquote(value));
    else if (key == "GC") p.visibility = decrypt_data(unquote(value));
  }
  return p;
}

}  // namespace emoguard::formats::ovba
