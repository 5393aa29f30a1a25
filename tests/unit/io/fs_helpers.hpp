// Test helpers for io tests: a temporary directory removed afterwards, file creation, and a FIFO watchdog.
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>

namespace emoguard::testing {

// mkdtemp() directory, removed (without following symlinks) when the object goes away.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "emoguard-ut-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    // Restore permissions that a test may have taken away, so that removal works.
    for (auto it = std::filesystem::recursive_directory_iterator(
             path_, std::filesystem::directory_options::skip_permission_denied, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) ::chmod(it->path().c_str(), 0700);
    }
    ::chmod(path_.c_str(), 0700);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  [[nodiscard]] const std::string& path() const { return path_; }
  [[nodiscard]] std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

inline void write_file(const std::string& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot create " + path);
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n <= 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + path);
    }
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
}

inline void make_dir(const std::string& path) {
  if (::mkdir(path.c_str(), 0700) != 0) throw std::runtime_error("cannot mkdir " + path);
}

inline void make_symlink(const std::string& target, const std::string& link) {
  if (::symlink(target.c_str(), link.c_str()) != 0) throw std::runtime_error("cannot symlink " + link);
}

inline void make_fifo(const std::string& path) {
  if (::mkfifo(path.c_str(), 0600) != 0) throw std::runtime_error("cannot mkfifo " + path);
}

// Watches a FIFO while code under test runs. A non-blocking open for writing succeeds only while
// some reader has the FIFO open, so a success means the code under test opened it; opening and
// closing the write end also releases a reader blocked in open(2) or read(2), so a regression
// makes the test fail instead of hang.
class FifoWatch {
 public:
  explicit FifoWatch(std::string path) : path_(std::move(path)), thread_([this] { run(); }) {}
  ~FifoWatch() { stop(); }
  FifoWatch(const FifoWatch&) = delete;
  FifoWatch& operator=(const FifoWatch&) = delete;

  // Stops watching; true when a reader was seen on the FIFO.
  bool stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
    return reader_seen_;
  }

 private:
  void run() {
    while (!done_) {
      const int fd = ::open(path_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (fd >= 0) {
        reader_seen_ = true;
        ::close(fd);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  std::string path_;
  std::atomic<bool> done_{false};
  std::atomic<bool> reader_seen_{false};
  std::thread thread_;
};

}  // namespace emoguard::testing
