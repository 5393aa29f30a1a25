// MS-OFFCRYPTO for OOXML: EncryptionInfo (Standard and Agile), password check, package decryption.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::offcrypto {

struct EncryptionInfo {
  enum class Kind : std::uint8_t { standard, agile } kind = Kind::agile;
  std::uint16_t major = 0;
  std::uint16_t minor = 0;
  // Standard (AES-ECB, SHA-1, 50,000 rounds).
  std::uint32_t key_bits = 128;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> encrypted_verifier;
  std::vector<std::uint8_t> encrypted_verifier_hash;
  // Agile (keyData: how the package is encrypted; encryptedKey: the password key encryptor).
  std::string hash_algorithm = "SHA512";
  std::uint32_t spin_count = 100000;
  std::uint32_t block_size = 16;
  std::uint32_t key_data_bits = 256;
  std::string key_data_hash = "SHA512";
  std::vector<std::uint8_t> key_data_salt;
  std::uint32_t pw_key_bits = 256;
  std::vector<std::uint8_t> pw_salt;
  std::vector<std::uint8_t> encrypted_verifier_hash_input;
  std::vector<std::uint8_t> encrypted_verifier_hash_value;
  std::vector<std::uint8_t> encrypted_key_value;
  [[nodiscard]] std::string describe() const;
};

[[nodiscard]] Result<EncryptionInfo> parse_encryption_info(ByteView stream);

// The package key for a password, or nothing when the password is wrong.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> key_for_password(const EncryptionInfo& info, std::string_view password_utf8);

// Decrypts the EncryptedPackage stream (u64 size + ciphertext) into the OOXML ZIP bytes.
[[nodiscard]] Result<std::string> decrypt_package(const EncryptionInfo& info, const std::vector<std::uint8_t>& key, ByteView package,
                                                  std::uint64_t max_bytes = 512ULL << 20);

// Passwords that Office and malware use by default (oletools crypto.py's list).
[[nodiscard]] const std::vector<std::string>& default_passwords();

}  // namespace emoguard::formats::offcrypto
