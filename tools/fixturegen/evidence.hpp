// The fixed evidence set: every content type and subtype emoguard detects, each with its label.
//
// It also holds the name/content mismatches the filetype analyzer must flag, and benign files
// whose names fit their content.
#pragma once

#include <vector>

#include "macro_documents.hpp"
#include "output.hpp"

namespace emoguard::fixturegen {

// Byte-identical on every run and platform: every time, seed and name inside is fixed. With
// macro_sources, also what the macro documents carry (see MacroSource).
[[nodiscard]] std::vector<FixtureFile> evidence_set(std::vector<MacroSource>* macro_sources = nullptr);

}  // namespace emoguard::fixturegen
