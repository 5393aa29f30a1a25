// MS-OFFCRYPTO §2.3.4.5-2.3.4.15 with OpenSSL EVP. Emotet's encrypted documents relied on
// passwords Office applies by itself (VelvetSweatshop): trying them lets us look inside.
#include "formats/offcrypto/offcrypto.hpp"

// The direct SHA functions are deprecated in OpenSSL 3 but kept: they avoid EVP's per-call cost.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <pugixml.hpp>

#include <algorithm>
#include <cstring>
#include <memory>

#include "emoguard/text.hpp"

namespace emoguard::formats::offcrypto {
namespace {

using Bytes = std::vector<std::uint8_t>;

const EVP_MD* md_by_name(const std::string& n) {
  if (n == "SHA512") return EVP_sha512();
  if (n == "SHA384") return EVP_sha384();
  if (n == "SHA256") return EVP_sha256();
  if (n == "SHA1") return EVP_sha1();
  if (n == "MD5") return EVP_md5();
  return nullptr;
}

Bytes digest(const EVP_MD* md, std::initializer_list<std::pair<const std::uint8_t*, std::size_t>> parts) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  Bytes out(static_cast<std::size_t>(EVP_MD_get_size(md)));
  unsigned len = 0;
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  for (const auto& [p, n] : parts) EVP_DigestUpdate(ctx.get(), p, n);
  EVP_DigestFinal_ex(ctx.get(), out.data(), &len);
  out.resize(len);
  return out;
}

// H(salt + password), then `rounds` times H(LE32(i) + H). This loop is the whole cost of trying
// a password (100,000 rounds for Agile); OpenSSL 3's EVP dispatch costs more than the hashing of
// such short inputs, so the common hashes use the direct functions (about 3x faster here).
template <class Ctx, int (*Init)(Ctx*), int (*Update)(Ctx*, const void*, std::size_t), int (*Final)(unsigned char*, Ctx*), std::size_t N>
Bytes spin_direct(const Bytes& salt, const Bytes& pw, std::uint32_t rounds) {
  Ctx c;
  unsigned char h[N];
  Init(&c);
  Update(&c, salt.data(), salt.size());
  Update(&c, pw.data(), pw.size());
  Final(h, &c);
  for (std::uint32_t i = 0; i < rounds; ++i) {
    const unsigned char it[4] = {static_cast<unsigned char>(i), static_cast<unsigned char>(i >> 8), static_cast<unsigned char>(i >> 16),
                                 static_cast<unsigned char>(i >> 24)};
    Init(&c);
    Update(&c, it, 4);
    Update(&c, h, N);
    Final(h, &c);
  }
  return Bytes(h, h + N);
}

Bytes spin(const EVP_MD* md, const Bytes& salt, const Bytes& pw, std::uint32_t rounds) {
  if (md == EVP_sha512()) return spin_direct<SHA512_CTX, SHA512_Init, SHA512_Update, SHA512_Final, 64>(salt, pw, rounds);
  if (md == EVP_sha1()) return spin_direct<SHA_CTX, SHA1_Init, SHA1_Update, SHA1_Final, 20>(salt, pw, rounds);
  if (md == EVP_sha256()) return spin_direct<SHA256_CTX, SHA256_Init, SHA256_Update, SHA256_Final, 32>(salt, pw, rounds);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  std::uint8_t h[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  EVP_DigestInit_ex(ctx.get(), md, nullptr);
  EVP_DigestUpdate(ctx.get(), salt.data(), salt.size());
  EVP_DigestUpdate(ctx.get(), pw.data(), pw.size());
  EVP_DigestFinal_ex(ctx.get(), h, &len);
  for (std::uint32_t i = 0; i < rounds; ++i) {
    const std::uint8_t it[4] = {static_cast<std::uint8_t>(i), static_cast<std::uint8_t>(i >> 8), static_cast<std::uint8_t>(i >> 16),
                                static_cast<std::uint8_t>(i >> 24)};
    EVP_DigestInit_ex(ctx.get(), md, nullptr);
    EVP_DigestUpdate(ctx.get(), it, 4);
    EVP_DigestUpdate(ctx.get(), h, len);
    EVP_DigestFinal_ex(ctx.get(), h, &len);
  }
  return Bytes(h, h + len);
}

Bytes le32(std::uint32_t v) { return {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v >> 16), static_cast<std::uint8_t>(v >> 24)}; }

Bytes utf16le(std::string_view utf8) {
  Bytes out;
  // Passwords here are ASCII or BMP text; decode UTF-8 to code points, then to UTF-16LE.
  for (std::size_t i = 0; i < utf8.size();) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    char32_t cp = c;
    int n = 0;
    if (c >= 0xF0) cp = c & 0x07, n = 3;
    else if (c >= 0xE0) cp = c & 0x0F, n = 2;
    else if (c >= 0xC0) cp = c & 0x1F, n = 1;
    for (int k = 1; k <= n && i + static_cast<std::size_t>(k) < utf8.size(); ++k) cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]) & 0x3F);
    i += static_cast<std::size_t>(n) + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      const auto hi = static_cast<std::uint16_t>(0xD800 + (cp >> 10));
      const auto lo = static_cast<std::uint16_t>(0xDC00 + (cp & 0x3FF));
      out.insert(out.end(), {static_cast<std::uint8_t>(hi), static_cast<std::uint8_t>(hi >> 8), static_cast<std::uint8_t>(lo), static_cast<std::uint8_t>(lo >> 8)});
    } else {
      out.insert(out.end(), {static_cast<std::uint8_t>(cp), static_cast<std::uint8_t>(cp >> 8)});
    }
  }
  return out;
}

