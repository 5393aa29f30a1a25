// MS-OVBA writer: the compression matcher of §2.4.1.3, the data encryption of §2.4.3.2, the dir
// records of §2.3.4.2 in their specified order, and the PROJECT text of §2.3.1.
#include "writers/vba_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <utility>

#include "writers/cfb_writer.hpp"

namespace emoguard::fixturegen {
namespace {

// ------------------------------------------------------------------ code pages

// The Shift_JIS (CP932) codes of the Japanese characters our macro sources use, sorted by code
// point. Generated with Python's own cp932 codec (an implementation independent of iconv, which
// emoguard decodes with):  for ch in sorted(set(text)): ch.encode("cp932").
// A character missing here is a fixture-writing bug and throws.
constexpr std::pair<char32_t, std::uint16_t> kCp932[] = {
#include "writers/cp932_table.inc"
};

// UTF-8 to the project's code page. 1252 takes ASCII only (all our Western sources are ASCII).
Bytes to_codepage(std::string_view utf8, std::uint16_t codepage) {
  Bytes out;
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = next_code_point(utf8, i);
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
      continue;
    }
    if (codepage == 932) {
      const auto* it = std::lower_bound(std::begin(kCp932), std::end(kCp932), cp,
                                        [](const std::pair<char32_t, std::uint16_t>& e, char32_t c) { return e.first < c; });
      if (it != std::end(kCp932) && it->first == cp) {
        put_u16be(out, it->second);
        continue;
      }
    }
    throw std::invalid_argument(
        fmt::format("U+{:04X} has no mapping to code page {} in the fixture writer", static_cast<std::uint32_t>(cp), codepage));
  }
  return out;
}

// ------------------------------------------------------------------ compression (§2.4.1.3)

constexpr std::size_t kChunk = 4096;

// §2.4.1.3.19.3 CopyToken Help: the offset/length split depends on how far into the chunk we are.
unsigned bit_count(std::size_t difference) {
  unsigned bits = 4;
  while ((std::size_t{1} << bits) < difference) ++bits;
  return bits;
}

void compress_chunk(std::string_view in, std::size_t chunk_start, Bytes& out) {
  const std::size_t end = std::min(chunk_start + kChunk, in.size());
  const std::size_t header_at = out.size();
  put_u16le(out, 0);                                    // header, filled in below
  const std::size_t compressed_end = header_at + 4098;  // a chunk is at most 4098 bytes
  std::size_t cur = chunk_start;
  while (out.size() < compressed_end && cur < end) {
    // A token sequence: a flag byte, then up to eight literal bytes or copy tokens.
    const std::size_t flag_at = out.size();
    out.push_back('\0');
    std::uint8_t flags = 0;
    for (unsigned index = 0; index < 8 && cur < end && out.size() < compressed_end; ++index) {
      // §2.4.1.3.19.4 Matching: the longest match starting before cur in this chunk; on a tie
      // the nearest one, because candidates are tried from cur - 1 backwards.
      std::size_t best_len = 0;
      std::size_t best_at = 0;
      for (std::size_t cand = cur; cand-- > chunk_start;) {
        std::size_t len = 0;
        while (cur + len < end && in[cand + len] == in[cur + len]) ++len;
        if (len > best_len) {
          best_len = len;
          best_at = cand;
        }
      }
      if (best_len >= 3) {
        if (out.size() + 1 >= compressed_end) {  // no room for a two-byte token: the chunk goes raw
          out.resize(compressed_end, '\0');
          break;
        }
        const unsigned bits = bit_count(cur - chunk_start);
        const std::size_t length = std::min<std::size_t>(best_len, (0xFFFFU >> bits) + 3);
        const std::size_t offset = cur - best_at;
        put_u16le(out, static_cast<std::uint16_t>(((offset - 1) << (16 - bits)) | (length - 3)));
        flags = static_cast<std::uint8_t>(flags | (1U << index));
        cur += length;
      } else {
        out.push_back(in[cur]);
        ++cur;
      }
    }
    out[flag_at] = static_cast<char>(flags);
  }
  if (cur < end) {
    // §2.4.1.3.10 CompressedRawChunk: 4096 bytes as they are (the last one padded with zeros,
    // which a reader then sees as data; text always compresses, so our sources never get here).
    out.resize(header_at + 2);
    out.append(in.substr(chunk_start, end - chunk_start));
    out.append(kChunk - (end - chunk_start), '\0');
    set_u16le(out, header_at, 0x3000 | 0x0FFF);
    return;
  }
  const std::size_t size = out.size() - header_at;
  set_u16le(out, header_at, static_cast<std::uint16_t>(0xB000 | (size - 3)));  // compressed, signature 0b011
}

