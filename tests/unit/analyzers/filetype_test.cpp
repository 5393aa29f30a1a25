// Tests the filetype analyzer: RTLO, double extensions, disguised executables, Office extension mismatches.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "analyzers/builtin.hpp"
#include "analyzers/engine/engine.hpp"
#include "analyzers/filetype/filetype.hpp"
#include "emoguard/sink.hpp"

namespace emoguard::analyzers::filetype {
namespace {

using namespace std::literals;

class TestContext final : public Context {
 public:
  Sink& sink() override { return sink_; }
  const Limits& limits() const override { return limits_; }
  void scan_nested(ByteView, std::string, const ObjectPath&) override { ++nested_; }
  bool out_of_time() const override { return false; }

  BufferSink sink_;
  Limits limits_;
  int nested_ = 0;
};

// Runs the analyzer on a name with a given detection; returns its findings.
std::vector<Finding> run(const std::string& name, ContentType type, const std::string& subtype = "") {
  auto a = make_analyzer();
  TestContext ctx;
  ScanObject obj;
  obj.name = name;
  obj.path = ObjectPath{{"mail.eml", name}};
  obj.detection = Detection{type, subtype, "test"};
  a->analyze(obj, ctx);
  std::vector<Finding> out;
  for (const auto& r : ctx.sink_.records()) {
    EXPECT_EQ(r.kind, BufferSink::Record::kFinding) << "the analyzer reports findings only";
    out.push_back(r.finding);
  }
  EXPECT_EQ(ctx.nested_, 0);
  return out;
}

std::vector<std::string> ids(const std::vector<Finding>& v) {
  std::vector<std::string> out;
  for (const auto& f : v) out.push_back(f.rule.id);
  return out;
}

std::string evidence(const Finding& f, const std::string& key) {
  for (const auto& e : f.evidence) {
    if (e.key == key) return e.value;
  }
  return "<none>";
}

using V = std::vector<std::string>;

// ------------------------------------------------------------------ info

TEST(Filetype, InfoIsANameCheckOnEveryType) {
  const auto a = make_analyzer();
  EXPECT_EQ(a->info().name, "filetype");
  EXPECT_TRUE(a->info().every_type);
  EXPECT_TRUE(a->info().handles.empty());
  EXPECT_FALSE(a->info().description.empty());
  Registry reg;
  register_builtin(reg);
  ASSERT_GE(reg.all().size(), 1u);
  EXPECT_TRUE(std::any_of(reg.all().begin(), reg.all().end(), [](const auto& p) { return p->info().name == "filetype"; }));
}

TEST(Filetype, CleanNamesGiveNothing) {
  EXPECT_TRUE(run("report.pdf", ContentType::pdf).empty());
  EXPECT_TRUE(run("tool.exe", ContentType::pe, "exe").empty());
  EXPECT_TRUE(run("archive.tar.gz", ContentType::gzip).empty());
  EXPECT_TRUE(run("report.2024.pdf", ContentType::pdf).empty());
  EXPECT_TRUE(run("README", ContentType::text).empty());
  EXPECT_TRUE(run("", ContentType::empty).empty());
  EXPECT_TRUE(run(".exe", ContentType::pe, "exe").empty());  // a dot file, not an extension
  EXPECT_TRUE(run("notes.txt", ContentType::rtf).empty());   // only Office extensions are compared
}

// ------------------------------------------------------------------ RTLO

TEST(Filetype, RtloInName) {
  const auto v = run("invoice\xE2\x80\xAE" "fdp.exe", ContentType::pe, "exe");
  ASSERT_EQ(ids(v), V{"filetype.rtlo_in_name"});
  const auto& f = v[0];
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.attack, "T1036.002");
  EXPECT_EQ(f.analyzer, "filetype");
  EXPECT_EQ(f.rule.author, "emoguard");
  EXPECT_FALSE(f.rule.title.en.empty());
  EXPECT_FALSE(f.rule.title.ja.empty());
  EXPECT_EQ(f.references, V{"https://attack.mitre.org/techniques/T1036/002/"});
  EXPECT_EQ(f.object.str(), "mail.eml > invoice\xE2\x80\xAE" "fdp.exe");
  EXPECT_EQ(evidence(f, "name"), "invoice\xE2\x80\xAE" "fdp.exe");
  EXPECT_EQ(evidence(f, "content_type"), "pe/exe");
}

TEST(Filetype, RtloOnAnyContent) {
  EXPECT_EQ(ids(run("\xE2\x80\xAE" "txt.js", ContentType::text)), V{"filetype.rtlo_in_name"});
  // Other bidi marks are not the override.
  EXPECT_TRUE(run("invoice\xE2\x80\xAD" "fdp.exe", ContentType::text).empty());
}

// ------------------------------------------------------------------ double extension

TEST(Filetype, DoubleExtension) {
  const auto v = run("invoice.pdf.exe", ContentType::pe, "exe");
  ASSERT_EQ(ids(v), V{"filetype.double_extension"});
  const auto& f = v[0];
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.attack, "T1036.007");
  EXPECT_EQ(evidence(f, "shown_extension"), "pdf");
  EXPECT_EQ(evidence(f, "real_extension"), "exe");
  EXPECT_EQ(evidence(f, "name"), "invoice.pdf.exe");
  EXPECT_EQ(f.references, V{"https://attack.mitre.org/techniques/T1036/007/"});
}

