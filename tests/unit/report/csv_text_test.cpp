// Tests the CSV writer (exact header, RFC 4180 quoting) and the text writer (English and Japanese labels).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "capture.hpp"
#include "report/writers.hpp"

namespace emoguard::report {
namespace {

using emoguard::testing::Capture;
using namespace std::string_literals;

const std::string kHeader = "record,severity,analyzer,rule_id,rule_title,rule_author,object,code,offset,message,evidence,attack,references";

// RFC 4180 reader: quoted fields may hold commas, doubled quotes and line breaks.
std::vector<std::vector<std::string>> parse_csv(const std::string& s) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < s.size() && s[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      row.push_back(field);
      field.clear();
    } else if (c == '\n') {
      row.push_back(field);
      field.clear();
      rows.push_back(row);
      row.clear();
      any = false;
    } else {
      field += c;
    }
  }
  if (any) {
    row.push_back(field);
    rows.push_back(row);
  }
  return rows;
}

struct Writer {
  explicit Writer(Format f, std::string lang = "en", bool color = false, bool quiet = false)
      : o(out.file()), e(err.file()), w(make_writer(WriterOptions{f, std::move(lang), color, quiet}, o, e)) {}
  Capture out;
  Capture err;
  Output o;
  Output e;
  std::unique_ptr<Sink> w;
};

Finding sample_finding() {
  Finding f;
  f.analyzer = "filetype";
  f.rule = Rule{"filetype.double_extension", {"Executable type hidden behind a document extension", "文書の拡張子の後ろに実行形式の拡張子が隠れています"},
                "Someone"};
  f.severity = Severity::high;
  f.object = ObjectPath{{"mail.eml", "invoice.pdf.exe"}};
  f.evidence = {{"name", "invoice.pdf.exe"}, {"real_extension", "exe"}};
  f.references = {"https://attack.mitre.org/techniques/T1036/007/", "https://example.invalid/r"};
  f.attack = "T1036.007";
  return f;
}

Anomaly sample_anomaly() {
  Anomaly a;
  a.component = "walk";
  a.code = "walk.not_regular";
  a.message = {"evidence/pipe: FIFO, not read", "evidence/pipe: FIFO のため読みません"};
  a.object = ObjectPath{{"evidence/pipe"}};
  a.offset = 16;
  return a;
}

ErrorRecord sample_error() {
  return ErrorRecord{"missing.eml", Errc::not_found, {"missing.eml: no such file or directory", "missing.eml: ファイルまたはディレクトリがありません"}};
}

Summary sample_summary() {
  Summary s;
  s.command = "triage";
  s.files = 3;
  s.bytes = 1536;
  s.files_by_type = {{"pe/exe", 1}, {"text", 2}};
  s.not_analysed_by_type = {{"text", 2}};
  s.findings_by_severity = {0, 0, 0, 1, 0};
  s.anomalies = 1;
  s.errors = 1;
  s.skipped = 4;
  s.elapsed_s = 0.5;
  s.fail_on = "medium";
  s.exit_code = 1;
  return s;
}

// ------------------------------------------------------------------ CSV

TEST(Csv, HeaderColumnsExact) {
  Writer w(Format::csv);
  w.w->begin(RunInfo{"triage", {"a"}, "2024-01-01T00:00:00Z", "medium"});
  EXPECT_EQ(w.out.str(), kHeader + "\n");
}

TEST(Csv, RowsHaveEveryColumnInOrder) {
  Writer w(Format::csv);
  w.w->begin(RunInfo{});
  w.w->finding(sample_finding());
  w.w->anomaly(sample_anomaly());
  w.w->error(sample_error());
  const auto rows = parse_csv(w.out.str());
  ASSERT_EQ(rows.size(), 4u);
  for (const auto& r : rows) EXPECT_EQ(r.size(), 13u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"finding", "high", "filetype", "filetype.double_extension",
                                               "Executable type hidden behind a document extension", "Someone",
                                               "mail.eml > invoice.pdf.exe", "", "", "", "name=invoice.pdf.exe; real_extension=exe",
                                               "T1036.007", "https://attack.mitre.org/techniques/T1036/007/ https://example.invalid/r"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"anomaly", "", "walk", "", "", "", "evidence/pipe", "walk.not_regular", "16",
                                               "evidence/pipe: FIFO, not read", "", "", ""}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"error", "", "", "", "", "", "missing.eml", "not_found", "",
                                               "missing.eml: no such file or directory", "", "", ""}));
}

