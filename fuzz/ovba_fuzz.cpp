// Fuzz target: VBA decompression, the dir stream and the PROJECT stream on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/ovba/ovba.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emoguard::formats::ovba;
  const emoguard::ByteView in(data, size);
  const auto d = decompress(in, 1 << 20);
  if (d.data.size() > (1 << 20)) __builtin_trap();
  (void)parse_dir(emoguard::ByteView(std::string_view(d.data)));
  (void)parse_dir(in);  // a dir stream that was never compressed
  const auto p = parse_project_stream(in);
  (void)p.locked();
  (void)decrypt_data(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
