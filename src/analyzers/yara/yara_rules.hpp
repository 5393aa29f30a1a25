// YARA rules (libyara): compiled once from user rule texts, then matched against decoded content.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::analyzers::yara {

struct Match {
  std::string rule;
  std::string ns;
  std::vector<std::string> tags;
  std::vector<std::pair<std::string, std::string>> meta;  // string and integer metadata
};

class Rules {
 public:
  // sources: (name shown in errors, rule text). Fails with every compiler message in one line.
  static Result<std::shared_ptr<const Rules>> compile(const std::vector<std::pair<std::string, std::string>>& sources);
  ~Rules();
  Rules(const Rules&) = delete;
  Rules& operator=(const Rules&) = delete;

  // Thread-safe: libyara allows concurrent scans of one rule set.
  [[nodiscard]] Result<std::vector<Match>> scan(ByteView data, int timeout_s = 10) const;
  [[nodiscard]] std::size_t rule_count() const { return count_; }

 private:
  Rules() = default;
  void* rules_ = nullptr;  // YR_RULES*
  std::size_t count_ = 0;
};

}  // namespace emoguard::analyzers::yara
