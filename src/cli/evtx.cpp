// emoguard evtx: dump Windows event logs (.evtx) as JSON Lines, XML, CSV or one line per event,
// with filters, damaged-file handling and carving. Chunks are parsed in parallel and written in
// file order; memory stays flat because each worker reads one 64 KiB chunk at a time.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <cstring>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "emoguard/text.hpp"
#include "formats/evtx/evtx.hpp"
#include "io/read_file.hpp"
#include "io/walker.hpp"

namespace emoguard::cli {

namespace evtx = formats::evtx;

namespace {

enum class Mode { text, json, xml, csv, count };

struct Filter {
  std::vector<std::string> channels;   // lower case
  std::vector<std::string> providers;  // lower case
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ids;
  std::optional<std::uint64_t> since, until;
  [[nodiscard]] bool empty() const { return channels.empty() && providers.empty() && ids.empty() && !since && !until; }
};

std::string lower(std::string_view s) { return text::to_lower_ascii(s); }

// Windows' standard System fields: everything else in a record is event data.
bool is_system_field(std::string_view k) {
  static constexpr std::string_view kSystem[] = {
      "Provider_Name", "Provider_Guid", "Provider_EventSourceName", "EventID", "EventID_Qualifiers", "Version", "Level", "Task",
      "Opcode", "Keywords", "TimeCreated_SystemTime", "EventRecordID", "Correlation_ActivityID", "Correlation_RelatedActivityID",
      "Execution_ProcessID", "Execution_ThreadID", "Execution_ProcessorID", "Execution_SessionID", "Execution_KernelTime",
      "Execution_UserTime", "Execution_ProcessorTime", "Channel", "Computer", "Security_UserID"};
  return std::find(std::begin(kSystem), std::end(kSystem), k) != std::end(kSystem);
}

struct Head {
  std::string time, channel, provider, event_id, computer, level, record_id;
  std::vector<std::pair<std::string, std::string>> data;
};

Head head_of(const evtx::RecordView& v, bool want_data) {
  Head h;
  v.for_each_field([&](std::string_view k, std::string_view val) {
    if (k == "TimeCreated_SystemTime") h.time = val;
    else if (k == "Channel") h.channel = val;
    else if (k == "Provider_Name") h.provider = val;
    else if (k == "EventID") h.event_id = val;
    else if (k == "Computer") h.computer = val;
    else if (k == "Level") h.level = val;
    else if (k == "EventRecordID") h.record_id = val;
    else if (want_data && !is_system_field(k)) h.data.emplace_back(std::string(k), std::string(val));
    return true;
  });
  // EventRecordID is what Event Viewer shows; the record header's id is the fallback.
  if (h.record_id.empty()) h.record_id = std::to_string(v.record().id);
  if (h.time.empty()) {
    std::string t;
    evtx::append_filetime(t, v.record().written, 7);
    h.time = t;
  }
  return h;
}

// Asks the record only for the fields the filters need, through the template's field index.
bool passes(const Filter& f, const evtx::RecordView& v) {
  if (!f.channels.empty()) {
    const auto c = v.field("Channel");
    if (!c || std::find(f.channels.begin(), f.channels.end(), lower(*c)) == f.channels.end()) return false;
  }
  if (!f.providers.empty()) {
    const auto p = v.field("Provider_Name");
    if (!p || std::find(f.providers.begin(), f.providers.end(), lower(*p)) == f.providers.end()) return false;
  }
  if (!f.ids.empty()) {
    const auto e = v.field("EventID");
    if (!e) return false;
    std::uint32_t id = 0;
    const auto res = std::from_chars(e->data(), e->data() + e->size(), id);
    if (res.ec != std::errc() || res.ptr != e->data() + e->size()) return false;
    if (std::none_of(f.ids.begin(), f.ids.end(), [id](const auto& p) { return id >= p.first && id <= p.second; })) return false;
  }
  if (f.since || f.until) {
    const auto tc = v.field("TimeCreated_SystemTime");
    const std::uint64_t t = (tc ? evtx::parse_iso_filetime(*tc) : std::nullopt).value_or(v.record().written);
    if (f.since && t < *f.since) return false;
    if (f.until && t > *f.until) return false;
  }
  return true;
}

void one_line(std::string& out, std::string_view s) {
  for (const char c : s) out.push_back(static_cast<unsigned char>(c) < 0x20 ? ' ' : c);
}

void csv_field(std::string& out, std::string_view s) {
  const bool quote = s.find_first_of(",\"\r\n") != std::string_view::npos;
  if (!quote) {
    out += s;
    return;
  }
  out.push_back('"');
  for (const char c : s) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

struct FileJob {
  std::string path;
  io::ReadFile file;
  std::uint64_t slots = 0;
  bool no_crc = false;
};

struct Work {
  std::shared_ptr<FileJob> job;
  std::uint64_t slot = 0;
  std::uint64_t seq = 0;
};

struct Done {
  std::string out;
  std::vector<evtx::Problem> problems;
  std::shared_ptr<FileJob> job;
  std::uint64_t records = 0, written = 0, bad = 0, carved = 0, chunks = 0, bytes = 0;
  bool file_end = false;  // the last slot of its file
};

struct Options {
  std::vector<std::string> inputs;
  CommonOptions common;
  bool xml = false;
  bool count = false;
  bool carve = false;
  bool strict_crc = false;
  std::vector<std::string> channels, providers;
  std::string event_ids, since, until;
};

class EvtxRun {
 public:
  EvtxRun(const Options& o, Mode mode, Filter filter, std::string lang)
      : o_(o), mode_(mode), filter_(std::move(filter)), lang_(std::move(lang)) {}

  // Processes one chunk slot into its rendered output.
  void process(const Work& w, evtx::Chunk& chunk, std::vector<std::uint8_t>& buf, Done& d) const {
    d.job = w.job;
    d.file_end = w.slot + 1 == w.job->slots;
    const std::uint64_t off = evtx::kFileHeaderBlock + w.slot * evtx::kChunkSize;
    buf.resize(evtx::kChunkSize);
    auto n = w.job->file.read_at(off, buf.data(), evtx::kChunkSize);
    if (!n) {
      d.problems.push_back({"evtx.read_error", "read error at offset " + std::to_string(off) + ": " + n.error().message,
                            "オフセット " + std::to_string(off) + " で読み込みエラー: " + n.error().message, off, 0});
      return;
    }
    d.bytes = *n;
    evtx::ParseOptions po;
    po.check_crc = !w.job->no_crc;
    po.strict_crc = o_.strict_crc;
    po.carve = o_.carve;
    if (!chunk.parse(ByteView(buf.data(), *n), off, w.slot, po, d.problems)) return;
    d.chunks = 1;
    if (mode_ != Mode::count) d.out.reserve(chunk.records().size() * 1536);
    for (const evtx::Record& r : chunk.records()) {
      ++d.records;
      if (r.carved) ++d.carved;
      if (r.instance < 0) {
        ++d.bad;
        continue;
      }
      const evtx::RecordView v(chunk, r);
      if (!filter_.empty() && !passes(filter_, v)) continue;
      Head h;
      if (mode_ == Mode::text || mode_ == Mode::csv) h = head_of(v, true);
      ++d.written;
      switch (mode_) {
        case Mode::json:
          v.append_json(d.out);
          d.out.push_back('\n');
          break;
        case Mode::xml: v.append_xml(d.out); break;
        case Mode::count: break;
        case Mode::csv: {
          csv_field(d.out, h.time);
          d.out.push_back(',');
          csv_field(d.out, h.record_id);
          d.out.push_back(',');
          csv_field(d.out, h.computer);
          d.out.push_back(',');
          csv_field(d.out, h.channel);
          d.out.push_back(',');
          csv_field(d.out, h.provider);
          d.out.push_back(',');
          csv_field(d.out, h.event_id);
          d.out.push_back(',');
          csv_field(d.out, h.level);
          d.out.push_back(',');
          std::string data = "{";
          for (std::size_t i = 0; i < h.data.size(); ++i) {
            if (i) data.push_back(',');
            data += report::json_escape(h.data[i].first);
            data.push_back(':');
            data += report::json_escape(h.data[i].second);
          }
          data.push_back('}');
          csv_field(d.out, data);
          d.out.push_back(',');
          csv_field(d.out, w.job->path);
          d.out += "\r\n";
          break;
        }
        case Mode::text: {
          d.out += h.time;
          d.out += "  ";
          one_line(d.out, h.channel);
          d.out += "  ";
          d.out += h.event_id;
          d.out += "  ";
          one_line(d.out, h.computer);
          d.out += "  #";
          one_line(d.out, h.record_id);
          if (r.carved) d.out += lang_ == "ja" ? " (復元)" : " (carved)";
          for (const auto& [k, val] : h.data) {
            d.out += "  ";
            one_line(d.out, k);
            d.out.push_back('=');
            one_line(d.out, val);
          }
          d.out.push_back('\n');
          break;
        }
      }
    }
  }

  int run() {
    const auto started = std::chrono::steady_clock::now();
    report::Output out(stdout);
    report::Output err(stderr);
    CommonOptions diag = o_.common;
    diag.csv = false;
    report::WriterOptions wo = writer_options(diag, err);
    wo.quiet = true;
    auto writer = report::make_writer(wo, err, err);
    CountingSink counts(*writer);
    Progress progress(!o_.common.no_progress, lang_);
    counts.begin(RunInfo{"evtx", o_.inputs, utc_now_iso(), "none"});

    // Files first: the walk is cheap and gives totals for the progress line.
    std::vector<io::WalkEntry> files;
    Limits limits;
    io::Walker(limits).walk(
        o_.inputs, [&](io::WalkEntry&& e) { files.push_back(std::move(e)); },
        [&](io::WalkIssue&& i) {
          if (i.is_error) {
            ErrorRecord e{i.path, i.code, i.message};
            counts.error(e);
          } else {
            Anomaly a{"walk", i.anomaly_code, i.message, ObjectPath{{i.path}}, kNoOffset, {}};
            counts.anomaly(a);
          }
        });
    std::uint64_t bytes_total = 0;
    for (const auto& f : files) bytes_total += f.size;

    if (mode_ == Mode::xml) out.write("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Events>\n");
    if (mode_ == Mode::csv) out.write("timestamp_utc,record_id,computer,channel,provider,event_id,level,event_data,file\r\n");

    std::mutex mu;
    std::condition_variable cv_work, cv_ready;
    std::vector<std::string> spare;
    std::size_t next_file = 0;
    std::shared_ptr<FileJob> cur;
    std::uint64_t cur_slot = 0;
    std::uint64_t seq = 0, next_out = 0;
    std::map<std::uint64_t, Done> ready;
    std::uint64_t files_done = 0, bytes_done = 0, evtx_files = 0, skipped = 0;
    std::uint64_t records = 0, written = 0, bad = 0, carved = 0, chunks = 0, problems = 0;
    std::map<const FileJob*, std::uint64_t> problems_per_file;
    std::uint64_t file_written = 0;  // records written for the file being output (files finish in order)
    const unsigned threads = thread_count(o_.common);
    const std::uint64_t window = std::uint64_t{threads} * 4;

    // Called with mu held: the next chunk slot to parse, opening files as needed.
    auto next_work = [&]() -> std::optional<Work> {
      while (!cur || cur_slot >= cur->slots) {
        if (next_file >= files.size()) return std::nullopt;
        const io::WalkEntry& e = files[next_file++];
        auto f = io::ReadFile::open(e.path);
        if (!f) {
          ErrorRecord er{e.path, f.error().code, {f.error().message, e.path + ": 読み込めません"}};
          counts.error(er);
          continue;
        }
        std::uint8_t head[evtx::kFileHeaderBlock] = {};
        auto n = f->read_at(0, head, sizeof head);
        std::vector<evtx::Problem> hp;
        const auto hdr = n ? evtx::parse_file_header(ByteView(head, *n), hp) : std::nullopt;
        std::uint8_t chunk_sig[8] = {};
        const bool chunk_at_4096 = f->read_at(evtx::kFileHeaderBlock, chunk_sig, 8).value_or(0) == 8 &&
                                   std::memcmp(chunk_sig, "ElfChnk", 8) == 0;
        if (!hdr && !chunk_at_4096) {
          if (e.named) {
            ErrorRecord er{e.path, Errc::malformed, {e.path + ": not an EVTX file (no ElfFile signature)",
                                                     e.path + ": EVTX ファイルではありません（ElfFile シグネチャがありません）"}};
            counts.error(er);
          } else {
            ++skipped;
          }
          continue;
        }
        if (!hdr) {
          hp.push_back({"evtx.header_missing", "file header missing or damaged; reading the chunks anyway",
                        "ファイルヘッダーがないか壊れています（チャンクは読み取ります）", 0, 0});
        }
        ++evtx_files;
        for (const auto& p : hp) emit_problem(counts, e.path, p);
        problems += hp.size();
        auto job = std::make_shared<FileJob>();
        job->path = e.path;
        job->slots = evtx::chunk_slots(f->size());
        job->no_crc = hdr && hdr->no_crc();
        job->file = std::move(*f);
        bytes_done += std::min<std::uint64_t>(e.size, evtx::kFileHeaderBlock);
        if (job->slots == 0) {
          ++files_done;
          if (mode_ == Mode::count) {
            out.write(o_.common.json ? fmt::format("{{\"file\":{},\"records\":0}}\n", report::json_string_or_bytes(e.path))
                                     : fmt::format("0\t{}\n", e.path));
          }
          continue;
        }
        cur = std::move(job);
        cur_slot = 0;
      }
      return Work{cur, cur_slot++, seq++};
    };

    auto write_done = [&](Done& d) {
      out.write(d.out);
      records += d.records;
      written += d.written;
      bad += d.bad;
      carved += d.carved;
      chunks += d.chunks;
      bytes_done += d.bytes;
      auto& pf = problems_per_file[d.job.get()];
      for (const auto& p : d.problems) {
        ++problems;
        if (pf++ < limits.max_issues_per_object) emit_problem(counts, d.job->path, p);
      }
      file_written += d.written;
      if (d.file_end) {
        if (mode_ == Mode::count) {
          out.write(o_.common.json ? fmt::format("{{\"file\":{},\"records\":{}}}\n", report::json_string_or_bytes(d.job->path), file_written)
                                   : fmt::format("{}\t{}\n", file_written, d.job->path));
        }
        file_written = 0;
        if (pf > limits.max_issues_per_object) {
          const auto more = pf - limits.max_issues_per_object;
          Anomaly a{"evtx", "limit.evtx_problems",
                    {fmt::format("{} more problems in this file were counted but not listed", more),
                     fmt::format("このファイルの問題のうち {} 件は件数のみ数えました（一覧は省略）", more)},
                    ObjectPath{{d.job->path}}, kNoOffset, {}};
          counts.anomaly(a);
        }
        problems_per_file.erase(d.job.get());
        ++files_done;
      }
      progress.analysing(files_done, files.size(), bytes_done, bytes_total);
    };

    if (threads <= 1) {
      evtx::Chunk chunk;
      std::vector<std::uint8_t> buf;
      for (;;) {
        std::optional<Work> w = next_work();
        if (!w || out.closed()) break;
        Done d;
        process(*w, chunk, buf, d);
        write_done(d);
      }
    } else {
      std::atomic<unsigned> running{threads};
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back([&] {
          evtx::Chunk chunk;
          std::vector<std::uint8_t> buf;
          for (;;) {
            std::optional<Work> w;
            Done d;
            {
              std::unique_lock lk(mu);
              cv_work.wait(lk, [&] { return seq < next_out + window || out.closed(); });
              if (out.closed()) break;
              w = next_work();
              if (!spare.empty()) {
                d.out = std::move(spare.back());  // output buffers are recycled: no large allocation per chunk
                spare.pop_back();
              }
            }
            if (!w) break;
            process(*w, chunk, buf, d);
            bool wanted = false;
            {
              std::lock_guard lk(mu);
              wanted = w->seq == next_out;
              ready.emplace(w->seq, std::move(d));
            }
            if (wanted) cv_ready.notify_one();
          }
          running.fetch_sub(1);
          {
            std::lock_guard lk(mu);  // so that the writer cannot miss the last wake-up
          }
          cv_ready.notify_one();
        });
      }
      std::unique_lock lk(mu);
      for (;;) {
        cv_ready.wait(lk, [&] { return ready.count(next_out) != 0 || running.load() == 0; });
        auto it = ready.find(next_out);
        if (it == ready.end()) {
          if (running.load() == 0) break;
          continue;
        }
        Done d = std::move(it->second);
        ready.erase(it);
        ++next_out;
        lk.unlock();
        cv_work.notify_all();
        write_done(d);
        d.out.clear();
        lk.lock();
        spare.push_back(std::move(d.out));
      }
      lk.unlock();
      for (auto& th : pool) th.join();
    }
    if (mode_ == Mode::xml) out.write("</Events>\n");
    out.flush();
    progress.finish();

    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    Summary s;
    s.command = "evtx";
    s.files = evtx_files;
    if (evtx_files > 0) s.files_by_type["evtx"] = evtx_files;
    s.bytes = bytes_done;
    s.anomalies = counts.anomalies();
    s.errors = counts.errors();
    s.skipped = skipped;
    s.elapsed_s = secs;
    s.fail_on = "none";
    s.exit_code = counts.errors() > 0 ? 2 : 0;
    s.extra = {{"chunks", std::to_string(chunks)},       {"records", std::to_string(records)},
               {"records_written", std::to_string(written)}, {"records_unreadable", std::to_string(bad)},
               {"records_carved", std::to_string(carved)}, {"problems", std::to_string(problems)}};
    counts.summary(s);
    err.flush();
    return s.exit_code;
  }

 private:
  static void emit_problem(CountingSink& counts, const std::string& path, const evtx::Problem& p) {
    Anomaly a;
    a.component = "evtx";
    a.code = p.code;
    a.message = Text{p.en, p.ja};
    a.object = ObjectPath{{path}};
    a.offset = p.offset;
    if (p.record_id != 0) a.evidence.push_back({"record_id", std::to_string(p.record_id)});
    counts.anomaly(a);
  }

  const Options& o_;
  Mode mode_;
  Filter filter_;
  std::string lang_;
};

std::optional<std::vector<std::pair<std::uint32_t, std::uint32_t>>> parse_ids(const std::string& s) {
  std::vector<std::pair<std::uint32_t, std::uint32_t>> out;
  std::size_t pos = 0;
  while (pos <= s.size()) {
    const std::size_t comma = std::min(s.find(',', pos), s.size());
    const std::string part = s.substr(pos, comma - pos);
    const std::size_t dash = part.find('-');
    auto num = [](const std::string& t) -> std::optional<std::uint32_t> {
      std::uint32_t v = 0;
      const auto r = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || r.ec != std::errc() || r.ptr != t.data() + t.size()) return std::nullopt;
      return v;
    };
    const auto a = num(dash == std::string::npos ? part : part.substr(0, dash));
    const auto b = dash == std::string::npos ? a : num(part.substr(dash + 1));
    if (!a || !b || *b < *a) return std::nullopt;
    out.emplace_back(*a, *b);
    pos = comma + 1;
  }
  return out;
}

}  // namespace

