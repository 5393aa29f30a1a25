// document analyzer. Emotet's main door was a Word or Excel file whose macro starts PowerShell;
// this finds every VBA project in an Office container, decompresses its modules, decodes what
// they hide, and grades the result: has macros (info) ... auto-exec + launcher (critical).
#include "analyzers/document/document.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include "analyzers/document/vba_scan.hpp"
#include "analyzers/document/xlm.hpp"
#include "formats/biff/biff.hpp"
#include "formats/offcrypto/offcrypto.hpp"
#include "emoguard/text.hpp"
#include "formats/cfb/cfb.hpp"
#include "formats/ovba/ovba.hpp"
#include "formats/ppt/ppt.hpp"
#include "formats/zip/zip.hpp"

namespace emoguard::analyzers::document {
namespace {

namespace cfb = formats::cfb;
namespace ovba = formats::ovba;

std::string lower(std::string_view s) { return text::to_lower_ascii(s); }

struct ModuleSource {
  std::string name;
  std::string path;  // inside the container: "Macros/VBA/Module1"
  std::string source;
};

// ProgIDs whose creation is ordinary automation, not a way to run or fetch anything.
bool benign_progid(std::string_view id) {
  static const std::set<std::string> kBenign = {
      "scripting.filesystemobject", "scripting.dictionary", "adodb.connection", "adodb.recordset", "adodb.command",
      "excel.application", "word.application", "outlook.application", "powerpoint.application", "access.application",
      "vbscript.regexp", "msforms.dataobject", "new:{1c3b4210-f441-11ce-b9ea-00aa006b1a69}", "dao.dbengine.36",
      "scripting.encoder", "system.collections.arraylist"};
  return kBenign.count(lower(id)) != 0;
}

// CreateObject("X") / GetObject("X") arguments that are plain literals.
std::vector<std::string> literal_progids(std::string_view code) {
  std::vector<std::string> out;
  const std::string lc = lower(code);
  for (const std::string_view fn : {"createobject(", "getobject("}) {
    for (std::size_t p = lc.find(fn); p != std::string::npos; p = lc.find(fn, p + 1)) {
      std::size_t q = p + fn.size();
      while (q < lc.size() && lc[q] == ' ') ++q;
      if (q >= lc.size() || lc[q] != '"') {
        out.emplace_back();  // computed argument: unknown object
        continue;
      }
      const auto e = lc.find('"', q + 1);
      if (e == std::string::npos) continue;
      out.emplace_back(code.substr(q + 1, e - q - 1));
    }
  }
  return out;
}

struct Verdict {
  std::set<std::string> classes;
  std::vector<Hit> hits;
  Severity severity = Severity::info;
  std::string summary;
};

Verdict grade(const std::string& code, const std::vector<Decoded>& decoded) {
  Verdict v;
  std::string all = code;
  for (const auto& d : decoded) all += "\n" + d.value;
  v.hits = keyword_hits(all);
  for (const auto& h : v.hits) v.classes.insert(h.klass);
  // CreateObject/GetObject only count as execution for objects that run, fetch or write things.
  if (v.classes.count("execute")) {
    bool real = false;
    for (const auto& h : v.hits) {
      const std::string k = lower(h.keyword);
      if (h.klass == "execute" && k != "createobject" && k != "getobject") real = true;
    }
    for (const auto& id : literal_progids(code)) real = real || !benign_progid(id);
    if (!real) v.classes.erase("execute");
  }
  const bool strong = v.classes.count("autoexec") != 0;
  const bool weak = v.classes.count("autoexec_weak") != 0;
  const bool launch = v.classes.count("powershell") || v.classes.count("shell") || v.classes.count("wmi") || v.classes.count("download");
  const bool exec = v.classes.count("execute") != 0;
  const bool write = v.classes.count("write") != 0;
  if (strong && launch) {
    v.severity = Severity::critical;
    v.summary = "runs on open and starts PowerShell, a script host, WMI or a download";
  } else if (strong && exec) {
    v.severity = Severity::high;
    v.summary = "runs on open and executes commands or objects";
  } else if ((strong && write) || (weak && (exec || launch)) || launch) {
    v.severity = Severity::medium;
    v.summary = strong ? "runs on open and writes files" : weak ? "a control event executes commands" : "can start PowerShell, a script host, WMI or a download";
  } else if (strong || exec || write) {
    v.severity = Severity::low;
    v.summary = strong ? "runs on open" : "executes or writes, but not on open";
  } else {
    v.summary = "contains VBA macros";
  }
  return v;
}

class DocumentAnalyzer final : public Analyzer {
 public:
  explicit DocumentAnalyzer(Options o) : options_(std::move(o)) {}
  const AnalyzerInfo& info() const override { return info_; }

