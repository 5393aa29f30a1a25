// Fuzz target: the CFB parser must survive any bytes, and reading every stream must stay bounded.
#include <cstddef>
#include <cstdint>

#include "formats/cfb/cfb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  emoguard::Limits limits;
  limits.cfb_max_stream_bytes = 1 << 20;  // keep each iteration cheap
  auto c = emoguard::formats::cfb::Compound::parse(emoguard::ByteView(data, size), limits);
  if (!c) return 0;
  std::uint64_t total = 0;
  for (const auto& e : c->entries()) {
    if (e.type != emoguard::formats::cfb::EntryType::stream) continue;
    auto r = c->read(e);
    if (r) {
      if (r->size() > e.size) __builtin_trap();  // never more than declared
      total += r->size();
    }
    (void)c->children(e);
  }
  // Streams are read from sectors of this file: together they cannot exceed one copy of each
  // sector per stream, however the chains are forged.
  if (total > static_cast<std::uint64_t>(size) * (c->entries().size() + 1)) __builtin_trap();
  (void)c->find("Macros/VBA/dir");
  if (c->tail().used_end > size) __builtin_trap();
  return 0;
}
