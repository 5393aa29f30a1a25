// OLE2 documents: enough of each format's own structures (FIB, BIFF8 records, PowerPoint atoms,
// MSG property streams) that tools which look inside recognise them, none of them executable.
#include "writers/ole_documents.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "writers/cfb_writer.hpp"
#include "writers/vba_writer.hpp"

namespace emoguard::fixturegen {
namespace {

std::string ascii_only(const std::string& s) {
  std::string out;
  for (const char c : s) {
    if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
  }
  return out.empty() ? std::string("Document") : out;
}

SummaryInfo summary_for(const DocText& t, std::string app) {
  SummaryInfo si;
  si.title = ascii_only(t.title);
  si.author = ascii_only(t.author);
  si.last_author = si.author;
  si.template_name = "Normal.dotm";
  si.app_name = std::move(app);
  return si;
}

// CompObj: the user type and clipboard format Office writes beside every document stream.
Bytes comp_obj(const std::string& user_type, const std::string& clipboard, const std::string& prog_id) {
  Bytes b;
  put_u32le(b, 0xFFFE0001);
  put_u32le(b, 0x00000A03);
  put_u32le(b, 0xFFFFFFFF);
  put_zeros(b, 16);
  auto ansi = [&](const std::string& s) {
    put_u32le(b, static_cast<std::uint32_t>(s.size() + 1));
    b += s;
    b.push_back('\0');
  };
  ansi(user_type);
  ansi(clipboard);
  ansi(prog_id);
  put_u32le(b, 0x71B239F4);  // Unicode marker; empty Unicode strings follow
  put_u32le(b, 0);
  put_u32le(b, 0);
  put_u32le(b, 0);
  return b;
}

void add_vba_storage(CfbWriter& cfb, const std::string& prefix, const std::string& module_name) {
  cfb.add_stream(prefix + "PROJECT",
                 fmt::format("ID=\"{{00000000-0000-0000-0000-000000000000}}\"\r\nDocument={}/&H00000000\r\n"
                             "Name=\"Project\"\r\nHelpContextID=\"0\"\r\nVersionCompatible32=\"393222000\"\r\n"
                             "CMG=\"0000\"\r\nDPB=\"0000\"\r\nGC=\"0000\"\r\n\r\n[Host Extender Info]\r\n"
                             "&H00000001={{3832D640-CF90-11CF-8E43-00A0C911005A}};VBE;&H00000000\r\n",
                             module_name));
  Bytes wm = module_name;
  wm.push_back('\0');
  wm += utf16le(module_name);
  wm += Bytes(2, '\0');
  wm += Bytes(2, '\0');
  cfb.add_stream(prefix + "PROJECTwm", wm);
  Bytes vp;
  put_u16le(vp, 0x61CC);  // _VBA_PROJECT reserved1
  put_u16le(vp, 0xFFFF);  // version: "no performance cache", so readers must use the source
  put_u8(vp, 0x00);
  put_u16le(vp, 0x0000);
  cfb.add_stream(prefix + "VBA/_VBA_PROJECT", vp);
}

}  // namespace

Bytes vba_project_bin(const std::string& module_name) {
  CfbWriter cfb;
  add_vba_storage(cfb, "", module_name);
  return cfb.build();
}

namespace {

// The Word document streams, without macros; callers add those and build.
CfbWriter word97_streams(const DocText& text) {
  // FibBase and the counts that follow it (MS-DOC 2.5); the text sits at 0x800 as 8-bit characters.
  Bytes wd;
  put_u16le(wd, 0xA5EC);  // wIdent
  put_u16le(wd, 0x00C1);  // nFib: Word 97 and later
  put_u16le(wd, 0);
  put_u16le(wd, 0x0411);  // lid: Japanese
  put_u16le(wd, 0);       // pnNext
  put_u16le(wd, 0x1200);  // fExtChar | fWhichTblStm (the table stream is 1Table)
  put_u16le(wd, 0x00BF);  // nFibBack
  put_u32le(wd, 0);       // lKey
  put_u8(wd, 0);          // envr
  put_u8(wd, 0);
  put_u16le(wd, 0);
  put_u16le(wd, 0);
  put_u32le(wd, 0);
  put_u32le(wd, 0);
  put_u16le(wd, 14);  // csw
  put_zeros(wd, 28);
  put_u16le(wd, 22);  // cslw
  const std::string body = ascii_only(text.body);
  put_u32le(wd, 0x800 + static_cast<std::uint32_t>(body.size()));  // cbMac
  put_zeros(wd, 8);
  put_u32le(wd, static_cast<std::uint32_t>(body.size()));  // ccpText
  put_zeros(wd, 88 - 16);
  put_u16le(wd, 0x005D);  // cbRgFcLcb for nFib 0x00C1
  put_zeros(wd, 0x5D * 8);
  put_u16le(wd, 0);  // cswNew
  wd.resize(0x800, '\0');
  wd += body;
  wd.resize(4096 + 512, '\0');  // Word's streams are sector-sized: this one lives in regular sectors

  CfbWriter cfb;
  cfb.set_root_clsid(guid("00020906-0000-0000-C000-000000000046"));
  cfb.add_stream("WordDocument", wd);
  Bytes table;
  put_zeros(table, 1024);
  cfb.add_stream("1Table", table);
  cfb.add_stream(
      "\x01"
      "CompObj",
      comp_obj("Microsoft Word 97-2003 Document", "MSWordDoc", "Word.Document.8"));
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(summary_for(text, "Microsoft Office Word")));
  return cfb;
}

}  // namespace

