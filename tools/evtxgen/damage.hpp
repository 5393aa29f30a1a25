// Deliberate damage to a written EVTX file (bad CRCs, dirty flag, zeroed or cut chunks, bad tokens).
#pragma once

#include <cstdint>
#include <string>

namespace emoguard::evtxgen {

struct Damage {
  std::string kind;
  std::uint64_t arg = 0;
  std::string text;  // as given on the command line
};

// Parses "KIND" or "KIND:ARG" (ARG decimal or 0x-hex); throws InputError.
[[nodiscard]] Damage parse_damage(const std::string& text);

// Applies d to the file at path; throws InputError when it cannot (no such chunk, record...).
void apply_damage(const std::string& path, const Damage& d);

// The --help text for the damage kinds.
extern const char* const kDamageHelp;

}  // namespace emoguard::evtxgen
