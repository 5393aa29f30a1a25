// Tree generator: a weighted mix of kinds, roughly what a collection from office PCs holds (many
// logs and documents, fewer executables and archives), built with the same writers as the
// evidence set but with varied contents and sizes (a few hundred bytes to a few KB; ISO images
// are the exception at ~45 KB and are rare).
#include "tree.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "writers/archive_writer.hpp"
#include "writers/document_writer.hpp"
#include "writers/executable_writer.hpp"
#include "writers/gzip_writer.hpp"
#include "writers/mail_writer.hpp"
#include "writers/ole_documents.hpp"
#include "writers/ooxml_writer.hpp"
#include "writers/text_writer.hpp"
#include "writers/windows_artifacts.hpp"
#include "writers/zip_writer.hpp"

namespace emoguard::fixturegen {
namespace {

struct Made {
  std::string_view stem;
  std::string_view ext;  // without the dot; empty for none
  std::string label;
  Bytes bytes;
};
using Maker = Made (*)(Rng&);
struct Kind {
  std::uint32_t weight;  // per 1000
  Maker make;
};

constexpr std::array<std::string_view, 8> kDocStems = {"請求書", "見積書", "invoice", "report",
                                                       "議事録", "order",  "契約書",  "payment"};
constexpr std::array<std::string_view, 6> kTitles = {"請求書", "Invoice", "議事録", "Report", "見積書", "Order"};
constexpr std::array<std::string_view, 6> kBodies = {"請求書をご確認ください。",
                                                     "Please find the document attached.",
                                                     "定例会議の議事録です。",
                                                     "Quarterly figures",
                                                     "内容を表示するには「コンテンツの有効化」をクリックしてください。",
                                                     "Order confirmation"};

DocText doc_text(Rng& r) {
  DocText t;
  t.title = std::string(r.pick(kTitles));
  t.author = r.chance(50) ? "経理部" : "Sales";
  t.body = std::string(r.pick(kBodies));
  for (std::uint32_t extra = r.below(6); extra > 0; --extra) {
    t.body += ' ';  // appended piecewise: GCC 12's -Wrestrict misfires on "literal" + std::string&&
    t.body += r.pick(kBodies);
  }
  return t;
}

int lines(Rng& r) {
  return static_cast<int>(r.between(3, 40));
}

Made log_kind(Rng& r, LogKind k, std::string_view stem, std::string_view ext, const char* label) {
  return {stem, ext, label, log_file(k, r, lines(r))};
}

PeOptions pe_opts(Rng& r, bool dll) {
  PeOptions o;
  o.dll = dll;
  o.x64 = r.chance(60);
  o.gui = !dll && r.chance(70);
  o.timestamp = static_cast<std::uint32_t>(kFixedUnixTime - r.below(86400 * 365));
  o.marker = fmt::format("emoguard fixture {:016x}", r.next());
  o.section_size = 0x200 * r.between(1, 8);
  return o;
}

// Trees favour speed over compression ratio: level 1 deflate (the evidence set keeps zlib's default).
constexpr int kTreeDeflateLevel = 1;

ZipOptions fast_zip() {
  ZipOptions o;
  o.deflate_level = kTreeDeflateLevel;
  return o;
}

Bytes ooxml(Rng& r, OoxmlKind k) {
  OoxmlOptions o;
  o.deflate_level = kTreeDeflateLevel;
  return ooxml_package(k, doc_text(r), o);
}

MailMessage mail_message(Rng& r) {
  MailMessage m;
  m.from = r.chance(50) ? "経理部 <billing@mail.example.invalid>" : "Support <support@" + external_host(r) + ">";
  m.to = "user@corp.example.invalid";
  m.subject = std::string(r.pick(kTitles)) + " " + std::to_string(r.below(10000));
  m.body = plain_text(r, lines(r) / 4 + 1);
  m.received = {"from " + external_host(r) + " ([" + external_ip(r) +
                "]) by mx.corp.example.invalid; Wed, 02 Nov 2022 18:15:02 +0900"};
  if (r.chance(40)) {
    ZipWriter z(fast_zip());
    z.add("document.txt", plain_text(r, 3), ZipMethod::deflated, r.chance(50) ? "1234" : "");
    m.attachments.push_back({std::string(r.pick(kDocStems)) + ".zip", "application/zip", z.finish()});
  }
  return m;
}

std::vector<ArchiveMember> members(Rng& r) {
  std::vector<ArchiveMember> v;
  for (std::uint32_t n = r.between(1, 3), i = 0; i < n; ++i)
    v.push_back({fmt::format("file{}.txt", i), plain_text(r, lines(r) / 2 + 1)});
  return v;
}

MsgMessage msg_message(Rng& r) {
  const MailMessage m = mail_message(r);
  MsgMessage msg{m.subject, m.body, "Accounting", "billing@mail.example.invalid", m.to, {}};
  for (const auto& a : m.attachments) msg.attachments.push_back({a.file_name, a.data});
  return msg;
}

Made elf_kind(Rng& r) {
  ElfOptions o;
  o.shared_object = r.chance(50);
  o.x64 = r.chance(80);
  return Made{"agent", o.shared_object ? "so" : "", "elf", elf_header_only(o)};
}

Bytes zip_of(Rng& r, std::string_view password) {
  ZipWriter z(fast_zip());
  for (const auto& m : members(r)) {
    const bool deflate = !password.empty() || r.chance(70);
    z.add(m.name, m.data, deflate ? ZipMethod::deflated : ZipMethod::stored, password);
  }
  return z.finish();
}

Bytes collection(Rng& r) {
  RegfWriter h;
  h.add_dword_value("Software\\Fixture", "Value", r.below(100));
  return emoguard_collection(fmt::format("PC-{:03}", r.below(1000)), h.build());
}

PdfOptions pdf_opts(Rng& r) {
  PdfOptions o;
  o.title = std::string(r.pick(kTitles));
  o.lines.clear();
  for (int i = 0, n = lines(r); i < n; ++i)
    o.lines.push_back(fmt::format("Line {} of the document {:08x}", i, r.below(0xFFFFFFF)));
  if (r.chance(10)) o.link_uri = "http://" + external_host(r) + "/view";
  return o;
}

SylkOptions sylk_opts(Rng& r) {
  SylkOptions o;
  o.cells.clear();
  for (int i = 0, n = lines(r) / 4 + 1; i < n; ++i) o.cells.push_back(std::to_string(r.below(100000)));
  o.xlm_macro = r.chance(30);
  return o;
}

Bytes hive(Rng& r) {
  RegfWriter h;
  h.add_string_value("Software\\Microsoft\\Windows\\CurrentVersion\\Run", fmt::format("app{}", r.below(100)),
                     "C:\\Program Files\\App\\app.exe");
  return h.build();
}

LnkOptions lnk_opts(Rng& r) {
  LnkOptions o;
  o.arguments = r.chance(50) ? fmt::format("/c echo fixture {}", r.below(1000)) : "";
  return o;
}

// One line per kind keeps the mix readable as a table.
// clang-format off
const Kind kKinds[] = {
    // logs and text
    {30, [](Rng& r) { return log_kind(r, LogKind::zeek_conn_tsv, "conn", "log", "log/zeek_tsv"); }},
    {25, [](Rng& r) { return log_kind(r, LogKind::zeek_json, "conn", "json", "log/zeek_json"); }},
    {30, [](Rng& r) { return log_kind(r, LogKind::suricata_eve, "eve", "json", "log/suricata_eve"); }},
    {30, [](Rng& r) { return log_kind(r, LogKind::squid, "access", "log", "log/squid"); }},
    {25, [](Rng& r) { return log_kind(r, LogKind::jsonl, "app", "jsonl", "log/jsonl"); }},
    {30, [](Rng& r) { return log_kind(r, LogKind::csv, "export", "csv", "log/csv"); }},
    {15, [](Rng& r) { return log_kind(r, LogKind::tsv, "leases", "tsv", "log/tsv"); }},
    {5,  [](Rng& r) { return log_kind(r, LogKind::ssv, "export_de", "csv", "log/ssv"); }},
    {30, [](Rng& r) { return log_kind(r, LogKind::syslog, "messages", "log", "log/syslog"); }},
    {15, [](Rng& r) { return log_kind(r, LogKind::event_json, "sysmon", "jsonl", "log/event_json"); }},
    {5,  [](Rng& r) { return Made{"report2003", "xml", "xml/word2003", xml_document(XmlKind::word2003, r)}; }},
    {5,  [](Rng& r) { return Made{"report_flat", "xml", "xml/flat_opc", xml_document(XmlKind::flat_opc, r)}; }},
    {5,  [](Rng& r) { return Made{"AppLocker", "xml", "xml/applocker_policy", xml_document(XmlKind::applocker_policy, r)}; }},
    {5,  [](Rng& r) { return Made{"WDAC", "xml", "xml/wdac_policy", xml_document(XmlKind::wdac_policy, r)}; }},
    {10, [](Rng& r) { return Made{"events", "xml", "xml/event_xml", xml_document(XmlKind::event_xml, r)}; }},
    {5,  [](Rng& r) { return Made{"script", "wsf", "xml/wsf", xml_document(XmlKind::wsf, r)}; }},
    {15, [](Rng& r) { return Made{"web", "config", "xml", xml_document(XmlKind::plain, r)}; }},
    {25, [](Rng& r) { return Made{"index", "html", "html", html_page(r)}; }},
    {5,  [](Rng& r) { return Made{"viewer", "hta", "html/hta", html_page(r, true)}; }},
    {20, [](Rng& r) { return Made{"config", "json", "json", json_document(r)}; }},
    {2,  [](Rng& r) { return Made{"manifest", "json", "json/emoguard_manifest", triage_manifest(fmt::format("PC-{:03}", r.below(1000)))}; }},
    {62, [](Rng& r) { return Made{r.chance(50) ? "メモ" : "notes", "txt", "text", plain_text(r, lines(r))}; }},
    {8,  [](Rng& r) { return Made{"run_export", "reg", "text", utf16_reg_export(r)}; }},
    // Office Open XML and other OPC packages
    {40, [](Rng& r) { return Made{r.pick(kDocStems), "docx", "ooxml/docx", ooxml(r, OoxmlKind::docx)}; }},
    {20, [](Rng& r) { return Made{r.pick(kDocStems), "docm", "ooxml/docm", ooxml(r, OoxmlKind::docm)}; }},
    {35, [](Rng& r) { return Made{r.pick(kDocStems), "xlsx", "ooxml/xlsx", ooxml(r, OoxmlKind::xlsx)}; }},
    {15, [](Rng& r) { return Made{r.pick(kDocStems), "xlsm", "ooxml/xlsm", ooxml(r, OoxmlKind::xlsm)}; }},
    {5,  [](Rng& r) { return Made{r.pick(kDocStems), "xlsm", "ooxml/xlsm", ooxml(r, OoxmlKind::xlsm_xlm)}; }},
    {5,  [](Rng& r) { return Made{r.pick(kDocStems), "xlsb", "ooxml/xlsb", ooxml(r, OoxmlKind::xlsb)}; }},
    {15, [](Rng& r) { return Made{"slides", "pptx", "ooxml/pptx", ooxml(r, OoxmlKind::pptx)}; }},
    {3,  [](Rng& r) { return Made{"slides", "pptm", "ooxml/pptm", ooxml(r, OoxmlKind::pptm)}; }},
    {2,  [](Rng& r) { return Made{"diagram", "vsdx", "ooxml/vsdx", ooxml(r, OoxmlKind::vsdx)}; }},
    {2,  [](Rng& r) { return Made{"Example.Tools", "nupkg", "ooxml", ooxml(r, OoxmlKind::nupkg)}; }},
    // OLE2
    {25, [](Rng& r) { return Made{r.pick(kDocStems), "doc", "ole2/doc", word97_document(doc_text(r), r.chance(50))}; }},
    {20, [](Rng& r) { return Made{r.pick(kDocStems), "xls", "ole2/xls", excel97_workbook(doc_text(r), r.chance(30))}; }},
    {8,  [](Rng& r) { return Made{"slides", "ppt", "ole2/ppt", powerpoint97_presentation(doc_text(r))}; }},
    {10, [](Rng& r) { return Made{"message", "msg", "ole2/msg", outlook_msg(msg_message(r))}; }},
    {3,  [](Rng& r) { return Made{"setup", "msi", "ole2/msi", msi_package(doc_text(r))}; }},
    {5,  [](Rng& r) { return Made{r.pick(kDocStems), "docx", "ole2/encrypted_ooxml", encrypted_ooxml(r.next(), r.between(500, 3000))}; }},
    {5,  [](Rng& r) { return Made{"Thumbs", "db", "ole2", thumbs_db(r.next(), static_cast<int>(r.between(1, 3)))}; }},
    {2,  [](Rng& r) { return Made{"diagram", "vsd", "ole2/vsd", visio_document(doc_text(r))}; }},
    // executables
    {40, [](Rng& r) { return Made{r.chance(20) ? "請求書.pdf" : "setup", "exe", "pe/exe", pe_image(pe_opts(r, false))}; }},
    {30, [](Rng& r) { return Made{r.chance(20) ? "image" : "helper", r.chance(20) ? "png" : "dll", "pe/dll", pe_image(pe_opts(r, true))}; }},
    {3,  [](Rng& r) { return Made{"old", "exe", "pe/mz", dos_mz(r.between(200, 2000))}; }},
    {10, [](Rng& r) { return elf_kind(r); }},
    // ZIP containers
    {25, [](Rng& r) { return Made{r.pick(kDocStems), "zip", "zip", zip_of(r, "")}; }},
    {10, [](Rng& r) { return Made{r.pick(kDocStems), "zip", "zip/encrypted", zip_of(r, "1234")}; }},
    {3,  [](Rng& r) { return Made{"report", "odt", "zip/odf", odf_text(doc_text(r))}; }},
    {3,  [](Rng& r) { return Made{"viewer", "jar", "zip/jar", jar_archive(fmt::format("invalid.example.App{}", r.below(100)))}; }},
    {2,  [](Rng& r) { return Made{"app", "apk", "zip/apk", apk_archive(fmt::format("invalid.example.app{}", r.below(100)))}; }},
    {2,  [](Rng& r) { return Made{"collection", "zip", "zip/emoguard_collection", collection(r)}; }},
    // other archives
    {30, [](Rng& r) { return Made{"access.log", "gz", "gzip", gzip(log_file(LogKind::squid, r, lines(r)), "access.log", kFixedUnixTime, kTreeDeflateLevel)}; }},
    {8,  [](Rng& r) { return Made{"archive", "7z", "7z", sevenzip_archive(members(r))}; }},
    {8,  [](Rng& r) { return Made{"archive", "rar", "rar", rar5_archive(members(r))}; }},
    {5,  [](Rng& r) { return Made{"update", "cab", "cab", cab_archive(members(r))}; }},
    {1,  [](Rng& r) { return Made{"invoice", "iso", "iso", iso9660_image("INVOICE", members(r))}; }},
    // documents
    {50, [](Rng& r) { return Made{r.pick(kDocStems), "pdf", "pdf", pdf_document(pdf_opts(r))}; }},
    {10, [](Rng& r) { return Made{"memo", "rtf", "rtf", rtf_document({plain_text(r, lines(r) / 2 + 1), r.chance(10) ? "http://" + external_host(r) + "/t.dotm" : ""})}; }},
    {2,  [](Rng& r) { return Made{r.pick(kDocStems), "slk", "sylk", sylk_document(sylk_opts(r))}; }},
    // mail
    {40, [](Rng& r) { return Made{"message", "eml", "mail", eml(mail_message(r))}; }},
    {4,  [](Rng& r) { return Made{"page", "mht", "mail/mhtml", mhtml_document(std::string(r.pick(kTitles)), std::string(r.pick(kBodies)))}; }},
    {4,  [](Rng& r) { return Made{"page", "mhtml", "mail/mhtml", saved_web_page("https://" + external_host(r) + "/", std::string(r.pick(kTitles)), std::string(r.pick(kBodies)))}; }},
    {5,  [](Rng& r) { return Made{"inbox", "mbox", "mbox", mbox({mail_message(r), mail_message(r)})}; }},
    // Windows artefacts
    {15, [](Rng& r) { return Made{"Application", "evtx", "evtx", evtx_empty_log(1 + r.below(100000))}; }},
    {10, [](Rng& r) { return Made{"NTUSER", "DAT", "regf", hive(r)}; }},
    {15, [](Rng& r) { return Made{r.pick(kDocStems), "lnk", "lnk", shell_link(lnk_opts(r))}; }},
    {5,  [](Rng& r) { return Made{"notes", "one", "onenote", onenote_section(r.next())}; }},
    // unrecognised and empty
    {25, [](Rng& r) { return Made{"blob", "bin", "data", Bytes(1, '\0') + r.bytes(r.between(200, 4000))}; }},
    {5,  [](Rng& r) { return Made{"zeros", "bin", "data/zeros", Bytes(r.between(200, 4000), '\0')}; }},
    {3,  [](Rng&) { return Made{"empty", "log", "empty", Bytes()}; }},
};
// clang-format on

}  // namespace

void generate_tree(const TreeOptions& options, const std::function<void(const FixtureFile&)>& emit) {
  std::vector<std::uint32_t> cumulative;
  std::uint32_t total = 0;
  for (const auto& k : kKinds) cumulative.push_back(total += k.weight);
  auto make = [&](std::uint64_t i) {
    Rng r(options.seed * 0x9E3779B97F4A7C15ULL ^ (i + 1) * 0xD1B54A32D192ED03ULL);
    const std::uint32_t x = r.below(total);
    std::size_t k = 0;
    while (cumulative[k] <= x) ++k;
    return kKinds[k].make(r);
  };

  // Workers build file i on lane i % workers; this thread takes the lanes in turn, so files are
  // emitted in index order whatever the thread count, and writing overlaps building.
  struct Lane {
    std::mutex mu;
    std::condition_variable cv;
    std::deque<Made> queue;
    std::exception_ptr error;
  };
  constexpr std::size_t kDepth = 64;
  const unsigned workers = std::clamp(std::thread::hardware_concurrency(), 1U, 8U);
  std::vector<std::unique_ptr<Lane>> lanes;
  for (unsigned w = 0; w < workers; ++w) lanes.push_back(std::make_unique<Lane>());
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  for (unsigned w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      Lane& lane = *lanes[w];
      for (std::uint64_t i = w; i < options.files && !stop.load(); i += workers) {
        Made m;
        try {
          m = make(i);
        } catch (...) {
          const std::lock_guard lk(lane.mu);
          lane.error = std::current_exception();
          lane.cv.notify_all();
          return;
        }
        std::unique_lock lk(lane.mu);
        lane.cv.wait(lk, [&] { return lane.queue.size() < kDepth || stop.load(); });
        lane.queue.push_back(std::move(m));
        lane.cv.notify_all();
      }
    });
  }
  auto shutdown = [&] {
    stop.store(true);
    for (auto& l : lanes) {
      const std::lock_guard lk(l->mu);
      l->cv.notify_all();
    }
    for (auto& t : pool) t.join();
  };

  try {
    Rng layout(options.seed);
    std::uint64_t folder = 0;
    std::uint64_t left_in_folder = 0;
    for (std::uint64_t i = 0; i < options.files; ++i) {
      if (left_in_folder == 0) {
        // 100 to 500 per folder; the last folders are evened out so that none is left under 100.
        const std::uint64_t remaining = options.files - i;
        std::uint64_t n = layout.between(100, 500);
        if (n >= remaining || remaining - n < 100) n = remaining <= 500 ? remaining : remaining - 100;
        ++folder;
        left_in_folder = n;
      }
      --left_in_folder;
      Lane& lane = *lanes[i % workers];
      Made m;
      {
        std::unique_lock lk(lane.mu);
        lane.cv.wait(lk, [&] { return !lane.queue.empty() || lane.error; });
        if (lane.queue.empty()) std::rethrow_exception(lane.error);
        m = std::move(lane.queue.front());
        lane.queue.pop_front();
        lane.cv.notify_all();
      }
      // The index goes first so that a stem like "請求書.pdf" plus ".exe" stays a double extension.
      std::string name = fmt::format("part{:05}/{:07}_{}", folder - 1, i, m.stem);
      if (!m.ext.empty()) {
        name += '.';
        name += m.ext;
      }
      emit(FixtureFile{std::move(name), std::move(m.label), std::move(m.bytes)});
    }
  } catch (...) {
    shutdown();
    throw;
  }
  shutdown();
}

}  // namespace emoguard::fixturegen
