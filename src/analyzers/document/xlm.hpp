// Excel 4.0 (XLM) macros: one model for BIFF, xlsm and SYLK workbooks, and its graded verdict.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "emoguard/analyzer.hpp"
#include "emoguard/bytes.hpp"

namespace emoguard::analyzers::document {

struct XlmSheet {
  std::string name;
  std::string state = "visible";  // visible, hidden, veryHidden
  std::vector<std::pair<std::string, std::string>> cells;  // ("A1", "=EXEC(...)")
  std::size_t undecoded = 0;  // formulas that could not be fully decoded
};

struct XlmWorkbook {
  std::vector<XlmSheet> sheets;                               // macro sheets only
  std::vector<std::pair<std::string, std::string>> auto_names;  // ("Auto_Open", "Macro1!$A$1")
  bool encrypted = false;
};

using XlmSheetCallback = std::function<void(const ObjectPath& sheet, const std::string& name, const std::string& formulas)>;

// Reports one finding for a workbook with macro sheets (none when it has none).
// scan_text, when set, is given each macro sheet's formulas (for YARA).
using TextScan = std::function<void(const ObjectPath& at, const std::string& what, std::string_view text)>;
void report_xlm(const XlmWorkbook& wb, const ObjectPath& at, Context& ctx, const XlmSheetCallback& on_sheet, const TextScan& scan_text = {});

// xlsm/xltm/xlam: workbook.xml, its relationships and the macro-sheet parts, from a ZIP.
// Returns an empty workbook when the package has no macro sheet.
[[nodiscard]] XlmWorkbook xlm_from_ooxml(ByteView zip_bytes, std::vector<std::string>& issues);

// External relationships (remote templates, linked OLE objects, ...) and DDE fields of an OOXML
// package, reported as findings under `at`.
void report_ooxml_links(ByteView zip_bytes, const ObjectPath& at, Context& ctx);

// SYLK (.slk): "ID;P" text with O;E (macro sheet), NN;N (names) and C;...;E (formulas) records.
[[nodiscard]] XlmWorkbook xlm_from_sylk(std::string_view text);

}  // namespace emoguard::analyzers::document
