// document analyzer: VBA macros in OLE2 and OOXML Office files, graded from "has macros" to critical.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "analyzers/yara/yara_rules.hpp"
#include "emoguard/analyzer.hpp"

namespace emoguard::analyzers::document {

struct Options {
  bool mraptor = false;  // also report mraptor's A∧(W∨X) verdict, for parity with oletools
  // User YARA rules, matched against each decompressed module, decoded payload and XLM sheet.
  std::shared_ptr<const yara::Rules> yara;
  // Receives every decompressed VBA module (for --extract); called from worker threads.
  // procedural: a standard module (.bas); otherwise a document or class module (.cls).
  std::function<void(const ObjectPath& module, const std::string& module_name, bool procedural, const std::string& source)> on_module;
  // Receives each Excel 4.0 macro sheet as "A1<TAB>=FORMULA" lines (for --extract).
  std::function<void(const ObjectPath& sheet, const std::string& sheet_name, const std::string& formulas)> on_xlm_sheet;
};

std::unique_ptr<Analyzer> make_analyzer(Options options = {});

}  // namespace emoguard::analyzers::document
