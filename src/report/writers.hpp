// Report writers: human text (English/Japanese), JSON Lines and CSV, all behind the Sink interface.
#pragma once

#include <memory>
#include <string>

#include "emoguard/sink.hpp"
#include "report/output.hpp"

namespace emoguard::report {

enum class Format { text, jsonl, csv };

struct WriterOptions {
  Format format = Format::text;
  std::string lang = "en";  // "en" or "ja"
  bool color = false;
  bool quiet = false;       // text: no begin line, no per-record evidence
};

// out receives the records; err receives what is for a person only (the CSV run summary).
std::unique_ptr<Sink> make_writer(const WriterOptions& options, Output& out, Output& err);

// JSON helpers, shared with tests and other commands.
// A string as JSON: itself when valid UTF-8, else {"bytes":"<base64>"} so nothing is lost.
std::string json_string_or_bytes(const std::string& s);
std::string json_escape(std::string_view s);  // quoted JSON string of valid UTF-8

// Human-readable byte count: "1.5 MiB".
std::string human_bytes(std::uint64_t n);

}  // namespace emoguard::report