  void analyze(const ScanObject& obj, Context& ctx) override {
    if (obj.detection.type == ContentType::ole2) analyze_ole2(obj, ctx);
    else if (obj.detection.type == ContentType::ooxml) analyze_ooxml(obj, ctx);
    else if (obj.detection.type == ContentType::sylk) report_xlm(xlm_from_sylk(obj.bytes.chars()), obj.path, ctx, options_.on_xlm_sheet, text_scanner(ctx));
  }

 private:
  void anomaly(Context& ctx, const ObjectPath& at, std::string component, std::string code, std::string msg, std::uint64_t offset = kNoOffset) {
    Anomaly a;
    a.component = std::move(component);
    a.code = std::move(code);
    a.message = {std::move(msg), {}};
    a.object = at;
    a.offset = offset;
    ctx.sink().anomaly(a);
  }

  void analyze_ooxml(const ScanObject& obj, Context& ctx) {
    auto archive = formats::zip::parse(obj.bytes);
    if (!archive) {
      anomaly(ctx, obj.path, "zip", "zip.unreadable", archive.error().message);
      return;
    }
    for (const auto& i : archive->issues) anomaly(ctx, obj.path, "zip", i.code, i.message, i.offset);
    {
      std::vector<std::string> xlm_issues;
      const auto wb = xlm_from_ooxml(obj.bytes, xlm_issues);
      for (const auto& i : xlm_issues) anomaly(ctx, obj.path, "xlm", "xlm.unreadable_part", i);
      report_xlm(wb, obj.path, ctx, options_.on_xlm_sheet, text_scanner(ctx));
    }
    report_ooxml_links(obj.bytes, obj.path, ctx);
    for (const auto& m : archive->members) {
      if (ctx.out_of_time()) return;
      if (m.is_dir()) continue;
      // VBA projects and embedded OLE objects are found by content (olevba does the same), not by
      // name: peek at the first bytes of each member and inflate in full only OLE2 storages.
      formats::zip::ZipLimits peek_limits;
      peek_limits.max_member_bytes = 8;
      auto head = formats::zip::extract(obj.bytes, m, peek_limits);
      if (!head || !ByteView(std::string_view(head->data)).starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) continue;
      auto data = formats::zip::extract(obj.bytes, m);
      if (!data) {
        anomaly(ctx, obj.path.child(m.name), "zip", "zip.member_unreadable", data.error().message);
        continue;
      }
      for (const auto& i : data->issues) anomaly(ctx, obj.path.child(m.name), "zip", i.code, i.message, i.offset);
      // The member's bytes must outlive the nested scan: keep them in this frame.
      ctx.scan_nested(ByteView(std::string_view(data->data)), m.name, obj.path);
    }
  }

