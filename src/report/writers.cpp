// Text, JSON Lines and CSV writers. The JSON shape is specified in docs/output-format.md and
// checked by tests/cli against docs/output-format.schema.json.
#include "report/writers.hpp"

#include <fmt/format.h>

#include <array>
#include <cmath>

#include "emoguard/text.hpp"

namespace emoguard::report {

std::string json_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7F) out += fmt::format("\\u{:04x}", c);
        else out += ch;
    }
  }
  out += '"';
  return out;
}

std::string json_string_or_bytes(const std::string& s) {
  if (text::is_valid_utf8(s)) return json_escape(s);
  return "{\"bytes\":\"" + text::base64_encode(ByteView(std::string_view(s))) + "\"}";
}

std::string human_bytes(std::uint64_t n) {
  static constexpr std::array<const char*, 6> kUnits = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < kUnits.size()) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", n) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

namespace {

// An object key must be a JSON string; bytes that are not UTF-8 are shown as \\xNN escapes.
std::string json_key(const std::string& s) {
  return json_escape(text::is_valid_utf8(s) ? s : text::printable(ByteView(std::string_view(s)), s.size()));
}

std::string evidence_json(const std::vector<Evidence>& ev) {
  std::string out = "[";
  for (std::size_t i = 0; i < ev.size(); ++i) {
    if (i) out += ',';
    out += "{\"key\":" + json_string_or_bytes(ev[i].key) + ",\"value\":" + json_string_or_bytes(ev[i].value) + "}";
  }
  return out + "]";
}

std::string object_json(const ObjectPath& p) {
  std::string out = "[";
  for (std::size_t i = 0; i < p.parts.size(); ++i) {
    if (i) out += ',';
    out += json_string_or_bytes(p.parts[i]);
  }
  return out + "]";
}

std::string text_fields(const Text& t) {
  std::string out = "\"message\":" + json_string_or_bytes(t.en);
  if (!t.ja.empty()) out += ",\"message_ja\":" + json_string_or_bytes(t.ja);
  return out;
}

class JsonlWriter final : public Sink {
 public:
  explicit JsonlWriter(Output& out) : out_(out) {}
  void begin(const RunInfo& info) override {
    std::string inputs = "[";
    for (std::size_t i = 0; i < info.inputs.size(); ++i) inputs += (i ? "," : "") + json_string_or_bytes(info.inputs[i]);
    inputs += "]";
    line("begin", fmt::format("{{\"tool\":\"emoguard\",\"version\":\"{}\",\"schema\":1,\"command\":{},\"inputs\":{},\"started\":{},\"fail_on\":{}}}",
                              EMOGUARD_VERSION, json_escape(info.command), inputs, json_escape(info.started_utc), json_escape(info.fail_on)));
  }
  void finding(const Finding& f) override {
    std::string rule = "{\"id\":" + json_string_or_bytes(f.rule.id) + ",\"title\":" + json_string_or_bytes(f.rule.title.en);
    if (!f.rule.title.ja.empty()) rule += ",\"title_ja\":" + json_string_or_bytes(f.rule.title.ja);
    if (!f.rule.author.empty()) rule += ",\"author\":" + json_string_or_bytes(f.rule.author);
    rule += "}";
    std::string refs = "[";
    for (std::size_t i = 0; i < f.references.size(); ++i) refs += (i ? "," : "") + json_string_or_bytes(f.references[i]);
    refs += "]";
    std::string d = "{\"analyzer\":" + json_string_or_bytes(f.analyzer) + ",\"rule\":" + rule + ",\"severity\":\"" +
                    std::string(to_string(f.severity)) + "\",\"object\":" + object_json(f.object) +
                    ",\"object_path\":" + json_string_or_bytes(f.object.str()) + ",\"evidence\":" + evidence_json(f.evidence) +
                    ",\"references\":" + refs;
    if (!f.attack.empty()) d += ",\"attack\":" + json_string_or_bytes(f.attack);
    line("finding", d + "}");
  }
  void anomaly(const Anomaly& a) override {
    std::string d = "{\"component\":" + json_string_or_bytes(a.component) + ",\"code\":" + json_string_or_bytes(a.code) + "," +
                    text_fields(a.message) + ",\"object\":" + object_json(a.object) + ",\"object_path\":" + json_string_or_bytes(a.object.str());
    if (a.offset != kNoOffset) d += ",\"offset\":" + std::to_string(a.offset);
    d += ",\"evidence\":" + evidence_json(a.evidence) + "}";
    line("anomaly", d);
  }
  void error(const ErrorRecord& e) override {
    line("error", "{\"input\":" + json_string_or_bytes(e.input) + ",\"code\":\"" + std::string(to_string(e.code)) + "\"," +
                      text_fields(e.message) + "}");
  }
  void summary(const Summary& s) override {
    auto map_json = [](const std::map<std::string, std::uint64_t>& m) {
      std::string o = "{";
      bool first = true;
      for (const auto& [k, v] : m) {
        o += (first ? "" : ",") + json_key(k) + ":" + std::to_string(v);
        first = false;
      }
      return o + "}";
    };
    std::string sev = "{";
    for (int i = 0; i < kSeverityCount; ++i) {
      sev += fmt::format("{}\"{}\":{}", i ? "," : "", to_string(static_cast<Severity>(i)), s.findings_by_severity[static_cast<std::size_t>(i)]);
    }
    sev += "}";
    std::string extra = "{";
    for (std::size_t i = 0; i < s.extra.size(); ++i) extra += (i ? "," : "") + json_key(s.extra[i].first) + ":" + json_string_or_bytes(s.extra[i].second);
    extra += "}";
    line("summary", fmt::format("{{\"command\":{},\"files\":{},\"bytes\":{},\"files_by_type\":{},\"not_analysed_by_type\":{},"
                                "\"findings\":{},\"anomalies\":{},\"errors\":{},\"skipped\":{},\"elapsed_s\":{:.3f},\"fail_on\":{},"
                                "\"exit_code\":{},\"extra\":{}}}",
                                json_escape(s.command), s.files, s.bytes, map_json(s.files_by_type), map_json(s.not_analysed_by_type), sev,
                                s.anomalies, s.errors, s.skipped, s.elapsed_s, json_escape(s.fail_on), s.exit_code, extra));
    out_.flush();
  }
  bool open() const override { return !out_.closed(); }

