// Archive writers besides plain ZIP: 7z, RAR5, CAB, ISO 9660, and ZIP-based JAR, APK, collection.
//
// Files are stored, not compressed: the containers' structure is what the tests need.
#pragma once

#include <string>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

struct ArchiveMember {
  std::string name;  // ASCII for cab and iso (8.3 upper case is made from it for iso)
  Bytes data;
};

// 7z with the Copy coder: signature header with both CRCs, packed streams, an uncompressed header.
[[nodiscard]] Bytes sevenzip_archive(const std::vector<ArchiveMember>& members);
// RAR 5 with stored files: main header, file headers with data CRC-32, end of archive.
[[nodiscard]] Bytes rar5_archive(const std::vector<ArchiveMember>& members);
// Microsoft cabinet, one folder, no compression.
[[nodiscard]] Bytes cab_archive(const std::vector<ArchiveMember>& members);
// ISO 9660 level 1 image, files in the root directory: the ISO-smuggling container of 2022.
[[nodiscard]] Bytes iso9660_image(const std::string& volume_id, const std::vector<ArchiveMember>& members);

[[nodiscard]] Bytes jar_archive(const std::string& main_class);
[[nodiscard]] Bytes apk_archive(const std::string& package);
// The shape of what the emoguard Windows collector writes: manifest.json and hives/.
[[nodiscard]] Bytes emoguard_collection(const std::string& host, const Bytes& ntuser_dat);

}  // namespace emoguard::fixturegen
