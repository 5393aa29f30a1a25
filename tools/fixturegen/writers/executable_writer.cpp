// Executable writers: valid headers (file(1) and loaders can read them), one data section, no code.
#include "writers/executable_writer.hpp"

#include <stdexcept>

namespace emoguard::fixturegen {

Bytes pe_image(const PeOptions& o) {
  if (o.section_size == 0 || o.section_size % 0x200 != 0)
    throw std::invalid_argument("PE section size must be a multiple of 0x200");
  if (o.marker.size() > o.section_size) throw std::invalid_argument("PE marker longer than its section");
  constexpr std::uint32_t kFileAlign = 0x200;
  constexpr std::uint32_t kSectionAlign = 0x1000;
  Bytes b;
  // DOS header (64 bytes); the stub area keeps only the customary message, none of the 16-bit code.
  b += "MZ";
  put_u16le(b, 0x90);  // bytes on last page
  put_u16le(b, 3);     // pages
  put_u16le(b, 0);
  put_u16le(b, 4);  // header paragraphs
  put_u16le(b, 0);
  put_u16le(b, 0xFFFF);
  put_u16le(b, 0);
  put_u16le(b, 0xB8);  // sp
  put_u16le(b, 0);
  put_u16le(b, 0);
  put_u16le(b, 0);
  put_u16le(b, 0x40);  // relocation table offset
  put_u16le(b, 0);
  put_zeros(b, 0x3C - b.size());
  put_u32le(b, 0x80);  // e_lfanew
  put_zeros(b, 0x4E - b.size());
  b += "This program cannot be run in DOS mode.\r\r\n$";
  put_zeros(b, 0x80 - b.size());

  // COFF file header.
  b += std::string_view("PE\0\0", 4);
  put_u16le(b, o.x64 ? 0x8664 : 0x014C);
  put_u16le(b, 1);  // sections
  put_u32le(b, o.timestamp);
  put_u32le(b, 0);
  put_u32le(b, 0);
  put_u16le(b, o.x64 ? 0xF0 : 0xE0);  // optional header size
  std::uint16_t ch = 0x0002;          // EXECUTABLE_IMAGE
  ch |= o.x64 ? 0x0020 : 0x0100;      // LARGE_ADDRESS_AWARE or 32BIT_MACHINE
  if (o.dll) ch |= 0x2000;
  put_u16le(b, ch);

  // Optional header.
  const std::uint32_t image_size = kSectionAlign + (o.section_size + kSectionAlign - 1) / kSectionAlign * kSectionAlign;
  put_u16le(b, o.x64 ? 0x20B : 0x10B);
  put_u8(b, 14);  // linker 14.x
  put_u8(b, 29);
  put_u32le(b, 0);               // SizeOfCode: there is none
  put_u32le(b, o.section_size);  // SizeOfInitializedData
  put_u32le(b, 0);
  put_u32le(b, 0);              // AddressOfEntryPoint: none (allowed for a DLL; an EXE so made cannot start)
  put_u32le(b, kSectionAlign);  // BaseOfCode
  if (o.x64) {
    put_u64le(b, o.dll ? 0x180000000ULL : 0x140000000ULL);
  } else {
    put_u32le(b, kSectionAlign);  // BaseOfData
    put_u32le(b, o.dll ? 0x10000000U : 0x00400000U);
  }
  put_u32le(b, kSectionAlign);
  put_u32le(b, kFileAlign);
  put_u16le(b, 6);  // OS version
  put_u16le(b, 0);
  put_u16le(b, 0);  // image version
  put_u16le(b, 0);
  put_u16le(b, 6);  // subsystem version
  put_u16le(b, 0);
  put_u32le(b, 0);
  put_u32le(b, image_size);
  put_u32le(b, kFileAlign);  // SizeOfHeaders
  put_u32le(b, 0);           // CheckSum
  put_u16le(b, o.gui ? 2 : 3);
  put_u16le(b, 0x8160);  // DllCharacteristics: DYNAMIC_BASE | NX_COMPAT | HIGH_ENTROPY_VA | TERMINAL_SERVER_AWARE
  if (o.x64) {
    put_u64le(b, 0x100000);
    put_u64le(b, 0x1000);
    put_u64le(b, 0x100000);
    put_u64le(b, 0x1000);
  } else {
    put_u32le(b, 0x100000);
    put_u32le(b, 0x1000);
    put_u32le(b, 0x100000);
    put_u32le(b, 0x1000);
  }
  put_u32le(b, 0);   // loader flags
  put_u32le(b, 16);  // data directories, all empty
  put_zeros(b, 16 * 8);

  // Section table: one read-only initialised-data section.
  b += std::string_view(".rdata\0\0", 8);
  put_u32le(b, static_cast<std::uint32_t>(o.marker.size() + 1));
  put_u32le(b, kSectionAlign);
  put_u32le(b, o.section_size);
  put_u32le(b, kFileAlign);
  put_u32le(b, 0);
  put_u32le(b, 0);
  put_u16le(b, 0);
  put_u16le(b, 0);
  put_u32le(b, 0x40000040);  // INITIALIZED_DATA | MEM_READ
  if (b.size() > kFileAlign) throw std::logic_error("PE headers exceed SizeOfHeaders");
  put_zeros(b, kFileAlign - b.size());
  b += o.marker;
  put_zeros(b, o.section_size - o.marker.size());
  return b;
}

Bytes dos_mz(std::size_t size) {
  Bytes b = "MZ";
  put_u16le(b, static_cast<std::uint16_t>(size % 512));
  put_u16le(b, static_cast<std::uint16_t>((size + 511) / 512));
  put_u16le(b, 0);
  put_u16le(b, 2);  // header paragraphs
  put_zeros(b, 0x3C - b.size());
  put_u32le(b, 0x00FFFFFF);  // e_lfanew beyond the file: no PE header to find
  b += "16-bit program image (fixture, no code)";
  if (b.size() < size) put_zeros(b, size - b.size());
  return b;
}

Bytes elf_header_only(const ElfOptions& o) {
  Bytes b =
      "\x7F"
      "ELF";
  put_u8(b, o.x64 ? 2 : 1);  // class
  put_u8(b, 1);              // little-endian
  put_u8(b, 1);              // version
  put_u8(b, 0);              // System V ABI
  put_zeros(b, 8);
  put_u16le(b, o.shared_object ? 3 : 2);
  put_u16le(b, o.x64 ? 0x3E : 0x03);
  put_u32le(b, 1);
  if (o.x64) {
    put_u64le(b, 0);  // entry
    put_u64le(b, 0);  // program headers: none
    put_u64le(b, 0);  // section headers: none
  } else {
    put_u32le(b, 0);
    put_u32le(b, 0);
    put_u32le(b, 0);
  }
  put_u32le(b, 0);
  put_u16le(b, o.x64 ? 64 : 52);
  put_u16le(b, o.x64 ? 56 : 32);
  put_u16le(b, 0);
  put_u16le(b, o.x64 ? 64 : 40);
  put_u16le(b, 0);
  put_u16le(b, 0);
  return b;
}

}  // namespace emoguard::fixturegen