 private:
  void line(std::string_view type, const std::string& data) {
    out_.write(fmt::format("{{\"type\":\"{}\",\"data\":{}}}\n", type, data));
  }
  Output& out_;
};

// ------------------------------------------------------------------ text

const char* sev_color(Severity s) {
  switch (s) {
    case Severity::critical: return "\033[1;97;41m";
    case Severity::high: return "\033[1;31m";
    case Severity::medium: return "\033[33m";
    case Severity::low: return "\033[36m";
    case Severity::info: return "\033[2m";
  }
  return "";
}

std::string sev_label(Severity s, const std::string& lang) {
  if (lang == "ja") {
    static constexpr std::array<const char*, kSeverityCount> kJa = {"情報", "低", "中", "高", "重大"};
    return kJa[static_cast<std::size_t>(s)];
  }
  std::string u(to_string(s));
  for (auto& c : u) c = static_cast<char>(c - 'a' + 'A');
  return u;
}

// Shows bytes that are not valid UTF-8 as escapes, so a terminal is never fed raw control bytes.
std::string safe(const std::string& s) {
  bool clean = text::is_valid_utf8(s);
  for (const char c : s) clean = clean && (static_cast<unsigned char>(c) >= 0x20 || c == '\t');
  return clean ? s : text::printable(ByteView(std::string_view(s)), 4096);
}

class TextWriter final : public Sink {
 public:
  TextWriter(Output& out, const WriterOptions& o) : out_(out), o_(o) {}
  bool ja() const { return o_.lang == "ja"; }
  std::string paint(const char* color, const std::string& s) const { return o_.color ? std::string(color) + s + "\033[0m" : s; }

