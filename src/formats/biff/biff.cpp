// BIFF walker: the globals substream (BOUNDSHEET, LBL, EXTERNSHEET, FILEPASS), then every
// substream's BOF so that a macro sheet is found even when its BOUNDSHEET entry lies.
#include "formats/biff/biff.hpp"

#include <algorithm>
#include <array>

#include "emoguard/text.hpp"
#include "formats/biff/formula.hpp"

namespace emoguard::formats::biff {
namespace {

constexpr std::uint16_t kBof = 0x0809;
constexpr std::uint16_t kEof = 0x000A;
constexpr std::uint16_t kContinue = 0x003C;

struct Record {
  std::uint16_t type;
  std::uint64_t offset;
  ByteView data;
};

// BIFF8: Latin-1 or UTF-16LE as fHighByte says. BIFF5: 8-bit text in the workbook's code page.
std::string biff_string(ByteView v, std::uint64_t pos, std::uint64_t cch, bool wide, std::uint16_t codepage = 1252) {
  if (wide) return text::utf16le_to_utf8(v.clamp(pos, cch * 2));
  const ByteView bytes = v.clamp(pos, cch);
  if (codepage != 1252 && codepage != 1200 && codepage != 0x04E4) {
    if (auto r = text::to_utf8(bytes, ("CP" + std::to_string(codepage)).c_str())) return *r;
  }
  std::string s;
  for (const auto c : bytes) text::append_utf8(s, c);
  return s;
}

}  // namespace

bool Workbook::has_macro_sheet() const {
  return std::any_of(sheets.begin(), sheets.end(), [](const Sheet& s) { return s.macro; });
}

std::string builtin_name(std::uint8_t id) {
  static constexpr std::array<const char*, 14> kNames = {
      "Consolidate_Area", "Auto_Open", "Auto_Close", "Extract", "Database", "Criteria", "Print_Area",
      "Print_Titles", "Recorder", "Data_Form", "Auto_Activate", "Auto_Deactivate", "Sheet_Title", "_FilterDatabase"};
  return id < kNames.size() ? kNames[id] : "Builtin_" + std::to_string(id);
}

Workbook parse_workbook(ByteView s, const BiffLimits& limits) {
  Workbook wb;
  // One pass over record headers. Only the globals and macro-sheet substreams are decoded; the
  // records of ordinary sheets (most of a large workbook) are stepped over without being stored.
  std::uint64_t p = 0;
  std::uint32_t scanned = 0;
  bool stop = false;
  auto next = [&](Record& r) -> bool {
    if (stop || p + 4 > s.size()) return false;
    if (scanned++ >= limits.max_records) {
      wb.issues.push_back({"limit.biff_records", "more than " + std::to_string(limits.max_records) + " records; the rest ignored", p});
      stop = true;
      return false;
    }
    r.type = *s.u16le(p);
    const std::uint16_t len = *s.u16le(p + 2);
    const auto data = s.slice(p + 4, len);
    if (!data) {
      wb.issues.push_back({"biff.truncated_record", "record 0x" + text::hex(*s.slice(p, 2)) + " runs past the end of the stream", p});
      stop = true;
      return false;
    }
    r.offset = p;
    r.data = *data;
    p += 4ULL + len;
    return true;
  };

  Record r{};
  if (!next(r) || r.type != kBof) {
    wb.issues.push_back({"biff.no_bof", "workbook stream does not start with a BOF record", 0});
    if (scanned == 0 || stop) return wb;
  }
  const std::uint16_t version = r.type == kBof ? r.data.u16le(0).value_or(0x0600) : 0x0600;
  wb.biff = version == 0x0500 ? 5 : 8;
  const bool b8 = wb.biff == 8;

  // Globals.
  struct RawName {
    std::uint16_t flags;
    std::string name;
    ByteView rgce;
  };
  std::vector<RawName> raw_names;
  std::vector<std::uint16_t> xti_first;  // EXTERNSHEET: ixti -> first sheet index
  std::uint16_t codepage = 1252;
  while (next(r) && r.type != kEof) {
    const ByteView d = r.data;
    if (wb.encrypted && r.type != 0x85) continue;  // encrypted bodies: only BOUNDSHEET's offset is in clear
    switch (r.type) {
      case 0x0042:
        codepage = d.u16le(0).value_or(1252);
        break;
      case 0x002F:
        wb.encrypted = true;
        wb.encryption_type = d.u16le(0).value_or(0);
        break;
      case 0x0085: {
        Sheet sh;
        sh.offset = d.u32le(0).value_or(0);
        if (!wb.encrypted) {
          sh.state = static_cast<SheetState>(d.u8(4).value_or(0) & 3);
          sh.boundsheet_type = d.u8(5).value_or(0);
          const std::uint8_t cch = d.u8(6).value_or(0);
          const bool wide = b8 && (d.u8(7).value_or(0) & 1) != 0;
          sh.name = biff_string(d, b8 ? 8 : 7, cch, wide, b8 ? 1252 : codepage);
          sh.macro = sh.boundsheet_type == 1;
        }
        wb.sheets.push_back(std::move(sh));
        break;
      }
      case 0x0017:
        if (b8) {
          const std::uint16_t n = d.u16le(0).value_or(0);
          for (std::uint16_t k = 0; k < n && d.contains(2 + k * 6ULL, 6); ++k) xti_first.push_back(*d.u16le(2 + k * 6ULL + 2));
        }
        break;
      case 0x0018: {
        const std::uint16_t flags = d.u16le(0).value_or(0);
        const std::uint8_t cch = d.u8(3).value_or(0);
        const std::uint16_t cce = d.u16le(4).value_or(0);
        std::uint64_t pos = 14;
        bool wide = false;
        if (b8) {
          wide = (d.u8(14).value_or(0) & 1) != 0;
          pos = 15;
        }
        RawName n;
        n.flags = flags;
        if ((flags & 0x20) != 0) {
          n.name = builtin_name(d.u8(pos).value_or(0xFF));
        } else {
          n.name = biff_string(d, pos, cch, wide, b8 ? 1252 : codepage);
        }
        n.rgce = d.clamp(pos + (wide ? cch * 2ULL : cch), cce);
        raw_names.push_back(std::move(n));
        break;
      }
      default: break;
    }
  }
  if (wb.encrypted) {
    wb.issues.push_back({"biff.encrypted", std::string("workbook is encrypted (") + (wb.encryption_type == 0 ? "XOR" : "RC4") +
                                               "); sheet types and formulas are not readable without the key", kNoOffset});
  }

  FormulaContext ctx;
  ctx.dialect = b8 ? Dialect::biff8 : Dialect::biff5;
  ctx.codepage = codepage;
  ctx.name = [&](std::uint32_t idx) { return idx >= 1 && idx <= raw_names.size() ? raw_names[idx - 1].name : std::string(); };
  ctx.sheet = [&](std::uint32_t ixti) {
    if (ixti < xti_first.size() && xti_first[ixti] < wb.sheets.size()) return wb.sheets[xti_first[ixti]].name;
    return std::string();
  };
  for (const auto& n : raw_names) {
    Name out;
    out.name = n.name;
    out.builtin = (n.flags & 0x20) != 0;
    out.hidden = (n.flags & 0x01) != 0;
    if (!wb.encrypted) out.formula = decode_formula(n.rgce, ctx).text.substr(1);
    wb.names.push_back(std::move(out));
  }
  if (wb.encrypted) return wb;

  // Substreams: each BOF after the globals; its dt says what it really is.
  std::size_t formulas = 0;
  Sheet* sheet = nullptr;  // the macro sheet whose records are being read, if any
  std::string joined;
  while (next(r)) {
    if (r.type == kBof) {
      sheet = nullptr;
      const std::uint16_t dt = r.data.u16le(2).value_or(0);
      Sheet* listed = nullptr;
      for (auto& sh : wb.sheets) {
        if (sh.offset == r.offset) listed = &sh;
      }
      if (dt == 0x0040) {
        if (listed == nullptr) {
          wb.issues.push_back({"biff.unlisted_macro_sheet", "macro sheet substream not listed in BOUNDSHEET", r.offset});
          wb.sheets.push_back(Sheet{});
          listed = &wb.sheets.back();
          listed->name = "<unlisted@" + std::to_string(r.offset) + ">";
          listed->offset = r.offset;
          listed->boundsheet_type = 1;
        }
        if (listed->boundsheet_type != 1) {
          wb.issues.push_back({"biff.sheet_type_mismatch", listed->name + ": BOUNDSHEET type differs from its BOF (macro sheet)", r.offset});
        }
        listed->macro = true;
      }
      if (listed != nullptr && listed->macro) sheet = listed;
      continue;
    }
    if (r.type == kEof) {
      sheet = nullptr;
      continue;
    }
    if (sheet == nullptr || r.type != 0x0006) continue;
    if (formulas++ >= limits.max_formulas) {
      wb.issues.push_back({"limit.biff_formulas", "too many formulas; the rest ignored", r.offset});
      break;
    }
    const ByteView d = r.data;
    const std::uint16_t cce = d.u16le(20).value_or(0);
    ByteView rgce = d.clamp(22, cce);
    // A formula longer than a record continues in CONTINUE records.
    if (rgce.size() < cce) {
      joined.assign(rgce.chars());
      std::uint64_t q = p;
      while (q + 4 <= s.size() && *s.u16le(q) == kContinue) {
        const auto more = s.clamp(q + 4, *s.u16le(q + 2));
        joined.append(more.chars());
        q += 4ULL + *s.u16le(q + 2);
      }
      rgce = ByteView(std::string_view(joined)).head(cce);
    }
    const auto f = decode_formula(rgce, ctx);
    // A formula that declares more bytes than its record and CONTINUEs hold is only a prefix.
    const bool whole = rgce.size() >= cce;
    sheet->formulas.push_back(Cell{d.u16le(0).value_or(0), static_cast<std::uint32_t>(d.u16le(2).value_or(0) & 0xFF), f.text, f.complete && whole});
  }
  return wb;
}

}  // namespace emoguard::formats::biff
