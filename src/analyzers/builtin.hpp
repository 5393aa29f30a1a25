// The list of analyzers compiled into emoguard; each new capability adds one line here.
#pragma once

#include "emoguard/analyzer.hpp"

namespace emoguard::analyzers {

void register_builtin(Registry& registry);

}  // namespace emoguard::analyzers
