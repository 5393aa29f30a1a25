// Shared CLI pieces: options, exit codes, timestamps and the progress line.
#include "cli/common.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <ctime>
#include <thread>

#include "emoguard/finding.hpp"

namespace emoguard::cli {

void add_common_options(CLI::App& cmd, CommonOptions& o, bool with_threads) {
  auto* json = cmd.add_flag("--json", o.json, "Write JSON Lines: one {\"type\":...,\"data\":...} object per line (docs/output-format.md)");
  cmd.add_flag("--csv", o.csv, "Write CSV rows (stable columns); the run summary goes to stderr")->excludes(json);
  cmd.add_option("--lang", o.lang, "Language of messages: en or ja (default: from LC_ALL/LC_MESSAGES/LANG)")
      ->check(CLI::IsMember({"en", "ja"}));
  cmd.add_option("--fail-on", o.fail_on,
                 "Exit 1 when a finding is at or above this severity: info, low, medium, high, critical, or none (default: medium)")
      ->check(CLI::IsMember({"info", "low", "medium", "high", "critical", "none"}));
  cmd.add_flag("--no-progress", o.no_progress, "Do not show progress on stderr (it is shown only when stderr is a terminal)");
  cmd.add_flag("-q,--quiet", o.quiet, "Text output: one line per finding, without evidence");
  if (with_threads) cmd.add_option("-j,--threads", o.threads, "Worker threads (default: one per core)")->check(CLI::Range(1u, 256u));
}

report::WriterOptions writer_options(const CommonOptions& o, const report::Output& out) {
  report::WriterOptions w;
  w.format = o.json ? report::Format::jsonl : o.csv ? report::Format::csv : report::Format::text;
  w.lang = o.lang.empty() ? report::default_language() : o.lang;
  const char* no_color = std::getenv("NO_COLOR");
  const char* term = std::getenv("TERM");
  w.color = out.is_tty() && (no_color == nullptr || *no_color == '\0') && !(term != nullptr && std::string(term) == "dumb");
  w.quiet = o.quiet;
  return w;
}

int exit_code(const CountingSink& counts, const std::string& fail_on) {
  if (counts.errors() > 0) return 2;
  if (fail_on == "none") return 0;
  const auto sev = parse_severity(fail_on).value_or(Severity::medium);
  return counts.at_or_above(sev) > 0 ? 1 : 0;
}

std::string utc_now_iso() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

unsigned thread_count(const CommonOptions& o) {
  if (o.threads > 0) return o.threads;
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : (hw > 16 ? 16 : hw);
}

Progress::Progress(bool enabled, std::string lang)
    : enabled_(enabled && ::isatty(STDERR_FILENO) != 0), lang_(std::move(lang)), start_(std::chrono::steady_clock::now()) {}

Progress::~Progress() { finish(); }

bool Progress::due() {
  if (!enabled_) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now - last_ < std::chrono::milliseconds(100)) return false;
  last_ = now;
  return true;
}

void Progress::show(const std::string& line) {
  const std::string s = "\r\033[K" + line;
  (void)!::write(STDERR_FILENO, s.data(), s.size());
  shown_ = true;
}

void Progress::walking(std::uint64_t files_found) {
  if (!due()) return;
  show(fmt::format(fmt::runtime(lang_ == "ja" ? "走査中: {} ファイル" : "walking: {} files found"), files_found));
}

void Progress::analysing(std::uint64_t done, std::uint64_t total, std::uint64_t bytes_done, std::uint64_t bytes_total) {
  if (!due()) return;
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double rate = secs > 0 ? static_cast<double>(bytes_done) / secs : 0;
  std::string eta = "-";
  if (rate > 0 && bytes_total >= bytes_done) {
    const auto left = static_cast<std::uint64_t>(static_cast<double>(bytes_total - bytes_done) / rate);
    eta = fmt::format("{}:{:02}", left / 60, left % 60);
  }
  show(fmt::format(fmt::runtime(lang_ == "ja" ? "{}/{} ファイル, {} / {}, {}/秒, 残り {}" : "{}/{} files, {} of {}, {}/s, ETA {}"), done, total,
                   report::human_bytes(bytes_done), report::human_bytes(bytes_total),
                   report::human_bytes(static_cast<std::uint64_t>(rate)), eta));
}

void Progress::finish() {
  if (shown_) {
    (void)!::write(STDERR_FILENO, "\r\033[K", 4);
    shown_ = false;
  }
}

}  // namespace emoguard::cli
