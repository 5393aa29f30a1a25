// MappedFile implementation over open(2)/fstat(2)/mmap(2).
#include "io/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace emoguard::io {

Errc errno_code(int err) noexcept {
  switch (err) {
    case ENOENT:
    case ENOTDIR: return Errc::not_found;
    case EACCES:
    case EPERM: return Errc::permission;
    case ELOOP: return Errc::loop;
    case EFBIG:
    case EOVERFLOW: return Errc::too_large;
    default: return Errc::io;
  }
}

Text errno_text(int err, const std::string& what) {
  switch (err) {
    case ENOENT: return {what + ": no such file or directory", what + ": ファイルまたはディレクトリがありません"};
    case ENOTDIR: return {what + ": a path component is not a directory", what + ": パスの途中がディレクトリではありません"};
    case EACCES:
    case EPERM: return {what + ": permission denied", what + ": アクセスが拒否されました"};
    case ELOOP: return {what + ": too many levels of symbolic links (a symlink loop)", what + ": シンボリックリンクがループしています"};
    default: {
      const std::string m = std::strerror(err);
      return {what + ": " + m, what + ": 読み込めません (" + m + ")"};
    }
  }
}

MappedFile::MappedFile(MappedFile&& other) noexcept
    : addr_(std::exchange(other.addr_, nullptr)), size_(std::exchange(other.size_, 0)), allocated_(other.allocated_) {}

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    reset();
    addr_ = std::exchange(other.addr_, nullptr);
    size_ = std::exchange(other.size_, 0);
    allocated_ = other.allocated_;
  }
  return *this;
}

MappedFile::~MappedFile() { reset(); }

void MappedFile::reset() noexcept {
  if (addr_ != nullptr) munmap(addr_, size_);
  addr_ = nullptr;
  size_ = 0;
}

Result<OpenedFile> open_regular(const std::string& path, bool follow_symlink) {
  // O_NONBLOCK: a FIFO that slipped past an earlier check must not hang the open.
  int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
  if (!follow_symlink) flags |= O_NOFOLLOW;
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) {
    const int err = errno;
    return make_error(errno_code(err), errno_text(err, path).en);
  }
  struct stat st{};
  if (fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return make_error(errno_code(err), errno_text(err, path).en);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return make_error(Errc::not_regular, path + ": not a regular file");
  }
  return OpenedFile{fd, static_cast<std::uint64_t>(st.st_size), static_cast<std::uint64_t>(st.st_blocks) * 512};
}

Result<MappedFile> MappedFile::open(const std::string& path, std::uint64_t max_bytes, bool follow_symlink) {
  auto opened = open_regular(path, follow_symlink);
  if (!opened) return opened.error();
  const int fd = opened->fd;
  const std::uint64_t size = opened->size;
  if (size > max_bytes) {
    ::close(fd);
    return make_error(Errc::too_large, path + ": " + std::to_string(size) + " bytes exceeds the limit of " + std::to_string(max_bytes));
  }
  MappedFile m;
  m.allocated_ = opened->allocated;
  if (size == 0) {
    ::close(fd);
    return m;
  }
  void* addr = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ, MAP_PRIVATE, fd, 0);
  const int err = errno;
  ::close(fd);
  if (addr == MAP_FAILED) return make_error(Errc::io, path + ": cannot map: " + std::strerror(err));
  m.addr_ = addr;
  m.size_ = static_cast<std::size_t>(size);
  return m;
}

}  // namespace emoguard::io
