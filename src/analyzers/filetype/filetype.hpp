// filetype analyzer: names that lie about content (RTLO, double extensions, disguised executables).
#pragma once

#include <memory>

#include "emoguard/analyzer.hpp"

namespace emoguard::analyzers::filetype {

std::unique_ptr<Analyzer> make_analyzer();

}  // namespace emoguard::analyzers::filetype