TEST(Csv, QuotingOfCommasQuotesAndNewlines) {
  Writer w(Format::csv);
  Finding f = sample_finding();
  f.rule.title = {"comma, \"quoted\" and\nnew line\r\nend", ""};
  f.object = ObjectPath{{"plain"}};
  f.evidence = {{"k", "v,w"}};
  w.w->finding(f);
  const std::string raw = w.out.str();
  EXPECT_NE(raw.find("\"comma, \"\"quoted\"\" and\nnew line\r\nend\""), std::string::npos) << raw;
  EXPECT_NE(raw.find(",plain,"), std::string::npos) << raw;  // fields that need nothing are left bare
  EXPECT_NE(raw.find("\"k=v,w\""), std::string::npos) << raw;
  const auto rows = parse_csv(raw);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_EQ(rows[0].size(), 13u);
  EXPECT_EQ(rows[0][4], "comma, \"quoted\" and\nnew line\r\nend");
  EXPECT_EQ(rows[0][10], "k=v,w");
}

TEST(Csv, LoneQuoteOrCarriageReturnIsQuoted) {
  Writer w(Format::csv);
  w.w->error(ErrorRecord{"a\"b", Errc::io, {"x\ry", ""}});
  const std::string raw = w.out.str();
  EXPECT_NE(raw.find("\"a\"\"b\""), std::string::npos) << raw;
  EXPECT_NE(raw.find("\"x\ry\""), std::string::npos) << raw;
  const auto rows = parse_csv(raw);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][6], "a\"b");
  EXPECT_EQ(rows[0][9], "x\ry");
}

TEST(Csv, InvalidUtf8IsShownEscaped) {
  Writer w(Format::csv);
  w.w->error(ErrorRecord{"bad\xFF\xFE.eml", Errc::io, {"m", ""}});
  const auto rows = parse_csv(w.out.str());
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0][6], "bad\\xff\\xfe.eml");
}

TEST(Csv, JapaneseTitlesAndMessages) {
  Writer w(Format::csv, "ja");
  w.w->finding(sample_finding());
  w.w->anomaly(sample_anomaly());
  w.w->error(sample_error());
  Finding en_only = sample_finding();
  en_only.rule.title.ja.clear();
  w.w->finding(en_only);
  const auto rows = parse_csv(w.out.str());
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0][4], "文書の拡張子の後ろに実行形式の拡張子が隠れています");
  EXPECT_EQ(rows[1][9], "evidence/pipe: FIFO のため読みません");
  EXPECT_EQ(rows[2][9], "missing.eml: ファイルまたはディレクトリがありません");
  EXPECT_EQ(rows[3][4], "Executable type hidden behind a document extension");  // English when no Japanese
  EXPECT_EQ(rows[0][1], "high");  // machine columns are not translated
}

TEST(Csv, SummaryGoesToTheTerminalNotTheTable) {
  Writer w(Format::csv);
  w.w->begin(RunInfo{});
  w.w->finding(sample_finding());
  const std::string before = w.out.str();
  w.w->summary(sample_summary());
  EXPECT_EQ(w.out.str(), before);
  const std::string err = w.err.str();
  EXPECT_NE(err.find("── Summary ──"), std::string::npos) << err;
  EXPECT_NE(err.find("files: 3"), std::string::npos) << err;
  EXPECT_EQ(err.find("\033["), std::string::npos);  // no colour on the side channel
}

// ------------------------------------------------------------------ text, English

TEST(TextEn, BeginFindingAnomalyErrorSummary) {
  Writer w(Format::text, "en");
  w.w->begin(RunInfo{"triage", {"a", "b"}, "2024-01-01T00:00:00Z", "medium"});
  w.w->finding(sample_finding());
  w.w->anomaly(sample_anomaly());
  w.w->error(sample_error());
  w.w->summary(sample_summary());
  const std::string s = w.out.str();
  for (const std::string want : {"emoguard " EMOGUARD_VERSION " triage: 2 input(s)",
                                 "HIGH",
                                 "Executable type hidden behind a document extension  [filetype.double_extension]",
                                 "object: mail.eml > invoice.pdf.exe",
                                 "name: invoice.pdf.exe",
                                 "real_extension: exe",
                                 "ATT&CK: T1036.007",
                                 "author: Someone",
                                 "ANOMALY",
                                 "evidence/pipe: FIFO, not read  [walk.not_regular]",
                                 "offset: 0x10",
                                 "ERROR",
                                 "missing.eml: no such file or directory",
                                 "── Summary ──",
                                 "files: 3 (1.5 KiB) in 0.50 s",
                                 "by type: pe/exe 1, text 2",
                                 "not analysed: 2 (no analyzer handles these types yet): text 2",
                                 "findings: CRITICAL 0, HIGH 1, MEDIUM 0, LOW 0, INFO 0",
                                 "anomalies: 1  errors: 1  skipped: 4",
                                 "exit code 1 (findings at or above medium)"}) {
    EXPECT_NE(s.find(want), std::string::npos) << "missing: " << want << "\n" << s;
  }
  EXPECT_EQ(s.find("\033["), std::string::npos) << "colour without a TTY";
  EXPECT_EQ(s.find("対象"), std::string::npos);
}

