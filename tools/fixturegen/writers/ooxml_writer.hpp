// Office Open XML packages (.docx .docm .xlsx .xlsm .xlsb .pptx .pptm .vsdx, OPC) and ODF, on ZipWriter.
#pragma once

#include <string>

#include "writers/bytes.hpp"
#include "writers/ole_documents.hpp"

namespace emoguard::fixturegen {

enum class OoxmlKind {
  docx,
  docm,  // word/vbaProject.bin
  xlsx,
  xlsm,      // xl/vbaProject.bin
  xlsm_xlm,  // Excel 4.0 macro sheet (xl/macrosheets/), no VBA
  xlsb,      // binary workbook (xl/workbook.bin), with a VBA project as Emotet's .xlsb were
  pptx,
  pptm,
  vsdx,
  nupkg,  // an OPC package that is no Office document (a NuGet package)
};

struct OoxmlOptions {
  // A remote template (attachedTemplate with TargetMode External): the template-injection lure.
  // Only ever example.invalid.
  std::string remote_template;
  // The vbaProject.bin part of a macro-enabled package (vba_project_part()); empty: the
  // placeholder project (vba_project_bin()).
  Bytes vba_project;
  bool deflate = true;
  int deflate_level = 6;  // large generated trees use 1: a third of the time, same structure
};

[[nodiscard]] Bytes ooxml_package(OoxmlKind kind, const DocText& text, const OoxmlOptions& options = {});
// OpenDocument text (.odt): "mimetype" stored first, as the format requires.
[[nodiscard]] Bytes odf_text(const DocText& text);

// XML character escaping for the parts we write.
[[nodiscard]] std::string xml_escape(std::string_view s);

}  // namespace emoguard::fixturegen