  void analyze_ole2(const ScanObject& obj, Context& ctx) {
    auto parsed = cfb::Compound::parse(obj.bytes, ctx.limits());
    if (!parsed) {
      anomaly(ctx, obj.path, "cfb", "cfb.unreadable", parsed.error().message, parsed.error().offset);
      return;
    }
    const cfb::Compound& c = *parsed;
    for (const auto& i : c.issues()) anomaly(ctx, obj.path, "cfb", i.code, i.message, i.offset);
    report_padding(obj, c, ctx);
    report_encryption(obj, c, ctx);
    for (const char* stream : {"Workbook", "Book"}) {
      const cfb::Entry* wbe = c.find(stream);
      if (wbe == nullptr || wbe->type != cfb::EntryType::stream) continue;
      auto raw = c.read(*wbe);
      if (!raw) {
        anomaly(ctx, obj.path.child(stream), "cfb", "cfb.stream_unreadable", raw.error().message);
        break;
      }
      const auto wb = formats::biff::parse_workbook(ByteView(raw->data(), raw->size()));
      for (const auto& i : wb.issues) {
        if (i.code != "biff.encrypted") anomaly(ctx, obj.path.child(stream), "biff", i.code, i.message, i.offset);
      }
      if (wb.encrypted) encrypted_finding(obj, ctx, wb.encryption_type == 0 ? "BIFF XOR obfuscation" : "BIFF RC4");
      XlmWorkbook x;
      for (const auto& s : wb.sheets) {
        if (!s.macro) continue;
        XlmSheet xs;
        xs.name = s.name;
        xs.state = s.state == formats::biff::SheetState::very_hidden ? "veryHidden" : s.state == formats::biff::SheetState::hidden ? "hidden" : "visible";
        for (const auto& cell : s.formulas) {
          std::string ref;
          for (std::uint32_t col = cell.col + 1; col > 0; col = (col - 1) / 26) ref.insert(ref.begin(), static_cast<char>('A' + (col - 1) % 26));
          xs.cells.emplace_back(ref + std::to_string(cell.row + 1), cell.formula);
          if (!cell.complete) ++xs.undecoded;
        }
        x.sheets.push_back(std::move(xs));
      }
      for (const auto& n : wb.names) {
        const std::string l = lower(n.name);
        if (l.rfind("auto_open", 0) == 0 || l.rfind("auto_activate", 0) == 0 || l.rfind("auto_close", 0) == 0) x.auto_names.emplace_back(n.name, n.formula);
      }
      report_xlm(x, obj.path.child(stream), ctx, options_.on_xlm_sheet, text_scanner(ctx));
      break;
    }
    if (const cfb::Entry* pd = c.find("PowerPoint Document"); pd != nullptr && pd->type == cfb::EntryType::stream) {
      // .ppt keeps its VBA project in an embedded, usually zlib-compressed, OLE storage.
      if (auto raw = c.read(*pd)) {
        for (const auto& e : formats::ppt::embedded_storages(ByteView(raw->data(), raw->size()))) {
          const std::string name = "PowerPoint Document/ExOleObjStg@" + std::to_string(e.offset);
          if (!e.issue.empty()) anomaly(ctx, obj.path.child(name), "ppt", "ppt.bad_embedded_storage", e.issue, e.offset);
          ctx.scan_nested(ByteView(std::string_view(e.data)), name, obj.path);
        }
      }
    }

    // A storage named VBA without a dir stream: the project cannot be read the normal way. Its
    // modules may be hidden or the project damaged; say so rather than pass it silently.
    for (const auto& e : c.entries()) {
      if (!e.in_tree || e.type != cfb::EntryType::storage || lower(e.name) != "vba") continue;
      bool has_dir = false;
      std::string names;
      for (const auto* ch : c.children(e)) {
        has_dir = has_dir || lower(ch->name) == "dir";
        names += (names.empty() ? "" : ", ") + ch->name;
      }
      if (!has_dir) {
        Anomaly a;
        a.component = "ovba";
        a.code = "ovba.no_dir_stream";
        a.message = {"VBA storage without a dir stream: its modules cannot be located (hidden or damaged project)",
                     "dir ストリームのない VBA ストレージ: モジュールの位置が分かりません (隠蔽または破損したプロジェクト)"};
        a.object = e.path.empty() ? obj.path : obj.path.child(e.path);
        a.evidence = {{"streams", names}};
        ctx.sink().anomaly(a);
      }
    }
    // VBA storages: a storage holding a "dir" stream (and usually _VBA_PROJECT), whose parent holds PROJECT.
    std::set<std::uint32_t> done;
    for (const auto& e : c.entries()) {
      if (ctx.out_of_time()) return;
      if (e.type != cfb::EntryType::stream || lower(e.name) != "dir") continue;
      if (e.in_tree && e.parent != cfb::kNoStream && done.insert(e.parent).second) {
        analyze_project(obj, c, c.entries()[e.parent], &e, ctx);
      } else if (!e.in_tree) {
        analyze_project(obj, c, c.entries()[0], &e, ctx);  // orphan dir stream: olevba scans these too
      }
    }
  }

