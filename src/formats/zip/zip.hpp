// ZIP container reader: central directory (ZIP64 too), local headers, stored and deflated members.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::zip {

struct Issue {
  std::string code;
  std::string message;
  std::uint64_t offset = kNoOffset;
};

struct Member {
  std::string name;              // as stored (CP437 or UTF-8 per flag bit 11; kept as bytes)
  std::uint16_t flags = 0;
  std::uint16_t method = 0;      // 0 stored, 8 deflate, 99 WinZip AES
  std::uint32_t crc32 = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint64_t local_offset = 0;
  [[nodiscard]] bool encrypted() const { return (flags & 1U) != 0; }
  [[nodiscard]] bool is_dir() const { return !name.empty() && name.back() == '/'; }
};

struct Archive {
  std::vector<Member> members;
  std::vector<Issue> issues;
  bool from_central_directory = true;
};

struct ZipLimits {
  std::uint32_t max_members = 65536;
  std::uint64_t max_member_bytes = 512ULL << 20;  // one member inflated in memory
  std::uint64_t max_ratio = 1000;                  // inflate ratio beyond which a member is a bomb
};

// Never fails on a damaged archive: it lists what it can (falling back to local headers) and
// reports the rest as issues. Fails only when there is no ZIP structure at all.
[[nodiscard]] Result<Archive> parse(ByteView file, const ZipLimits& limits = {});

struct Extracted {
  std::string data;
  std::vector<Issue> issues;  // CRC mismatch, truncated data, limit reached
  bool complete = true;
};
// Inflates or copies one member. Encrypted members and unknown methods are errors (Errc::unsupported).
[[nodiscard]] Result<Extracted> extract(ByteView file, const Member& m, const ZipLimits& limits = {});

}  // namespace emoguard::formats::zip