Bytes word97_document(const DocText& text, bool with_macros) {
  CfbWriter cfb = word97_streams(text);
  if (with_macros) add_vba_storage(cfb, "Macros/", "ThisDocument");
  return cfb.build();
}

Bytes word97_macro_document(const DocText& text, const VbaProject& project) {
  CfbWriter cfb = word97_streams(text);
  add_vba_project(cfb, "Macros/", project);
  return cfb.build();
}

Bytes excel97_workbook(const DocText& text, bool xlm_macro_sheet) {
  auto record = [](Bytes& b, std::uint16_t type, const Bytes& data) {
    put_u16le(b, type);
    put_u16le(b, static_cast<std::uint16_t>(data.size()));
    b += data;
  };
  auto bof = [](std::uint16_t dt) {
    Bytes d;
    put_u16le(d, 0x0600);  // BIFF8
    put_u16le(d, dt);
    put_u16le(d, 0x4F5A);  // build
    put_u16le(d, 0x07CD);  // year
    put_u32le(d, 0x000100C1);
    put_u32le(d, 0x00000606);
    return d;
  };
  const std::string sheet_name = xlm_macro_sheet ? "Macro1" : "Sheet1";
  Bytes globals;
  record(globals, 0x0809, bof(0x0005));
  Bytes cp;
  put_u16le(cp, 1200);  // CODEPAGE: UTF-16
  record(globals, 0x0042, cp);
  const std::size_t boundsheet_at = globals.size() + 4;
  Bytes bs;
  put_u32le(bs, 0);                           // lbPlyPos: set below
  put_u8(bs, 0);                              // visible
  put_u8(bs, xlm_macro_sheet ? 0x01 : 0x00);  // dt: worksheet, or Excel 4.0 macro sheet
  put_u8(bs, static_cast<std::uint8_t>(sheet_name.size()));
  put_u8(bs, 0);  // compressed (8-bit) characters
  bs += sheet_name;
  record(globals, 0x0085, bs);
  record(globals, 0x000A, {});
  set_u32le(globals, boundsheet_at, static_cast<std::uint32_t>(globals.size()));
  record(globals, 0x0809, bof(xlm_macro_sheet ? 0x0040 : 0x0010));
  // One LABEL cell with the document's ASCII text.
  const std::string label = ascii_only(text.body).substr(0, 200);
  Bytes cell;
  put_u16le(cell, 0);
  put_u16le(cell, 0);
  put_u16le(cell, 0x0F);
  put_u16le(cell, static_cast<std::uint16_t>(label.size()));
  put_u8(cell, 0);
  cell += label;
  record(globals, 0x0204, cell);
  record(globals, 0x000A, {});

  CfbWriter cfb;
  cfb.set_root_clsid(guid("00020820-0000-0000-C000-000000000046"));
  cfb.add_stream("Workbook", globals);
  cfb.add_stream(
      "\x01"
      "CompObj",
      comp_obj("Microsoft Excel 2003 Worksheet", "Biff8", "Excel.Sheet.8"));
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(summary_for(text, "Microsoft Excel")));
  return cfb.build();
}

