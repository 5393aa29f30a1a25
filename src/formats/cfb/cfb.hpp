// CFB / OLE2 compound file parser ([MS-CFB]): header, DIFAT, FAT, miniFAT, directory tree, streams.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/limits.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::cfb {

inline constexpr std::uint32_t kMaxRegSect = 0xFFFFFFFA;
inline constexpr std::uint32_t kDifSect = 0xFFFFFFFC;
inline constexpr std::uint32_t kFatSect = 0xFFFFFFFD;
inline constexpr std::uint32_t kEndOfChain = 0xFFFFFFFE;
inline constexpr std::uint32_t kFreeSect = 0xFFFFFFFF;
inline constexpr std::uint32_t kNoStream = 0xFFFFFFFF;

enum class EntryType : std::uint8_t { unused = 0, storage = 1, stream = 2, root = 5 };

struct Entry {
  std::uint32_t id = 0;
  std::string name;  // UTF-8
  EntryType type = EntryType::unused;
  std::uint32_t left = kNoStream;
  std::uint32_t right = kNoStream;
  std::uint32_t child = kNoStream;
  std::uint32_t start = kEndOfChain;
  std::uint64_t size = 0;
  std::array<std::uint8_t, 16> clsid{};
  std::uint32_t parent = kNoStream;  // storage that holds it; kNoStream for the root and orphans
  std::string path;                  // "Macros/VBA/dir"; orphans: "<orphan>/NAME"
  bool in_tree = false;              // reachable from the root through the red-black tree
  bool mini = false;                 // stored in the mini stream
  std::vector<std::uint32_t> sectors;  // the (mini)sector chain actually usable
  bool chain_short = false;          // the chain ends before the declared size
};

// A malformation found while parsing: reported as an anomaly by the caller; parsing goes on.
struct Issue {
  std::string code;  // "cfb.fat_loop", "cfb.dir_cycle", ...
  std::string message;
  std::uint64_t offset = kNoOffset;
};

// What lies after the last sector in use (the 2023 Emotet trick: hundreds of MB of zeros).
struct Tail {
  std::uint64_t used_end = 0;  // bytes [0, used_end) hold every allocated sector
  std::uint64_t tail_bytes = 0;
  enum class Kind : std::uint8_t { none, zeros, constant, other } kind = Kind::none;
  std::uint8_t constant = 0;
  bool sampled = false;  // classification read samples, not every byte
};

class Compound {
 public:
  // Fails only when the bytes are not a compound file at all (signature, unusable sector size);
  // every other problem becomes an Issue and parsing continues with what is usable.
  static Result<Compound> parse(ByteView file, const Limits& limits = {});

  [[nodiscard]] const std::vector<Entry>& entries() const { return entries_; }
  [[nodiscard]] const std::vector<Issue>& issues() const { return issues_; }
  [[nodiscard]] std::uint32_t sector_size() const { return ss_; }
  [[nodiscard]] std::uint16_t major_version() const { return major_; }
  [[nodiscard]] const Tail& tail() const { return tail_; }
  // Entry by path from the root, case-insensitively ("macros/vba/DIR"); in-tree entries only.
  [[nodiscard]] const Entry* find(std::string_view path) const;
  [[nodiscard]] std::vector<const Entry*> children(const Entry& storage) const;
  // The stream's bytes (at most limits.cfb_max_stream_bytes; a longer stream is an Errc::limit error).
  [[nodiscard]] Result<std::vector<std::uint8_t>> read(const Entry& e) const;

 private:
  void add_issue(std::string code, std::string message, std::uint64_t offset = kNoOffset);
  std::vector<std::uint32_t> follow(std::uint32_t start, const std::vector<std::uint32_t>& table, std::uint64_t count,
                                    std::uint64_t max_len, std::string_view what, bool& ended_early);
  void load_fat();
  void load_directory();
  void build_tree();
  void load_streams();
  void compute_tail();

  ByteView file_;
  Limits limits_;
  std::uint32_t ss_ = 512;
  std::uint16_t major_ = 3;
  std::uint64_t sector_count_ = 0;
  std::uint32_t first_dir_ = kEndOfChain;
  std::uint32_t first_minifat_ = kEndOfChain;
  std::uint32_t minifat_count_ = 0;
  std::uint32_t fat_count_ = 0;
  std::uint32_t first_difat_ = kEndOfChain;
  std::uint32_t difat_count_ = 0;
  std::vector<std::uint32_t> fat_sectors_;
  std::vector<std::uint32_t> fat_;
  std::vector<std::uint32_t> minifat_;
  std::vector<std::uint32_t> mini_stream_;  // sector chain of the root entry (the mini stream)
  std::vector<Entry> entries_;
  std::vector<Issue> issues_;
  Tail tail_;
  std::size_t issues_dropped_ = 0;
};

}  // namespace emoguard::formats::cfb
