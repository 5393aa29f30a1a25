// Output folder handling with POSIX calls: O_EXCL creation is what guarantees "never overwrite",
// even against a file that appears while we run.
#include "output.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {
namespace fs = std::filesystem;

namespace {

const struct timespec kTimes[2] = {{kFixedUnixTime, 0}, {kFixedUnixTime, 0}};

std::string errno_text(int err) {
  return std::strerror(err);
}

void write_all(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      ::close(fd);
      throw FatalError(path + ": cannot write: " + errno_text(err));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

// The same file may be named in two ways ("out/../x"); compare real locations, not spellings.
bool is_inside(const fs::path& candidate, const fs::path& root) {
  std::error_code ec;
  const fs::path c = fs::weakly_canonical(fs::absolute(candidate), ec);
  const fs::path r = fs::weakly_canonical(fs::absolute(root), ec);
  auto ci = c.begin();
  for (auto ri = r.begin(); ri != r.end(); ++ri, ++ci) {
    if (ri->empty()) continue;  // a trailing separator
    if (ci == c.end() || *ci != *ri) return false;
  }
  return true;
}

}  // namespace

OutputDir::OutputDir(std::string root) : root_(std::move(root)) {
  if (root_.empty()) throw FatalError("output folder name is empty");
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  struct stat sb {};
  if (::stat(root_.c_str(), &sb) == 0) {
    if (!S_ISDIR(sb.st_mode)) throw FatalError(root_ + ": exists and is not a folder; choose a new or empty folder");
    std::error_code ec;
    const bool empty = fs::is_empty(root_, ec);
    if (ec) throw FatalError(root_ + ": cannot read: " + ec.message());
    if (!empty) throw FatalError(root_ + ": folder is not empty; nothing was written (choose a new or empty folder)");
    return;
  }
  std::error_code ec;
  fs::create_directories(root_, ec);
  if (ec) throw FatalError(root_ + ": cannot create folder: " + ec.message());
}

void OutputDir::make_dirs(const std::string& relative_dir) {
  if (relative_dir.empty() || dirs_.count(relative_dir)) return;
  const auto slash = relative_dir.rfind('/');
  if (slash != std::string::npos) make_dirs(relative_dir.substr(0, slash));
  const std::string full = root_ + "/" + relative_dir;
  if (::mkdir(full.c_str(), 0755) != 0) {
    const int err = errno;
    throw FatalError(full + ": cannot create folder: " + errno_text(err));
  }
  dirs_.insert(relative_dir);
}

void OutputDir::write(const std::string& relative_path, std::string_view bytes) {
  const auto slash = relative_path.rfind('/');
  if (slash != std::string::npos) make_dirs(relative_path.substr(0, slash));
  const std::string full = root_ + "/" + relative_path;
  const int fd = ::open(full.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw FatalError(full + (err == EEXIST ? ": already exists; not overwritten" : ": cannot create: " + errno_text(err)));
  }
  write_all(fd, bytes, full);
  if (::futimens(fd, kTimes) != 0) {
    const int err = errno;
    ::close(fd);
    throw FatalError(full + ": cannot set times: " + errno_text(err));
  }
  if (::close(fd) != 0) {
    const int err = errno;
    throw FatalError(full + ": cannot write: " + errno_text(err));
  }
  ++files_;
  bytes_ += bytes.size();
}

void OutputDir::finish() {
  // Deepest first is not needed: setting a folder's times does not touch its parent's.
  for (const auto& d : dirs_) {
    const std::string full = root_ + "/" + d;
    if (::utimensat(AT_FDCWD, full.c_str(), kTimes, 0) != 0) {
      const int err = errno;
      throw FatalError(full + ": cannot set times: " + errno_text(err));
    }
  }
}

void check_expect_path(const std::string& path, const std::string& root) {
  if (path.empty()) throw FatalError("--expect needs a file name");
  struct stat sb {};
  if (::lstat(path.c_str(), &sb) == 0) throw FatalError(path + ": already exists; the --expect file is never overwritten");
  // Checked now so that a typo fails before the evidence is written, not after.
  const fs::path parent = fs::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw FatalError(path + ": its folder " + parent.string() + " does not exist");
  if (is_inside(path, root)) throw FatalError(path + ": the --expect file must be outside the output folder " + root);
}

void check_separate_dirs(const std::string& dir, const std::string& root) {
  if (dir.empty()) throw FatalError("--sources needs a folder name");
  if (is_inside(dir, root) || is_inside(root, dir))
    throw FatalError(dir + ": the --sources folder and the output folder " + root + " must not contain one another");
}

void write_expect_file(const std::string& path, std::vector<std::pair<std::string, std::string>> rows) {
  std::sort(rows.begin(), rows.end());
  std::string text;
  for (const auto& [p, label] : rows) text += p + "\t" + label + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    const int err = errno;
    throw FatalError(path + (err == EEXIST ? ": already exists; not overwritten" : ": cannot create: " + errno_text(err)));
  }
  write_all(fd, text, path);
  if (::close(fd) != 0) {
    const int err = errno;
    throw FatalError(path + ": cannot write: " + errno_text(err));
  }
}

}  // namespace emoguard::fixturegen
