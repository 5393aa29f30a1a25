// PDF, RTF and SYLK writers. The PDF's xref offsets are computed from the bytes written, so readers
// that check them (and file(1)) see a well-formed file.
#include "writers/document_writer.hpp"

#include <fmt/format.h>

namespace emoguard::fixturegen {
namespace {

std::string pdf_string(const std::string& s) {
  std::string out = "(";
  for (const char c : s) {
    if (c == '(' || c == ')' || c == '\\') out.push_back('\\');
    out.push_back(static_cast<unsigned char>(c) < 0x80 ? c : '?');
  }
  return out + ")";
}

// UTF-8 to RTF: ASCII as is (with RTF's specials escaped), the rest as \uN? escapes.
std::string rtf_text(const std::string& s) {
  std::string out;
  const Bytes u = utf16le(s);
  for (std::size_t i = 0; i < u.size(); i += 2) {
    const auto cu = static_cast<std::uint16_t>(static_cast<unsigned char>(u[i]) | static_cast<unsigned char>(u[i + 1]) << 8);
    if (cu == '\\' || cu == '{' || cu == '}') {
      out.push_back('\\');
      out.push_back(static_cast<char>(cu));
    } else if (cu == '\n') {
      out += "\\par\r\n";
    } else if (cu < 0x80) {
      out.push_back(static_cast<char>(cu));
    } else {
      out += fmt::format("\\u{}?", static_cast<std::int16_t>(cu));
    }
  }
  return out;
}

}  // namespace

Bytes pdf_document(const PdfOptions& o) {
  std::string content = "BT /F1 12 Tf 72 760 Td 16 TL\n";
  for (const auto& l : o.lines) content += pdf_string(l) + " Tj T*\n";
  content += "ET\n";

  std::vector<std::string> objects;
  objects.push_back("<< /Type /Catalog /Pages 2 0 R >>");
  objects.push_back("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  std::string page =
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R";
  if (!o.link_uri.empty()) page += " /Annots [7 0 R]";
  objects.push_back(page + " >>");
  objects.push_back(fmt::format("<< /Length {} >>\nstream\n{}endstream", content.size(), content));
  objects.push_back("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>");
  objects.push_back("<< /Title " + pdf_string(o.title) + " /Producer (emoguard-fixturegen) /CreationDate (D:20221102091500Z) >>");
  if (!o.link_uri.empty()) {
    objects.push_back("<< /Type /Annot /Subtype /Link /Rect [0 0 595 842] /Border [0 0 0] /A << /S /URI /URI " +
                      pdf_string(o.link_uri) + " >> >>");
  }

  Bytes out = "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
  std::vector<std::size_t> offsets;
  for (std::size_t i = 0; i < objects.size(); ++i) {
    offsets.push_back(out.size());
    out += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
  }
  const std::size_t xref = out.size();
  out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
  for (const auto off : offsets) out += fmt::format("{:010} 00000 n \n", off);
  out += fmt::format("trailer\n<< /Size {} /Root 1 0 R /Info 6 0 R >>\nstartxref\n{}\n%%EOF\n", objects.size() + 1, xref);
  return out;
}

Bytes rtf_document(const RtfOptions& o) {
  std::string s = "{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1041";
  s += "{\\fonttbl{\\f0\\fswiss\\fcharset0 Calibri;}}\r\n";
  if (!o.template_url.empty()) s += "{\\*\\template " + o.template_url + "}\r\n";
  s += "{\\info{\\title Document}{\\author Accounting}{\\creatim\\yr2022\\mo11\\dy2\\hr9\\min15}}\r\n";
  s += "\\viewkind4\\uc1\\pard\\f0\\fs22 " + rtf_text(o.text) + "\\par\r\n}\r\n";
  return s;
}

Bytes sylk_document(const SylkOptions& o) {
  std::string s = o.xlm_macro ? "ID;PWXL;N;E\r\n" : "ID;PWXL;N;E\r\nP;PGeneral\r\n";
  if (o.xlm_macro) s += "O;E\r\n";  // the sheet is a macro sheet
  int row = 1;
  for (const auto& c : o.cells) {
    std::string v;
    for (const char ch : c) v.push_back(ch == '"' || ch == ';' ? '\'' : ch);
    s += fmt::format("C;Y{};X1;K\"{}\"\r\n", row++, v);
  }
  if (o.xlm_macro) {
    s += fmt::format("C;Y{};X1;EHALT()\r\n", row);
    s += fmt::format("NN;NAuto_open;ER{}C1\r\n", row);
  }
  s += "E\r\n";
  return s;
}

}  // namespace emoguard::fixturegen
