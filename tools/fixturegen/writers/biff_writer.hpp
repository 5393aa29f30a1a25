// BIFF8 workbook streams ([MS-XLS]) with Excel 4.0 (XLM) macro sheets: formulas as Ptg tokens, Auto_Open.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

// An XLM formula built from its tokens: the parsed form Excel stores (rgce, reverse Polish) and
// the text Excel shows for it, built side by side so that a reader's decoding can be checked
// against what was meant.
class XlmFormula {
 public:
  // Function-table indexes ([MS-XLS] 2.5.198.17 Ftab, 2.5.198.18 Cetab: bit 15 marks a command).
  static constexpr std::uint16_t kHalt = 54;
  static constexpr std::uint16_t kExec = 110;
  static constexpr std::uint16_t kCall = 150;
  static constexpr std::uint16_t kAlert = 0x8000 | 0x76;

  static XlmFormula string(std::string_view ascii);  // PtgStr, 8-bit characters
  static XlmFormula integer(std::uint16_t v);        // PtgInt
  // PtgFuncVar (value class): argc arguments, then the function. Names as Excel shows them.
  static XlmFormula function(std::uint16_t index, std::string_view name, const std::vector<XlmFormula>& args);

  [[nodiscard]] const Bytes& rgce() const { return rgce_; }
  [[nodiscard]] const std::string& text() const { return text_; }  // without the leading '='

 private:
  Bytes rgce_;
  std::string text_;
};

struct BiffSheet {
  enum class Kind : std::uint8_t { worksheet, macro_sheet };
  enum class Visibility : std::uint8_t { visible = 0, hidden = 1, very_hidden = 2 };  // BOUNDSHEET8 hsState
  std::string name;  // UTF-8; written as 8-bit characters when ASCII, else UTF-16
  Kind kind = Kind::worksheet;
  Visibility visibility = Visibility::visible;
  std::vector<std::string> labels;   // worksheets: text cells A1, A2, ... (UTF-8)
  std::vector<XlmFormula> formulas;  // macro sheets: cells A1, A2, ...
  std::string code_name;             // the sheet's VBA document module (CODENAME), when the file has VBA
};

struct BiffWorkbook {
  std::vector<BiffSheet> sheets;
  // The defined name Auto_Open (built-in name 0x01) pointing at this sheet's A1.
  std::optional<std::size_t> auto_open_sheet;
  std::string code_name;  // the workbook's VBA module (ThisWorkbook), when the file has VBA
};

// The Workbook stream: globals (BOF, CODEPAGE, [OBJPROJ, CODENAME], BOUNDSHEET8s, SUPBOOK,
// EXTERNSHEET and LBL for Auto_Open, EOF), then one substream per sheet, BOF dt 0x10 for
// worksheets and 0x40 for macro sheets, with LABEL and FORMULA cells.
[[nodiscard]] Bytes biff8_workbook_stream(const BiffWorkbook& workbook);

// A sheet's formulas as `emoguard doc --extract` writes them (NAME.xlm): "A1<TAB>=FORMULA" lines.
[[nodiscard]] std::string xlm_sheet_listing(const BiffSheet& sheet);

}  // namespace emoguard::fixturegen
