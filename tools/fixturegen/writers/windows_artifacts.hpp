// Windows artefact writers: EVTX file header, registry hive (REGF), shell link (LNK), OneNote header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

// An event log with its 4096-byte file header (CRC-32 checksum correct) and no chunks yet: what a
// freshly cleared log looks like. Chunks with BinXML records are the next step for this writer.
[[nodiscard]] Bytes evtx_empty_log(std::uint64_t next_record_id = 1);

// A registry hive: base block with its XOR checksum, one hive bin, keys (nk), subkey lists (lh),
// values (vk) and one shared security cell (sk). Sized for fixtures: one bin, values under 16 KB.
class RegfWriter {
 public:
  explicit RegfWriter(std::string hive_file_name = "\\??\\C:\\Users\\user\\NTUSER.DAT");
  // Path below the root, '\\' between key names ("Software\\Microsoft\\Windows\\CurrentVersion\\Run").
  void add_key(const std::string& path);
  void add_string_value(const std::string& key_path, const std::string& name, const std::string& value, bool expand = false);
  void add_dword_value(const std::string& key_path, const std::string& name, std::uint32_t value);
  [[nodiscard]] Bytes build() const;

 private:
  struct Value {
    std::string name;
    std::uint32_t type;
    Bytes data;
  };
  struct Key {
    std::string name;
    std::vector<std::size_t> subkeys;
    std::vector<Value> values;
  };
  std::size_t key(const std::string& path);
  std::string file_name_;
  std::vector<Key> keys_;  // 0 is the root
};

struct LnkOptions {
  std::string relative_path = "..\\..\\..\\Windows\\System32\\cmd.exe";
  std::string working_dir = "%SystemRoot%\\System32";
  std::string arguments;
  std::string description;
  std::string icon_location = "%SystemRoot%\\System32\\shell32.dll";
  std::uint32_t show_command = 7;  // SW_SHOWMINNOACTIVE: what droppers use to hide the window
};
[[nodiscard]] Bytes shell_link(const LnkOptions& options);

// A OneNote section's 1024-byte header (MS-ONESTORE 2.3.1) with no file node lists behind it;
// embedded files (the .hta/.wsf lures of 2023) are the next step for this writer.
[[nodiscard]] Bytes onenote_section(std::uint64_t seed);

}  // namespace emoguard::fixturegen
