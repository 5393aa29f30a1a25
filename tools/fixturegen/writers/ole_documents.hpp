// OLE2 files built on CfbWriter: .doc .xls .ppt .msg .msi .vsd, encrypted OOXML, Thumbs.db, vbaProject.bin.
#pragma once

#include <string>
#include <vector>

#include "writers/biff_writer.hpp"
#include "writers/bytes.hpp"
#include "writers/vba_writer.hpp"

namespace emoguard::fixturegen {

// What a synthetic document says. Strings go into UTF-8/UTF-16 parts as given; the property set
// (SummaryInformation, code page 1252) gets only their ASCII characters.
struct DocText {
  std::string title = "Invoice";
  std::string author = "Accounting";
  std::string body = "Please find the invoice attached.";
};

// Word 97-2003 document. With macros, a Macros/ storage holds the VBA project placeholder that
// Word keeps there (see vba_project_bin).
[[nodiscard]] Bytes word97_document(const DocText& text, bool with_macros = false);
// Word 97-2003 document whose Macros/ storage holds a complete VBA project (see vba_writer.hpp).
[[nodiscard]] Bytes word97_macro_document(const DocText& text, const VbaProject& project);
// Excel 97-2003 workbook: BIFF8 globals and one sheet. An xlm sheet is an Excel 4.0 macro sheet,
// the kind Emotet's 2021-2022 spreadsheets used.
[[nodiscard]] Bytes excel97_workbook(const DocText& text, bool xlm_macro_sheet = false);
// Excel 97-2003 workbook from a BIFF8 description (sheets, XLM macro sheets, Auto_Open), with a
// VBA project in _VBA_PROJECT_CUR/ when vba is given.
[[nodiscard]] Bytes excel97_macro_workbook(const DocText& text, const BiffWorkbook& workbook, const VbaProject* vba = nullptr);
[[nodiscard]] Bytes powerpoint97_presentation(const DocText& text);
[[nodiscard]] Bytes visio_document(const DocText& text);

struct MsgAttachment {
  std::string file_name;
  Bytes data;
};
struct MsgMessage {
  std::string subject;
  std::string body;
  std::string sender_name;
  std::string sender_address;
  std::string recipient_address;
  std::vector<MsgAttachment> attachments;
};
// Outlook item (MS-OXMSG): properties stream, string substreams, recipients and attachments.
[[nodiscard]] Bytes outlook_msg(const MsgMessage& m);

// Windows Installer package: what makes it one is the root CLSID {000C1084-...}.
[[nodiscard]] Bytes msi_package(const DocText& text);
// An OOXML document saved with a password (MS-OFFCRYPTO agile encryption): EncryptionInfo plus an
// EncryptedPackage of random bytes; nothing here can be decrypted.
[[nodiscard]] Bytes encrypted_ooxml(std::uint64_t seed, std::size_t package_size = 6000);
// Explorer's thumbnail cache: an OLE2 file that is no Office document.
[[nodiscard]] Bytes thumbs_db(std::uint64_t seed, int thumbnails = 2);

// A placeholder vbaProject.bin, as the older fixtures carry (also in the Macros/ storage of
// word97_document with_macros): PROJECT, PROJECTwm and VBA/_VBA_PROJECT, but no dir stream and no
// module. Real projects come from vba_project_part() and word97_macro_document().
[[nodiscard]] Bytes vba_project_bin(const std::string& module_name = "ThisDocument");

}  // namespace emoguard::fixturegen
