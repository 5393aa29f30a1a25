// Names of severities, error codes and content types, and object-path joining.
#include "emoguard/finding.hpp"

#include <array>

#include "emoguard/analyzer.hpp"
#include "emoguard/content_type.hpp"

namespace emoguard {

namespace {
constexpr std::array<std::string_view, kSeverityCount> kSeverityNames = {"info", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, kContentTypeCount> kTypeNames = {
    "empty", "data", "ole2", "zip", "ooxml", "evtx", "regf", "mail", "mbox", "lnk", "onenote", "pe", "elf",
    "pdf",   "rtf",  "sylk", "gzip", "7z",  "rar",   "cab",  "iso",  "xml",  "html", "json", "log", "text"};
}  // namespace

std::string_view to_string(Severity s) noexcept { return kSeverityNames[static_cast<std::size_t>(s)]; }

std::optional<Severity> parse_severity(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kSeverityNames.size(); ++i) {
    if (kSeverityNames[i] == s) return static_cast<Severity>(i);
  }
  return std::nullopt;
}

std::string_view to_string(ContentType t) noexcept { return kTypeNames[static_cast<std::size_t>(t)]; }

std::optional<ContentType> parse_content_type(std::string_view s) noexcept {
  for (std::size_t i = 0; i < kTypeNames.size(); ++i) {
    if (kTypeNames[i] == s) return static_cast<ContentType>(i);
  }
  return std::nullopt;
}

std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::io: return "io";
    case Errc::not_found: return "not_found";
    case Errc::permission: return "permission";
    case Errc::not_regular: return "not_regular";
    case Errc::empty: return "empty";
    case Errc::too_large: return "too_large";
    case Errc::loop: return "loop";
    case Errc::truncated: return "truncated";
    case Errc::out_of_range: return "out_of_range";
    case Errc::malformed: return "malformed";
    case Errc::unsupported: return "unsupported";
    case Errc::limit: return "limit";
    case Errc::usage: return "usage";
    case Errc::internal: return "internal";
  }
  return "internal";
}

std::string ObjectPath::str() const {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += " > ";
    out += parts[i];
  }
  return out;
}

void Registry::add(std::unique_ptr<Analyzer> analyzer) { analyzers_.push_back(std::move(analyzer)); }

std::vector<Analyzer*> Registry::for_type(ContentType t) const {
  std::vector<Analyzer*> out;
  for (const auto& a : analyzers_) {
    const auto& info = a->info();
    bool match = info.every_type;
    for (const auto h : info.handles) match = match || h == t;
    if (match) out.push_back(a.get());
  }
  return out;
}

bool Registry::analyses(ContentType t) const {
  for (const auto& a : analyzers_) {
    if (a->info().every_type) continue;  // as in the engine: name checks are not content analysis
    for (const auto h : a->info().handles) {
      if (h == t) return true;
    }
  }
  return false;
}

}  // namespace emoguard
