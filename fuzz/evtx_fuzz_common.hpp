// Shared by the EVTX fuzz targets: parse a chunk, then read every record every way a caller can.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "formats/evtx/evtx.hpp"

namespace emoguard::fuzz {

inline void exercise_chunk(ByteView chunk, bool carve) {
  namespace evtx = formats::evtx;
  evtx::Chunk c;
  evtx::ParseOptions opt;
  opt.carve = carve;
  std::vector<evtx::Problem> problems;
  (void)c.parse(chunk, evtx::kFileHeaderBlock, 0, opt, problems);
  std::string out;
  for (const evtx::Record& r : c.records()) {
    // A record's bytes lie inside the chunk.
    if (r.offset < evtx::kFileHeaderBlock || r.offset - evtx::kFileHeaderBlock + r.size > chunk.size()) __builtin_trap();
    const evtx::RecordView v(c, r);
    out.clear();
    v.append_json(out);
    // The second rendering may replay a recorded plan: it must give the same text.
    if (out != v.to_json()) __builtin_trap();
    v.append_xml(out);
    // The field index gives what the walk gives: the first value by name, and all of them.
    std::vector<std::pair<std::string, std::string>> walked;
    v.for_each_field([&](std::string_view k, std::string_view val) {
      walked.emplace_back(std::string(k), std::string(val));
      return walked.size() < 100000;
    });
    for (const auto& kv : walked) {
      const std::string& k = kv.first;  // clang 14 cannot capture a structured binding
      const auto first = std::find_if(walked.begin(), walked.end(), [&](const auto& p) { return p.first == k; });
      if (v.field(k) != first->second) __builtin_trap();
      std::vector<std::string> all;
      v.field_values(k, [&](std::string_view x) { all.emplace_back(x); });
      std::vector<std::string> want;
      for (const auto& p : walked) {
        if (p.first == k) want.push_back(p.second);
      }
      if (all != want) __builtin_trap();
    }
    (void)v.field("EventID");
  }
  for (const evtx::Problem& p : problems) {
    if (p.offset < evtx::kFileHeaderBlock || p.offset > evtx::kFileHeaderBlock + chunk.size()) __builtin_trap();
  }
  // Parsed again by the same object, the templates come from its cache and the JSON from the
  // plans recorded above: the records must render exactly as they did.
  std::vector<std::string> first;
  for (const evtx::Record& r : c.records()) first.push_back(evtx::RecordView(c, r).to_json());
  std::vector<evtx::Problem> again;
  (void)c.parse(chunk, evtx::kFileHeaderBlock, 0, opt, again);
  if (c.records().size() != first.size() || again.size() != problems.size()) __builtin_trap();
  for (std::size_t i = 0; i < first.size(); ++i) {
    if (evtx::RecordView(c, c.records()[i]).to_json() != first[i]) __builtin_trap();
  }
}

}  // namespace emoguard::fuzz
