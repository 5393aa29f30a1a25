// Fuzz target: EncryptionInfo parsing (binary Standard header, Agile XML) and package decryption
// with a fixed key; password derivation is not fuzzed (its cost is the spin count, by design).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "formats/offcrypto/offcrypto.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emoguard::formats::offcrypto;
  const emoguard::ByteView in(data, size);
  auto info = parse_encryption_info(in);
  if (!info) return 0;
  (void)info->describe();
  const std::vector<std::uint8_t> key(info->kind == EncryptionInfo::Kind::standard ? info->key_bits / 8 : info->key_data_bits / 8, 0x42);
  auto plain = decrypt_package(*info, key, in, 1 << 20);
  if (plain && plain->size() > (1 << 20)) __builtin_trap();
  return 0;
}
