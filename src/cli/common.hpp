// What every command shares: output options, writer setup, exit codes and progress on a TTY.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "emoguard/sink.hpp"
#include "report/output.hpp"
#include "report/writers.hpp"

namespace emoguard::cli {

struct CommonOptions {
  bool json = false;
  bool csv = false;
  std::string lang;  // empty: from the locale
  std::string fail_on = "medium";
  bool no_progress = false;
  bool quiet = false;
  unsigned threads = 0;  // 0: one per core
};

void add_common_options(CLI::App& cmd, CommonOptions& o, bool with_threads = true);
report::WriterOptions writer_options(const CommonOptions& o, const report::Output& out);
// 2 when anything could not be read, else 1 when a finding is at or above --fail-on, else 0.
int exit_code(const CountingSink& counts, const std::string& fail_on);
std::string utc_now_iso();
unsigned thread_count(const CommonOptions& o);

// Progress on stderr, only when stderr is a terminal and --no-progress is not given.
class Progress {
 public:
  Progress(bool enabled, std::string lang);
  ~Progress();
  void walking(std::uint64_t files_found);
  void analysing(std::uint64_t done, std::uint64_t total, std::uint64_t bytes_done, std::uint64_t bytes_total);
  void finish();

 private:
  bool due();
  void show(const std::string& line);
  bool enabled_;
  std::string lang_;
  bool shown_ = false;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_{};
};

}  // namespace emoguard::cli
