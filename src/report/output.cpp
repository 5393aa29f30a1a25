// Output implementation: EPIPE (closed pipe) marks the stream closed instead of failing the run.
#include "report/output.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>

namespace emoguard::report {

void Output::write(std::string_view s) {
  if (closed_ || s.empty()) return;
  if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) closed_ = true;
}

void Output::flush() {
  if (closed_) return;
  if (std::fflush(f_) != 0) closed_ = true;
}

bool Output::is_tty() const { return ::isatty(fileno(f_)) != 0; }

std::string default_language() {
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* v = std::getenv(var);
    if (v != nullptr && *v != '\0') return std::string(v).rfind("ja", 0) == 0 ? "ja" : "en";
  }
  return "en";
}

}  // namespace emoguard::report
