// ZIP writer: local headers as members arrive, central directory at the end (APPNOTE 6.3.x).
#include "writers/zip_writer.hpp"

#include <zlib.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace emoguard::fixturegen {
namespace {

bool is_ascii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// Traditional PKWARE encryption (APPNOTE 6.1): three keys updated with CRC-32 steps.
class ZipCrypto {
 public:
  explicit ZipCrypto(std::string_view password) {
    for (const char c : password) update(static_cast<std::uint8_t>(c));
  }
  std::uint8_t encrypt(std::uint8_t plain) {
    // In 32-bit unsigned arithmetic: uint16 * uint16 promotes to int and can overflow (UB).
    const std::uint32_t t = (k2_ | 2U) & 0xFFFFU;
    const auto cipher = static_cast<std::uint8_t>(plain ^ static_cast<std::uint8_t>((t * (t ^ 1U)) >> 8));
    update(plain);
    return cipher;
  }

 private:
  static std::uint32_t crc_byte(std::uint32_t crc, std::uint8_t b) {
    crc ^= b;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320U & (0U - (crc & 1U)));
    return crc;
  }
  void update(std::uint8_t c) {
    k0_ = crc_byte(k0_, c);
    k1_ = (k1_ + (k0_ & 0xFF)) * 134775813U + 1;
    k2_ = crc_byte(k2_, static_cast<std::uint8_t>(k1_ >> 24));
  }
  std::uint32_t k0_ = 0x12345678;
  std::uint32_t k1_ = 0x23456789;
  std::uint32_t k2_ = 0x34567890;
};

}  // namespace

