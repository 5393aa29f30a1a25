// emoguard-evtxgen: writes a Windows .evtx file (format 3.1) from a JSON description of events.
// It shares no code with emoguard's EVTX parser on purpose: an independent writer, checked against
// python-evtx and libevtx, is what makes it a test of that parser.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "bytes.hpp"
#include "damage.hpp"
#include "evtx_writer.hpp"
#include "spec.hpp"

namespace {

using namespace emoguard::evtxgen;

constexpr const char* kUsage =
    "emoguard-evtxgen: writes a Windows .evtx file (format 3.1) from a JSON description of events\n"
    "\n"
    "Usage:\n"
    "  emoguard-evtxgen SPEC.json OUT.evtx [--repeat N] [--damage KIND[:ARG]]... [--records-per-chunk-max N]\n"
    "  emoguard-evtxgen --help\n"
    "\n"
    "Records are laid out as Windows writes them: BinXML template instances whose definitions and names\n"
    "are written inline at first use in each chunk and referenced afterwards, chunk string and template\n"
    "tables, 8-byte aligned records, valid CRCs. The spec format is in tools/evtxgen/README.md.\n"
    "\n"
    "Options:\n"
    "  --repeat N                  write the event list N times (default 1); record ids go on counting\n"
    "                              and each pass moves every TimeCreated on by the span of the list plus\n"
    "                              one second. The file is streamed chunk by chunk, so N can be large.\n"
    "  --records-per-chunk-max N   start a new chunk after N records even if the chunk has room\n"
    "  --damage KIND[:ARG]         damage the file after writing it (below)\n"
    "\n";

constexpr const char* kExit =
    "\n"
    "Output: one summary line on stdout. Exit codes: 0 written; 2 bad arguments, a bad spec file or an\n"
    "I/O error (one line on stderr naming the file and the problem; nothing is left at OUT).\n";

std::uint64_t parse_count(const std::string& opt, const std::string& s) {
  if (s.empty() || s.size() > 18 || s.find_first_not_of("0123456789") != std::string::npos)
    throw InputError(opt + " needs a positive integer, not '" + s + "'");
  const std::uint64_t v = std::stoull(s);
  if (v == 0) throw InputError(opt + " must be at least 1");
  return v;
}

struct Args {
  std::string spec;
  std::string out;
  std::uint64_t repeat = 1;
  std::uint64_t per_chunk = 0;
  std::vector<Damage> damages;
  bool help = false;
};

Args parse_args(int argc, char** argv) {
  Args a;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw InputError(arg + " needs a value");
      ++i;
      return argv[i];
    };
    if (arg == "--help" || arg == "-h") {
      a.help = true;
    } else if (arg == "--repeat") {
      a.repeat = parse_count(arg, value());
    } else if (arg == "--records-per-chunk-max") {
      a.per_chunk = parse_count(arg, value());
    } else if (arg == "--damage") {
      a.damages.push_back(parse_damage(value()));
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw InputError("unknown option " + arg + " (see --help)");
    } else {
      positional.push_back(arg);
    }
  }
  if (a.help) return a;
  if (positional.size() != 2) throw InputError("expected SPEC.json and OUT.evtx (see --help)");
  a.spec = positional[0];
  a.out = positional[1];
  std::error_code ec;
  if (std::filesystem::exists(a.out, ec) && std::filesystem::equivalent(a.spec, a.out, ec))
    throw InputError(a.out + ": is the spec file itself; refusing to overwrite it");
  return a;
}

void set_u64_value(Value& v, std::uint64_t x) {
  v.data.clear();
  put_u64(v.data, x);
}

int run(const Args& a) {
  std::unique_ptr<Spec> spec = load_spec(a.spec);
  // Encode every event once on its own: a record too large for a chunk is reported with its place in the spec.
  std::uint64_t min_time = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_time = 0;
  for (Event& e : spec->events) {
    set_u64_value(e.values[kRecordIdIndex], spec->start_record_id);
    Chunk trial;
    try {
      (void)trial.try_append(RecordInput{spec->start_record_id, e.time, e.tmpl, &e.values});
    } catch (const InputError& err) {
      throw InputError(a.spec + ": " + e.path + ": " + err.what());
    }
    min_time = std::min(min_time, e.time);
    max_time = std::max(max_time, e.time);
  }
  const std::uint64_t n = spec->events.size();
  if (n != 0 && a.repeat > (std::numeric_limits<std::uint64_t>::max() / 2 - spec->start_record_id) / n)
    throw InputError("--repeat: too many records for 64-bit record ids");
  const std::uint64_t period = n == 0 ? 0 : max_time - min_time + 10000000ULL;
  if (n != 0 && a.repeat > 1 && (std::numeric_limits<std::uint64_t>::max() - max_time) / (a.repeat - 1) < period)
    throw InputError("--repeat: the times would overflow FILETIME");

  std::uint64_t id = spec->start_record_id;
  FileSummary summary;
  try {
    EvtxFileWriter w(a.out, a.per_chunk, id);
    for (std::uint64_t k = 0; k < a.repeat; ++k) {
      const std::uint64_t shift = k * period;
      for (Event& e : spec->events) {
        const std::uint64_t t = e.time + shift;
        set_u64_value(e.values[kTimeCreatedIndex], t);
        set_u64_value(e.values[kRecordIdIndex], id);
        w.add(RecordInput{id, t, e.tmpl, &e.values});
        ++id;
      }
    }
    summary = w.close();
    for (const Damage& d : a.damages) {
      try {
        apply_damage(a.out, d);
      } catch (const InputError& err) {
        throw InputError(a.out + ": " + err.what());
      }
    }
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(a.out, ec);  // never leave a half-written file behind
    throw;
  }
  std::printf("%s: %llu records (ids %llu..%llu) in %llu chunks, %llu templates, %llu bytes%s\n", a.out.c_str(),
              static_cast<unsigned long long>(summary.records), static_cast<unsigned long long>(spec->start_record_id),
              static_cast<unsigned long long>(summary.next_record_id == 0 ? 0 : summary.next_record_id - 1),
              static_cast<unsigned long long>(summary.chunks), static_cast<unsigned long long>(spec->registry.size()),
              static_cast<unsigned long long>(summary.bytes), a.damages.empty() ? "" : ", damaged");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse_args(argc, argv);
    if (a.help) {
      std::fputs(kUsage, stdout);
      std::fputs(kDamageHelp, stdout);
      std::fputs(kExit, stdout);
      return 0;
    }
    return run(a);
  } catch (const InputError& e) {
    std::fprintf(stderr, "emoguard-evtxgen: %s\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emoguard-evtxgen: internal error: %s\n", e.what());
  }
  return 2;
}
