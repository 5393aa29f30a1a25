// The file-scanning driver shared by triage and identify: walk, map, scan in parallel, emit in order.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "cli/common.hpp"
#include "emoguard/analyzer.hpp"
#include "io/walker.hpp"

namespace emoguard::cli {

struct FileOutcome {
  Detection detection;
  bool analysed = false;
};

// Called once per readable, non-empty file, from worker threads; must only write to sink.
using FileFn = std::function<FileOutcome(const io::WalkEntry& entry, const ScanObject& object, Sink& sink)>;

int drive_files(const std::string& command, const std::vector<std::string>& inputs, const CommonOptions& options,
                const Limits& limits, const FileFn& fn, std::vector<std::pair<std::string, std::string>> extra = {});

}  // namespace emoguard::cli
