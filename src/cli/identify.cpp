// emoguard identify: the content type of each file, decided from its bytes (like file(1), for evidence).
#include <memory>

#include "cli/commands.hpp"
#include "cli/driver.hpp"
#include "io/detect.hpp"

namespace emoguard::cli {

Runner add_identify(CLI::App& app) {
  struct State {
    std::vector<std::string> inputs;
    CommonOptions common;
  };
  auto st = std::make_shared<State>();
  auto* cmd = app.add_subcommand("identify", "Show the content type of each file as emoguard detects it from the bytes "
                                             "(the type triage dispatches on)");
  cmd->add_option("inputs", st->inputs, "Files and folders")->required();
  add_common_options(*cmd, st->common);
  cmd->footer("Each file gives one info-level finding (rule identify.content_type) with its type, subtype and the reason.");
  return [st] {
    Limits limits;
    return drive_files("identify", st->inputs, st->common, limits, [&limits](const io::WalkEntry&, const ScanObject& obj, Sink& sink) {
      const Detection d = io::detect(obj.bytes, limits);
      Finding f;
      f.analyzer = "identify";
      f.rule = Rule{"identify.content_type", {"Content type", "ファイルの種類"}, "emoguard"};
      f.severity = Severity::info;
      f.object = obj.path;
      f.evidence = {{"type", std::string(to_string(d.type))}, {"subtype", d.subtype}, {"label", d.label()}, {"reason", d.reason}};
      sink.finding(f);
      return FileOutcome{d, true};
    });
  };
}

}  // namespace emoguard::cli
