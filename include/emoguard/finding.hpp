// Finding, Anomaly and ErrorRecord: the three things an analysis can report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/result.hpp"
#include "emoguard/text.hpp"

namespace emoguard {

enum class Severity : std::uint8_t { info = 0, low = 1, medium = 2, high = 3, critical = 4 };
inline constexpr int kSeverityCount = 5;

[[nodiscard]] std::string_view to_string(Severity s) noexcept;
[[nodiscard]] std::optional<Severity> parse_severity(std::string_view s) noexcept;

// Where an object sits: the file, then each container member, e.g. {"mail.eml","a.zip","a.doc","VBA/Module1"}.
struct ObjectPath {
  std::vector<std::string> parts;
  [[nodiscard]] std::string str() const;  // joined with " > "
  [[nodiscard]] ObjectPath child(std::string name) const {
    ObjectPath p = *this;
    p.parts.push_back(std::move(name));
    return p;
  }
  [[nodiscard]] std::size_t depth() const noexcept { return parts.size(); }
};

struct Rule {
  std::string id;      // stable, dotted: "filetype.double_extension"
  Text title;
  std::string author;  // shown wherever the rule's licence asks for it
};

// One piece of evidence. value holds bytes and may be invalid UTF-8; writers keep it lossless.
struct Evidence {
  std::string key;
  std::string value;
};

struct Finding {
  std::string analyzer;
  Rule rule;
  Severity severity = Severity::info;
  ObjectPath object;
  std::vector<Evidence> evidence;
  std::vector<std::string> references;
  std::string attack;  // ATT&CK technique id such as T1036.007, where known
};

// Malformed or surprising structure, reported as data: the scan goes on and the anomaly is
// often the signal. Reaching a limit is an anomaly too.
struct Anomaly {
  std::string component;  // "io", "detect", "cfb", ...
  std::string code;       // stable id: "io.sparse_file"
  Text message;
  ObjectPath object;
  std::uint64_t offset = kNoOffset;
  std::vector<Evidence> evidence;
};

// Something the run could not do: an input that could not be read, an internal failure.
struct ErrorRecord {
  std::string input;
  Errc code = Errc::io;
  Text message;
};

}  // namespace emoguard
