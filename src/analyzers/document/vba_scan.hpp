// VBA source analysis: mraptor-parity A/W/X flags, keyword classes, deobfuscated strings and IOCs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace emoguard::analyzers::document {

// mraptor's three regex families (oletools/mraptor.py), reproduced with their quirks:
// A has a trailing word boundary only on Auto_Ope, so "Auto_Opener" and "Btn_Clicked" match.
struct MraptorFlags {
  bool autoexec = false;  // A
  bool write = false;     // W
  bool execute = false;   // X
  [[nodiscard]] bool suspicious() const { return autoexec && (write || execute); }
  [[nodiscard]] std::string str() const;  // "AWX" with "-" for a miss
};

// Joins modules as mraptor does (each + "\n", line continuations folded) and matches A, W, X.
[[nodiscard]] MraptorFlags mraptor(const std::vector<std::string>& module_sources);
// The module as the VBA editor shows it: the hidden "Attribute ..." lines removed.
[[nodiscard]] std::string editor_view(std::string_view source);
// Folds VBA line continuations (" _" at the end of a line) into one space, as mraptor does.
[[nodiscard]] std::string fold_continuations(std::string_view code);

struct Hit {
  std::string keyword;  // as written in the rule list
  std::string klass;    // "autoexec", "autoexec_weak", "execute", "write", "download", "powershell", ...
};

// Keyword classes beyond mraptor, whole-word and case-insensitive; each keyword reported once.
[[nodiscard]] std::vector<Hit> keyword_hits(std::string_view code);

// A string recovered from an obfuscated expression, with how it was recovered.
struct Decoded {
  std::string value;
  std::string how;  // "Chr concatenation", "StrReverse", "Replace", "Base64", "PowerShell -EncodedCommand", ...
};

// Evaluates string expressions (literals, &/+, Chr/ChrW/ChrB, StrReverse, Replace, LCase/UCase,
// Mid/Left/Right, simple variables), then decodes Base64 and PowerShell -EncodedCommand found in
// the results. Bounded by a deadline: what was decoded before it is returned.
[[nodiscard]] std::vector<Decoded> deobfuscate(std::string_view code, std::chrono::steady_clock::time_point deadline);

// The UTF-16LE text of a PowerShell -EncodedCommand/-enc/-e argument, if the command line has one.
[[nodiscard]] std::string powershell_encoded_command(std::string_view command_line);

struct Ioc {
  std::string kind;  // url, ip, domain, executable
  std::string value;
};
[[nodiscard]] std::vector<Ioc> find_iocs(std::string_view text);

}  // namespace emoguard::analyzers::document