const EVP_CIPHER* aes(std::uint32_t bits, bool cbc) {
  switch (bits) {
    case 128: return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
    case 192: return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
    case 256: return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
    default: return nullptr;
  }
}

// Decrypts whole blocks without padding; input length must be a multiple of the block size.
std::optional<Bytes> aes_decrypt(const Bytes& key, const Bytes* iv, const std::uint8_t* in, std::size_t n) {
  const EVP_CIPHER* c = aes(static_cast<std::uint32_t>(key.size() * 8), iv != nullptr);
  if (c == nullptr || n % 16 != 0) return std::nullopt;
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (EVP_DecryptInit_ex(ctx.get(), c, nullptr, key.data(), iv != nullptr ? iv->data() : nullptr) != 1) return std::nullopt;
  EVP_CIPHER_CTX_set_padding(ctx.get(), 0);
  Bytes out(n + 16);
  int len = 0;
  int fin = 0;
  if (EVP_DecryptUpdate(ctx.get(), out.data(), &len, in, static_cast<int>(n)) != 1) return std::nullopt;
  if (EVP_DecryptFinal_ex(ctx.get(), out.data() + len, &fin) != 1) return std::nullopt;
  out.resize(static_cast<std::size_t>(len + fin));
  return out;
}

Bytes fit(Bytes b, std::size_t n, std::uint8_t pad) {
  b.resize(n, pad);
  return b;
}

Bytes b64(const char* s) {
  const std::string d = text::base64_decode(s);
  return Bytes(d.begin(), d.end());
}

}  // namespace

std::string EncryptionInfo::describe() const {
  if (kind == Kind::standard) return "OOXML Standard encryption (AES-" + std::to_string(key_bits) + ", SHA-1)";
  return "OOXML Agile encryption (AES-" + std::to_string(key_data_bits) + ", " + hash_algorithm + " x " + std::to_string(spin_count) + ")";
}

const std::vector<std::string>& default_passwords() {
  static const std::vector<std::string> kPasswords = {"VelvetSweatshop", "/01Hannes Ruescher/01", "123", "1234", "12345", "123456", "4321"};
  return kPasswords;
}