Bytes excel97_macro_workbook(const DocText& text, const BiffWorkbook& workbook, const VbaProject* vba) {
  CfbWriter cfb;
  cfb.set_root_clsid(guid("00020820-0000-0000-C000-000000000046"));
  cfb.add_stream("Workbook", biff8_workbook_stream(workbook));
  cfb.add_stream(
      "\x01"
      "CompObj",
      comp_obj("Microsoft Excel 2003 Worksheet", "Biff8", "Excel.Sheet.8"));
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(summary_for(text, "Microsoft Excel")));
  if (vba != nullptr) add_vba_project(cfb, "_VBA_PROJECT_CUR/", *vba);
  return cfb.build();
}

Bytes powerpoint97_presentation(const DocText& text) {
  auto header = [](Bytes& b, std::uint16_t ver_inst, std::uint16_t type, std::uint32_t len) {
    put_u16le(b, ver_inst);
    put_u16le(b, type);
    put_u32le(b, len);
  };
  Bytes doc;
  Bytes atom;
  header(atom, 0x0001, 0x03E9, 40);  // DocumentAtom
  put_u32le(atom, 5760);             // slide size (master units)
  put_u32le(atom, 4320);
  put_u32le(atom, 5760);
  put_u32le(atom, 4320);
  put_u32le(atom, 1);
  put_u32le(atom, 2);
  put_u32le(atom, 0);
  put_u32le(atom, 0);
  put_u16le(atom, 1);
  put_u16le(atom, 0);
  put_u8(atom, 0);
  put_u8(atom, 0);
  put_u8(atom, 1);
  put_u8(atom, 0);
  Bytes end;
  header(end, 0x0000, 0x03EA, 0);                                                     // EndDocumentAtom
  header(doc, 0x000F, 0x03E8, static_cast<std::uint32_t>(atom.size() + end.size()));  // DocumentContainer
  doc += atom;
  doc += end;

  Bytes cu;
  const std::string user = ascii_only(text.author);
  header(cu, 0x0000, 0x0FF6, static_cast<std::uint32_t>(20 + user.size() + 4));
  put_u32le(cu, 0x14);
  put_u32le(cu, 0xE391C05F);  // not encrypted
  put_u32le(cu, 0);           // offsetToCurrentEdit
  put_u16le(cu, static_cast<std::uint16_t>(user.size()));
  put_u16le(cu, 0x03F4);
  put_u8(cu, 3);
  put_u8(cu, 0);
  put_u16le(cu, 0);
  cu += user;
  put_u32le(cu, 8);

  CfbWriter cfb;
  cfb.set_root_clsid(guid("64818D10-4F9B-11CF-86EA-00AA00B929E8"));
  cfb.add_stream("PowerPoint Document", doc);
  cfb.add_stream("Current User", cu);
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(summary_for(text, "Microsoft Office PowerPoint")));
  return cfb.build();
}

Bytes visio_document(const DocText& text) {
  CfbWriter cfb;
  cfb.set_root_clsid(guid("00021A14-0000-0000-C000-000000000046"));
  Bytes vd = "Visio (TM) Drawing\r\n";
  vd.resize(512, '\0');
  cfb.add_stream("VisioDocument", vd);
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(summary_for(text, "Microsoft Visio")));
  return cfb.build();
}