Runner add_evtx(CLI::App& app) {
  auto st = std::make_shared<Options>();
  auto* cmd = app.add_subcommand("evtx", "Dump Windows event logs (.evtx): every record as JSON Lines, XML, CSV or one line of "
                                         "text, with filters; damaged files are read as far as they go");
  cmd->add_option("inputs", st->inputs, "EVTX files and folders (folders are searched for files with the EVTX signature)")->required();
  add_common_options(*cmd, st->common);
  // evtx gives records, not findings: no --fail-on or --quiet, and --json/--csv mean records.
  cmd->remove_option(cmd->get_option("--fail-on"));
  cmd->remove_option(cmd->get_option("--quiet"));
  cmd->get_option("--json")->description("Write each record as one JSON object per line ({\"Event\":...}, evtx_dump's shape); "
                                         "problems and the summary go to stderr as JSON Lines");
  cmd->get_option("--csv")->description("Write one CSV row per record (columns below); the summary goes to stderr");
  cmd->add_flag("--xml", st->xml, "Write XML (one <Event> per record inside <Events>), in Windows' value forms");
  cmd->add_flag("--count", st->count,
                "Only count the records (after filters) per file: 'COUNT<TAB>FILE' lines, or {\"file\",\"records\"} with --json. "
                "Without filters this parses every record and renders nothing (parse-only speed)");
  // Each --channel takes one value, so the inputs after it stay inputs.
  cmd->add_option("--channel", st->channels, "Only records of this channel (repeatable; case-insensitive), e.g. Security")->allow_extra_args(false);
  cmd->add_option("--provider", st->providers, "Only records of this provider (repeatable; case-insensitive)")->allow_extra_args(false);
  cmd->add_option("--event-id", st->event_ids, "Only these event IDs: a list of numbers and ranges, e.g. 1,4688,4100-4104");
  cmd->add_option("--since", st->since, "Only records at or after this UTC time (YYYY-MM-DD[THH:MM[:SS]])");
  cmd->add_option("--until", st->until, "Only records at or before this UTC time");
  cmd->add_flag("--carve", st->carve, "Also recover records from slack space and from slots without a chunk header");
  cmd->add_flag("--strict-crc", st->strict_crc, "Drop chunks whose CRC does not match (default: warn and parse them)");
  cmd->footer(
      "Records go to stdout; problems (bad checksums, damaged records, carved records) and the summary go to stderr,\n"
      "as text or, with --json, as JSON Lines anomaly/summary objects. --json writes each record as\n"
      "{\"Event\":{\"System\":...,\"EventData\":...}}, the shape of evtx_dump's JSON. --csv columns: timestamp_utc,\n"
      "record_id,computer,channel,provider,event_id,level,event_data (a JSON object),file.\n"
      "Exit codes: 0 done (damaged records are anomalies, not errors), 2 an input could not be read or is not EVTX.\n"
      "レコードは標準出力へ、問題点と集計は標準エラーへ出力します。");
  return [st] {
    Options& o = *st;
    Mode mode = Mode::text;
    if (o.common.json) mode = Mode::json;
    if (o.common.csv) mode = Mode::csv;
    if (o.xml) {
      if (o.common.json || o.common.csv) {
        std::fprintf(stderr, "emoguard evtx: error: --xml cannot be combined with --json or --csv\n");
        return 2;
      }
      mode = Mode::xml;
    }
    if (o.count) {
      if (o.xml || o.common.csv) {
        std::fprintf(stderr, "emoguard evtx: error: --count cannot be combined with --xml or --csv\n");
        return 2;
      }
      mode = Mode::count;
    }
    Filter f;
    for (const auto& c : o.channels) f.channels.push_back(lower(c));
    for (const auto& p : o.providers) f.providers.push_back(lower(p));
    if (!o.event_ids.empty()) {
      auto ids = parse_ids(o.event_ids);
      if (!ids) {
        std::fprintf(stderr, "emoguard evtx: error: --event-id '%s' is not a list of numbers and ranges such as 1,4688,4100-4104\n",
                     o.event_ids.c_str());
        return 2;
      }
      f.ids = std::move(*ids);
    }
    for (auto [text, slot] : {std::pair{&o.since, &f.since}, std::pair{&o.until, &f.until}}) {
      if (text->empty()) continue;
      *slot = evtx::parse_iso_filetime(*text);
      if (!*slot) {
        std::fprintf(stderr, "emoguard evtx: error: '%s' is not a UTC time such as 2024-05-01 or 2024-05-01T09:30:00\n", text->c_str());
        return 2;
      }
    }
    if (f.until && o.until.size() == 10) *f.until += 864'000'000'000ULL - 1;  // a bare date means the whole day
    const std::string lang = o.common.lang.empty() ? report::default_language() : o.common.lang;
    EvtxRun r(o, mode, std::move(f), lang);
    return r.run();
  };
}

}  // namespace emoguard::cli
