// The evidence set, laid out like a responder's collection from one Japanese office PC: mail,
// documents, downloads, logs and system artefacts. Every "malicious-looking" item is inert and
// names only example.invalid (and TEST-NET addresses).
#include "evidence.hpp"

#include "writers/archive_writer.hpp"
#include "writers/document_writer.hpp"
#include "writers/executable_writer.hpp"
#include "writers/gzip_writer.hpp"
#include "writers/mail_writer.hpp"
#include "writers/ole_documents.hpp"
#include "writers/ooxml_writer.hpp"
#include "writers/text_writer.hpp"
#include "writers/windows_artifacts.hpp"
#include "writers/zip_writer.hpp"

namespace emoguard::fixturegen {

std::vector<FixtureFile> evidence_set(std::vector<MacroSource>* macro_sources) {
  std::vector<FixtureFile> out;
  auto add = [&](std::string path, std::string label, Bytes bytes) {
    out.push_back({std::move(path), std::move(label), std::move(bytes)});
  };
  Rng rng(20221102);  // the text writers vary with it; fixed here, so the set is fixed

  const DocText invoice{"請求書", "経理部",
                        "請求書をご確認ください。内容を表示するには「コンテンツの有効化」をクリックしてください。"};
  const DocText minutes{"議事録", "総務部", "定例会議の議事録です。"};
  const DocText sales{"Sales 2022", "Sales", "Monthly sales summary"};

  // ---------------------------------------------------------------- documents/
  const Bytes invoice_doc = word97_document(invoice, true);
  add("documents/請求書.docm", "ooxml/docm", ooxml_package(OoxmlKind::docm, invoice));
  add("documents/議事録.docx", "ooxml/docx", ooxml_package(OoxmlKind::docx, minutes));
  {
    OoxmlOptions remote;
    remote.remote_template = "http://templates.example.invalid/invoice.dotm";
    add("documents/契約書.docx", "ooxml/docx",
        ooxml_package(OoxmlKind::docx, {"契約書", "法務部", "契約書の確認をお願いします。"}, remote));
  }
  add("documents/見積書.xlsm", "ooxml/xlsm", ooxml_package(OoxmlKind::xlsm, {"見積書", "営業部", "見積書"}));
  add("documents/支払明細.xlsm", "ooxml/xlsm", ooxml_package(OoxmlKind::xlsm_xlm, {"支払明細", "経理部", "支払明細"}));
  add("documents/売上集計.xlsx", "ooxml/xlsx", ooxml_package(OoxmlKind::xlsx, sales));
  add("documents/Invoice_8841.xlsb", "ooxml/xlsb", ooxml_package(OoxmlKind::xlsb, {"Invoice", "Accounting", "Invoice 8841"}));
  add("documents/会社案内.pptx", "ooxml/pptx", ooxml_package(OoxmlKind::pptx, {"会社案内", "広報部", "会社案内"}));
  add("documents/training.pptm", "ooxml/pptm", ooxml_package(OoxmlKind::pptm, {"Training", "IT", "Security training"}));
  add("documents/network_diagram.vsdx", "ooxml/vsdx", ooxml_package(OoxmlKind::vsdx, {"Network", "IT", "Network diagram"}));
  add("documents/network_diagram_2010.vsd", "ole2/vsd", visio_document({"Network", "IT", "Network diagram"}));
  add("documents/請求書_2022年11月.doc", "ole2/doc", invoice_doc);
  add("documents/budget_2022.xls", "ole2/xls", excel97_workbook(sales));
  add("documents/支払一覧.xls", "ole2/xls", excel97_workbook({"Payments", "Accounting", "Payments"}, true));
  add("documents/presentation.ppt", "ole2/ppt", powerpoint97_presentation({"Presentation", "Sales", "Q3"}));
  // A password-protected .docx is an OLE2 file holding the encrypted package.
  add("documents/protected_invoice.docx", "ole2/encrypted_ooxml", encrypted_ooxml(1, 6000));
  // Positive for filetype.office_extension_mismatch (low): MHTML saved with a .doc name.
  add("documents/report.doc", "mail/mhtml", mhtml_document("Report", "四半期報告書"));
  add("documents/議事録_web.mht", "mail/mhtml", mhtml_document("議事録", "定例会議の議事録"));
  add("downloads/お知らせ.mhtml", "mail/mhtml",
      saved_web_page("https://portal.example.invalid/notice", "お知らせ", "<p>メンテナンスのお知らせ</p>"));
  add("documents/manual.pdf", "pdf", pdf_document({"User manual", {"User manual", "Version 1.0"}, ""}));
  add("documents/scan_20221102.pdf", "pdf",
      pdf_document(
          {"Scan", {"The document is protected.", "Click to view the invoice online."}, "http://files.example.invalid/view"}));
  add("documents/memo.rtf", "rtf", rtf_document({"社内メモ: 来週の予定", ""}));
  add("documents/請求書.rtf", "rtf", rtf_document({"Invoice", "http://templates.example.invalid/t.dotm"}));
  add("documents/report.odt", "zip/odf", odf_text(minutes));
  add("documents/売上.slk", "sylk", sylk_document({{"Sales", "1200", "3400"}, false}));
  add("documents/請求書.slk", "sylk", sylk_document({{"Invoice"}, true}));
  add("documents/報告書_2003.xml", "xml/word2003", xml_document(XmlKind::word2003, rng));
  add("documents/報告書_flat.xml", "xml/flat_opc", xml_document(XmlKind::flat_opc, rng));
  add("documents/Meeting Notes.one", "onenote", onenote_section(7));
  add("documents/notes.txt", "text", plain_text(rng, 6));
  add("documents/readme_utf16.txt", "text",
      "\xFF\xFE" + utf16le("お読みください\r\nThis folder holds the scanned documents.\r\n"));

  // ---------------------------------------------------------------- mail/
  ZipWriter enc_zip;
  enc_zip.add("請求書_2022年11月.doc", invoice_doc, ZipMethod::deflated, "1234");
  const Bytes encrypted_attachment = enc_zip.finish();
  MailMessage lure;
  lure.from = "経理部 山田 <yamada@mail.example.invalid>";
  lure.to = "tanaka@corp.example.invalid";
  lure.subject = "【至急】請求書送付のご案内";
  lure.body = "お世話になっております。\r\n請求書を添付いたします。\r\nパスワード: 1234\r\n\r\nよろしくお願いいたします。\r\n";
  lure.received = {
      "from mail.example.invalid (mail.example.invalid [203.0.113.25]) by mx.corp.example.invalid with ESMTP; "
      "Wed, 02 Nov 2022 18:15:02 +0900"};
  lure.attachments.push_back({"請求書_2022年11月.zip", "application/zip", encrypted_attachment});
  add("mail/【至急】請求書送付のご案内.eml", "mail", eml(lure));
  MailMessage reply;
  reply.from = "Sato <sato@corp.example.invalid>";
  reply.to = "tanaka@corp.example.invalid";
  reply.subject = "Re: 打ち合わせの件";
  reply.body = "了解しました。\r\n木曜 15 時でお願いします。\r\n";
  add("mail/Re_ 打ち合わせの件.eml", "mail", eml(reply));
  MsgMessage msg;
  msg.subject = "Invoice 2211";
  msg.body = "Please see the attached invoice. Password: 1234";
  msg.sender_name = "Accounting";
  msg.sender_address = "billing@mail.example.invalid";
  msg.recipient_address = "tanaka@corp.example.invalid";
  msg.attachments.push_back({"Invoice_2211.zip", encrypted_attachment});
  add("mail/Invoice_2211.msg", "ole2/msg", outlook_msg(msg));
  MailMessage second = reply;
  second.subject = "Weekly report";
  second.body = "From now on the report is due on Mondays.\r\nThanks.\r\n";  // a body line that mbox must quote
  add("mail/archive.mbox", "mbox", mbox({lure, second}));

  // ---------------------------------------------------------------- downloads/
  // Positives for the filetype analyzer: double extension, RTLO, a loader DLL saved as .png.
  auto pe = [](bool dll, bool x64, std::string marker, std::uint32_t section_size) {
    PeOptions o;
    o.dll = dll;
    o.x64 = x64;
    o.gui = !dll;
    o.marker = std::move(marker);
    o.section_size = section_size;
    return pe_image(o);
  };
  add("downloads/請求書.pdf.exe", "pe/exe", pe(false, false, "double extension fixture", 0x200));
  // U+202E RIGHT-TO-LEFT OVERRIDE: Explorer shows "Invoice_2211exe.pdf".
  add("downloads/Invoice_2211\u202Efdp.exe", "pe/exe", pe(false, false, "rtlo fixture", 0x200));
  add("downloads/photo.png", "pe/dll", pe(true, true, "loader fixture saved as an image", 0x400));
  add("downloads/setup.exe", "pe/exe", pe(false, true, "setup fixture", 0x200));
  add("downloads/helper.dll", "pe/dll", pe(true, false, "helper fixture", 0x200));
  add("downloads/old_tool.exe", "pe/mz", dos_mz(600));
  add("downloads/agent.so", "elf", elf_header_only({}));
  {
    LnkOptions lo;
    lo.arguments = "/c echo emoguard fixture http://files.example.invalid/";
    lo.description = "請求書";
    lo.icon_location = "%SystemRoot%\\System32\\imageres.dll";
    ZipWriter z;
    z.add("請求書.lnk", shell_link(lo));
    z.add("readme.txt", "Open the invoice.\r\n");
    add("downloads/Invoice_2211.zip", "zip", z.finish());
  }
  {
    ZipWriter z;
    z.add("Invoice_2211.doc", invoice_doc, ZipMethod::deflated, "2211");
    add("downloads/password_2211.zip", "zip/encrypted", z.finish());
  }
  add("downloads/viewer.jar", "zip/jar", jar_archive("invalid.example.Viewer"));
  add("downloads/app-release.apk", "zip/apk", apk_archive("invalid.example.app"));
  add("downloads/Example.Tools.1.0.0.nupkg", "ooxml",
      ooxml_package(OoxmlKind::nupkg, {"Example.Tools", "Example", "Sample tools package"}));
  add("downloads/scan.7z", "7z", sevenzip_archive({{"scan.txt", "scanned pages\r\n"}, {"note.txt", "see attached\r\n"}}));
  add("downloads/documents.rar", "rar", rar5_archive({{"document.txt", "document text\r\n"}}));
  add("downloads/update.cab", "cab", cab_archive({{"update.inf", "[Version]\r\nSignature=\"$Windows NT$\"\r\n"}}));
  add("downloads/invoice_2211.iso", "iso", iso9660_image("INVOICE_2211", {{"readme.txt", "This image holds no program.\r\n"}}));
  add("downloads/setup.msi", "ole2/msi", msi_package({"Example Tools", "Example", "Installer"}));
  add("downloads/page.html", "html", html_page(rng));
  add("downloads/viewer.hta", "html/hta", html_page(rng, true));
  add("downloads/invoice.wsf", "xml/wsf", xml_document(XmlKind::wsf, rng));

  // ---------------------------------------------------------------- logs/
  add("logs/zeek/conn.log", "log/zeek_tsv", log_file(LogKind::zeek_conn_tsv, rng, 12));
  add("logs/zeek/conn.json.log", "log/zeek_json", log_file(LogKind::zeek_json, rng, 12));
  add("logs/suricata/eve.json", "log/suricata_eve", log_file(LogKind::suricata_eve, rng, 12));
  add("logs/squid/access.log", "log/squid", log_file(LogKind::squid, rng, 12));
  add("logs/app/auth.jsonl", "log/jsonl", log_file(LogKind::jsonl, rng, 8));
  add("logs/firewall_export.csv", "log/csv", log_file(LogKind::csv, rng, 10));
  add("logs/dhcp_leases.tsv", "log/tsv", log_file(LogKind::tsv, rng, 10));
  add("logs/export_de.csv", "log/ssv", log_file(LogKind::ssv, rng, 10));
  add("logs/syslog", "log/syslog", log_file(LogKind::syslog, rng, 10));
  add("logs/sysmon.jsonl", "log/event_json", log_file(LogKind::event_json, rng, 6));
  add("logs/squid/access.log.1.gz", "gzip", gzip(log_file(LogKind::squid, rng, 40), "access.log.1"));
  add("logs/empty.log", "empty", "");

  // ---------------------------------------------------------------- system/
  add("system/winevt/Security.evtx", "evtx", evtx_empty_log(1));
  add("system/winevt/Microsoft-Windows-PowerShell%4Operational.evtx", "evtx", evtx_empty_log(4104));
  RegfWriter hive;
  hive.add_string_value("Software\\Microsoft\\Windows\\CurrentVersion\\Run", "OneDrive",
                        "\"C:\\Users\\tanaka\\AppData\\Local\\Microsoft\\OneDrive\\OneDrive.exe\" /background");
  // The shape of Emotet's persistence (regsvr32 on a DLL under AppData); the DLL does not exist.
  hive.add_string_value("Software\\Microsoft\\Windows\\CurrentVersion\\Run", "fixturesvc",
                        "C:\\Windows\\SysWOW64\\regsvr32.exe /s \"C:\\Users\\tanaka\\AppData\\Local\\Fixture\\fixture.dll\"");
  hive.add_dword_value("Software\\Microsoft\\Office\\16.0\\Word\\Security", "VBAWarnings", 2);
  const Bytes ntuser = hive.build();
  add("system/NTUSER.DAT", "regf", ntuser);
  add("system/Thumbs.db", "ole2", thumbs_db(3));
  add("system/policies/AppLocker.xml", "xml/applocker_policy", xml_document(XmlKind::applocker_policy, rng));
  add("system/policies/WDAC_base.xml", "xml/wdac_policy", xml_document(XmlKind::wdac_policy, rng));
  add("system/events_4688.xml", "xml/event_xml", xml_document(XmlKind::event_xml, rng));
  add("system/web.config", "xml", xml_document(XmlKind::plain, rng));
  add("system/config.json", "json", json_document(rng));
  add("system/triage_manifest.json", "json/emoguard_manifest", triage_manifest("PC-042"));
  add("system/collection_PC-042.zip", "zip/emoguard_collection", emoguard_collection("PC-042", ntuser));
  add("system/run_key_export.reg", "text", utf16_reg_export(rng));
  add("system/pagefile_fragment.bin", "data", Bytes("\x00\x01\x02\x03", 4) + rng.bytes(2044));
  add("system/zeros.bin", "data/zeros", Bytes(4096, '\0'));
  {
    LnkOptions lo;
    lo.relative_path = "..\\..\\..\\..\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe";
    lo.arguments = "-NoProfile -Command \"Write-Output 'emoguard fixture' # http://files.example.invalid/\"";
    add("system/Startup/update.lnk", "lnk", shell_link(lo));
  }
  add("system/Desktop/請求書.lnk", "lnk", shell_link({}));

  // Macro documents with real VBA projects and XLM sheets (documents/, mail/attachments/).
  add_macro_documents(out, macro_sources);
  return out;
}

}  // namespace emoguard::fixturegen
