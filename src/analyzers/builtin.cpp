// Registers every built-in analyzer, explicitly, so that static linking never drops one.
#include "analyzers/builtin.hpp"

#include "analyzers/document/document.hpp"
#include "analyzers/filetype/filetype.hpp"

namespace emoguard::analyzers {

void register_builtin(Registry& registry) {
  registry.add(filetype::make_analyzer());
  registry.add(document::make_analyzer());
}

}  // namespace emoguard::analyzers
