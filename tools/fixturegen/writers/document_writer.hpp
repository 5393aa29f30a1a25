// Document writers for PDF (with a correct cross-reference table), RTF and SYLK.
#pragma once

#include <string>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

struct PdfOptions {
  std::string title = "Invoice";
  std::vector<std::string> lines = {"Invoice"};  // ASCII; shown with Helvetica
  // A link annotation over the page (the "click to view the document" lure); example.invalid only.
  std::string link_uri;
};
[[nodiscard]] Bytes pdf_document(const PdfOptions& options);

struct RtfOptions {
  std::string text = "Invoice";  // ASCII, or \\uN escapes are made for anything else
  // A remote template reference ({\*\template URL}), as in RTF template injection; example.invalid only.
  std::string template_url;
};
[[nodiscard]] Bytes rtf_document(const RtfOptions& options);

// SYLK (.slk), the text spreadsheet format Excel still opens. With a macro sheet it carries an
// Excel 4.0 macro named Auto_Open, as 2022 lures did; ours only calls HALT().
struct SylkOptions {
  std::vector<std::string> cells = {"Invoice"};  // ASCII, one per row in column A
  bool xlm_macro = false;
};
[[nodiscard]] Bytes sylk_document(const SylkOptions& options);

}  // namespace emoguard::fixturegen
