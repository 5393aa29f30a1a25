// emoguard triage: every file under the inputs, typed by its bytes and given to its analyzers.
#include <memory>

#include "analyzers/builtin.hpp"
#include "analyzers/engine/engine.hpp"
#include "cli/commands.hpp"
#include "cli/driver.hpp"

namespace emoguard::cli {

Runner add_triage(CLI::App& app) {
  struct State {
    std::vector<std::string> inputs;
    CommonOptions common;
  };
  auto st = std::make_shared<State>();
  auto* cmd = app.add_subcommand("triage", "Analyse a folder of collected evidence: each file is typed by its bytes and given to "
                                           "every analyzer that handles its type");
  cmd->add_option("inputs", st->inputs, "Files and folders to analyse (folders are walked; symlinks leaving the tree are not followed)")
      ->required();
  add_common_options(*cmd, st->common);
  cmd->footer(
      "Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 an input could not be read or an error occurred.\n"
      "Files whose type no analyzer handles yet are counted in the summary as \"not analysed\", never passed over silently.\n"
      "終了コード: 0 検出なし / 1 --fail-on 以上の検出あり / 2 読めない入力またはエラーあり。\n"
      "Example: emoguard triage --json /cases/PC-042 > PC-042.jsonl");
  return [st] {
    Limits limits;
    Registry registry;
    analyzers::register_builtin(registry);
    analyzers::Engine engine(registry, limits);
    return drive_files("triage", st->inputs, st->common, limits,
                       [&engine](const io::WalkEntry&, const ScanObject& obj, Sink& sink) {
                         auto r = engine.scan(obj.bytes, obj.name, obj.path, sink, obj.declared_size);
                         return FileOutcome{r.detection, r.analysed};
                       });
  };
}

}  // namespace emoguard::cli
