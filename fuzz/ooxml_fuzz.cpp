// Fuzz target: the ZIP reader and the OOXML parts we read (xlsm/xlsb XLM, relationships), plus SYLK.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "analyzers/document/xlm.hpp"
#include "formats/zip/zip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emoguard;
  const ByteView in(data, size);
  formats::zip::ZipLimits limits;
  limits.max_member_bytes = 1 << 20;
  if (auto a = formats::zip::parse(in, limits)) {
    for (const auto& m : a->members) {
      auto x = formats::zip::extract(in, m, limits);
      if (x && x->data.size() > limits.max_member_bytes + 65536) __builtin_trap();
    }
  }
  std::vector<std::string> issues;
  const auto wb = analyzers::document::xlm_from_ooxml(in, issues);
  (void)wb;
  (void)analyzers::document::xlm_from_sylk(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
