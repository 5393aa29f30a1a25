// Fuzz target: BIFF5/BIFF8 workbook streams and Excel formula decoding in every dialect.
#include <cstddef>
#include <cstdint>

#include "formats/biff/biff.hpp"
#include "formats/biff/formula.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace emoguard::formats::biff;
  const emoguard::ByteView in(data, size);
  const auto wb = parse_workbook(in);
  (void)wb.has_macro_sheet();
  for (const auto d : {Dialect::biff5, Dialect::biff8, Dialect::xlsb}) {
    FormulaContext ctx;
    ctx.dialect = d;
    ctx.name = [](std::uint32_t i) { return i % 2 ? std::string("N") : std::string(); };
    (void)decode_formula(in, ctx);
  }
  return 0;
}
