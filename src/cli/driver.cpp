// Ordered parallel scanning: workers analyse files into per-file buffers; the main thread replays
// them in walk order, so output is identical whatever the thread count.
#include "cli/driver.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "analyzers/engine/engine.hpp"
#include "io/detect.hpp"
#include "io/mapped_file.hpp"

namespace emoguard::cli {
namespace {

struct Slot {
  BufferSink records;
  std::optional<FileOutcome> outcome;  // empty when the file could not be read
  std::uint64_t bytes = 0;
};

std::unique_ptr<Slot> process(const io::WalkEntry& e, const Limits& limits, const FileFn& fn) {
  auto slot = std::make_unique<Slot>();
  auto mapped = io::MappedFile::open(e.path, limits.max_file_bytes);
  if (!mapped) {
    const auto& err = mapped.error();
    Text t{err.message, err.message};
    if (err.code == Errc::too_large) t.ja = e.path + ": サイズが上限を超えるため読みません";
    if (err.code == Errc::not_regular) t.ja = e.path + ": 通常ファイルではないため読みません";
    slot->records.error(ErrorRecord{e.path, err.code, std::move(t)});
    return slot;
  }
  const auto& m = *mapped;
  slot->bytes = m.size();
  if (m.size() == 0) {
    if (e.named) {
      slot->records.error(ErrorRecord{e.path, Errc::empty, {e.path + ": empty file (0 bytes), nothing to analyse",
                                                            e.path + ": 空のファイル (0 バイト) のため解析するものがありません"}});
      return slot;
    }
    slot->outcome = FileOutcome{Detection{ContentType::empty, "", "zero bytes"}, false};
    return slot;
  }
  if (m.size() >= limits.sparse_min_bytes && m.allocated() < m.size() / 8) {
    Anomaly a;
    a.component = "io";
    a.code = "io.sparse_file";
    a.message = {e.path + ": sparse file: " + std::to_string(m.size()) + " bytes declared, " + std::to_string(m.allocated()) +
                     " allocated on disk (holes read as zeros)",
                 e.path + ": スパースファイル: 宣言 " + std::to_string(m.size()) + " バイト、ディスク上 " + std::to_string(m.allocated()) +
                     " バイト (穴はゼロとして読みます)"};
    a.object = ObjectPath{{e.path}};
    a.evidence = {{"declared_bytes", std::to_string(m.size())}, {"allocated_bytes", std::to_string(m.allocated())}};
    slot->records.anomaly(a);
  }
  ScanObject obj;
  obj.bytes = m.bytes();
  obj.name = analyzers::base_name(e.path);
  obj.path = ObjectPath{{e.path}};
  obj.declared_size = m.size();
  slot->outcome = fn(e, obj, slot->records);
  return slot;
}

}  // namespace

int drive_files(const std::string& command, const std::vector<std::string>& inputs, const CommonOptions& options,
                const Limits& limits, const FileFn& fn, std::vector<std::pair<std::string, std::string>> extra) {
  const auto t0 = std::chrono::steady_clock::now();
  report::Output out(stdout);
  report::Output err(stderr);
  const auto wopts = writer_options(options, out);
  auto writer = report::make_writer(wopts, out, err);
  CountingSink sink(*writer);
  Progress progress(!options.no_progress, wopts.lang);

  RunInfo info{command, inputs, utc_now_iso(), options.fail_on};
  sink.begin(info);

  Summary summary;
  summary.command = command;
  summary.fail_on = options.fail_on;
  summary.extra = std::move(extra);

  std::vector<io::WalkEntry> files;
  std::uint64_t bytes_total = 0;
  io::Walker walker(limits);
  walker.walk(
      inputs,
      [&](io::WalkEntry&& e) {
        bytes_total += e.size;
        files.push_back(std::move(e));
        progress.walking(files.size());
      },
      [&](io::WalkIssue&& i) {
        if (i.is_error) {
          sink.error(ErrorRecord{i.path, i.code, std::move(i.message)});
        } else {
          ++summary.skipped;
          Anomaly a;
          a.component = "walk";
          a.code = i.anomaly_code;
          a.message = std::move(i.message);
          a.object = ObjectPath{{i.path}};
          sink.anomaly(a);
        }
      });

  const std::size_t n = files.size();
  const unsigned workers = static_cast<unsigned>(std::min<std::size_t>(thread_count(options), std::max<std::size_t>(n, 1)));
  const std::size_t window = 256 * workers;  // bounds memory: workers run at most this far ahead of output
  std::vector<std::unique_ptr<Slot>> slots(n);
  std::mutex mu;
  std::condition_variable cv_done;
  std::condition_variable cv_space;
  std::atomic<std::size_t> next{0};
  std::size_t emitted = 0;
  bool stop = false;

  auto work = [&] {
    for (;;) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) return;
      {
        std::unique_lock lk(mu);
        cv_space.wait(lk, [&] { return stop || i < emitted + window; });
        if (stop) return;
      }
      auto s = process(files[i], limits, fn);
      {
        std::lock_guard lk(mu);
        slots[i] = std::move(s);
      }
      cv_done.notify_all();
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (unsigned w = 0; w < workers && n > 0; ++w) pool.emplace_back(work);

  std::uint64_t bytes_done = 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::unique_ptr<Slot> s;
    {
      std::unique_lock lk(mu);
      cv_done.wait(lk, [&] { return slots[i] != nullptr; });
      s = std::move(slots[i]);
      emitted = i + 1;
    }
    cv_space.notify_all();
    s->records.replay(sink);
    if (s->outcome) {
      ++summary.files;
      summary.bytes += s->bytes;
      const auto label = s->outcome->detection.label();
      ++summary.files_by_type[label];
      if (!s->outcome->analysed && s->outcome->detection.type != ContentType::empty) ++summary.not_analysed_by_type[label];
    }
    bytes_done += files[i].size;
    progress.analysing(i + 1, n, bytes_done, bytes_total);
    if (!sink.open()) break;  // the reader went away: stop quietly
  }
  {
    std::lock_guard lk(mu);
    stop = true;
  }
  cv_space.notify_all();
  for (auto& t : pool) t.join();
  progress.finish();

  summary.findings_by_severity = sink.by_severity();
  summary.anomalies = sink.anomalies();
  summary.errors = sink.errors();
  summary.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary.exit_code = exit_code(sink, options.fail_on);
  if (sink.open()) sink.summary(summary);
  return summary.exit_code;
}

}  // namespace emoguard::cli