Result<EncryptionInfo> parse_encryption_info(ByteView s) {
  EncryptionInfo info;
  info.major = s.u16le(0).value_or(0);
  info.minor = s.u16le(2).value_or(0);
  if (info.major == 4 && info.minor == 4) {
    info.kind = EncryptionInfo::Kind::agile;
    pugi::xml_document doc;
    const ByteView xml = s.clamp(8, s.size());
    if (!doc.load_buffer(xml.data(), xml.size())) return make_error(Errc::malformed, "Agile EncryptionInfo: XML does not parse", 8);
    const auto root = doc.document_element();
    const auto key_data = root.child("keyData");
    if (!key_data) return make_error(Errc::malformed, "Agile EncryptionInfo: no keyData", 8);
    info.block_size = key_data.attribute("blockSize").as_uint(16);
    info.key_data_bits = key_data.attribute("keyBits").as_uint(256);
    info.key_data_hash = key_data.attribute("hashAlgorithm").as_string("SHA512");
    info.key_data_salt = b64(key_data.attribute("saltValue").as_string());
    pugi::xml_node ek;
    for (const auto& enc : root.child("keyEncryptors").children()) {
      if (std::string(enc.attribute("uri").as_string()).find("password") == std::string::npos) continue;
      for (const auto& c : enc.children()) {
        const std::string n = c.name();
        if (n.size() >= 12 && n.compare(n.size() - 12, 12, "encryptedKey") == 0) ek = c;
      }
    }
    if (!ek) return make_error(Errc::unsupported, "Agile EncryptionInfo: no password key encryptor (certificate-only)", 8);
    info.hash_algorithm = ek.attribute("hashAlgorithm").as_string("SHA512");
    info.spin_count = ek.attribute("spinCount").as_uint(100000);
    info.pw_key_bits = ek.attribute("keyBits").as_uint(256);
    info.pw_salt = b64(ek.attribute("saltValue").as_string());
    info.encrypted_verifier_hash_input = b64(ek.attribute("encryptedVerifierHashInput").as_string());
    info.encrypted_verifier_hash_value = b64(ek.attribute("encryptedVerifierHashValue").as_string());
    info.encrypted_key_value = b64(ek.attribute("encryptedKeyValue").as_string());
    if (md_by_name(info.hash_algorithm) == nullptr || md_by_name(info.key_data_hash) == nullptr)
      return make_error(Errc::unsupported, "Agile EncryptionInfo: hash " + info.hash_algorithm + " not supported");
    if (info.spin_count > 10'000'000) return make_error(Errc::limit, "Agile EncryptionInfo: spinCount " + std::to_string(info.spin_count) + " too large");
    return info;
  }
  if ((info.major == 3 || info.major == 4) && info.minor == 2) {
    info.kind = EncryptionInfo::Kind::standard;
    const auto header_size = s.u32le(8).value_or(0);
    const std::uint64_t h = 12;
    info.key_bits = s.u32le(h + 16).value_or(0);
    const std::uint64_t v = h + header_size;  // EncryptionVerifier
    const auto salt_size = s.u32le(v).value_or(0);
    if (salt_size != 16 || !s.contains(v + 4, 16 + 16 + 4 + 32)) return make_error(Errc::malformed, "Standard EncryptionInfo: verifier cut short", v);
    info.salt.assign(s.begin() + v + 4, s.begin() + v + 20);
    info.encrypted_verifier.assign(s.begin() + v + 20, s.begin() + v + 36);
    info.encrypted_verifier_hash.assign(s.begin() + v + 40, s.begin() + v + 72);
    if (info.key_bits != 128 && info.key_bits != 192 && info.key_bits != 256) return make_error(Errc::unsupported, "Standard encryption with " + std::to_string(info.key_bits) + "-bit key");
    return info;
  }
  return make_error(Errc::unsupported, "EncryptionInfo version " + std::to_string(info.major) + "." + std::to_string(info.minor) + " not supported");
}

