// Fuzz target: BinXML. The input becomes the body of one record inside a chunk with a valid
// header and checksums, so every mutation reaches the template compiler, the substitution
// values and the renderers instead of dying at the chunk signature.
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "evtx_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace evtx = emoguard::formats::evtx;
  constexpr std::size_t kMax = evtx::kChunkSize - evtx::kChunkHeaderSize - 28;
  if (size > kMax) size = kMax;
  std::vector<std::uint8_t> c(evtx::kChunkSize, 0);
  auto put32 = [&](std::size_t off, std::uint32_t v) { std::memcpy(c.data() + off, &v, 4); };
  auto put64 = [&](std::size_t off, std::uint64_t v) { std::memcpy(c.data() + off, &v, 8); };
  std::memcpy(c.data(), "ElfChnk", 8);
  const auto rec_size = static_cast<std::uint32_t>((28 + size + 7) & ~std::size_t{7});
  put64(8, 1);
  put64(16, 1);
  put64(24, 1);
  put64(32, 1);
  put32(40, 128);
  put32(44, 512);
  put32(48, 512 + rec_size);
  put32(512, 0x00002A2A);
  put32(516, rec_size);
  put64(520, 1);
  put64(528, 132000000000000000ULL);
  if (size) std::memcpy(c.data() + 536, data, size);
  put32(512 + rec_size - 4, rec_size);
  put32(52, static_cast<std::uint32_t>(crc32(0, c.data() + 512, rec_size)));
  uLong h = crc32(0, c.data(), 120);
  h = crc32(h, c.data() + 128, 384);
  put32(124, static_cast<std::uint32_t>(h));
  emoguard::fuzz::exercise_chunk(emoguard::ByteView(c.data(), c.size()), false);
  return 0;
}
