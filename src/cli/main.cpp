// emoguard's entry point: one binary, one subcommand per defence measure.
#include <signal.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>

#include "cli/commands.hpp"

namespace {

// Commands of the published defence program that later components provide.
struct Planned {
  const char* name;
  const char* what;
};
constexpr Planned kPlanned[] = {
    {"mail", ".eml/.msg/mbox with password ZIPs, LNK, OneNote"},
    {"hunt", "Sigma and Emotet-chain detections over event logs"},
    {"hostcheck", "EmoCheck's checks for every user, live or offline"},
    {"discover", "find live devices"},
    {"smb", "MS17-010, SMBv1 and signing checks"},
    {"reconcile", "devices the endpoint console does not know"},
    {"policy", "PowerShell application-control policies"},
    {"ioc", "C2 and sinkhole matches in network logs"},
    {"notice", "trace an ISP/JPCERT notice to a machine"},
};

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe (emoguard ... | head) is not an error: writes fail with EPIPE and we stop.
  ::signal(SIGPIPE, SIG_IGN);

  if (argc >= 2) {
    for (const auto& p : kPlanned) {
      if (std::strcmp(argv[1], p.name) == 0) {
        std::fprintf(stderr, "emoguard: error: '%s' (%s) is planned but not built yet; see README.md\n", p.name, p.what);
        return 2;
      }
    }
  }

  std::string footer = "Commands of the defence program still to come:";
  for (const auto& p : kPlanned) footer += std::string(" ") + p.name;
  footer +=
      ".\nExit codes (every command): 0 nothing at or above --fail-on, 1 findings at or above it, 2 an error.\n"
      "Run 'emoguard COMMAND --help' for a command's options. 詳しくは README.md を参照してください。";

  CLI::App app{"emoguard: defend an organisation against Emotet and the malspam loaders that followed it", "emoguard"};
  app.set_version_flag("--version", std::string("emoguard ") + EMOGUARD_VERSION);
  app.require_subcommand(1, 1);
  app.footer(footer);
  app.get_formatter()->column_width(34);

  const auto triage = emoguard::cli::add_triage(app);
  const auto identify = emoguard::cli::add_identify(app);
  const auto doc = emoguard::cli::add_doc(app);
  const auto evtx = emoguard::cli::add_evtx(app);
  const auto selftest = emoguard::cli::add_selftest(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::fputs(app.help().c_str(), stdout);
    return 0;
  } catch (const CLI::CallForAllHelp&) {
    std::fputs(app.help("", CLI::AppFormatMode::All).c_str(), stdout);
    return 0;
  } catch (const CLI::CallForVersion&) {
    std::printf("emoguard %s\n", EMOGUARD_VERSION);
    return 0;
  } catch (const CLI::ParseError& e) {
    // CLI11 may print a help text on a missing subcommand; we keep it to one line.
    std::string msg = e.what();
    if (msg.find("subcommand") != std::string::npos && argc < 2) msg = "no command given";
    std::fprintf(stderr, "emoguard: error: %s (run 'emoguard --help')\n", msg.c_str());
    return 2;
  }

  try {
    for (const auto* sub : app.get_subcommands()) {
      const std::string n = sub->get_name();
      if (n == "triage") return triage();
      if (n == "identify") return identify();
      if (n == "selftest") return selftest();
      if (n == "doc") return doc();
      if (n == "evtx") return evtx();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "emoguard: internal error: %s\n", e.what());
    return 2;
  }
  return 2;
}
