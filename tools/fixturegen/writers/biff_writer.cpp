// BIFF8 writer: records in the order [MS-XLS] 2.1.7.20 gives them, BOUNDSHEET8 offsets patched
// once the substreams are laid out, formulas and names as Ptg token arrays.
#include "writers/biff_writer.hpp"

#include <fmt/format.h>

#include <stdexcept>

namespace emoguard::fixturegen {
namespace {

void record(Bytes& b, std::uint16_t type, std::string_view data) {
  if (data.size() > 8224) throw std::invalid_argument("BIFF8 record longer than 8224 bytes (CONTINUE is not written)");
  put_u16le(b, type);
  put_u16le(b, static_cast<std::uint16_t>(data.size()));
  b.append(data);
}

Bytes bof(std::uint16_t dt) {
  Bytes d;
  put_u16le(d, 0x0600);  // BIFF8
  put_u16le(d, dt);      // 0x0005 globals, 0x0010 worksheet, 0x0040 macro sheet
  put_u16le(d, 0x4F5A);  // build
  put_u16le(d, 0x07CD);  // year
  put_u32le(d, 0x000100C1);
  put_u32le(d, 0x00000606);
  return d;
}

bool is_ascii(std::string_view s) {
  for (const char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// The character part of an XLUnicodeString: fHighByte, then 8-bit or UTF-16LE characters.
// Returns the character count the caller writes in front of it.
std::size_t unicode_chars(Bytes& b, std::string_view utf8) {
  if (is_ascii(utf8)) {
    put_u8(b, 0);
    b.append(utf8);
    return utf8.size();
  }
  put_u8(b, 1);
  const Bytes u = utf16le(utf8);
  b += u;
  return u.size() / 2;
}

// XLUnicodeString with a 16-bit count (LABEL, CODENAME).
Bytes xl_unicode_string(std::string_view utf8) {
  Bytes chars;
  const std::size_t n = unicode_chars(chars, utf8);
  Bytes b;
  put_u16le(b, static_cast<std::uint16_t>(n));
  return b + chars;
}

std::string quoted(std::string_view s) {
  std::string q = "\"";
  for (const char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

}  // namespace

XlmFormula XlmFormula::string(std::string_view ascii) {
  if (ascii.size() > 255 || !is_ascii(ascii))
    throw std::invalid_argument("PtgStr fixture strings are ASCII, at most 255 characters");
  XlmFormula f;
  put_u8(f.rgce_, 0x17);  // PtgStr
  put_u8(f.rgce_, static_cast<std::uint8_t>(ascii.size()));
  put_u8(f.rgce_, 0);  // fHighByte: 8-bit characters
  f.rgce_.append(ascii);
  f.text_ = quoted(ascii);
  return f;
}

XlmFormula XlmFormula::integer(std::uint16_t v) {
  XlmFormula f;
  put_u8(f.rgce_, 0x1E);  // PtgInt
  put_u16le(f.rgce_, v);
  f.text_ = std::to_string(v);
  return f;
}

XlmFormula XlmFormula::function(std::uint16_t index, std::string_view name, const std::vector<XlmFormula>& args) {
  if (args.size() > 255) throw std::invalid_argument("too many function arguments");
  XlmFormula f;
  f.text_ = std::string(name) + "(";
  for (std::size_t i = 0; i < args.size(); ++i) {
    f.rgce_ += args[i].rgce_;  // arguments first: reverse Polish
    f.text_ += (i ? "," : "") + args[i].text_;
  }
  f.text_ += ")";
  put_u8(f.rgce_, 0x42);  // PtgFuncVar, value class
  put_u8(f.rgce_, static_cast<std::uint8_t>(args.size()));
  put_u16le(f.rgce_, index);  // tab, with fCeFunc (bit 15) for macro commands such as ALERT
  return f;
}

Bytes biff8_workbook_stream(const BiffWorkbook& wb) {
  if (wb.sheets.empty()) throw std::invalid_argument("a workbook needs a sheet");
  Bytes g;
  record(g, 0x0809, bof(0x0005));
  Bytes cp;
  put_u16le(cp, 1200);  // CODEPAGE: BIFF8 strings are UTF-16 or 8-bit Latin-1
  record(g, 0x0042, cp);
  if (!wb.code_name.empty()) {
    record(g, 0x00D3, "");                               // OBJPROJ: the file has a VBA project
    record(g, 0x01BA, xl_unicode_string(wb.code_name));  // CODENAME of the workbook
  }
  std::vector<std::size_t> boundsheet_at;
  for (const auto& s : wb.sheets) {
    Bytes bs;
    put_u32le(bs, 0);  // lbPlyPos: patched below
    put_u8(bs, static_cast<std::uint8_t>(s.visibility));
    put_u8(bs, s.kind == BiffSheet::Kind::macro_sheet ? 0x01 : 0x00);  // dt
    Bytes chars;
    const std::size_t n = unicode_chars(chars, s.name);
    if (n == 0 || n > 31) throw std::invalid_argument("sheet names are 1..31 characters");
    put_u8(bs, static_cast<std::uint8_t>(n));
    bs += chars;
    boundsheet_at.push_back(g.size() + 4);
    record(g, 0x0085, bs);
  }
  if (wb.auto_open_sheet) {
    if (*wb.auto_open_sheet >= wb.sheets.size()) throw std::invalid_argument("Auto_Open names a sheet that is not there");
    // SUPBOOK for this workbook's own sheets, one EXTERNSHEET entry (XTI) for the target sheet,
    // and the built-in name Auto_Open = PtgRef3d(XTI 0, $A$1).
    Bytes sup;
    put_u16le(sup, static_cast<std::uint16_t>(wb.sheets.size()));  // ctab
    put_u16le(sup, 0x0401);                                        // self-referencing
    record(g, 0x01AE, sup);
    Bytes ext;
    put_u16le(ext, 1);  // cXTI
    put_u16le(ext, 0);  // iSupBook: the SUPBOOK above
    put_u16le(ext, static_cast<std::uint16_t>(*wb.auto_open_sheet));
    put_u16le(ext, static_cast<std::uint16_t>(*wb.auto_open_sheet));
    record(g, 0x0017, ext);
    Bytes rgce;
    put_u8(rgce, 0x3A);  // PtgRef3d, reference class
    put_u16le(rgce, 0);  // ixti
    put_u16le(rgce, 0);  // row 1
    put_u16le(rgce, 0);  // column A, both absolute (fColRelative and fRwRelative clear)
    Bytes lbl;
    put_u16le(lbl, 0x0020);  // fBuiltin
    put_u8(lbl, 0);          // chKey
    put_u8(lbl, 1);          // cch: the one-byte built-in name
    put_u16le(lbl, static_cast<std::uint16_t>(rgce.size()));
    put_u16le(lbl, 0);
    put_u16le(lbl, 0);  // itab: a global name
    put_u32le(lbl, 0);
    put_u8(lbl, 0);     // fHighByte
    put_u8(lbl, 0x01);  // Auto_Open
    lbl += rgce;
    record(g, 0x0018, lbl);
  }
  record(g, 0x000A, "");

  for (std::size_t i = 0; i < wb.sheets.size(); ++i) {
    const BiffSheet& s = wb.sheets[i];
    set_u32le(g, boundsheet_at[i], static_cast<std::uint32_t>(g.size()));
    record(g, 0x0809, bof(s.kind == BiffSheet::Kind::macro_sheet ? 0x0040 : 0x0010));
    for (std::size_t r = 0; r < s.labels.size(); ++r) {
      Bytes cell;
      put_u16le(cell, static_cast<std::uint16_t>(r));
      put_u16le(cell, 0);
      put_u16le(cell, 0x0F);  // ixfe: the default cell format
      cell += xl_unicode_string(s.labels[r]);
      record(g, 0x0204, cell);  // LABEL
    }
    for (std::size_t r = 0; r < s.formulas.size(); ++r) {
      const Bytes& rgce = s.formulas[r].rgce();
      Bytes f;
      put_u16le(f, static_cast<std::uint16_t>(r));
      put_u16le(f, 0);
      put_u16le(f, 0x0F);
      put_u64le(f, 0);       // FormulaValue: the number 0 (what CALL/EXEC/HALT return when never run)
      put_u16le(f, 0x0001);  // fAlwaysCalc, as Excel sets on macro-sheet cells
      put_u32le(f, 0);       // chn
      put_u16le(f, static_cast<std::uint16_t>(rgce.size()));
      f += rgce;
      record(g, 0x0006, f);  // FORMULA
    }
    if (!s.code_name.empty()) record(g, 0x01BA, xl_unicode_string(s.code_name));
    record(g, 0x000A, "");
  }
  return g;
}

std::string xlm_sheet_listing(const BiffSheet& sheet) {
  std::string s;
  for (std::size_t r = 0; r < sheet.formulas.size(); ++r) s += fmt::format("A{}\t={}\n", r + 1, sheet.formulas[r].text());
  return s;
}

}  // namespace emoguard::fixturegen
