// MappedFile: read-only memory mapping of a regular file, refusing anything that could block.
#pragma once

#include <cstdint>
#include <string>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"
#include "emoguard/text.hpp"

namespace emoguard::io {

class MappedFile {
 public:
  MappedFile() = default;
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  ~MappedFile();

  // Opens without following a final symlink unless follow_symlink, never blocks on FIFOs, and
  // refuses anything that is not a regular file. An empty file maps to an empty view.
  static Result<MappedFile> open(const std::string& path, std::uint64_t max_bytes, bool follow_symlink = true);

  [[nodiscard]] ByteView bytes() const noexcept { return {static_cast<const std::uint8_t*>(addr_), size_}; }
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  // Bytes the file really occupies on disk; far below size() for a sparse file.
  [[nodiscard]] std::uint64_t allocated() const noexcept { return allocated_; }

 private:
  void reset() noexcept;
  void* addr_ = nullptr;
  std::size_t size_ = 0;
  std::uint64_t allocated_ = 0;
};

// Opens a regular file read-only (O_NONBLOCK, so a FIFO can never block; O_NOFOLLOW unless
// follow_symlink) and refuses anything else; the descriptor is the caller's to close. Shared by
// MappedFile and ReadFile.
struct OpenedFile {
  int fd = -1;
  std::uint64_t size = 0;
  std::uint64_t allocated = 0;  // bytes on disk
};
Result<OpenedFile> open_regular(const std::string& path, bool follow_symlink = true);

// The one-line bilingual message for an errno on a path.
Text errno_text(int err, const std::string& what);
Errc errno_code(int err) noexcept;

}  // namespace emoguard::io
