// Writing extracted artefacts: new files only, never overwriting, names made safe for any file system.
#pragma once

#include <string>
#include <string_view>

#include "emoguard/result.hpp"

namespace emoguard::io {

// A file-name component from untrusted text (a module or member name): separators, control
// characters and leading dots replaced; UTF-8 kept; at most 120 bytes.
[[nodiscard]] std::string safe_component(std::string_view name);

// Creates dir (and parents) if needed and writes data to dir/name. If that name exists, writes
// to "stem-2.ext", "stem-3.ext", ... instead: an existing file is never opened for writing.
// Returns the path written.
[[nodiscard]] Result<std::string> write_new_file(const std::string& dir, const std::string& name, std::string_view data);

}  // namespace emoguard::io