  TextScan text_scanner(Context& ctx) {
    if (!options_.yara) return {};
    return [this, &ctx](const ObjectPath& at, const std::string& what, std::string_view text) { yara_scan(ctx, at, what, text); };
  }

  void yara_scan(Context& ctx, const ObjectPath& at, const std::string& what, std::string_view data) {
    if (!options_.yara || data.empty()) return;
    auto matches = options_.yara->scan(ByteView(data));
    if (!matches) {
      anomaly(ctx, at, "yara", "yara.scan_failed", matches.error().message);
      return;
    }
    for (const auto& m : *matches) {
      Finding f;
      f.analyzer = "document";
      std::string title = m.rule;
      std::string author;
      Severity sev = Severity::medium;  // a rule may say otherwise with meta severity = "..."
      for (const auto& [k, v] : m.meta) {
        if (k == "description") title = v;
        if (k == "author") author = v;
        if (k == "severity") sev = parse_severity(lower(v)).value_or(sev);
      }
      f.rule = Rule{"yara." + (m.ns.empty() || m.ns == "default" ? std::string() : m.ns + ".") + m.rule, {"YARA: " + title, "YARA: " + title}, author};
      f.severity = sev;
      f.object = at;
      f.evidence = {{"yara_rule", m.rule}, {"scanned", what}};
      for (const auto& t : m.tags) f.evidence.push_back({"tag", t});
      for (const auto& [k, v] : m.meta) f.evidence.push_back({"meta." + k, v});
      ctx.sink().finding(f);
    }
  }

  // A file we cannot read inside is never a silent pass.
  void encrypted_finding(const ScanObject& obj, Context& ctx, const std::string& scheme) {
    Finding f;
    f.analyzer = "document";
    f.rule = Rule{"document.encrypted", {"Encrypted Office file: password unknown, contents not inspected", "暗号化された Office ファイル: パスワード不明のため中身は検査していません"}, "emoguard"};
    f.severity = Severity::low;
    f.object = obj.path;
    f.attack = "T1027";
    f.evidence = {{"encryption", scheme}, {"passwords_tried", "the defaults: VelvetSweatshop, /01Hannes Ruescher/01, 123, 1234, 12345, 123456, 4321"}};
    ctx.sink().finding(f);
  }

