// ReadFile: a regular file read by position (pread), for inputs streamed in blocks so that memory
// stays flat however large the file is (EVTX logs of many GB).
#pragma once

#include <cstdint>
#include <string>

#include "emoguard/result.hpp"

namespace emoguard::io {

class ReadFile {
 public:
  ReadFile() = default;
  ReadFile(ReadFile&& other) noexcept;
  ReadFile& operator=(ReadFile&& other) noexcept;
  ReadFile(const ReadFile&) = delete;
  ReadFile& operator=(const ReadFile&) = delete;
  ~ReadFile();

  // Same refusals as MappedFile::open: never blocks on a FIFO, only regular files.
  static Result<ReadFile> open(const std::string& path);
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  // Reads up to len bytes at offset; returns the count read (short only at the end of the file).
  Result<std::size_t> read_at(std::uint64_t offset, void* buf, std::size_t len) const;

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace emoguard::io