TEST(Filetype, DoubleExtensionWithPadding) {
  const auto v = run("invoice.pdf      .exe", ContentType::pe, "exe");
  ASSERT_EQ(ids(v), V{"filetype.double_extension"});
  EXPECT_EQ(evidence(v[0], "shown_extension"), "pdf");
  EXPECT_EQ(evidence(v[0], "real_extension"), "exe");
  EXPECT_EQ(ids(run("invoice.pdf\t\t.exe", ContentType::pe, "exe")), V{"filetype.double_extension"});
  EXPECT_EQ(ids(run("invoice.pdf____.exe", ContentType::pe, "exe")), V{"filetype.double_extension"});
}

TEST(Filetype, DoubleExtensionVariants) {
  for (const std::string n : {"請求書.pdf.exe", "INVOICE.PDF.EXE", "scan.jpg.js", "order.docx.scr", "photo.png.lnk",
                              "invoice.xlsm.vbs", "a.b.pdf.exe", "msg.txt.hta", "doc.one.wsf", "pay.zip.bat"}) {
    EXPECT_EQ(ids(run(n, ContentType::data)), V{"filetype.double_extension"}) << n;
  }
  // The executable must come last, after a lure extension.
  for (const std::string n : {"setup.exe.pdf", "data.bin.exe", "a.exe.exe", "x.pdf.pdf", "pdf.exe"}) {
    EXPECT_TRUE(run(n, ContentType::data).empty()) << n;
  }
}

TEST(Filetype, DoubleExtensionWithDotPaddingOrTrailingDots) {
  EXPECT_EQ(ids(run("invoice.pdf....exe", ContentType::pe, "exe")), V{"filetype.double_extension"});
  EXPECT_EQ(ids(run("invoice.pdf. . .exe", ContentType::pe, "exe")), V{"filetype.double_extension"});
  EXPECT_EQ(ids(run("invoice.pdf.exe.", ContentType::pe, "exe")), V{"filetype.double_extension"});
  EXPECT_EQ(ids(run("invoice.pdf.exe  ", ContentType::pe, "exe")), V{"filetype.double_extension"});
}

// ------------------------------------------------------------------ disguised executables

TEST(Filetype, ExecutableDisguised) {
  const auto v = run("photo.png", ContentType::pe, "exe");
  ASSERT_EQ(ids(v), V{"filetype.executable_disguised"});
  const auto& f = v[0];
  EXPECT_EQ(f.severity, Severity::high);
  EXPECT_EQ(f.attack, "T1036.008");
  EXPECT_EQ(evidence(f, "extension"), "png");
  EXPECT_EQ(evidence(f, "content_type"), "pe/exe");
  EXPECT_EQ(f.references, V{"https://attack.mitre.org/techniques/T1036/008/"});
  // Loader DLLs saved as images (run by rundll32/regsvr32).
  EXPECT_EQ(ids(run("image.JPG", ContentType::pe, "dll")), V{"filetype.executable_disguised"});
  EXPECT_EQ(ids(run("invoice.pdf", ContentType::pe, "exe")), V{"filetype.executable_disguised"});
}

TEST(Filetype, ExecutableWithHonestNameIsFine) {
  EXPECT_TRUE(run("tool.exe", ContentType::pe, "exe").empty());
  EXPECT_TRUE(run("helper.dll", ContentType::pe, "dll").empty());
  EXPECT_TRUE(run("noextension", ContentType::pe, "exe").empty());
  // A bare MZ header without a PE header is not judged an executable.
  EXPECT_TRUE(run("photo.png", ContentType::pe, "mz").empty());
  // Non-executable content named as an image.
  EXPECT_TRUE(run("photo.png", ContentType::data).empty());
}

TEST(Filetype, ExecutableBehindDoubleExtensionIsNotAlsoDisguised) {
  EXPECT_EQ(ids(run("invoice.pdf.exe", ContentType::pe, "exe")), V{"filetype.double_extension"});
}

// ------------------------------------------------------------------ Office extension mismatch

TEST(Filetype, OfficeExtensionMismatch) {
  const auto v = run("invoice.doc", ContentType::rtf);
  ASSERT_EQ(ids(v), V{"filetype.office_extension_mismatch"});
  const auto& f = v[0];
  EXPECT_EQ(f.severity, Severity::low);
  EXPECT_EQ(f.attack, "T1036.008");
  EXPECT_EQ(evidence(f, "extension"), "doc");
  EXPECT_EQ(evidence(f, "content_type"), "rtf");
  EXPECT_EQ(ids(run("invoice.doc", ContentType::html)), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("invoice.doc", ContentType::mail, "mhtml")), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("invoice.doc", ContentType::xml, "word2003")), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("book.XLS", ContentType::text)), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("template.dot", ContentType::rtf)), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("deck.pptm", ContentType::zip)), V{"filetype.office_extension_mismatch"});
}

