// ZIP writer: stored and deflated members, correct CRC-32, optional ZipCrypto passwords, UTF-8 names.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

enum class ZipMethod : std::uint16_t { stored = 0, deflated = 8 };

struct ZipOptions {
  std::int64_t mtime = kFixedUnixTime;  // every member gets this DOS time: byte-identical archives
  int deflate_level = 6;
};

// Writes members in the order added, then the central directory and its end record. Encrypted
// members use traditional PKWARE encryption (ZipCrypto), the kind Emotet's "password: 1234" ZIP
// attachments used, so that later tests can decrypt them with the password from the mail body.
class ZipWriter {
 public:
  explicit ZipWriter(ZipOptions options = {});

  void add(std::string_view name, std::string_view data, ZipMethod method = ZipMethod::deflated, std::string_view password = {});
  void add_directory(std::string_view name);  // name ends with '/'
  void set_comment(std::string_view comment) { comment_ = comment; }

  // Appends the central directory; the writer is spent afterwards.
  [[nodiscard]] Bytes finish();

 private:
  ZipOptions options_;
  Bytes out_;
  Bytes central_;
  std::uint16_t count_ = 0;
  std::string comment_;
};

// Raw DEFLATE (no zlib or gzip wrapper), as ZIP members carry it.
[[nodiscard]] Bytes deflate_raw(std::string_view data, int level = 6);

}  // namespace emoguard::fixturegen
