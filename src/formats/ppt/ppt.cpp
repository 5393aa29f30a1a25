// ExOleObjStg carving. Walking the record tree would need the persist directory; scanning for
// the record header ([MS-PPT] 2.3.1: recVer 0 or 0xF, recType 0x1011) with a length check finds
// the same records, including ones that the tree no longer references.
#include "formats/ppt/ppt.hpp"

#include <zlib.h>

#include <algorithm>

namespace emoguard::formats::ppt {

std::vector<Embedded> embedded_storages(ByteView s, std::uint32_t max_records, std::uint64_t max_bytes) {
  std::vector<Embedded> out;
  for (std::uint64_t p = 0; p + 8 <= s.size() && out.size() < max_records; ++p) {
    if (s.u16le(p + 2).value_or(0) != 0x1011) continue;
    const std::uint16_t ver_inst = *s.u16le(p);
    const std::uint16_t instance = ver_inst >> 4;
    const std::uint32_t len = *s.u32le(p + 4);
    if ((ver_inst & 0xF) != 0 || instance > 1 || len < 8 || len > s.size() - p - 8) continue;
    const ByteView body = *s.slice(p + 8, len);
    Embedded e;
    e.offset = p;
    e.compressed = instance == 1;
    if (!e.compressed) {
      e.data.assign(body.chars());
    } else {
      const std::uint32_t declared = *body.u32le(0);
      const std::uint64_t cap = std::min<std::uint64_t>(declared, max_bytes);
      e.data.resize(static_cast<std::size_t>(cap));
      uLongf dest_len = static_cast<uLongf>(cap);
      uLong src_len = static_cast<uLong>(body.size() - 4);
      const int rc = uncompress2(reinterpret_cast<Bytef*>(e.data.data()), &dest_len, body.data() + 4, &src_len);
      e.data.resize(dest_len);
      if (rc != Z_OK) e.issue = rc == Z_BUF_ERROR ? "compressed storage larger than declared or cut short" : "compressed storage is corrupt";
      if (declared > max_bytes) e.issue = "declared size beyond the limit; truncated";
    }
    out.push_back(std::move(e));
    p += 7 + len;  // records do not overlap: continue after this one
  }
  return out;
}

}  // namespace emoguard::formats::ppt
