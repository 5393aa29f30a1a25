// Fuzz target: one EVTX chunk slot of any bytes (header, record framing, CRCs, carving); every
// record found is rendered as JSON and XML and walked for fields.
#include <cstddef>
#include <cstdint>

#include "evtx_fuzz_common.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > emoguard::formats::evtx::kChunkSize) size = emoguard::formats::evtx::kChunkSize;
  emoguard::fuzz::exercise_chunk(emoguard::ByteView(data, size), size > 0 && (data[0] & 1) != 0);
  return 0;
}
