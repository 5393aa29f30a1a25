// Tests the JSON Lines writer: each record parsed back with nlohmann::json against docs/output-format fields.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "capture.hpp"
#include "emoguard/text.hpp"
#include "report/writers.hpp"

namespace emoguard::report {
namespace {

using emoguard::testing::Capture;
using json = nlohmann::json;
using namespace std::string_literals;

// A writer over a memory stream, with the lines it wrote parsed back.
struct Jsonl {
  Capture out;
  Capture err;
  Output o{out.file()};
  Output e{err.file()};
  std::unique_ptr<Sink> w = make_writer(WriterOptions{Format::jsonl, "en", false, false}, o, e);

  std::vector<json> records() {
    std::vector<json> v;
    for (const auto& l : out.lines()) v.push_back(json::parse(l));  // throws on anything that is not JSON
    return v;
  }
  json only() {
    auto v = records();
    if (v.size() != 1) throw std::runtime_error("expected one record, got " + std::to_string(v.size()));
    return v[0];
  }
};

std::set<std::string> keys(const json& j) {
  std::set<std::string> k;
  for (const auto& [key, value] : j.items()) k.insert(key);
  return k;
}

// The value of a "str" field: the string itself, or the decoded bytes of {"bytes": base64}.
std::string str_value(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_object() && j.size() == 1 && j.contains("bytes") && j["bytes"].is_string()) {
    return text::base64_decode(j["bytes"].get<std::string>());
  }
  throw std::runtime_error("not a str: " + j.dump());
}

RunInfo run_info() { return RunInfo{"triage", {"mail.eml", "dir/"}, "2024-01-02T03:04:05Z", "high"}; }

Finding full_finding() {
  Finding f;
  f.analyzer = "filetype";
  f.rule = Rule{"filetype.double_extension", {"Executable type hidden", "実行形式が隠れています"}, "Someone (DRL 1.1)"};
  f.severity = Severity::high;
  f.object = ObjectPath{{"mail.eml", "invoice.zip", "invoice.pdf.exe"}};
  f.evidence = {{"name", "invoice.pdf.exe"}, {"real_extension", "exe"}};
  f.references = {"https://attack.mitre.org/techniques/T1036/007/", "https://example.invalid/x"};
  f.attack = "T1036.007";
  return f;
}

// ------------------------------------------------------------------ record shapes

TEST(Jsonl, Begin) {
  Jsonl j;
  j.w->begin(run_info());
  const auto r = j.only();
  EXPECT_EQ(keys(r), (std::set<std::string>{"type", "data"}));
  EXPECT_EQ(r["type"], "begin");
  const auto& d = r["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"tool", "version", "schema", "command", "inputs", "started", "fail_on"}));
  EXPECT_EQ(d["tool"], "emoguard");
  EXPECT_EQ(d["version"], EMOGUARD_VERSION);
  ASSERT_TRUE(d["schema"].is_number_integer());
  EXPECT_EQ(d["schema"], 1);
  EXPECT_EQ(d["command"], "triage");
  EXPECT_EQ(d["inputs"], json::array({"mail.eml", "dir/"}));
  EXPECT_EQ(d["started"], "2024-01-02T03:04:05Z");
  EXPECT_EQ(d["fail_on"], "high");
}

TEST(Jsonl, BeginWithNoInputs) {
  Jsonl j;
  j.w->begin(RunInfo{"selftest", {}, "2024-01-02T03:04:05Z", "medium"});
  const auto d = j.only()["data"];
  ASSERT_TRUE(d["inputs"].is_array());
  EXPECT_TRUE(d["inputs"].empty());
}

TEST(Jsonl, FindingWithEveryField) {
  Jsonl j;
  j.w->finding(full_finding());
  const auto r = j.only();
  EXPECT_EQ(r["type"], "finding");
  const auto& d = r["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"analyzer", "rule", "severity", "object", "object_path", "evidence", "references", "attack"}));
  EXPECT_EQ(d["analyzer"], "filetype");
  EXPECT_EQ(keys(d["rule"]), (std::set<std::string>{"id", "title", "title_ja", "author"}));
  EXPECT_EQ(d["rule"]["id"], "filetype.double_extension");
  EXPECT_EQ(d["rule"]["title"], "Executable type hidden");
  EXPECT_EQ(d["rule"]["title_ja"], "実行形式が隠れています");
  EXPECT_EQ(d["rule"]["author"], "Someone (DRL 1.1)");
  EXPECT_EQ(d["severity"], "high");
  EXPECT_EQ(d["object"], json::array({"mail.eml", "invoice.zip", "invoice.pdf.exe"}));
  EXPECT_EQ(d["object_path"], "mail.eml > invoice.zip > invoice.pdf.exe");
  ASSERT_EQ(d["evidence"].size(), 2u);
  EXPECT_EQ(keys(d["evidence"][0]), (std::set<std::string>{"key", "value"}));
  EXPECT_EQ(d["evidence"][0]["key"], "name");
  EXPECT_EQ(d["evidence"][0]["value"], "invoice.pdf.exe");
  EXPECT_EQ(d["evidence"][1]["key"], "real_extension");
  EXPECT_EQ(d["evidence"][1]["value"], "exe");
  EXPECT_EQ(d["references"], json::array({"https://attack.mitre.org/techniques/T1036/007/", "https://example.invalid/x"}));
  EXPECT_EQ(d["attack"], "T1036.007");
}

TEST(Jsonl, FindingOptionalFieldsAreLeftOut) {
  Jsonl j;
  Finding f;
  f.analyzer = "a";
  f.rule.id = "a.b";
  f.rule.title = {"T", ""};
  f.object = ObjectPath{{"x"}};
  j.w->finding(f);
  const auto d = j.only()["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"analyzer", "rule", "severity", "object", "object_path", "evidence", "references"}));
  EXPECT_EQ(keys(d["rule"]), (std::set<std::string>{"id", "title"}));
  EXPECT_EQ(d["severity"], "info");
  ASSERT_TRUE(d["evidence"].is_array());
  EXPECT_TRUE(d["evidence"].empty());
  ASSERT_TRUE(d["references"].is_array());
  EXPECT_TRUE(d["references"].empty());
}

TEST(Jsonl, EverySeverityName) {
  Jsonl j;
  for (int i = 0; i < kSeverityCount; ++i) {
    Finding f = full_finding();
    f.severity = static_cast<Severity>(i);
    j.w->finding(f);
  }
  const auto v = j.records();
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(v[0]["data"]["severity"], "info");
  EXPECT_EQ(v[1]["data"]["severity"], "low");
  EXPECT_EQ(v[2]["data"]["severity"], "medium");
  EXPECT_EQ(v[3]["data"]["severity"], "high");
  EXPECT_EQ(v[4]["data"]["severity"], "critical");
}

TEST(Jsonl, AnomalyWithOffset) {
  Jsonl j;
  Anomaly a;
  a.component = "cfb";
  a.code = "cfb.fat_loop";
  a.message = {"FAT chain loops", "FAT のチェーンがループしています"};
  a.object = ObjectPath{{"a.doc"}};
  a.offset = 0x1234;
  a.evidence = {{"sector", "7"}};
  j.w->anomaly(a);
  const auto r = j.only();
  EXPECT_EQ(r["type"], "anomaly");
  const auto& d = r["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"component", "code", "message", "message_ja", "object", "object_path", "offset", "evidence"}));
  EXPECT_EQ(d["component"], "cfb");
  EXPECT_EQ(d["code"], "cfb.fat_loop");
  EXPECT_EQ(d["message"], "FAT chain loops");
  EXPECT_EQ(d["message_ja"], "FAT のチェーンがループしています");
  EXPECT_EQ(d["object"], json::array({"a.doc"}));
  EXPECT_EQ(d["object_path"], "a.doc");
  ASSERT_TRUE(d["offset"].is_number_unsigned());
  EXPECT_EQ(d["offset"].get<std::uint64_t>(), 0x1234u);
  EXPECT_EQ(d["evidence"], json::parse(R"([{"key":"sector","value":"7"}])"));
}

TEST(Jsonl, AnomalyWithoutOffsetOrJapanese) {
  Jsonl j;
  Anomaly a;
  a.component = "engine";
  a.code = "limit.max_nesting";
  a.message = {"nesting limit", ""};
  j.w->anomaly(a);
  const auto d = j.only()["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"component", "code", "message", "object", "object_path", "evidence"}));
  EXPECT_TRUE(d["object"].is_array());
  EXPECT_TRUE(d["object"].empty());
  EXPECT_EQ(d["object_path"], "");
}

TEST(Jsonl, AnomalyOffsetZeroAndLarge) {
  Jsonl j;
  Anomaly a;
  a.component = "x";
  a.code = "x.y";
  a.offset = 0;
  j.w->anomaly(a);
  a.offset = kNoOffset - 1;
  j.w->anomaly(a);
  const auto v = j.records();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0]["data"]["offset"].get<std::uint64_t>(), 0u);
  EXPECT_EQ(v[1]["data"]["offset"].get<std::uint64_t>(), kNoOffset - 1);
}

TEST(Jsonl, Error) {
  Jsonl j;
  j.w->error(ErrorRecord{"/evidence/missing.eml", Errc::not_found,
                         {"/evidence/missing.eml: no such file or directory", "/evidence/missing.eml: ファイルがありません"}});
  const auto r = j.only();
  EXPECT_EQ(r["type"], "error");
  const auto& d = r["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"input", "code", "message", "message_ja"}));
  EXPECT_EQ(d["input"], "/evidence/missing.eml");
  EXPECT_EQ(d["code"], "not_found");
  EXPECT_EQ(d["message"], "/evidence/missing.eml: no such file or directory");
  EXPECT_EQ(d["message_ja"], "/evidence/missing.eml: ファイルがありません");
}

TEST(Jsonl, ErrorCodesAreNamed) {
  Jsonl j;
  j.w->error(ErrorRecord{"a", Errc::internal, {"m", ""}});
  j.w->error(ErrorRecord{"b", Errc::not_regular, {"m", ""}});
  const auto v = j.records();
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[0]["data"]["code"], "internal");
  EXPECT_EQ(v[1]["data"]["code"], "not_regular");
  EXPECT_FALSE(v[0]["data"].contains("message_ja"));
}

Summary full_summary() {
  Summary s;
  s.command = "triage";
  s.files = 12;
  s.bytes = 123456789;
  s.files_by_type = {{"ole2/doc", 3}, {"text", 9}};
  s.not_analysed_by_type = {{"text", 9}};
  s.findings_by_severity = {1, 2, 3, 4, 5};
  s.anomalies = 6;
  s.errors = 7;
  s.skipped = 8;
  s.elapsed_s = 1.25;
  s.fail_on = "medium";
  s.exit_code = 2;
  s.extra = {{"hosts", "3"}, {"note", "ok"}};
  return s;
}

TEST(Jsonl, Summary) {
  Jsonl j;
  j.w->summary(full_summary());
  const auto r = j.only();
  EXPECT_EQ(r["type"], "summary");
  const auto& d = r["data"];
  EXPECT_EQ(keys(d), (std::set<std::string>{"command", "files", "bytes", "files_by_type", "not_analysed_by_type", "findings",
                                            "anomalies", "errors", "skipped", "elapsed_s", "fail_on", "exit_code", "extra"}));
  EXPECT_EQ(d["command"], "triage");
  EXPECT_EQ(d["files"], 12);
  EXPECT_EQ(d["bytes"], 123456789);
  EXPECT_EQ(d["files_by_type"], json::parse(R"({"ole2/doc":3,"text":9})"));
  EXPECT_EQ(d["not_analysed_by_type"], json::parse(R"({"text":9})"));
  EXPECT_EQ(d["findings"], json::parse(R"({"info":1,"low":2,"medium":3,"high":4,"critical":5})"));
  EXPECT_EQ(d["anomalies"], 6);
  EXPECT_EQ(d["errors"], 7);
  EXPECT_EQ(d["skipped"], 8);
  ASSERT_TRUE(d["elapsed_s"].is_number());
  EXPECT_DOUBLE_EQ(d["elapsed_s"].get<double>(), 1.25);
  EXPECT_EQ(d["fail_on"], "medium");
  EXPECT_EQ(d["exit_code"], 2);
  EXPECT_EQ(d["extra"], json::parse(R"({"hosts":"3","note":"ok"})"));
}

TEST(Jsonl, EmptySummary) {
  Jsonl j;
  j.w->summary(Summary{});
  const auto d = j.only()["data"];
  EXPECT_EQ(d["files"], 0);
  EXPECT_TRUE(d["files_by_type"].is_object());
  EXPECT_TRUE(d["files_by_type"].empty());
  EXPECT_TRUE(d["extra"].is_object());
  EXPECT_TRUE(d["extra"].empty());
  EXPECT_EQ(d["findings"], json::parse(R"({"info":0,"low":0,"medium":0,"high":0,"critical":0})"));
  EXPECT_EQ(d["exit_code"], 0);
}

TEST(Jsonl, OneObjectPerLine) {
  Jsonl j;
  j.w->begin(run_info());
  Finding f = full_finding();
  f.evidence.push_back({"multi\nline", "a\r\nb\n"});
  j.w->finding(f);
  j.w->anomaly(Anomaly{"io", "io.sparse_file", {"sparse\nfile", ""}, {}, kNoOffset, {}});
  j.w->error(ErrorRecord{"x\ny", Errc::io, {"e", ""}});
  j.w->summary(full_summary());
  const std::string all = j.out.str();
  ASSERT_FALSE(all.empty());
  EXPECT_EQ(all.back(), '\n');
  const auto v = j.records();
  ASSERT_EQ(v.size(), 5u);
  const std::vector<std::string> types = {"begin", "finding", "anomaly", "error", "summary"};
  for (std::size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(keys(v[i]), (std::set<std::string>{"type", "data"}));
    EXPECT_EQ(v[i]["type"], types[i]);
    EXPECT_TRUE(v[i]["data"].is_object());
  }
}

// ------------------------------------------------------------------ lossless strings

TEST(JsonlStrings, ControlCharactersAreEscapedAndRoundTrip) {
  std::string nasty;
  for (int c = 1; c < 0x20; ++c) nasty += static_cast<char>(c);
  nasty += "\x7F\"\\/ end";
  Jsonl j;
  Finding f = full_finding();
  f.evidence = {{"k", nasty}};
  j.w->finding(f);
  const std::string raw = j.out.str();
  for (std::size_t i = 0; i + 1 < raw.size(); ++i) {
    const auto c = static_cast<unsigned char>(raw[i]);
    ASSERT_TRUE(c >= 0x20 && c != 0x7F) << "raw control byte " << int(c) << " at " << i;
  }
  const auto d = j.only()["data"];
  ASSERT_TRUE(d["evidence"][0]["value"].is_string());
  EXPECT_EQ(d["evidence"][0]["value"].get<std::string>(), nasty);
}

TEST(JsonlStrings, NulInsideAValueSurvives) {
  Jsonl j;
  Finding f = full_finding();
  f.evidence = {{"k", "a\0b"s}};
  j.w->finding(f);
  EXPECT_EQ(j.only()["data"]["evidence"][0]["value"].get<std::string>(), "a\0b"s);
}

TEST(JsonlStrings, InvalidUtf8BecomesBase64Bytes) {
  const std::string bad = "\xFF\xFE\x00\x80" "abc\xC3"s;
  ASSERT_FALSE(text::is_valid_utf8(bad));
  Jsonl j;
  Finding f = full_finding();
  f.evidence = {{bad, bad}};
  f.object = ObjectPath{{"mail.eml", bad}};
  j.w->finding(f);
  const auto d = j.only()["data"];
  const auto& v = d["evidence"][0]["value"];
  ASSERT_TRUE(v.is_object()) << v.dump();
  EXPECT_EQ(keys(v), (std::set<std::string>{"bytes"}));
  EXPECT_EQ(text::base64_decode(v["bytes"].get<std::string>()), bad);
  EXPECT_EQ(str_value(d["evidence"][0]["key"]), bad);
  ASSERT_TRUE(d["object"][0].is_string());
  EXPECT_EQ(str_value(d["object"][1]), bad);
  EXPECT_TRUE(d["object_path"].is_object());
  EXPECT_EQ(str_value(d["object_path"]), "mail.eml > " + bad);
}

TEST(JsonlStrings, InvalidUtf8EverywhereAStrIsAllowed) {
  const std::string bad = "\x82\xA0\x93\xFA";  // Shift_JIS bytes, not UTF-8
  Jsonl j;
  j.w->begin(RunInfo{"triage", {bad}, "2024-01-02T03:04:05Z", "medium"});
  Finding f;
  f.analyzer = bad;
  f.rule = Rule{bad, {bad, bad}, bad};
  f.object = ObjectPath{{bad}};
  f.references = {bad};
  j.w->finding(f);
  j.w->anomaly(Anomaly{bad, "x.y", {bad, bad}, ObjectPath{{bad}}, kNoOffset, {{bad, bad}}});
  j.w->error(ErrorRecord{bad, Errc::io, {bad, bad}});
  Summary s;
  s.extra = {{"k", bad}};
  j.w->summary(s);
  const auto v = j.records();
  ASSERT_EQ(v.size(), 5u);
  EXPECT_EQ(str_value(v[0]["data"]["inputs"][0]), bad);
  const auto& fd = v[1]["data"];
  for (const auto* k : {"analyzer", "object_path"}) EXPECT_EQ(str_value(fd[k]), bad) << k;
  for (const auto* k : {"id", "title", "title_ja", "author"}) EXPECT_EQ(str_value(fd["rule"][k]), bad) << k;
  EXPECT_EQ(str_value(fd["references"][0]), bad);
  const auto& ad = v[2]["data"];
  for (const auto* k : {"component", "message", "message_ja", "object_path"}) EXPECT_EQ(str_value(ad[k]), bad) << k;
  EXPECT_EQ(str_value(ad["evidence"][0]["key"]), bad);
  const auto& ed = v[3]["data"];
  for (const auto* k : {"input", "message", "message_ja"}) EXPECT_EQ(str_value(ed[k]), bad) << k;
  EXPECT_EQ(str_value(v[4]["data"]["extra"]["k"]), bad);
}

TEST(JsonlStrings, ValidNonAsciiStaysAString) {
  Jsonl j;
  Finding f = full_finding();
  f.evidence = {{"件名", "請求書.pdf.exe \xF0\x9F\x98\x80"}};
  j.w->finding(f);
  const auto ev = j.only()["data"]["evidence"][0];
  ASSERT_TRUE(ev["value"].is_string());
  EXPECT_EQ(ev["key"], "件名");
  EXPECT_EQ(ev["value"], "請求書.pdf.exe \xF0\x9F\x98\x80");
}

TEST(JsonlStrings, InvalidUtf8SummaryKeysStayValidJson) {
  Jsonl j;
  Summary s;
  s.files_by_type = {{"\xFF", 1}};
  s.extra = {{"\xFE", "v"}};
  j.w->summary(s);
  EXPECT_NO_THROW((void)j.records());
}

TEST(JsonHelpers, EscapeAndBytes) {
  EXPECT_EQ(json_escape(""), "\"\"");
  EXPECT_EQ(json_escape("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(json_escape("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(json_escape("\x01\x1f\x7f"), R"("\u0001\u001f\u007f")");
  EXPECT_EQ(json_escape("パ"), "\"パ\"");
  EXPECT_EQ(json_string_or_bytes("ok"), "\"ok\"");
  EXPECT_EQ(json_string_or_bytes("\xFF"), R"({"bytes":"/w=="})");
  EXPECT_EQ(json::parse(json_string_or_bytes("\xC0\x80"))["bytes"], "wIA=");
}

TEST(HumanBytes, Units) {
  EXPECT_EQ(human_bytes(0), "0 B");
  EXPECT_EQ(human_bytes(1023), "1023 B");
  EXPECT_EQ(human_bytes(1024), "1.0 KiB");
  EXPECT_EQ(human_bytes(1536), "1.5 KiB");
  EXPECT_EQ(human_bytes(1ULL << 20), "1.0 MiB");
  EXPECT_EQ(human_bytes(5ULL << 30), "5.0 GiB");
  EXPECT_EQ(human_bytes(1ULL << 40), "1.0 TiB");
  EXPECT_EQ(human_bytes(1ULL << 50), "1.0 PiB");
  EXPECT_EQ(human_bytes(~0ULL), "16384.0 PiB");  // the largest unit absorbs the rest
}

// ------------------------------------------------------------------ closed output

TEST(JsonlOutput, ClosedStreamStopsQuietly) {
  std::FILE* ro = std::fopen("/dev/null", "r");  // writes to it fail like a closed pipe
  ASSERT_NE(ro, nullptr);
  Capture err;
  Output o(ro);
  Output e(err.file());
  auto w = make_writer(WriterOptions{Format::jsonl, "en", false, false}, o, e);
  EXPECT_TRUE(w->open());
  w->begin(run_info());
  w->finding(full_finding());  // must not throw or crash
  w->summary(Summary{});
  EXPECT_FALSE(w->open());
  EXPECT_TRUE(o.closed());
  std::fclose(ro);
}

}  // namespace
}  // namespace emoguard::report
