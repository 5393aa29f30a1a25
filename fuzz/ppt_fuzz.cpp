// Fuzz target: ExOleObjStg carving and inflation in a PowerPoint Document stream.
#include <cstddef>
#include <cstdint>

#include "formats/ppt/ppt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  for (const auto& e : emoguard::formats::ppt::embedded_storages(emoguard::ByteView(data, size), 16, 1 << 20)) {
    if (e.data.size() > (1 << 20) && e.compressed) __builtin_trap();
  }
  return 0;
}
