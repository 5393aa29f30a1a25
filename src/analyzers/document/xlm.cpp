// XLM analysis. The 2021-22 Emotet waves used very hidden macro sheets whose Auto_Open cell
// called URLDownloadToFileA through CALL/REGISTER and ran the result with EXEC("regsvr32 ...").
#include "analyzers/document/xlm.hpp"

#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "analyzers/document/vba_scan.hpp"
#include "emoguard/text.hpp"
#include "formats/biff/formula.hpp"
#include "formats/zip/zip.hpp"

namespace emoguard::analyzers::document {
namespace {

std::string lower(std::string_view s) { return text::to_lower_ascii(s); }

std::string local_name(const char* n) {
  const std::string s(n);
  const auto c = s.find(':');
  return c == std::string::npos ? s : s.substr(c + 1);
}

bool contains_ci(const std::string& hay_lc, std::string_view needle_lc) { return hay_lc.find(needle_lc) != std::string::npos; }

// A function call by name in formula text: "EXEC(" not preceded by a letter, dot or digit.
bool calls(const std::string& f_lc, std::string_view fn_lc) {
  const std::string pat = std::string(fn_lc) + "(";
  for (std::size_t p = f_lc.find(pat); p != std::string::npos; p = f_lc.find(pat, p + 1)) {
    if (p == 0 || !(std::isalnum(static_cast<unsigned char>(f_lc[p - 1])) != 0 || f_lc[p - 1] == '.' || f_lc[p - 1] == '_')) return true;
  }
  return false;
}

// [MS-XLSB] 2.1.4: record id and size are variable-length (7 bits per byte, bit 7 = more).
struct XlsbRecord {
  std::uint32_t id;
  ByteView data;
};

std::vector<XlsbRecord> xlsb_records(ByteView b, std::size_t max_records = 4U << 20) {
  std::vector<XlsbRecord> out;
  std::uint64_t p = 0;
  while (p < b.size() && out.size() < max_records) {
    std::uint32_t id = 0;
    int n = 0;
    for (; n < 2 && p < b.size(); ++n) {
      const std::uint8_t c = *b.u8(p++);
      id |= static_cast<std::uint32_t>(c & 0x7F) << (7 * n);
      if ((c & 0x80) == 0) break;
    }
    std::uint32_t size = 0;
    for (int k = 0; k < 4 && p < b.size(); ++k) {
      const std::uint8_t c = *b.u8(p++);
      size |= static_cast<std::uint32_t>(c & 0x7F) << (7 * k);
      if ((c & 0x80) == 0) break;
    }
    const auto data = b.slice(p, size);
    if (!data) break;
    out.push_back({id, *data});
    p += size;
  }
  return out;
}

// XLWideString: u32 character count, then UTF-16LE.
std::string wide_string(ByteView d, std::uint64_t& pos) {
  const auto cch = d.u32le(pos);
  if (!cch || *cch > (d.size() - pos - 4) / 2) {
    pos = d.size();
    return {};
  }
  std::string s = text::utf16le_to_utf8(*d.slice(pos + 4, std::uint64_t{*cch} * 2));
  pos += 4 + std::uint64_t{*cch} * 2;
  return s;
}

}  // namespace

void report_xlm(const XlmWorkbook& wb, const ObjectPath& at, Context& ctx, const XlmSheetCallback& on_sheet, const TextScan& scan_text) {
  if (wb.sheets.empty()) return;
  std::string all;
  std::string code;  // formulas as statements, for the string-expression evaluator
  for (const auto& s : wb.sheets) {
    std::string dump;
    for (const auto& [ref, f] : s.cells) {
      all += f + "\n";
      code += f.substr(f.empty() || f[0] != '=' ? 0 : 1) + "\n";
      dump += ref + "\t" + f + "\n";
    }
    if (on_sheet) on_sheet(at.child(s.name), s.name, dump);
    if (scan_text) scan_text(at.child(s.name), "XLM formulas", dump);
  }
  const std::string lc = lower(all);
  std::set<std::string> exec, launch, write, obfus;
  for (const std::string_view fn : {"exec", "run", "call", "register", "register.id", "executeexcel4macro"}) {
    if (calls(lc, fn)) exec.insert(text::to_lower_ascii(fn));
  }
  const auto decoded = deobfuscate(code, std::chrono::steady_clock::now() + std::chrono::seconds(3));
  std::string everything = lc;
  for (const auto& d : decoded) everything += "\n" + lower(d.value);
  for (const std::string_view k : {"urldownloadtofile", "urlmon", "powershell", "regsvr32", "rundll32", "mshta", "cmd /c", "cmd.exe",
                                   "wscript", "cscript", "certutil", "bitsadmin", "shellexecute", "winhttp", "msxml2"}) {
    if (contains_ci(everything, k)) launch.insert(std::string(k));
  }
  for (const std::string_view fn : {"fopen", "fwrite", "fwriteln", "file.delete"}) {
    if (calls(lc, fn)) write.insert(std::string(fn));
  }
  for (const std::string_view fn : {"char", "formula", "formula.fill", "set.value", "set.name", "get.workspace", "get.window", "mid"}) {
    if (calls(lc, fn)) obfus.insert(std::string(fn));
  }
  const bool auto_run = !wb.auto_names.empty();
  const bool very_hidden = std::any_of(wb.sheets.begin(), wb.sheets.end(), [](const XlmSheet& s) { return s.state == "veryHidden"; });
  Severity sev = Severity::low;
  std::string why = "contains Excel 4.0 (XLM) macro sheets";
  std::string why_ja = "Excel 4.0 (XLM) マクロシートを含みます";
  if (auto_run && !launch.empty() && !exec.empty()) {
    sev = Severity::critical;
    why = "runs on open and downloads or starts a program";
    why_ja = "開くと自動実行され、ダウンロードまたはプログラムの起動を行います";
  } else if (auto_run && !exec.empty()) {
    sev = Severity::high;
    why = "runs on open and calls EXEC/CALL/REGISTER/RUN";
    why_ja = "開くと自動実行され、EXEC/CALL/REGISTER/RUN を呼び出します";
  } else if (auto_run || very_hidden || !launch.empty()) {
    sev = Severity::medium;
    why = auto_run ? "runs on open" : very_hidden ? "macro sheet is very hidden" : "can download or start a program";
    why_ja = auto_run ? "開くと自動実行されます" : very_hidden ? "マクロシートが完全に隠されています (veryHidden)" : "ダウンロードやプログラム起動ができます";
  }
  Finding f;
  f.analyzer = "document";
  f.rule = sev == Severity::low
               ? Rule{"document.xlm_macros", {"Workbook contains Excel 4.0 (XLM) macro sheets", why_ja}, "emoguard"}
               : Rule{"document.xlm_suspicious", {"Excel 4.0 macro " + why, "Excel 4.0 マクロ: " + why_ja}, "emoguard"};
  f.severity = sev;
  f.object = at;
  f.attack = "T1059";
  f.references = {"https://attack.mitre.org/techniques/T1204/002/"};
  for (const auto& s : wb.sheets) f.evidence.push_back({"macro_sheet", s.name + " (" + s.state + ", " + std::to_string(s.cells.size()) + " formulas)"});
  for (const auto& [n, target] : wb.auto_names) f.evidence.push_back({"auto_run", n + " -> " + target});
  for (const auto& k : exec) f.evidence.push_back({"keyword.execute", k});
  for (const auto& k : launch) f.evidence.push_back({"keyword.launch", k});
  for (const auto& k : write) f.evidence.push_back({"keyword.write", k});
  for (const auto& k : obfus) f.evidence.push_back({"keyword.obfuscation", k});
  std::size_t shown = 0;
  for (const auto& s : wb.sheets) {
    for (const auto& [ref, formula] : s.cells) {
      if (shown++ >= 40) break;
      f.evidence.push_back({"formula", s.name + "!" + ref + " " + (formula.size() > 500 ? formula.substr(0, 500) + "..." : formula)});
    }
  }
  shown = 0;
  for (const auto& d : decoded) {
    if (shown++ >= 20) break;
    f.evidence.push_back({"decoded." + d.how, d.value.size() > 2000 ? d.value.substr(0, 2000) + "..." : d.value});
  }
  std::string ioc_text = all;
  for (const auto& d : decoded) ioc_text += "\n" + d.value;
  for (const auto& i : find_iocs(ioc_text)) f.evidence.push_back({"ioc." + i.kind, i.value});
  ctx.sink().finding(f);
}

XlmWorkbook xlm_from_ooxml(ByteView zip_bytes, std::vector<std::string>& issues) {
  XlmWorkbook wb;
  auto archive = formats::zip::parse(zip_bytes);
  if (!archive) return wb;
  auto member = [&](std::string name) -> std::string {
    if (!name.empty() && name.front() == '/') name.erase(0, 1);
    const std::string want = lower(name);
    for (const auto& m : archive->members) {
      if (lower(m.name) == want) {
        auto r = formats::zip::extract(zip_bytes, m);
        if (r) return std::move(r->data);
        issues.push_back(m.name + ": " + r.error().message);
      }
    }
    return {};
  };
  // Relationships of the workbook part: which parts are macro sheets.
  std::map<std::string, std::string> macro_targets;  // rId -> part name
  {
    std::string rels = member("xl/_rels/workbook.xml.rels");
    if (rels.empty()) rels = member("xl/_rels/workbook.bin.rels");
    pugi::xml_document doc;
    if (!rels.empty() && doc.load_buffer(rels.data(), rels.size())) {
      for (const auto& r : doc.document_element().children()) {
        const std::string type = r.attribute("Type").value();
        const bool macro = type.size() >= 13 && (type.compare(type.size() - 13, 13, "/xlMacrosheet") == 0 ||
                                                 (type.size() >= 17 && type.compare(type.size() - 17, 17, "/xlIntlMacrosheet") == 0));
        if (!macro) continue;
        std::string target = r.attribute("Target").value();
        if (!target.empty() && target.front() == '/') target.erase(0, 1);
        else target = "xl/" + target;
        macro_targets[r.attribute("Id").value()] = target;
      }
    }
  }
  // Any part under macrosheets/ counts too, even if no relationship names it.
  for (const auto& m : archive->members) {
    const std::string l = lower(m.name);
    // binaryIndex parts are xlsb cell indexes, not sheets.
    if (l.find("macrosheets/") != std::string::npos && l.find("binaryindex") == std::string::npos && l.find("/_rels/") == std::string::npos &&
        l.size() > 4 && (l.compare(l.size() - 4, 4, ".xml") == 0 || l.compare(l.size() - 4, 4, ".bin") == 0)) {
      bool known = false;
      for (const auto& [id, t] : macro_targets) known = known || lower(t) == l;
      if (!known) macro_targets["<unlisted:" + m.name + ">"] = m.name;
    }
  }
  if (macro_targets.empty()) return wb;
  // Sheet names and states, and defined names, from workbook.xml.
  std::map<std::string, std::pair<std::string, std::string>> sheet_by_rid;  // rId -> (name, state)
  {
    const std::string xml = member("xl/workbook.xml");
    pugi::xml_document doc;
    if (!xml.empty() && doc.load_buffer(xml.data(), xml.size())) {
      for (const auto& part : doc.document_element().children()) {
        const std::string pn = local_name(part.name());
        if (pn == "sheets") {
          for (const auto& s : part.children()) {
            std::string rid;
            for (const auto& a : s.attributes()) {
              if (local_name(a.name()) == "id") rid = a.value();
            }
            const std::string state = s.attribute("state").empty() ? "visible" : s.attribute("state").value();
            sheet_by_rid[rid] = {s.attribute("name").value(), state};
          }
        } else if (pn == "definedNames") {
          for (const auto& d : part.children()) {
            const std::string name = d.attribute("name").value();
            const std::string l = lower(name);
            // XLMMacroDeobfuscator matches these by lower-cased prefix; so do we.
            for (const std::string_view p : {"_xlnm.auto_open", "auto_open", "_xlnm.auto_activate", "auto_activate", "_xlnm.auto_close", "auto_close"}) {
              if (l.rfind(p, 0) == 0) {
                wb.auto_names.emplace_back(name, d.text().get());
                break;
              }
            }
          }
        }
      }
    } else if (const std::string bin = member("xl/workbook.bin"); !bin.empty()) {
      // xlsb: BrtBundleSh (156) for sheets, BrtName (39) for defined names.
      for (const auto& r : xlsb_records(ByteView(std::string_view(bin)))) {
        if (r.id == 156 && r.data.size() >= 8) {
          const std::uint32_t hs = *r.data.u32le(0);
          std::uint64_t pos = 8;
          const std::string rid = wide_string(r.data, pos);
          const std::string name = wide_string(r.data, pos);
          sheet_by_rid[rid] = {name, hs == 2 ? "veryHidden" : hs == 1 ? "hidden" : "visible"};
        } else if (r.id == 39 && r.data.size() >= 9) {
          std::uint64_t pos = 9;  // u32 flags, u8 chKey, u32 itab
          const std::string name = wide_string(r.data, pos);
          const std::string l = lower(name);
          for (const std::string_view pfx : {"_xlnm.auto_open", "auto_open", "_xlnm.auto_activate", "auto_activate", "_xlnm.auto_close", "auto_close"}) {
            if (l.rfind(pfx, 0) == 0) {
              const auto cce = r.data.u32le(pos).value_or(0);
              formats::biff::FormulaContext fc;
              fc.dialect = formats::biff::Dialect::xlsb;
              const auto f = formats::biff::decode_formula(r.data.clamp(pos + 4, cce), fc);
              wb.auto_names.emplace_back(name, f.text.substr(1));
              break;
            }
          }
        }
      }
    } else {
      issues.push_back("xl/workbook.xml missing or not XML");
    }
  }
  for (const auto& [rid, part] : macro_targets) {
    XlmSheet sheet;
    const auto it = sheet_by_rid.find(rid);
    sheet.name = it != sheet_by_rid.end() ? it->second.first : part;
    sheet.state = it != sheet_by_rid.end() ? it->second.second : "visible";
    const std::string xml = member(part);
    if (lower(part).size() > 4 && lower(part).compare(lower(part).size() - 4, 4, ".bin") == 0) {
      // xlsb macro sheet: BrtRowHdr (0) sets the row; BrtFmlaString/Num/Bool/Error (8..11) hold formulas.
      std::uint32_t row = 0;
      formats::biff::FormulaContext fc;
      fc.dialect = formats::biff::Dialect::xlsb;
      for (const auto& r : xlsb_records(ByteView(std::string_view(xml)))) {
        if (r.id == 0 && r.data.size() >= 4) row = *r.data.u32le(0);
        if (r.id < 8 || r.id > 11 || r.data.size() < 8) continue;
        const std::uint32_t col = *r.data.u32le(0);
        std::uint64_t pos = 8;
        if (r.id == 8) (void)wide_string(r.data, pos);
        else pos += r.id == 9 ? 8 : 1;
        pos += 2;  // grbitFlags
        const auto cce = r.data.u32le(pos).value_or(0);
        const auto f = formats::biff::decode_formula(r.data.clamp(pos + 4, cce), fc);
        std::string ref;
        for (std::uint32_t c = col + 1; c > 0; c = (c - 1) / 26) ref.insert(ref.begin(), static_cast<char>('A' + (c - 1) % 26));
        if (sheet.cells.size() < 100000) sheet.cells.emplace_back(ref + std::to_string(row + 1), f.text);
        if (!f.complete) ++sheet.undecoded;
      }
      wb.sheets.push_back(std::move(sheet));
      continue;
    }
    pugi::xml_document doc;
    if (xml.empty() || !doc.load_buffer(xml.data(), xml.size())) {
      issues.push_back(part + ": macro sheet part missing or not XML");
      wb.sheets.push_back(std::move(sheet));
      continue;
    }
    // <c r="A1"><f>EXEC("...")</f></c>, at any depth and with any namespace prefix.
    struct Walker : pugi::xml_tree_walker {
      XlmSheet* sheet;
      bool for_each(pugi::xml_node& n) override {
        if (local_name(n.name()) == "f" && sheet->cells.size() < 100000) {
          std::string ref = n.parent().attribute("r").value();
          const std::string formula = n.text().get();
          if (!formula.empty()) sheet->cells.emplace_back(ref, "=" + formula);
        }
        return true;
      }
    } walker;
    walker.sheet = &sheet;
    doc.traverse(walker);
    wb.sheets.push_back(std::move(sheet));
  }
  return wb;
}

void report_ooxml_links(ByteView zip_bytes, const ObjectPath& at, Context& ctx) {
  auto archive = formats::zip::parse(zip_bytes);
  if (!archive) return;
  // oletools' list of relationship types that fetch or embed something when pointed outside.
  static const std::vector<std::string_view> kTypes = {
      "attachedTemplate", "externalLink", "externalLinkPath", "externalReference", "frame", "hyperlink", "officeDocument",
      "oleObject", "package", "slideUpdateUrl", "slideMaster", "slide", "slideUpdateInfo", "subDocument", "worksheet"};
  formats::zip::ZipLimits small;
  small.max_member_bytes = 16U << 20;
  for (const auto& m : archive->members) {
    if (ctx.out_of_time()) return;
    const std::string l = lower(m.name);
    const bool rels = l.size() > 5 && l.compare(l.size() - 5, 5, ".rels") == 0;
    const bool word_part = l.rfind("word/", 0) == 0 && l.size() > 4 && l.compare(l.size() - 4, 4, ".xml") == 0;
    if (!rels && !word_part) continue;
    auto data = formats::zip::extract(zip_bytes, m, small);
    if (!data) continue;
    pugi::xml_document doc;
    if (!doc.load_buffer(data->data.data(), data->data.size())) continue;
    if (rels) {
      for (const auto& r : doc.document_element().children()) {
        if (std::string_view(r.attribute("TargetMode").value()) != "External") continue;
        const std::string type = r.attribute("Type").value();
        const std::string short_type = type.substr(type.rfind('/') == std::string::npos ? 0 : type.rfind('/') + 1);
        if (std::find(kTypes.begin(), kTypes.end(), short_type) == kTypes.end()) continue;
        const std::string target = r.attribute("Target").value();
        const bool remote_template = short_type == "attachedTemplate";
        const bool fetches = remote_template || short_type == "oleObject" || short_type == "subDocument" || short_type == "frame";
        if (short_type == "hyperlink") continue;  // a clickable link, not something Office fetches by itself
        Finding f;
        f.analyzer = "document";
        f.rule = remote_template ? Rule{"document.remote_template", {"Document loads its template from outside (remote template injection)",
                                                                     "文書が外部からテンプレートを読み込みます (リモートテンプレート)"}, "emoguard"}
                                 : Rule{"document.external_relationship", {"Document refers to an external " + short_type,
                                                                           "文書が外部の " + short_type + " を参照しています"}, "emoguard"};
        f.severity = fetches ? Severity::high : Severity::medium;
        f.object = at.child(m.name);
        f.attack = remote_template ? "T1221" : "T1105";
        f.evidence = {{"relationship", short_type}, {"target", target}};
        for (const auto& i : find_iocs(target)) f.evidence.push_back({"ioc." + i.kind, i.value});
        ctx.sink().finding(f);
      }
    } else {
      // DDE: field instructions beginning with DDE or DDEAUTO (oletools msodde).
      std::string instr;
      struct Collect : pugi::xml_tree_walker {
        std::string* out;
        bool for_each(pugi::xml_node& n) override {
          const std::string name = local_name(n.name());
          if (name == "instrText") *out += n.text().get();
          if (name == "fldSimple") *out += std::string(n.attribute("w:instr").value()) + "\n";
          return out->size() < (1U << 20);
        }
      } collect;
      collect.out = &instr;
      doc.traverse(collect);
      std::string t = lower(instr);
      const auto p = t.find_first_not_of(" \t\r\n");
      if (p == std::string::npos || !(t.compare(p, 4, "dde ") == 0 || t.compare(p, 8, "ddeauto ") == 0)) continue;
      Finding f;
      f.analyzer = "document";
      f.rule = Rule{"document.dde", {"DDE field that runs a command", "コマンドを実行する DDE フィールド"}, "emoguard"};
      f.severity = Severity::high;
      f.object = at.child(m.name);
      f.attack = "T1559.002";
      f.evidence = {{"field", instr.substr(0, 1000)}};
      ctx.sink().finding(f);
    }
  }
}

XlmWorkbook xlm_from_sylk(std::string_view t) {
  XlmWorkbook wb;
  XlmSheet sheet;
  sheet.name = "SYLK";
  bool macro = false;
  std::uint32_t row = 1;
  std::uint32_t col = 1;
  std::size_t pos = 0;
  while (pos < t.size()) {
    auto end = t.find_first_of("\r\n", pos);
    if (end == std::string_view::npos) end = t.size();
    const std::string_view line = t.substr(pos, end - pos);
    pos = end;
    while (pos < t.size() && (t[pos] == '\r' || t[pos] == '\n')) ++pos;
    if (line.rfind("O;", 0) == 0 && (line.find(";E") != std::string_view::npos || line == "O;E")) macro = true;
    if (line.rfind("NN;N", 0) == 0) {
      // NN;NAuto_open;ER1C1 : a name and what it refers to
      const auto semi = line.find(';', 4);
      const std::string name(line.substr(4, semi == std::string_view::npos ? std::string_view::npos : semi - 4));
      if (lower(name).rfind("auto_open", 0) == 0 || lower(name).rfind("auto_activate", 0) == 0) {
        const auto e = line.find(";E", 4);
        wb.auto_names.emplace_back(name, e == std::string_view::npos ? std::string() : std::string(line.substr(e + 2)));
      }
    }
    if (line.rfind("C;", 0) == 0) {
      std::string formula;
      std::size_t f = 2;
      while (f < line.size()) {
        auto semi = line.find(';', f);
        // A formula field runs to the end of the line (it may contain semicolons inside quotes).
        const std::string_view field = line.substr(f, (line[f] == 'E' ? std::string_view::npos : semi == std::string_view::npos ? std::string_view::npos : semi - f));
        if (!field.empty()) {
          if (field[0] == 'Y') row = static_cast<std::uint32_t>(std::strtoul(std::string(field.substr(1)).c_str(), nullptr, 10));
          else if (field[0] == 'X') col = static_cast<std::uint32_t>(std::strtoul(std::string(field.substr(1)).c_str(), nullptr, 10));
          else if (field[0] == 'E') formula = std::string(field.substr(1));
        }
        if (!field.empty() && field[0] == 'E') break;
        if (semi == std::string_view::npos) break;
        f = semi + 1;
      }
      if (!formula.empty() && sheet.cells.size() < 100000) {
        std::string ref;
        std::uint32_t c = col;
        while (c > 0) {
          ref.insert(ref.begin(), static_cast<char>('A' + (c - 1) % 26));
          c = (c - 1) / 26;
        }
        sheet.cells.emplace_back(ref + std::to_string(row), "=" + formula);
      }
    }
  }
  if (macro || !wb.auto_names.empty()) wb.sheets.push_back(std::move(sheet));
  return wb;
}

}  // namespace emoguard::analyzers::document
