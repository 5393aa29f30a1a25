// Output: a buffered stream over a file descriptor that notices a closed pipe and stops quietly.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace emoguard::report {

class Output {
 public:
  explicit Output(std::FILE* f) : f_(f) {}
  void write(std::string_view s);
  void flush();
  [[nodiscard]] bool closed() const { return closed_; }
  [[nodiscard]] bool is_tty() const;

 private:
  std::FILE* f_;
  bool closed_ = false;
};

// Choose the message language: an explicit --lang, else the locale (LC_ALL, LC_MESSAGES, LANG).
[[nodiscard]] std::string default_language();

}  // namespace emoguard::report
