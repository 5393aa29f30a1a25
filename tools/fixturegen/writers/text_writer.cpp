// Text writers. Timestamps advance from the fixed instant by random steps, so logs are ordered
// and deterministic for a seed.
#include "writers/text_writer.hpp"

#include <fmt/format.h>

#include <array>
#include <string_view>

namespace emoguard::fixturegen {
namespace {

constexpr std::array<std::string_view, 8> kHostWords = {"cdn", "update", "files", "portal", "mail", "static", "api", "docs"};
constexpr std::array<std::string_view, 6> kUsers = {"tanaka", "suzuki", "sato", "takahashi", "ito", "watanabe"};
constexpr std::array<std::string_view, 6> kMonths = {"Oct", "Nov", "Nov", "Nov", "Dec", "Nov"};

std::string iso_time(std::int64_t t, bool frac = true) {
  const std::int64_t days = t / 86400;
  const std::int64_t secs = t % 86400;
  // 2022-11-02 is day 19298 since the epoch; fixtures stay within that November.
  const std::int64_t day = 2 + (days - 19298);
  return fmt::format("2022-11-{:02}T{:02}:{:02}:{:02}{}", day, secs / 3600, (secs / 60) % 60, secs % 60, frac ? ".000000" : "");
}

std::string uid(Rng& rng) {
  static constexpr char kAlnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string s = "C";
  for (int i = 0; i < 17; ++i) s.push_back(kAlnum[rng.below(62)]);
  return s;
}

}  // namespace

std::string internal_ip(Rng& rng) {
  return EMOGUARD_SEQ_FORMAT("10.{}.{}.{}", rng.below(4), rng.below(256), 1 + rng.below(254));
}

std::string external_ip(Rng& rng) {
  static constexpr std::array<std::string_view, 3> kNets = {"192.0.2", "198.51.100", "203.0.113"};
  return EMOGUARD_SEQ_FORMAT("{}.{}", rng.pick(kNets), 1 + rng.below(254));
}

std::string external_host(Rng& rng) {
  return EMOGUARD_SEQ_FORMAT("{}{}.example.invalid", rng.pick(kHostWords), rng.below(100));
}

Bytes xml_document(XmlKind kind, Rng& rng) {
  const std::string decl = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n";
  switch (kind) {
    case XmlKind::word2003:
      return decl +
             "<?mso-application progid=\"Word.Document\"?>\r\n"
             "<w:wordDocument xmlns:w=\"http://schemas.microsoft.com/office/word/2003/wordml\" "
             "xmlns:o=\"urn:schemas-microsoft-com:office:office\"><o:DocumentProperties><o:Author>" +
             std::string(rng.pick(kUsers)) +
             "</o:Author></o:DocumentProperties><w:body><w:p><w:r><w:t>請求書を送付いたします。</w:t></w:r></w:p></w:body></"
             "w:wordDocument>\r\n";
    case XmlKind::flat_opc:
      // Word's "Word XML Document": the same processing instruction as Word 2003 XML, a package root.
      return decl +
             "<?mso-application progid=\"Word.Document\"?>\r\n"
             "<pkg:package xmlns:pkg=\"http://schemas.microsoft.com/office/2006/xmlPackage\">"
             "<pkg:part pkg:name=\"/_rels/.rels\" pkg:contentType=\"application/vnd.openxmlformats-package.relationships+xml\">"
             "<pkg:xmlData><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
             "<Relationship Id=\"rId1\" "
             "Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
             "Target=\"word/document.xml\"/></Relationships></pkg:xmlData></pkg:part>"
             "<pkg:part pkg:name=\"/word/document.xml\" "
             "pkg:contentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\">"
             "<pkg:xmlData><w:document "
             "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:p><w:r>"
             "<w:t>議事録</w:t></w:r></w:p></w:body></w:document></pkg:xmlData></pkg:part></pkg:package>\r\n";
    case XmlKind::applocker_policy:
      return decl +
             "<AppLockerPolicy Version=\"1\">\r\n"
             "  <RuleCollection Type=\"Script\" EnforcementMode=\"Enabled\">\r\n"
             "    <FilePathRule Id=\"" +
             EMOGUARD_SEQ_FORMAT("{:08x}-0000-4000-8000-{:012x}", rng.next() & 0xFFFFFFFF, rng.next() & 0xFFFFFFFFFFFF) +
             "\" Name=\"Scripts in Windows\" Description=\"\" UserOrGroupSid=\"S-1-1-0\" Action=\"Allow\">\r\n"
             "      <Conditions><FilePathCondition Path=\"%WINDIR%\\*\"/></Conditions>\r\n"
             "    </FilePathRule>\r\n  </RuleCollection>\r\n"
             "  <RuleCollection Type=\"Exe\" EnforcementMode=\"AuditOnly\"/>\r\n</AppLockerPolicy>\r\n";
    case XmlKind::wdac_policy:
      return "<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n"
             "<SiPolicy xmlns=\"urn:schemas-microsoft-com:sipolicy\" PolicyType=\"Base Policy\">\r\n"
             "  <VersionEx>10.0.0." +
             std::to_string(rng.below(100)) +
             "</VersionEx>\r\n  <Rules><Rule><Option>Enabled:Audit Mode</Option></Rule></Rules>\r\n"
             "  <FileRules><Deny ID=\"ID_DENY_PWSH\" FriendlyName=\"powershell.exe\" FileName=\"PowerShell.exe\" "
             "MinimumFileVersion=\"65535.65535.65535.65535\"/></FileRules>\r\n"
             "</SiPolicy>\r\n";
    case XmlKind::event_xml: {
      std::string s = "<Events>\r\n";
      const int n = 1 + static_cast<int>(rng.below(3));
      std::int64_t t = kFixedUnixTime;
      for (int i = 0; i < n; ++i) {
        t += rng.between(1, 120);
        s += "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider "
             "Name='Microsoft-Windows-Security-Auditing'/>"
             "<EventID>4688</EventID><TimeCreated SystemTime='" +
             iso_time(t) + "Z'/><Computer>PC-" + std::to_string(rng.between(1, 99)) +
             ".corp.example.invalid</Computer></System><EventData><Data "
             "Name='NewProcessName'>C:\\Windows\\System32\\cmd.exe</Data>"
             "<Data Name='CommandLine'>cmd.exe /c echo fixture</Data></EventData></Event>\r\n";
      }
      return s + "</Events>\r\n";
    }
    case XmlKind::wsf:
      return "<?xml version=\"1.0\"?>\r\n<job id=\"viewer\">\r\n<script language=\"JScript\">\r\n"
             "// emoguard fixture: prints one line, nothing else\r\nWScript.Echo(\"fixture " +
             std::to_string(rng.below(1000)) + "\");\r\n</script>\r\n</job>\r\n";
    case XmlKind::plain:
      return decl + "<configuration>\r\n  <appSettings>\r\n    <add key=\"Endpoint\" value=\"https://" + external_host(rng) +
             "/api\"/>\r\n  </appSettings>\r\n</configuration>\r\n";
  }
  return decl;
}

Bytes html_page(Rng& rng, bool hta) {
  if (hta) {
    return "<html>\r\n<head>\r\n<title>Document Viewer</title>\r\n"
           "<HTA:APPLICATION ID=\"viewer\" APPLICATIONNAME=\"Viewer\" BORDER=\"thin\" WINDOWSTATE=\"minimize\" "
           "SHOWINTASKBAR=\"no\"/>\r\n"
           "<script language=\"VBScript\">\r\n' emoguard fixture: closes its own window, nothing else\r\n"
           "Sub Window_OnLoad : window.close : End Sub\r\n</script>\r\n</head>\r\n<body>" +
           std::to_string(rng.below(100000)) + "</body>\r\n</html>\r\n";
  }
  return "<!DOCTYPE html>\r\n<html lang=\"ja\">\r\n<head><meta charset=\"utf-8\"><title>お知らせ</title></head>\r\n"
         "<body><h1>お知らせ</h1><p>詳細は <a href=\"https://" +
         external_host(rng) + "/notice\">こちら</a> をご覧ください。</p></body>\r\n</html>\r\n";
}

Bytes log_file(LogKind kind, Rng& rng, int lines) {
  std::string s;
  std::int64_t t = kFixedUnixTime;
  auto step = [&] { t += rng.between(0, 30); };
  switch (kind) {
    case LogKind::zeek_conn_tsv:
      s = "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#open\t2022-11-02-09-15-00\n"
          "#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto\tservice\tduration\torig_bytes\tresp_bytes\tconn_"
          "state\n"
          "#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount\tcount\tstring\n";
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("{}.{:06}\t{}\t{}\t{}\t{}\t{}\ttcp\t{}\t{}.{:06}\t{}\t{}\tSF\n", t, rng.below(1000000), uid(rng),
                         internal_ip(rng), rng.between(49152, 65535), external_ip(rng), rng.chance(50) ? 443 : 8080,
                         rng.chance(50) ? "ssl" : "http", rng.below(10), rng.below(1000000), rng.below(5000), rng.below(200000));
      }
      s += "#close\t2022-11-02-10-00-00\n";
      return s;
    case LogKind::zeek_json:
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT(
            "{{\"ts\":{}.{:06},\"uid\":\"{}\",\"id.orig_h\":\"{}\",\"id.orig_p\":{},\"id.resp_h\":\"{}\",\"id.resp_p\":{},"
            "\"proto\":\"tcp\",\"service\":\"http\",\"conn_state\":\"SF\"}}\n",
            t, rng.below(1000000), uid(rng), internal_ip(rng), rng.between(49152, 65535), external_ip(rng),
            rng.chance(50) ? 443 : 8080);
      }
      return s;
    case LogKind::suricata_eve:
      for (int i = 0; i < lines; ++i) {
        step();
        if (rng.chance(30)) {
          s += EMOGUARD_SEQ_FORMAT(
              "{{\"timestamp\":\"{}+0900\",\"flow_id\":{},\"event_type\":\"alert\",\"src_ip\":\"{}\",\"src_port\":{},\"dest_ip\":"
              "\"{}\","
              "\"dest_port\":8080,\"proto\":\"TCP\",\"alert\":{{\"action\":\"allowed\",\"signature_id\":9000001,"
              "\"signature\":\"FIXTURE test signature (not a real detection)\",\"severity\":3}}}}\n",
              iso_time(t), rng.next() >> 12, internal_ip(rng), rng.between(49152, 65535), external_ip(rng));
        } else {
          s += EMOGUARD_SEQ_FORMAT(
              "{{\"timestamp\":\"{}+0900\",\"flow_id\":{},\"event_type\":\"dns\",\"src_ip\":\"{}\",\"dest_ip\":\"10.0.0.53\","
              "\"proto\":\"UDP\",\"dns\":{{\"type\":\"query\",\"rrname\":\"{}\",\"rrtype\":\"A\"}}}}\n",
              iso_time(t), rng.next() >> 12, internal_ip(rng), external_host(rng));
        }
      }
      return s;
    case LogKind::squid:
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("{}.{:03} {:6} {} TCP_TUNNEL/200 {} CONNECT {}:443 - HIER_DIRECT/{} -\n", t, rng.below(1000),
                         rng.between(20, 9000), internal_ip(rng), rng.between(300, 90000), external_host(rng), external_ip(rng));
      }
      return s;
    case LogKind::jsonl:
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("{{\"time\":\"{}Z\",\"level\":\"info\",\"user\":\"{}\",\"action\":\"login\",\"client\":\"{}\"}}\n",
                         iso_time(t, false), rng.pick(kUsers), internal_ip(rng));
      }
      return s;
    case LogKind::csv:
      s = "timestamp,src_ip,dst_ip,dst_port,action\r\n";
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("{},{},{},{},{}\r\n", iso_time(t, false), internal_ip(rng), external_ip(rng),
                         rng.chance(50) ? 443 : 8080, rng.chance(80) ? "allow" : "deny");
      }
      return s;
    case LogKind::tsv:
      s = "hostname\tip\tmac\tlease_start\n";
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("PC-{:03}\t{}\t00:15:5d:{:02x}:{:02x}:{:02x}\t{}\n", rng.below(1000), internal_ip(rng), rng.below(256),
                         rng.below(256), rng.below(256), iso_time(t, false));
      }
      return s;
    case LogKind::ssv:
      s = "Datum;Quelle;Ziel;Aktion\r\n";
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT("{};{};{};{}\r\n", iso_time(t, false), internal_ip(rng), external_ip(rng),
                         rng.chance(80) ? "erlaubt" : "blockiert");
      }
      return s;
    case LogKind::syslog:
      for (int i = 0; i < lines; ++i) {
        step();
        const std::int64_t secs = t % 86400;
        s += EMOGUARD_SEQ_FORMAT("{} {:>2} {:02}:{:02}:{:02} fw01 sshd[{}]: Accepted publickey for {} from {} port {} ssh2\n",
                         rng.pick(kMonths), 1 + rng.below(28), secs / 3600, (secs / 60) % 60, secs % 60, rng.between(1000, 60000),
                         rng.pick(kUsers), internal_ip(rng), rng.between(49152, 65535));
      }
      return s;
    case LogKind::event_json:
      for (int i = 0; i < lines; ++i) {
        step();
        s += EMOGUARD_SEQ_FORMAT(
            "{{\"Event\":{{\"System\":{{\"Provider\":{{\"Name\":\"Microsoft-Windows-Sysmon\"}},\"EventID\":1,\"TimeCreated\":"
            "{{\"SystemTime\":\"{}Z\"}},\"Computer\":\"PC-{:03}\"}},\"EventData\":{{\"Image\":\"C:\\\\Windows\\\\System32\\\\cmd."
            "exe\","
            "\"CommandLine\":\"cmd.exe /c echo fixture\"}}}}}}\n",
            iso_time(t), rng.below(1000));
      }
      return s;
  }
  return s;
}

