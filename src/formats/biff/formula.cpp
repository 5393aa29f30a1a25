// Formula decoding: an RPN evaluator over Ptg tokens ([MS-XLS] 2.5.198, [MS-XLSB] 2.5.97) that
// builds text instead of values. Fixed-arity functions need their argument counts; unknown ones
// stop decoding (marked incomplete) rather than guess and mislead.
#include "formats/biff/formula.hpp"

#include <cmath>
#include <cstring>
#include <map>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "emoguard/text.hpp"

namespace emoguard::formats::biff {
namespace {

struct Fn {
  const char* name;
  int argc;  // -1: variable (only valid with PtgFuncVar)
};

const std::map<std::uint16_t, Fn>& functions() {
  static const std::map<std::uint16_t, Fn> kFns = {
      {0, {"COUNT", -1}}, {1, {"IF", -1}}, {2, {"ISNA", 1}}, {3, {"ISERROR", 1}}, {4, {"SUM", -1}}, {5, {"AVERAGE", -1}},
      {6, {"MIN", -1}}, {7, {"MAX", -1}}, {8, {"ROW", -1}}, {9, {"COLUMN", -1}}, {10, {"NA", 0}}, {15, {"SIN", 1}},
      {16, {"COS", 1}}, {17, {"TAN", 1}}, {18, {"ATAN", 1}}, {19, {"PI", 0}}, {20, {"SQRT", 1}}, {21, {"EXP", 1}},
      {22, {"LN", 1}}, {23, {"LOG10", 1}}, {24, {"ABS", 1}}, {25, {"INT", 1}}, {26, {"SIGN", 1}}, {27, {"ROUND", 2}},
      {28, {"LOOKUP", -1}}, {29, {"INDEX", -1}}, {30, {"REPT", 2}}, {31, {"MID", 3}}, {32, {"LEN", 1}}, {33, {"VALUE", 1}},
      {34, {"TRUE", 0}}, {35, {"FALSE", 0}}, {36, {"AND", -1}}, {37, {"OR", -1}}, {38, {"NOT", 1}}, {39, {"MOD", 2}},
      {48, {"TEXT", 2}}, {53, {"GOTO", 1}}, {54, {"HALT", -1}}, {55, {"RETURN", -1}}, {56, {"PV", -1}}, {63, {"RAND", 0}},
      {64, {"MATCH", -1}}, {65, {"DATE", 3}}, {66, {"TIME", 3}}, {67, {"DAY", 1}}, {68, {"MONTH", 1}}, {69, {"YEAR", 1}},
      {70, {"WEEKDAY", -1}}, {71, {"HOUR", 1}}, {72, {"MINUTE", 1}}, {73, {"SECOND", 1}}, {74, {"NOW", 0}},
      {75, {"AREAS", 1}}, {76, {"ROWS", 1}}, {77, {"COLUMNS", 1}}, {78, {"OFFSET", -1}}, {79, {"ABSREF", 2}},
      {80, {"RELREF", 2}}, {81, {"ARGUMENT", -1}}, {82, {"SEARCH", -1}}, {83, {"TRANSPOSE", 1}}, {84, {"ERROR", -1}},
      {85, {"STEP", 0}}, {86, {"TYPE", 1}}, {87, {"ECHO", -1}}, {88, {"SET.NAME", -1}}, {89, {"CALLER", 0}},
      {90, {"DEREF", 1}}, {91, {"WINDOWS", -1}}, {93, {"DOCUMENTS", -1}}, {94, {"ACTIVE.CELL", 0}}, {95, {"SELECTION", 0}},
      {96, {"RESULT", -1}}, {97, {"ATAN2", 2}}, {98, {"ASIN", 1}}, {99, {"ACOS", 1}}, {100, {"CHOOSE", -1}},
      {101, {"HLOOKUP", -1}}, {102, {"VLOOKUP", -1}}, {103, {"LINKS", -1}}, {104, {"INPUT", -1}}, {105, {"ISREF", 1}},
      {106, {"GET.FORMULA", 1}}, {107, {"GET.NAME", -1}}, {108, {"SET.VALUE", 2}}, {109, {"LOG", -1}}, {110, {"EXEC", -1}},
      {111, {"CHAR", 1}}, {112, {"LOWER", 1}}, {113, {"UPPER", 1}}, {114, {"PROPER", 1}}, {115, {"LEFT", -1}},
      {116, {"RIGHT", -1}}, {117, {"EXACT", 2}}, {118, {"TRIM", 1}}, {119, {"REPLACE", 4}}, {120, {"SUBSTITUTE", -1}},
      {121, {"CODE", 1}}, {122, {"NAMES", -1}}, {123, {"DIRECTORY", -1}}, {124, {"FIND", -1}}, {125, {"CELL", -1}},
      {126, {"ISERR", 1}}, {127, {"ISTEXT", 1}}, {128, {"ISNUMBER", 1}}, {129, {"ISBLANK", 1}}, {130, {"T", 1}},
      {131, {"N", 1}}, {132, {"FOPEN", -1}}, {133, {"FCLOSE", 1}}, {134, {"FSIZE", 1}}, {135, {"FREADLN", 1}},
      {136, {"FREAD", 2}}, {137, {"FWRITELN", 2}}, {138, {"FWRITE", 2}}, {139, {"FPOS", -1}}, {140, {"DATEVALUE", 1}},
      {141, {"TIMEVALUE", 1}}, {148, {"INDIRECT", -1}}, {149, {"REGISTER", -1}}, {150, {"CALL", -1}},
      {151, {"ADD.BAR", -1}}, {152, {"ADD.MENU", -1}}, {153, {"ADD.COMMAND", -1}}, {161, {"DIALOG.BOX", 1}},
      {162, {"CLEAN", 1}}, {166, {"FILES", -1}}, {169, {"COUNTA", -1}}, {170, {"CANCEL.KEY", -1}}, {175, {"INITIATE", 2}},
      {176, {"REQUEST", 2}}, {177, {"POKE", 3}}, {178, {"EXECUTE", 2}}, {179, {"TERMINATE", 1}}, {183, {"PRODUCT", -1}},
      {184, {"FACT", 1}}, {185, {"GET.CELL", -1}}, {186, {"GET.WORKSPACE", 1}}, {187, {"GET.WINDOW", -1}},
      {188, {"GET.DOCUMENT", -1}}, {190, {"ISNONTEXT", 1}}, {191, {"GET.NOTE", -1}}, {192, {"NOTE", -1}},
      {197, {"TRUNC", -1}}, {198, {"ISLOGICAL", 1}}, {200, {"DELETE.BAR", 1}}, {201, {"UNREGISTER", 1}},
      {212, {"ROUNDUP", 2}}, {213, {"ROUNDDOWN", 2}}, {216, {"RANK", -1}}, {219, {"ADDRESS", -1}}, {221, {"TODAY", 0}},
      {255, {"USERDEFINED", -1}}, {261, {"ERROR.TYPE", 1}}, {267, {"REGISTER.ID", -1}}, {268, {"GET.WORKBOOK", -1}},
      {336, {"CONCATENATE", -1}}, {337, {"POWER", 2}},
      // Macro commands (PtgFuncVar with bit 15 set).
      {0x8000 | 0x04, {"OPEN", -1}}, {0x8000 | 0x06, {"FILE.DELETE", -1}}, {0x8000 | 0x11, {"RUN", -1}},
      {0x8000 | 0x3C, {"FORMULA", -1}}, {0x8000 | 0x60, {"FORMULA", -1}}, {0x8000 | 0x61, {"FORMULA.FILL", -1}},
      {0x8000 | 0x62, {"FORMULA.ARRAY", -1}}, {0x8000 | 0x76, {"ALERT", -1}}, {0x8000 | 0x95, {"WAIT", -1}},
      {0x8000 | 0x9B, {"WORKBOOK.HIDE", -1}}, {0x8000 | 0x12D, {"WORKBOOK.UNHIDE", -1}}, {0x8000 | 0xA7, {"SAVE.AS", -1}},
      {0x8000 | 0x73, {"CLOSE", -1}}, {0x8000 | 0xEE, {"SEND.KEYS", -1}}, {0x8000 | 0x51, {"SELECT", -1}},
  };
  return kFns;
}

std::string col_name(std::uint32_t col) {
  std::string s;
  ++col;
  while (col > 0) {
    const std::uint32_t r = (col - 1) % 26;
    s.insert(s.begin(), static_cast<char>('A' + r));
    col = (col - 1) / 26;
  }
  return s;
}

std::string cell(std::uint32_t row, std::uint32_t col, bool row_rel, bool col_rel) {
  return (col_rel ? "" : "$") + col_name(col) + (row_rel ? "" : "$") + std::to_string(row + 1);
}

std::string num_text(double d) {
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15) return std::to_string(static_cast<long long>(d));
  return fmt::format("{}", d);
}

}  // namespace

