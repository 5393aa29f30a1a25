// MS-OVBA: VBA decompression, the dir stream, the PROJECT stream and its data encryption.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "emoguard/bytes.hpp"
#include "emoguard/result.hpp"

namespace emoguard::formats::ovba {

struct Issue {
  std::string code;  // "ovba.bad_signature", "ovba.bad_copy_token", ...
  std::string message;
  std::uint64_t offset = kNoOffset;
};

struct Decompressed {
  std::string data;             // raw bytes in the project's code page
  std::vector<Issue> issues;    // problems met; data holds what came before the first fatal one
  bool complete = true;         // false when decoding stopped early (error or max_out)
};

// §2.4.1.3. Never fails: malformed input ends decoding with an issue, keeping what was decoded.
[[nodiscard]] Decompressed decompress(ByteView in, std::uint64_t max_out = 64ULL << 20);

struct Module {
  std::string name;                 // MODULENAME, converted to UTF-8 with the project's code page
  std::string name_unicode;         // MODULENAMEUNICODE (UTF-16LE in the file)
  std::string stream_name;          // MODULESTREAMNAME
  std::string stream_name_unicode;
  std::string doc_string;
  std::uint32_t text_offset = 0;    // MODULEOFFSET: source starts here in the module stream
  bool procedural = true;           // 0x0021 standard module; 0x0022 document/class module
  bool read_only = false;
  bool is_private = false;
};

struct DirInfo {
  std::uint32_t syskind = 0;
  std::uint16_t codepage = 1252;
  std::uint32_t lcid = 0;
  std::string project_name;
  std::uint32_t version_major = 0;
  std::uint16_t version_minor = 0;
  std::vector<std::string> references;  // reference names
  std::uint16_t declared_modules = 0;
  std::vector<Module> modules;
  std::vector<Issue> issues;
};

// Parses a decompressed dir stream; tolerant: an unknown or truncated record ends parsing with an issue.
[[nodiscard]] DirInfo parse_dir(ByteView dir);

// The PROJECT stream (§2.3.1): MBCS "key=value" lines.
struct ProjectStream {
  std::vector<std::pair<std::string, std::string>> properties;
  std::vector<std::string> modules;        // Module=
  std::vector<std::string> documents;      // Document= (name before "/&H...")
  std::vector<std::string> classes;        // Class=
  std::vector<std::string> base_classes;   // BaseClass= (forms)
  std::optional<std::vector<std::uint8_t>> protection_state;  // CMG decrypted
  std::optional<std::vector<std::uint8_t>> password;          // DPB decrypted
  std::optional<std::vector<std::uint8_t>> visibility;        // GC decrypted
  // True when GC says the project is locked for viewing (0x00), false when visible (0xFF).
  [[nodiscard]] std::optional<bool> locked() const;
  [[nodiscard]] bool has_password() const;
};
[[nodiscard]] ProjectStream parse_project_stream(ByteView bytes);

// §2.4.3 data encryption, from the hex text of CMG/DPB/GC. Nothing when malformed.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> decrypt_data(std::string_view hex);

// iconv name for a VBA CODEPAGE value ("CP932", "UTF-8", ...).
[[nodiscard]] std::string codepage_name(std::uint16_t codepage);
// Bytes in the project's code page to UTF-8 (invalid sequences become U+FFFD).
[[nodiscard]] std::string to_utf8(std::string_view bytes, std::uint16_t codepage);

}  // namespace emoguard::formats::ovba
