// gzip writer: zlib's deflate with a gzip wrapper and a header we set ourselves (OS byte fixed to Unix).
#include "writers/gzip_writer.hpp"

#include <zlib.h>

#include <stdexcept>
#include <string>

namespace emoguard::fixturegen {

Bytes gzip(std::string_view data, std::string_view original_name, std::int64_t mtime, int level) {
  z_stream zs{};
  if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("deflateInit2 failed");
  std::string name(original_name);  // zlib wants a NUL-terminated, writable-typed buffer
  gz_header h{};
  h.time = static_cast<uLong>(mtime);
  h.os = 3;  // Unix, whatever platform this tool is built on: byte-identical output
  h.name = name.empty() ? Z_NULL : reinterpret_cast<Bytef*>(name.data());
  if (deflateSetHeader(&zs, &h) != Z_OK) {
    deflateEnd(&zs);
    throw std::runtime_error("deflateSetHeader failed");
  }
  Bytes out(deflateBound(&zs, static_cast<uLong>(data.size())) + name.size() + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&zs, Z_FINISH);
  const auto produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip deflate did not finish");
  out.resize(produced);
  return out;
}

}  // namespace emoguard::fixturegen
