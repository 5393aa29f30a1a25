// The macro documents of the evidence set: inert Emotet-shaped lures and ordinary macro files.
#pragma once

#include <string>
#include <vector>

#include "output.hpp"

namespace emoguard::fixturegen {

// What a macro document carries, as `emoguard doc --extract-raw` must give it back: one entry
// per VBA module (Module1.bas, ThisDocument.cls: the stored source, Attribute lines included,
// in UTF-8) and per XLM macro sheet (Macro1.xlm: "A1<TAB>=FORMULA" lines).
struct MacroSource {
  std::string document;   // the document's path in the evidence set
  std::string file_name;  // Module1.bas, ThisDocument.cls, Macro1.xlm
  std::string text;
};

// Appends the macro documents to files and, when sources is given, what each one carries.
void add_macro_documents(std::vector<FixtureFile>& files, std::vector<MacroSource>* sources);

}  // namespace emoguard::fixturegen