// ------------------------------------------------------------------ dir stream records

void record(Bytes& d, std::uint16_t id, std::string_view data) {
  put_u16le(d, id);
  put_u32le(d, static_cast<std::uint32_t>(data.size()));
  d.append(data);
}
void record_u32(Bytes& d, std::uint16_t id, std::uint32_t v) {
  Bytes b;
  put_u32le(b, v);
  record(d, id, b);
}
void record_u16(Bytes& d, std::uint16_t id, std::uint16_t v) {
  Bytes b;
  put_u16le(b, v);
  record(d, id, b);
}

std::string guid_text(std::uint64_t a, std::uint64_t b) {
  return fmt::format("{{{:08X}-{:04X}-{:04X}-{:04X}-{:012X}}}", static_cast<std::uint32_t>(a >> 32),
                     static_cast<std::uint32_t>((a >> 16) & 0xFFFF), static_cast<std::uint32_t>(a & 0xFFFF),
                     static_cast<std::uint32_t>(b >> 48), b & 0xFFFFFFFFFFFFULL);
}

// The project's ID= GUID: fixed by its contents, so the same project always gets the same one.
std::string project_id(const VbaProject& p) {
  std::uint64_t h = fnv1a(p.name);
  for (const auto& m : p.modules) h = fnv1a(m.code, fnv1a(m.name, h));
  return guid_text(h, fnv1a("project id", h));
}

std::string hex_upper(std::string_view bytes) {
  std::string s;
  for (const char c : bytes) s += fmt::format("{:02X}", static_cast<unsigned char>(c));
  return s;
}

std::string crlf_lines(std::initializer_list<std::string> lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\r\n";
  return s;
}

}  // namespace

Bytes ovba_compress(std::string_view data) {
  Bytes out(1, '\x01');  // CompressedContainer signature
  for (std::size_t pos = 0; pos < data.size(); pos += kChunk) compress_chunk(data, pos, out);
  return out;
}

Bytes ovba_encrypt(std::string_view data, std::string_view project_id_text, std::uint8_t seed, std::uint8_t ignored_byte) {
  constexpr std::uint8_t kVersion = 2;
  std::uint8_t key = 0;
  for (const char c : project_id_text) key = static_cast<std::uint8_t>(key + static_cast<unsigned char>(c));
  Bytes out;
  put_u8(out, seed);
  put_u8(out, static_cast<std::uint8_t>(seed ^ kVersion));
  put_u8(out, static_cast<std::uint8_t>(seed ^ key));
  std::uint8_t plain1 = key;                               // UnencryptedByte1
  auto enc1 = static_cast<std::uint8_t>(seed ^ key);       // EncryptedByte1
  auto enc2 = static_cast<std::uint8_t>(seed ^ kVersion);  // EncryptedByte2
  auto put = [&](std::uint8_t b) {
    const auto e = static_cast<std::uint8_t>(b ^ static_cast<std::uint8_t>(enc2 + plain1));
    out.push_back(static_cast<char>(e));
    enc2 = enc1;
    enc1 = e;
    plain1 = b;
  };
  for (int k = 0; k < (seed & 6) / 2; ++k) put(ignored_byte);
  const auto length = static_cast<std::uint32_t>(data.size());
  for (int k = 0; k < 4; ++k) put(static_cast<std::uint8_t>(length >> (8 * k)));
  for (const char c : data) put(static_cast<std::uint8_t>(c));
  return out;
}

