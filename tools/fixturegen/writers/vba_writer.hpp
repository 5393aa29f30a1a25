// VBA projects ([MS-OVBA]): compression, the dir/PROJECT/PROJECTwm/_VBA_PROJECT streams, module streams.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

class CfbWriter;

// §2.4.1.3 compression: a CompressedContainer of chunks, each searched for the longest earlier
// match inside the chunk (the matcher the specification describes), a raw chunk where tokens
// would not fit. Same input, same bytes: decompressors are tested on text, never on our bytes.
[[nodiscard]] Bytes ovba_compress(std::string_view data);

// §2.4.3.2 data encryption (CMG, DPB and GC in the PROJECT stream). project_id is the ID= value
// with its braces, whose byte sum is the key; seed and the ignored bytes are ours to choose.
[[nodiscard]] Bytes ovba_encrypt(std::string_view data, std::string_view project_id, std::uint8_t seed,
                                 std::uint8_t ignored_byte = 0x07);

// One module as the VBA editor shows it. The stored form adds the hidden "Attribute" lines that
// the editor writes on save (vba_stored_source).
struct VbaModule {
  enum class Kind : std::uint8_t {
    standard,  // Module1: Module= in PROJECT, exported as .bas
    document,  // ThisDocument, ThisWorkbook, Sheet1: Document= in PROJECT, exported as .cls
  };
  std::string name;  // ASCII: module names are identifiers
  Kind kind = Kind::standard;
  std::string code;  // UTF-8, CRLF line ends; encoded with the project's code page when stored
};

struct VbaProject {
  enum class Host : std::uint8_t { word, excel };
  std::string name = "Project";  // Word calls it "Project", Excel "VBAProject"
  Host host = Host::word;
  std::uint16_t codepage = 1252;  // 1252 (Western) or 932 (Japanese, Shift_JIS)
  std::vector<VbaModule> modules;
};

// The module's source as stored in its stream (before compression), in UTF-8: the Attribute
// lines for its kind and host, then the code. What `doc --extract-raw` must give back.
[[nodiscard]] std::string vba_stored_source(const VbaProject& project, const VbaModule& module);
// The file name the VBA editor exports a module to: Module1.bas, ThisDocument.cls.
[[nodiscard]] std::string vba_export_name(const VbaModule& module);

// The streams, uncompressed where the format compresses them.
[[nodiscard]] Bytes vba_dir_stream(const VbaProject& project);        // §2.3.4.2; compressed when stored
[[nodiscard]] Bytes vba_project_stream(const VbaProject& project);    // §2.3.1 PROJECT
[[nodiscard]] Bytes vba_projectwm_stream(const VbaProject& project);  // §2.3.3 PROJECTwm

// Adds PROJECT, PROJECTwm and VBA/{_VBA_PROJECT, dir, modules} under prefix: "Macros/" in a Word
// .doc, "_VBA_PROJECT_CUR/" in an Excel .xls, "" for the vbaProject.bin part of .docm/.xlsm.
// Modules carry no p-code (MODULEOFFSET 0) and _VBA_PROJECT has version 0xFFFF, the
// interoperable form that makes Office compile from source.
void add_vba_project(CfbWriter& cfb, const std::string& prefix, const VbaProject& project);
// A complete vbaProject.bin (a compound file with the project at its root).
[[nodiscard]] Bytes vba_project_part(const VbaProject& project);

}  // namespace emoguard::fixturegen
