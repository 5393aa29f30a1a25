// Fuzz target: content-type detection must accept any bytes, stay in bounds and always answer.
#include <cstddef>
#include <cstdint>

#include "io/detect.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const emoguard::ByteView bytes(data, size);
  const auto d = emoguard::io::detect(bytes);
  // A detection always has a printable label; an empty input is always "empty".
  if (d.label().empty()) __builtin_trap();
  if ((size == 0) != (d.type == emoguard::ContentType::empty)) __builtin_trap();
  // Small limits exercise the truncated-peek paths of the ZIP and OLE2 sub-typing.
  emoguard::Limits small;
  small.detect_head_bytes = 64;
  small.zip_tail_bytes = 40;
  small.zip_max_names = 2;
  small.cfb_max_dir_sectors = 1;
  (void)emoguard::io::detect(bytes, small);
  return 0;
}