TEST(TextEn, EmoguardAuthorIsNotShown) {
  Writer w(Format::text, "en");
  Finding f = sample_finding();
  f.rule.author = "emoguard";
  w.w->finding(f);
  EXPECT_EQ(w.out.str().find("author:"), std::string::npos) << w.out.str();
}

TEST(TextEn, ExitCodeExplanations) {
  {
    Writer w(Format::text, "en");
    Summary s = sample_summary();
    s.exit_code = 0;
    s.fail_on = "high";
    w.w->summary(s);
    EXPECT_NE(w.out.str().find("exit code 0 (nothing at or above high)"), std::string::npos) << w.out.str();
  }
  {
    Writer w(Format::text, "en");
    Summary s = sample_summary();
    s.exit_code = 2;
    w.w->summary(s);
    EXPECT_NE(w.out.str().find("exit code 2 (an input could not be read or an error occurred)"), std::string::npos) << w.out.str();
  }
}

TEST(TextEn, QuietLeavesOutBeginAndEvidence) {
  Writer w(Format::text, "en", false, true);
  w.w->begin(RunInfo{"triage", {"a"}, "", "medium"});
  w.w->finding(sample_finding());
  const std::string s = w.out.str();
  EXPECT_EQ(s.find("input(s)"), std::string::npos) << s;
  EXPECT_EQ(s.find("name: invoice.pdf.exe"), std::string::npos) << s;
  EXPECT_EQ(s.find("ATT&CK"), std::string::npos) << s;
  EXPECT_NE(s.find("[filetype.double_extension]"), std::string::npos) << s;
  EXPECT_NE(s.find("object: mail.eml > invoice.pdf.exe"), std::string::npos) << s;
}

TEST(TextEn, ColourOnlyWhenAsked) {
  Writer w(Format::text, "en", true);
  w.w->finding(sample_finding());
  const std::string s = w.out.str();
  EXPECT_NE(s.find("\033[1;31m"), std::string::npos) << "high is red";
  EXPECT_NE(s.find("\033[0m"), std::string::npos);
}

TEST(TextEn, ControlBytesAndInvalidUtf8AreNotSentToTheTerminal) {
  Writer w(Format::text, "en");
  Finding f = sample_finding();
  f.rule.title = {"evil \033]0;title\007 here", ""};
  f.object = ObjectPath{{"bad\xFF.eml"}};
  f.evidence = {{"k", "line1\nline2"}};
  w.w->finding(f);
  w.w->error(ErrorRecord{"x", Errc::io, {"msg with \033[2J clear", ""}});
  const std::string s = w.out.str();
  EXPECT_EQ(s.find('\033'), std::string::npos) << s;
  EXPECT_EQ(s.find('\007'), std::string::npos) << s;
  EXPECT_EQ(s.find('\xFF'), std::string::npos) << s;
  EXPECT_NE(s.find("\\x1b"), std::string::npos) << s;
  EXPECT_NE(s.find("bad\\xff.eml"), std::string::npos) << s;
  EXPECT_NE(s.find("line1\\x0aline2"), std::string::npos) << s;
}

TEST(TextEn, AnomalyObjectShownWhenTheMessageDoesNotNameIt) {
  Writer w(Format::text, "en");
  Anomaly a = sample_anomaly();
  a.message = {"chain loops", ""};
  a.object = ObjectPath{{"a.zip", "b.doc"}};
  a.offset = kNoOffset;
  w.w->anomaly(a);
  const std::string s = w.out.str();
  EXPECT_NE(s.find("object: a.zip > b.doc"), std::string::npos) << s;
  EXPECT_EQ(s.find("offset:"), std::string::npos) << s;
}

// ------------------------------------------------------------------ text, Japanese

TEST(TextJa, LocalizedLabels) {
  Writer w(Format::text, "ja");
  w.w->begin(RunInfo{"triage", {"a", "b"}, "2024-01-01T00:00:00Z", "medium"});
  w.w->finding(sample_finding());
  Anomaly a = sample_anomaly();
  a.message = {"chain loops", "チェーンがループしています"};
  w.w->anomaly(a);
  w.w->error(sample_error());
  w.w->summary(sample_summary());
  const std::string s = w.out.str();
  for (const std::string want : {"入力 2 件",
                                 "高",
                                 "文書の拡張子の後ろに実行形式の拡張子が隠れています  [filetype.double_extension]",
                                 "対象: mail.eml > invoice.pdf.exe",
                                 "作成者: Someone",
                                 "異常",
                                 "チェーンがループしています  [walk.not_regular]",
                                 "対象: evidence/pipe",
                                 "エラー",
                                 "missing.eml: ファイルまたはディレクトリがありません",
                                 "── 概要 ──",
                                 "ファイル: 3 件 (1.5 KiB), 0.50 秒",
                                 "種類別: pe/exe 1, text 2",
                                 "未解析 2 件",
                                 "検出: 重大 0, 高 1, 中 0, 低 0, 情報 0",
                                 "異常: 1  エラー: 1  読まなかった項目: 4",
                                 "終了コード 1 (medium 以上の検出があります)"}) {
    EXPECT_NE(s.find(want), std::string::npos) << "missing: " << want << "\n" << s;
  }
  for (const std::string not_want : {"HIGH", "ANOMALY", "ERROR", "Summary", "object:", "exit code"}) {
    EXPECT_EQ(s.find(not_want), std::string::npos) << "English label in Japanese output: " << not_want << "\n" << s;
  }
}