Bytes json_document(Rng& rng) {
  return EMOGUARD_SEQ_FORMAT("{{\n  \"server\": \"{}\",\n  \"port\": {},\n  \"retry\": {},\n  \"users\": [\"{}\", \"{}\"]\n}}\n",
                     external_host(rng), rng.chance(50) ? 443 : 8443, rng.below(10), rng.pick(kUsers), rng.pick(kUsers));
}

Bytes triage_manifest(const std::string& host) {
  return "{\n  \"format\": \"emoguard-triage\",\n  \"version\": 1,\n  \"host\": \"" + host +
         "\",\n  \"collected\": \"2022-11-02T09:15:00Z\",\n  \"items\": [\"system/NTUSER.DAT\", \"system/Security.evtx\"]\n}\n";
}

Bytes plain_text(Rng& rng, int lines) {
  static constexpr std::array<std::string_view, 8> kLines = {
      "お世話になっております。経理部の田中です。",
      "来週の打ち合わせの資料を共有フォルダに置きました。",
      "Please review the attached minutes before Friday.",
      "会議室は 3 階の第二会議室です。",
      "The backup job finished without errors last night.",
      "ご不明な点があればご連絡ください。",
      "Reminder to rotate the guest Wi-Fi password this month.",
      "よろしくお願いいたします。",
  };
  std::string s;
  for (int i = 0; i < lines; ++i) {
    s += kLines[rng.below(static_cast<std::uint32_t>(kLines.size()))];
    s += "\n";
  }
  return s;
}

Bytes utf16_reg_export(Rng& rng) {
  const std::string text =
      "Windows Registry Editor Version 5.00\r\n\r\n"
      "[HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]\r\n"
      "\"OneDrive\"=\"\\\"C:\\\\Users\\\\" +
      std::string(rng.pick(kUsers)) + "\\\\AppData\\\\Local\\\\Microsoft\\\\OneDrive\\\\OneDrive.exe\\\" /background\"\r\n\r\n";
  return "\xFF\xFE" + utf16le(text);
}

}  // namespace emoguard::fixturegen
