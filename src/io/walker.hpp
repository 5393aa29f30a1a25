// Walker: turns the user's inputs into a list of regular files, safely and deterministically.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "emoguard/finding.hpp"
#include "emoguard/limits.hpp"

namespace emoguard::io {

struct WalkEntry {
  std::string path;
  std::uint64_t size = 0;
  bool named = false;  // given on the command line, not found in a directory
};

struct WalkIssue {
  std::string path;
  Errc code = Errc::io;
  Text message;
  // An error means something the user asked for could not be read (exit code 2); otherwise it
  // is an anomaly: something found during the walk that was deliberately not read.
  bool is_error = true;
  std::string anomaly_code;  // "walk.symlink_outside", "walk.not_regular", ...
};

// Walk rules:
//  - A path named by the user is followed even if it is a symlink; inside a walk, a symlink is
//    followed only when its target stays inside the named tree (loops are detected by device
//    and inode), otherwise it is reported and skipped.
//  - FIFOs, sockets and devices are never opened: named ones are errors, found ones anomalies.
//  - A directory that cannot be read is an error; the walk goes on with the rest.
//  - Entries are visited in byte order of their names, so output is reproducible.
//  - A file reached twice (hard link, in-tree symlink) is analysed once.
class Walker {
 public:
  using FileFn = std::function<void(WalkEntry&&)>;
  using IssueFn = std::function<void(WalkIssue&&)>;
  explicit Walker(const Limits& limits) : limits_(limits) {}
  void walk(const std::vector<std::string>& inputs, const FileFn& on_file, const IssueFn& on_issue);

 private:
  const Limits& limits_;
};

}  // namespace emoguard::io