Bytes outlook_msg(const MsgMessage& m) {
  CfbWriter cfb;
  cfb.set_root_clsid(guid("00020D0B-0000-0000-C000-000000000046"));
  // A property entry: tag, flags (readable|writable), then the value or, for strings and binaries,
  // the stream size (terminator included for strings).
  auto prop_stream_entry = [](Bytes& props, std::uint32_t tag, std::uint32_t size) {
    put_u32le(props, tag);
    put_u32le(props, 6);
    put_u32le(props, size);
    put_u32le(props, 0);
  };
  auto add_string = [&](Bytes& props, const std::string& storage, std::uint32_t tag, const std::string& value) {
    const Bytes u = utf16le(value);
    cfb.add_stream(storage + fmt::format("__substg1.0_{:08X}", tag), u);
    prop_stream_entry(props, tag, static_cast<std::uint32_t>(u.size() + 2));
  };

  Bytes top;
  put_zeros(top, 8);
  put_u32le(top, 1);  // next recipient id
  put_u32le(top, static_cast<std::uint32_t>(m.attachments.size()));
  put_u32le(top, 1);
  put_u32le(top, static_cast<std::uint32_t>(m.attachments.size()));
  put_zeros(top, 8);
  add_string(top, "", 0x001A001F, "IPM.Note");
  add_string(top, "", 0x0037001F, m.subject);
  add_string(top, "", 0x0C1A001F, m.sender_name);
  add_string(top, "", 0x0C1F001F, m.sender_address);
  add_string(top, "", 0x0E04001F, m.recipient_address);
  add_string(top, "", 0x1000001F, m.body);
  put_u32le(top, 0x00390040);  // PR_CLIENT_SUBMIT_TIME, a fixed-size value stored inline
  put_u32le(top, 6);
  put_u64le(top, kFixedFiletime);
  cfb.add_stream("__properties_version1.0", top);

  cfb.add_storage("__nameid_version1.0");
  cfb.add_stream("__nameid_version1.0/__substg1.0_00020102", {});
  cfb.add_stream("__nameid_version1.0/__substg1.0_00030102", {});
  cfb.add_stream("__nameid_version1.0/__substg1.0_00040102", {});

  const std::string recip = "__recip_version1.0_#00000000/";
  Bytes rp;
  put_zeros(rp, 8);
  add_string(rp, recip, 0x3001001F, m.recipient_address);
  add_string(rp, recip, 0x39FE001F, m.recipient_address);
  cfb.add_stream(recip + "__properties_version1.0", rp);

  for (std::size_t i = 0; i < m.attachments.size(); ++i) {
    const std::string at = fmt::format("__attach_version1.0_#{:08X}/", i);
    Bytes ap;
    put_zeros(ap, 8);
    add_string(ap, at, 0x3707001F, m.attachments[i].file_name);
    add_string(ap, at, 0x3001001F, m.attachments[i].file_name);
    cfb.add_stream(at + "__substg1.0_37010102", m.attachments[i].data);
    prop_stream_entry(ap, 0x37010102, static_cast<std::uint32_t>(m.attachments[i].data.size()));
    put_u32le(ap, 0x37050003);  // PR_ATTACH_METHOD = ATTACH_BY_VALUE
    put_u32le(ap, 6);
    put_u32le(ap, 1);
    put_u32le(ap, 0);
    cfb.add_stream(at + "__properties_version1.0", ap);
  }
  return cfb.build();
}

Bytes msi_package(const DocText& text) {
  CfbWriter cfb;
  cfb.set_root_clsid(guid("000C1084-0000-0000-C000-000000000046"));
  SummaryInfo si = summary_for(text, "Windows Installer XML Toolset (3.11.2.4516)");
  si.subject = si.title;
  si.keywords = "Installer";
  si.template_name = "Intel;1033";
  si.comments = "This installer database contains the logic and data required to install the product.";
  si.pages = 200;  // PID_PAGECOUNT holds the Installer schema version
  cfb.add_stream("\x05SummaryInformation", summary_information_stream(si));
  // Table streams have compressed names in the real format; a readable one is enough to be an MSI
  // for every tool that goes by the root CLSID.
  Bytes tables;
  put_zeros(tables, 64);
  cfb.add_stream("Tables", tables);
  return cfb.build();
}

