// Where fixtures go: a new or empty folder, files created exclusively (never replaced), fixed times.
#pragma once

#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace emoguard::fixturegen {

// An error the user must see as one line; main turns it into exit code 2.
class FatalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// One generated file: its path below the output folder, the label emoguard's detector must give
// it (Detection::label()), and its bytes.
struct FixtureFile {
  std::string path;
  std::string label;
  std::string bytes;
};

class OutputDir {
 public:
  // Creates root (and its parents) or accepts it when it exists and is empty; anything else is a
  // FatalError, so that no earlier evidence or user file can be mixed with or replaced by ours.
  explicit OutputDir(std::string root);
  // Creates parent folders as needed and the file with O_EXCL; its times are set to the fixed instant.
  void write(const std::string& relative_path, std::string_view bytes);
  // Gives the folders we created the fixed time too (after their last entry was added).
  void finish();
  [[nodiscard]] const std::string& root() const { return root_; }
  [[nodiscard]] std::uint64_t files() const { return files_; }
  [[nodiscard]] std::uint64_t bytes() const { return bytes_; }

 private:
  void make_dirs(const std::string& relative_dir);
  std::string root_;
  std::set<std::string> dirs_;
  std::uint64_t files_ = 0;
  std::uint64_t bytes_ = 0;
};

// Checks, before anything is written, that path names no existing file and lies outside root.
void check_expect_path(const std::string& path, const std::string& root);
// Checks that a second output folder (--sources) and root do not contain one another.
void check_separate_dirs(const std::string& dir, const std::string& root);
// Writes "relative/path<TAB>label" lines, sorted by path, to a new file.
void write_expect_file(const std::string& path, std::vector<std::pair<std::string, std::string>> rows);

}  // namespace emoguard::fixturegen
