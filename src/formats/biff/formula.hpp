// Excel formula bytes (rgce, BIFF5/BIFF8/XLSB) decoded back to readable text for XLM analysis.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "emoguard/bytes.hpp"

namespace emoguard::formats::biff {

enum class Dialect : std::uint8_t { biff5, biff8, xlsb };

struct FormulaContext {
  Dialect dialect = Dialect::biff8;
  std::uint16_t codepage = 1252;  // BIFF5 8-bit strings
  // Name for a PtgName index (1-based), and sheet name for a PtgRef3d ixti; may be empty.
  std::function<std::string(std::uint32_t)> name;
  std::function<std::string(std::uint32_t)> sheet;
};

struct DecodedFormula {
  std::string text;       // e.g. EXEC("cmd /c ...") ; "?" stands for what could not be decoded
  bool complete = true;   // false when an unknown token stopped decoding
};

// Decodes an RPN token array into infix text.
[[nodiscard]] DecodedFormula decode_formula(ByteView rgce, const FormulaContext& ctx);

// Name of a built-in function or macro command (iftab; commands have bit 15 set), "FUNC_n" if unknown.
[[nodiscard]] std::string function_name(std::uint16_t iftab);

}  // namespace emoguard::formats::biff
