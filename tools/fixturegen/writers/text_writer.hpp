// Text evidence writers: XML kinds, HTML and HTA, JSON, network and host logs, prose, UTF-16LE exports.
//
// XML: Word 2003, flat OPC, AppLocker, WDAC, event XML, WSF. Logs: Zeek (TSV and JSON), Suricata
// EVE, Squid, syslog, CSV/TSV/SSV, JSON Lines, Windows events as JSON. The Rng varies hosts, times
// and counts; a fixed seed fixes the bytes.
#pragma once

#include <string>

#include "writers/bytes.hpp"

namespace emoguard::fixturegen {

enum class XmlKind { word2003, flat_opc, applocker_policy, wdac_policy, event_xml, wsf, plain };
[[nodiscard]] Bytes xml_document(XmlKind kind, Rng& rng);

[[nodiscard]] Bytes html_page(Rng& rng, bool hta = false);

enum class LogKind { zeek_conn_tsv, zeek_json, suricata_eve, squid, jsonl, csv, tsv, ssv, syslog, event_json };
[[nodiscard]] Bytes log_file(LogKind kind, Rng& rng, int lines);

// One JSON document over several lines (a configuration file), or emoguard's triage manifest.
[[nodiscard]] Bytes json_document(Rng& rng);
[[nodiscard]] Bytes triage_manifest(const std::string& host);

// Prose in Japanese and English; no ASCII commas, tabs or colons in the first lines, which would
// make it a table or a header block.
[[nodiscard]] Bytes plain_text(Rng& rng, int lines);
// A .reg export as regedit writes it: UTF-16LE with a byte-order mark and CRLF.
[[nodiscard]] Bytes utf16_reg_export(Rng& rng);

// Internal (10/8) and documentation (TEST-NET) addresses, hosts under example.invalid.
[[nodiscard]] std::string internal_ip(Rng& rng);
[[nodiscard]] std::string external_ip(Rng& rng);
[[nodiscard]] std::string external_host(Rng& rng);

}  // namespace emoguard::fixturegen