TEST(TextJa, FallsBackToEnglishText) {
  Writer w(Format::text, "ja");
  Finding f = sample_finding();
  f.rule.title.ja.clear();
  w.w->finding(f);
  w.w->error(ErrorRecord{"x", Errc::io, {"only english", ""}});
  const std::string s = w.out.str();
  EXPECT_NE(s.find("Executable type hidden behind a document extension"), std::string::npos) << s;
  EXPECT_NE(s.find("only english"), std::string::npos) << s;
  EXPECT_NE(s.find("高"), std::string::npos) << s;
}

TEST(TextJa, ExitCodeExplanations) {
  Writer w(Format::text, "ja");
  Summary s = sample_summary();
  s.exit_code = 2;
  w.w->summary(s);
  EXPECT_NE(w.out.str().find("終了コード 2 (読めなかった入力またはエラーがあります)"), std::string::npos) << w.out.str();
  Writer z(Format::text, "ja");
  s.exit_code = 0;
  z.w->summary(s);
  EXPECT_NE(z.out.str().find("終了コード 0 (medium 以上の検出はありません)"), std::string::npos) << z.out.str();
}

TEST(TextJa, CsvSummaryOnTheSideChannelIsJapanese) {
  Writer w(Format::csv, "ja");
  w.w->summary(sample_summary());
  EXPECT_NE(w.err.str().find("── 概要 ──"), std::string::npos) << w.err.str();
}

// ------------------------------------------------------------------ language choice

TEST(DefaultLanguage, FromTheLocale) {
  const char* saved_all = std::getenv("LC_ALL");
  const char* saved_msg = std::getenv("LC_MESSAGES");
  const char* saved_lang = std::getenv("LANG");
  const std::string all = saved_all ? saved_all : "";
  const std::string msg = saved_msg ? saved_msg : "";
  const std::string lang = saved_lang ? saved_lang : "";
  ::unsetenv("LC_ALL");
  ::unsetenv("LC_MESSAGES");
  ::setenv("LANG", "ja_JP.UTF-8", 1);
  EXPECT_EQ(default_language(), "ja");
  ::setenv("LC_MESSAGES", "en_US.UTF-8", 1);
  EXPECT_EQ(default_language(), "en");  // LC_MESSAGES beats LANG
  ::setenv("LC_ALL", "ja_JP.eucJP", 1);
  EXPECT_EQ(default_language(), "ja");  // LC_ALL beats both
  ::setenv("LC_ALL", "", 1);
  ::unsetenv("LC_MESSAGES");
  ::unsetenv("LANG");
  EXPECT_EQ(default_language(), "en");  // empty values are skipped
  if (saved_all) ::setenv("LC_ALL", all.c_str(), 1); else ::unsetenv("LC_ALL");
  if (saved_msg) ::setenv("LC_MESSAGES", msg.c_str(), 1); else ::unsetenv("LC_MESSAGES");
  if (saved_lang) ::setenv("LANG", lang.c_str(), 1); else ::unsetenv("LANG");
}

TEST(TextEn, AnomalyShowsItsObjectUnlessTheMessageNamesThePath) {
  Writer w(Format::text, "en");
  Anomaly a;
  a.component = "ovba";
  a.code = "ovba.no_dir_stream";
  a.message = {"VBA storage without a dir stream", ""};
  a.object = ObjectPath{{"invoice.xlsb", "xl/vbaProject.bin", "VBA"}};
  w.w->anomaly(a);  // the message mentions "VBA", the last part, but not the path: show it
  Anomaly b;
  b.component = "walk";
  b.code = "walk.not_regular";
  b.message = {"evidence/pipe: FIFO, not read", ""};
  b.object = ObjectPath{{"evidence/pipe"}};
  w.w->anomaly(b);  // the message starts with the path: no separate object line
  const std::string s = w.out.str();
  EXPECT_NE(s.find("object: invoice.xlsb > xl/vbaProject.bin > VBA"), std::string::npos) << s;
  EXPECT_EQ(s.find("object: evidence/pipe"), std::string::npos) << s;
}

}  // namespace
}  // namespace emoguard::report
