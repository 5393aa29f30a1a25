// PowerPoint 97-2003 binary: embedded OLE storages (ExOleObjStg records), where .ppt keeps VBA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::ppt {

struct Embedded {
  std::uint64_t offset = 0;   // of the record header in the PowerPoint Document stream
  std::string data;           // the storage's bytes (decompressed when the record was compressed)
  bool compressed = false;
  std::string issue;          // non-empty when the record could not be fully decoded
};

// Finds RT_ExOleObjStg (0x1011) records by their 8-byte headers and inflates the compressed
// ones (recInstance 1: u32 size, then zlib). Bounded: at most max_records, each at most max_bytes.
[[nodiscard]] std::vector<Embedded> embedded_storages(ByteView stream, std::uint32_t max_records = 256,
                                                      std::uint64_t max_bytes = 64ULL << 20);

}  // namespace emoguard::formats::ppt
