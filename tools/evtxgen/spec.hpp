// Reads a JSON event description (see README.md) into templates and per-event substitution values.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "templates.hpp"
#include "values.hpp"

namespace emoguard::evtxgen {

// Indices of the System values that change with every record (as Windows numbers them).
inline constexpr std::size_t kTimeCreatedIndex = 6;
inline constexpr std::size_t kRecordIdIndex = 10;

struct Event {
  const Template* tmpl = nullptr;
  std::vector<Value> values;  // values[kTimeCreatedIndex] and values[kRecordIdIndex] are set per record
  std::uint64_t time = 0;     // TimeCreated as FILETIME
  std::string path;           // "events[3]", for messages
};

struct Spec {
  TemplateRegistry registry;  // owns the templates that events point to
  std::vector<Event> events;
  std::uint64_t start_record_id = 1;
};

// Throws InputError("<what>: <problem>") for anything wrong in the document; `what` names the file.
[[nodiscard]] std::unique_ptr<Spec> load_spec(const std::string& path);
[[nodiscard]] std::unique_ptr<Spec> parse_spec(const std::string& text, const std::string& what);

}  // namespace emoguard::evtxgen