  void begin(const RunInfo& info) override {
    if (o_.quiet) return;
    out_.write(fmt::format(fmt::runtime(ja() ? "emoguard {} {}: 入力 {} 件\n" : "emoguard {} {}: {} input(s)\n"), EMOGUARD_VERSION, info.command,
                           info.inputs.size()));
  }
  void finding(const Finding& f) override {
    const std::string label = fmt::format("{:<8}", sev_label(f.severity, o_.lang));
    std::string s = paint(sev_color(f.severity), label) + " " + safe(f.rule.title.in(o_.lang)) + "  [" + safe(f.rule.id) + "]\n";
    s += fmt::format("         {}: {}\n", ja() ? "対象" : "object", safe(f.object.str()));
    if (!o_.quiet) {
      for (const auto& e : f.evidence) s += fmt::format("         {}: {}\n", safe(e.key), safe(e.value));
      if (!f.attack.empty()) s += fmt::format("         ATT&CK: {}\n", safe(f.attack));
      if (!f.rule.author.empty() && f.rule.author != "emoguard") s += fmt::format("         {}: {}\n", ja() ? "作成者" : "author", safe(f.rule.author));
    }
    out_.write(s);
  }
  void anomaly(const Anomaly& a) override {
    std::string s = paint("\033[35m", fmt::format("{:<8}", ja() ? "異常" : "ANOMALY")) + " " + safe(a.message.in(o_.lang)) + "  [" + safe(a.code) + "]";
    // Show where, unless the message already names the whole object path (walk messages do).
    if (!a.object.parts.empty() && a.message.en.find(a.object.str()) == std::string::npos) {
      s += "\n         " + std::string(ja() ? "対象" : "object") + ": " + safe(a.object.str());
    }
    if (a.offset != kNoOffset) s += fmt::format("\n         {}: {:#x}", ja() ? "オフセット" : "offset", a.offset);
    out_.write(s + "\n");
  }
  void error(const ErrorRecord& e) override {
    out_.write(paint("\033[1;31m", fmt::format("{:<8}", ja() ? "エラー" : "ERROR")) + " " + safe(e.message.in(o_.lang)) + "\n");
  }
  void summary(const Summary& s) override {
    std::string o = "\n";
    o += ja() ? "── 概要 ──\n" : "── Summary ──\n";
    o += fmt::format(fmt::runtime(ja() ? "  ファイル: {} 件 ({}), {:.2f} 秒\n" : "  files: {} ({}) in {:.2f} s\n"), s.files, human_bytes(s.bytes), s.elapsed_s);
    auto list = [](const std::map<std::string, std::uint64_t>& m) {
      std::string r;
      for (const auto& [k, v] : m) r += (r.empty() ? "" : ", ") + k + " " + std::to_string(v);
      return r;
    };
    if (!s.files_by_type.empty()) o += fmt::format(fmt::runtime(ja() ? "  種類別: {}\n" : "  by type: {}\n"), list(s.files_by_type));
    if (!s.not_analysed_by_type.empty()) {
      std::uint64_t n = 0;
      for (const auto& kv : s.not_analysed_by_type) n += kv.second;
      o += fmt::format(fmt::runtime(ja() ? "  未解析 {} 件 (この種類を解析する機能はまだありません): {}\n" : "  not analysed: {} (no analyzer handles these types yet): {}\n"),
                       n, list(s.not_analysed_by_type));
    }
    std::string sev;
    for (int i = kSeverityCount - 1; i >= 0; --i) {
      sev += fmt::format("{}{} {}", i == kSeverityCount - 1 ? "" : ", ", sev_label(static_cast<Severity>(i), o_.lang),
                         s.findings_by_severity[static_cast<std::size_t>(i)]);
    }
    // A command that gives no verdicts (evtx: fail-on none, nothing found) has no findings line.
    std::uint64_t found = 0;
    for (const auto n : s.findings_by_severity) found += n;
    const bool verdicts = s.fail_on != "none" || found > 0;
    if (verdicts) o += fmt::format(fmt::runtime(ja() ? "  検出: {}\n" : "  findings: {}\n"), sev);
    o += fmt::format(fmt::runtime(ja() ? "  異常: {}  エラー: {}  読まなかった項目: {}\n" : "  anomalies: {}  errors: {}  skipped: {}\n"), s.anomalies, s.errors, s.skipped);
    for (const auto& [k, v] : s.extra) o += fmt::format("  {}: {}\n", k, v);
    std::string why;
    if (s.exit_code == 2) why = ja() ? "読めなかった入力またはエラーがあります" : "an input could not be read or an error occurred";
    else if (s.exit_code == 1) why = fmt::format(fmt::runtime(ja() ? "{} 以上の検出があります" : "findings at or above {}"), s.fail_on);
    else if (verdicts) why = fmt::format(fmt::runtime(ja() ? "{} 以上の検出はありません" : "nothing at or above {}"), s.fail_on);
    if (why.empty()) o += fmt::format(fmt::runtime(ja() ? "  終了コード {}\n" : "  exit code {}\n"), s.exit_code);
    else o += fmt::format(fmt::runtime(ja() ? "  終了コード {} ({})\n" : "  exit code {} ({})\n"), s.exit_code, why);
    out_.write(o);
    out_.flush();
  }
  bool open() const override { return !out_.closed(); }

