// Over every real log in the public test data: the field index agrees with the walk for every
// field of every record, and a replayed JSON rendering equals the recorded one. Skipped, saying
// why, when the test data is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "formats/evtx/evtx.hpp"

namespace evtx = emoguard::formats::evtx;
namespace fs = std::filesystem;

namespace {

fs::path testdata() {
  if (const char* env = std::getenv("EMOGUARD_TESTDATA"); env && *env) return env;
  return fs::path(EMOGUARD_SOURCE_DIR) / ".." / "shared" / "testdata";
}

}  // namespace

TEST(EvtxCorpus, FieldIndexAgreesWithTheWalk) {
  const fs::path root = testdata() / "evtx";
  if (!fs::is_directory(root)) GTEST_SKIP() << "public test data not found at " << root << " (set EMOGUARD_TESTDATA)";
  std::vector<fs::path> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file() && e.path().extension() == ".evtx") files.push_back(e.path());
  }
  std::sort(files.begin(), files.end());
  ASSERT_FALSE(files.empty());
  evtx::Chunk chunk;  // one object for all files: the template cache is exercised across them
  std::size_t records = 0, lookups = 0;
  for (const fs::path& f : files) {
    std::ifstream in(f, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const emoguard::ByteView all(bytes);
    for (std::uint64_t slot = 0; slot < evtx::chunk_slots(all.size()); ++slot) {
      const std::uint64_t off = evtx::kFileHeaderBlock + slot * evtx::kChunkSize;
      std::vector<evtx::Problem> problems;
      if (!chunk.parse(all.clamp(off, evtx::kChunkSize), off, slot, {}, problems)) continue;
      for (const evtx::Record& r : chunk.records()) {
        const evtx::RecordView v(chunk, r);
        ASSERT_TRUE(v.ok()) << f << " record " << r.id;
        ++records;
        std::vector<std::pair<std::string, std::string>> walked;
        v.for_each_field([&](std::string_view k, std::string_view val) {
          walked.emplace_back(std::string(k), std::string(val));
          return true;
        });
        for (const auto& kv : walked) {
          const std::string& k = kv.first;  // clang 14 cannot capture a structured binding
          ++lookups;
          const auto first = std::find_if(walked.begin(), walked.end(), [&](const auto& p) { return p.first == k; });
          ASSERT_EQ(v.field(k), first->second) << f << " record " << r.id << " field " << k;
          std::vector<std::string> got, want;
          v.field_values(k, [&](std::string_view x) { got.emplace_back(x); });
          for (const auto& p : walked) {
            if (p.first == k) want.push_back(p.second);
          }
          ASSERT_EQ(got, want) << f << " record " << r.id << " field " << k;
        }
        ASSERT_FALSE(v.field("NoSuchFieldAnywhere"));
        ASSERT_EQ(v.to_json(), v.to_json()) << f << " record " << r.id;
      }
    }
  }
  EXPECT_GT(records, 15000U);
  std::printf("%zu records, %zu field lookups checked\n", records, lookups);
}