Bytes encrypted_ooxml(std::uint64_t seed, std::size_t package_size) {
  Rng rng(seed);
  CfbWriter cfb;
  auto lp_unicode = [](Bytes& b, const std::string& s) {  // UNICODE-LP-P4
    const Bytes u = utf16le(s);
    put_u32le(b, static_cast<std::uint32_t>(u.size()));
    b += u;
    pad_to(b, 4);
  };
  Bytes version;
  lp_unicode(version, "Microsoft.Container.DataSpaces");
  for (int k = 0; k < 3; ++k) {  // reader, updater, writer version 1.0
    put_u16le(version, 1);
    put_u16le(version, 0);
  }
  cfb.add_stream(
      "\x06"
      "DataSpaces/Version",
      version);
  Bytes map;
  put_u32le(map, 8);
  put_u32le(map, 1);
  Bytes entry;
  put_u32le(entry, 1);  // one reference component
  put_u32le(entry, 0);  // stream
  lp_unicode(entry, "EncryptedPackage");
  lp_unicode(entry, "StrongEncryptionDataSpace");
  put_u32le(map, static_cast<std::uint32_t>(entry.size() + 4));
  map += entry;
  cfb.add_stream(
      "\x06"
      "DataSpaces/DataSpaceMap",
      map);
  Bytes ds;
  put_u32le(ds, 8);
  put_u32le(ds, 1);
  lp_unicode(ds, "StrongEncryptionTransform");
  cfb.add_stream(
      "\x06"
      "DataSpaces/DataSpaceInfo/StrongEncryptionDataSpace",
      ds);
  Bytes primary;
  put_u32le(primary, 0x58);
  put_u32le(primary, 1);
  lp_unicode(primary, "{FF9A3F03-56EF-4613-BDD5-5A41C1D07246}");
  lp_unicode(primary, "Microsoft.Container.EncryptionTransform");
  cfb.add_stream(
      "\x06"
      "DataSpaces/TransformInfo/StrongEncryptionTransform/\x06Primary",
      primary);

  Bytes info;
  put_u16le(info, 4);  // agile encryption 4.4
  put_u16le(info, 4);
  put_u32le(info, 0x40);
  info += EMOGUARD_SEQ_FORMAT(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n"
      "<encryption xmlns=\"http://schemas.microsoft.com/office/2006/encryption\" "
      "xmlns:p=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">"
      "<keyData saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" cipherAlgorithm=\"AES\" "
      "cipherChaining=\"ChainingModeCBC\" "
      "hashAlgorithm=\"SHA512\" saltValue=\"{}\"/>"
      "<keyEncryptors><keyEncryptor uri=\"http://schemas.microsoft.com/office/2006/keyEncryptor/password\">"
      "<p:encryptedKey spinCount=\"100000\" saltSize=\"16\" blockSize=\"16\" keyBits=\"256\" hashSize=\"64\" "
      "cipherAlgorithm=\"AES\" "
      "cipherChaining=\"ChainingModeCBC\" hashAlgorithm=\"SHA512\" saltValue=\"{}\" encryptedKeyValue=\"{}\"/>"
      "</keyEncryptor></keyEncryptors></encryption>",
      base64(rng.bytes(16)), base64(rng.bytes(16)), base64(rng.bytes(32)));
  cfb.add_stream("EncryptionInfo", info);
  Bytes pkg;
  put_u64le(pkg, package_size);
  pkg += rng.bytes((package_size + 15) / 16 * 16);
  cfb.add_stream("EncryptedPackage", pkg);
  return cfb.build();
}

Bytes thumbs_db(std::uint64_t seed, int thumbnails) {
  Rng rng(seed);
  CfbWriter cfb;
  Bytes catalog;
  put_u16le(catalog, 16);  // header size
  put_u16le(catalog, 7);   // version
  put_u32le(catalog, static_cast<std::uint32_t>(thumbnails));
  put_u32le(catalog, 96);
  put_u32le(catalog, 96);
  for (int i = 1; i <= thumbnails; ++i) {
    const std::string name = fmt::format("IMG_{:04}.JPG", 2200 + i);
    const Bytes u = utf16le(name);
    put_u32le(catalog, static_cast<std::uint32_t>(16 + u.size() + 4));
    put_u32le(catalog, static_cast<std::uint32_t>(i));
    put_u64le(catalog, kFixedFiletime);
    catalog += u;
    put_u32le(catalog, 0);
    // The thumbnail streams: a small header then JPEG-looking bytes (SOI marker, noise).
    Bytes thumb;
    put_u32le(thumb, 12);
    put_u32le(thumb, 1);
    put_u32le(thumb, 600);
    thumb += "\xFF\xD8\xFF\xE0";
    thumb += rng.bytes(596);
    std::string id = std::to_string(i);
    std::reverse(id.begin(), id.end());  // Windows names them with the decimal digits reversed
    cfb.add_stream(id, thumb);
  }
  cfb.add_stream("Catalog", catalog);
  return cfb.build();
}

}  // namespace emoguard::fixturegen