TEST(Filetype, OfficeExtensionsThatFitTheirContent) {
  EXPECT_TRUE(run("invoice.doc", ContentType::ole2, "doc").empty());
  EXPECT_TRUE(run("invoice.doc", ContentType::ole2, "").empty());
  EXPECT_TRUE(run("invoice.doc", ContentType::ooxml, "docx").empty());  // Word opens it anyway
  EXPECT_TRUE(run("book.xls", ContentType::ole2, "xls").empty());
  EXPECT_TRUE(run("book.xlsm", ContentType::ooxml, "xlsm").empty());
  EXPECT_TRUE(run("report.docx", ContentType::ooxml, "docx").empty());
  EXPECT_TRUE(run("report.doc", ContentType::empty).empty());
}

TEST(Filetype, EncryptedOoxmlIsAnOle2Docx) {
  EXPECT_TRUE(run("secret.docx", ContentType::ole2, "encrypted_ooxml").empty());
  EXPECT_TRUE(run("secret.xlsx", ContentType::ole2, "encrypted_ooxml").empty());
  // Any other OLE2 behind a new-style extension does not fit.
  EXPECT_EQ(ids(run("report.docx", ContentType::ole2, "doc")), V{"filetype.office_extension_mismatch"});
  EXPECT_EQ(ids(run("report.docx", ContentType::zip)), V{"filetype.office_extension_mismatch"});
}

// ------------------------------------------------------------------ several rules at once, hostile names

TEST(Filetype, RulesCombine) {
  const auto v = run("invoice\xE2\x80\xAE" "cod.pdf.exe", ContentType::pe, "exe");
  EXPECT_EQ(ids(v), (V{"filetype.rtlo_in_name", "filetype.double_extension"}));
  // A PE named .doc: disguised executable and an Office mismatch.
  const auto w = run("invoice.doc", ContentType::pe, "exe");
  EXPECT_EQ(ids(w), (V{"filetype.executable_disguised", "filetype.office_extension_mismatch"}));
}

TEST(Filetype, HostileNamesDoNotBreakTheCheck) {
  const std::string bad = "inv\xFF\xFE.pdf.exe";
  const auto v = run(bad, ContentType::pe, "exe");
  ASSERT_EQ(ids(v), V{"filetype.double_extension"});
  EXPECT_EQ(evidence(v[0], "name"), bad);  // kept byte for byte
  EXPECT_TRUE(run(".", ContentType::data).empty());
  EXPECT_TRUE(run("...", ContentType::data).empty());
  EXPECT_TRUE(run("a.", ContentType::data).empty());
  EXPECT_TRUE(run("a.verylongextension.exe", ContentType::data).empty());
  std::string many;
  for (int i = 0; i < 20000; ++i) many += ".pdf";
  many += ".exe";
  EXPECT_EQ(ids(run(many, ContentType::data)), V{"filetype.double_extension"});
  EXPECT_TRUE(run(std::string(100000, '.'), ContentType::data).empty());
  EXPECT_TRUE(run("x\0.pdf.txt"s, ContentType::data).empty());
}

// ------------------------------------------------------------------ through the engine, with real bytes

TEST(FiletypeEngine, RealBytesDecideTheContent) {
  Registry reg;
  register_builtin(reg);
  const Limits limits;
  const Engine engine(reg, limits);

  std::vector<std::uint8_t> pe(0x200, 0);
  pe[0] = 'M';
  pe[1] = 'Z';
  pe[0x3C] = 0x80;
  pe[0x80] = 'P';
  pe[0x81] = 'E';
  pe[0x80 + 22] = 0x02;
  pe[0x80 + 23] = 0x21;  // DLL

  BufferSink sink;
  const auto r = engine.scan(ByteView(pe.data(), pe.size()), "photo.png", ObjectPath{{"photo.png"}}, sink);
  EXPECT_EQ(r.detection.label(), "pe/dll");
  EXPECT_FALSE(r.analysed);  // a name check alone does not analyse the content
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].finding.rule.id, "filetype.executable_disguised");
  EXPECT_EQ(sink.records()[0].finding.object.str(), "photo.png");

  sink.clear();
  (void)engine.scan(ByteView(pe.data(), pe.size()), "tool.exe", ObjectPath{{"tool.exe"}}, sink);
  EXPECT_TRUE(sink.records().empty());

  sink.clear();
  (void)engine.scan(ByteView("{\\rtf1\\ansi x}"sv), "invoice.doc", ObjectPath{{"invoice.doc"}}, sink);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].finding.rule.id, "filetype.office_extension_mismatch");

  sink.clear();
  (void)engine.scan(ByteView("<html><body>Enable content</body></html>"sv), "invoice.doc", ObjectPath{{"invoice.doc"}}, sink);
  ASSERT_EQ(sink.records().size(), 1u);
  EXPECT_EQ(sink.records()[0].finding.rule.id, "filetype.office_extension_mismatch");

  sink.clear();
  (void)engine.scan(ByteView(""sv), "empty.doc", ObjectPath{{"empty.doc"}}, sink);
  EXPECT_TRUE(sink.records().empty());
}

}  // namespace
}  // namespace emoguard::analyzers::filetype
