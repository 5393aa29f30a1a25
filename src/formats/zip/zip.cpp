// ZIP reader. Sizes and offsets come from the central directory (with ZIP64 extras), and each
// member's data is located through its local header; inflation is capped by size and ratio.
#include "formats/zip/zip.hpp"

#include <zlib.h>

#include <algorithm>

namespace emoguard::formats::zip {
namespace {

using namespace std::string_view_literals;

void zip64_extra(ByteView extra, Member& m, bool need_size, bool need_csize, bool need_offset) {
  std::uint64_t p = 0;
  while (p + 4 <= extra.size()) {
    const auto id = *extra.u16le(p);
    const auto len = *extra.u16le(p + 2);
    const auto body = extra.clamp(p + 4, len);
    if (id == 0x0001) {
      std::uint64_t q = 0;
      if (need_size && body.u64le(q)) m.size = *body.u64le(q), q += 8;
      if (need_csize && body.u64le(q)) m.compressed_size = *body.u64le(q), q += 8;
      if (need_offset && body.u64le(q)) m.local_offset = *body.u64le(q);
      return;
    }
    p += 4ULL + len;
  }
}

}  // namespace

Result<Archive> parse(ByteView b, const ZipLimits& limits) {
  Archive a;
  // End of central directory: the last "PK\5\6" within 64 KiB + 22 of the end.
  std::uint64_t eocd = kNoOffset;
  const std::uint64_t window = std::min<std::uint64_t>(b.size(), 65557);
  for (std::uint64_t i = b.size() >= 22 ? b.size() - 22 + 1 : 0; i-- > b.size() - window;) {
    if (b.has_at(i, "PK\x05\x06"sv)) {
      eocd = i;
      break;
    }
  }
  if (eocd != kNoOffset) {
    std::uint64_t entries = b.u16le(eocd + 10).value_or(0);
    std::uint64_t cd_offset = b.u32le(eocd + 16).value_or(0);
    // ZIP64 end record, located by its locator just before the EOCD.
    if (eocd >= 20 && b.has_at(eocd - 20, "PK\x06\x07"sv)) {
      const auto z64 = b.u64le(eocd - 20 + 8);
      if (z64 && b.has_at(*z64, "PK\x06\x06"sv)) {
        entries = b.u64le(*z64 + 32).value_or(entries);
        cd_offset = b.u64le(*z64 + 48).value_or(cd_offset);
      }
    }
    std::uint64_t p = cd_offset;
    for (std::uint64_t n = 0; n < entries; ++n) {
      if (a.members.size() >= limits.max_members) {
        a.issues.push_back({"limit.zip_max_members", "more than " + std::to_string(limits.max_members) + " members; the rest ignored", p});
        break;
      }
      if (!b.has_at(p, "PK\x01\x02"sv)) {
        a.issues.push_back({"zip.bad_central_directory", "central directory entry " + std::to_string(n) + " not found where declared", p});
        break;
      }
      Member m;
      m.flags = b.u16le(p + 8).value_or(0);
      m.method = b.u16le(p + 10).value_or(0);
      m.crc32 = b.u32le(p + 16).value_or(0);
      m.compressed_size = b.u32le(p + 20).value_or(0);
      m.size = b.u32le(p + 24).value_or(0);
      const auto nlen = b.u16le(p + 28).value_or(0);
      const auto xlen = b.u16le(p + 30).value_or(0);
      const auto clen = b.u16le(p + 32).value_or(0);
      m.local_offset = b.u32le(p + 42).value_or(0);
      const auto name = b.slice(p + 46, nlen);
      if (!name) {
        a.issues.push_back({"zip.truncated", "central directory entry cut short", p});
        break;
      }
      m.name = std::string(name->chars());
      zip64_extra(b.clamp(p + 46 + nlen, xlen), m, m.size == 0xFFFFFFFF, m.compressed_size == 0xFFFFFFFF, m.local_offset == 0xFFFFFFFF);
      a.members.push_back(std::move(m));
      p += 46ULL + nlen + xlen + clen;
    }
    if (!a.members.empty() || entries == 0) return a;
  }
  // No usable central directory (truncated download, damaged or deliberately broken archive).
  a.from_central_directory = false;
  a.issues.push_back({"zip.no_central_directory", "no usable central directory; members listed from local headers", kNoOffset});
  std::uint64_t p = 0;
  while (b.has_at(p, "PK\x03\x04"sv) && a.members.size() < limits.max_members) {
    Member m;
    m.flags = b.u16le(p + 6).value_or(0);
    m.method = b.u16le(p + 8).value_or(0);
    m.crc32 = b.u32le(p + 14).value_or(0);
    m.compressed_size = b.u32le(p + 18).value_or(0);
    m.size = b.u32le(p + 22).value_or(0);
    const auto nlen = b.u16le(p + 26).value_or(0);
    const auto xlen = b.u16le(p + 28).value_or(0);
    const auto name = b.slice(p + 30, nlen);
    if (!name) break;
    m.name = std::string(name->chars());
    m.local_offset = p;
    zip64_extra(b.clamp(p + 30 + nlen, xlen), m, m.size == 0xFFFFFFFF, m.compressed_size == 0xFFFFFFFF, false);
    const bool descriptor = (m.flags & 8U) != 0 && m.compressed_size == 0;
    a.members.push_back(m);
    if (descriptor) {
      a.issues.push_back({"zip.data_descriptor", "member sizes only in a data descriptor; listing stops at " + m.name, p});
      break;
    }
    p += 30ULL + nlen + xlen + m.compressed_size;
  }
  if (a.members.empty()) return make_error(Errc::malformed, "no ZIP members found", 0);
  return a;
}

Result<Extracted> extract(ByteView b, const Member& m, const ZipLimits& limits) {
  if (m.encrypted()) return make_error(Errc::unsupported, m.name + ": encrypted member", m.local_offset);
  if (!b.has_at(m.local_offset, "PK\x03\x04"sv)) return make_error(Errc::malformed, m.name + ": local header not found", m.local_offset);
  const auto nlen = b.u16le(m.local_offset + 26).value_or(0);
  const auto xlen = b.u16le(m.local_offset + 28).value_or(0);
  const std::uint64_t data_off = m.local_offset + 30 + nlen + xlen;
  Extracted out;
  const ByteView data = b.clamp(data_off, m.compressed_size);
  if (data.size() < m.compressed_size) {
    out.issues.push_back({"zip.truncated_member", m.name + ": data cut short by the end of the file", data_off});
    out.complete = false;
  }
  const std::uint64_t cap = std::min<std::uint64_t>(limits.max_member_bytes, std::max<std::uint64_t>(m.size, 1) * 2 + 4096);
  if (m.method == 0) {
    out.data.assign(data.chars().substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(data.size(), limits.max_member_bytes))));
    if (data.size() > limits.max_member_bytes) {
      out.issues.push_back({"limit.zip_member", m.name + ": stored member larger than the limit of " + std::to_string(limits.max_member_bytes) + " bytes; cut", data_off});
      out.complete = false;
    }
  } else if (m.method == 8) {
    z_stream zs{};
    if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) return make_error(Errc::internal, "zlib inflateInit2 failed");
    zs.next_in = const_cast<Bytef*>(data.data());
    std::uint64_t in_left = data.size();
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
      if (zs.avail_in == 0 && in_left > 0) {
        const auto chunk = static_cast<uInt>(std::min<std::uint64_t>(in_left, 1U << 30));
        zs.avail_in = chunk;
        in_left -= chunk;
      }
      // Never inflate more than the cap allows (a peek at a member's first bytes stays cheap).
      const std::uint64_t room = cap + 1 - std::min<std::uint64_t>(cap, out.data.size());
      const auto want = static_cast<uInt>(std::min<std::uint64_t>(sizeof buf, room));
      zs.next_out = reinterpret_cast<Bytef*>(buf);
      zs.avail_out = want;
      rc = inflate(&zs, Z_NO_FLUSH);
      out.data.append(buf, want - zs.avail_out);
      if (rc == Z_BUF_ERROR && zs.avail_in == 0 && in_left == 0) {
        out.issues.push_back({"zip.truncated_member", m.name + ": deflate stream ends early", data_off});
        out.complete = false;
        break;
      }
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
        out.issues.push_back({"zip.bad_deflate", m.name + ": deflate data is corrupt", data_off + zs.total_in});
        out.complete = false;
        break;
      }
      if (out.data.size() > cap || (data.size() > 0 && out.data.size() / std::max<std::uint64_t>(data.size(), 1) > limits.max_ratio && out.data.size() > (1U << 20))) {
        out.issues.push_back({"limit.zip_member", m.name + ": inflated beyond " + std::to_string(out.data.size()) +
                                                      " bytes (declared " + std::to_string(m.size) + "); stopped", data_off});
        out.complete = false;
        break;
      }
    }
    inflateEnd(&zs);
  } else {
    return make_error(Errc::unsupported, m.name + ": compression method " + std::to_string(m.method) + " not supported", m.local_offset);
  }
  if (out.complete && out.data.size() != m.size) {
    out.issues.push_back({"zip.size_mismatch", m.name + ": " + std::to_string(out.data.size()) + " bytes, declared " + std::to_string(m.size), data_off});
  }
  if (out.complete) {
    const auto crc = static_cast<std::uint32_t>(::crc32(0L, reinterpret_cast<const Bytef*>(out.data.data()), static_cast<uInt>(out.data.size())));
    if (crc != m.crc32 && (m.flags & 8U) == 0) out.issues.push_back({"zip.bad_crc", m.name + ": CRC-32 does not match", data_off});
  }
  return out;
}

}  // namespace emoguard::formats::zip
