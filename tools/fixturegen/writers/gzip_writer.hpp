// gzip writer (RFC 1952) through zlib, with a fixed header time and an optional original name.
#pragma once

#include <string_view>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

// mtime 0 is gzip's "no time"; we store kFixedUnixTime so that the header looks like a real log rotation.
[[nodiscard]] Bytes gzip(std::string_view data, std::string_view original_name = {}, std::int64_t mtime = kFixedUnixTime,
                         int level = 6);

}  // namespace emoguard::fixturegen