 private:
  Output& out_;
  WriterOptions o_;
};

// ------------------------------------------------------------------ CSV

std::string csv_field(const std::string& raw) {
  const std::string s = text::is_valid_utf8(raw) ? raw : text::printable(ByteView(std::string_view(raw)), 1 << 20);
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string o = "\"";
  for (const char c : s) {
    if (c == '"') o += "\"\"";
    else o += c;
  }
  return o + "\"";
}

class CsvWriter final : public Sink {
 public:
  CsvWriter(Output& out, Output& err, const WriterOptions& o) : out_(out), err_(err), o_(o) {}
  void begin(const RunInfo&) override {
    out_.write("record,severity,analyzer,rule_id,rule_title,rule_author,object,code,offset,message,evidence,attack,references\n");
  }
  void finding(const Finding& f) override {
    std::string ev;
    for (const auto& e : f.evidence) ev += (ev.empty() ? "" : "; ") + e.key + "=" + e.value;
    std::string refs;
    for (const auto& r : f.references) refs += (refs.empty() ? "" : " ") + r;
    row({"finding", std::string(to_string(f.severity)), f.analyzer, f.rule.id, f.rule.title.in(o_.lang), f.rule.author, f.object.str(), "", "", "", ev,
         f.attack, refs});
  }
  void anomaly(const Anomaly& a) override {
    std::string ev;
    for (const auto& e : a.evidence) ev += (ev.empty() ? "" : "; ") + e.key + "=" + e.value;
    row({"anomaly", "", a.component, "", "", "", a.object.str(), a.code, a.offset == kNoOffset ? "" : std::to_string(a.offset),
         a.message.in(o_.lang), ev, "", ""});
  }
  void error(const ErrorRecord& e) override {
    row({"error", "", "", "", "", "", e.input, std::string(to_string(e.code)), "", e.message.in(o_.lang), "", "", ""});
  }
  void summary(const Summary& s) override {
    out_.flush();
    // The table stays a table; the person at the terminal still gets the totals.
    TextWriter t(err_, WriterOptions{Format::text, o_.lang, false, true});
    t.summary(s);
  }
  bool open() const override { return !out_.closed(); }

 private:
  void row(std::initializer_list<std::string> fields) {
    std::string line;
    bool first = true;
    for (const auto& f : fields) {
      if (!first) line += ',';
      line += csv_field(f);
      first = false;
    }
    out_.write(line + "\n");
  }
  Output& out_;
  Output& err_;
  WriterOptions o_;
};

}  // namespace

std::unique_ptr<Sink> make_writer(const WriterOptions& options, Output& out, Output& err) {
  switch (options.format) {
    case Format::jsonl: return std::make_unique<JsonlWriter>(out);
    case Format::csv: return std::make_unique<CsvWriter>(out, err, options);
    case Format::text: break;
  }
  return std::make_unique<TextWriter>(out, options);
}

}  // namespace emoguard::report
