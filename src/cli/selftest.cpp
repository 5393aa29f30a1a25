// emoguard selftest: checks, on the machine where it runs, what emoguard depends on: type
// detection, text decoding (including the Japanese code pages through iconv), the lossless JSON
// encoding, memory mapping, and a walk that must not block on a FIFO.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "analyzers/builtin.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "emoguard/text.hpp"
#include "io/detect.hpp"
#include "io/mapped_file.hpp"
#include "io/walker.hpp"

namespace emoguard::cli {
namespace {

using namespace std::string_view_literals;
using namespace std::string_literals;

struct Check {
  std::string name;
  std::string detail;  // empty when it passed
};

std::string expect_type(std::string_view bytes, ContentType want, std::string_view sub = {}) {
  const auto d = io::detect(ByteView(bytes));
  if (d.type != want || (!sub.empty() && d.subtype != sub))
    return fmt::format("detected {} where {}{}{} was expected", d.label(), to_string(want), sub.empty() ? "" : "/", sub);
  return {};
}

std::vector<Check> run_checks() {
  std::vector<Check> out;
  auto add = [&](std::string name, std::string detail) { out.push_back({std::move(name), std::move(detail)}); };

  std::string pe(0x100, '\0');
  pe[0] = 'M';
  pe[1] = 'Z';
  pe[0x3C] = 0x40;
  pe.replace(0x40, 4, "PE\0\0"sv);
  std::string one = "\xE4\x52\x5C\x7B\x8C\xD8\xA7\x4D\xAE\xB1\x53\x78\xD0\x29\x96\xD3"s;
  one.resize(64, '\0');
  std::string lnk = "\x4C\x00\x00\x00\x01\x14\x02\x00\x00\x00\x00\x00\xC0\x00\x00\x00\x00\x00\x00\x46"s;
  lnk.resize(76, '\0');
  struct Sample {
    const char* name;
    std::string bytes;
    ContentType type;
    const char* sub;
  };
  const std::vector<Sample> samples = {
      {"pe", pe, ContentType::pe, "exe"},
      {"onenote", one, ContentType::onenote, ""},
      {"lnk", lnk, ContentType::lnk, ""},
      {"evtx", "ElfFile\0\0\0\0\0"s, ContentType::evtx, ""},
      {"regf", "regf\1\0\0\0"s, ContentType::regf, ""},
      {"pdf", "%PDF-1.4\n%\xE2\xE3\n", ContentType::pdf, ""},
      {"mail", "From: a@example.invalid\r\nTo: b@example.invalid\r\nSubject: x\r\n\r\nbody\r\n", ContentType::mail, ""},
      {"zeek", "#separator \\x09\n#fields\tts\n", ContentType::log, "zeek_tsv"},
      {"suricata", "{\"timestamp\":\"2021-01-01T00:00:00.000000+0000\",\"event_type\":\"flow\"}\n{\"event_type\":\"dns\"}\n",
       ContentType::log, "suricata_eve"},
      {"text", "hello\n", ContentType::text, ""},
  };
  for (const auto& s : samples) add("detect " + std::string(s.name), expect_type(s.bytes, s.type, s.sub));

  {
    const std::string u = text::utf16le_to_utf8(ByteView("\xD1\x30\xB9\x30\xEF\x30\xFC\x30\xC9\x30"sv));
    add("utf-16le decoding", u == "パスワード" ? "" : "got " + text::printable(ByteView(std::string_view(u))));
  }
  // The Japanese code pages come from glibc's gconv modules, which minimal images sometimes lack.
  const std::string want = "パスワード";
  struct Cp {
    const char* name;
    std::string_view bytes;
  };
  for (const Cp cp : {Cp{"CP932", "\x83\x70\x83\x58\x83\x8F\x81\x5B\x83\x68"sv},
                      Cp{"ISO-2022-JP", "\x1B\x24\x42\x25\x51\x25\x39\x25\x6F\x21\x3C\x25\x49\x1B\x28\x42"sv},
                      Cp{"EUC-JP", "\xA5\xD1\xA5\xB9\xA5\xEF\xA1\xBC\xA5\xC9"sv}}) {
    auto r = text::to_utf8(ByteView(cp.bytes), cp.name);
    add(fmt::format("iconv {}", cp.name), !r ? r.error().message : (*r == want ? "" : "converted to " + *r));
  }
  {
    const std::string raw = "\xFF\xFEmixed\x80";
    const std::string enc = report::json_string_or_bytes(raw);
    const auto b64 = enc.substr(10, enc.size() - 12);
    add("json bytes round trip", enc.rfind("{\"bytes\":\"", 0) == 0 && text::base64_decode(b64) == raw ? "" : "encoded as " + enc);
  }
  {
    Registry reg;
    analyzers::register_builtin(reg);
    std::string detail;
    for (const auto& a : reg.all()) {
      if (a->info().name.empty() || a->info().description.empty()) detail = "an analyzer has no name or description";
    }
    add(fmt::format("analyzer registry ({} analyzers)", reg.all().size()), reg.all().empty() ? "no analyzer registered" : detail);
  }
  {
    namespace fs = std::filesystem;
    std::error_code ec;
    const char* tmp = std::getenv("TMPDIR");
    fs::path dir = fs::path(tmp != nullptr && *tmp ? tmp : "/tmp") / fmt::format("emoguard-selftest-{}", ::getpid());
    fs::create_directories(dir, ec);
    std::string detail;
    if (ec) {
      detail = "cannot create " + dir.string() + ": " + ec.message();
    } else {
      { std::ofstream(dir / "a.txt") << "hello\n"; }
      const bool fifo = ::mkfifo((dir / "pipe").c_str(), 0600) == 0;
      Limits limits;
      io::Walker walker(limits);
      std::vector<std::string> files;
      int skipped = 0;
      walker.walk({dir.string()}, [&](io::WalkEntry&& e) { files.push_back(e.path); }, [&](io::WalkIssue&& i) { skipped += i.is_error ? 0 : 1; });
      if (files.size() != 1) detail = fmt::format("walk found {} files, expected 1", files.size());
      else if (fifo && skipped != 1) detail = "the FIFO was not reported";
      else {
        auto m = io::MappedFile::open(files[0], limits.max_file_bytes);
        if (!m) detail = m.error().message;
        else if (m->bytes().chars() != "hello\n") detail = "mapped bytes differ from the file";
      }
      fs::remove_all(dir, ec);
    }
    add("walk and map (temporary folder with a FIFO)", detail);
  }
  return out;
}

}  // namespace

Runner add_selftest(CLI::App& app) {
  auto common = std::make_shared<CommonOptions>();
  auto* cmd = app.add_subcommand("selftest", "Check that this installation works: type detection, Japanese code pages, JSON "
                                             "encoding, file mapping and safe directory walking");
  add_common_options(*cmd, *common, false);
  return [common] {
    report::Output out(stdout);
    report::Output err(stderr);
    const auto wopts = writer_options(*common, out);
    const auto checks = run_checks();
    std::size_t failed = 0;
    if (wopts.format == report::Format::text) {
      for (const auto& c : checks) {
        out.write(c.detail.empty() ? fmt::format("ok    {}\n", c.name) : fmt::format("FAIL  {}: {}\n", c.name, c.detail));
        failed += c.detail.empty() ? 0 : 1;
      }
      out.write(wopts.lang == "ja" ? fmt::format("{} 件中 {} 件成功\n", checks.size(), checks.size() - failed)
                                   : fmt::format("{} of {} checks passed\n", checks.size() - failed, checks.size()));
      out.flush();
      return failed ? 2 : 0;
    }
    auto writer = report::make_writer(wopts, out, err);
    CountingSink sink(*writer);
    sink.begin(RunInfo{"selftest", {}, utc_now_iso(), common->fail_on});
    for (const auto& c : checks) {
      if (!c.detail.empty()) sink.error(ErrorRecord{c.name, Errc::internal, {c.name + ": " + c.detail, c.name + ": " + c.detail}});
    }
    Summary s;
    s.command = "selftest";
    s.errors = sink.errors();
    s.fail_on = common->fail_on;
    s.exit_code = sink.errors() ? 2 : 0;
    s.extra = {{"checks", std::to_string(checks.size())}, {"passed", std::to_string(checks.size() - sink.errors())}};
    sink.summary(s);
    return s.exit_code;
  };
}

}  // namespace emoguard::cli