  // OOXML encryption: try the passwords Office and droppers use by default; when one opens the
  // package, say so and analyse what it hid, as a nested object.
  void report_encryption(const ScanObject& obj, const cfb::Compound& c, Context& ctx) {
    const cfb::Entry* info_e = c.find("EncryptionInfo");
    const cfb::Entry* pkg_e = c.find("EncryptedPackage");
    if (info_e == nullptr || pkg_e == nullptr) return;
    auto raw_info = c.read(*info_e);
    if (!raw_info) {
      encrypted_finding(obj, ctx, "OOXML encryption (EncryptionInfo unreadable)");
      return;
    }
    auto info = formats::offcrypto::parse_encryption_info(ByteView(raw_info->data(), raw_info->size()));
    if (!info) {
      anomaly(ctx, obj.path.child("EncryptionInfo"), "offcrypto", "offcrypto.unsupported", info.error().message);
      encrypted_finding(obj, ctx, "OOXML encryption");
      return;
    }
    for (const auto& pw : formats::offcrypto::default_passwords()) {
      if (ctx.out_of_time()) break;
      const auto key = formats::offcrypto::key_for_password(*info, pw);
      if (!key) continue;
      auto pkg = c.read(*pkg_e);
      if (!pkg) {
        anomaly(ctx, obj.path.child("EncryptedPackage"), "cfb", "cfb.stream_unreadable", pkg.error().message);
        return;
      }
      auto plain = formats::offcrypto::decrypt_package(*info, *key, ByteView(pkg->data(), pkg->size()));
      if (!plain) {
        anomaly(ctx, obj.path.child("EncryptedPackage"), "offcrypto", "offcrypto.decrypt_failed", plain.error().message);
        return;
      }
      Finding f;
      f.analyzer = "document";
      const bool silent = pw == "VelvetSweatshop";
      f.rule = silent ? Rule{"document.encrypted_default_password",
                             {"Encrypted with Excel's built-in password: opens without a prompt, hidden only from scanners",
                              "Excel の既定パスワードで暗号化: 確認なしで開き、スキャナーからだけ中身を隠します"}, "emoguard"}
                      : Rule{"document.encrypted_weak_password", {"Encrypted with a well-known weak password", "よく知られた弱いパスワードで暗号化されています"}, "emoguard"};
      f.severity = silent ? Severity::medium : Severity::low;
      f.object = obj.path;
      f.attack = "T1027";
      f.evidence = {{"encryption", info->describe()}, {"password", pw}, {"contents", "decrypted and analysed"}};
      ctx.sink().finding(f);
      // The decrypted bytes must outlive the nested scan: they live in this frame.
      ctx.scan_nested(ByteView(std::string_view(*plain)), "EncryptedPackage (decrypted)", obj.path);
      return;
    }
    encrypted_finding(obj, ctx, info->describe());
  }

  void report_padding(const ScanObject& obj, const cfb::Compound& c, Context& ctx) {
    const auto& t = c.tail();
    if (t.tail_bytes < (1ULL << 20) || t.tail_bytes <= 10 * t.used_end) return;
    Finding f;
    f.analyzer = "document";
    f.rule = Rule{"document.padded", {"Office file inflated with padding after its last sector", "Office ファイルの末尾が大量の埋め草で水増しされています"}, "emoguard"};
    f.severity = Severity::medium;
    f.object = obj.path;
    f.attack = "T1027.001";
    const char* kind = t.kind == cfb::Tail::Kind::zeros ? "zero bytes" : t.kind == cfb::Tail::Kind::constant ? "one repeated byte" : "mixed bytes";
    f.evidence = {{"used_bytes", std::to_string(t.used_end)},
                  {"padding_bytes", std::to_string(t.tail_bytes)},
                  {"padding", std::string(kind) + (t.sampled ? " (sampled)" : "")},
                  {"why", "files over a scanner's size limit are often passed unscanned (Emotet, March 2023)"}};
    f.references = {"https://attack.mitre.org/techniques/T1027/001/"};
    ctx.sink().finding(f);
  }

