// ContentType: what a blob of bytes is, decided from its bytes and never from its name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace emoguard {

enum class ContentType : std::uint8_t {
  empty,
  data,      // unrecognised binary
  ole2,      // CFB / OLE2 compound file: .doc .xls .ppt .msg .msi, encrypted OOXML
  zip,       // ZIP that is not a known document package
  ooxml,     // Office Open XML package (.docx/.docm/.xlsx/.xlsm/.xlsb/.pptx/.pptm, templates)
  evtx,      // Windows XML event log
  regf,      // Windows registry hive
  mail,      // RFC 5322 message (.eml) and MIME HTML (.mht)
  mbox,      // Unix mailbox of many messages
  lnk,       // MS-SHLLINK shortcut
  onenote,   // OneNote section (.one)
  pe,        // Windows executable or DLL
  elf,
  pdf,
  rtf,
  sylk,      // SYLK spreadsheet (.slk): can carry Excel 4.0 macros
  gzip,
  sevenzip,
  rar,
  cab,
  iso,       // ISO 9660 image
  xml,       // XML; subtypes: word2003, applocker_policy, event_xml, wdac_policy
  html,      // HTML; subtype hta
  json,      // one JSON document
  log,       // line logs; subtypes: zeek_tsv, zeek_json, suricata_eve, squid, jsonl, csv
  text,      // other text
};
inline constexpr int kContentTypeCount = static_cast<int>(ContentType::text) + 1;

[[nodiscard]] std::string_view to_string(ContentType t) noexcept;
[[nodiscard]] std::optional<ContentType> parse_content_type(std::string_view s) noexcept;

// The detector's verdict: the type, a finer subtype ("docm", "msg", "suricata_eve"), and why.
struct Detection {
  ContentType type = ContentType::data;
  std::string subtype;
  std::string reason;  // what in the bytes decided it, for --explain and tests
  [[nodiscard]] std::string label() const {
    return subtype.empty() ? std::string(to_string(type)) : std::string(to_string(type)) + "/" + subtype;
  }
};

}  // namespace emoguard
