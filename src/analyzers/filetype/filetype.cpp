// filetype analyzer. Emotet's mails and droppers relied on names: "請求書.pdf.exe", a right-to-left
// override hiding ".exe", loader DLLs saved as ".png" or ".jpg" and run by rundll32/regsvr32, and
// ".doc" files that are really MHTML or XML. These checks compare the name with the bytes.
#include "analyzers/filetype/filetype.hpp"

#include <set>
#include <string>

#include "emoguard/text.hpp"

namespace emoguard::analyzers::filetype {
namespace {

const std::set<std::string>& executable_exts() {
  static const std::set<std::string> s = {"exe", "scr", "com", "pif", "cpl", "bat", "cmd", "vbs", "vbe", "js",  "jse",
                                          "wsf", "wsh", "hta", "lnk", "ps1", "msi", "msc", "jar", "dll", "reg", "url"};
  return s;
}

const std::set<std::string>& lure_exts() {
  static const std::set<std::string> s = {"pdf", "doc", "docx", "docm", "xls", "xlsx", "xlsm", "xlsb", "ppt", "pptx",
                                          "txt", "rtf", "csv", "jpg",  "jpeg", "png", "gif",  "bmp",  "zip", "rar",
                                          "7z",  "one", "html", "htm", "mp3",  "mp4", "wav",  "xml",  "odt", "tif"};
  return s;
}

// The last extensions, lower-cased, as Windows would see them: trailing dots and spaces are
// dropped, and padding of spaces, dots or underscores between them does not count:
// "a.pdf   .exe", "a.pdf....exe", "a.pdf.exe. " -> {"pdf","exe"}.
std::vector<std::string> extensions(std::string name) {
  auto pad = [](char c) { return c == ' ' || c == '\t' || c == '.' || c == '_'; };
  while (!name.empty() && (name.back() == ' ' || name.back() == '.')) name.pop_back();
  std::vector<std::string> out;
  while (!name.empty()) {
    const auto dot = name.rfind('.');
    if (dot == std::string::npos || dot == 0) break;
    std::string ext = text::to_lower_ascii(name.substr(dot + 1));
    name.erase(dot);
    while (!name.empty() && pad(name.back())) name.pop_back();
    if (ext.empty() || ext.size() > 5) break;
    out.insert(out.begin(), ext);
    if (out.size() == 3) break;
  }
  return out;
}

bool is_office_ext(const std::string& e) {
  return e == "doc" || e == "dot" || e == "xls" || e == "xlt" || e == "ppt" || e == "docx" || e == "docm" ||
         e == "dotm" || e == "xlsx" || e == "xlsm" || e == "xlsb" || e == "pptx" || e == "pptm";
}

Finding base(const ScanObject& obj, std::string id, Text title, Severity sev, std::string attack) {
  Finding f;
  f.analyzer = "filetype";
  f.rule.id = std::move(id);
  f.rule.title = std::move(title);
  f.rule.author = "emoguard";
  f.severity = sev;
  f.object = obj.path;
  f.attack = std::move(attack);
  f.evidence.push_back({"name", obj.name});
  f.evidence.push_back({"content_type", obj.detection.label()});
  return f;
}

class FiletypeAnalyzer final : public Analyzer {
 public:
  const AnalyzerInfo& info() const override { return info_; }

  void analyze(const ScanObject& obj, Context& ctx) override {
    const std::string& name = obj.name;
    // U+202E RIGHT-TO-LEFT OVERRIDE makes "invoice\u202Efdp.exe" display as "invoiceexe.pdf".
    if (name.find("\xE2\x80\xAE") != std::string::npos) {
      auto f = base(obj, "filetype.rtlo_in_name",
                    {"Right-to-left override character hides the real extension", "右から左への上書き文字 (RLO) で本当の拡張子を隠しています"},
                    Severity::high, "T1036.002");
      f.references.push_back("https://attack.mitre.org/techniques/T1036/002/");
      ctx.sink().finding(f);
    }
    const auto exts = extensions(name);
    if (exts.size() >= 2 && executable_exts().count(exts.back()) && lure_exts().count(exts[exts.size() - 2])) {
      auto f = base(obj, "filetype.double_extension",
                    {"Executable type hidden behind a document extension", "文書の拡張子の後ろに実行形式の拡張子が隠れています"},
                    Severity::high, "T1036.007");
      f.evidence.push_back({"shown_extension", exts[exts.size() - 2]});
      f.evidence.push_back({"real_extension", exts.back()});
      f.references.push_back("https://attack.mitre.org/techniques/T1036/007/");
      ctx.sink().finding(f);
    }
    const std::string last = exts.empty() ? std::string() : exts.back();
    const bool exe_content = obj.detection.type == ContentType::pe && obj.detection.subtype != "mz";
    if (exe_content && lure_exts().count(last)) {
      auto f = base(obj, "filetype.executable_disguised",
                    {"Windows executable named as a document or image", "Windows 実行ファイルが文書や画像の名前になっています"},
                    Severity::high, "T1036.008");
      f.evidence.push_back({"extension", last});
      f.references.push_back("https://attack.mitre.org/techniques/T1036/008/");
      ctx.sink().finding(f);
    }
    if (is_office_ext(last)) {
      const auto t = obj.detection.type;
      const bool legacy = last == "doc" || last == "dot" || last == "xls" || last == "xlt" || last == "ppt";
      const bool fits = legacy ? (t == ContentType::ole2 || t == ContentType::ooxml)
                               : (t == ContentType::ooxml || (t == ContentType::ole2 && obj.detection.subtype == "encrypted_ooxml"));
      // Office opens a .doc that is really RTF, MHTML or XML: a known way past filters that trust names.
      if (!fits && t != ContentType::empty) {
        auto f = base(obj, "filetype.office_extension_mismatch",
                      {"Office file extension does not match its content", "Office の拡張子と中身の形式が一致しません"},
                      Severity::low, "T1036.008");
        f.evidence.push_back({"extension", last});
        ctx.sink().finding(f);
      }
    }
  }

 private:
  AnalyzerInfo info_{"filetype", {}, "compares names with content: RTLO, double extensions, disguised executables", true};
};

}  // namespace

std::unique_ptr<Analyzer> make_analyzer() { return std::make_unique<FiletypeAnalyzer>(); }

}  // namespace emoguard::analyzers::filetype