  void analyze_project(const ScanObject& obj, const cfb::Compound& c, const cfb::Entry& vba, const cfb::Entry* dir_entry, Context& ctx) {
    const ObjectPath at = vba.path.empty() ? obj.path : obj.path.child(vba.path);
    auto raw_dir = c.read(*dir_entry);
    if (!raw_dir) {
      anomaly(ctx, at, "ovba", "ovba.dir_unreadable", raw_dir.error().message);
      return;
    }
    const auto dir_bytes = ovba::decompress(ByteView(raw_dir->data(), raw_dir->size()), 16ULL << 20);
    for (const auto& i : dir_bytes.issues) anomaly(ctx, at.child("dir"), "ovba", i.code, i.message, i.offset);
    const auto dir = ovba::parse_dir(ByteView(std::string_view(dir_bytes.data)));
    for (const auto& i : dir.issues) anomaly(ctx, at.child("dir"), "ovba", i.code, i.message, i.offset);

    // Streams of this VBA storage, by lower-cased name.
    std::vector<const cfb::Entry*> streams = vba.in_tree ? c.children(vba) : std::vector<const cfb::Entry*>{};
    auto find_stream = [&](const ovba::Module& m) -> const cfb::Entry* {
      for (const std::string* n : {&m.stream_name, &m.stream_name_unicode, &m.name, &m.name_unicode}) {
        if (n->empty()) continue;
        for (const auto* s : streams) {
          if (s->type == cfb::EntryType::stream && lower(s->name) == lower(*n)) return s;
        }
      }
      return nullptr;
    };
    std::vector<ModuleSource> modules;
    for (const auto& m : dir.modules) {
      if (ctx.out_of_time()) break;
      const cfb::Entry* s = find_stream(m);
      const std::string mname = m.name.empty() ? m.name_unicode : m.name;
      if (s == nullptr) {
        anomaly(ctx, at.child(mname), "ovba", "ovba.module_stream_missing", "module " + mname + ": its stream " + m.stream_name + " is missing");
        continue;
      }
      auto raw = c.read(*s);
      if (!raw) {
        anomaly(ctx, at.child(mname), "cfb", "cfb.stream_unreadable", raw.error().message);
        continue;
      }
      const ByteView stream(raw->data(), raw->size());
      if (m.text_offset > stream.size()) {
        anomaly(ctx, at.child(mname), "ovba", "ovba.bad_text_offset", "MODULEOFFSET " + std::to_string(m.text_offset) + " beyond the module stream");
        continue;
      }
      const auto src = ovba::decompress(stream.clamp(m.text_offset, stream.size()), 64ULL << 20);
      for (const auto& i : src.issues) anomaly(ctx, at.child(mname), "ovba", i.code, i.message, i.offset);
      ModuleSource ms{mname, s->path, ovba::to_utf8(src.data, dir.codepage)};
      yara_scan(ctx, at.child(mname), "VBA module source", ms.source);
      if (options_.on_module) options_.on_module(at.child(mname), mname, m.procedural, ms.source);
      modules.push_back(std::move(ms));
    }

    // PROJECT stream: modules the editor lists; locked projects.
    ovba::ProjectStream project;
    const cfb::Entry* project_entry = nullptr;
    if (vba.parent != cfb::kNoStream || vba.id != 0) {
      for (const auto* s : c.children(c.entries()[vba.parent == cfb::kNoStream ? 0 : vba.parent])) {
        if (lower(s->name) == "project") project_entry = s;
      }
    }
    if (project_entry != nullptr) {
      if (auto raw = c.read(*project_entry)) project = ovba::parse_project_stream(ByteView(raw->data(), raw->size()));
    }
    std::vector<std::string> hidden;
    if (project_entry != nullptr) {
      std::set<std::string> listed;
      for (const auto* v : {&project.modules, &project.documents, &project.classes, &project.base_classes}) {
        for (const auto& n : *v) listed.insert(lower(ovba::to_utf8(n, dir.codepage)));
      }
      for (const auto& m : modules) {
        if (listed.count(lower(m.name)) == 0) hidden.push_back(m.name);
      }
    }

    // Analysis over all modules of the project.
    std::string code;
    std::vector<std::string> sources;
    for (const auto& m : modules) {
      code += m.source + "\n";
      sources.push_back(m.source);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    const auto decoded = deobfuscate(code, deadline);
    const Verdict v = grade(code, decoded);
    for (const auto& d : decoded) yara_scan(ctx, at, "decoded (" + d.how + ")", d.value);
    const auto flags = mraptor(sources);

    Finding f;
    f.analyzer = "document";
    f.object = at;
    f.severity = v.severity;
    f.rule.author = "emoguard";
    if (v.severity == Severity::info) {
      f.rule.id = "document.vba_macros";
      f.rule.title = {"Office document contains VBA macros", "Office 文書に VBA マクロが含まれています"};
    } else {
      f.rule.id = "document.vba_suspicious";
      f.rule.title = {"VBA macro " + v.summary, "VBA マクロ: " + ja_summary(v)};
      f.attack = v.classes.count("powershell") ? "T1059.001" : "T1059.005";
      f.references = {"https://attack.mitre.org/techniques/T1204/002/"};
    }
    f.evidence.push_back({"modules", std::to_string(modules.size())});
    for (const auto& m : modules) f.evidence.push_back({"module", m.path});
    f.evidence.push_back({"code_page", std::to_string(dir.codepage)});
    f.evidence.push_back({"mraptor_flags", flags.str()});
    for (const auto& h : v.hits) {
      if (h.klass == "obfuscation" || h.klass == "hide" || h.klass == "selfmodify" || v.classes.count(h.klass))
        f.evidence.push_back({"keyword." + h.klass, h.keyword});
    }
    std::size_t shown = 0;
    for (const auto& d : decoded) {
      if (shown++ >= 20) break;
      f.evidence.push_back({"decoded." + d.how, d.value.size() > 2000 ? d.value.substr(0, 2000) + "..." : d.value});
    }
    std::string ioc_text = code;
    for (const auto& d : decoded) ioc_text += "\n" + d.value;
    for (const auto& i : find_iocs(ioc_text)) f.evidence.push_back({"ioc." + i.kind, i.value});
    if (!hidden.empty()) {
      for (const auto& h : hidden) f.evidence.push_back({"hidden_module", h});
    }
    if (project.locked().value_or(false)) f.evidence.push_back({"project", "locked for viewing"});
    ctx.sink().finding(f);

    if (!hidden.empty()) {
      Finding h;
      h.analyzer = "document";
      h.rule = Rule{"document.vba_hidden_module",
                    {"VBA module missing from the PROJECT stream (hidden from the VBA editor)", "PROJECT ストリームにない VBA モジュール (エディタから隠されています)"},
                    "emoguard"};
      h.severity = Severity::medium;
      h.object = at;
      h.attack = "T1564";
      for (const auto& n : hidden) h.evidence.push_back({"module", n});
      ctx.sink().finding(h);
    }
    if (options_.mraptor) {
      Finding m;
      m.analyzer = "document";
      m.rule = Rule{"document.mraptor", {"mraptor verdict", "mraptor の判定"}, "emoguard"};
      m.severity = Severity::info;
      m.object = at;
      m.evidence = {{"verdict", flags.suspicious() ? "SUSPICIOUS" : "Macro OK"}, {"flags", flags.str()}};
      ctx.sink().finding(m);
    }
  }

  static std::string ja_summary(const Verdict& v) {
    switch (v.severity) {
      case Severity::critical: return "開くと PowerShell・スクリプトホスト・WMI・ダウンロードを実行します";
      case Severity::high: return "開くとコマンドやオブジェクトを実行します";
      case Severity::medium: return "PowerShell やダウンロード等を実行できる、またはファイルを書き込みます";
      case Severity::low: return "自動実行または実行・書き込みの機能があります";
      case Severity::info: break;
    }
    return "マクロが含まれています";
  }

  Options options_;
  AnalyzerInfo info_{"document", {ContentType::ole2, ContentType::ooxml, ContentType::sylk}, "VBA and Excel 4.0 macros in OLE2, OOXML and SYLK Office files", false};
};

}  // namespace

std::unique_ptr<Analyzer> make_analyzer(Options options) { return std::make_unique<DocumentAnalyzer>(std::move(options)); }

}  // namespace emoguard::analyzers::document
