// Large mixed trees for benchmarks and walk tests: N small files of every kind, deterministic per seed.
#pragma once

#include <cstdint>
#include <functional>

#include "output.hpp"

namespace emoguard::fixturegen {

struct TreeOptions {
  std::uint64_t files = 0;
  std::uint64_t seed = 1;
};

// Calls emit for each file in index order: folders of 100 to 500 files, names unique within the
// tree ("part00000/0000042_請求書.docm"). Each file's bytes depend only on (seed, index), never
// on the files before it, so files are built on one thread per core while emit writes on the
// calling thread.
void generate_tree(const TreeOptions& options, const std::function<void(const FixtureFile&)>& emit);

}  // namespace emoguard::fixturegen
