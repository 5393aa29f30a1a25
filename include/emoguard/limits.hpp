// Limits: every bound on work emoguard accepts from hostile input, in one place, with defaults.
#pragma once

#include <cstdint>

namespace emoguard {

// Reaching any of these is reported as an anomaly (code "limit.*"), never passed over silently.
struct Limits {
  // Directory walking.
  std::uint32_t max_dir_depth = 64;             // nested directories below an input
  std::uint64_t max_files = 50'000'000;         // files taken from one run's inputs
  // Files.
  std::uint64_t max_file_bytes = 64ULL << 30;   // larger files are reported, not mapped
  std::uint64_t sparse_min_bytes = 1ULL << 20;  // sparse-file check applies from this size
  // Content detection.
  std::uint64_t detect_head_bytes = 64 << 10;   // bytes examined at the start of an object
  std::uint64_t zip_tail_bytes = 65'557;        // EOCD search window (max comment + record)
  std::uint32_t zip_max_names = 4096;           // member names read for OOXML detection
  std::uint32_t cfb_max_dir_sectors = 64;       // directory sectors read for OLE2 sub-typing
  // OLE2 parsing.
  std::uint64_t cfb_max_stream_bytes = 256ULL << 20;  // one stream read into memory
  std::uint32_t cfb_max_entries = 1U << 16;     // directory entries
  std::uint32_t cfb_max_tree_depth = 64;        // storages inside storages
  std::uint32_t max_issues_per_object = 200;    // anomalies kept per parsed object; the rest are counted
  // Analysis of nested objects (archives in mails in archives ...).
  std::uint32_t max_nesting = 16;
  double object_time_budget_s = 60.0;           // per top-level file; exceeded => limit anomaly
};

}  // namespace emoguard
