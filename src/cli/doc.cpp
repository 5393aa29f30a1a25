// emoguard doc: Office files and their macros: verdicts, decoded payloads, extraction.
#include <memory>
#include <mutex>

#include "analyzers/document/document.hpp"
#include "analyzers/document/vba_scan.hpp"
#include "analyzers/engine/engine.hpp"
#include "analyzers/filetype/filetype.hpp"
#include "cli/commands.hpp"
#include "cli/driver.hpp"
#include "io/output_files.hpp"

namespace emoguard::cli {

Runner add_doc(CLI::App& app) {
  struct State {
    std::vector<std::string> inputs;
    CommonOptions common;
    std::string extract;
    bool mraptor = false;
    bool extract_raw = false;
  };
  auto st = std::make_shared<State>();
  auto* cmd = app.add_subcommand("doc", "Analyse Word, Excel, PowerPoint and Visio files for VBA macros: find them in every container, "
                                        "decode what they hide, and say how dangerous they are");
  cmd->add_option("inputs", st->inputs, "Office files and folders")->required();
  cmd->add_option("--extract", st->extract, "Write each VBA module (NAME.bas / NAME.cls, as the VBA editor shows it) and each Excel 4.0 "
                                            "macro sheet (NAME.xlm: cell, tab, formula) into this folder, one subfolder per input file; "
                                            "existing files are never overwritten");
  cmd->add_flag("--extract-raw", st->extract_raw, "With --extract: keep the hidden 'Attribute' lines, i.e. the source exactly as stored");
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
