// BIFF5/BIFF8 workbook streams: sheets and their visibility, defined names, macro-sheet formulas.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::biff {

struct Issue {
  std::string code;
  std::string message;
  std::uint64_t offset = kNoOffset;
};

enum class SheetState : std::uint8_t { visible = 0, hidden = 1, very_hidden = 2 };

struct Cell {
  std::uint32_t row = 0;
  std::uint32_t col = 0;
  std::string formula;   // "=EXEC(...)"
  bool complete = true;  // false when a token could not be decoded
};

struct Sheet {
  std::string name;
  SheetState state = SheetState::visible;
  std::uint8_t boundsheet_type = 0;  // 0 worksheet, 1 macro sheet, 2 chart, 6 VB module
  bool macro = false;                // a macro sheet by its BOUNDSHEET type or its own BOF
  std::uint64_t offset = 0;          // BOF of its substream
  std::vector<Cell> formulas;        // macro sheets only
};

struct Name {
  std::string name;        // built-in names spelled out: "Auto_Open"
  bool builtin = false;
  bool hidden = false;
  std::string formula;     // what it refers to: "Macro1!$A$1"
};

struct Workbook {
  int biff = 8;            // 5 or 8
  bool encrypted = false;  // FILEPASS present: records after it are encrypted
  std::uint16_t encryption_type = 0;  // FILEPASS wEncryptionType: 0 XOR, 1 RC4
  std::vector<Sheet> sheets;
  std::vector<Name> names;
  std::vector<Issue> issues;
  [[nodiscard]] bool has_macro_sheet() const;
};

struct BiffLimits {
  std::uint32_t max_records = 4U << 20;
  std::uint32_t max_formulas = 200000;
};

// Never fails: a damaged stream yields what was read plus issues.
[[nodiscard]] Workbook parse_workbook(ByteView stream, const BiffLimits& limits = {});

// Names of the built-in defined names 0x00..0x0D.
[[nodiscard]] std::string builtin_name(std::uint8_t id);

}  // namespace emoguard::formats::biff
