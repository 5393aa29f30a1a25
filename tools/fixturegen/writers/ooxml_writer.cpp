// OOXML and ODF writers: [Content_Types].xml first, relationships, then the parts, in Office's order.
#include "writers/ooxml_writer.hpp"

#include <fmt/format.h>

#include <utility>
#include <vector>

#include "writers/zip_writer.hpp"

namespace emoguard::fixturegen {
namespace {

constexpr const char* kXmlDecl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
constexpr const char* kRelNs = "http://schemas.openxmlformats.org/package/2006/relationships";
constexpr const char* kOfficeDocRel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";
constexpr const char* kVbaRel = "http://schemas.microsoft.com/office/2006/relationships/vbaProject";

struct Rel {
  std::string id;
  std::string type;
  std::string target;
  bool external = false;
};

std::string rels_xml(const std::vector<Rel>& rels) {
  std::string s = std::string(kXmlDecl) + "<Relationships xmlns=\"" + kRelNs + "\">";
  for (const auto& r : rels) {
    s += fmt::format("<Relationship Id=\"{}\" Type=\"{}\" Target=\"{}\"{}/>", r.id, r.type, xml_escape(r.target),
                     r.external ? " TargetMode=\"External\"" : "");
  }
  return s + "</Relationships>";
}

std::string content_types(const std::vector<std::pair<std::string, std::string>>& defaults,
                          const std::vector<std::pair<std::string, std::string>>& overrides) {
  std::string s = std::string(kXmlDecl) + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">";
  for (const auto& [ext, ct] : defaults) s += fmt::format("<Default Extension=\"{}\" ContentType=\"{}\"/>", ext, ct);
  for (const auto& [part, ct] : overrides) s += fmt::format("<Override PartName=\"{}\" ContentType=\"{}\"/>", part, ct);
  return s + "</Types>";
}

std::string core_xml(const DocText& t) {
  return std::string(kXmlDecl) +
         "<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" "
         "xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">" +
         fmt::format("<dc:title>{}</dc:title><dc:creator>{}</dc:creator><cp:lastModifiedBy>{}</cp:lastModifiedBy>",
                     xml_escape(t.title), xml_escape(t.author), xml_escape(t.author)) +
         "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2022-11-02T09:15:00Z</dcterms:created>"
         "<dcterms:modified xsi:type=\"dcterms:W3CDTF\">2022-11-02T09:15:00Z</dcterms:modified></cp:coreProperties>";
}

std::string app_xml(const std::string& application) {
  return std::string(kXmlDecl) +
         "<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">"
         "<Application>" +
         application + "</Application><AppVersion>16.0000</AppVersion></Properties>";
}

}  // namespace

std::string xml_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (const char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

Bytes ooxml_package(OoxmlKind kind, const DocText& text, const OoxmlOptions& options) {
  const ZipMethod m = options.deflate ? ZipMethod::deflated : ZipMethod::stored;
  ZipOptions zopt;
  zopt.deflate_level = options.deflate_level;
  std::vector<std::pair<std::string, std::string>> defaults = {
      {"rels", "application/vnd.openxmlformats-package.relationships+xml"}, {"xml", "application/xml"}};
  std::vector<std::pair<std::string, std::string>> overrides;
  std::vector<std::pair<std::string, Bytes>> parts;  // written after [Content_Types].xml and _rels/.rels
  std::string main_part;
  std::string application = "Microsoft Office Word";
  const bool vba = kind == OoxmlKind::docm || kind == OoxmlKind::xlsm || kind == OoxmlKind::xlsb || kind == OoxmlKind::pptm;
  if (vba) defaults.emplace_back("bin", "application/vnd.ms-office.vbaProject");

  auto vba_part = [&](const std::string& placeholder_module) {
    return options.vba_project.empty() ? vba_project_bin(placeholder_module) : options.vba_project;
  };
  const std::string body = xml_escape(text.body);
  switch (kind) {
    case OoxmlKind::docx:
    case OoxmlKind::docm: {
      main_part = "word/document.xml";
      overrides.emplace_back("/word/document.xml",
                             kind == OoxmlKind::docm
                                 ? "application/vnd.ms-word.document.macroEnabled.main+xml"
                                 : "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml");
      overrides.emplace_back("/word/settings.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml");
      parts.emplace_back("word/document.xml",
                         std::string(kXmlDecl) +
                             "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>"
                             "<w:p><w:r><w:t>" +
                             xml_escape(text.title) + "</w:t></w:r></w:p><w:p><w:r><w:t>" + body +
                             "</w:t></w:r></w:p><w:sectPr/></w:body></w:document>");
      std::vector<Rel> doc_rels = {
          {"rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings", "settings.xml"}};
      if (kind == OoxmlKind::docm) doc_rels.push_back({"rId2", kVbaRel, "vbaProject.bin"});
      parts.emplace_back("word/_rels/document.xml.rels", rels_xml(doc_rels));
      std::string settings = std::string(kXmlDecl) +
                             "<w:settings xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
                             "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
      if (!options.remote_template.empty()) settings += "<w:attachedTemplate r:id=\"rId1\"/>";
      settings += "</w:settings>";
      parts.emplace_back("word/settings.xml", settings);
      if (!options.remote_template.empty()) {
        parts.emplace_back(
            "word/_rels/settings.xml.rels",
            rels_xml({{"rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate",
                       options.remote_template, true}}));
      }
      if (kind == OoxmlKind::docm) parts.emplace_back("word/vbaProject.bin", vba_part("ThisDocument"));
      break;
    }
    case OoxmlKind::xlsx:
    case OoxmlKind::xlsm:
    case OoxmlKind::xlsm_xlm: {
      application = "Microsoft Excel";
      main_part = "xl/workbook.xml";
      const bool macro = kind != OoxmlKind::xlsx;
      overrides.emplace_back("/xl/workbook.xml",
                             macro ? "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
                                   : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml");
      overrides.emplace_back("/xl/worksheets/sheet1.xml",
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml");
      std::string sheets = "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>";
      std::vector<Rel> wb_rels = {
          {"rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet", "worksheets/sheet1.xml"}};
      if (kind == OoxmlKind::xlsm_xlm) {
        overrides.emplace_back("/xl/macrosheets/sheet2.xml", "application/vnd.ms-excel.macrosheet+xml");
        sheets += "<sheet name=\"Macro1\" sheetId=\"2\" state=\"hidden\" r:id=\"rId2\"/>";
        wb_rels.push_back(
            {"rId2", "http://schemas.microsoft.com/office/2006/relationships/xlMacrosheet", "macrosheets/sheet2.xml"});
      }
      if (kind == OoxmlKind::xlsm) wb_rels.push_back({"rId3", kVbaRel, "vbaProject.bin"});
      parts.emplace_back("xl/workbook.xml",
                         std::string(kXmlDecl) +
                             "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                             "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>" +
                             sheets + "</sheets></workbook>");
      parts.emplace_back("xl/_rels/workbook.xml.rels", rels_xml(wb_rels));
      parts.emplace_back("xl/worksheets/sheet1.xml",
                         std::string(kXmlDecl) +
                             "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
                             "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>" +
                             body + "</t></is></c></row></sheetData></worksheet>");
      if (kind == OoxmlKind::xlsm_xlm) {
        // A macro sheet whose only formula halts: the shape of an XLM lure, with nothing that runs.
        parts.emplace_back("xl/macrosheets/sheet2.xml",
                           std::string(kXmlDecl) +
                               "<xm:macrosheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                               "xmlns:xm=\"http://schemas.microsoft.com/office/excel/2006/main\"><sheetData>"
                               "<row r=\"1\"><c r=\"A1\"><f>HALT()</f></c></row></sheetData></xm:macrosheet>");
      }
      if (kind == OoxmlKind::xlsm) parts.emplace_back("xl/vbaProject.bin", vba_part("ThisWorkbook"));
      break;
    }
    case OoxmlKind::xlsb: {
      application = "Microsoft Excel";
      main_part = "xl/workbook.bin";
      overrides.emplace_back("/xl/workbook.bin", "application/vnd.ms-excel.sheet.binary.macroEnabled.main");
      overrides.emplace_back("/xl/worksheets/sheet1.bin", "application/vnd.ms-excel.worksheet");
      // BIFF12 records: a 1-2 byte record type, a size, the payload (MS-XLSB 2.1.4).
      Bytes wb = Bytes("\x83\x01\x00", 3);  // BrtBeginBook
      wb += Bytes("\x8F\x01\x00", 3);       // BrtBeginBundleShs
      Bytes bundle;
      put_u32le(bundle, 0);  // visible
      put_u32le(bundle, 1);  // iTabID
      const Bytes rid = utf16le("rId1");
      put_u32le(bundle, static_cast<std::uint32_t>(rid.size() / 2));
      bundle += rid;
      const Bytes nm = utf16le("Sheet1");
      put_u32le(bundle, static_cast<std::uint32_t>(nm.size() / 2));
      bundle += nm;
      wb += Bytes("\x9C\x01", 2);  // BrtBundleSh
      put_u8(wb, static_cast<std::uint8_t>(bundle.size()));
      wb += bundle;
      wb += Bytes("\x90\x01\x00", 3);  // BrtEndBundleShs
      wb += Bytes("\x84\x01\x00", 3);  // BrtEndBook
      parts.emplace_back("xl/workbook.bin", wb);
      parts.emplace_back("xl/_rels/workbook.bin.rels",
                         rels_xml({{"rId1", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
                                    "worksheets/sheet1.bin"},
                                   {"rId2", kVbaRel, "vbaProject.bin"}}));
      parts.emplace_back("xl/worksheets/sheet1.bin", Bytes("\x81\x01\x00\x82\x01\x00", 6));  // BrtBeginSheet, BrtEndSheet
      parts.emplace_back("xl/vbaProject.bin", vba_part("ThisWorkbook"));
      break;
    }
    case OoxmlKind::pptx:
    case OoxmlKind::pptm: {
      application = "Microsoft Office PowerPoint";
      main_part = "ppt/presentation.xml";
      overrides.emplace_back("/ppt/presentation.xml",
                             kind == OoxmlKind::pptm
                                 ? "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml"
                                 : "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml");
      overrides.emplace_back("/ppt/slides/slide1.xml", "application/vnd.openxmlformats-officedocument.presentationml.slide+xml");
      std::vector<Rel> p_rels = {
          {"rId2", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide", "slides/slide1.xml"}};
      if (kind == OoxmlKind::pptm) p_rels.push_back({"rId3", kVbaRel, "vbaProject.bin"});
      parts.emplace_back(
          "ppt/presentation.xml",
          std::string(kXmlDecl) +
              "<p:presentation xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\" "
              "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
              "<p:sldIdLst><p:sldId id=\"256\" r:id=\"rId2\"/></p:sldIdLst><p:sldSz cx=\"12192000\" cy=\"6858000\"/>"
              "</p:presentation>");
      parts.emplace_back("ppt/_rels/presentation.xml.rels", rels_xml(p_rels));
      parts.emplace_back("ppt/slides/slide1.xml",
                         std::string(kXmlDecl) +
                             "<p:sld xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\" "
                             "xmlns:p=\"http://schemas.openxmlformats.org/presentationml/2006/main\"><p:cSld><p:spTree>"
                             "<p:sp><p:txBody><a:p><a:r><a:t>" +
                             body +
                             "</a:t></a:r></a:p></p:txBody></p:sp>"
                             "</p:spTree></p:cSld></p:sld>");
      if (kind == OoxmlKind::pptm) parts.emplace_back("ppt/vbaProject.bin", vba_part("Module1"));
      break;
    }
    case OoxmlKind::vsdx: {
      application = "Microsoft Visio";
      main_part = "visio/document.xml";
      overrides.emplace_back("/visio/document.xml", "application/vnd.ms-visio.drawing.main+xml");
      parts.emplace_back("visio/document.xml", std::string(kXmlDecl) +
                                                   "<VisioDocument xmlns=\"http://schemas.microsoft.com/office/visio/2012/main\">"
                                                   "<DocumentSettings/></VisioDocument>");
      break;
    }
    case OoxmlKind::nupkg: {
      // NuGet: an OPC package with a .nuspec, no Office part names at all.
      defaults.emplace_back("nuspec", "application/octet");
      defaults.emplace_back("psmdcp", "application/vnd.openxmlformats-package.core-properties+xml");
      const std::string nuspec = std::string(kXmlDecl) +
                                 "<package xmlns=\"http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd\"><metadata>"
                                 "<id>Example.Tools</id><version>1.0.0</version><authors>" +
                                 xml_escape(text.author) + "</authors><description>" + body +
                                 "</description></metadata></package>";
      ZipWriter z(zopt);
      z.add("_rels/.rels", rels_xml({{"R1", "http://schemas.microsoft.com/packaging/2010/07/manifest", "/Example.Tools.nuspec"}}),
            m);
      z.add("Example.Tools.nuspec", nuspec, m);
      z.add("lib/net6.0/readme.txt", text.body, m);
      z.add("[Content_Types].xml", content_types(defaults, {}), m);
      return z.finish();
    }
  }
  overrides.emplace_back("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml");
  overrides.emplace_back("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml");

  ZipWriter z(zopt);
  z.add("[Content_Types].xml", content_types(defaults, overrides), m);
  z.add("_rels/.rels",
        rels_xml({{"rId1", kOfficeDocRel, main_part},
                  {"rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                   "docProps/core.xml"},
                  {"rId3", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
                   "docProps/app.xml"}}),
        m);
  z.add("docProps/core.xml", core_xml(text), m);
  z.add("docProps/app.xml", app_xml(application), m);
  for (const auto& [name, data] : parts) z.add(name, data, m);
  return z.finish();
}

Bytes odf_text(const DocText& text) {
  ZipWriter z;
  z.add("mimetype", "application/vnd.oasis.opendocument.text", ZipMethod::stored);
  z.add("META-INF/manifest.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<manifest:manifest "
        "xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\" "
        "manifest:version=\"1.3\"><manifest:file-entry manifest:full-path=\"/\" "
        "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/>"
        "<manifest:file-entry manifest:full-path=\"content.xml\" manifest:media-type=\"text/xml\"/></manifest:manifest>");
  z.add(
      "content.xml",
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<office:document-content "
      "xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
      "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" office:version=\"1.3\"><office:body><office:text><text:p>" +
          xml_escape(text.body) + "</text:p></office:text></office:body></office:document-content>");
  return z.finish();
}

}  // namespace emoguard::fixturegen
