// ReadFile over open(2)/fstat(2)/pread(2).
#include "io/read_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "io/mapped_file.hpp"

namespace emoguard::io {

ReadFile::ReadFile(ReadFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)), size_(other.size_) {}

ReadFile& ReadFile::operator=(ReadFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
  }
  return *this;
}

ReadFile::~ReadFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<ReadFile> ReadFile::open(const std::string& path) {
  auto opened = open_regular(path);
  if (!opened) return opened.error();
  ReadFile f;
  f.fd_ = opened->fd;
  f.size_ = opened->size;
  (void)::posix_fadvise(f.fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  return f;
}

Result<std::size_t> ReadFile::read_at(std::uint64_t offset, void* buf, std::size_t len) const {
  std::size_t done = 0;
  auto* p = static_cast<char*>(buf);
  while (done < len) {
    const ssize_t n = ::pread(fd_, p + done, len - done, static_cast<off_t>(offset + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return make_error(Errc::io, std::string("read failed: ") + std::strerror(errno), offset + done);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

}  // namespace emoguard::io