std::string function_name(std::uint16_t iftab) {
  const auto& f = functions();
  const auto it = f.find(iftab);
  if (it != f.end()) return it->second.name;
  return (iftab & 0x8000) ? fmt::format("CMD_{}", iftab & 0x7FFF) : fmt::format("FUNC_{}", iftab);
}

DecodedFormula decode_formula(ByteView r, const FormulaContext& ctx) {
  DecodedFormula out;
  std::vector<std::string> st;
  const bool b5 = ctx.dialect == Dialect::biff5;
  const bool xb = ctx.dialect == Dialect::xlsb;
  auto pop = [&]() -> std::string {
    if (st.empty()) {
      out.complete = false;
      return "?";
    }
    std::string s = std::move(st.back());
    st.pop_back();
    return s;
  };
  auto binary = [&](const char* op) {
    std::string b = pop();
    std::string a = pop();
    st.push_back(a + op + b);
  };
  auto call = [&](std::uint16_t iftab, int argc) {
    if (argc < 0 || static_cast<std::size_t>(argc) > st.size()) {
      out.complete = false;
      argc = static_cast<int>(std::min<std::size_t>(st.size(), argc < 0 ? 0 : static_cast<std::size_t>(argc)));
    }
    std::string args;
    for (int i = 0; i < argc; ++i) args = pop() + (i ? "," : "") + args;
    st.push_back(function_name(iftab) + "(" + args + ")");
  };
  std::uint64_t p = 0;
  while (p < r.size() && out.complete) {
    const std::uint8_t ptg = *r.u8(p++);
    const std::uint8_t base = ptg >= 0x20 ? static_cast<std::uint8_t>((ptg & 0x1F) | 0x20) : ptg;
    auto need = [&](std::uint64_t n) {
      if (!r.contains(p, n)) out.complete = false;
      return out.complete;
    };
    switch (base) {
      case 0x03: binary("+"); break;
      case 0x04: binary("-"); break;
      case 0x05: binary("*"); break;
      case 0x06: binary("/"); break;
      case 0x07: binary("^"); break;
      case 0x08: binary("&"); break;
      case 0x09: binary("<"); break;
      case 0x0A: binary("<="); break;
      case 0x0B: binary("="); break;
      case 0x0C: binary(">="); break;
      case 0x0D: binary(">"); break;
      case 0x0E: binary("<>"); break;
      case 0x0F: binary(" "); break;
      case 0x10: binary(","); break;
      case 0x11: binary(":"); break;
      case 0x12: st.push_back("+" + pop()); break;
      case 0x13: st.push_back("-" + pop()); break;
      case 0x14: st.push_back(pop() + "%"); break;
      case 0x15: st.push_back("(" + pop() + ")"); break;
      case 0x16: st.emplace_back(""); break;  // missing argument
      case 0x17: {                            // PtgStr
        if (xb) {
          if (!need(2)) break;
          const std::uint16_t cch = *r.u16le(p);
          if (!need(2 + std::uint64_t{cch} * 2)) break;
          st.push_back("\"" + text::utf16le_to_utf8(*r.slice(p + 2, std::uint64_t{cch} * 2)) + "\"");
          p += 2 + std::uint64_t{cch} * 2;
        } else {
          if (!need(b5 ? 1 : 2)) break;
          const std::uint8_t cch = *r.u8(p);
          const bool wide = !b5 && (*r.u8(p + 1) & 1) != 0;
          const std::uint64_t hdr = b5 ? 1 : 2;
          const std::uint64_t n = wide ? std::uint64_t{cch} * 2 : cch;
          if (!need(hdr + n)) break;
          std::string s;
          if (wide) s = text::utf16le_to_utf8(*r.slice(p + hdr, n));
          else {
            const ByteView bytes8 = *r.slice(p + hdr, n);  // named: a temporary optional would dangle
            std::optional<std::string> converted;
            if (b5 && ctx.codepage != 1252) {
              if (auto cv = text::to_utf8(bytes8, ("CP" + std::to_string(ctx.codepage)).c_str())) converted = std::move(*cv);
            }
            if (converted) s = std::move(*converted);
            else for (const auto c : bytes8) text::append_utf8(s, c);
          }
          st.push_back("\"" + s + "\"");
          p += hdr + n;
        }
        break;
      }
      case 0x19: {  // PtgAttr
        if (!need(b5 ? 3 : 3)) break;
        const std::uint8_t flags = *r.u8(p);
        const std::uint16_t data = *r.u16le(p + 1);
        p += 3;
        if (flags & 0x04) p += (std::uint64_t{data} + 1) * 2;  // tAttrChoose jump table
        if (flags & 0x10) st.push_back("SUM(" + pop() + ")");  // tAttrSum
        break;
      }
      case 0x1C:
        if (need(1)) st.push_back("#ERR" + std::to_string(*r.u8(p))), p += 1;
        break;
      case 0x1D:
        if (need(1)) st.emplace_back(*r.u8(p) ? "TRUE" : "FALSE"), p += 1;
        break;
      case 0x1E:
        if (need(2)) st.push_back(std::to_string(*r.u16le(p))), p += 2;
        break;
      case 0x1F:
        if (need(8)) {
          std::uint64_t bits = *r.u64le(p);
          double d = 0;
          std::memcpy(&d, &bits, 8);
          st.push_back(num_text(d));
          p += 8;
        }
        break;
      case 0x20:  // PtgArray: the values follow the formula; show a placeholder
        if (need(b5 ? 7 : 7)) st.emplace_back("{array}"), p += 7;
        break;
      case 0x21: {  // PtgFunc: fixed arity from the table
        if (!need(b5 ? 2 : 2)) break;
        const std::uint16_t iftab = *r.u16le(p);
        p += 2;
        const auto& f = functions();
        const auto it = f.find(iftab);
        if (it == f.end() || it->second.argc < 0) {
          out.complete = false;
          st.push_back(function_name(iftab) + "(?)");
          break;
        }
        call(iftab, it->second.argc);
        break;
      }
      case 0x22: {  // PtgFuncVar
        if (!need(3)) break;
        const int argc = *r.u8(p) & 0x7F;
        const std::uint16_t iftab = *r.u16le(p + 1);
        p += 3;
        call(iftab, argc);
        break;
      }
      case 0x23: {  // PtgName
        const std::uint64_t n = xb ? 4 : b5 ? 14 : 4;
        if (!need(n)) break;
        const std::uint32_t idx = xb ? *r.u32le(p) : *r.u16le(p);
        std::string name = ctx.name ? ctx.name(idx) : std::string();
        st.push_back(name.empty() ? "NAME_" + std::to_string(idx) : name);
        p += n;
        break;
      }
      case 0x24:
      case 0x2C: {  // PtgRef / PtgRefN
        if (xb) {
          if (!need(6)) break;
          const std::uint32_t row = *r.u32le(p);
          const std::uint16_t col = *r.u16le(p + 4);
          st.push_back(cell(row, col & 0x3FFF, (col & 0x8000) != 0, (col & 0x4000) != 0));
          p += 6;
        } else if (b5) {
          if (!need(3)) break;
          const std::uint16_t row = *r.u16le(p);
          st.push_back(cell(row & 0x3FFF, *r.u8(p + 2), (row & 0x8000) != 0, (row & 0x4000) != 0));
          p += 3;
        } else {
          if (!need(4)) break;
          const std::uint16_t row = *r.u16le(p);
          const std::uint16_t col = *r.u16le(p + 2);
          st.push_back(cell(row, col & 0x3FFF, (col & 0x8000) != 0, (col & 0x4000) != 0));
          p += 4;
        }
        break;
      }
      case 0x25:
      case 0x2D: {  // PtgArea / PtgAreaN
        if (xb) {
          if (!need(12)) break;
          st.push_back(cell(*r.u32le(p), *r.u16le(p + 8) & 0x3FFF, true, true) + ":" + cell(*r.u32le(p + 4), *r.u16le(p + 10) & 0x3FFF, true, true));
          p += 12;
        } else if (b5) {
          if (!need(6)) break;
          st.push_back(cell(*r.u16le(p) & 0x3FFF, *r.u8(p + 4), true, true) + ":" + cell(*r.u16le(p + 2) & 0x3FFF, *r.u8(p + 5), true, true));
          p += 6;
        } else {
          if (!need(8)) break;
          st.push_back(cell(*r.u16le(p), *r.u16le(p + 4) & 0x3FFF, true, true) + ":" + cell(*r.u16le(p + 2), *r.u16le(p + 6) & 0x3FFF, true, true));
          p += 8;
        }
        break;
      }
      case 0x26:
      case 0x27:
      case 0x28:
      case 0x29:  // PtgMem*: a sub-expression header; the tokens that follow are ordinary
        if (need(base == 0x29 ? 2 : 6)) p += base == 0x29 ? 2 : 6;
        break;
      case 0x2A:
        if (need(xb ? 6 : b5 ? 3 : 4)) st.emplace_back("#REF!"), p += xb ? 6 : b5 ? 3 : 4;
        break;
      case 0x2B:
        if (need(xb ? 12 : b5 ? 6 : 8)) st.emplace_back("#REF!"), p += xb ? 12 : b5 ? 6 : 8;
        break;
      case 0x39: {  // PtgNameX
        const std::uint64_t n = xb ? 6 : b5 ? 24 : 6;
        if (!need(n)) break;
        const std::uint32_t idx = b5 ? *r.u16le(p + 10) : (xb ? *r.u32le(p + 2) : *r.u16le(p + 2));
        std::string name = ctx.name ? ctx.name(idx) : std::string();
        st.push_back(name.empty() ? "EXTNAME_" + std::to_string(idx) : name);
        p += n;
        break;
      }
      case 0x3A:
      case 0x3C: {  // PtgRef3d / PtgRefErr3d
        std::string sheet;
        std::string ref;
        if (xb) {
          if (!need(8)) break;
          sheet = ctx.sheet ? ctx.sheet(*r.u16le(p)) : "";
          ref = cell(*r.u32le(p + 2), *r.u16le(p + 6) & 0x3FFF, true, true);
          p += 8;
        } else if (b5) {
          if (!need(17)) break;
          ref = cell(*r.u16le(p + 14) & 0x3FFF, *r.u8(p + 16), true, true);
          p += 17;
        } else {
          if (!need(6)) break;
          sheet = ctx.sheet ? ctx.sheet(*r.u16le(p)) : "";
          const std::uint16_t col = *r.u16le(p + 4);
          ref = cell(*r.u16le(p + 2), col & 0x3FFF, (col & 0x8000) != 0, (col & 0x4000) != 0);
          p += 6;
        }
        st.push_back((sheet.empty() ? std::string() : sheet + "!") + (base == 0x3C ? "#REF!" : ref));
        break;
      }
      case 0x3B:
      case 0x3D: {  // PtgArea3d / PtgAreaErr3d
        const std::uint64_t n = xb ? 14 : b5 ? 20 : 10;
        if (!need(n)) break;
        st.emplace_back(base == 0x3D ? "#REF!" : "AREA3D");
        p += n;
        break;
      }
      default:
        out.complete = false;
        st.push_back(fmt::format("?ptg{:02x}", ptg));
        break;
    }
  }
  std::string text;
  for (std::size_t i = 0; i < st.size(); ++i) text += (i ? " " : "") + st[i];
  out.text = "=" + text;
  return out;
}

}  // namespace emoguard::formats::biff
