// emoguard doc: Office files and their macros: verdicts, decoded payloads, extraction.
#include <memory>
#include <mutex>

#include "analyzers/document/document.hpp"
#include "analyzers/document/vba_scan.hpp"
#include "analyzers/engine/engine.hpp"
#include "analyzers/filetype/filetype.hpp"
#include "cli/commands.hpp"
#include "cli/driver.hpp"
#include "emoguard/text.hpp"
#include "io/mapped_file.hpp"
#include "io/output_files.hpp"
#include "io/walker.hpp"

namespace emoguard::cli {

namespace {

// Rule files are read through io like every other input; a folder contributes its .yar/.yara files.
Result<std::shared_ptr<const analyzers::yara::Rules>> load_yara(const std::string& path, const Limits& limits) {
  std::vector<std::pair<std::string, std::string>> sources;
  std::string walk_error;
  io::Walker walker(limits);
  walker.walk(
      {path},
      [&](io::WalkEntry&& e) {
        const std::string l = text::to_lower_ascii(e.path);
        const bool rule_file = e.named || (l.size() > 4 && l.compare(l.size() - 4, 4, ".yar") == 0) ||
                               (l.size() > 5 && l.compare(l.size() - 5, 5, ".yara") == 0);
        if (!rule_file) return;
        auto m = io::MappedFile::open(e.path, 64ULL << 20);
        if (!m) {
          walk_error = m.error().message;
          return;
        }
        sources.emplace_back(e.path, std::string(m->bytes().chars()));
      },
      [&](io::WalkIssue&& i) {
        if (i.is_error) walk_error = i.message.en;
      });
  if (!walk_error.empty()) return make_error(Errc::io, walk_error);
  if (sources.empty()) return make_error(Errc::not_found, "no .yar or .yara files found");
  return analyzers::yara::Rules::compile(sources);
}

}  // namespace

Runner add_doc(CLI::App& app) {
  struct State {
    std::vector<std::string> inputs;
    CommonOptions common;
    std::string extract;
    bool mraptor = false;
    bool extract_raw = false;
    std::string yara;
  };
  auto st = std::make_shared<State>();
  auto* cmd = app.add_subcommand("doc", "Analyse Word, Excel, PowerPoint and Visio files for VBA macros: find them in every container, "
                                        "decode what they hide, and say how dangerous they are");
  cmd->add_option("inputs", st->inputs, "Office files and folders")->required();
  cmd->add_option("--extract", st->extract, "Write each VBA module (NAME.bas / NAME.cls, as the VBA editor shows it) and each Excel 4.0 "
                                            "macro sheet (NAME.xlm: cell, tab, formula) into this folder, one subfolder per input file; "
                                            "existing files are never overwritten");
  cmd->add_flag("--extract-raw", st->extract_raw, "With --extract: keep the hidden 'Attribute' lines, i.e. the source exactly as stored");
  cmd->add_option("--yara", st->yara, "YARA rules (a .yar file, or a folder of .yar/.yara files) matched against every decompressed "
                                      "module, decoded payload and Excel 4.0 sheet; meta severity = \"high\" sets a match's severity "
                                      "(default medium)");
  cmd->add_flag("--mraptor", st->mraptor, "Also report oletools mraptor's verdict (A and (W or X)) for each VBA project");
  add_common_options(*cmd, st->common);
  cmd->footer(
      "Severity: info = has macros; low = auto-exec or execution alone; medium = PowerShell/download capability, or a control "
      "event that executes; high = runs on open and executes; critical = runs on open and starts PowerShell, a script host, "
      "WMI or a download.\n"
      "Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 an input could not be read.");
  return [st] {
    Limits limits;
    std::mutex extract_mu;
    std::vector<std::string> extract_errors;
    analyzers::document::Options o;
    o.mraptor = st->mraptor;
    if (!st->extract.empty()) {
      o.on_module = [&](const ObjectPath& at, const std::string& name, bool procedural, const std::string& source) {
        // One subfolder per input file, named after it; the project's path inside it when nested.
        std::string sub = io::safe_component(analyzers::base_name(at.parts.front()));
        for (std::size_t i = 1; i + 1 < at.parts.size(); ++i) sub += "/" + io::safe_component(at.parts[i]);
        const std::string text = st->extract_raw ? source : analyzers::document::editor_view(source);
        std::lock_guard lk(extract_mu);
        auto r = io::write_new_file(st->extract + "/" + sub, io::safe_component(name) + (procedural ? ".bas" : ".cls"), text);
        if (!r) extract_errors.push_back(r.error().message);
      };
    }
    if (!st->extract.empty()) {
      o.on_xlm_sheet = [&](const ObjectPath& at, const std::string& name, const std::string& formulas) {
        std::string sub = io::safe_component(analyzers::base_name(at.parts.front()));
        for (std::size_t i = 1; i + 1 < at.parts.size(); ++i) sub += "/" + io::safe_component(at.parts[i]);
        std::lock_guard lk(extract_mu);
        auto r = io::write_new_file(st->extract + "/" + sub, io::safe_component(name) + ".xlm", formulas);
        if (!r) extract_errors.push_back(r.error().message);
      };
    }
    if (!st->yara.empty()) {
      auto rules = load_yara(st->yara, limits);
      if (!rules) {
        std::fprintf(stderr, "emoguard: error: --yara %s: %s\n", st->yara.c_str(), rules.error().message.c_str());
        return 2;
      }
      o.yara = *rules;
    }
    Registry registry;
    registry.add(analyzers::document::make_analyzer(std::move(o)));
    registry.add(analyzers::filetype::make_analyzer());
    analyzers::Engine engine(registry, limits);
    const int rc = drive_files("doc", st->inputs, st->common, limits, [&engine](const io::WalkEntry&, const ScanObject& obj, Sink& sink) {
      auto r = engine.scan(obj.bytes, obj.name, obj.path, sink, obj.declared_size);
      return FileOutcome{r.detection, r.analysed};
    });
    for (const auto& e : extract_errors) std::fprintf(stderr, "emoguard: error: --extract: %s\n", e.c_str());
    return extract_errors.empty() ? rc : 2;
  };
}

}  // namespace emoguard::cli
