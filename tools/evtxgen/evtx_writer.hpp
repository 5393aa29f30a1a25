// EVTX layout: records (BinXML template instances) packed into 64 KiB chunks, streamed to a file.
#pragma once

#include <array>
#include <cstdint>
#include <fstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "bytes.hpp"
#include "templates.hpp"
#include "values.hpp"

namespace emoguard::evtxgen {

inline constexpr std::size_t kFileHeaderBlock = 4096;
inline constexpr std::size_t kFileHeaderSize = 128;
inline constexpr std::size_t kChunkSize = 65536;
inline constexpr std::size_t kChunkHeaderSize = 512;

// One event record: its id, its written time (FILETIME) and the values of its outer template.
struct RecordInput {
  std::uint64_t id = 0;
  std::uint64_t written = 0;
  const Template* tmpl = nullptr;
  const std::vector<Value>* values = nullptr;
};

// What a chunk knows about the names and template definitions written in it so far.
struct ChunkTables {
  std::unordered_map<std::u16string, std::uint32_t> names;  // name -> chunk offset of its structure
  std::array<std::uint32_t, 64> name_heads{};                // string table: newest name of each bucket
  std::unordered_map<const Template*, std::uint32_t> templates;  // template -> offset of its definition
  std::array<std::uint32_t, 32> template_heads{};
};

// One 64 KiB chunk being filled.
class Chunk {
 public:
  Chunk();
  // Encodes r at the end of the chunk. Returns false, leaving the chunk unchanged, if it does not fit.
  [[nodiscard]] bool try_append(const RecordInput& r);
  [[nodiscard]] std::size_t record_count() const { return count_; }
  // Writes the header (record range, offsets, tables, CRCs) and returns the whole chunk.
  [[nodiscard]] const Bytes& finish();
  void reset();

 private:
  Bytes buf_;
  std::uint32_t free_ = kChunkHeaderSize;
  std::uint32_t last_record_ = 0;
  std::uint64_t first_id_ = 0;
  std::uint64_t last_id_ = 0;
  std::size_t count_ = 0;
  ChunkTables tables_;
};

struct FileSummary {
  std::uint64_t chunks = 0;
  std::uint64_t records = 0;
  std::uint64_t next_record_id = 0;
  std::uint64_t bytes = 0;
};

// Streams chunks to a file: memory use does not grow with the number of records.
class EvtxFileWriter {
 public:
  // first_record_id is only used for the header of a file without records.
  EvtxFileWriter(const std::string& path, std::size_t max_records_per_chunk, std::uint64_t first_record_id);
  void add(const RecordInput& r);
  // Flushes the last chunk and writes the file header. The file is complete only after this.
  FileSummary close();

 private:
  void flush_chunk();

  std::string path_;
  std::ofstream out_;
  std::size_t max_per_chunk_;
  Chunk chunk_;
  FileSummary summary_;
};

// Builds the 4096-byte file header block.
[[nodiscard]] Bytes file_header(std::uint64_t chunk_count, std::uint64_t next_record_id, std::uint32_t flags);

}  // namespace emoguard::evtxgen
