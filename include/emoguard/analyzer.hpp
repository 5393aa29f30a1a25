// Analyzer, Context and Registry: how a capability plugs into emoguard as one component.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/content_type.hpp"
#include "emoguard/finding.hpp"
#include "emoguard/limits.hpp"
#include "emoguard/sink.hpp"

namespace emoguard {

struct AnalyzerInfo {
  std::string name;                  // "filetype", "document", "mail", ...
  std::vector<ContentType> handles;  // content types it analyses
  std::string description;
  // A name check runs on every object whatever its type and does not make a type "analysed".
  bool every_type = false;
};

// One object to analyse: a file or a member of a container.
struct ScanObject {
  ByteView bytes;
  std::string name;  // file or member name as given (may be non-UTF-8)
  ObjectPath path;
  Detection detection;
  std::uint64_t declared_size = 0;  // size on disk, for files larger than what is mapped
};

// What an analyzer may do while it runs: report, recurse into members, respect limits.
class Context {
 public:
  virtual ~Context() = default;
  virtual Sink& sink() = 0;
  [[nodiscard]] virtual const Limits& limits() const = 0;
  // Detect and analyse a member (an attachment, an archive entry, an embedded object).
  virtual void scan_nested(ByteView bytes, std::string name, const ObjectPath& parent) = 0;
  // True once the time budget for the current top-level object is spent.
  [[nodiscard]] virtual bool out_of_time() const = 0;
};

class Analyzer {
 public:
  virtual ~Analyzer() = default;
  [[nodiscard]] virtual const AnalyzerInfo& info() const = 0;
  // Must not throw for any input; an escaping exception is reported as an internal error.
  virtual void analyze(const ScanObject& object, Context& ctx) = 0;
};

class Registry {
 public:
  void add(std::unique_ptr<Analyzer> analyzer);
  [[nodiscard]] std::vector<Analyzer*> for_type(ContentType t) const;
  // True when a content analyzer (not a name check) handles t.
  [[nodiscard]] bool analyses(ContentType t) const;
  [[nodiscard]] const std::vector<std::unique_ptr<Analyzer>>& all() const { return analyzers_; }

 private:
  std::vector<std::unique_ptr<Analyzer>> analyzers_;
};

}  // namespace emoguard
