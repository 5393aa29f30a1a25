// Engine: detects an object's type and hands it to every analyzer registered for that type.
#pragma once

#include <chrono>
#include <string>

#include "emoguard/analyzer.hpp"

namespace emoguard::analyzers {

struct ScanResult {
  Detection detection;
  bool analysed = false;  // a content analyzer (not only name checks) looked at the object
};

// Thread-safe as long as every registered analyzer is: the registry is read-only during scans.
class Engine {
 public:
  Engine(const Registry& registry, const Limits& limits) : registry_(registry), limits_(limits) {}
  // Analyses one top-level object (a file); members found inside it are scanned recursively.
  ScanResult scan(ByteView bytes, std::string name, ObjectPath path, Sink& sink, std::uint64_t declared_size = 0) const;
  [[nodiscard]] const Registry& registry() const { return registry_; }
  [[nodiscard]] const Limits& limits() const { return limits_; }

 private:
  friend class EngineContext;
  ScanResult scan_object(ScanObject obj, class EngineContext& ctx) const;
  const Registry& registry_;
  const Limits& limits_;
};

// The file name part of a path (what a mail client or Explorer shows).
[[nodiscard]] std::string base_name(const std::string& path);

}  // namespace emoguard::analyzers
