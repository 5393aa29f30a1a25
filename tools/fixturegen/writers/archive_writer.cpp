// Archive writers: each keeps to its format's rules on checksums and alignment so that 7-Zip,
// unrar, cabextract and isoinfo accept the results.
#include "writers/archive_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "writers/zip_writer.hpp"

namespace emoguard::fixturegen {
namespace {

// 7z NUMBER: the count of leading one bits in the first byte says how many bytes follow.
void put_7z_number(Bytes& b, std::uint64_t v) {
  if (v < 0x80) {
    put_u8(b, static_cast<std::uint8_t>(v));
    return;
  }
  if (v < 0x4000) {
    put_u8(b, static_cast<std::uint8_t>(0x80 | (v >> 8)));
    put_u8(b, static_cast<std::uint8_t>(v));
    return;
  }
  put_u8(b, 0xFF);  // eight bytes follow
  put_u64le(b, v);
}

// RAR5 vint: 7 bits per byte, high bit means "more".
void put_vint(Bytes& b, std::uint64_t v) {
  do {
    std::uint8_t c = v & 0x7F;
    v >>= 7;
    if (v != 0) c |= 0x80;
    put_u8(b, c);
  } while (v != 0);
}

void rar5_block(Bytes& out, const Bytes& header_body) {
  // header_body starts at the type field; the size vint and CRC-32 (of size + body) go before it.
  Bytes sized;
  put_vint(sized, header_body.size());
  sized += header_body;
  put_u32le(out, crc32(sized));
  out += sized;
}

std::string iso_name(const std::string& name) {
  std::string base = name;
  std::string ext;
  if (const auto dot = name.rfind('.'); dot != std::string::npos) {
    base = name.substr(0, dot);
    ext = name.substr(dot + 1);
  }
  auto clean = [](std::string s, std::size_t max) {
    std::string out;
    for (const char c : s) {
      const auto u = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if ((u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '_')
        out.push_back(u);
      else
        out.push_back('_');
      if (out.size() == max) break;
    }
    return out;
  };
  return clean(base, 8) + "." + clean(ext, 3) + ";1";
}

void iso_datetime7(Bytes& b) {
  // 2022-11-02 09:15:00 UTC in the 7-byte directory-record form.
  put_u8(b, 122);
  put_u8(b, 11);
  put_u8(b, 2);
  put_u8(b, 9);
  put_u8(b, 15);
  put_u8(b, 0);
  put_u8(b, 0);
}

void iso_datetime17(Bytes& b, bool zero) {
  if (zero) {
    b += "0000000000000000";
  } else {
    b += "2022110209150000";
  }
  put_u8(b, 0);
}

Bytes iso_dir_record(std::uint32_t extent, std::uint32_t size, bool dir, const std::string& name) {
  Bytes r;
  const std::size_t len = 33 + name.size() + (name.size() % 2 == 0 ? 1 : 0);
  put_u8(r, static_cast<std::uint8_t>(len));
  put_u8(r, 0);
  put_u32both(r, extent);
  put_u32both(r, size);
  iso_datetime7(r);
  put_u8(r, dir ? 2 : 0);
  put_u8(r, 0);
  put_u8(r, 0);
  put_u16both(r, 1);
  put_u8(r, static_cast<std::uint8_t>(name.size()));
  r += name;
  if (r.size() < len) put_u8(r, 0);
  return r;
}

void padded(Bytes& b, const std::string& s, std::size_t n) {
  std::string t = s.substr(0, n);
  t.resize(n, ' ');
  b += t;
}

}  // namespace

Bytes sevenzip_archive(const std::vector<ArchiveMember>& members) {
  if (members.empty()) throw std::invalid_argument("7z writer needs at least one member");
  Bytes packed;
  for (const auto& m : members) packed += m.data;

  Bytes h;
  put_u8(h, 0x01);      // Header
  put_u8(h, 0x04);      // MainStreamsInfo
  put_u8(h, 0x06);      // PackInfo
  put_7z_number(h, 0);  // pack position
  put_7z_number(h, 1);  // one packed stream holding every file back to back
  put_u8(h, 0x09);      // sizes
  put_7z_number(h, packed.size());
  put_u8(h, 0x00);
  put_u8(h, 0x07);  // UnpackInfo
  put_u8(h, 0x0B);  // Folder
  put_7z_number(h, 1);
  put_u8(h, 0x00);      // not external
  put_7z_number(h, 1);  // one coder
  put_u8(h, 0x01);      // id size 1, simple coder, no properties
  put_u8(h, 0x00);      // Copy
  put_u8(h, 0x0C);      // CodersUnpackSize
  put_7z_number(h, packed.size());
  put_u8(h, 0x00);
  put_u8(h, 0x08);  // SubStreamsInfo
  put_u8(h, 0x0D);  // NumUnpackStream
  put_7z_number(h, members.size());
  if (members.size() > 1) {
    put_u8(h, 0x09);  // sizes of all but the last
    for (std::size_t i = 0; i + 1 < members.size(); ++i) put_7z_number(h, members[i].data.size());
  }
  put_u8(h, 0x0A);  // CRCs
  put_u8(h, 0x01);  // all defined
  for (const auto& m : members) put_u32le(h, crc32(m.data));
  put_u8(h, 0x00);
  put_u8(h, 0x00);
  put_u8(h, 0x05);  // FilesInfo
  put_7z_number(h, members.size());
  Bytes names;
  put_u8(names, 0x00);  // not external
  for (const auto& m : members) {
    names += utf16le(m.name);
    put_u16le(names, 0);
  }
  put_u8(h, 0x11);  // kName
  put_7z_number(h, names.size());
  h += names;
  Bytes times;
  put_u8(times, 0x01);  // all defined
  put_u8(times, 0x00);  // not external
  for (std::size_t i = 0; i < members.size(); ++i) put_u64le(times, kFixedFiletime);
  put_u8(h, 0x14);  // kMTime
  put_7z_number(h, times.size());
  h += times;
  put_u8(h, 0x00);
  put_u8(h, 0x00);

  Bytes start;
  put_u64le(start, packed.size());  // next header offset, from the end of the signature header
  put_u64le(start, h.size());
  put_u32le(start, crc32(h));
  Bytes out = "7z\xBC\xAF\x27\x1C";
  put_u8(out, 0);
  put_u8(out, 4);
  put_u32le(out, crc32(start));
  out += start;
  out += packed;
  out += h;
  return out;
}

Bytes rar5_archive(const std::vector<ArchiveMember>& members) {
  Bytes out = std::string("Rar!\x1A\x07\x01\x00", 8);
  Bytes main;
  put_vint(main, 1);  // main archive header
  put_vint(main, 0);  // header flags
  put_vint(main, 0);  // archive flags
  rar5_block(out, main);
  for (const auto& m : members) {
    Bytes fh;
    put_vint(fh, 2);       // file header
    put_vint(fh, 0x0002);  // header flags: a data area follows
    put_vint(fh, m.data.size());
    put_vint(fh, 0x0006);  // file flags: mtime (Unix u32) and CRC-32 present
    put_vint(fh, m.data.size());
    put_vint(fh, 0x20);  // attributes: archive
    put_u32le(fh, static_cast<std::uint32_t>(kFixedUnixTime));
    put_u32le(fh, crc32(m.data));
    put_vint(fh, 0);  // compression: version 0, method 0 (store)
    put_vint(fh, 0);  // host OS: Windows
    put_vint(fh, m.name.size());
    fh += m.name;
    rar5_block(out, fh);
    out += m.data;
  }
  Bytes end;
  put_vint(end, 5);  // end of archive
  put_vint(end, 0);
  put_vint(end, 0);
  rar5_block(out, end);
  return out;
}

Bytes cab_archive(const std::vector<ArchiveMember>& members) {
  Bytes data;
  for (const auto& m : members) data += m.data;
  if (data.size() > 0x8000) throw std::length_error("CAB writer: one uncompressed block holds at most 32 KB");
  Bytes files;
  std::uint32_t off = 0;
  const auto dt = unix_to_dos(kFixedUnixTime);
  for (const auto& m : members) {
    put_u32le(files, static_cast<std::uint32_t>(m.data.size()));
    put_u32le(files, off);
    put_u16le(files, 0);  // folder 0
    put_u16le(files, dt.date);
    put_u16le(files, dt.time);
    put_u16le(files, 0x20);
    files += m.name;
    put_u8(files, 0);
    off += static_cast<std::uint32_t>(m.data.size());
  }
  const std::uint32_t header_size = 36;
  const std::uint32_t folder_size = 8;
  const std::uint32_t coff_files = header_size + folder_size;
  const auto coff_data = static_cast<std::uint32_t>(coff_files + files.size());
  const auto total = static_cast<std::uint32_t>(coff_data + 8 + data.size());
  Bytes out = "MSCF";
  put_u32le(out, 0);
  put_u32le(out, total);
  put_u32le(out, 0);
  put_u32le(out, coff_files);
  put_u32le(out, 0);
  put_u8(out, 3);  // version 1.3
  put_u8(out, 1);
  put_u16le(out, 1);  // folders
  put_u16le(out, static_cast<std::uint16_t>(members.size()));
  put_u16le(out, 0);       // flags
  put_u16le(out, 0x1234);  // set id
  put_u16le(out, 0);
  put_u32le(out, coff_data);  // CFFOLDER
  put_u16le(out, 1);
  put_u16le(out, 0);  // no compression
  out += files;
  put_u32le(out, 0);  // CFDATA checksum 0: "not computed", which the format allows
  put_u16le(out, static_cast<std::uint16_t>(data.size()));
  put_u16le(out, static_cast<std::uint16_t>(data.size()));
  out += data;
  return out;
}

Bytes iso9660_image(const std::string& volume_id, const std::vector<ArchiveMember>& members) {
  constexpr std::uint32_t kBlock = 2048;
  // Blocks: 0-15 system area, 16 primary descriptor, 17 terminator, 18 L path table, 19 M path
  // table, 20 root directory, 21.. file data.
  std::vector<Bytes> file_records;
  std::uint32_t next = 21;
  std::vector<std::uint32_t> extents;
  for (const auto& m : members) {
    extents.push_back(next);
    next += static_cast<std::uint32_t>((m.data.size() + kBlock - 1) / kBlock);
  }
  const std::uint32_t total_blocks = next;

  Bytes root;
  root += iso_dir_record(20, kBlock, true, std::string(1, '\0'));
  root += iso_dir_record(20, kBlock, true, std::string(1, '\1'));
  std::vector<std::pair<std::string, std::size_t>> order;
  for (std::size_t i = 0; i < members.size(); ++i) order.emplace_back(iso_name(members[i].name), i);
  std::sort(order.begin(), order.end());
  for (const auto& [name, i] : order)
    root += iso_dir_record(extents[i], static_cast<std::uint32_t>(members[i].data.size()), false, name);
  if (root.size() > kBlock) throw std::length_error("ISO writer: root directory exceeds one block");
  root.resize(kBlock, '\0');

  Bytes pvd;
  put_u8(pvd, 1);
  pvd += "CD001";
  put_u8(pvd, 1);
  put_u8(pvd, 0);
  padded(pvd, "WIN32", 32);
  padded(pvd, volume_id, 32);
  put_zeros(pvd, 8);
  put_u32both(pvd, total_blocks);
  put_zeros(pvd, 32);
  put_u16both(pvd, 1);
  put_u16both(pvd, 1);
  put_u16both(pvd, kBlock);
  put_u32both(pvd, 10);  // path table size: the root's one entry
  put_u32le(pvd, 18);
  put_u32le(pvd, 0);
  put_u32be(pvd, 19);
  put_u32be(pvd, 0);
  pvd += iso_dir_record(20, kBlock, true, std::string(1, '\0'));
  padded(pvd, "", 128);  // volume set
  padded(pvd, "", 128);  // publisher
  padded(pvd, "", 128);  // preparer
  padded(pvd, "EMOGUARD FIXTUREGEN", 128);
  padded(pvd, "", 37);
  padded(pvd, "", 37);
  padded(pvd, "", 37);
  iso_datetime17(pvd, false);
  iso_datetime17(pvd, false);
  iso_datetime17(pvd, true);
  iso_datetime17(pvd, false);
  put_u8(pvd, 1);
  put_zeros(pvd, kBlock - pvd.size());

  Bytes term;
  put_u8(term, 255);
  term += "CD001";
  put_u8(term, 1);
  put_zeros(term, kBlock - term.size());

  auto path_table = [&](bool big_endian) {
    Bytes t;
    put_u8(t, 1);
    put_u8(t, 0);
    if (big_endian) {
      put_u32be(t, 20);
      put_u16be(t, 1);
    } else {
      put_u32le(t, 20);
      put_u16le(t, 1);
    }
    put_u8(t, 0);
    put_u8(t, 0);
    t.resize(kBlock, '\0');
    return t;
  };

  Bytes out(16 * kBlock, '\0');
  out += pvd;
  out += term;
  out += path_table(false);
  out += path_table(true);
  out += root;
  for (const auto& m : members) {
    out += m.data;
    pad_to(out, kBlock);
  }
  return out;
}

Bytes jar_archive(const std::string& main_class) {
  ZipWriter z;
  z.add_directory("META-INF/");
  z.add("META-INF/MANIFEST.MF",
        "Manifest-Version: 1.0\r\nCreated-By: 17.0.5 (Eclipse Adoptium)\r\nMain-Class: " + main_class + "\r\n\r\n");
  // A class file header only (magic and version 61): no bytecode.
  Bytes cls = "\xCA\xFE\xBA\xBE";
  put_u16be(cls, 0);
  put_u16be(cls, 61);
  std::string path = main_class;
  std::replace(path.begin(), path.end(), '.', '/');
  z.add(path + ".class", cls);
  return z.finish();
}

Bytes apk_archive(const std::string& package) {
  ZipWriter z;
  Bytes axml;  // binary XML chunk header only (RES_XML_TYPE)
  put_u16le(axml, 0x0003);
  put_u16le(axml, 8);
  put_u32le(axml, 8);
  z.add("AndroidManifest.xml", axml);
  Bytes dex = std::string("dex\n035\0", 8);
  put_zeros(dex, 0x70 - dex.size());
  z.add("classes.dex", dex);
  z.add("META-INF/MANIFEST.MF", "Manifest-Version: 1.0\r\nCreated-By: " + package + "\r\n\r\n");
  return z.finish();
}

Bytes emoguard_collection(const std::string& host, const Bytes& ntuser_dat) {
  ZipWriter z;
  z.add("manifest.json",
        fmt::format("{{\"format\":\"emoguard-collection\",\"version\":1,\"host\":\"{}\",\"collected\":\"2022-11-02T09:15:00Z\","
                    "\"items\":[\"hives/NTUSER.DAT\"]}}\n",
                    host));
  z.add("hives/NTUSER.DAT", ntuser_dat);
  return z.finish();
}

}  // namespace emoguard::fixturegen