Bytes deflate_raw(std::string_view data, int level) {
  // Generated packages repeat most parts byte for byte ([Content_Types].xml, relationships,
  // vbaProject.bin), and deflate was most of the time of a 100,000-file tree: remember recent
  // small results. Same input and level, same output, so the cache cannot change any bytes.
  constexpr std::size_t kCacheMaxInput = 16 << 10;
  constexpr std::size_t kCacheEntries = 2048;
  thread_local std::unordered_map<std::string, Bytes> cache;
  std::string key;
  if (data.size() <= kCacheMaxInput) {
    key.reserve(data.size() + 1);
    key.push_back(static_cast<char>(level + 1));
    key.append(data);
    if (const auto it = cache.find(key); it != cache.end()) return it->second;
  }
  // One stream per thread and level, reset between members, instead of a fresh deflateInit2
  // (which allocates ~256 KB); a reset stream produces the same bytes as a new one.
  struct Stream {
    z_stream zs{};
    int level = -2;
    bool ready = false;
    ~Stream() {
      if (ready) deflateEnd(&zs);
    }
  };
  thread_local Stream st;
  if (!st.ready || st.level != level) {
    if (st.ready) deflateEnd(&st.zs);
    st.zs = z_stream{};
    st.ready = false;
    if (deflateInit2(&st.zs, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::runtime_error("deflateInit2 failed");
    st.ready = true;
    st.level = level;
  } else if (deflateReset(&st.zs) != Z_OK) {
    throw std::runtime_error("deflateReset failed");
  }
  z_stream& zs = st.zs;
  Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  if (rc != Z_STREAM_END) throw std::runtime_error("deflate did not finish");
  out.resize(zs.total_out);
  if (!key.empty()) {
    if (cache.size() >= kCacheEntries) cache.clear();
    cache.emplace(std::move(key), out);
  }
  return out;
}

ZipWriter::ZipWriter(ZipOptions options) : options_(options) {}

void ZipWriter::add(std::string_view name, std::string_view data, ZipMethod method, std::string_view password) {
  if (count_ == 0xFFFF) throw std::length_error("ZIP writer: more members than a ZIP without ZIP64 holds");
  const std::uint32_t crc = crc32(data);
  Bytes payload = method == ZipMethod::deflated ? deflate_raw(data, options_.deflate_level) : Bytes(data);
  std::uint16_t flags = 0;
  if (!is_ascii(name)) flags |= 0x0800;  // names are UTF-8 (Japanese member names)
  if (!password.empty()) {
    flags |= 0x0001;
    // 12-byte encryption header: 11 bytes that only need to differ between archives, then the CRC's
    // high byte, which is what unzip checks the password against.
    Rng rng(fnv1a(name, crc));
    Bytes header = rng.bytes(11);
    header.push_back(static_cast<char>(crc >> 24));
    ZipCrypto zc(password);
    Bytes enc;
    enc.reserve(12 + payload.size());
    for (const char c : header) enc.push_back(static_cast<char>(zc.encrypt(static_cast<std::uint8_t>(c))));
    for (const char c : payload) enc.push_back(static_cast<char>(zc.encrypt(static_cast<std::uint8_t>(c))));
    payload = std::move(enc);
  }
  if (payload.size() >= 0xFFFFFFFFULL || data.size() >= 0xFFFFFFFFULL || out_.size() >= 0xFFFFFFFFULL)
    throw std::length_error("ZIP writer: member too large without ZIP64");
  const DosDateTime dt = unix_to_dos(options_.mtime);
  const auto offset = static_cast<std::uint32_t>(out_.size());
  const auto version = static_cast<std::uint16_t>(method == ZipMethod::deflated || !password.empty() ? 20 : 10);

  put_u32le(out_, 0x04034B50);
  put_u16le(out_, version);
  put_u16le(out_, flags);
  put_u16le(out_, static_cast<std::uint16_t>(method));
  put_u16le(out_, dt.time);
  put_u16le(out_, dt.date);
  put_u32le(out_, crc);
  put_u32le(out_, static_cast<std::uint32_t>(payload.size()));
  put_u32le(out_, static_cast<std::uint32_t>(data.size()));
  put_u16le(out_, static_cast<std::uint16_t>(name.size()));
  put_u16le(out_, 0);
  out_ += name;
  out_ += payload;

  put_u32le(central_, 0x02014B50);
  put_u16le(central_, version);  // made by: MS-DOS, as Windows' own ZIP writer says
  put_u16le(central_, version);
  put_u16le(central_, flags);
  put_u16le(central_, static_cast<std::uint16_t>(method));
  put_u16le(central_, dt.time);
  put_u16le(central_, dt.date);
  put_u32le(central_, crc);
  put_u32le(central_, static_cast<std::uint32_t>(payload.size()));
  put_u32le(central_, static_cast<std::uint32_t>(data.size()));
  put_u16le(central_, static_cast<std::uint16_t>(name.size()));
  put_u16le(central_, 0);                                                 // extra
  put_u16le(central_, 0);                                                 // comment
  put_u16le(central_, 0);                                                 // disk
  put_u16le(central_, 0);                                                 // internal attributes
  put_u32le(central_, name.empty() || name.back() != '/' ? 0x20 : 0x10);  // FILE_ATTRIBUTE_ARCHIVE or DIRECTORY
  put_u32le(central_, offset);
  central_ += name;
  ++count_;
}

void ZipWriter::add_directory(std::string_view name) {
  if (name.empty() || name.back() != '/') throw std::invalid_argument("ZIP directory names end with '/'");
  add(name, {}, ZipMethod::stored);
}

Bytes ZipWriter::finish() {
  const auto cd_offset = static_cast<std::uint32_t>(out_.size());
  out_ += central_;
  put_u32le(out_, 0x06054B50);
  put_u16le(out_, 0);
  put_u16le(out_, 0);
  put_u16le(out_, count_);
  put_u16le(out_, count_);
  put_u32le(out_, static_cast<std::uint32_t>(central_.size()));
  put_u32le(out_, cd_offset);
  put_u16le(out_, static_cast<std::uint16_t>(comment_.size()));
  out_ += comment_;
  central_.clear();
  return std::move(out_);
}

}  // namespace emoguard::fixturegen
