// Executable headers without code: PE32/PE32+ EXE and DLL, 16-bit DOS MZ, ELF.
#pragma once

#include <cstdint>
#include <string>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

struct PeOptions {
  bool dll = false;
  bool x64 = false;
  bool gui = true;
  std::uint32_t timestamp = static_cast<std::uint32_t>(kFixedUnixTime);
  // Text stored in the one read-only data section; the image has no code section and its entry
  // point is zero, so there is nothing to run.
  std::string marker = "emoguard fixture: headers only, no code";
  std::uint32_t section_size = 0x200;  // raw size of .rdata, a multiple of 0x200
};
[[nodiscard]] Bytes pe_image(const PeOptions& options = {});
// A DOS program header with no PE header behind it (what a truncated or old .exe looks like).
[[nodiscard]] Bytes dos_mz(std::size_t size = 512);

struct ElfOptions {
  bool shared_object = true;
  bool x64 = true;
};
[[nodiscard]] Bytes elf_header_only(const ElfOptions& options = {});

}  // namespace emoguard::fixturegen
