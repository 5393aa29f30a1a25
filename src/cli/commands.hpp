// The commands: each registers its subcommand and returns the function that runs it.
#pragma once

#include <functional>

#include <CLI/CLI.hpp>

namespace emoguard::cli {

using Runner = std::function<int()>;

Runner add_triage(CLI::App& app);
Runner add_identify(CLI::App& app);
Runner add_selftest(CLI::App& app);
Runner add_doc(CLI::App& app);
Runner add_evtx(CLI::App& app);

}  // namespace emoguard::cli
