// Test helper for report tests: a FILE* backed by memory (open_memstream) whose contents can be read back.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace emoguard::testing {

class Capture {
 public:
  Capture() : f_(::open_memstream(&buf_, &len_)) {
    if (f_ == nullptr) throw std::runtime_error("open_memstream failed");
  }
  ~Capture() {
    std::fclose(f_);
    std::free(buf_);
  }
  Capture(const Capture&) = delete;
  Capture& operator=(const Capture&) = delete;

  [[nodiscard]] std::FILE* file() const { return f_; }
  // Everything written so far.
  [[nodiscard]] std::string str() {
    std::fflush(f_);
    return buf_ == nullptr ? std::string() : std::string(buf_, len_);
  }
  [[nodiscard]] std::vector<std::string> lines() {
    std::vector<std::string> out;
    const std::string s = str();
    std::size_t pos = 0;
    while (pos < s.size()) {
      const auto nl = s.find('\n', pos);
      if (nl == std::string::npos) {
        out.push_back(s.substr(pos));
        break;
      }
      out.push_back(s.substr(pos, nl - pos));
      pos = nl + 1;
    }
    return out;
  }

 private:
  char* buf_ = nullptr;
  std::size_t len_ = 0;
  std::FILE* f_;
};

}  // namespace emoguard::testing