std::string vba_export_name(const VbaModule& module) {
  return module.name + (module.kind == VbaModule::Kind::standard ? ".bas" : ".cls");
}

std::string vba_stored_source(const VbaProject& project, const VbaModule& module) {
  std::string s = "Attribute VB_Name = \"" + module.name + "\"\r\n";
  if (module.kind == VbaModule::Kind::document) {
    // The class attributes Word and Excel give their host modules.
    std::string base;
    if (project.host == VbaProject::Host::word)
      base = "1Normal." + module.name;
    else if (module.name == "ThisWorkbook")
      base = "0{00020819-0000-0000-C000-000000000046}";
    else
      base = "0{00020820-0000-0000-C000-000000000046}";
    s += crlf_lines({"Attribute VB_Base = \"" + base + "\"", "Attribute VB_GlobalNameSpace = False",
                     "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
                     std::string("Attribute VB_TemplateDerived = ") + (project.host == VbaProject::Host::word ? "True" : "False"),
                     "Attribute VB_Customizable = True"});
  }
  return s + module.code;
}

Bytes vba_dir_stream(const VbaProject& p) {
  const std::uint32_t lcid = p.codepage == 932 ? 0x0411 : 0x0409;
  const Bytes name = to_codepage(p.name, p.codepage);
  Bytes d;
  // PROJECTINFORMATION
  record_u32(d, 0x0001, 1);           // PROJECTSYSKIND: Win32
  record_u32(d, 0x0002, lcid);        // PROJECTLCID
  record_u32(d, 0x0014, lcid);        // PROJECTLCIDINVOKE
  record_u16(d, 0x0003, p.codepage);  // PROJECTCODEPAGE
  record(d, 0x0004, name);            // PROJECTNAME
  record(d, 0x0005, "");              // PROJECTDOCSTRING, then its Unicode form under 0x0040
  record(d, 0x0040, "");
  record(d, 0x0006, "");  // PROJECTHELPFILEPATH: HelpFile1, then HelpFile2 under 0x003D
  record(d, 0x003D, "");
  record_u32(d, 0x0007, 0);  // PROJECTHELPCONTEXT
  record_u32(d, 0x0008, 0);  // PROJECTLIBFLAGS
  // PROJECTVERSION: the size field is a Reserved 4, yet six bytes follow (u32 major, u16 minor).
  put_u16le(d, 0x0009);
  put_u32le(d, 4);
  put_u32le(d, 0x5B0D4F2A);
  put_u16le(d, 0x0011);
  record(d, 0x000C, "");  // PROJECTCONSTANTS, then its Unicode form under 0x003C
  record(d, 0x003C, "");
  // PROJECTREFERENCES: OLE Automation (stdole), which every project the editor creates has.
  record(d, 0x0016, "stdole");  // REFERENCENAME, then its Unicode form under 0x003E
  record(d, 0x003E, utf16le("stdole"));
  const std::string libid = "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb#OLE Automation";
  Bytes reg;
  put_u32le(reg, static_cast<std::uint32_t>(libid.size()));
  reg += libid;
  put_u32le(reg, 0);
  put_u16le(reg, 0);
  record(d, 0x000D, reg);  // REFERENCEREGISTERED
  // PROJECTMODULES
  record_u16(d, 0x000F, static_cast<std::uint16_t>(p.modules.size()));
  record_u16(d, 0x0013, 0xFFFF);  // PROJECTCOOKIE
  for (const auto& m : p.modules) {
    const Bytes mname = to_codepage(m.name, p.codepage);
    record(d, 0x0019, mname);            // MODULENAME
    record(d, 0x0047, utf16le(m.name));  // MODULENAMEUNICODE
    record(d, 0x001A, mname);            // MODULESTREAMNAME, then its Unicode form under 0x0032
    record(d, 0x0032, utf16le(m.name));
    record(d, 0x001C, "");  // MODULEDOCSTRING, then its Unicode form under 0x0048
    record(d, 0x0048, "");
    record_u32(d, 0x0031, 0);       // MODULEOFFSET: no p-code before the source
    record_u32(d, 0x001E, 0);       // MODULEHELPCONTEXT
    record_u16(d, 0x002C, 0xFFFF);  // MODULECOOKIE
    record(d, m.kind == VbaModule::Kind::standard ? 0x0021 : 0x0022,
           "");             // MODULETYPE: its Reserved u32 0 sits where a size would
    record(d, 0x002B, "");  // module terminator
  }
  record(d, 0x0010, "");  // dir terminator
  return d;
}