std::optional<Bytes> key_for_password(const EncryptionInfo& info, std::string_view password_utf8) {
  const Bytes pw = utf16le(password_utf8);
  if (info.kind == EncryptionInfo::Kind::standard) {
    const EVP_MD* sha1 = EVP_sha1();
    const Bytes hsh = spin(sha1, info.salt, pw, 50000);
    const Bytes block0 = le32(0);
    const Bytes hfinal = digest(sha1, {{hsh.data(), hsh.size()}, {block0.data(), 4}});
    Bytes b36(64, 0x36);
    Bytes b5c(64, 0x5C);
    for (std::size_t i = 0; i < hfinal.size(); ++i) {
      b36[i] ^= hfinal[i];
      b5c[i] ^= hfinal[i];
    }
    Bytes x = digest(sha1, {{b36.data(), 64}});
    const Bytes x2 = digest(sha1, {{b5c.data(), 64}});
    x.insert(x.end(), x2.begin(), x2.end());
    Bytes key(x.begin(), x.begin() + info.key_bits / 8);
    const auto verifier = aes_decrypt(key, nullptr, info.encrypted_verifier.data(), info.encrypted_verifier.size());
    const auto vhash = aes_decrypt(key, nullptr, info.encrypted_verifier_hash.data(), info.encrypted_verifier_hash.size());
    if (!verifier || !vhash) return std::nullopt;
    const Bytes want = digest(sha1, {{verifier->data(), verifier->size()}});
    if (!std::equal(want.begin(), want.end(), vhash->begin())) return std::nullopt;
    return key;
  }
  const EVP_MD* md = md_by_name(info.hash_algorithm);
  const Bytes hsh = spin(md, info.pw_salt, pw, info.spin_count);
  auto derive = [&](const char* block_hex) {
    Bytes bk;
    for (std::size_t i = 0; block_hex[i] != '\0' && block_hex[i + 1] != '\0'; i += 2) {
      bk.push_back(static_cast<std::uint8_t>(std::stoi(std::string(block_hex + i, 2), nullptr, 16)));
    }
    return fit(digest(md, {{hsh.data(), hsh.size()}, {bk.data(), bk.size()}}), info.pw_key_bits / 8, 0x36);
  };
  const Bytes iv = fit(info.pw_salt, info.block_size, 0x36);
  const auto input = aes_decrypt(derive("fea7d2763b4b9e79"), &iv, info.encrypted_verifier_hash_input.data(), info.encrypted_verifier_hash_input.size());
  const auto value = aes_decrypt(derive("d7aa0f6d3061344e"), &iv, info.encrypted_verifier_hash_value.data(), info.encrypted_verifier_hash_value.size());
  if (!input || !value) return std::nullopt;
  const Bytes want = digest(md, {{input->data(), std::min<std::size_t>(input->size(), info.pw_salt.size())}});
  if (value->size() < want.size() || !std::equal(want.begin(), want.end(), value->begin())) return std::nullopt;
  auto key = aes_decrypt(derive("146e0be7abacd0d6"), &iv, info.encrypted_key_value.data(), info.encrypted_key_value.size());
  if (!key) return std::nullopt;
  key->resize(info.key_data_bits / 8);
  return key;
}

Result<std::string> decrypt_package(const EncryptionInfo& info, const Bytes& key, ByteView pkg, std::uint64_t max_bytes) {
  const auto size = pkg.u64le(0);
  if (!size) return make_error(Errc::truncated, "EncryptedPackage shorter than its size field", 0);
  if (*size > max_bytes) return make_error(Errc::limit, "EncryptedPackage declares " + std::to_string(*size) + " bytes, over the limit");
  const ByteView data = pkg.clamp(8, pkg.size());
  std::string out;
  out.reserve(static_cast<std::size_t>(std::min<std::uint64_t>(*size, data.size())));
  if (info.kind == EncryptionInfo::Kind::standard) {
    const std::size_t n = data.size() & ~std::size_t{15};
    const auto plain = aes_decrypt(key, nullptr, data.data(), n);
    if (!plain) return make_error(Errc::malformed, "EncryptedPackage does not decrypt", 8);
    out.assign(plain->begin(), plain->end());
  } else {
    const EVP_MD* md = md_by_name(info.key_data_hash);
    for (std::uint64_t seg = 0, off = 0; off < data.size(); ++seg, off += 4096) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(4096, data.size() - off)) & ~std::size_t{15};
      if (n == 0) break;
      const Bytes idx = le32(static_cast<std::uint32_t>(seg));
      const Bytes iv = fit(digest(md, {{info.key_data_salt.data(), info.key_data_salt.size()}, {idx.data(), 4}}), info.block_size, 0x36);
      const auto plain = aes_decrypt(key, &iv, data.data() + off, n);
      if (!plain) return make_error(Errc::malformed, "EncryptedPackage segment " + std::to_string(seg) + " does not decrypt", 8 + off);
      out.append(plain->begin(), plain->end());
      if (out.size() >= *size) break;
    }
  }
  if (out.size() > *size) out.resize(static_cast<std::size_t>(*size));
  return out;
}

}  // namespace emoguard::formats::offcrypto
