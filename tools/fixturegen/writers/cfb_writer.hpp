// CFB (OLE2 compound file, MS-CFB) version 3 writer: storages, streams, mini stream, FAT, DIFAT.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

// Builds a complete, valid version 3 compound file (512-byte sectors) in memory. Streams shorter
// than the 4096-byte cutoff go to the mini stream, the rest to regular sectors, exactly as Office
// does, so that readers' two code paths are both exercised. Sibling trees are balanced binary trees
// with every node black, which MS-CFB 2.6.4 names as a valid red-black tree.
class CfbWriter {
 public:
  CfbWriter();

  // The CLSID of the root entry ({000C1084-...} marks an MSI, {00020906-...} a Word document).
  void set_root_clsid(const Guid& clsid);
  // Paths use '/' between storage names ("VBA/dir"); missing storages are created on the way.
  // A name is at most 31 UTF-16 units and may start with a control character ("\x05SummaryInformation").
  void add_storage(std::string_view path, const Guid& clsid = {});
  void add_stream(std::string_view path, Bytes data);

  [[nodiscard]] Bytes build() const;

 private:
  struct Entry {
    std::string name;       // UTF-8
    std::uint8_t type = 0;  // 1 storage, 2 stream, 5 root
    Guid clsid{};
    Bytes data;
    std::vector<std::uint32_t> children;
  };
  std::uint32_t child(std::uint32_t parent, std::string_view name, std::uint8_t type);

  std::vector<Entry> entries_;
};

// Property set streams ("\x05SummaryInformation"): what file(1), Explorer and analysts read first.
struct SummaryInfo {
  std::string title;
  std::string subject;
  std::string author;
  std::string keywords;
  std::string comments;
  std::string template_name;
  std::string last_author;
  std::string app_name = "Microsoft Office Word";
  std::uint64_t created = kFixedFiletime;
  std::uint64_t saved = kFixedFiletime;
  std::uint32_t pages = 1;
  std::uint16_t codepage = 1252;  // strings are written as given: keep them ASCII for 1252
};
[[nodiscard]] Bytes summary_information_stream(const SummaryInfo& info);

}  // namespace emoguard::fixturegen