Bytes vba_project_stream(const VbaProject& p) {
  const std::string id = project_id(p);
  std::string s = "ID=\"" + id + "\"\r\n";
  for (const auto& m : p.modules)
    s += m.kind == VbaModule::Kind::standard ? "Module=" + m.name + "\r\n" : "Document=" + m.name + "/&H00000000\r\n";
  s += "Name=\"" + p.name + "\"\r\nHelpContextID=\"0\"\r\nVersionCompatible32=\"393222000\"\r\n";
  // No protection: CMG = ProjectProtectionState 0 (4 bytes), DPB = 0x00 (no password),
  // GC = 0xFF (visible). Seeds come from the ID, so they vary between projects but not runs.
  const std::uint64_t h = fnv1a(id);
  s += "CMG=\"" + hex_upper(ovba_encrypt(Bytes(4, '\0'), id, static_cast<std::uint8_t>(h))) + "\"\r\n";
  s += "DPB=\"" + hex_upper(ovba_encrypt(Bytes(1, '\0'), id, static_cast<std::uint8_t>(h >> 8))) + "\"\r\n";
  s += "GC=\"" + hex_upper(ovba_encrypt(Bytes(1, '\xFF'), id, static_cast<std::uint8_t>(h >> 16))) + "\"\r\n";
  s += "\r\n[Host Extender Info]\r\n&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000\r\n\r\n[Workspace]\r\n";
  int at = 26;
  for (const auto& m : p.modules) {
    s += fmt::format("{}={}, {}, {}, {}, {}\r\n", m.name, at, at, at + 900, at + 450,
                     m.kind == VbaModule::Kind::standard ? "Z" : "C");
    at += 26;
  }
  return to_codepage(s, p.codepage);
}

Bytes vba_projectwm_stream(const VbaProject& p) {
  Bytes wm;
  for (const auto& m : p.modules) {
    wm += to_codepage(m.name, p.codepage);
    wm.push_back('\0');
    wm += utf16le(m.name);
    wm += Bytes(2, '\0');
  }
  wm += Bytes(2, '\0');
  return wm;
}

void add_vba_project(CfbWriter& cfb, const std::string& prefix, const VbaProject& project) {
  cfb.add_stream(prefix + "PROJECT", vba_project_stream(project));
  cfb.add_stream(prefix + "PROJECTwm", vba_projectwm_stream(project));
  Bytes vp;
  put_u16le(vp, 0x61CC);  // Reserved1
  put_u16le(vp, 0xFFFF);  // Version: 0xFFFF on write, so Office ignores performance caches
  put_u8(vp, 0x00);       // Reserved2
  put_u16le(vp, 0x0003);  // Reserved3
  cfb.add_stream(prefix + "VBA/_VBA_PROJECT", vp);
  cfb.add_stream(prefix + "VBA/dir", ovba_compress(vba_dir_stream(project)));
  for (const auto& m : project.modules) {
    cfb.add_stream(prefix + "VBA/" + m.name, ovba_compress(to_codepage(vba_stored_source(project, m), project.codepage)));
  }
}

Bytes vba_project_part(const VbaProject& project) {
  CfbWriter cfb;
  add_vba_project(cfb, "", project);
  return cfb.build();
}

}  // namespace emoguard::fixturegen
