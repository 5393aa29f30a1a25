// emoguard-fixturegen: writes synthetic, harmless evidence for emoguard's tests, demo and benchmarks.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "evidence.hpp"
#include "output.hpp"
#include "tree.hpp"

namespace {

using emoguard::fixturegen::FatalError;

constexpr const char* kHelp =
    "emoguard-fixturegen: synthetic, harmless evidence for emoguard's tests and benchmarks\n"
    "\n"
    "Usage:\n"
    "  emoguard-fixturegen evidence DIR [--expect FILE] [--sources DIR2]\n"
    "      Write the fixed evidence set into DIR: at least one file of every content type and subtype\n"
    "      emoguard detects (OLE2, OOXML, ZIP, EVTX, REGF, mail, mbox, LNK, OneNote, PE, ELF, PDF, RTF,\n"
    "      gzip, 7z, RAR, CAB, ISO, XML, HTML/HTA, JSON, logs, text), in mail/ documents/ downloads/\n"
    "      logs/ system/, with Japanese names, and name/content mismatches for the filetype analyzer\n"
    "      (請求書.pdf.exe, a right-to-left override name, a DLL named photo.png, MHTML named report.doc),\n"
    "      and macro documents: Word, Excel and OOXML files with real VBA projects (Emotet-shaped\n"
    "      auto-exec lures and ordinary macros) and an .xls with a very hidden Excel 4.0 macro sheet.\n"
    "      Byte-identical on every run, file times included.\n"
    "  emoguard-fixturegen tree DIR N [--seed S] [--expect FILE]\n"
    "      Write N small files of mixed types (a few hundred bytes to a few KB) in folders of 100 to\n"
    "      500 files. The same N and seed (default 1) give the same tree.\n"
    "  emoguard-fixturegen --help\n"
    "\n"
    "Options:\n"
    "  --expect FILE  also write FILE (outside DIR): one line per file, \"relative/path<TAB>label\", the\n"
    "                 label being what 'emoguard identify' must report (type or type/subtype)\n"
    "  --seed S       tree only: an unsigned 64-bit seed\n"
    "  --sources DIR2 evidence only: also write into DIR2 (a new or empty folder outside DIR) what each\n"
    "                 macro document carries, as 'emoguard doc --extract-raw' must give it back:\n"
    "                 DIR2/<document path>/<Module>.bas|.cls (stored VBA source, UTF-8) and <Sheet>.xlm\n"
    "\n"
    "DIR is created; if it exists it must be an empty folder. No existing file is ever overwritten.\n"
    "Nothing written is executable or live: executables carry headers and no code; the macros of the\n"
    "lure documents would only reach example.invalid, which never resolves, and run a DLL that is\n"
    "never written; every name points at example.invalid or documentation addresses.\n"
    "Exit codes: 0 written, 2 bad arguments or an error (one line on stderr).\n";

std::uint64_t parse_u64(std::string_view what, const std::string& s, bool allow_zero) {
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos)
    throw FatalError(std::string(what) + " must be an unsigned integer, not '" + s + "'");
  errno = 0;
  char* end = nullptr;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (errno == ERANGE) throw FatalError(std::string(what) + " is too large: " + s);
  if (!allow_zero && v == 0) throw FatalError(std::string(what) + " must be at least 1");
  return v;
}

struct Args {
  std::string command;
  std::vector<std::string> positional;
  std::optional<std::string> expect;
  std::optional<std::string> seed;
  std::optional<std::string> sources;
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) {
      if (i + 1 >= argc) throw FatalError(std::string(name) + " needs a value");
      return std::string(argv[++i]);
    };
    if (arg == "--expect") {
      if (a.expect) throw FatalError("--expect given twice");
      a.expect = value("--expect");
    } else if (arg.rfind("--expect=", 0) == 0) {
      a.expect = arg.substr(9);
    } else if (arg == "--seed") {
      a.seed = value("--seed");
    } else if (arg.rfind("--seed=", 0) == 0) {
      a.seed = arg.substr(7);
    } else if (arg == "--sources") {
      if (a.sources) throw FatalError("--sources given twice");
      a.sources = value("--sources");
    } else if (arg.rfind("--sources=", 0) == 0) {
      a.sources = arg.substr(10);
    } else if (arg == "--") {
      for (++i; i < argc; ++i) a.positional.emplace_back(argv[i]);
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw FatalError("unknown option '" + arg + "'");
    } else if (a.command.empty()) {
      a.command = arg;
    } else {
      a.positional.push_back(arg);
    }
  }
  return a;
}

int run(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") break;  // after it, "--help" could be a folder name
    if (arg == "--help" || arg == "-h" || (i == 1 && arg == "help")) {
      std::fputs(kHelp, stdout);
      return 0;
    }
  }
  const Args a = parse(argc, argv);
  using namespace emoguard::fixturegen;
  std::vector<std::pair<std::string, std::string>> expected;
  std::optional<OutputDir> out;
  auto open_output = [&](const std::string& dir) {
    if (a.expect) check_expect_path(*a.expect, dir);
    out.emplace(dir);
  };
  auto put = [&](const FixtureFile& f) {
    out->write(f.path, f.bytes);
    if (a.expect) expected.emplace_back(f.path, f.label);
  };

  if (a.command == "evidence") {
    if (a.positional.size() != 1) throw FatalError("evidence takes one folder: emoguard-fixturegen evidence DIR [--expect FILE]");
    if (a.seed) throw FatalError("--seed applies to 'tree' only");
    if (a.sources) check_separate_dirs(*a.sources, a.positional[0]);
    open_output(a.positional[0]);
    std::optional<OutputDir> src;
    if (a.sources) src.emplace(*a.sources);  // before any file is written: it too must be new or empty
    std::vector<MacroSource> sources;
    for (const auto& f : evidence_set(src ? &sources : nullptr)) put(f);
    if (src) {
      for (const auto& m : sources) src->write(m.document + "/" + m.file_name, m.text);
      src->finish();
    }
  } else if (a.command == "tree") {
    if (a.positional.size() != 2) throw FatalError("tree takes a folder and a count: emoguard-fixturegen tree DIR N [--seed S]");
    if (a.sources) throw FatalError("--sources applies to 'evidence' only");
    TreeOptions t;
    t.files = parse_u64("N", a.positional[1], false);
    if (t.files > 100'000'000) throw FatalError("N is larger than 100000000; split the tree");
    t.seed = a.seed ? parse_u64("--seed", *a.seed, true) : 1;
    open_output(a.positional[0]);
    generate_tree(t, put);
  } else if (a.command.empty()) {
    throw FatalError("no command given (evidence or tree)");
  } else {
    throw FatalError("unknown command '" + a.command + "' (evidence or tree)");
  }
  out->finish();
  if (a.expect) write_expect_file(*a.expect, std::move(expected));
  std::printf("emoguard-fixturegen: wrote %llu files (%llu bytes) to %s\n", static_cast<unsigned long long>(out->files()),
              static_cast<unsigned long long>(out->bytes()), out->root().c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const FatalError& e) {
    std::fprintf(stderr, "emoguard-fixturegen: error: %s (see --help)\n", e.what());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emoguard-fixturegen: internal error: %s\n", e.what());
  }
  return 2;
}
